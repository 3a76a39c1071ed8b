"""A .docx as plain content lines: what golden tests compare and self-checks search.

Content only (style names, text, table cells in order); never bytes or layout, so a golden
file changes when the document says something different, not when python-docx does.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
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
            cells.append("\n".join(paragraph_text(p) for p in tc.findall(qn("w:p"))))
        rows.append(cells)
    return rows


_R, _HYPERLINK, _T = qn("w:r"), qn("w:hyperlink"), qn("w:t")
_RUN_TEXT = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
_BR, _BR_TYPE = qn("w:br"), qn("w:type")


def paragraph_text(p: _Element) -> str:
    """A w:p's text as python-docx's `Paragraph.text` gives it (runs and hyperlinks; w:tab and
    w:ptab as a tab, w:cr and a line w:br as a newline, w:noBreakHyphen as "-"), read straight
    from the XML: a rerun's what-changed report reads two whole documents this way, and
    python-docx's XPath per run took most of its time."""
    out = []
    for child in p:
        if child.tag == _HYPERLINK:
            out += [_run_text(r) for r in child if r.tag == _R]
        elif child.tag == _R:
            out.append(_run_text(child))
    return "".join(out)


def _run_text(r: _Element) -> str:
    out = []
    for e in r:
        if e.tag == _T:
            out.append(e.text or "")
        elif e.tag == _BR:
            out.append("\n" if e.get(_BR_TYPE, "textWrapping") == "textWrapping" else "")
        else:
            out.append(_RUN_TEXT.get(e.tag, ""))
    return "".join(out)


def style_names(word: WordDocument) -> dict[str | None, str]:
    """Paragraph style id → name, and None → the default paragraph style's name."""
    names: dict[str | None, str] = {s.style_id: s.name for s in word.styles}
    default = word.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    names[None] = default.name if default is not None else ""
    return names


def paragraph_style(p: _Element, names: dict[str | None, str]) -> str:
    """The name of a w:p's paragraph style (python-docx's `Paragraph.style.name`)."""
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style_id = style.get(qn("w:val")) if style is not None else None
    return names.get(style_id, names[None])


def _one_line(text: str) -> str:
    return text.replace("\t", "\\t").replace("\n", "\\n")
