"""Write a rendered Document as an Excel workbook.

One sheet per text part (概况, 情况说明), one per table (named by its number), and a
two-column glossary, in document order. Amounts are stored as numbers with the table's
number format, so an officer can re-add a column; every text stays literal text.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

from generator.document import (
    Document,
    Figure,
    GlossaryEntry,
    HeaderCell,
    Heading,
    Paragraph,
    Part,
    Table,
)
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
    put_text,
    sheet_title,
    wrap,
)
from generator.writers.xlsx_xml import (
    GENERAL,
    NUMBERS,
    LaidOut,
    StyleBook,
    XBorder,
    XCell,
    XFont,
    XImage,
    XProperties,
    XSheet,
    column_letter,
    column_letters,
    emit,
    flush,
    inline_text,
    laid_out,
    number,
    package,
    png_size,
    size_text,
)

# An A4 page between default margins holds about 68 (portrait) or 100 (landscape) width
# units. LibreOffice never shrinks a single column to fit the page (it clips it), so the
# text sheets must fit unscaled; tables may exceed and rely on fit-to-width.
TEXT_COLUMN_WIDTH = 66.0
GLOSSARY_WIDTHS = (16.0, 50.0)
_PAGE_UNITS = {True: 100.0, False: 68.0}
_MIN_COL, _MAX_COL, _MAX_HEADER_COL = 6.0, 60.0, 14.0
_LAST_MODIFIED_BY = "gen-report"


def write_xlsx(doc: Document, path: Path) -> None:
    write_all({Path(path): xlsx_bytes(doc)})


def xlsx_bytes(doc: Document) -> bytes:
    """The finished workbook; `build.py` writes it together with the other outputs.

    Sheets are laid out here and written as SpreadsheetML text by xlsx_xml.py (not through
    openpyxl, whose per-cell objects made this ~6 times slower)."""
    styles = StyleBook(TEXT_FONT)
    return package(_sheets(doc, styles), styles, _properties(doc))


def _sheets(doc: Document, styles: StyleBook) -> list[XSheet]:
    """The sheets in order, each laid out and flushed before the next: cell formats are
    numbered in the order the cells are written."""
    sheets: list[XSheet] = []
    taken: set[str] = set()

    def new(name: str) -> XSheet:
        if sheets:
            flush(sheets[-1], styles)
        sheets.append(XSheet(sheet_title(name, taken), TEXT_FONT))
        return sheets[-1]

    for part in doc.parts:
        if part.blocks and all(isinstance(b, Table) and b.number for b in part.blocks):
            for block in part.blocks:
                _table_sheet(new(block.caption or block.number), block, styles)
        elif part.blocks and all(isinstance(b, GlossaryEntry) for b in part.blocks):
            _glossary_sheet(new(part.key), part)
        else:
            _text_sheet(new(part.key), part)
            for block in part.blocks:  # a table inside the narrative gets a sheet of its own
                if isinstance(block, Table):
                    _table_sheet(new(block.title), block, styles)
    figures = [b for p in doc.parts for b in p.blocks if isinstance(b, Figure)]
    if figures:
        _chart_sheet(new("图表"), figures)
    if not sheets:  # a workbook needs one sheet; openpyxl's default was an empty "Sheet"
        new("Sheet")
    flush(sheets[-1], styles)
    return sheets


def _properties(doc: Document) -> XProperties:
    # Fixed date from the document year: the same input must give the same bytes.
    return XProperties(
        title=clean_text(doc.title),
        creator=clean_text(doc.department),
        subject=clean_text(doc.subject) or None,
        keywords=clean_text(",".join(doc.keywords)) or None,
        stamp=datetime(doc.year + 1, 1, 1),
        last_modified_by=_LAST_MODIFIED_BY,
    )


def _text_sheet(ws: XSheet, part: Part) -> None:
    ws.col_widths[1] = TEXT_COLUMN_WIDTH
    _text_row(ws, 1, part.heading, TITLE_FONT)
    for row, block in enumerate(part.blocks, start=2):
        if isinstance(block, Heading):
            _text_row(ws, row, block.text, TEXT_BOLD)
        elif isinstance(block, Paragraph):
            _text_row(ws, row, block.text, TEXT_FONT)
        elif isinstance(block, Table):
            _text_row(ws, row, f"{block.title}（见工作表“{block.title[:31]}”）", TEXT_FONT)
        elif isinstance(block, GlossaryEntry):  # 名词解释 inside another part
            _text_row(ws, row, f"{block.term}：{block.explanation}", TEXT_FONT)
        elif isinstance(block, Figure):
            _text_row(ws, row, f"（{block.caption}，见“图表”工作表）", TEXT_FONT)
        else:
            raise ValueError(f"{part.key} part holds a {type(block).__name__}")
    _print_setup(ws, landscape=False)


def _chart_sheet(ws: XSheet, figures: list[Figure]) -> None:
    """Each chart's caption, then the picture anchored under it, 480 px wide."""
    ws.col_widths[1] = TEXT_COLUMN_WIDTH
    row = 1
    for figure in figures:
        _text_row(ws, row, figure.caption, TEXT_BOLD)
        width, height = png_size(figure.png)
        height = round(height * (480 / width))
        ws.images.append(XImage(figure.png, row, 480, height))  # anchored at A{row + 1}
        row += 2 + height // 20  # default row height: 20 px
    _print_setup(ws, landscape=False)


