"""Random mutations of the example: each run ends in a Document or a UserError whose
problems all carry a Chinese message, never in any other exception."""

from __future__ import annotations

import copy
import datetime
import io
import re
from pathlib import Path

import openpyxl
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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


def ends_cleanly(path: Path) -> None:
    """A Document, or a UserError whose problems all carry a Chinese message."""
    try:
        document = render(prepare(path))
    except UserError as e:
        assert e.problems
        for p in e.problems:
            assert p.message and CJK.search(p.message), p
            assert p.severity in ("错误", "警告")
        return
    assert isinstance(document, Document)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
@given(mutations())
def test_mutations_never_crash(tmp_path: Path, data: dict) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(dump(data), encoding="utf-8")
    ends_cleanly(path)


# -- workbooks: the same promise for an input workbook an officer has edited -----------------------
def _example_workbook() -> bytes:
    import tempfile

    from generator.convert import convert_input

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "录入表.xlsx"
        convert_input(EXAMPLE, path)
        return path.read_bytes()


WORKBOOK = _example_workbook()
SHEETS = openpyxl.load_workbook(io.BytesIO(WORKBOOK)).sheetnames
cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=True, allow_infinity=True),
    # text a worksheet can hold: the control characters openpyxl refuses to write cannot be in any
    # officer's workbook, and would only crash the test's own set-up
    st.text(max_size=12).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1)),
    st.sampled_from(["=1/0", "=SUM(A1:A3)", "2,627.63", "２６２７", "-", "合计", "2010301", " 201 ", "#N/A"]),
)


@st.composite
def workbook_edits(draw: st.DrawFn) -> list[tuple]:
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        sheet = draw(st.sampled_from(SHEETS))
        action = draw(st.sampled_from(["set", "set", "set", "merge", "rename", "delete", "insert"]))
        row, col = draw(st.integers(1, 60)), draw(st.integers(1, 10))
        if action == "set":
            edits.append(("set", sheet, row, col, draw(cell_values)))
        elif action == "merge":
            edits.append(("merge", sheet, row, col, draw(st.integers(0, 3)), draw(st.integers(0, 2))))
        elif action == "rename":
            edits.append(("rename", sheet, draw(st.text(min_size=1, max_size=10).filter(
                lambda t: not set(t) & set("[]:*?/\\") and t.strip("'")))))
        else:
            edits.append((action, sheet, row))
    return edits


def _edited(edits: list[tuple]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(WORKBOOK))
    for edit in edits:
        action, sheet = edit[0], edit[1]
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        if action == "set":
            ws.cell(edit[2], edit[3]).value = edit[4]
        elif action == "merge":
            ws.merge_cells(start_row=edit[2], start_column=edit[3], end_row=edit[2] + edit[4],
                           end_column=edit[3] + edit[5])
        elif action == "rename" and edit[2] not in wb.sheetnames:
            ws.title = edit[2]
        elif action == "delete" and len(wb.sheetnames) > 1:
            wb.remove(ws)
        elif action == "insert":
            ws.insert_rows(edit[2])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(workbook_edits())
def test_workbook_mutations_never_crash(tmp_path: Path, edits: list[tuple]) -> None:
    path = tmp_path / "fuzz.xlsx"
    try:
        path.write_bytes(_edited(edits))
    except (ValueError, TypeError):  # openpyxl itself refuses the edit (an illegal value): not our input
        return
    ends_cleanly(path)
