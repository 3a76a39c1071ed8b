"""Results kept between runs, so that a fresh process (every command) need not read and
validate again what an earlier one did: a profile laid over its 基于 chain and validated
(profiles.py) costs a cold run ~50 ms of YAML parsing and pydantic validator building.

An entry is made from files and is used only while every one of those files has the very
bytes it had (SHA-256 of each) and the generator is the very same code: the key holds a
digest of every source file of the package and the versions of Python, pydantic and PyYAML.
Entries live in the private folder Jinja keeps its compiled templates in (text.py): created
for this user alone and refused if anyone else could write to it. A folder that cannot be
used, an entry that cannot be written, read or unpickled: each costs only the speed-up,
never the run, and the result is then made from the files as before.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

PREFIX = "gen-report-"
# entries kept in the folder; beyond it the oldest go (test runs make many of their own profiles)
MAX_ENTRIES = 64


@lru_cache(maxsize=1)
def folder() -> Path | None:
    """Jinja's per-user cache folder, checked (owner, mode) by Jinja; None when none is safe."""
    try:
        # lazy: the commands that read no profile need no Jinja
        import jinja2

        return Path(jinja2.FileSystemBytecodeCache().directory)
    except (OSError, RuntimeError):
        return None


@lru_cache(maxsize=1)
def code_digest() -> str | None:
    """The generator's own code and the libraries its results are made with; None (nothing
    stored or recalled) when the package's sources are not there to be read."""
    import pydantic  # lazy: only with a profile to recall
    import pydantic_core
    import yaml

    h = hashlib.sha256()
    for part in (sys.version, pydantic.VERSION, pydantic_core.__version__, yaml.__version__,
                 str(getattr(yaml, "__with_libyaml__", False))):
        h.update(part.encode() + b"\0")
    root, count = os.path.dirname(os.path.abspath(__file__)), 0
    try:
        for folder_, folders, names in os.walk(root):  # os.walk and open: pathlib's rglob took 3 ms
            folders[:] = sorted(f for f in folders if f != "__pycache__")
            for name in sorted(n for n in names if n.endswith(".py")):
                path = os.path.join(folder_, name)
                with open(path, "rb") as f:
                    h.update(os.path.relpath(path, root).encode() + b"\0" + hashlib.sha256(f.read()).digest())
                count += 1
    except OSError:
        return None
    return h.hexdigest() if count else None


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _entry(kind: str, path: Path, digest: str) -> Path | None:
    where, code = folder(), code_digest()
    if where is None or code is None:
        return None
    name = hashlib.sha256("\0".join((code, kind, str(path), digest)).encode()).hexdigest()
    return where / f"{PREFIX}{name}.pickle"


def recall(kind: str, path: Path) -> tuple[tuple[Path, ...], Any] | None:
    """What was kept for `path` as it is now, with the other files it was made from;
    None unless each of those still has the bytes it had."""
    digest = _digest(path)
    entry = _entry(kind, path, digest) if digest else None
    if entry is None:
        return None
    try:
        others, value = pickle.loads(entry.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or foreign entry: make the result afresh
        return None
    if any(_digest(Path(name)) != digest for name, digest in others):
        return None
    return tuple(Path(name) for name, _ in others), value


def keep(kind: str, files: Sequence[Path], value: Any, stamps: Sequence[tuple[int, int] | None]) -> None:
    """Keep `value`, made from `files` (the first is the one `recall` is asked about), when
    none of them changed while it was being made: each file's size and modification time
    now must be `stamps`, those taken before it was read."""
    if any(stamp is None or _stamp(path) != stamp for path, stamp in zip(files, stamps, strict=True)):
        return
    digests = [_digest(path) for path in files]
    if None in digests:
        return
    entry = _entry(kind, files[0], digests[0])  # type: ignore[arg-type]
    if entry is None:
        return
    others = [(str(path), digest) for path, digest in zip(files[1:], digests[1:], strict=True)]
    try:
        data = pickle.dumps((others, value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - a value that cannot be pickled: no entry
        return
    temp = None
    try:
        with tempfile.NamedTemporaryFile("wb", dir=entry.parent, prefix=entry.name, suffix=".tmp",
                                         delete=False) as f:
            temp = f.name
            f.write(data)
        os.replace(temp, entry)  # whole or not at all, for a process reading it meanwhile
    except OSError:  # a full disk, a folder gone: no entry
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
        return
    _trim(entry.parent)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _trim(where: Path) -> None:
    """At most MAX_ENTRIES entries: the oldest written go first."""
    try:
        entries = [(e.stat().st_mtime_ns, e.path) for e in os.scandir(where)
                   if e.name.startswith(PREFIX) and e.name.endswith(".pickle")]
    except OSError:
        return
    for _, name in sorted(entries)[:-MAX_ENTRIES]:
        try:
            os.unlink(name)
        except OSError:
            pass
