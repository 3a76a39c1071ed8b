"""A `Table` as w:tbl XML: fixed grid, merged header, repeating header rows, thin borders.

Built as raw XML rather than through python-docx's cell.merge(), because merging there moves
text around and guesses; here every gridSpan and vMerge is exactly the one the model gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from generator.chars import escape
from generator.document import HeaderCell, Table
from generator.readback.content import as_read
from generator.writers.docx_fit import (
    balanced,
    column_minimums,
    fit_columns,
    lines_needed,
    lone_last_character,
    widest_token,
)
from generator.writers.docx_xml import attr_value, clean, run_properties_xml, text_run_xml

BORDER = {"val": "single", "sz": "4", "space": "0", "color": "000000"}  # 0.5 pt
CELL_MARGIN = "57"  # twips, 0.1 cm left and right


@dataclass(frozen=True, eq=False)
class CellStyle:
    """Equal (and hashed) by what its XML depends on: style, fonts and size, so header rows can
    be cached across documents."""

    style_id: str
    fonts: dict[str, str]  # the style's own rFonts, repeated on each run (see build_table)
    size_pt: float = 10.0  # the style's font size
    half_points: int | None = None  # a smaller size for this table's runs (see _fitted)
    run_properties: str = field(init=False)
    bold_run_properties: str = field(init=False)
    paragraph_properties: str = field(init=False)  # the w:pPr start, up to w:pStyle
    key: tuple = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.style_id, tuple(self.fonts.items()), self.size_pt,
                                         self.half_points))
        # Written once here rather than for each of a table's thousands of runs.
        object.__setattr__(self, "run_properties",
                           run_properties_xml(self.fonts, half_points=self.half_points))
        object.__setattr__(self, "bold_run_properties",
                           run_properties_xml(self.fonts, bold=True, half_points=self.half_points))
        object.__setattr__(self, "paragraph_properties",
                           f"<w:pPr><w:pStyle w:val={attr_value(self.style_id)}/>")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CellStyle) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)


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


def table_xml(table: Table, total_width: int, styles: TableStyles) -> bytes:
    """The w:tbl as XML (UTF-8), exactly as lxml serializes it inside document.xml (w: prefix,
    no namespace declaration).

    Written as text rather than as lxml elements: a table has thousands of elements, and
    creating them one by one (or parsing them back) was most of the writer's time. The
    writer splices this text into the serialized document (docx.py `_Flow.table`).
    """
    if len(table.widths) != table.ncols:
        raise ValueError(f"{table.number}: {len(table.widths)} widths for {table.ncols} columns")
    widths, styles = _fitted(table, column_widths(table.widths, total_width), styles)
    parts = [_table_start(total_width, styles.table_id, tuple(widths)),
             _header_rows(table.number, table.header, table.header_rows, table.ncols,
                          tuple(widths), styles.header)]
    # The last two rows keep with what follows (Word, WPS and LibreOffice read keepNext on the
    # paragraphs of a table's rows), so a note never starts a page on its own.
    keep_from = len(table.rows) - 2 if table.notes else len(table.rows)
    _body_rows(parts, table, widths, styles, keep_from)
    parts.append(b"</w:tbl>")
    return b"".join(parts)


@lru_cache(maxsize=256)
def _table_start(total_width: int, style_id: str, widths: tuple[int, ...]) -> bytes:
    return "".join(["<w:tbl>", _table_properties(total_width, style_id), "<w:tblGrid>",
                    *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>"]).encode()


def _fitted(table: Table, widths: list[int], styles: TableStyles
            ) -> tuple[list[int], TableStyles]:
    """Column widths in which every code and amount fits on one line ("2010350" never breaks
    into "201035/0"), taken from the columns of names; if the page is too narrow for that at
    the style's size, the largest smaller size at which it fits."""
    ncols = table.ncols
    ems = [0.0] * ncols  # per column, its widest unbreakable piece of text
    for cells in table.rows:
        padded = len(cells) == ncols
        col = 0
        for i, cell in enumerate(cells):
            if padded:
                col = i
            if cell.colspan <= 1 and col < ncols and cell.text:
                widest = widest_token(cell.text)
                if widest > ems[col]:
                    ems[col] = widest
            if not padded:
                col += max(1, cell.colspan)
    margin = int(CELL_MARGIN)
    for size in (styles.size_pt, *(s for s in SMALLER_SIZES if s < styles.size_pt)):
        fitted = fit_columns(widths, column_minimums(ems, size, margin))
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
    rows = [list(row) for row in _header_texts(table.number, table.header, table.header_rows,
                                               table.ncols)]
    ncols = table.ncols
    for cells in table.rows:
        padded = len(cells) == ncols
        row: list[str] = []
        i, count = 0, len(cells)
        while i < count:
            cell = cells[i]
            if cell.colspan <= 1:
                text = cell.text
                # printable: no tab or line break, nothing to clean (nearly every cell)
                row.append(text if text.isprintable() else _as_read(text))
                i += 1
                continue
            span = max(1, min(cell.colspan, ncols - len(row)))
            row += [_as_read(cell.text)] * span
            i += span if padded else 1
        rows.append(row)
    return rows


@lru_cache(maxsize=512)
def _header_texts(number: str, header: tuple[HeaderCell, ...], header_rows: int, ncols: int
                  ) -> tuple[tuple[str, ...], ...]:
    """The header rows of `table_grid` (cached: the same for every department of a profile)."""
    owner = _header_grid(number, header, header_rows, ncols)
    return tuple(tuple(as_read(clean(h.text)) if (h := owner.get((r, c))) else ""
                       for c in range(ncols))
                 for r in range(header_rows))


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
_ROW = b"<w:tr><w:trPr><w:cantSplit/></w:trPr>"
_HEADER_ROW = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
_VMERGE = {None: "", "restart": '<w:vMerge w:val="restart"/>',
           "continue": "<w:vMerge/>"}  # no w:val means "continue"


