"""All-or-nothing output: every file is written to a temporary name first, and only when all
of them are complete are they renamed into place. A failed or interrupted run (an error,
Ctrl-C, SIGTERM) leaves earlier outputs as they were and no partial file behind; a run killed
outright (power cut, SIGKILL) leaves its working folder, which the next run into the same
folder tidies up, putting back any earlier output it had set aside.

Earlier outputs that a run replaces with different content are kept in a visible history
folder (`历史/<time>/`, the newest `HISTORY_KEEP` runs), so a sentence an officer added in
Word is never simply gone."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..errors import Location, UserError, error, os_reason

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_PREFIX = ".gen-report-"
HISTORY = "历史"
HISTORY_KEEP = 10
_STALE_SECONDS = 3600  # a working folder this old belongs to no live run, whatever its process id
WRITTEN: list[Path] = []  # every file this process has written, for a truthful message after a failure
_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s is not None)


def safe_file_stem(text: str, limit: int = 120) -> str:
    """A file name every system accepts, from a department's name (which may hold "/")."""
    text = "".join(c for c in str(text) if unicodedata.category(c) not in ("Cs", "Cf"))
    stem = _FORBIDDEN.sub("_", text).strip().rstrip(". ")
    stem = stem.lstrip(". ")  # no hidden files, no "..": a name stays a name
    stem = stem[:limit].rstrip(". ") or "未命名"
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = "_" + stem
    return stem


def refuse_overwriting_inputs(outputs: list[Path], inputs: list[Path]) -> None:
    """An output that is one of the run's own input files (a workbook named like the
    document, lying in the output folder) is an error before anything is written."""
    problems = []
    for out in outputs:
        for given in inputs:
            if _same_file(out, given):
                problems.append(error(
                    "output-is-input", f"要写出的文件就是输入文件 {given}，生成会覆盖您的输入，没有写入任何文件",
                    location=Location(file=str(out)),
                    hint="请用 -o 指定另一个输出文件夹，或把输入文件改名、移出输出文件夹"))
                break
    if problems:
        raise UserError(problems)


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))
    except OSError:
        return False


def history_folder(out_dir: Path) -> Path:
    """Where this run keeps the outputs it replaces: `历史/<date>_<time>` (created only when a
    file is actually kept; one run, one folder, also for a whole batch)."""
    base = Path(out_dir) / HISTORY / time.strftime("%Y-%m-%d_%H%M%S")
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def write_all(files: dict[Path, bytes], history: Path | None = None, tidy: bool = True) -> Path | None:
    """Write every file or none: on any failure or interruption, targets keep their previous
    content. With `history`, each earlier file whose content changes is kept there first;
    returns the history folder if anything was kept. `tidy=False`: the caller has already
    tidied the folders (remove_stale) in this run, as a batch does once for all its departments
    (listing a folder that fills with outputs, for each of them, grew with the batch's size)."""
    if tidy:
        for folder in dict.fromkeys(p.parent for p in files):
            remove_stale(folder)
    work: dict[Path, Path] = {}
    temps: dict[Path, Path] = {}
    done: list[tuple[Path, Path | None]] = []  # (target, where its previous content is)
    kept: list[Path] = []
    try:
        with sigterm_as_interrupt():
            for path in files:
                if path.parent not in work:  # (each folder made once: the outputs share one)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    work[path.parent] = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=path.parent))
                temps[path] = work[path.parent] / f"new-{len(temps)}.tmp"
            _write_temps([(tmp, files[path]) for path, tmp in temps.items()])
            with _signals_held() as interrupted:
                try:
                    for path, tmp in temps.items():
                        backup = None
                        if path.is_file():
                            changed = history is not None and path.read_bytes() != files[path]
                            backup = (history / path.name) if changed else work[path.parent] / f"old-{len(done)}"
                            backup.parent.mkdir(parents=True, exist_ok=True)
                            _link_or_copy(path, backup)
                            if changed:
                                kept.append(backup)
                        done.append((path, backup))
                        os.replace(tmp, path)
                    if interrupted():
                        raise KeyboardInterrupt
                except BaseException:
                    _roll_back(done)
                    raise
    except OSError as e:
        _discard(work)
        _prune_empty(history)
        target = next((p for p, t in temps.items() if str(t) == getattr(e, "filename", None)), None) or \
            (list(temps)[-1] if temps else next(iter(files), Path(".")))
        raise UserError([error(
            "cannot-write", f"无法写入输出文件（{os_reason(e)}）", location=Location(file=str(target)),
            hint="请确认输出文件夹存在且可写；如文件正被 Word、WPS 或 Excel 打开，请先关闭再重新生成")]) from e
    except BaseException:
        _discard(work)
        _prune_empty(history)
        raise
    _discard(work)
    WRITTEN.extend(files)
    if kept and history is not None:
        _prune_history(history.parent)
        return history
    return None


def _write_temps(items: list[tuple[Path, bytes]]) -> None:
    """Write and flush every file to disk, side by side: the file systems commit concurrent
    fsyncs together, so two files cost about the wait of one (measured on ext4: ~7 ms one
    after the other, ~2 ms together). Returns (or raises) only once every writer has ended,
    so nothing is still writing into the working folder when the caller tidies it up."""
    failures: list[BaseException] = []

    def write(tmp: Path, data: bytes) -> None:
        try:
            _write_temp(tmp, data)
        except BaseException as e:  # noqa: BLE001 - raised again in the calling thread
            failures.append(e)

    futures: list[Future[None]] = []
    try:
        for item in items[1:]:
            futures.append(_writers().submit(write, *item))
        if items:
            _write_temp(*items[0])
    finally:
        _wait_all(futures)
    if failures:
        raise failures[0]


