"""A .docx as plain content lines: what golden tests compare and self-checks search.

Content only (style names, text, table cells in order); never bytes or layout, so a golden
file changes when the document says something different, not when python-docx does.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from lxml.etree import _Element

from ..writers.docx_private import body_paragraph


def dump_docx(path: Path) -> list[str]:
    """`P[style] text` per non-empty paragraph, `T<n>` then `| a | b |` per table row."""
    word = docx.Document(str(path))
    lines: list[str] = []
    tables = 0
    for child in word.element.body:
        if child.tag == qn("w:p"):
            paragraph = body_paragraph(child, word)
            text = paragraph.text
            if text.strip():
                lines.append(f"P[{paragraph.style.name if paragraph.style else ''}] "
                             f"{_one_line(text)}")
        elif child.tag == qn("w:tbl"):
            tables += 1
            lines.append(f"T{tables}")
            for row in table_rows(word, child):
                lines.append("| " + " | ".join(_one_line(c) for c in row) + " |")
    return lines


def docx_tables(path: Path) -> list[list[list[str]]]:
    """Every body table as rows of cell texts; a merged cell appears once, where it starts."""
    word = docx.Document(str(path))
    return [table_rows(word, tbl) for tbl in word.element.body.iter(qn("w:tbl"))]


def table_rows(word: WordDocument, tbl: _Element) -> list[list[str]]:
    """One table's rows of cell texts (a merged cell once, where it starts)."""
    rows = []
    for tr in tbl.findall(qn("w:tr")):
        cells = []
        for tc in tr.findall(qn("w:tc")):
            vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue":
                continue  # the cell above carries the text
            cells.append("\n".join(body_paragraph(p, word).text for p in tc.findall(qn("w:p"))))
        rows.append(cells)
    return rows


def _one_line(text: str) -> str:
    return text.replace("\t", "\\t").replace("\n", "\\n")
