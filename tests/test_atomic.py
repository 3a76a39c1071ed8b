"""Output safety: all files or none, clear Chinese errors, safe names that stay in the folder."""

from __future__ import annotations

import errno
import os
import tempfile
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
    real = tempfile.mkstemp
    calls = []

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", failing)
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
            monkeypatch.setattr(atomic.tempfile, "mkstemp", denied)
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