_WRITERS: tuple[int, ThreadPoolExecutor] | None = None  # (process id, its writer threads)


def _writers() -> ThreadPoolExecutor:
    """The threads that write all files but the first, kept for the process: starting a
    thread for every file cost about as much CPU as writing it. A forked process (a batch
    worker) starts its own: it has only the thread that forked."""
    global _WRITERS
    if _WRITERS is None or _WRITERS[0] != os.getpid():
        _WRITERS = (os.getpid(), ThreadPoolExecutor(max_workers=4, thread_name_prefix="write"))
    return _WRITERS[1]


def _wait_all(futures: list[Future[None]]) -> None:
    """Wait for every writer; a Ctrl-C meanwhile is acted on once they have all ended."""
    interrupted = False
    for future in futures:
        while not future.done():
            try:
                future.exception()  # (waits; `write` keeps any exception for the caller)
            except KeyboardInterrupt:
                interrupted = True
    if interrupted:
        raise KeyboardInterrupt


def _write_temp(tmp: Path, data: bytes) -> None:
    """`data` in a new file `tmp`, on disk (fsync), readable by all (0o644). The file
    descriptor used directly: what open(tmp, "wb"), write, flush, fsync and os.chmod do,
    without the buffered file's own system calls (fstat, isatty, lseek) and a second
    look-up of the path."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o644)
    finally:
        os.close(fd)
    if not hasattr(os, "fchmod"):  # (Windows)
        os.chmod(tmp, 0o644)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)  # instant, and the target never goes missing
    except OSError:
        shutil.copy2(src, dst)


def _roll_back(done: list[tuple[Path, Path | None]]) -> None:
    """Put every target back as it was; best effort, since the disk may be what failed."""
    for path, backup in reversed(done):
        try:
            if backup is None:
                path.unlink(missing_ok=True)
            elif path.exists() and os.path.samefile(backup, path):
                backup.unlink()  # not replaced yet (renaming a hard link onto itself does nothing)
            else:
                os.replace(backup, path)  # out of the history folder too: this run never happened
        except OSError:
            pass


def _discard(work: dict[Path, Path]) -> None:
    for folder in work.values():
        try:
            os.rmdir(folder)  # empty, as after every run that replaced no earlier output
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)


def _prune_empty(history: Path | None) -> None:
    if history is not None:
        with contextlib.suppress(OSError):
            history.rmdir()  # only if this run put nothing there
        with contextlib.suppress(OSError):
            history.parent.rmdir()


def _prune_history(root: Path) -> None:
    """Keep the newest HISTORY_KEEP runs' folders (their names sort by time)."""
    runs = sorted(p for p in root.iterdir() if p.is_dir() and re.match(r"\d{4}-\d\d-\d\d_", p.name))
    for old in runs[:-HISTORY_KEEP]:
        shutil.rmtree(old, ignore_errors=True)


def remove_stale(folder: Path) -> None:
    """Tidy what a killed run left in `folder`: its temporaries go; an earlier output it had
    set aside goes back if the output is missing, and is otherwise kept in the history folder."""
    try:
        entries = [p for p in folder.iterdir() if p.name.startswith(_PREFIX)]
    except OSError:
        return
    for entry in entries:
        if not _stale(entry):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)  # new-N (unfinished) and old-N (hard links)
        elif entry.suffix == ".bak":  # an older version's backup: the output it held may be gone
            with contextlib.suppress(OSError):
                keep = folder / HISTORY / f"未完成的运行-{time.strftime('%Y-%m-%d_%H%M%S', time.localtime(entry.stat().st_mtime))}"
                keep.mkdir(parents=True, exist_ok=True)
                os.replace(entry, keep / entry.name.removeprefix(_PREFIX))
        else:
            with contextlib.suppress(OSError):
                entry.unlink()


def _stale(entry: Path) -> bool:
    try:
        age = time.time() - entry.stat().st_mtime
    except OSError:
        return False
    if age > _STALE_SECONDS:
        return True
    match = re.match(re.escape(_PREFIX) + r"(\d+)-", entry.name)
    if not match or sys.platform == "win32":
        return False
    pid = int(match.group(1))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a closed terminal, a service stop) unwinds like Ctrl-C, so rollback runs."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_held() -> Iterator[Callable[[], bool]]:
    """Ctrl-C and SIGTERM wait while files are renamed (and, if need be, renamed back):
    an interruption is acted on between whole states, never in the middle of one. The
    function it yields tells whether one arrived meanwhile. (Python runs signal handlers in
    the main thread whichever thread the system delivers to, so a handler that only notes
    the signal holds it reliably; blocking the signal would not, with other threads about.)"""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    arrived: list[int] = []

    def note(signum: int, frame: object) -> None:
        arrived.append(signum)

    previous = {s: signal.signal(s, note) for s in _SIGNALS}
    try:
        yield lambda: bool(arrived)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
