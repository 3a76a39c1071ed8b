"""SpreadsheetML written as text: the workbook model and parts behind writers/xlsx.py.

openpyxl builds a Python object per cell, style and attribute and serialises them one by
one; for our workbooks (a few thousand cells, a dozen styles) that was ~90 ms of ~95. Here a
sheet is a dict of small cells, styles are plain tuples collected into one styles.xml, and
every part is joined as a string and zipped once with fixed metadata (byte-identical).

The markup is what openpyxl wrote for the same workbook (same parts, same print set-up,
same defined names, same merged-cell borders), so Excel, WPS and LibreOffice see the same
file; only the theme part is left out (no cell refers to theme colours or fonts).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from generator.chars import escape, xml_clean
from generator.writers.zipfix import zip_bytes


class XFont(NamedTuple):
    name: str
    size: float
    bold: bool = False
    charset: int | None = None


class XAlign(NamedTuple):
    horizontal: str
    indent: int = 0  # always vertically centred and wrapped (see xlsx_cells.wrap)


class XBorder(NamedTuple):
    """Which sides carry a thin line."""

    left: bool = False
    right: bool = False
    top: bool = False
    bottom: bool = False


NO_BORDER = XBorder()
GENERAL = "General"
# Excel's built-in number formats we may meet; any other format gets its own id from 164.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                    "0.00%": 10, "@": 49}


class XCell:
    """One cell: a literal string or a number, and its font, border, alignment, format."""

    __slots__ = ("value", "font", "border", "alignment", "number_format")

    def __init__(self, default_font: XFont) -> None:
        self.value: str | Decimal | int | float | None = None
        self.font = default_font
        self.border = NO_BORDER
        self.alignment: XAlign | None = None
        self.number_format = GENERAL


@dataclass
class XImage:
    png: bytes
    row: int  # 0-based anchor row, column A
    width: int  # pixels
    height: int


@dataclass
class XSheet:
    title: str
    default_font: XFont
    cells: dict[tuple[int, int], XCell] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    col_widths: dict[int, float] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    freeze: tuple[int, int] | None = None  # (rows above the frozen pane, columns left of it)
    print_titles: tuple[int, int] | None = None  # first and last row repeated on each page
    print_area: str | None = None  # "A1:F37"
    landscape: bool = False
    side_margin: float = 0.75  # left and right page margins, inches
    images: list[XImage] = field(default_factory=list)
    # Finished <row> elements, in row order: `flush` turns the cells laid out so far into them
    # (a table body is written straight into them, see xlsx.py `_body`), and `extent` grows
    # to the last row and column holding a cell (the sheet's dimension).
    data: list[str] = field(default_factory=list)
    extent: list[int] = field(default_factory=lambda: [1, 1])
    done: int = 0  # the last row already in `data`

    def cell(self, row: int, col: int) -> XCell:
        c = self.cells.get((row, col))
        if c is None:
            c = self.cells[row, col] = XCell(self.default_font)
        return c

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        """Merge as openpyxl does, so the grid looks the same: the hidden cells lose their
        own style and keep only the top-left cell's borders on the range's outer edges."""
        start = self.cell(r1, c1)
        end = self.cells.get((r2, c2))
        if end is not None:
            b = start.border
            start.border = XBorder(b.left, end.border.right, b.top, end.border.bottom)
        b = start.border
        for row in range(r1, r2 + 1):
            for col in range(c1, c2 + 1):
                if (row, col) == (r1, c1):
                    continue
                hidden = self.cells[row, col] = XCell(self.default_font)
                hidden.border = XBorder(
                    left=b.left and col == c1,
                    right=b.right and col == c2,
                    top=b.top and row == r1,
                    bottom=b.bottom and row == r2,
                )
        self.merges.append((r1, c1, r2, c2))


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_LETTERS = [""] + [column_letter(c) for c in range(1, 200)]


def _letter(col: int) -> str:
    return _LETTERS[col] if col < len(_LETTERS) else column_letter(col)


def column_letters(last: int) -> list[str]:
    """Column letters by number (index 0 unused), at least up to column `last`."""
    if last < len(_LETTERS):
        return _LETTERS  # shared: never changed
    return _LETTERS + [column_letter(c) for c in range(len(_LETTERS), last + 1)]


def size_text(value: float) -> str:
    """A width or height as openpyxl wrote it: 66.0 → "66", 16.5 → "16.5"."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


_TEXT_ESCAPES = {"\r": "&#13;"}  # a literal CR would be read back as a line feed


