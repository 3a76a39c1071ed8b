"""A `Table` as w:tbl XML: fixed grid, merged header, repeating header rows, thin borders.

Built as raw XML rather than through python-docx's cell.merge(), because merging there moves
text around and guesses; here every gridSpan and vMerge is exactly the one the model gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from generator.document import Cell, HeaderCell, Table
from generator.readback.content import as_read
from generator.writers.docx_fit import (
    balanced,
    column_minimums,
    fit_columns,
    lines_needed,
    lone_last_character,
)
from generator.writers.docx_xml import attr_value, clean, run_properties_xml, text_run_xml

BORDER = {"val": "single", "sz": "4", "space": "0", "color": "000000"}  # 0.5 pt
CELL_MARGIN = "57"  # twips, 0.1 cm left and right


@dataclass(frozen=True)
class CellStyle:
    style_id: str
    fonts: dict[str, str]  # the style's own rFonts, repeated on each run (see build_table)
    size_pt: float = 10.0  # the style's font size
    half_points: int | None = None  # a smaller size for this table's runs (see _fitted)
    run_properties: str = field(init=False)
    bold_run_properties: str = field(init=False)
    paragraph_properties: str = field(init=False)  # the w:pPr start, up to w:pStyle

    def __post_init__(self) -> None:
        # Written once here rather than for each of a table's thousands of runs.
        object.__setattr__(self, "run_properties",
                           run_properties_xml(self.fonts, half_points=self.half_points))
        object.__setattr__(self, "bold_run_properties",
                           run_properties_xml(self.fonts, bold=True, half_points=self.half_points))
        object.__setattr__(self, "paragraph_properties",
                           f"<w:pPr><w:pStyle w:val={attr_value(self.style_id)}/>")


@dataclass(frozen=True)
class TableStyles:
    table_id: str
    header: CellStyle
    left: CellStyle
    center: CellStyle
    right: CellStyle

    def for_align(self, align: str) -> CellStyle:
        return self.right if align == "right" else self.left if align == "left" else \
            {"center": self.center}[align]

    def sized(self, size_pt: float) -> TableStyles:
        """The same styles with every run at `size_pt` (a table too wide for 10 pt)."""
        def one(style: CellStyle) -> CellStyle:
            return replace(style, half_points=round(size_pt * 2))
        return replace(self, header=one(self.header), left=one(self.left),
                       center=one(self.center), right=one(self.right))

    @property
    def size_pt(self) -> float:
        return self.left.half_points / 2 if self.left.half_points else self.left.size_pt


# Sizes tried, largest first, when a table's codes and amounts do not fit at the style's size.
SMALLER_SIZES = (9.5, 9.0, 8.5, 8.0, 7.5)


def column_widths(weights: tuple[float, ...], total: int) -> list[int]:
    """Twips per column, rounded so that they add up to `total` exactly."""
    whole = sum(weights)
    edges = [round(total * sum(weights[: i + 1]) / whole) for i in range(len(weights))]
    return [b - a for a, b in zip([0, *edges[:-1]], edges, strict=True)]


def table_xml(table: Table, total_width: int, styles: TableStyles) -> str:
    """The w:tbl as XML text, exactly as lxml serializes it inside document.xml (w: prefix,
    no namespace declaration).

    Written as text rather than as lxml elements: a table has thousands of elements, and
    creating them one by one (or parsing them back) was most of the writer's time. The
    writer splices this text into the serialized document (docx.py `_Flow.table`).
    """
    if len(table.widths) != table.ncols:
        raise ValueError(f"{table.number}: {len(table.widths)} widths for {table.ncols} columns")
    widths, styles = _fitted(table, column_widths(table.widths, total_width), styles)
    parts = ["<w:tbl>", _table_properties(total_width, styles.table_id),
             "<w:tblGrid>", *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>"]
    parts += _header_rows(table, widths, styles.header)
    # The last two rows keep with what follows (Word, WPS and LibreOffice read keepNext on the
    # paragraphs of a table's rows), so a note never starts a page on its own.
    keep_from = len(table.rows) - 2 if table.notes else len(table.rows)
    for n, cells in enumerate(table.rows):
        _body_row(parts, table, cells, widths, styles, keep_next=n >= keep_from)
    parts.append("</w:tbl>")
    return "".join(parts)


def _fitted(table: Table, widths: list[int], styles: TableStyles
            ) -> tuple[list[int], TableStyles]:
    """Column widths in which every code and amount fits on one line ("2010350" never breaks
    into "201035/0"), taken from the columns of names; if the page is too narrow for that at
    the style's size, the largest smaller size at which it fits."""
    columns: list[list[str]] = [[] for _ in range(table.ncols)]
    for cells in table.rows:
        col = 0
        padded = len(cells) == table.ncols
        for i, cell in enumerate(cells):
            if padded:
                col = i
            if cell.colspan <= 1 and col < table.ncols and cell.text:
                columns[col].append(cell.text)
            if not padded:
                col += max(1, cell.colspan)
    margin = int(CELL_MARGIN)
    for size in (styles.size_pt, *(s for s in SMALLER_SIZES if s < styles.size_pt)):
        fitted = fit_columns(widths, column_minimums(columns, size, margin))
        if fitted is not None:
            return fitted, (styles if size == styles.size_pt else styles.sized(size))
    return widths, styles.sized(SMALLER_SIZES[-1])


