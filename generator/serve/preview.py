"""What the page templates need to show a Document, problems and changes as HTML.

The preview is drawn from the same `Document` the Word and Excel writers consume: the texts and
numbers are those of the files, only the layout is the browser's.
"""

from __future__ import annotations

import base64
from typing import Any

from ..document import Cell, Figure, GlossaryEntry, HeaderCell, Heading, Paragraph, Table
from ..errors import Problem

OTHER = "其他（不属于某张表）"


def block_kind(block: Any) -> str:
    for cls, name in ((Table, "table"), (Heading, "heading"), (Paragraph, "paragraph"),
                      (GlossaryEntry, "glossary"), (Figure, "figure")):
        if isinstance(block, cls):
            return name
    return "unknown"


def header_grid(table: Table) -> list[list[HeaderCell]]:
    """The header's cells row by row, each row in column order (spans as the document's)."""
    rows: list[list[HeaderCell]] = [[] for _ in range(table.header_rows)]
    for cell in table.header:
        if 0 <= cell.row < table.header_rows:
            rows[cell.row].append(cell)
    return [sorted(r, key=lambda c: c.col) for r in rows]


def body_cells(row: tuple[Cell, ...]) -> list[Cell]:
    """A body row without the placeholders that follow a spanning cell."""
    out: list[Cell] = []
    skip = 0
    for cell in row:
        if skip:
            skip -= 1
            continue
        out.append(cell)
        skip = cell.colspan - 1
    return out


def png_uri(figure: Figure) -> str:
    return "data:image/png;base64," + base64.b64encode(figure.png).decode("ascii")


def place(problem: Problem) -> str:
    """Where to look, as an officer names it: sheet!cell, or line and column of the file."""
    loc = problem.location
    if loc.sheet:
        return f"{loc.sheet}!{loc.cell}" if loc.cell else loc.sheet
    if loc.line is not None:
        return f"第{loc.line}行" + (f"第{loc.column}列" if loc.column else "")
    return ""


def by_table(problems: list[Problem]) -> list[tuple[str, list[Problem]]]:
    """Problems grouped by the table they concern, tables in the order first met."""
    groups: dict[str, list[Problem]] = {}
    for p in problems:
        groups.setdefault(p.table or OTHER, []).append(p)
    return sorted(groups.items(), key=lambda kv: kv[0] == OTHER)


def changes_by_table(changes: list[Any]) -> tuple[list[tuple[str, list[Any]]], list[Any]]:
    """Table changes grouped by table (document order), and the changed sentences."""
    tables: dict[str, list[Any]] = {}
    for c in changes:
        if c.kind == "表格":
            tables.setdefault(c.table, []).append(c)
    return list(tables.items()), [c for c in changes if c.kind != "表格"]


def helpers() -> dict[str, Any]:
    return {"block_kind": block_kind, "header_grid": header_grid, "body_cells": body_cells, "png_uri": png_uri,
            "place": place, "by_table": by_table, "changes_by_table": changes_by_table}