def _text_row(ws: XSheet, row: int, text: str, font: XFont) -> None:
    cell = put_text(ws, row, 1, text)
    cell.font = font
    cell.alignment = wrap()
    ws.row_heights[row] = line_count(text, TEXT_COLUMN_WIDTH) * line_height(font)


def _glossary_sheet(ws: XSheet, part: Part) -> None:
    for col, (label, width) in enumerate(
        zip(("术语", "解释"), GLOSSARY_WIDTHS, strict=True), start=1
    ):
        ws.col_widths[col] = width
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
        ws.row_heights[row] = lines * line_height(TEXT_FONT)
    ws.freeze = (1, 0)
    ws.print_titles = (1, 1)
    _print_setup(ws, landscape=False)


def _table_sheet(ws: XSheet, table: Table, styles: StyleBook) -> None:
    widths = _column_widths(table)
    for col, width in enumerate(widths, start=1):
        ws.col_widths[col] = width
    last = column_letter(table.ncols)

    title = put_text(ws, 1, 1, table.title)
    title.font, title.alignment = TITLE_FONT, wrap("center")
    _span(ws, 1, 1, 1, table.ncols)
    ws.row_heights[1] = line_count(table.title, sum(widths)) * line_height(TITLE_FONT) + 6
    _labels_row(ws, table)
    flush(ws, styles)

    head = 3
    body = head + table.header_rows
    _header_heights(ws, table, head, widths)
    emit(ws, _header_cells(table.header, table.ncols, table.header_rows, head), styles)
    _body(ws, table, body, widths, styles)
    end = body + len(table.rows) - 1
    for i, note in enumerate(table.notes, start=end + 1):
        cell = put_text(ws, i, 1, note)
        cell.font, cell.alignment = TABLE_FONT, wrap()
        _span(ws, i, 1, i, table.ncols)
        ws.row_heights[i] = line_count(note, sum(widths)) * line_height(TABLE_FONT)

    ws.freeze = (body - 1, 0)
    ws.print_titles = (head, body - 1)
    ws.print_area = f"A1:{last}{end + len(table.notes)}"
    _print_setup(ws, table.landscape)


def _labels_row(ws: XSheet, table: Table) -> None:
    if not (table.org_label or table.unit_label):  # the profile prints no header line
        return
    if table.ncols == 1:
        put_text(ws, 2, 1, f"{table.org_label}  {table.unit_label}").font = TABLE_FONT
        return
    org = put_text(ws, 2, 1, table.org_label)
    org.font, org.alignment = TABLE_FONT, wrap()
    _span(ws, 2, 1, 2, table.ncols - 1)
    unit = put_text(ws, 2, table.ncols, table.unit_label)
    unit.font, unit.alignment = TABLE_FONT, wrap("right")


