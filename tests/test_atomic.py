"""Output safety: all files or none, clear Chinese errors, safe names that stay in the folder."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.writers import atomic
from generator.writers.atomic import safe_file_stem, write_all


def test_write_all_writes_every_file(tmp_path: Path) -> None:
    files = {tmp_path / "a.docx": b"A", tmp_path / "sub" / "b.xlsx": b"B"}
    write_all(files)
    assert {p: p.read_bytes() for p in files} == files
    assert not list(tmp_path.rglob(".gen-report-*"))


def test_failure_writing_second_file_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.docx", tmp_path / "b.xlsx"
    first.write_bytes(b"old")
    real = atomic._write_temp
    calls = []

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(atomic, "_write_temp", failing)
    with pytest.raises(UserError) as exc:
        write_all({first: b"new", second: b"new"})
    assert first.read_bytes() == b"old" and not second.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx"]
    assert exc.value.problems[0].message == "无法写入输出文件（磁盘空间不足）"


def test_failure_renaming_second_file_restores_the_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.docx", tmp_path / "b.xlsx"
    first.write_bytes(b"old a")
    second.write_bytes(b"old b")
    real = os.replace

    def failing(src, dst):  # noqa: ANN001, ANN202
        if Path(dst) == second and str(src).endswith(".tmp"):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing)
    with pytest.raises(UserError) as exc:
        write_all({first: b"new a", second: b"new b"})
    assert (first.read_bytes(), second.read_bytes()) == (b"old a", b"old b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "b.xlsx"]
    problem = exc.value.problems[0]
    assert problem.message == "无法写入输出文件（没有权限）"
    assert problem.hint.startswith("请确认输出文件夹存在且可写")


def test_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "只读"
    out.mkdir()
    out.chmod(0o555)
    try:
        if os.geteuid() == 0:  # root ignores permissions: simulate what the system would say
            def denied(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
                raise PermissionError(errno.EACCES, "Permission denied", str(out))
            monkeypatch.setattr(atomic.tempfile, "mkdtemp", denied)
        with pytest.raises(UserError) as exc:
            write_all({out / "a.docx": b"A"})
    finally:
        out.chmod(0o755)
    problem = exc.value.problems[0]
    assert problem.render().splitlines()[0] == f"[错误] {out / 'a.docx'}：无法写入输出文件（没有权限）"
    assert list(out.iterdir()) == []


def test_output_path_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("x")
    with pytest.raises(UserError) as exc:
        write_all({blocker / "a.docx": b"A"})
    assert exc.value.problems[0].message.startswith("无法写入输出文件（")


@pytest.mark.parametrize("name, expected", [
    ("清远市/政务\\数据:局", "清远市_政务_数据_局"),
    ('a*b?c"d<e>f|g', "a_b_c_d_e_f_g"),
    ("甲\x00乙\x1f丙\x7f", "甲_乙_丙_"),
    ("部门名称. . .", "部门名称"),
    ("  部门  ", "部门"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("COM1", "_COM1"),
    ("..", "未命名"),
    ("../../etc/passwd", "_.._etc_passwd"),
    ("", "未命名"),
    ("名" * 300, "名" * 120),
])
def test_safe_file_stem(name: str, expected: str, tmp_path: Path) -> None:
    stem = safe_file_stem(name)
    assert stem == expected
    assert not any(c in stem for c in '/\\:*?"<>|') and stem.isprintable()
    path = (tmp_path / f"{stem}.docx").resolve()
    assert path.parent == tmp_path.resolve()


# -- interruptions, stale temporaries, history (issue 14) -----------------------------------------
def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".gen-report-"))


def test_ctrl_c_while_renaming_restores_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    first, second = tmp_path / "a.docx", tmp_path / "b.xlsx"
    first.write_bytes(b"old a")
    second.write_bytes(b"old b")
    real = os.replace

    def interrupted(src, dst):  # noqa: ANN001, ANN202
        if Path(dst) == first:
            # raise_signal delivers to this (the main) thread before it returns; os.kill may hand the
            # signal to another thread of the test process, which can run its handler too late
            signal.raise_signal(signal.SIGINT)  # held until both renames are done, then acted on
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_all({first: b"new a", second: b"new b"})
    assert (first.read_bytes(), second.read_bytes()) == (b"old a", b"old b")
    assert _leftovers(tmp_path) == []


def test_sigterm_while_writing_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    first, second = tmp_path / "a.docx", tmp_path / "b.xlsx"
    first.write_bytes(b"old a")
    real = atomic._write_temp

    def killed(tmp, data):  # noqa: ANN001, ANN202
        if data == b"new b":
            signal.raise_signal(signal.SIGTERM)
        return real(tmp, data)

    monkeypatch.setattr(atomic, "_write_temp", killed)
    with pytest.raises(KeyboardInterrupt):
        write_all({first: b"new a", second: b"new b"})
    assert first.read_bytes() == b"old a" and not second.exists()
    assert _leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back


def test_any_exception_while_renaming_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.docx", tmp_path / "b.xlsx"
    first.write_bytes(b"old a")
    second.write_bytes(b"old b")
    real = os.replace

    def crash(src, dst):  # noqa: ANN001, ANN202
        if Path(dst) == second and str(src).endswith(".tmp"):
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_all({first: b"new a", second: b"new b"}, history=tmp_path / "历史" / "t1")
    assert (first.read_bytes(), second.read_bytes()) == (b"old a", b"old b")
    assert _leftovers(tmp_path) == [] and not (tmp_path / "历史").exists()


def test_a_later_run_removes_stale_temporaries(tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.mkdir()
    (out / "a.docx").write_bytes(b"current")
    dead = out / ".gen-report-999999999-x1"  # a killed run: no such process
    dead.mkdir()
    (dead / "new-0.tmp").write_bytes(b"half")
    old = 1_000_000_000  # 2001: long stale
    legacy_tmp, legacy_bak = out / ".gen-report-abc.tmp", out / ".gen-report-def.bak"
    legacy_tmp.write_bytes(b"half")
    legacy_bak.write_bytes(b"earlier docx")
    for p in (legacy_tmp, legacy_bak):
        os.utime(p, (old, old))
    write_all({out / "b.xlsx": b"B"})
    assert _leftovers(out) == []
    kept = list((out / "历史").glob("未完成的运行-*/def.bak"))
    assert [p.read_bytes() for p in kept] == [b"earlier docx"]


def test_a_live_runs_temporaries_are_left_alone(tmp_path: Path) -> None:
    live = tmp_path / f".gen-report-{os.getppid()}-x1"
    live.mkdir()
    write_all({tmp_path / "a.docx": b"A"})
    assert live.exists()


def test_replaced_outputs_are_kept_in_history(tmp_path: Path) -> None:
    target = tmp_path / "a.docx"
    target.write_bytes(b"officer edited in Word")
    first = write_all({target: b"generated"}, history=tmp_path / "历史" / "2026-01-01_000000")
    assert first == tmp_path / "历史" / "2026-01-01_000000"
    assert (first / "a.docx").read_bytes() == b"officer edited in Word"
    assert target.read_bytes() == b"generated"
    # the same content again: nothing to keep, no folder
    assert write_all({target: b"generated"}, history=tmp_path / "历史" / "2026-01-01_000001") is None
    assert sorted(p.name for p in (tmp_path / "历史").iterdir()) == ["2026-01-01_000000"]


def test_history_keeps_the_newest_versions(tmp_path: Path) -> None:
    target = tmp_path / "a.docx"
    for i in range(atomic.HISTORY_KEEP + 3):
        write_all({target: f"v{i}".encode()}, history=tmp_path / "历史" / f"2026-01-01_0000{i:02d}")
    runs = sorted(p.name for p in (tmp_path / "历史").iterdir())
    assert len(runs) == atomic.HISTORY_KEEP
    assert (tmp_path / "历史" / runs[-1] / "a.docx").read_bytes() == f"v{atomic.HISTORY_KEEP + 1}".encode()


def test_history_folder_name_is_unique(tmp_path: Path) -> None:
    first = atomic.history_folder(tmp_path)
    first.mkdir(parents=True)
    assert atomic.history_folder(tmp_path) == first.with_name(first.name + "-2")


def test_writer_threads_also_in_a_forked_process(tmp_path: Path) -> None:
    """The files after the first are written by threads kept for the process; a batch's forked
    worker has none of its parent's threads and starts its own (a lost thread: killed at 30 s)."""
    from tests.forked import in_forked_child

    write_all({tmp_path / "p" / "a.docx": b"A", tmp_path / "p" / "b.xlsx": b"B"})  # the threads now exist

    def written_in_child() -> bool:
        files = {tmp_path / "c" / "a.docx": b"A", tmp_path / "c" / "b.xlsx": b"B"}
        write_all(files)
        return all(p.read_bytes() == data for p, data in files.items())

    assert in_forked_child(written_in_child) is not False
