"""durable-rules behind a small interface: rulesets in its JSON form, one event at a time.

Nothing else in the library imports durable-rules. The live monitor builds each rule's ruleset
with the condition helpers below (``less("certified", 2)``, ``all_of(...)``) and asks
``Engine.decide(ruleset, encode(event))`` which of its rules, if any, the event fires.

How the engine's sharp edges (durable-rules 2.0.28) are handled here:

- Ruleset names are global to a host and can be registered once: every ``Engine`` has its own
  host and names its rulesets with a process-wide serial number.
- A host starts two timer threads that re-arm themselves for ever; they only dispatch work
  queued outside a ``post``. Every action here is completed inside ``decide``, so the host
  starts none (``Host._run``), and a closed engine leaves no thread behind.
- ``delete_ruleset`` does not free the session state the ruleset holds (≈ 80-100 KB per
  ruleset once it has seen an event): ``close`` deletes the state first. ``delete_state``
  crashes the process (segmentation fault) when the state was created by an event that fired
  no rule, so each ruleset has one more rule, ``engine_ready``, and its session is created by
  an event that fires it.
- An event that fires no rule makes ``Host.post`` raise ``MessageNotHandledException``:
  that is the answer "no rule fired", read here from the engine's own return code. An event
  posted twice is never "already observed", because events carry no ``id``. No facts are
  asserted (``docs/monitor.md``: joining each event with a clock fact grew memory with every
  event), so the engine holds nothing between posts.
- durable's own action layer (``Ruleset.do_actions``: a closure, a promise and two JSON
  round trips of the session state for every rule that fires) costs more than the match
  itself. No rule here acts: ``decide`` asks the C engine which rule the event fired
  (``start_action_for_state``) and completes that action at once, leaving the session
  state as it was. The rules' ``run`` functions are never called.
- The engine is not made thread-safe here; its one user, the monitor, holds a lock.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import json
import operator
import os
import platform
import re
import shlex
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Callable, Mapping
from importlib import metadata
from types import ModuleType
from typing import Any, TextIO

from ._conditions import Condition, all_of, at_least, equals, fields, less
from ._errors import MonitorUnavailable

REQUIREMENT = "durable-rules>=2.0.28,<2.1"
"""The durable-rules the ``live`` extra and ``engine install`` install (2.0.28 is its last
release, 2020)."""

_SERIAL = itertools.count(1)
_SERIAL_LOCK = threading.Lock()
_SESSION = "0"  # every event goes to one session (durable's "sid"), the default one
_READY = "engine_ready"  # the rule, and the event field, that create each session
_NOT_HANDLED, _OBSERVED, _QUEUED = 1, 2, 3  # what the C engine answers besides 0 (done)
_modules: tuple[ModuleType, type] | None = None
_import = importlib.import_module
_BATCH = "enforcement_rules.evaluate(records, as_of) checks records in batch without it."


def installed() -> bool:
    """Whether durable-rules' C extension is installed for this Python (working or not)."""
    return importlib.util.find_spec("durable_rules_engine") is not None


def _python() -> str:
    return f"Python {platform.python_version()} ({sys.executable})"


def install_hint() -> str:
    """The command that builds and installs durable-rules for this very interpreter."""
    return f"{shlex.quote(sys.executable)} -m enforcement_rules engine install"


def _durable() -> tuple[ModuleType, type]:
    """durable-rules' C extension and our host class, once they have passed the self-test;
    or ``MonitorUnavailable`` saying why and naming the command that installs them."""
    global _modules
    if _modules is None:
        modules = _load()
        _self_test(modules)
        _modules = modules
    return _modules


def _load() -> tuple[ModuleType, type]:
    try:
        engine = _import("durable.engine")
        native = _import("durable_rules_engine")
    except ModuleNotFoundError:
        raise MonitorUnavailable(
            f"the live monitor needs durable-rules, which is not installed for {_python()}; "
            f"install it with: {install_hint()}. {_BATCH}"
        ) from None
    except Exception as error:  # e.g. built for 3.13+ without the define (install_command)
        raise MonitorUnavailable(
            f"the live monitor needs durable-rules, which is installed but does not import on "
            f"{_python()} ({type(error).__name__}: {error}); build it again with: "
            f"{install_hint()}. {_BATCH}"
        ) from None

    class Host(engine.Host):  # type: ignore[name-defined,misc]
        """durable's host without its background dispatch threads (see above)."""

        def _run(self) -> None:
            pass

    return native, Host


