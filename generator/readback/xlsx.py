"""Read a workbook back as plain lines, for golden tests and `verify`.

The dump shows what a reader of the file sees — values, number formats of numeric cells,
merged ranges — and nothing of styling, so goldens survive cosmetic changes.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

_NUMERIC = (int, float, Decimal)


def dump_xlsx(path: Path) -> list[str]:
    wb = load_workbook(path)
    try:
        lines: list[str] = []
        for ws in wb.worksheets:
            lines.extend(_dump_sheet(ws))
        return lines
    finally:
        wb.close()


def _dump_sheet(ws: Worksheet) -> list[str]:
    lines: list[str] = []
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if value is None or value == "":
                continue
            # Escape newlines so one cell stays one line of the golden file.
            line = f"{ws.title}!{cell.coordinate} = {str(value).replace(chr(10), chr(92) + 'n')}"
            if cell.data_type == "f":
                line += " (formula)"
            elif isinstance(value, _NUMERIC) and not isinstance(value, bool):
                line += f" [{cell.number_format}]"
            lines.append(line)
    ranges = sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
    lines.append(f"{ws.title} merged: {', '.join(r.coord for r in ranges) or '(none)'}")
    return lines


def xlsx_sheet_values(path: Path, sheet: str) -> list[list[object]]:
    wb = load_workbook(path)
    try:
        return [list(row) for row in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