@lru_cache(maxsize=16384)
def _text(value: str) -> str:
    return escape(value, _TEXT_ESCAPES) if "\r" in value else escape(value)


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


Look = tuple[XFont, XBorder, str, "XAlign | None"]  # font, border, number format, alignment


class StyleBook:
    """The workbook's fonts, borders, number formats and cell formats (xf), in first-use
    order; index 0 of each is the default every unstyled cell uses."""

    def __init__(self, default_font: XFont) -> None:
        self.fonts: dict[XFont, int] = {default_font: 0}
        self.borders: dict[XBorder, int] = {NO_BORDER: 0}
        self.formats: dict[str, int] = {}
        self.xfs: dict[tuple[int, int, int, XAlign | None], int] = {(0, 0, 0, None): 0}
        self._by_look: dict[tuple[XFont, XBorder, str, XAlign | None], int] = {}

    def xf(self, look: Look) -> int:
        """The cell format of a (font, border, number format, alignment), numbered on first use."""
        found = self._by_look.get(look)
        if found is None:
            found = self._by_look[look] = self._new_xf(*look)
        return found

    def _new_xf(self, font: XFont, border: XBorder, number_format: str,
                alignment: XAlign | None) -> int:
        font_id = self.fonts.setdefault(font, len(self.fonts))
        border_id = self.borders.setdefault(border, len(self.borders))
        fmt = _BUILTIN_FORMATS.get(number_format)
        if fmt is None:
            fmt = self.formats.setdefault(number_format, 164 + len(self.formats))
        return self.xfs.setdefault((font_id, border_id, fmt, alignment), len(self.xfs))

    def xml(self) -> str:
        numfmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>'
                          for code, i in self.formats.items())
        fonts = "".join(_font_xml(f) for f in self.fonts)
        borders = "".join(_border_xml(b) for b in self.borders)
        xfs = "".join(_xf_xml(*key) for key in self.xfs)
        return (
            f'<styleSheet xmlns="{_MAIN}"><numFmts count="{len(self.formats)}">{numfmts}</numFmts>'
            f'<fonts count="{len(self.fonts)}">{fonts}</fonts>'
            '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/>'
            f'</fill></fills><borders count="{len(self.borders)}">{borders}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(self.xfs)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/>'
            '</cellStyles><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
            'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
        )


def _font_xml(f: XFont) -> str:
    charset = f'<charset val="{f.charset}"/>' if f.charset is not None else ""
    bold = '<b val="1"/>' if f.bold else ""
    return f'<font><name val="{_attr(f.name)}"/>{charset}{bold}<sz val="{size_text(f.size)}"/></font>'


def _border_xml(b: XBorder) -> str:
    sides = "".join(f'<{side} style="thin"/>' if on else f"<{side}/>"
                    for side, on in zip(("left", "right", "top", "bottom"), b, strict=True))
    return f"<border>{sides}<diagonal/></border>"


def _xf_xml(font: int, border: int, fmt: int, align: XAlign | None) -> str:
    attrs = f'numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="{border}"'
    if align is None:
        return f'<xf {attrs} xfId="0"/>'
    indent = f' indent="{align.indent}"' if align.indent else ""
    return (f'<xf {attrs} applyAlignment="1" xfId="0"><alignment horizontal="{align.horizontal}"'
            f' vertical="center" wrapText="1"{indent}/></xf>')


class LaidOut(NamedTuple):
    """Cells ready to write but for their format ids: `looks` are the distinct
    (font, border, number format, alignment) in the order the cells first use them, and
    each row lists its cells as (index in `looks`, reference, rest of the <c> element)."""

    looks: tuple[Look, ...]
    rows: tuple[tuple[int, tuple[tuple[int, str, str], ...]], ...]
    extent: tuple[int, int]  # the last row and column holding a cell (0, 0: none)
    merges: tuple[tuple[int, int, int, int], ...] = ()  # merged ranges not yet in the sheet


