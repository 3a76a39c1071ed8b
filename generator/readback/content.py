"""A written .docx as its reader sees it: tables on their grid with row and column labels,
and the body paragraphs. Shared by `verify` (which compares a document with the snapshot of
itself stored when it was written) and the what-changed report (diff.py).

Plain lxml over word/document.xml: no python-docx objects, so reading is quick enough to run
on every document the writer makes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# An amount, a percentage or a row number (行次); a code of three or more digits is a label.
_AMOUNT = re.compile(r"^-?[\d,]*\.?\d*%?$|^-$")
_CODE = re.compile(r"^\d{3,}$")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
_SENTENCE = re.compile(r"[^。；！？\n]*[。；！？]?")


@dataclass(frozen=True)
class ReadTable:
    index: int  # position among the document's tables
    label: str  # "表2 收入决算表" (表号 and 表标题 before it), or "第n个表"
    header_rows: int  # rows marked to repeat as header
    grid: list[list[str]]  # cell texts on the grid; a merged cell fills every slot it covers

    def column_label(self, c: int) -> str:
        """The column's header texts from the top ("支出 / 决算数"), column numbers left out."""
        names: list[str] = []
        for row in self.grid[: self.header_rows]:
            text = " ".join(row[c].split()) if c < len(row) else ""
            if text and not _AMOUNT.match(text) and text != "栏次" and text not in names:
                names.append(text)
        return " / ".join(names) or f"第{c + 1}列"

    def row_label(self, r: int, c: int) -> str:
        """The labels of the row next to column `c`: the nearest run of label cells at or left
        of it (so each panel of a two-panel table has its own), merged cells once."""
        row = self.grid[r] if r < len(self.grid) else []
        if not row:
            return f"第{r + 1}行"
        labels: list[str] = []
        i = min(c, len(row) - 1)
        while i >= 0 and not is_label(row[i]):
            i -= 1
        while i >= 0 and is_label(row[i]):
            text = " ".join(row[i].split())
            if not labels or labels[0] != text:
                labels.insert(0, text)
            i -= 1
        if labels:
            return " ".join(labels)
        return f"第{r - self.header_rows + 1}行" if r >= self.header_rows else f"表头第{r + 1}行"


def is_label(text: str) -> bool:
    text = text.strip()
    return bool(text) and (not _AMOUNT.match(text) or bool(_CODE.match(text)))


@dataclass(frozen=True)
class ReadParagraph:
    style: str  # style name
    text: str
    heading: str  # the nearest heading above it ("" before the first)


@dataclass(frozen=True)
class Body:
    tables: list[ReadTable]
    paragraphs: list[ReadParagraph]


HEADING_STYLES = ("部分标题", "一级标题", "二级标题", "三级标题")
_LABEL_STYLES = ("表号", "表标题")


class BodyBuilder:
    """Collects a Body from the body's paragraphs and tables in order: fed by `read_body` from
    a written file, and by the writer as it writes (the snapshot verify compares with), so
    both read a document the same way."""

    def __init__(self) -> None:
        self.tables: list[ReadTable] = []
        self.paragraphs: list[ReadParagraph] = []
        self._recent: list[str] = []  # 表号 and 表标题 since the last table
        self._heading = ""

    def paragraph(self, style: str, text: str) -> None:
        """`text` as read back: see `as_read`."""
        text = text.strip()
        if style.startswith("toc") or not text:
            return
        # a table's unit line is placed by its table (表3 支出决算表), the rest by heading
        place = " ".join(self._recent) if style == "表头信息" and self._recent else self._heading
        self.paragraphs.append(ReadParagraph(style, text, place))
        if style in HEADING_STYLES:
            self._heading = " ".join(text.split())
        if style in _LABEL_STYLES:
            self._recent.append(text)
        elif style != "表头信息":  # the unit line sits between the title and the table
            self._recent = []

    def table(self, header_rows: int, cells: list[list[str]]) -> None:
        label = (" ".join(" ".join(t.split()) for t in self._recent)
                 or f"第{len(self.tables) + 1}个表")
        self.tables.append(ReadTable(len(self.tables), label, header_rows, cells))
        self._recent = []

    def body(self) -> Body:
        return Body(self.tables, self.paragraphs)


def as_read(text: str) -> str:
    """What reading a paragraph back gives for the text a writer wrote: a tab (w:tab) reads
    as a space, a line break (w:br) as nothing (see paragraph_text)."""
    return text.replace("\r", "").replace("\n", "").replace("\t", " ")


def read_body(document_xml: bytes, names: dict[str, str]) -> Body:
    """Tables and paragraphs of the body, in order; `names` maps style ids to names (see
    style_names). The 目录 (toc styles) is left out: its page numbers are filled in after the
    document is written."""
    body = etree.fromstring(document_xml).find(f"{W}body")
    out = BodyBuilder()
    for child in body:
        if child.tag == f"{W}p":
            style_el = child.find(f"{W}pPr/{W}pStyle")
            style = names.get(style_el.get(f"{W}val"), "") if style_el is not None else ""
            out.paragraph(style, paragraph_text(child))
        elif child.tag == f"{W}tbl":
            header = sum(1 for tr in child.findall(f"{W}tr")
                         if tr.find(f"{W}trPr/{W}tblHeader") is not None)
            out.table(header, grid(child))
    return out.body()


def style_names(styles_xml: bytes) -> dict[str, str]:
    out = {}
    for style in etree.fromstring(styles_xml).iter(f"{W}style"):
        name = style.find(f"{W}name")
        if name is not None:
            out[style.get(f"{W}styleId")] = name.get(f"{W}val")
    return out


def paragraph_text(p: etree._Element) -> str:
    """The text of a paragraph, a tab as a space (部门：…  单位：万元); line breaks, which the
    writer puts into long titles, add nothing."""
    return "".join((e.text or "") if e.tag == _T else " " for e in p.iter(_T, _TAB))


_T, _TAB = f"{W}t", f"{W}tab"


def grid(tbl: etree._Element) -> list[list[str]]:
    """Rows of cell texts on the table grid: a merged cell's text fills every grid slot."""
    rows: list[list[str]] = []
    for tr in tbl.findall(f"{W}tr"):
        row: list[str] = []
        for tc in tr.findall(f"{W}tc"):
            props = tc.find(f"{W}tcPr")
            span = props.find(f"{W}gridSpan") if props is not None else None
            vmerge = props.find(f"{W}vMerge") if props is not None else None
            text = "\n".join(paragraph_text(p) for p in tc.iterchildren(f"{W}p"))
            if vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue" and rows:
                text = rows[-1][len(row)] if len(row) < len(rows[-1]) else text
            row.extend([text] * int(span.get(f"{W}val")) if span is not None else [text])
        rows.append(row)
    return rows


def sentence_at(text: str, offset: int) -> str:
    """The sentence of `text` that holds the character at `offset`."""
    for m in _SENTENCE.finditer(text):
        if m.start() <= offset < max(m.end(), m.start() + 1):
            return m.group(0).strip()
    return text.strip()


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
