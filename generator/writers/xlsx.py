"""Write a rendered Document as an Excel workbook.

One sheet per text part (概况, 情况说明), one per table (named by its number), and a
two-column glossary, in document order. Amounts are stored as numbers with the table's
number format, so an officer can re-add a column; every text stays literal text.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from generator.document import Document, Figure, GlossaryEntry, Heading, Paragraph, Part, Table
from generator.writers.atomic import write_all
from generator.writers.xlsx_cells import (
    TABLE_BOLD,
    TABLE_FONT,
    TEXT_BOLD,
    TEXT_FONT,
    THIN_BORDER,
    TITLE_FONT,
    clean_text,
    display_width,
    line_count,
    line_height,
    put_amount,
    put_text,
    sheet_title,
    wrap,
)
from generator.writers.zipfix import normalized_zip

# An A4 page between default margins holds about 68 (portrait) or 100 (landscape) width
# units. LibreOffice never shrinks a single column to fit the page (it clips it), so the
# text sheets must fit unscaled; tables may exceed and rely on fit-to-width.
TEXT_COLUMN_WIDTH = 66.0
GLOSSARY_WIDTHS = (16.0, 50.0)
_PAGE_UNITS = {True: 100.0, False: 68.0}
_MIN_COL, _MAX_COL, _MAX_HEADER_COL = 6.0, 60.0, 14.0
_CORE_XML = "docProps/core.xml"
_LAST_MODIFIED_BY = "gen-report"


def write_xlsx(doc: Document, path: Path) -> None:
    write_all({Path(path): xlsx_bytes(doc)})


def xlsx_bytes(doc: Document) -> bytes:
    """The finished workbook; `build.py` writes it together with the other outputs."""
    return _finalize(_build_workbook(doc))


def _build_workbook(doc: Document) -> Workbook:
    wb = Workbook()
    _set_default_font(wb)
    _set_properties(wb.properties, doc)
    placeholder = wb.active
    taken: set[str] = set()
    for part in doc.parts:
        if part.key == "表格":
            for block in part.blocks:
                if not isinstance(block, Table):
                    raise ValueError(f"表格 part holds a {type(block).__name__}, not a Table")
                _table_sheet(wb.create_sheet(sheet_title(block.number, taken)), block)
        elif part.key == "名词解释":
            _glossary_sheet(wb.create_sheet(sheet_title(part.key, taken)), part)
        else:
            _text_sheet(wb.create_sheet(sheet_title(part.key, taken)), part)
            for block in part.blocks:  # a table inside the narrative gets a sheet of its own
                if isinstance(block, Table):
                    _table_sheet(wb.create_sheet(sheet_title(block.title, taken)), block)
    figures = [b for p in doc.parts for b in p.blocks if isinstance(b, Figure)]
    if figures:
        _chart_sheet(wb.create_sheet(sheet_title("图表", taken)), figures)
    if len(wb.worksheets) > 1 and placeholder is not None:
        wb.remove(placeholder)
    return wb


class _FastStyleList(IndexedList):
    """openpyxl finds a style's index by hashing the style object, field by field, on every
    cell it is set on: half the time of writing a workbook. The writer sets a few shared
    objects thousands of times, so remember each object's index by identity first (holding
    the object, so its id cannot be reused). Same indexes as before, so the same bytes."""

    def __init__(self, iterable: object = None) -> None:
        super().__init__(iterable)
        self._by_id: dict[int, tuple[object, int]] = {}

    def add(self, value: object) -> int:
        known = self._by_id.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        index = super().add(value)
        self._by_id[id(value)] = (value, index)
        return index


def _set_default_font(wb: Workbook) -> None:
    # openpyxl has no public setter for the workbook font: replace font 0 (used by every
    # unstyled cell) and the Normal style's font, before any cell is styled.
    wb._fonts = _FastStyleList([TEXT_FONT])
    wb._borders = _FastStyleList(wb._borders)
    wb._alignments = _FastStyleList(wb._alignments)
    wb._named_styles["Normal"].font = TEXT_FONT


def _set_properties(props: DocumentProperties, doc: Document) -> None:
    # Fixed date from the document year: the same input must give the same bytes.
    stamp = datetime(doc.year + 1, 1, 1)
    props.title = clean_text(doc.title)
    props.subject = clean_text(doc.subject) or None
    props.creator = clean_text(doc.department)
    props.keywords = clean_text(",".join(doc.keywords)) or None
    props.lastModifiedBy = _LAST_MODIFIED_BY
    props.created = stamp
    props.modified = stamp


def _text_sheet(ws: Worksheet, part: Part) -> None:
    ws.column_dimensions["A"].width = TEXT_COLUMN_WIDTH
    _text_row(ws, 1, part.heading, TITLE_FONT)
    for row, block in enumerate(part.blocks, start=2):
        if isinstance(block, Heading):
            _text_row(ws, row, block.text, TEXT_BOLD)
        elif isinstance(block, Paragraph):
            _text_row(ws, row, block.text, TEXT_FONT)
        elif isinstance(block, Table):
            _text_row(ws, row, f"{block.title}（见工作表“{block.title[:31]}”）", TEXT_FONT)
        elif isinstance(block, Figure):
            _text_row(ws, row, f"（{block.caption}，见“图表”工作表）", TEXT_FONT)
        else:
            raise ValueError(f"{part.key} part holds a {type(block).__name__}")
    _print_setup(ws, landscape=False)


def _chart_sheet(ws: Worksheet, figures: list[Figure]) -> None:
    """Each chart's caption, then the picture anchored under it."""
    from openpyxl.drawing.image import Image

    ws.column_dimensions["A"].width = TEXT_COLUMN_WIDTH
    row = 1
    for figure in figures:
        _text_row(ws, row, figure.caption, TEXT_BOLD)
        image = Image(io.BytesIO(figure.png))
        scale = 480 / image.width
        image.width, image.height = 480, round(image.height * scale)
        ws.add_image(image, f"A{row + 1}")
        row += 2 + image.height // 20  # default row height: 20 px
    _print_setup(ws, landscape=False)


