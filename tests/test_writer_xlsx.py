"""The Excel writer: sheet layout, literal text, numbers, print set-up, determinism.

Regenerate the golden dump after a reviewed change with `UPDATE_GOLDEN=1 pytest`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.document import Document, GlossaryEntry, Paragraph, Table
from generator.readback.xlsx import dump_xlsx, xlsx_sheet_values
from generator.writers.xlsx import write_xlsx
from tests.sample_document import sample_document

GOLDEN = Path(__file__).parent / "golden" / "sample_xlsx.txt"


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    path = tmp_path / "sample.xlsx"
    write_xlsx(sample_document(), path)
    return path


def sheet_xml(path: Path, title: str) -> str:
    """The worksheet part of the sheet named `title` (sheets are written in order)."""
    index = load_workbook(path).sheetnames.index(title) + 1
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode()


def with_texts(doc: Document, text: str) -> Document:
    """The sample with `text` as department, org label, a paragraph and a glossary term."""
    parts = []
    for part in doc.parts:
        blocks = list(part.blocks)
        if part.key == "概况":
            blocks.append(Paragraph(text))
        elif part.key == "表格":
            blocks = [dataclasses.replace(t, org_label=text) for t in blocks]
        elif part.key == "名词解释":
            blocks.append(GlossaryEntry(text, text))
        parts.append(dataclasses.replace(part, blocks=tuple(blocks)))
    return dataclasses.replace(doc, department=text, title=text, parts=tuple(parts))


def test_sheet_names_follow_document_order(sample_path: Path) -> None:
    assert load_workbook(sample_path).sheetnames == [
        "概况",
        "表2",
        "表7",
        "表9",
        "情况说明",
        "名词解释",
    ]


def test_title_merged_across_all_columns_and_header_merges_as_given(sample_path: Path) -> None:
    wb = load_workbook(sample_path)
    for table in sample_document().tables():
        ws = wb[table.number]
        merged = {r.coord for r in ws.merged_cells.ranges}
        last = chr(ord("A") + table.ncols - 1)
        assert f"A1:{last}1" in merged
        assert ws["A1"].value == table.title
        assert ws["A1"].font.b and ws["A1"].alignment.horizontal == "center"
        for hc in table.header:
            top = f"{chr(ord('A') + hc.col)}{3 + hc.row}"
            assert ws[top].value == hc.text
            assert ws[top].alignment.wrap_text and ws[top].border.left.style == "thin"
            if hc.rowspan > 1 or hc.colspan > 1:
                bottom = f"{chr(ord('A') + hc.col + hc.colspan - 1)}{3 + hc.row + hc.rowspan - 1}"
                assert f"{top}:{bottom}" in merged


def test_amounts_are_numbers_with_the_table_format(sample_path: Path) -> None:
    ws = load_workbook(sample_path)["表2"]
    cell = ws["C6"]
    assert cell.data_type == "n" and cell.value == pytest.approx(3591.33)
    assert cell.number_format == "#,##0.00"
    assert cell.alignment.horizontal == "right"
    assert re.search(r'<c r="C6" s="\d+" t="n"><v>3591.33</v></c>', sheet_xml(sample_path, "表2"))
    # 栏次 numbers are text cells in the document and stay text.
    assert ws["C5"].data_type == "s" and ws["C5"].value == "1"


def test_text_cells_keep_indent_and_labels(sample_path: Path) -> None:
    ws = load_workbook(sample_path)["表2"]
    assert ws["B8"].alignment.indent == 1 and ws["B9"].alignment.indent == 2
    assert ws["A2"].value == "部门：测试部门 & <局>" and ws["E2"].value == "单位：万元"
    assert ws["A10"].value == "注：本表反映部门本年度取得的各项收入情况。"


@pytest.mark.parametrize("text", ["=SUM(A1)+1", "+86 0763", "-1 减少", "@部门", "#N/A", "=1"])
def test_formula_like_text_stays_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.xlsx"
    write_xlsx(with_texts(sample_document(), text), path)
    wb = load_workbook(path)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode() and "<f " not in z.read(name).decode()
    for sheet, ref in (("概况", "A7"), ("表2", "A2"), ("名词解释", "A4"), ("名词解释", "B4")):
        assert wb[sheet][ref].data_type == "s"
        assert wb[sheet][ref].value == text
    assert wb.properties.creator == text


def test_control_characters_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    write_xlsx(with_texts(sample_document(), "部门\x00名\x07称\x0b\x0c\x1f\t换行\n"), path)
    wb = load_workbook(path)
    assert wb["概况"]["A7"].value == "部门名称\t换行\n"
    assert wb.properties.title == "部门名称\t换行\n"


def test_sheet_titles_are_made_valid_and_unique(tmp_path: Path) -> None:
    doc = sample_document()
    tables = doc.part("表格").blocks
    bad = "表[1]:*?/\\" + "很长的表号" * 10
    renamed = tuple(dataclasses.replace(t, number=bad) for t in tables)  # type: ignore[arg-type]
    parts = tuple(
        dataclasses.replace(p, blocks=renamed) if p.key == "表格" else p for p in doc.parts
    )
    path = tmp_path / "t.xlsx"
    write_xlsx(dataclasses.replace(doc, parts=parts), path)
    names = load_workbook(path).sheetnames[1:4]
    assert len(set(names)) == 3
    for name in names:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)


def test_print_setup(sample_path: Path) -> None:
    wb = load_workbook(sample_path)
    expected = {
        "表2": ("landscape", "$3:$4"),
        "表7": ("landscape", "$3:$5"),
        "表9": ("portrait", "$3:$3"),
    }
    for title, (orientation, titles) in expected.items():
        ws = wb[title]
        assert ws.page_setup.orientation == orientation
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == titles
        assert ws.print_options.horizontalCentered
    assert wb["概况"].page_setup.orientation == "portrait"


def test_panes_frozen_below_the_header(sample_path: Path) -> None:
    wb = load_workbook(sample_path)
    assert [wb[t].freeze_panes for t in ("表2", "表7", "表9")] == ["A5", "A6", "A4"]
    assert wb["名词解释"].freeze_panes == "A2"


def test_chinese_font_on_every_value_cell(sample_path: Path) -> None:
    wb = load_workbook(sample_path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name in ("宋体", "黑体"), (ws.title, cell.coordinate)
    with zipfile.ZipFile(sample_path) as z:
        styles = z.read("xl/styles.xml").decode()
    # Font 0 is the workbook default: unstyled cells are Chinese too.
    assert re.search(r'<fonts count="\d+"><font><name val="宋体"/>', styles)


def test_same_document_gives_identical_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_xlsx(sample_document(), first)
    write_xlsx(sample_document(), second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        core = z.read("docProps/core.xml").decode()
    # save() stamps now(); the fixed date proves the clock never reaches the file.
    assert core.count("2021-01-01T00:00:00Z") == 2
    assert "<cp:lastModifiedBy>gen-report</cp:lastModifiedBy>" in core
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]  # no temp files


def test_overwrites_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"old")
    write_xlsx(sample_document(), path)
    assert zipfile.is_zipfile(path)


def test_sheet_values(sample_path: Path) -> None:
    rows = xlsx_sheet_values(sample_path, "名词解释")
    assert rows == [
        ["术语", "解释"],
        ["财政拨款收入", "指财政当年拨付的资金。"],
        ["“三公”经费", "按照有关规定，“三公”经费包括因公出国（境）费。"],
    ]
    assert xlsx_sheet_values(sample_path, "表9")[3] == ["合计", 0, 0]


def test_empty_table_still_has_its_rows(tmp_path: Path) -> None:
    doc = sample_document()
    t9 = doc.tables()[-1]
    assert isinstance(t9, Table) and t9.empty
    path = tmp_path / "e.xlsx"
    write_xlsx(doc, path)
    assert load_workbook(path)["表9"]["A6"].value == "本表本年度无发生额。"


def test_row_with_wrong_cell_count_is_rejected(tmp_path: Path) -> None:
    doc = sample_document()
    t9 = doc.tables()[-1]
    short = dataclasses.replace(t9, rows=((t9.rows[0][0],),))
    parts = tuple(
        dataclasses.replace(p, blocks=(short,)) if p.key == "表格" else p for p in doc.parts
    )
    with pytest.raises(ValueError, match="表9 row 1: 1 cells, 3 columns"):
        write_xlsx(dataclasses.replace(doc, parts=parts), tmp_path / "w.xlsx")
    assert not list(tmp_path.iterdir())


def test_dump_matches_golden(sample_path: Path) -> None:
    lines = dump_xlsx(sample_path)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert lines == GOLDEN.read_text(encoding="utf-8").splitlines()


def test_decimal_value_is_stored_exactly(tmp_path: Path) -> None:
    doc = sample_document()
    t9 = doc.tables()[-1]
    big = Decimal("12345678901.23")
    row = (t9.rows[0][0], dataclasses.replace(t9.rows[0][1], value=big), t9.rows[0][2])
    parts = tuple(
        dataclasses.replace(p, blocks=(dataclasses.replace(t9, rows=(row,)),))
        if p.key == "表格"
        else p
        for p in doc.parts
    )
    path = tmp_path / "d.xlsx"
    write_xlsx(dataclasses.replace(doc, parts=parts), path)
    assert "<v>12345678901.23</v>" in sheet_xml(path, "表9")
