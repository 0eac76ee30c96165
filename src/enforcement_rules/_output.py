"""Files written whole or not at all, never over an input, every failure a located error.

Every file the library writes (reports, converted records, the calendar's ``.ics``, the
command's ``--output``) goes through ``write_file``: the content is written to a temporary
file in the target's folder (``.report.xlsx.<random>.tmp``), flushed to disk and renamed onto
the target, so a reader, or a kill during writing, sees the previous file or the new one,
never a part. A failure (a missing or read-only folder, a folder as the target, a full disk)
removes the temporary file, leaves the previous file as it was and raises ``UsageError``
naming the path and the reason.

Symbolic links: a target that is a link to a regular file is refused (renaming onto it would
replace the link, writing through it would change a file elsewhere: name the file itself). A
target that is a device or a pipe (``/dev/stdout``, a FIFO), directly or through a link, is
written in place: it cannot be renamed onto, and holds no previous content to keep.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from ._errors import UsageError


def write_file(path: str | Path, content: bytes | Callable[[Path], object]) -> Path:
    """Write ``content`` (bytes, or a function writing the file at the path it is given) to
    ``path`` atomically; the path written."""
    target = Path(path)
    folder = _usable_target(target)
    if folder is None:  # a device or a pipe
        _guarded(target, lambda: _write_in_place(target, content))
        return target
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise _located(target, error) from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            if isinstance(content, bytes):
                file.write(content)
        if not isinstance(content, bytes):
            content(temporary)
        with open(temporary, "rb+") as file:
            os.fsync(file.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        cause = _os_error(error)
        if cause is not None:
            raise _located(target, cause) from None
        raise
    return target


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """``text`` written atomically (``write_file``)."""
    return write_file(path, text.encode(encoding))


def refuse_overwriting(outputs: Iterable[str | Path | None], inputs: Iterable[str | Path]) -> None:
    """``UsageError`` when an output would replace an input: the same path or file (a link to
    it too), or a path inside an input folder. Checked before anything is read or written."""
    sources = [Path(p) for p in inputs]
    for output in outputs:
        if output is None:
            continue
        written = Path(output)
        for source in sources:
            if _same(written, source) or (source.is_dir() and _inside(written, source)):
                raise UsageError(
                    f"{written}: the output would replace the input {source}; "
                    f"write it somewhere else"
                )


def silence(stream: TextIO) -> None:
    """After a broken pipe: point ``stream`` at the null device, so that Python's own flush at
    exit raises no second error."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())


def _usable_target(target: Path) -> Path | None:
    """The folder to write ``target`` in; ``None`` for a device or a pipe, written in place."""
    try:
        if target.is_symlink():
            if target.exists() and not stat.S_ISREG(target.stat().st_mode):
                return None
            raise UsageError(
                f"{target}: is a symbolic link; name the file itself (the link is not followed "
                f"or replaced)"
            )
        if target.is_dir():
            raise UsageError(f"{target}: is a folder; give the path of a file to write")
        if target.exists() and not stat.S_ISREG(target.stat().st_mode):
            return None
        folder = target.parent
        if not folder.exists():
            raise UsageError(f"{target}: the folder {folder} does not exist")
        if not folder.is_dir():
            raise UsageError(f"{target}: {folder} is not a folder")
    except OSError as error:
        raise _located(target, error) from None
    return folder


def _write_in_place(target: Path, content: bytes | Callable[[Path], object]) -> None:
    if isinstance(content, bytes):
        with open(target, "wb") as file:
            file.write(content)
    else:
        content(target)


def _guarded(target: Path, write: Callable[[], None]) -> None:
    try:
        write()
    except BaseException as error:
        cause = _os_error(error)
        if cause is not None:
            raise _located(target, cause) from None
        raise


def _mode_for(target: Path) -> int:
    """The permissions of the file replaced, else those a new file gets."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _os_error(error: BaseException) -> OSError | None:
    """The operating system's error behind ``error`` (a writer's own error wraps it)."""
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _located(target: Path, error: OSError) -> UsageError:
    reason = error.strerror or str(error)
    return UsageError(
        f"{target}: cannot write ({reason}); nothing was written and a previous file there "
        f"is unchanged"
    )


def _same(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        if a.exists() and b.exists():
            return a.samefile(b)
    return a.resolve() == b.resolve()


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())
