"""A `Table` as a w:tbl element: fixed grid, merged header, repeating header rows, thin borders.

Built as raw XML rather than through python-docx's cell.merge(), because merging there moves
text around and guesses; here every gridSpan and vMerge is exactly the one the model gives.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml.etree import _Element

from generator.document import Cell, HeaderCell, Table
from generator.writers.docx_xml import el, text_run

BORDER = {"val": "single", "sz": "4", "space": "0", "color": "000000"}  # 0.5 pt
CELL_MARGIN = "57"  # twips, 0.1 cm left and right


@dataclass(frozen=True)
class CellStyle:
    style_id: str
    fonts: dict[str, str]  # the style's own rFonts, repeated on each run (see build_table)


@dataclass(frozen=True)
class TableStyles:
    table_id: str
    header: CellStyle
    left: CellStyle
    center: CellStyle
    right: CellStyle

    def for_align(self, align: str) -> CellStyle:
        return {"left": self.left, "center": self.center, "right": self.right}[align]


def column_widths(weights: tuple[float, ...], total: int) -> list[int]:
    """Twips per column, rounded so that they add up to `total` exactly."""
    whole = sum(weights)
    edges = [round(total * sum(weights[: i + 1]) / whole) for i in range(len(weights))]
    return [b - a for a, b in zip([0, *edges[:-1]], edges, strict=True)]


def build_table(table: Table, total_width: int, styles: TableStyles) -> _Element:
    if len(table.widths) != table.ncols:
        raise ValueError(f"{table.number}: {len(table.widths)} widths for {table.ncols} columns")
    widths = column_widths(table.widths, total_width)
    tbl = el("w:tbl")
    tbl.append(_table_properties(total_width, styles.table_id))
    grid = el("w:tblGrid")
    for w in widths:
        grid.append(el("w:gridCol", w=str(w)))
    tbl.append(grid)
    for row in _header_rows(table, widths, styles.header):
        tbl.append(row)
    for cells in table.rows:
        tbl.append(_body_row(table, cells, widths, styles))
    return tbl


def _table_properties(total_width: int, style_id: str) -> _Element:
    tbl_pr = el("w:tblPr")
    tbl_pr.append(el("w:tblStyle", val=style_id))
    tbl_pr.append(el("w:tblW", w=str(total_width), type="dxa"))
    tbl_pr.append(el("w:jc", val="center"))
    # Borders repeated from the table style: WPS and older LibreOffice drop style borders.
    borders = el("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(el(f"w:{edge}", **BORDER))
    tbl_pr.append(borders)
    tbl_pr.append(el("w:tblLayout", type="fixed"))  # widths as given, not fitted to text
    margins = el("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(el(f"w:{side}", w=CELL_MARGIN, type="dxa"))
    tbl_pr.append(margins)
    tbl_pr.append(el("w:tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0",
                     lastColumn="0", noHBand="1", noVBand="1"))
    return tbl_pr


def _row(header: bool) -> _Element:
    tr = el("w:tr")
    tr_pr = el("w:trPr")
    tr_pr.append(el("w:cantSplit"))  # a row never breaks across pages
    if header:
        tr_pr.append(el("w:tblHeader"))  # repeats at the top of every page the table spans
    tr.append(tr_pr)
    return tr


def _cell(width: int, span: int, vmerge: str | None, paragraph: _Element) -> _Element:
    tc = el("w:tc")
    tc_pr = el("w:tcPr")
    tc_pr.append(el("w:tcW", w=str(width), type="dxa"))
    if span > 1:
        tc_pr.append(el("w:gridSpan", val=str(span)))
    if vmerge == "restart":
        tc_pr.append(el("w:vMerge", val="restart"))
    elif vmerge == "continue":
        tc_pr.append(el("w:vMerge"))  # no w:val means "continue"
    tc_pr.append(el("w:vAlign", val="center"))
    tc.append(tc_pr)
    tc.append(paragraph)
    return tc


def _paragraph(text: str, style: CellStyle, bold: bool = False, indent: int = 0) -> _Element:
    p = el("w:p")
    p_pr = el("w:pPr")
    p_pr.append(el("w:pStyle", val=style.style_id))
    if indent:
        # One character per level; leftChars wins in Word, left is the fallback (10 pt chars).
        p_pr.append(el("w:ind", left=str(200 * indent), leftChars=str(100 * indent)))
    p.append(p_pr)
    if text:
        # Fonts on every run as well as in the style: a cell pasted into another document
        # keeps 宋体 instead of falling back to a Japanese face.
        p.append(text_run(text, style.fonts, bold))
    return p


def _header_rows(table: Table, widths: list[int], style: CellStyle) -> list[_Element]:
    owner = _header_grid(table)
    rows = []
    for r in range(table.header_rows):
        tr = _row(header=True)
        c = 0
        while c < table.ncols:
            h = owner.get((r, c))
            if h is None:  # a hole in the header grid: keep the grid rectangular
                tr.append(_cell(widths[c], 1, None, _paragraph("", style)))
                c += 1
                continue
            width = sum(widths[h.col : h.col + h.colspan])
            if h.row == r:
                vmerge = "restart" if h.rowspan > 1 else None
                tr.append(_cell(width, h.colspan, vmerge, _paragraph(h.text, style)))
            else:
                tr.append(_cell(width, h.colspan, "continue", _paragraph("", style)))
            c += h.colspan
        rows.append(tr)
    return rows


def _header_grid(table: Table) -> dict[tuple[int, int], HeaderCell]:
    owner: dict[tuple[int, int], HeaderCell] = {}
    for h in table.header:
        for r in range(h.row, h.row + h.rowspan):
            for c in range(h.col, h.col + h.colspan):
                if r >= table.header_rows or c >= table.ncols or (r, c) in owner:
                    raise ValueError(f"{table.number}: header cell {h.text!r} overlaps or "
                                     f"leaves the {table.header_rows}×{table.ncols} header grid")
                owner[(r, c)] = h
    return owner


def _body_row(table: Table, cells: tuple[Cell, ...], widths: list[int],
              styles: TableStyles) -> _Element:
    # Rows list one Cell per grid column, a spanning cell followed by placeholders it covers
    # (the sample's "栏次" row); rows listing only the spanning cells are accepted too.
    padded = len(cells) == table.ncols
    if not padded and sum(c.colspan for c in cells) != table.ncols:
        raise ValueError(f"{table.number}: row {[c.text for c in cells]} does not fill "
                         f"{table.ncols} columns")
    tr = _row(header=False)
    col = i = 0
    while i < len(cells):
        cell = cells[i]
        span = max(1, min(cell.colspan, table.ncols - col))
        width = sum(widths[col : col + span])
        style = styles.for_align(cell.align)
        tr.append(_cell(width, span, None, _paragraph(cell.text, style, cell.bold, cell.indent)))
        col += span
        i += span if padded else 1
    return tr
