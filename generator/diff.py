"""What changed between two versions of a document: table cells and narrative sentences.

Both sides are read back from .docx bytes (generator/readback), so a rerun compares the new
document with the file an officer may already have sent out, and `gen-report diff a.yaml
b.yaml` (diff_command.py, above the build) compares two inputs rendered in memory, by the same code.
"""

from __future__ import annotations

import difflib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .readback.content import ReadTable, is_label, read_body, sentences, style_names

NONE = "（无）"
# Paragraph styles whose sentences the report compares (the narrative, glossary and headings).
TEXT_STYLES = ("公文正文", "名词解释", "一级标题", "二级标题", "三级标题", "表标题")


@dataclass(frozen=True)
class Change:
    kind: str  # "表格" / "文字"
    old: str
    new: str
    table: str = ""  # "表1 收入支出决算总表"; for 文字 the heading above the sentence
    row: str = ""  # the row's label in that panel, e.g. "201 一般公共服务支出"
    column: str = ""  # the column's header texts, e.g. "支出 / 决算数"

    def render(self) -> str:
        if self.kind == "表格":
            return f"{self.table}，行“{self.row}”，列“{self.column}”：{self.old or '（空）'} → {self.new or '（空）'}"
        return f"文字{f'（{self.table}）' if self.table else ''}：{self.old} → {self.new}"

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v or k in ("old", "new")}


@dataclass
class Content:
    tables: list[ReadTable]
    sentences: list[str]
    places: list[str] = field(default_factory=list)  # the heading above each sentence


def read_content(data: bytes) -> Content:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = read_body(z.read("word/document.xml"), style_names(z.read("word/styles.xml")))
    texts: list[str] = []
    places: list[str] = []
    for p in body.paragraphs:
        if p.style in TEXT_STYLES:
            for s in sentences(p.text):
                texts.append(s)
                places.append(p.heading)
    return Content(body.tables, texts, places)


def changes_against_file(old_path: Path, new_docx: bytes) -> list[Change]:
    try:
        old = old_path.read_bytes()
        return compare(read_content(old), read_content(new_docx))
    except Exception:  # noqa: BLE001 - an unreadable old file is simply not compared
        return []


def compare(old: Content, new: Content) -> list[Change]:
    changes: list[Change] = []
    old_tables = {t.label: t for t in old.tables}
    for table in new.tables:
        changes += _table_changes(old_tables.get(table.label), table)
    new_labels = {t.label for t in new.tables}
    for table in old.tables:
        if table.label not in new_labels:
            changes.append(Change("表格", table.label, NONE, table=table.label, row="（整表）",
                                  column="（整表）"))
    matcher = difflib.SequenceMatcher(a=old.sentences, b=new.sentences, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old.sentences[a1:a2], new.sentences[b1:b2]
        for i in range(max(len(olds), len(news))):
            place = (new.places[b1 + i] if i < len(news) and b1 + i < len(new.places)
                     else old.places[a1 + i] if i < len(olds) and a1 + i < len(old.places) else "")
            changes.append(Change("文字", olds[i] if i < len(olds) else NONE,
                                  news[i] if i < len(news) else NONE, table=place))
    return changes


def _row_key(table: ReadTable, r: int) -> str:
    """Every label of the row, each panel's once ("收入项目 | 支出项目"), or its number."""
    labels: list[str] = []
    for c in range(len(table.grid[r])):
        if is_label(table.grid[r][c]):
            label = table.row_label(r, c)
            if label not in labels:
                labels.append(label)
    return " | ".join(labels) or table.row_label(r, 0)


def _table_changes(old: ReadTable | None, new: ReadTable) -> list[Change]:
    if old is None:
        return [Change("表格", NONE, new.label, table=new.label, row="（整表）", column="（整表）")]
    if old.grid == new.grid:
        return []
    out: list[Change] = []
    old_keys = [_row_key(old, r) for r in range(len(old.grid))]
    new_keys = [_row_key(new, r) for r in range(len(new.grid))]
    matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        pairs = list(zip(range(a1, a2), range(b1, b2), strict=False)) if op in ("equal", "replace") else []
        for a, b in pairs:
            out += _row_changes(old, new, a, b)
        for r in range(a1 + len(pairs), a2):
            out.append(Change("表格", " | ".join(old.grid[r]), NONE, table=new.label,
                              row=old_keys[r], column="（整行）"))
        for r in range(b1 + len(pairs), b2):
            out.append(Change("表格", NONE, " | ".join(new.grid[r]), table=new.label,
                              row=new_keys[r], column="（整行）"))
    return out


def _row_changes(old: ReadTable, new: ReadTable, a: int, b: int) -> list[Change]:
    o, n = old.grid[a], new.grid[b]
    if o == n:
        return []
    out: list[Change] = []
    for c in range(max(len(o), len(n))):
        ov, nv = (o[c] if c < len(o) else ""), (n[c] if c < len(n) else "")
        if ov == nv:
            continue
        if c and (o[c - 1] if c - 1 < len(o) else "", n[c - 1] if c - 1 < len(n) else "") == (ov, nv) \
                and is_label(nv or ov):
            continue  # a merged label cell repeated over the columns it spans
        out.append(Change("表格", ov, nv, table=new.label, row=new.row_label(b, c),
                          column=new.column_label(c)))
    return out
