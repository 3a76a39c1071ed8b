"""Profiles and catalogues kept between runs (generator/stored.py) are used only while every
file they were made from has the very same bytes and the generator is the same code: an edit
that keeps a file's size and modification time is read all the same."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import profiles, stored
from generator.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "data" / "profiles"
NOTE = "注：本表反映部门本年度取得的各项收入情况。"


@pytest.fixture
def restart(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[], None]:
    """A private store folder, and a function that forgets everything this process read (what
    a new process starts with), so the next read recalls from the store or reads the files."""
    folder = tmp_path / "store"
    folder.mkdir()
    monkeypatch.setattr(stored, "folder", lambda: folder)

    def forget() -> None:
        for name in ("_READ", "_CHAINS", "_MODELS", "_CHOSEN"):
            monkeypatch.setattr(profiles, name, {})
        profiles._cached_yaml.cache_clear()
        profiles._catalogue.cache_clear()

    forget()
    return forget


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{stored.PREFIX}*.pickle"))


def _edit_keeping_stamp(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` (the same number of bytes) and put the modification time back:
    size and time, which the in-process caches compare, cannot tell the edit."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1 and len(old.encode()) == len(new.encode())
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns


def _chain(tmp_path: Path) -> Path:
    folder = tmp_path / "profiles"
    folder.mkdir()
    for name in ("决算-2020", "决算-2023"):
        shutil.copy(PROFILES / f"{name}.yaml", folder / f"{name}.yaml")
    return folder / "决算-2023.yaml"


def _never(*args: object) -> None:
    raise AssertionError("read from the files, not recalled")


def test_a_profile_is_recalled_while_its_chain_has_the_same_bytes(
        tmp_path: Path, restart: Callable[[], None], monkeypatch: pytest.MonkeyPatch) -> None:
    path = _chain(tmp_path)
    first = profiles.read_profile_model(path)
    assert len(_entries(tmp_path / "store")) == 1
    restart()
    with monkeypatch.context() as m:
        m.setattr(profiles, "_read_profile_model_uncached", _never)
        recalled = profiles.read_profile_model(path)
        assert profiles.read_profile_model(path) is recalled  # then kept in the process
    assert recalled == first and recalled is not first
    assert recalled.tables[1].notes == [NOTE]

    # the base profile (基于) edited, same size and modification time: read again, not recalled
    _edit_keeping_stamp(path.parent / "决算-2020.yaml", NOTE, NOTE.replace("收入", "支出"))
    restart()
    assert profiles.read_profile_model(path).tables[1].notes == [NOTE.replace("收入", "支出")]


def test_another_generator_or_a_damaged_entry_reads_the_files(
        tmp_path: Path, restart: Callable[[], None], monkeypatch: pytest.MonkeyPatch) -> None:
    path = _chain(tmp_path)
    first = profiles.read_profile_model(path)
    [entry] = _entries(tmp_path / "store")
    restart()
    monkeypatch.setattr(stored, "code_digest", lambda: "another version of the generator")
    assert stored.recall("profile", path) is None
    monkeypatch.undo()
    monkeypatch.setattr(stored, "folder", lambda: tmp_path / "store")
    assert stored.recall("profile", path) is not None

    entry.write_bytes(entry.read_bytes()[:1000])  # cut short, as by a full disk
    restart()
    assert stored.recall("profile", path) is None
    assert profiles.read_profile_model(path) == first
    assert stored.recall("profile", path) is not None  # written whole again


def test_an_invalid_profile_is_never_kept(tmp_path: Path, restart: Callable[[], None]) -> None:
    path = _chain(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("名称: 决算-2023", "名称: 决算-2099"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(UserError) as e:
            profiles.read_profile_model(path)
        assert e.value.problems[0].code == "profile-name"
        restart()
    assert _entries(tmp_path / "store") == []


def test_a_catalogue_is_recalled_while_its_file_has_the_same_bytes(
        tmp_path: Path, restart: Callable[[], None], monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "经济分类-2024.yaml"
    shutil.copy(ROOT / "data" / "catalogues" / path.name, path)
    first = profiles.load_catalogue(path, "经济分类")
    restart()
    with monkeypatch.context() as m:
        m.setattr(profiles, "_read_catalogue", _never)
        assert profiles.load_catalogue(path, "经济分类") == first
    name = first.names["30101"]
    _edit_keeping_stamp(path, f"'30101': {name}", f"'30101': {name[:-2]}工资")
    restart()
    assert profiles.load_catalogue(path, "经济分类").names["30101"] == name[:-2] + "工资"


def test_nothing_is_kept_from_a_file_that_changed_while_it_was_read(tmp_path: Path, restart: Callable[[], None]) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("甲: 1\n", encoding="utf-8")
    stat = path.stat()
    stored.keep("test", [path], "value", [(stat.st_mtime_ns - 1, stat.st_size)])
    assert _entries(tmp_path / "store") == []
    stored.keep("test", [path], "value", [(stat.st_mtime_ns, stat.st_size)])
    assert stored.recall("test", path) == ((), "value")


def test_the_store_keeps_the_newest_entries(tmp_path: Path, restart: Callable[[], None],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stored, "MAX_ENTRIES", 3)
    files: list[Path] = []
    for i in range(5):
        path = tmp_path / f"{i}.yaml"
        path.write_text(f"甲: {i}\n", encoding="utf-8")
        stat = path.stat()
        before = set(_entries(tmp_path / "store"))
        stored.keep("test", [path], i, [(stat.st_mtime_ns, stat.st_size)])
        [written] = set(_entries(tmp_path / "store")) - before
        os.utime(written, ns=(i * 10**9, i * 10**9))  # written in this order, whatever the clock's grain
        files.append(path)
    assert len(_entries(tmp_path / "store")) == 3
    assert [stored.recall("test", path) for path in files] == [None, None, ((), 2), ((), 3), ((), 4)]