def laid_out(cells: dict[tuple[int, int], XCell], default_font: XFont) -> LaidOut:
    """The cells in row order, each row's in column order; cells with the default look and
    no value are left out (an empty cell is written only to carry its style, a border)."""
    looks: dict[Look, int] = {}
    rows: dict[int, list[tuple[int, str, str]]] = {}
    max_row = max_col = 0
    default = (default_font, NO_BORDER, GENERAL, None)
    letters = column_letters(max((c for _, c in cells), default=0))
    for (r, c), cell in sorted(cells.items()):
        if r > max_row:
            max_row = r
        if c > max_col:
            max_col = c
        look = (cell.font, cell.border, cell.number_format, cell.alignment)
        k = looks.get(look)
        if k is None:
            k = looks[look] = len(looks)
        value = cell.value
        if value is None:
            if look == default:
                continue
            rest = "/>"
        elif isinstance(value, str):
            rest = " " + _inline(value)
        else:
            rest = f' t="n"><v>{number(value)}</v></c>'
        row = rows.get(r)
        if row is None:
            row = rows[r] = []
        row.append((k, f"{letters[c]}{r}", rest))
    return LaidOut(tuple(looks), tuple((r, tuple(row)) for r, row in rows.items()),
                   (max_row, max_col))


def emit(ws: XSheet, cells: LaidOut, styles: StyleBook) -> None:
    """Append `cells` to the finished rows, with the rows given a height, numbering their
    formats (`styles.xf`) in the order they are written, as one pass over the whole sheet
    would: a sheet is written in pieces (a table's body in between), each below the last."""
    ids = [str(styles.xf(look)) for look in cells.looks]
    rows = {r: row for r, row in cells.rows}
    heights = ws.row_heights
    done = ws.done
    if cells.rows and cells.rows[0][0] <= done:
        raise ValueError(f"sheet {ws.title}: row {cells.rows[0][0]} laid out after row {done} was written")
    numbers = sorted({*rows, *(r for r in heights if r > done)})
    for r in numbers:
        height = heights.get(r)
        ht = f' ht="{size_text(height)}" customHeight="1"' if height is not None else ""
        row = "".join([f'<c r="{ref}" s="{ids[k]}"{rest}' for k, ref, rest in rows.get(r, ())])
        ws.data.append(f'<row r="{r}"{ht}>{row}</row>')
    if numbers:
        ws.done = numbers[-1]
    ws.merges.extend(cells.merges)
    extent = ws.extent
    extent[0] = max(extent[0], cells.extent[0])
    extent[1] = max(extent[1], cells.extent[1])


def flush(ws: XSheet, styles: StyleBook) -> None:
    """Write the cells laid out so far (`emit`) and forget them."""
    emit(ws, laid_out(ws.cells, ws.default_font), styles)
    ws.cells.clear()


@lru_cache(maxsize=16384)
def _inline(value: str) -> str:
    """The rest of a <c> holding `value` (already cleaned) as a literal inline string."""
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f't="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'


@lru_cache(maxsize=16384)
def inline_text(text: str) -> str | None:
    """`_inline` of `text` without the characters XML forbids; None when nothing is left (the
    cell then holds no value, as `put_text` leaves it)."""
    value = xml_clean(text)
    return _inline(value) if value else None


# Decimal -> its text in a cell, kept per process (amounts recur within and across
# departments): equal Decimals convert to the same float, but for the sign of a zero, so
# zeros are never kept here. Look up with NUMBERS.get(value) or number(value).
NUMBERS: dict[Decimal, str] = {}


def number(value: Decimal | int | float) -> str:
    """A number as openpyxl stored it: 16 significant digits of the float (same values)."""
    if type(value) is not Decimal:
        return f"{float(value):.16g}"
    if not value:
        return "-0" if value.is_signed() else "0"  # as f"{float(value):.16g}"
    text = NUMBERS.get(value)
    if text is None:
        if len(NUMBERS) >= 65536:
            NUMBERS.clear()
        text = NUMBERS[value] = f"{float(value):.16g}"
    return text


