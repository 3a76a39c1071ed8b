"""The Word writer: styles, fields, merged headers, sections, text safety, determinism."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import os
import shutil
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Emu
from lxml import etree

from generator.document import Cell, Document, GlossaryEntry, Paragraph, Part, Table
from generator.readback.docx import docx_tables, dump_docx
from generator.writers import docx as docx_writer
from generator.writers.docx import REQUIRED_STYLES, ReferenceDocxError, write_docx
from tests.sample_document import sample_document

GOLDEN = Path(__file__).parent / "golden" / "sample_docx.txt"


@pytest.fixture(scope="module")
def sample_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "sample.docx"
    write_docx(sample_document(), path)
    return path


def body_tables(path: Path) -> list[etree._Element]:
    return docx.Document(str(path)).element.body.findall(qn("w:tbl"))


@pytest.mark.parametrize("which", ["reference", "output"])
def test_required_styles_exist_with_explicit_fonts(which: str, sample_path: Path) -> None:
    path = docx_writer.REFERENCE_DOCX if which == "reference" else sample_path
    styles = docx.Document(str(path)).styles
    for name in REQUIRED_STYLES:
        fonts = styles[name].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None, name
        assert fonts.get(qn("w:eastAsia")), name
        assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Times New Roman", name


def test_headings_carry_outline_levels_for_the_toc(sample_path: Path) -> None:
    styles = docx.Document(str(sample_path)).styles
    levels = {name: styles[name].element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
              for name in ("部分标题", "一级标题", "二级标题", "三级标题")}
    assert {n: int(e.get(qn("w:val"))) for n, e in levels.items()} == {
        "部分标题": 0, "一级标题": 1, "二级标题": 2, "三级标题": 3}


def test_title_page_and_toc_field(sample_path: Path) -> None:
    lines = dump_docx(sample_path)
    assert lines[0] == "P[文档标题] 测试部门 & <局>2020年度部门决算"
    body = docx.Document(str(sample_path)).element.body
    instr = [e.text for e in body.iter(qn("w:instrText"))]
    assert instr[0] == ' TOC \\o "1-2" \\h \\z \\u '
    # The field's result is filled: one entry per heading of outline level 0-1, in order,
    # each a PAGEREF to a bookmark on its heading (page numbers come from the PDF pass).
    marks = {b.get(qn("w:name")): b.getparent() for b in body.iter(qn("w:bookmarkStart"))}
    word = docx.Document(str(sample_path))
    headings = [p.text for p in word.paragraphs
                if p.style.name in ("部分标题", "一级标题")
                or (p.style.name == "表标题" and p._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}") is None)]
    refs = [t.split()[1] for t in instr[1:]]
    assert [t.split()[0] for t in instr[1:]] == ["PAGEREF"] * len(headings)
    assert ["".join(x.text for x in marks[r].iter(qn("w:t"))) for r in refs] == headings
    toc = [p.text.split("\t")[0] for p in word.paragraphs if p.style.name.startswith("toc")]
    assert toc == headings
    kinds = [e.get(qn("w:fldCharType")) for e in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate"] + ["begin", "separate", "end"] * len(headings) + ["end"]
    settings = docx.Document(str(sample_path)).settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_footer_has_page_field_and_first_body_section_starts_at_one(sample_path: Path) -> None:
    word = docx.Document(str(sample_path))
    sections = list(word.sections)
    assert not sections[0]._sectPr.findall(qn("w:footerReference"))  # cover and 目录
    footer = sections[1].footer._element
    assert [e.text.strip() for e in footer.iter(qn("w:instrText"))] == ["PAGE"]
    assert "—" in "".join(t.text for t in footer.iter(qn("w:t")))
    starts = [s._sectPr.find(qn("w:pgNumType")) for s in sections]
    assert starts[1] is not None and starts[1].get(qn("w:start")) == "1"
    assert all(s is None for i, s in enumerate(starts) if i != 1)  # numbering runs on


def grid_cells(tr: etree._Element) -> dict[int, tuple[int, str | None, str]]:
    """Grid column -> (gridSpan, vMerge value or None, text) for each w:tc of a row."""
    out, col = {}, 0
    for tc in tr.findall(qn("w:tc")):
        pr = tc.find(qn("w:tcPr"))
        span_el, vm = pr.find(qn("w:gridSpan")), pr.find(qn("w:vMerge"))
        span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
        vmerge = None if vm is None else vm.get(qn("w:val"), "continue")
        out[col] = (span, vmerge, "".join(t.text for t in tc.iter(qn("w:t"))))
        col += span
    return out


@pytest.mark.parametrize("index", [0, 1, 2])
def test_header_merges_follow_the_model(index: int, sample_path: Path) -> None:
    table = sample_document().tables()[index]
    rows = body_tables(sample_path)[index].findall(qn("w:tr"))
    grids = [grid_cells(tr) for tr in rows[: table.header_rows]]
    for h in table.header:
        expected_merge = "restart" if h.rowspan > 1 else None
        assert grids[h.row][h.col] == (h.colspan, expected_merge, h.text)
        for r in range(h.row + 1, h.row + h.rowspan):
            assert grids[r][h.col] == (h.colspan, "continue", "")


def test_body_colspan_is_merged(sample_path: Path) -> None:
    first_body_row = body_tables(sample_path)[0].findall(qn("w:tr"))[2]
    assert grid_cells(first_body_row)[0] == (2, None, "栏次")
    assert sorted(grid_cells(first_body_row)) == [0, 2, 3, 4]


def test_grid_widths_fill_the_text_width(sample_path: Path) -> None:
    word = docx.Document(str(sample_path))
    for tbl in body_tables(sample_path):
        cols = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid"))]
        assert sum(cols) == int(tbl.find(f"{qn('w:tblPr')}/{qn('w:tblW')}").get(qn("w:w")))
    portrait = word.sections[-1]
    assert sum(int(c.get(qn("w:w"))) for c in body_tables(sample_path)[2].find(qn("w:tblGrid"))
               ) == Emu(portrait.page_width - portrait.left_margin - portrait.right_margin).twips


def test_header_rows_repeat_and_rows_do_not_split(sample_path: Path) -> None:
    for table, tbl in zip(sample_document().tables(), body_tables(sample_path), strict=True):
        for i, tr in enumerate(tbl.findall(qn("w:tr"))):
            pr = tr.find(qn("w:trPr"))
            assert pr.find(qn("w:cantSplit")) is not None
            assert (pr.find(qn("w:tblHeader")) is not None) == (i < table.header_rows)


def section_of_each_table(path: Path) -> list[str]:
    """Orientation of the section holding each body table, in order."""
    body = docx.Document(str(path)).element.body
    pending, result = 0, []
    for child in body:
        if child.tag == qn("w:tbl"):
            pending += 1
        sect = child if child.tag == qn("w:sectPr") else child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if sect is not None:
            size = sect.find(qn("w:pgSz"))
            landscape = int(size.get(qn("w:w"))) > int(size.get(qn("w:h")))
            assert (size.get(qn("w:orient")) == "landscape") == landscape
            result += ["landscape" if landscape else "portrait"] * pending
            pending = 0
    return result


def test_landscape_tables_sit_in_landscape_sections(sample_path: Path) -> None:
    expected = ["landscape" if t.landscape else "portrait" for t in sample_document().tables()]
    assert section_of_each_table(sample_path) == expected
    orientations = [s.orientation for s in docx.Document(str(sample_path)).sections]
    # cover+目录, 第一部分, the two landscape tables (one shared section), 表9 onwards
    assert [o.name for o in orientations] == ["PORTRAIT", "PORTRAIT", "LANDSCAPE", "PORTRAIT"]


def test_amounts_are_right_aligned_and_names_indented(sample_path: Path) -> None:
    word = docx.Document(str(sample_path))
    amounts = word.styles["表格金额"]
    assert amounts.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    table = word.tables[0]
    for row, model in zip(table.rows[2:], sample_document().tables()[0].rows, strict=True):
        paragraphs = [c.paragraphs[0] for c in row.cells]
        for cell, p in zip(model, paragraphs, strict=True):
            if cell.value is not None:
                assert p.style.name == "表格金额", cell.text
    names = {c.text: c.paragraphs[0] for c in table.columns[1].cells}
    ind = names["行政运行"]._p.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    assert ind.get(qn("w:leftChars")) == "200"


def test_every_table_run_names_its_east_asian_font(sample_path: Path) -> None:
    for tbl in body_tables(sample_path):
        runs = list(tbl.iter(qn("w:r")))
        assert runs
        for r in runs:
            assert r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) == "宋体"


NASTY = "A&B <c> \"d\" 'e' \x00\x01\x08\x0b\x0c\x0e\x1f\ufffe end"
CLEAN = "A&B <c> \"d\" 'e'  end"


def nasty_document() -> Document:
    base = sample_document()
    long_text = "很长的文字" * 20000
    t = base.tables()[2]
    table = dataclasses.replace(
        t, title=NASTY, org_label=NASTY, notes=(NASTY,),
        rows=((Cell(NASTY), Cell(long_text), Cell("1.00", align="right")),))
    part = Part("概况", NASTY, (Paragraph(NASTY), Paragraph(long_text),
                                GlossaryEntry(NASTY, NASTY), table))
    return dataclasses.replace(base, title=NASTY, department=NASTY, subject=NASTY,
                               keywords=(NASTY,), parts=(part,))


def test_hostile_text_survives(tmp_path: Path) -> None:
    path = tmp_path / "nasty.docx"
    write_docx(nasty_document(), path)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name))  # every part is well-formed XML
    lines = dump_docx(path)
    assert f"P[文档标题] {CLEAN}" in lines
    assert f"P[公文正文] {CLEAN}" in lines
    assert f"P[名词解释] {CLEAN}：{CLEAN}" in lines
    assert f"P[表注] {CLEAN}" in lines
    assert docx_tables(path)[0][1][:2] == [CLEAN, "很长的文字" * 20000]
    props = docx.Document(str(path)).core_properties
    assert props.title == props.author == CLEAN


def test_same_document_gives_identical_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    first, second = tmp_path / "a" / "out.docx", tmp_path / "out.docx"
    write_docx(sample_document(), first)
    write_docx(sample_document(), second)
    assert first.read_bytes() == second.read_bytes()
    assert sorted(os.listdir(tmp_path / "a")) == ["out.docx"]  # no temp file left behind


def test_core_properties_come_from_the_document(sample_path: Path) -> None:
    props = docx.Document(str(sample_path)).core_properties
    assert props.author == "测试部门 & <局>"
    assert props.title == "测试部门 & <局>2020年度部门决算"
    assert props.created == props.modified == dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)
    assert props.revision == 1


def test_missing_style_is_reported_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    broken = tmp_path / "reference.docx"
    shutil.copy(docx_writer.REFERENCE_DOCX, broken)
    word = docx.Document(str(broken))
    style = word.styles["表注"].element
    style.getparent().remove(style)
    word.save(str(broken))
    monkeypatch.setattr(docx_writer, "REFERENCE_DOCX", broken)
    with pytest.raises(ReferenceDocxError, match="表注"):
        write_docx(sample_document(), tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_table_rows_must_fill_the_grid(tmp_path: Path) -> None:
    t = sample_document().tables()[2]
    bad: Table = dataclasses.replace(t, rows=((Cell("合计"), Cell("1.00")),))
    doc = dataclasses.replace(sample_document(), parts=(Part("表格", "第二部分", (bad,)),))
    with pytest.raises(ValueError, match="表9"):
        write_docx(doc, tmp_path / "out.docx")


def test_dump_of_sample_matches_golden(sample_path: Path) -> None:
    lines = dump_docx(sample_path)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert lines == GOLDEN.read_text(encoding="utf-8").splitlines()


def test_committed_reference_docx_is_what_the_script_builds(monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    script = Path(__file__).parent.parent / "tools" / "make_reference_docx.py"
    spec = importlib.util.spec_from_file_location("make_reference_docx", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is being built
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    assert module.build() == docx_writer.REFERENCE_DOCX.read_bytes(), (
        "templates/reference.docx is stale: run python tools/make_reference_docx.py")