@lru_cache(maxsize=256)
def _header_cells(header: tuple[HeaderCell, ...], ncols: int, rows: int, head: int) -> LaidOut:
    """The header grid's cells: boxed in thin lines, bold, centred, merged where a label
    spans. The same for every department of a profile, so laid out once per process."""
    ws = XSheet("", TEXT_FONT)
    _box(ws, head, 1, head + rows - 1, ncols, TABLE_BOLD)
    for hc in header:
        if not (0 <= hc.row and hc.row + hc.rowspan <= rows and 0 <= hc.col
                and hc.col + hc.colspan <= ncols):
            raise ValueError(f"header cell {hc.text!r} lies outside the {rows}×{ncols} header")
        row, col = head + hc.row, 1 + hc.col
        cell = put_text(ws, row, col, hc.text)
        cell.alignment = wrap("center")
        _merge(ws, row, col, row + hc.rowspan - 1, col + hc.colspan - 1)
    return laid_out(ws.cells, ws.default_font)._replace(merges=tuple(ws.merges))


def _header_heights(ws: XSheet, table: Table, head: int, widths: list[float]) -> None:
    heights = [1.0] * table.header_rows
    for hc in table.header:
        span_width = sum(widths[hc.col : hc.col + hc.colspan])
        per_row = line_count(hc.text, span_width) / hc.rowspan
        for r in range(hc.row, hc.row + hc.rowspan):
            heights[r] = max(heights[r], per_row)
    for r, lines in enumerate(heights):
        ws.row_heights[head + r] = round(lines * line_height(TABLE_BOLD), 1)


def _body(ws: XSheet, table: Table, start: int, widths: list[float], styles: StyleBook) -> None:
    """The body rows, written as finished rows in one pass (most of a workbook's cells).

    The same cells as laying them out one by one would give: every cell boxed in thin lines
    (`_box`), amounts as numbers in the table's format, texts wrapped and indented, bold
    where asked; a cell spanning columns is merged (`XSheet.merge`: the cells it hides keep
    only the outer lines, in the default font)."""
    ncols = table.ncols
    if not table.rows:
        return
    font = {False: TABLE_FONT, True: TABLE_BOLD}
    fmt = table.number_format
    # a cell's kind -> its format id, numbered on first use: amounts by boldness, texts by
    # (bold, align, indent), hidden cells by whether they are the last of the span
    amount_ids: dict[bool, str] = {}
    text_ids: dict[tuple[bool, str, int], str] = {}
    hidden_ids: dict[bool, str] = {}

    def xf(ids: dict, key: object, look: tuple) -> str:
        s = ids[key] = str(styles.xf(look))
        return s

    line = line_height(TABLE_FONT)
    heights: dict[int, str] = {}  # lines -> the row's ht
    right = wrap("right")
    merges = ws.merges
    extent = ws.extent
    data = ws.data
    far = ncols
    letters = column_letters(ncols)
    numbers = NUMBERS
    for i, cells in enumerate(table.rows):
        # A row lists one Cell per column; cells under a colspan are placeholders.
        if len(cells) != ncols:
            raise ValueError(
                f"{table.number} row {i + 1}: {len(cells)} cells, {ncols} columns"
            )
        row = start + i
        r = str(row)
        out = []
        covered_until, lines = 0, 1
        for col0, c in enumerate(cells):
            if col0 < covered_until:
                continue
            span = c.colspan
            covered_until = col0 + span
            value = c.value
            if value is not None:
                bold = c.bold
                s = amount_ids.get(bold) or xf(amount_ids, bold, (font[bold], THIN_BORDER, fmt, right))
                out.append(f'<c r="{letters[col0 + 1]}{r}" s="{s}" t="n"><v>'
                           f'{numbers.get(value) or number(value)}</v></c>')
            else:
                key = (c.bold, c.align, c.indent)
                s = text_ids.get(key) or xf(text_ids, key, (font[c.bold], THIN_BORDER, GENERAL,
                                                            wrap(c.align, c.indent)))
                text = inline_text(c.text)
                out.append(f'<c r="{letters[col0 + 1]}{r}" s="{s}"/>' if text is None
                           else f'<c r="{letters[col0 + 1]}{r}" s="{s}" {text}')
                width = widths[col0] if span == 1 else sum(widths[col0:covered_until])
                n = line_count(c.text, width - 2 * c.indent)
                if n > lines:
                    lines = n
            if span > 1:
                col, last = col0 + 1, covered_until
                if last >= len(letters):
                    letters = column_letters(last)
                for hidden in range(col + 1, last + 1):
                    end = hidden == last
                    s = hidden_ids.get(end) or xf(hidden_ids, end,
                                                  (TEXT_FONT, _HIDDEN[end], GENERAL, None))
                    if s != "0":
                        out.append(f'<c r="{letters[hidden]}{r}" s="{s}"/>')
                merges.append((row, col, row, last))
                if last > far:
                    far = last
        ht = heights.get(lines) or heights.setdefault(lines, size_text(lines * line))
        data.append(f'<row r="{r}" ht="{ht}" customHeight="1">{"".join(out)}</row>')
    ws.done = start + len(table.rows) - 1
    extent[0] = max(extent[0], ws.done)
    extent[1] = max(extent[1], far)