def sheet_xml(ws: XSheet, drawing: bool) -> str:
    max_row, max_col = ws.extent
    data = ws.data
    if ws.freeze is not None and ws.freeze[1]:  # rows and columns, as openpyxl writes it
        rows, columns = ws.freeze
        view = (f'<pane xSplit="{columns}" ySplit="{rows}" topLeftCell="{_letter(columns + 1)}{rows + 1}" '
                'activePane="bottomRight" state="frozen"/><selection pane="topRight"/>'
                '<selection pane="bottomLeft"/><selection pane="bottomRight" activeCell="A1" sqref="A1"/>')
    elif ws.freeze is not None:
        rows = ws.freeze[0]
        view = (f'<pane ySplit="{rows}" topLeftCell="A{rows + 1}" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>')
    else:
        view = '<selection activeCell="A1" sqref="A1"/>'
    cols = "".join(f'<col width="{size_text(w)}" customWidth="1" min="{c}" max="{c}"/>'
                   for c, w in sorted(ws.col_widths.items()))
    merges = ""
    if ws.merges:
        refs = "".join(f'<mergeCell ref="{_letter(c1)}{r1}:{_letter(c2)}{r2}"/>'
                       for r1, c1, r2, c2 in ws.merges)
        merges = f'<mergeCells count="{len(ws.merges)}">{refs}</mergeCells>'
    orientation = "landscape" if ws.landscape else "portrait"
    cols = f"<cols>{cols}</cols>" if cols else ""
    drawing_ref = f'<drawing {_R_NS} r:id="rId1"/>' if drawing else ""
    margin = size_text(ws.side_margin)
    return (
        f'<worksheet xmlns="{_MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
        f'<pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:{_letter(max_col)}{max_row}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{view}</sheetView></sheetViews>'
        f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        f'{cols}<sheetData>{"".join(data)}</sheetData>{merges}'
        f'<printOptions horizontalCentered="1"/><pageMargins left="{margin}" right="{margin}" top="1" '
        f'bottom="1" header="0.5" footer="0.5"/><pageSetup orientation="{orientation}" '
        'paperSize="9" fitToHeight="0" fitToWidth="1"/>'
        f"{drawing_ref}</worksheet>"
    )


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR is always the first chunk)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("chart image is not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


_EMU_PER_PIXEL = 9525


def _drawing_xml(images: list[XImage]) -> str:
    anchors = []
    for i, img in enumerate(images, start=1):
        anchors.append(
            f'<oneCellAnchor><from><col>0</col><colOff>0</colOff><row>{img.row}</row>'
            f'<rowOff>0</rowOff></from><ext cx="{img.width * _EMU_PER_PIXEL}" '
            f'cy="{img.height * _EMU_PER_PIXEL}"/><pic><nvPicPr><cNvPr id="{i}" '
            f'name="Image {i}" descr="Picture"/><cNvPicPr/></nvPicPr><blipFill>'
            f'<a:blip {_A_NS} {_R_NS} cstate="print" r:embed="rId{i}"/><a:stretch {_A_NS}>'
            f'<a:fillRect/></a:stretch></blipFill><spPr><a:prstGeom {_A_NS} prst="rect"/>'
            '</spPr></pic><clientData/></oneCellAnchor>'
        )
    return ('<wsDr xmlns="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">'
            f'{"".join(anchors)}</wsDr>')


@dataclass
class XProperties:
    title: str
    creator: str
    subject: str | None
    keywords: str | None
    stamp: datetime
    last_modified_by: str


def _core_xml(p: XProperties) -> str:
    dc = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    stamp = p.stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    dates = "".join(
        f'<dcterms:{name} xmlns:dcterms="http://purl.org/dc/terms/" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="dcterms:W3CDTF">'
        f"{stamp}</dcterms:{name}>"
        for name in ("created", "modified")
    )
    subject = f"<dc:subject {dc}>{_text(p.subject)}</dc:subject>" if p.subject else ""
    keywords = f"<cp:keywords>{_text(p.keywords)}</cp:keywords>" if p.keywords else ""
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        f'core-properties"><dc:creator {dc}>{_text(p.creator)}</dc:creator>'
        f"<dc:title {dc}>{_text(p.title)}</dc:title>{subject}{dates}"
        f"<cp:lastModifiedBy>{_text(p.last_modified_by)}</cp:lastModifiedBy>{keywords}"
        "</cp:coreProperties>"
    )