def _header_paragraph(text: str, width: int, style: CellStyle) -> str:
    """A header text that would leave one character alone on its last line ("本年收入合/计")
    is set a little smaller if that keeps it whole, else broken into even lines."""
    inner = width - 2 * int(CELL_MARGIN)
    size = style.half_points / 2 if style.half_points else style.size_pt
    if len(text) <= 2 or "\n" in text or not lone_last_character(text, size, inner):
        # (two characters in a column one wide: 行/次 stacks whichever way)
        return _paragraph(text, style)
    lines = len(lines_needed(text, size, inner))
    for smaller in (size - 0.5, size - 1.0, size - 1.5, size - 2.0, size - 2.5):
        if len(lines_needed(text, smaller, inner)) < lines:
            return _paragraph(text, replace(style, half_points=round(smaller * 2)))
    return _paragraph(balanced(text, size, inner), style)


def table_grid(table: Table) -> list[list[str]]:
    """The table's cell texts on its grid as `readback.content.grid` reads them from the XML
    table_xml writes: a merged cell's text in every slot it covers, holes empty."""
    owner = _header_grid(table)
    rows = []
    for r in range(table.header_rows):
        rows.append([as_read(clean(h.text)) if (h := owner.get((r, c))) else ""
                     for c in range(table.ncols)])
    for cells in table.rows:
        padded = len(cells) == table.ncols
        row: list[str] = []
        i = 0
        while i < len(cells):
            span = max(1, min(cells[i].colspan, table.ncols - len(row)))
            row += [_as_read(cells[i].text)] * span
            i += span if padded else 1
        rows.append(row)
    return rows


@lru_cache(maxsize=16384)
def _as_read(text: str) -> str:
    return as_read(clean(text))


def _table_properties(total_width: int, style_id: str) -> str:
    border = "".join(f' w:{k}="{v}"' for k, v in BORDER.items())
    return (f'<w:tblPr><w:tblStyle w:val={attr_value(style_id)}/>'
            f'<w:tblW w:w="{total_width}" w:type="dxa"/><w:jc w:val="center"/>'
            # Borders repeated from the table style: WPS and older LibreOffice drop style borders.
            "<w:tblBorders>"
            + "".join(f"<w:{edge}{border}/>"
                      for edge in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + "</w:tblBorders>"
            '<w:tblLayout w:type="fixed"/>'  # widths as given, not fitted to text
            f'<w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
            f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>')


# A row never breaks across pages; header rows repeat at the top of every page the table spans.
_ROW = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
_HEADER_ROW = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
_VMERGE = {None: "", "restart": '<w:vMerge w:val="restart"/>',
           "continue": "<w:vMerge/>"}  # no w:val means "continue"


def _cell(width: int, span: int, vmerge: str | None, paragraph: str) -> str:
    grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}{_VMERGE[vmerge]}'
            f'<w:vAlign w:val="center"/></w:tcPr>{paragraph}</w:tc>')


def _paragraph(text: str, style: CellStyle, bold: bool = False, indent: int = 0,
               keep_next: bool = False) -> str:
    # One character per level; leftChars wins in Word, left is the fallback (10 pt chars).
    ind = f'<w:ind w:left="{200 * indent}" w:leftChars="{100 * indent}"/>' if indent else ""
    # Fonts on every run as well as in the style: a cell pasted into another document
    # keeps 宋体 instead of falling back to a Japanese face.
    run = (text_run_xml(text, style.bold_run_properties if bold else style.run_properties)
           if text else "")
    keep = "<w:keepNext/>" if keep_next else ""
    return f"<w:p>{style.paragraph_properties}{keep}{ind}</w:pPr>{run}</w:p>"


def _header_rows(table: Table, widths: list[int], style: CellStyle) -> list[str]:
    owner = _header_grid(table)
    empty = _paragraph("", style)
    rows = []
    for r in range(table.header_rows):
        rows.append(_HEADER_ROW)
        c = 0
        while c < table.ncols:
            h = owner.get((r, c))
            if h is None:  # a hole in the header grid: keep the grid rectangular
                rows.append(_cell(widths[c], 1, None, empty))
                c += 1
                continue
            width = sum(widths[h.col : h.col + h.colspan])
            if h.row == r:
                vmerge = "restart" if h.rowspan > 1 else None
                rows.append(_cell(width, h.colspan, vmerge, _header_paragraph(h.text, width, style)))
            else:
                rows.append(_cell(width, h.colspan, "continue", empty))
            c += h.colspan
        rows.append("</w:tr>")
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


def _body_row(out: list[str], table: Table, cells: tuple[Cell, ...], widths: list[int],
              styles: TableStyles, keep_next: bool = False) -> None:
    # Rows list one Cell per grid column, a spanning cell followed by placeholders it covers
    # (the sample's "栏次" row); rows listing only the spanning cells are accepted too.
    padded = len(cells) == table.ncols
    if not padded and sum(c.colspan for c in cells) != table.ncols:
        raise ValueError(f"{table.number}: row {[c.text for c in cells]} does not fill "
                         f"{table.ncols} columns")
    out.append(_ROW)
    col = i = 0
    while i < len(cells):
        cell = cells[i]
        span = max(1, min(cell.colspan, table.ncols - col))
        width = sum(widths[col : col + span])
        style = styles.for_align(cell.align)
        out.append(_cell(width, span, None,
                         _paragraph(cell.text, style, cell.bold, cell.indent, keep_next)))
        col += span
        i += span if padded else 1
    out.append("</w:tr>")
