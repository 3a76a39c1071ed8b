"""The speed-ups change nothing visible: same values and positions, same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import load

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "data/examples").glob("*.yaml")) + sorted((ROOT / "data/profiles").glob("*.yaml")) \
    + [ROOT / "docs/示例-最小输入.yaml"]


@pytest.mark.skipif(load._FAST_LOADER is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_libyaml_and_python_parsers_give_the_same_source(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load.load_yaml(path, allow_aliases=True)
    monkeypatch.setattr(load, "_FAST_LOADER", None)
    slow = load.load_yaml(path, allow_aliases=True)
    assert fast.data == slow.data
    assert fast.locations == slow.locations