def _text_row(ws: Worksheet, row: int, text: str, font: Font) -> None:
    cell = put_text(ws, row, 1, text)
    cell.font = font
    cell.alignment = wrap()
    ws.row_dimensions[row].height = line_count(text, TEXT_COLUMN_WIDTH) * line_height(font)


def _glossary_sheet(ws: Worksheet, part: Part) -> None:
    for col, (label, width) in enumerate(
        zip(("术语", "解释"), GLOSSARY_WIDTHS, strict=True), start=1
    ):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = put_text(ws, 1, col, label)
        cell.font, cell.alignment, cell.border = TEXT_BOLD, wrap("center"), THIN_BORDER
    for row, entry in enumerate(part.blocks, start=2):
        if not isinstance(entry, GlossaryEntry):
            raise ValueError(f"名词解释 part holds a {type(entry).__name__}")
        lines = 1
        for col, text in enumerate((entry.term, entry.explanation), start=1):
            cell = put_text(ws, row, col, text)
            cell.font, cell.alignment, cell.border = TEXT_FONT, wrap(), THIN_BORDER
            lines = max(lines, line_count(text, GLOSSARY_WIDTHS[col - 1]))
        ws.row_dimensions[row].height = lines * line_height(TEXT_FONT)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    _print_setup(ws, landscape=False)


def _table_sheet(ws: Worksheet, table: Table) -> None:
    widths = _column_widths(table)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    last = get_column_letter(table.ncols)

    title = put_text(ws, 1, 1, table.title)
    title.font, title.alignment = TITLE_FONT, wrap("center")
    _merge(ws, 1, 1, 1, table.ncols)
    ws.row_dimensions[1].height = line_count(table.title, sum(widths)) * line_height(TITLE_FONT) + 6
    _labels_row(ws, table)

    head = 3
    body = head + table.header_rows
    _header_grid(ws, table, head, widths)
    _body(ws, table, body, widths)
    end = body + len(table.rows) - 1
    for i, note in enumerate(table.notes, start=end + 1):
        cell = put_text(ws, i, 1, note)
        cell.font, cell.alignment = TABLE_FONT, wrap()
        _merge(ws, i, 1, i, table.ncols)
        ws.row_dimensions[i].height = line_count(note, sum(widths)) * line_height(TABLE_FONT)

    ws.freeze_panes = f"A{body}"
    ws.print_title_rows = f"{head}:{body - 1}"
    ws.print_area = f"A1:{last}{end + len(table.notes)}"
    _print_setup(ws, table.landscape)


