"""What changed between two versions of a document: table cells and narrative sentences.

Both sides are read back from .docx bytes (generator/readback), so a rerun compares the new
document with the file an officer may already have sent out, and `gen-report diff a.yaml
b.yaml` (diff_command.py, above the build) compares two inputs rendered in memory, by the same code.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.oxml.ns import qn

from .readback.docx import paragraph_style, paragraph_text, style_names, table_rows

_SENTENCE = re.compile(r"[^。；！？]*[。；！？]?")
_AMOUNT = re.compile(r"^[-\d,.%]*$")
NONE = "（无）"


@dataclass(frozen=True)
class Change:
    kind: str  # "表格" / "文字"
    old: str
    new: str
    table: str = ""  # "表1 收入支出决算总表"
    row: str = ""  # the row's label, e.g. "201 一般公共服务支出"
    column: str = ""  # the column's header text, or 第n列

    def render(self) -> str:
        if self.kind == "表格":
            return f"{self.table}，行“{self.row}”，列“{self.column}”：{self.old or '（空）'} → {self.new or '（空）'}"
        return f"文字：{self.old} → {self.new}"

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v or k in ("old", "new")}


@dataclass
class Content:
    tables: list[tuple[str, list[list[str]]]]  # (表号 表标题, rows)
    sentences: list[str]


def read_content(data: bytes) -> Content:
    word = docx.Document(io.BytesIO(data))
    tables: list[tuple[str, list[list[str]]]] = []
    sentences: list[str] = []
    recent: list[str] = []  # the last paragraphs' styles and texts, to name the next table
    names = style_names(word)
    for child in word.element.body:
        if child.tag == qn("w:p"):
            style = paragraph_style(child, names)
            text = paragraph_text(child).strip()
            if not text:
                continue
            recent = (recent + [f"{style}\t{text}"])[-3:]
            if style in ("公文正文", "名词解释", "一级标题", "二级标题", "三级标题", "表标题"):
                sentences += [s for s in _SENTENCE.findall(text) if s.strip()]
        elif child.tag == qn("w:tbl"):
            label = " ".join(r.split("\t", 1)[1] for r in recent if r.split("\t")[0] in ("表号", "表标题"))
            tables.append((label or f"第{len(tables) + 1}个表", table_rows(word, child)))
            recent = []
    return Content(tables, sentences)


def changes_against_file(old_path: Path, new_docx: bytes) -> list[Change]:
    try:
        old = old_path.read_bytes()
        return compare(read_content(old), read_content(new_docx))
    except Exception:  # noqa: BLE001 - an unreadable old file is simply not compared
        return []


def compare(old: Content, new: Content) -> list[Change]:
    changes: list[Change] = []
    old_tables = dict(old.tables)
    for label, rows in new.tables:
        changes += _table_changes(label, old_tables.get(label, []), rows)
    new_labels = {label for label, _ in new.tables}
    for label, _ in old.tables:
        if label not in new_labels:
            changes.append(Change("表格", label, NONE, table=label, row="（整表）", column="（整表）"))
    matcher = difflib.SequenceMatcher(a=old.sentences, b=new.sentences, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old.sentences[a1:a2], new.sentences[b1:b2]
        for i in range(max(len(olds), len(news))):
            changes.append(Change("文字", olds[i] if i < len(olds) else NONE,
                                  news[i] if i < len(news) else NONE))
    return changes


def _row_label(row: list[str]) -> str:
    words = [c.strip() for c in row if c.strip() and not _AMOUNT.match(c.strip())]
    return " ".join(words[:2]) or "（空行）"


def _headers(rows: list[list[str]]) -> list[str]:
    """Column names: the last leading row that holds no amount, when it spans every column."""
    width = max((len(r) for r in rows), default=0)
    header: list[str] = []
    for row in rows[:4]:
        if len(row) == width and all(not re.search(r"\d", c) for c in row):
            header = row
    return header


def _table_changes(label: str, old: list[list[str]], new: list[list[str]]) -> list[Change]:
    if old == new:
        return []
    header = _headers(new) or _headers(old)
    old_keys = [_row_label(r) for r in old]
    new_keys = [_row_label(r) for r in new]
    out: list[Change] = []
    matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        pairs = list(zip(old[a1:a2], new[b1:b2], strict=False)) if op in ("equal", "replace") else []
        for o, n in pairs:
            if o == n:
                continue
            for c in range(max(len(o), len(n))):
                ov, nv = (o[c] if c < len(o) else ""), (n[c] if c < len(n) else "")
                if ov != nv:
                    column = header[c] if c < len(header) and header[c] else f"第{c + 1}列"
                    out.append(Change("表格", ov, nv, table=label, row=_row_label(n), column=column))
        extra_old = old[a1 + len(pairs):a2]
        extra_new = new[b1 + len(pairs):b2]
        for r in extra_old:
            out.append(Change("表格", " | ".join(r), NONE, table=label, row=_row_label(r), column="（整行）"))
        for r in extra_new:
            out.append(Change("表格", NONE, " | ".join(r), table=label, row=_row_label(r), column="（整行）"))
    return out