def _quote_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _workbook_xml(sheets: list[XSheet]) -> str:
    entries = "".join(
        f'<sheet {_R_NS} name="{_attr(ws.title)}" sheetId="{i}" state="visible" r:id="rId{i}"/>'
        for i, ws in enumerate(sheets, start=1)
    )
    names = []
    for i, ws in enumerate(sheets):
        quoted = _attr(_quote_sheet(ws.title))
        if ws.print_titles is not None:
            first, last = ws.print_titles
            names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                         f"{quoted}!${first}:${last}</definedName>")
        if ws.print_area is not None:
            a, b = ws.print_area.split(":")
            area = "$" + "$".join(_split_ref(a)) + ":$" + "$".join(_split_ref(b))
            names.append(f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">'
                         f"{quoted}!{area}</definedName>")
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    return (
        f'<workbook xmlns="{_MAIN}"><workbookPr/><workbookProtection/><bookViews>'
        '<workbookView visibility="visible" minimized="0" showHorizontalScroll="1" '
        'showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" '
        f'autoFilterDateGrouping="1"/></bookViews><sheets>{entries}</sheets>{defined}'
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _split_ref(ref: str) -> tuple[str, str]:
    i = next(i for i, ch in enumerate(ref) if ch.isdigit())
    return ref[:i], ref[i:]


def _rels(targets: list[tuple[str, str]]) -> str:
    rels = "".join(f'<Relationship Type="{kind}" Target="{target}" Id="rId{i}"/>'
                   for i, (kind, target) in enumerate(targets, start=1))
    return f'<Relationships xmlns="{_PKG_RELS}">{rels}</Relationships>'


def package(sheets: list[XSheet], styles: StyleBook, props: XProperties) -> bytes:
    """The finished .xlsx: every part, zipped once with fixed dates and permissions. The
    sheets are laid out and flushed, in order, with `styles`."""
    parts: list[tuple[str, bytes | str]] = [
        ("docProps/app.xml", _APP_XML),
        ("docProps/core.xml", _core_xml(props)),
    ]
    overrides = [
        ("/xl/styles.xml", "spreadsheetml.styles+xml"),
        ("/docProps/core.xml", None),
        ("/docProps/app.xml", "extended-properties+xml"),
    ]
    drawings = 0
    images = 0
    for i, ws in enumerate(sheets, start=1):
        has_drawing = bool(ws.images)
        parts.append((f"xl/worksheets/sheet{i}.xml", sheet_xml(ws, has_drawing)))
        overrides.append((f"/xl/worksheets/sheet{i}.xml", "spreadsheetml.worksheet+xml"))
        if has_drawing:
            drawings += 1
            media = []
            for img in ws.images:
                images += 1
                parts.append((f"xl/media/image{images}.png", img.png))
                media.append((_REL_IMAGE, f"/xl/media/image{images}.png"))
            parts.append((f"xl/worksheets/_rels/sheet{i}.xml.rels",
                          _rels([(_REL_DRAWING, f"/xl/drawings/drawing{drawings}.xml")])))
            parts.append((f"xl/drawings/drawing{drawings}.xml", _drawing_xml(ws.images)))
            parts.append((f"xl/drawings/_rels/drawing{drawings}.xml.rels", _rels(media)))
            overrides.append((f"/xl/drawings/drawing{drawings}.xml", "drawing+xml"))
    parts.append(("xl/styles.xml", styles.xml()))  # after the sheets: they register styles
    parts.append(("_rels/.rels", _ROOT_RELS))
    parts.append(("xl/workbook.xml", _workbook_xml(sheets)))
    targets = [(_REL_SHEET, f"/xl/worksheets/sheet{i}.xml") for i in range(1, len(sheets) + 1)]
    targets.append((f"{_OFFICE_RELS}/styles", "styles.xml"))
    parts.append(("xl/_rels/workbook.xml.rels", _rels(targets)))
    overrides.append(("/xl/workbook.xml", "spreadsheetml.sheet.main+xml"))
    parts.insert(0, ("[Content_Types].xml", _content_types(overrides, png=images > 0)))
    return _zip(parts)


def _content_types(overrides: list[tuple[str, str | None]], png: bool) -> str:
    items = []
    for name, kind in overrides:
        if kind is None:
            ctype = "application/vnd.openxmlformats-package.core-properties+xml"
        else:
            ctype = f"application/vnd.openxmlformats-officedocument.{kind}"
        items.append(f'<Override PartName="{name}" ContentType="{ctype}"/>')
    image = '<Default Extension="png" ContentType="image/png"/>' if png else ""
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'{image}{"".join(items)}</Types>'
    )


def _zip(parts: list[tuple[str, bytes | str]]) -> bytes:
    return zip_bytes(parts)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_R_NS = f'xmlns:r="{_OFFICE_RELS}"'
_A_NS = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL_SHEET = f"{_OFFICE_RELS}/worksheet"
_REL_DRAWING = f"{_OFFICE_RELS}/drawing"
_REL_IMAGE = f"{_OFFICE_RELS}/image"
_APP_XML = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel Compatible / Openpyxl 3.1.5</Application>"
    "<AppVersion>3.1</AppVersion></Properties>"
)
_ROOT_RELS = _rels([
    (f"{_OFFICE_RELS}/officeDocument", "xl/workbook.xml"),
    (f"{_PKG_RELS}/metadata/core-properties", "docProps/core.xml"),
    (f"{_OFFICE_RELS}/extended-properties", "docProps/app.xml"),
])
