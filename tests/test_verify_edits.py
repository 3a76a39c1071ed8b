"""`verify` finds hand edits made to a generated .docx: each of five kinds of edit an officer
might make in Word, made in a copy of the document, is reported with its place."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.build import build_report
from generator.errors import Problem
from generator.options import RunOptions
from generator.readback.content import read_body, style_names
from generator.verify import verify_docx, verify_full
from generator.writers.docx_citations import read_snapshot

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify")
    return next(p for p in build_report(EXAMPLE, RunOptions(out_dir=out)).outputs if p.suffix == ".docx")


def _edited(original: Path, target: Path, edit) -> Path:  # noqa: ANN001
    """A copy of the document with `edit` applied to its body (as Word would save the change)."""
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                edit(root.find(f"{W}body"))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, data)
    return target


def _text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _replace_in(elements: list[etree._Element], old: str, new: str, nth: int = 0) -> None:
    """Change the `nth` occurrence of `old` among the runs of `elements`."""
    seen = 0
    for e in elements:
        for t in e.iter(f"{W}t"):
            count = (t.text or "").count(old)
            if seen + count > nth:
                parts = t.text.split(old)
                k = nth - seen
                t.text = old.join(parts[: k + 1]) + new + old.join(parts[k + 1:])
                return
            seen += count
    raise AssertionError(f"{old!r} occurs only {seen} times")


def _narrative(body: etree._Element) -> list[etree._Element]:
    return [p for p in body.findall(f"{W}p") if "年度" in _text(p) and "万元" in _text(p)]


def _table_after(body: etree._Element, number: str) -> etree._Element:
    children = list(body)
    start = next(i for i, c in enumerate(children) if c.tag == f"{W}p" and _text(c) == number)
    return next(c for c in children[start:] if c.tag == f"{W}tbl")


def one_of_several_in_the_text(body: etree._Element) -> None:
    paragraphs = _narrative(body)
    assert sum(_text(p).count("855.46") for p in paragraphs) >= 3
    _replace_in(paragraphs, "855.46", "855.64", nth=1)


def uncited_cell_of_table_2(body: etree._Element) -> None:
    tbl = _table_after(body, "表2")
    row = tbl.findall(f"{W}tr")[5]
    cell = row.findall(f"{W}tc")[3]
    t = next(cell.iter(f"{W}t"))
    t.text = "9" + t.text


def cited_cell_of_table_1(body: etree._Element) -> None:
    _replace_in([_table_after(body, "表1")], "855.46", "856.46")


def a_percentage_in_the_text(body: etree._Element) -> None:
    _replace_in(_narrative(body), "7.7%", "8.7%")


def the_unit_of_table_3(body: etree._Element) -> None:
    children = list(body)
    start = next(i for i, c in enumerate(children) if c.tag == f"{W}p" and _text(c) == "表3")
    labels = next(c for c in children[start:] if c.tag == f"{W}p" and "单位：万元" in _text(c))
    _replace_in([labels], "单位：万元", "单位：元")


EDITS = {
    "one_of_several_855.46": (one_of_several_in_the_text, "verify-text-changed"),
    "uncited_cell_表2": (uncited_cell_of_table_2, "verify-cell-changed"),
    "cited_cell_表1": (cited_cell_of_table_1, "verify-cell-changed"),
    "percentage": (a_percentage_in_the_text, "verify-text-changed"),
    "unit_label_表3": (the_unit_of_table_3, "verify-label-changed"),
}


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "data/examples").glob("*.yaml")))
def test_the_snapshot_is_the_document_as_read_back(example: str, tmp_path: Path) -> None:
    """The writer records what it writes (no second parse); reading the file gives the same."""
    out = build_report(ROOT / "data/examples" / example, RunOptions(out_dir=tmp_path)).outputs
    path = next(p for p in out if p.suffix == ".docx")
    with zipfile.ZipFile(path) as z:
        body = read_body(z.read("word/document.xml"), style_names(z.read("word/styles.xml")))
        [stored] = [read_snapshot(etree.fromstring(z.read(n))) for n in z.namelist()
                    if n.startswith("customXml/item") and "Props" not in n
                    and b"<snapshot>" in z.read(n)]
    assert stored.tables == body.tables
    assert stored.paragraphs == body.paragraphs


def test_the_untouched_document_verifies(original: Path) -> None:
    checked, problems = verify_docx(original)
    assert checked > 0 and problems == []


def test_verify_prints_its_count_and_names_figures_no_table_prints(run, original: Path) -> None:  # noqa: ANN001
    """33 figures tied to table cells; 7 the narrative cites from 其他重要事项 (no table prints
    them) are named, so the count is never silently short."""
    code, out, err = run("verify", original)
    assert (code, err) == (0, "")
    assert ("情况说明引用的 33 个数均与表中一致，另核对 8 个百分比（按表中的数重新计算）；另有 7 个数（机关运行经费、政府采购.总额、政府采购.货物 等）"
            "不在任何表中，只核对未被改动") in out


@pytest.mark.parametrize("name", sorted(EDITS))
def test_each_hand_edit_is_reported_with_its_place(original: Path, tmp_path: Path, name: str) -> None:
    edit, code = EDITS[name]
    _, problems = verify_docx(_edited(original, tmp_path / "edited.docx", edit))
    found: list[Problem] = [p for p in problems if p.code == code]
    assert found, [p.render() for p in problems]
    p = found[0]
    rendered = p.render()
    if name == "one_of_several_855.46":
        assert "855.46 → 855.64" in p.message
        assert "855.46" in p.expected and "855.64" in p.found  # the sentence before and after
        assert p.table  # the heading it is under
        assert len(found) == 1  # only the occurrence that changed
    elif name == "uncited_cell_表2":
        assert p.table == "表2 收入决算表"
        assert p.row and not p.row.startswith("第") and p.column and not p.column.startswith("第")
        assert p.expected.startswith("生成时为 ") and p.found.startswith("现为 9")
    elif name == "cited_cell_表1":
        assert p.table == "表1 收入支出决算总表"
        assert p.row == "一、一般公共预算财政拨款收入" and "决算数" in p.column, rendered
        assert "855.46" in p.expected and "856.46" in p.found
        # the citation check sees it too: the narrative still says 855.46
        assert any(q.code == "verify-mismatch" for q in problems)
    elif name == "percentage":
        assert "7.7% → 8.7%" in p.message and "7.7%" in p.expected
    else:
        assert p.table == "表3 支出决算表"
        assert p.expected.endswith("单位：万元") and p.found.endswith("单位：元")


def test_a_percentage_from_an_edited_table_cell_is_reported_with_its_paragraph(
        original: Path, tmp_path: Path) -> None:
    """表1's 855.46 edited to 900.00 in Word: the narrative's 下降7.7% (against 上年 927.12,
    which no table prints) no longer follows from the table; recomputed it is 下降2.9%."""
    edited = _edited(original, tmp_path / "edited.docx",
                     lambda body: _replace_in([_table_after(body, "表1")], "855.46", "900.00"))
    problems = verify_full(edited).problems
    stale = [p for p in problems if p.code == "verify-percent-stale"]
    # printed twice, under two headings: each occurrence is reported with its own sentence
    assert [p.table for p in stale] == ["（一）年度收入总体情况", "（一）2023年度财政拨款收入说明"], \
        [p.render() for p in problems]
    for p in stale:
        assert p.message == "情况说明中的百分比 7.7% 与表中现在的数不符（表1“一、一般公共预算财政拨款收入”现为 900.00）"
        assert p.expected == "按表中的数重新计算应为 下降2.9%"
        assert p.found.startswith("情况说明为：") and "收入855.46万元，比上年决算数减少71.66万元，下降7.7%" in p.found
    assert stale[1].found == "情况说明为：其中：一般公共预算财政拨款收入855.46万元，比上年决算数减少71.66万元，下降7.7%；"


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "data/examples").glob("*.yaml")))
def test_every_example_verifies_clean_with_its_percentages_counted(example: str, tmp_path: Path) -> None:
    out = build_report(ROOT / "data/examples" / example, RunOptions(out_dir=tmp_path)).outputs
    result = verify_full(next(p for p in out if p.suffix == ".docx"))
    assert result.problems == [], [p.render() for p in result.problems]
    assert result.checked > 0 and result.percents > 0
