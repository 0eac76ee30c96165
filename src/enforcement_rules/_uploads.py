"""Records sent over HTTP, read by the same readers and limits as files: the body is written to
a private temporary folder under a name that says its format, and ``load`` reads it there.

A zip archive (a folder of CSV files) is checked before anything is extracted: its number of
members and the sizes they declare are bounded, a member whose path is absolute, climbs out of
the folder (``..``) or is a link is refused; while extracting, the bytes actually written are
counted too, since a declared size can lie. Member names stored in GBK without the UTF-8 flag
(as zip programs on Chinese Windows write them) are read as GBK.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from . import _limits
from ._errors import InputError, Problem
from ._load import load
from ._records import Records

BODY_FORMATS = {
    "application/json": ".json",
    "application/jsonl": ".jsonl",
    "application/x-ndjson": ".jsonl",
    "application/x-jsonlines": ".jsonl",
    "application/zip": ".zip",
    "application/x-zip-compressed": ".zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
"""The media types a request body of records may have, and the suffix each is read as."""

UPLOAD_SUFFIXES = (".json", ".jsonl", ".ndjson", ".xlsx", ".zip", ".csv", ".tsv")
"""The suffixes an uploaded file's name may end with (a single ``.csv`` names its table)."""

RECORDS_NAME = "records"
_CHUNK = 1 << 20


@contextmanager
def private_folder() -> Iterator[Path]:
    """A temporary folder only this process's user can read, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="enforcement-rules-"))  # mode 0o700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def load_upload(folder: Path, name: str, data: bytes) -> Records:
    """Records from the bytes of one upload named ``name`` (its suffix says the format),
    written into ``folder``; problems name the upload (``records.json: officers[0] ...``),
    never the server's folder."""
    suffix = PurePosixPath(name).suffix.lower()
    stem = PurePosixPath(name).stem
    if suffix not in UPLOAD_SUFFIXES or not _plain_name(stem):
        raise InputError(
            [
                Problem(
                    name,
                    "upload",
                    None,
                    "a file named like records.json, records.jsonl, records.xlsx, "
                    "records.zip (CSV files) or officers.csv",
                )
            ]
        )
    target = folder / f"{stem}{suffix}"
    target.write_bytes(data)
    try:
        if suffix == ".zip":
            return load(_unzipped(target, folder / stem, name))
        return load(target)
    except InputError as error:
        raise _relocated(error, folder) from None


def _plain_name(stem: str) -> bool:
    return bool(stem) and "/" not in stem and "\\" not in stem and not stem.startswith(".")


def _unzipped(archive: Path, into: Path, name: str) -> Path:
    """Extract a zip archive of table files within the limits; the folder that holds them
    (the archive's one top folder, when everything is in one)."""

    def refused(expected: str, got: str | None = None) -> InputError:
        return InputError([Problem(name, "archive", None, expected, got)])

    try:
        with zipfile.ZipFile(archive) as opened:
            members = opened.infolist()
            if len(members) > _limits.MAX_ARCHIVE_MEMBERS:
                raise refused(
                    f"an archive of at most {_limits.MAX_ARCHIVE_MEMBERS} members",
                    str(len(members)),
                )
            declared = sum(m.file_size for m in members)
            if declared > _limits.MAX_UNCOMPRESSED_BYTES:
                raise refused(_expands_to_at_most(), f"{declared} bytes")
            for member in members:
                _check_member(member, name)
            into.mkdir()
            written = 0
            for member in members:
                target = into.joinpath(*PurePosixPath(_member_name(member)).parts)
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    raise refused("members of distinct names", repr(_member_name(member)))
                with opened.open(member) as source, target.open("xb") as sink:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        if written > _limits.MAX_UNCOMPRESSED_BYTES:
                            raise refused(_expands_to_at_most(), "more than it declares")
                        sink.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise refused("a zip archive of CSV files", str(error)) from None
    except NotImplementedError as error:  # a compression method zipfile does not have
        raise refused("a zip archive compressed with deflate (or stored)", str(error)) from None
    entries = [p for p in into.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return into


def _expands_to_at_most() -> str:
    limit = _limits.MAX_UNCOMPRESSED_BYTES
    return f"an archive that expands to at most {limit} bytes ({limit / 2**20:.0f} MiB)"


def _member_name(member: zipfile.ZipInfo) -> str:
    """A member's name; one stored in GBK (as Chinese Windows zips without the UTF-8 flag,
    which ``zipfile`` reads as code page 437) decoded as such."""
    if member.flag_bits & 0x800 or member.filename.isascii():
        return member.filename
    raw = member.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return member.filename


def _check_member(member: zipfile.ZipInfo, name: str) -> None:
    filename = _member_name(member)
    path = PurePosixPath(filename.replace("\\", "/"))
    mode = member.external_attr >> 16
    escapes = path.is_absolute() or ".." in path.parts or ":" in filename
    if escapes or stat.S_ISLNK(mode):
        what = "a link" if stat.S_ISLNK(mode) else "a path outside the archive's folder"
        raise InputError(
            [
                Problem(
                    name,
                    "archive",
                    None,
                    "members that are plain files inside the archive's folder",
                    f"{filename!r} ({what})",
                )
            ]
        )


def _relocated(error: InputError, folder: Path) -> InputError:
    """The same problems, their files named relative to the private folder."""
    prefix = str(folder) + "/"
    problems = [
        Problem(
            p.file.removeprefix(prefix) if p.file else p.file,
            p.where.replace(prefix, ""),
            p.field,
            p.expected,
            p.got.replace(prefix, "") if p.got else p.got,
        )
        for p in error.problems
    ]
    return InputError(problems, truncated=error.truncated, more=error.more)