# The cells a body cell spanning columns hides: top and bottom lines, the last one also the
# right line (XSheet.merge of a thin-boxed cell).
_HIDDEN = {False: XBorder(top=True, bottom=True), True: XBorder(right=True, top=True, bottom=True)}


def _column_widths(table: Table) -> list[float]:
    """Proportional to `widths`, but never narrower than the column's own content."""
    total = sum(table.widths) or 1.0
    page = _PAGE_UNITS[table.landscape]
    needed = [max(_MIN_COL, w / total * page) for w in table.widths]
    for hc in table.header:
        if hc.colspan == 1:
            text = min(display_width(hc.text) + 2.0, _MAX_HEADER_COL)
            needed[hc.col] = max(needed[hc.col], text)
    ncols = table.ncols
    for cells in table.rows:
        for col0, c in enumerate(cells):
            if c.colspan == 1 and col0 < ncols:
                text = c.text  # mostly amounts: ASCII, one unit a character
                w = (len(text) if text.isascii() else display_width(text)) + 2.0 * c.indent + 2.0
                if w > needed[col0]:
                    needed[col0] = w
    return [round(min(w, _MAX_COL), 1) for w in needed]


def _box(ws: XSheet, r1: int, c1: int, r2: int, c2: int, font: XFont) -> None:
    # Borders go on every cell, including those hidden by a merge, or the grid shows gaps.
    # (ws.cell inlined: a table body is most of a workbook's cells)
    cells, default = ws.cells, ws.default_font
    for row in range(r1, r2 + 1):
        for col in range(c1, c2 + 1):
            cell = cells.get((row, col))
            if cell is None:
                cell = cells[row, col] = XCell(default)
            cell.border = THIN_BORDER
            cell.font = font


def _merge(ws: XSheet, r1: int, c1: int, r2: int, c2: int) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge(r1, c1, r2, c2)


def _span(ws: XSheet, r1: int, c1: int, r2: int, c2: int) -> None:
    """`_merge` of a range whose first cell has no border and whose other cells are not laid
    out: the hidden cells would be default cells, never written, so only the range is kept
    (and the sheet's extent, which counts them)."""
    if (r1, c1) != (r2, c2):
        ws.merges.append((r1, c1, r2, c2))
        ws.extent[0] = max(ws.extent[0], r2)
        ws.extent[1] = max(ws.extent[1], c2)


def _print_setup(ws: XSheet, landscape: bool) -> None:
    # A4, fit to one page wide (any number of pages tall), centred: written by every sheet.
    ws.landscape = landscape