def _labels_row(ws: Worksheet, table: Table) -> None:
    if table.ncols == 1:
        put_text(ws, 2, 1, f"{table.org_label}  {table.unit_label}").font = TABLE_FONT
        return
    org = put_text(ws, 2, 1, table.org_label)
    org.font, org.alignment = TABLE_FONT, wrap()
    _merge(ws, 2, 1, 2, table.ncols - 1)
    unit = put_text(ws, 2, table.ncols, table.unit_label)
    unit.font, unit.alignment = TABLE_FONT, wrap("right")


def _header_grid(ws: Worksheet, table: Table, head: int, widths: list[float]) -> None:
    _box(ws, head, 1, head + table.header_rows - 1, table.ncols, TABLE_BOLD)
    heights = [1.0] * table.header_rows
    for hc in table.header:
        row, col = head + hc.row, 1 + hc.col
        cell = put_text(ws, row, col, hc.text)
        cell.alignment = wrap("center")
        _merge(ws, row, col, row + hc.rowspan - 1, col + hc.colspan - 1)
        span_width = sum(widths[hc.col : hc.col + hc.colspan])
        per_row = line_count(hc.text, span_width) / hc.rowspan
        for r in range(hc.row, hc.row + hc.rowspan):
            heights[r] = max(heights[r], per_row)
    for r, lines in enumerate(heights):
        ws.row_dimensions[head + r].height = round(lines * line_height(TABLE_BOLD), 1)


def _body(ws: Worksheet, table: Table, start: int, widths: list[float]) -> None:
    _box(ws, start, 1, start + len(table.rows) - 1, table.ncols, TABLE_FONT)
    for i, cells in enumerate(table.rows):
        row = start + i
        # A row lists one Cell per column; cells under a colspan are placeholders.
        if len(cells) != table.ncols:
            raise ValueError(
                f"{table.number} row {i + 1}: {len(cells)} cells, {table.ncols} columns"
            )
        covered_until, lines = 0, 1
        for col0, c in enumerate(cells):
            if col0 < covered_until:
                continue
            covered_until = col0 + c.colspan
            col = col0 + 1
            if c.value is not None:
                cell = put_amount(ws, row, col, c.value, table.number_format)
                cell.alignment = wrap("right")
            else:
                cell = put_text(ws, row, col, c.text)
                cell.alignment = wrap(c.align, c.indent)
                span = sum(widths[col0:covered_until]) - 2 * c.indent
                lines = max(lines, line_count(c.text, span))
            if c.bold:
                cell.font = TABLE_BOLD
            _merge(ws, row, col, row, col + c.colspan - 1)
        ws.row_dimensions[row].height = lines * line_height(TABLE_FONT)


def _column_widths(table: Table) -> list[float]:
    """Proportional to `widths`, but never narrower than the column's own content."""
    total = sum(table.widths) or 1.0
    page = _PAGE_UNITS[table.landscape]
    needed = [max(_MIN_COL, w / total * page) for w in table.widths]
    for hc in table.header:
        if hc.colspan == 1:
            text = min(display_width(hc.text) + 2.0, _MAX_HEADER_COL)
            needed[hc.col] = max(needed[hc.col], text)
    for cells in table.rows:
        for col0, c in enumerate(cells):
            if c.colspan == 1 and col0 < table.ncols:
                needed[col0] = max(needed[col0], display_width(c.text) + 2.0 * c.indent + 2.0)
    return [round(min(w, _MAX_COL), 1) for w in needed]


def _box(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, font: Font) -> None:
    # Borders go on every cell, including those hidden by a merge, or the grid shows gaps.
    for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
        for cell in row:
            cell.border = THIN_BORDER
            cell.font = font


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _print_setup(ws: Worksheet, landscape: bool) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def _finalize(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    fixed = wb.properties.modified
    wb.save(buf)
    # openpyxl's save() stamps `modified` with now(); put the fixed date back into the part.
    wb.properties.modified = fixed
    core = tostring(wb.properties.to_tree())
    return normalized_zip(_replace_member(buf.getvalue(), _CORE_XML, core))


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, content if info.filename == name else src.read(info.filename))
    return out.getvalue()