def _self_test(modules: tuple[ModuleType, type]) -> None:
    """One ruleset, one event that fires its rule and one that fires none: an engine that
    imports but answers wrongly (or raises) is unavailable, not trusted."""
    try:
        rules = {"low": less("n", 2), "high": all_of(at_least("n", 5), equals("x", "是"))}
        engine = Engine({"self_test": rules}, modules=modules)
        try:
            answers = [engine.decide("self_test", encode(event)) for event in _SELF_TEST]
        finally:
            engine.close()
    except Exception as error:
        answers = [f"{type(error).__name__}: {error}"]
    if answers != ["low", None, "high"]:
        raise MonitorUnavailable(
            f"the live monitor needs durable-rules, which imports on {_python()} but failed its "
            f"self-test (expected the answers ['low', None, 'high'], got {answers}); "
            f"build it again with: {install_hint()}. {_BATCH}"
        )


_SELF_TEST: list[dict[str, Any]] = [{"n": 1}, {"n": 3, "x": "是"}, {"n": 7, "x": "是"}]


# -- the engine ---------------------------------------------------------------------------

_encoder = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, allow_nan=False, separators=(",", ":")
)
# durable's JSON parser refuses a number in exponent form without a fraction (Python writes
# 1e-05 and 1e+16; it reads 1.0e-05 and 1.0e+16): such floats are rewritten in the text
_PLAIN_FLOATS = (1e-4, 1e16)
_STRING_OR_BARE_EXPONENT = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\d.])(-?\d+)(?=[eE])')


def encode(event: Mapping[str, Any]) -> str:
    """An event as the engine reads it: JSON text (plain values, no ``id``, ``sid`` or
    ``engine_ready`` key: durable-rules reads those itself). A number that is not finite
    raises ``ValueError``: the engine cannot compare it."""
    if "id" in event or "sid" in event or _READY in event:
        raise ValueError(f"an event carries no 'id', 'sid' or '{_READY}' field")
    text = _encoder.encode(event)
    low, high = _PLAIN_FLOATS
    if any(type(v) is float and v and not low <= abs(v) < high for v in event.values()):
        text = _STRING_OR_BARE_EXPONENT.sub(lambda m: m[0] if m[1] is None else m[1] + ".0", text)
    return text


def _never_run(closure: Any) -> None:
    """The rules' action, which durable-rules asks for and ``Engine`` never calls."""


class _Absent:
    """A field an event lacks, as an engine's kept answers hold it."""


_ABSENT = _Absent()


def _read(rules: Mapping[str, Condition]) -> set[str]:
    """The fields of an event a ruleset reads."""
    return set().union(*(fields(condition) for condition in rules.values()))


