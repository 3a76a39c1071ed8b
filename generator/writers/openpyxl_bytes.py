"""Deterministic bytes from an openpyxl Workbook (the input workbook of `init`/`convert`; the
document workbook and batch's 汇总.xlsx are written as XML text by xlsx_xml.py).

Every str value is stored as text: openpyxl would write officer text beginning with "=" as a
live formula (=HYPERLINK(…), DDE "=cmd|…"); here it stays the text the officer typed. The
program's own workbooks hold no formulas, so nothing legitimate is lost.

openpyxl's save() stamps the document's `modified` date with the clock and every zip member
with the current time; both are fixed here so the same input gives the same file."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from generator.writers.zipfix import normalized_zip

_CORE_XML = "docProps/core.xml"


def workbook_bytes(wb: Any, date: datetime, creator: str = "gen-report") -> bytes:
    # lazy: openpyxl only when a workbook is made (start-up)
    from openpyxl.xml.functions import tostring

    as_text(wb)
    wb.properties.created = wb.properties.modified = date
    wb.properties.creator = wb.properties.lastModifiedBy = creator
    buf = io.BytesIO()
    wb.save(buf)
    wb.properties.modified = date  # save() overwrote it with now(); write the fixed one back
    return normalized_zip(buf.getvalue(), {_CORE_XML: tostring(wb.properties.to_tree())})


def as_text(wb: Any) -> None:
    """Every cell openpyxl took for a formula (a str starting with "=") becomes a text cell."""
    for ws in wb.worksheets:
        for cell in ws._cells.values():
            if cell.data_type == "f":
                cell.data_type = "s"
