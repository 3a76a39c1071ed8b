"""Random mutations of the example: each run ends in a Document or a UserError whose
problems all carry a Chinese message, never in any other exception."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import prepare, render
from generator.document import Document
from generator.errors import UserError
from tests.conftest import EXAMPLE

BASE = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
CJK = re.compile("[\u4e00-\u9fff]")

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from(["1e400", "1e20", "-0.01", ".nan", "2,627.63", "２６２７", ""]),
)
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)), max_leaves=6)


def paths(data: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += paths(v, prefix + (i,))
    return out


ALL_PATHS = paths(BASE)


@st.composite
def mutations(draw: st.DrawFn) -> dict:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(parent, (dict, list)):
            continue
        key = path[-1]
        # an earlier mutation may have swapped a mapping for a list (or back): the path is stale
        if isinstance(parent, dict) and key not in parent:
            continue
        if isinstance(parent, list) and not (isinstance(key, int) and key < len(parent)):
            continue
        action = draw(st.sampled_from(["replace", "drop", "rename", "number"]))
        if action == "replace":
            parent[key] = draw(values)
        elif action == "drop":
            del parent[key]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = parent.pop(key)
        elif action == "number":
            parent[key] = draw(st.one_of(st.integers(-(10**25), 10**25),
                                         st.decimals(allow_nan=False, places=2, max_value=10**8, min_value=-(10**8))))
    return data


def dump(data: dict) -> str:
    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: object) -> bool:
            return True
    Dumper.add_representer(type(__import__("decimal").Decimal(0)),
                           lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
@given(mutations())
def test_mutations_never_crash(tmp_path: Path, data: dict) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(dump(data), encoding="utf-8")
    try:
        document = render(prepare(path))
    except UserError as e:
        assert e.problems
        for p in e.problems:
            assert p.message and CJK.search(p.message), p
            assert p.severity in ("错误", "警告")
        return
    assert isinstance(document, Document)