def _cell(width: int, span: int, vmerge: str | None, paragraph: str) -> str:
    grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}{_VMERGE[vmerge]}'
            f'<w:vAlign w:val="center"/></w:tcPr>{paragraph}</w:tc>')


def _paragraph(text: str, style: CellStyle, bold: bool = False, indent: int = 0,
               keep_next: bool = False) -> str:
    return _cell_paragraph(text, style.paragraph_properties,
                           style.bold_run_properties if bold else style.run_properties,
                           indent, keep_next)


def _cell_paragraph(text: str, paragraph_properties: str, run_properties: str, indent: int,
                    keep_next: bool) -> str:
    # One character per level; leftChars wins in Word, left is the fallback (10 pt chars).
    ind = f'<w:ind w:left="{200 * indent}" w:leftChars="{100 * indent}"/>' if indent else ""
    # Fonts on every run as well as in the style: a cell pasted into another document
    # keeps 宋体 instead of falling back to a Japanese face.
    run = text_run_xml(text, run_properties) if text else ""
    keep = "<w:keepNext/>" if keep_next else ""
    return f"<w:p>{paragraph_properties}{keep}{ind}</w:pPr>{run}</w:p>"


_TEXT = "\u01c2"  # stands for a cell's text in _plain_cell: printable, in no markup


@lru_cache(maxsize=4096)
def _plain_cell(width: int, paragraph_properties: str, run_properties: str, indent: int,
                keep_next: bool) -> tuple[bytes, bytes, bytes] | None:
    """A body cell one column wide (nearly every one): the XML before and after its text
    (printable text, escaped), and the whole cell when it is empty. The same few for every
    table of a document: only the text is written for each cell. None if the style's markup
    holds the stand-in for the text."""
    pieces = _cell(width, 1, None, _cell_paragraph(_TEXT, paragraph_properties, run_properties,
                                                   indent, keep_next)).split(_TEXT)
    if len(pieces) != 2:
        return None
    empty = _cell(width, 1, None, _cell_paragraph("", paragraph_properties, run_properties,
                                                  indent, keep_next))
    return pieces[0].encode(), pieces[1].encode(), empty.encode()


@lru_cache(maxsize=512)
def _header_rows(number: str, header: tuple[HeaderCell, ...], header_rows: int, ncols: int,
                 widths: tuple[int, ...], style: CellStyle) -> bytes:
    """The header rows as XML (cached: the same for every department of a profile)."""
    owner = _header_grid(number, header, header_rows, ncols)
    empty = _paragraph("", style)
    rows = []
    for r in range(header_rows):
        rows.append(_HEADER_ROW)
        c = 0
        while c < ncols:
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
    return "".join(rows).encode()


def _header_grid(number: str, header: tuple[HeaderCell, ...], header_rows: int, ncols: int
                 ) -> dict[tuple[int, int], HeaderCell]:
    owner: dict[tuple[int, int], HeaderCell] = {}
    for h in header:
        for r in range(h.row, h.row + h.rowspan):
            for c in range(h.col, h.col + h.colspan):
                if r >= header_rows or c >= ncols or (r, c) in owner:
                    raise ValueError(f"{number}: header cell {h.text!r} overlaps or "
                                     f"leaves the {header_rows}×{ncols} header grid")
                owner[(r, c)] = h
    return owner


def _body_rows(out: list[bytes], table: Table, widths: list[int], styles: TableStyles,
               keep_from: int) -> None:
    """The body rows, those from `keep_from` on kept with what follows."""
    # Rows list one Cell per grid column, a spanning cell followed by placeholders it covers
    # (the sample's "栏次" row); rows listing only the spanning cells are accepted too.
    ncols = table.ncols
    by_align = {align: (style.paragraph_properties, style.run_properties, style.bold_run_properties)
                for align, style in (("left", styles.left), ("center", styles.center),
                                     ("right", styles.right))}
    append = out.append
    for n, cells in enumerate(table.rows):
        padded = len(cells) == ncols
        if not padded and sum(c.colspan for c in cells) != ncols:
            raise ValueError(f"{table.number}: row {[c.text for c in cells]} does not fill "
                             f"{ncols} columns")
        keep_next = n >= keep_from
        append(_ROW)
        col = i = 0
        count = len(cells)
        while i < count:
            cell = cells[i]
            ppr, rpr, bold_rpr = by_align[cell.align]
            text = cell.text
            if cell.colspan <= 1:
                plain = _plain_cell(widths[col], ppr, bold_rpr if cell.bold else rpr,
                                    cell.indent, keep_next)
                if plain is not None and not text:
                    append(plain[2])
                elif plain is not None and text.isprintable():  # no tab, no line break, nothing XML forbids
                    if "&" in text or "<" in text or ">" in text:
                        text = escape(text)
                    append(plain[0])
                    append(text.encode())
                    append(plain[1])
                else:
                    append(_cell(widths[col], 1, None,
                                 _cell_paragraph(text, ppr, bold_rpr if cell.bold else rpr,
                                                 cell.indent, keep_next)).encode())
                col += 1
                i += 1
                continue
            span = max(1, min(cell.colspan, ncols - col))
            append(_cell(sum(widths[col : col + span]), span, None,
                         _cell_paragraph(text, ppr, bold_rpr if cell.bold else rpr,
                                         cell.indent, keep_next)).encode())
            col += span
            i += span if padded else 1
        append(b"</w:tr>")
