"""A `Table` as w:tbl XML: fixed grid, merged header, repeating header rows, thin borders.

Built as raw XML rather than through python-docx's cell.merge(), because merging there moves
text around and guesses; here every gridSpan and vMerge is exactly the one the model gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.document import Cell, HeaderCell, Table
from generator.writers.docx_xml import attr_value, run_properties_xml, text_run_xml

BORDER = {"val": "single", "sz": "4", "space": "0", "color": "000000"}  # 0.5 pt
CELL_MARGIN = "57"  # twips, 0.1 cm left and right


@dataclass(frozen=True)
class CellStyle:
    style_id: str
    fonts: dict[str, str]  # the style's own rFonts, repeated on each run (see build_table)
    run_properties: str = field(init=False)
    bold_run_properties: str = field(init=False)
    paragraph_properties: str = field(init=False)  # the w:pPr start, up to w:pStyle

    def __post_init__(self) -> None:
        # Written once here rather than for each of a table's thousands of runs.
        object.__setattr__(self, "run_properties", run_properties_xml(self.fonts))
        object.__setattr__(self, "bold_run_properties", run_properties_xml(self.fonts, bold=True))
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
        return {"left": self.left, "center": self.center, "right": self.right}[align]


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
    widths = column_widths(table.widths, total_width)
    parts = ["<w:tbl>", _table_properties(total_width, styles.table_id),
             "<w:tblGrid>", *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>"]
    parts += _header_rows(table, widths, styles.header)
    for cells in table.rows:
        _body_row(parts, table, cells, widths, styles)
    parts.append("</w:tbl>")
    return "".join(parts)


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


def _paragraph(text: str, style: CellStyle, bold: bool = False, indent: int = 0) -> str:
    # One character per level; leftChars wins in Word, left is the fallback (10 pt chars).
    ind = f'<w:ind w:left="{200 * indent}" w:leftChars="{100 * indent}"/>' if indent else ""
    # Fonts on every run as well as in the style: a cell pasted into another document
    # keeps 宋体 instead of falling back to a Japanese face.
    run = (text_run_xml(text, style.bold_run_properties if bold else style.run_properties)
           if text else "")
    return f"<w:p>{style.paragraph_properties}{ind}</w:pPr>{run}</w:p>"


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
                rows.append(_cell(width, h.colspan, vmerge, _paragraph(h.text, style)))
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
              styles: TableStyles) -> None:
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
        out.append(_cell(width, span, None, _paragraph(cell.text, style, cell.bold, cell.indent)))
        col += span
        i += span if padded else 1
    out.append("</w:tr>")