def _reader(names: list[str]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """The values of the fields ``names`` of an event, in order (``KeyError``: one lacking)."""
    if len(names) == 1:
        (name,) = names
        return lambda event: (event[name],)
    if not names:
        return lambda event: ()
    return operator.itemgetter(*names)


ANSWERS_KEPT = 10_000
"""How many of the engine's latest answers an ``Engine`` keeps (≈ 3 MB; acts arriving in time
order agree mostly with the answers of their own day: a day of the monitor's benchmark, every
pack, adds ≈ 100)."""

Rulesets = Mapping[str, Mapping[str, Condition]]
"""Rulesets by name; each maps a rule name to the condition an event must meet to fire it.
The conditions of one ruleset must exclude each other: an event fires at most one rule."""


class Engine:
    """One durable-rules host holding its own rulesets, under names no other engine uses."""

    def __init__(
        self, rulesets: Rulesets, *, modules: tuple[ModuleType, type] | None = None
    ) -> None:
        """``modules``: durable-rules as ``_load`` gives it, for the self-test alone."""
        native, host = modules or _durable()
        self._native = native
        with _SERIAL_LOCK:
            serial = next(_SERIAL)
        self._names = {name: f"er{serial}r{i}" for i, name in enumerate(rulesets)}
        definitions = {}
        for name, rules in rulesets.items():
            if _READY in rules:
                raise ValueError(f"ruleset {name}: the rule name {_READY} is the engine's own")
            definitions[self._names[name]] = {
                rule: {"all": [{"m": condition}], "run": _never_run}
                for rule, condition in {**rules, _READY: {_READY: True}}.items()
            }
        self._failed: BaseException | None = None
        self._answers: dict[tuple[str, str], str | None] = {}
        self._judged: dict[tuple[Any, ...], str | None] = {}
        self._reads = {name: sorted(_read(rules)) for name, rules in rulesets.items()}
        self._readers = {name: _reader(read) for name, read in self._reads.items()}
        self._host: Any = host()
        self._host.register_rulesets(definitions)
        self._handles: dict[str, int] = {
            name: self._host.get_ruleset(self._names[name])._handle for name in rulesets
        }
        ready = _encoder.encode({_READY: True})
        for name in rulesets:
            if self._post(name, ready) != _READY:
                raise RuntimeError(f"ruleset {name}: {_READY} fired nothing")

    def judge(self, ruleset: str, event: Mapping[str, Any]) -> str | None:
        """``decide(ruleset, encode(event))``, answered from the last ``ANSWERS_KEPT`` answers
        where an event agreed with ``event`` on every field the ruleset reads (their values
        and the values' types: ``True`` is not ``1``): the engine compares those fields alone
        (as ``_conditions.decided`` reads an event), and the acts of a day mostly agree on
        them (the same day, kind and counts)."""
        if self._host is None or self._failed is not None:
            self._usable()
        try:
            values = self._readers[ruleset](event)
        except KeyError:  # a field the ruleset reads that the event lacks
            values = tuple(event.get(name, _ABSENT) for name in self._reads[ruleset])
        key = (ruleset, values, *map(type, values))
        try:
            answer = self._judged.get(key, _ABSENT)
        except TypeError:  # a value that is not hashable (a list): posted every time
            return self._post(ruleset, encode(event))
        if not isinstance(answer, _Absent):
            return answer
        answer = self._post(ruleset, encode(event))
        if len(self._judged) >= ANSWERS_KEPT:
            del self._judged[next(iter(self._judged))]  # the oldest
        self._judged[key] = answer
        return answer

    def decide(self, ruleset: str, event: str) -> str | None:
        """Post ``event``, an event as ``encode`` writes it, to ``ruleset``: the name of the
        rule it fired, or ``None``.

        The engine holds nothing between posts (no facts, no event ids, every action
        completed), so its answer is a function of the ruleset and the event's text alone:
        the last ``ANSWERS_KEPT`` answers are kept and an event seen again is answered from
        them."""
        self._usable()
        key = (ruleset, event)
        if key in self._answers:
            return self._answers[key]
        answer = self._post(ruleset, event)
        if len(self._answers) >= ANSWERS_KEPT:
            del self._answers[next(iter(self._answers))]  # the oldest
        self._answers[key] = answer
        return answer

    def _usable(self) -> None:
        if self._host is None:
            raise RuntimeError("the engine is closed")
        if self._failed is not None:
            raise RuntimeError(
                f"the rules engine failed on an earlier event ({self._failed!r}) and its answers "
                f"can no longer be trusted: start a new monitor"
            ) from self._failed

    def _post(self, ruleset: str, event: str) -> str | None:
        """Post one event, as JSON text: the rule it fired, or ``None``."""
        native, handle = self._native, self._handles[ruleset]
        code, state = native.assert_event(handle, event)
        if code in (_NOT_HANDLED, _OBSERVED):  # observed cannot happen without an id
            return None
        if code == _QUEUED:
            state = 0
        started = native.start_action_for_state(handle, state)
        fired: list[str] = []
        while started:
            # the action's message, {rule name: the event it matched}: the second item of
            # what start_action_for_state returns, or what complete_and_start_action does
            message = json.loads(started if isinstance(started, str) else started[1])
            fired.extend(message)
            try:
                started = native.complete_and_start_action(handle, state)
            except BaseException as error:
                # An abandoned action stays in the session and the engine answers the next
                # events from it ("observed", the old match): no later answer can be trusted.
                native.abandon_action(handle, state)
                self._failed = error
                raise
        if len(fired) > 1:
            raise RuntimeError(f"ruleset {ruleset}: one event fired {fired}")
        return fired[0] if fired else None

    def held(self) -> tuple[int, int]:
        """Facts and pending events the engine holds across its rulesets (both stay 0)."""
        if self._host is None:
            return 0, 0
        facts = events = 0
        for name in self._names.values():
            facts += len(self._host.get_facts(name, _SESSION))
            events += len(self._host.get_pending_events(name, _SESSION))
        return facts, events

    def close(self) -> None:
        """Free the rulesets and their state; the engine cannot be used afterwards."""
        if self._host is None:
            return
        for name in self._names.values():
            handle = self._host.get_ruleset(name)._handle
            self._native.delete_state(handle, _SESSION)
            self._native.delete_ruleset(handle)
        self._host = None


# -- installing and checking it -----------------------------------------------------------

_DEFINE = "-DPyEval_CallObject=PyObject_CallObject"


def install_command(
    version: tuple[int, int] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The pip command that builds durable-rules from source for this interpreter, and the
    environment variables it adds. durable-rules' binding calls ``PyEval_CallObject``, which
    Python 3.13 removed; there the compiler reads that name as ``PyObject_CallObject``, the
    call it stood for. Its setup.py ignores CFLAGS, so the define rides on CC. No wheel is
    used or cached: one built earlier without the define would import nowhere."""
    major, minor = version or sys.version_info[:2]
    argv = [
        sys.executable,
        *("-m", "pip", "install", "--no-binary", "durable-rules"),
        *("--no-cache-dir", "--force-reinstall", REQUIREMENT),
    ]
    env = {}
    if (major, minor) >= (3, 13):
        compiler = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
        env["CC"] = f"{compiler} {_DEFINE}"
    return argv, env


def _run(argv: list[str], env: dict[str, str]) -> int:
    return subprocess.run(argv, env={**os.environ, **env}, check=False).returncode


def install(out: TextIO, err: TextIO) -> int:
    """``enforcement-rules engine install``: build and install durable-rules for this
    interpreter, saying what runs and why, then check it in a new interpreter."""
    argv, env = install_command()
    if env:
        why = (
            "durable-rules builds from source, and its C extension calls PyEval_CallObject, "
            "which Python 3.13 removed: it is compiled with that name read as "
            "PyObject_CallObject (its setup.py ignores CFLAGS, so the define rides on CC)"
        )
    else:
        why = "durable-rules builds from source, as it is on this Python"
    print(f"{_python()}: {why}.", file=out)
    print("running: " + shlex.join([f"{k}={v}" for k, v in env.items()] + argv), file=out)
    out.flush()
    status = _run(argv, env)
    if status != 0:
        print(
            f"error: pip failed (exit status {status}); building durable-rules needs a C "
            f"compiler (gcc) and this Python's headers (Python.h)",
            file=err,
        )
        return 2
    check = [sys.executable, "-m", "enforcement_rules", "engine", "status"]
    print("checking it in a new interpreter: " + shlex.join(check), file=out)
    out.flush()
    return 0 if _run(check, {}) == 0 else 2


def report(out: TextIO) -> int:
    """``enforcement-rules engine status``: whether durable-rules imports on this
    interpreter and passes the self-test (0), or why not and how to install it (2)."""
    try:
        _durable()
    except MonitorUnavailable as error:
        print(f"unavailable: {error}", file=out)
        return 2
    print(
        f"durable-rules {metadata.version('durable-rules')} works on {_python()}: it imports "
        f"and passed its self-test (a ruleset answering three events)",
        file=out,
    )
    return 0
