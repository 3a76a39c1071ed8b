"""Cell-level helpers for the workbook writer: safe text, fonts, borders, size estimates.

Everything that protects the file from its content lives here, so the sheet layouts in
`xlsx.py` can never put a formula, an illegal XML character or a bad sheet name on disk.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from generator.chars import xml_clean
from generator.writers.xlsx_xml import XAlign, XBorder, XCell, XFont, XSheet

# GB2312 charset: tells Excel the font is Chinese, so it does not substitute a Japanese face.
_GB2312 = 134
TEXT_FONT = XFont(name="宋体", size=11, charset=_GB2312)
TEXT_BOLD = XFont(name="宋体", size=11, bold=True, charset=_GB2312)
TABLE_FONT = XFont(name="宋体", size=10, charset=_GB2312)
TABLE_BOLD = XFont(name="宋体", size=10, bold=True, charset=_GB2312)
TITLE_FONT = XFont(name="黑体", size=14, bold=True, charset=_GB2312)

THIN_BORDER = XBorder(left=True, right=True, top=True, bottom=True)

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_MAX = 31


def clean_text(text: str) -> str:
    return xml_clean(text)


def put_text(ws: XSheet, row: int, col: int, text: str) -> XCell:
    """Store `text` as a literal string, whatever it starts with.

    A str value is always written as an inline string (never <f>), so "=…" or "#N/A" stay
    exactly the text the officer wrote.
    """
    cell = ws.cell(row, col)
    value = clean_text(text)
    if value:
        cell.value = value
    return cell


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet title (Excel: ≤31 characters, none of []:*?/\\, case-insensitive)."""
    base = _SHEET_TITLE_FORBIDDEN.sub("", clean_text(name)).strip("'").strip() or "Sheet"
    base = base[:SHEET_TITLE_MAX]
    title, n = base, 1
    while title.casefold() in {t.casefold() for t in taken}:
        n += 1
        suffix = f"({n})"
        title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
    taken.add(title)
    return title


@lru_cache(maxsize=4096)
def display_width(text: str) -> int:
    """Width in Excel column units: a CJK (wide) character takes about two digits' room.

    Cached: the same labels recur in every table and are measured for widths and heights."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


@lru_cache(maxsize=4096)
def line_count(text: str, width: float) -> int:
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(display_width(seg) / usable)) for seg in text.split("\n"))


def line_height(font: XFont) -> float:
    # Excel does not re-measure wrapped rows of a written file, so heights are estimated:
    # 1.5 × the font size per line leaves 宋体 some air in Excel and LibreOffice alike.
    return round(float(font.size or 11) * 1.5, 1)


@lru_cache(maxsize=64)
def wrap(horizontal: str = "left", indent: int = 0) -> XAlign:
    """Wrapped text, vertically centred, aligned `horizontal` and indented `indent` levels."""
    return XAlign(horizontal=horizontal, indent=indent)
