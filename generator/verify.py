"""`gen-report verify`: read a generated .docx back and confirm that it still says what it
said when it was written, and that every amount the narrative cites equals its table cell.

Two records travel inside the file (writers/docx_citations.py): the citations (which table
cell each narrative amount was taken from) and a snapshot of the document as written (every
table cell, every paragraph). Hand edits are found against the snapshot: each changed table
cell with its table, row and column; each changed figure of the text, every occurrence, with
its sentence before and after; changed table captions and unit labels; removed or added rows
and paragraphs that hold figures.
"""

from __future__ import annotations

import difflib
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

from .amounts import round_half_up
from .errors import Location, Problem, UserError, error
from .readback.content import (
    NUMBER,
    Body,
    ReadParagraph,
    ReadTable,
    read_body,
    sentence_at,
    style_names,
)
from .readback.content import (
    grid as table_grid,
)
from .writers.docx_citations import NAMESPACE, read_snapshot

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def verify_docx(path: Path) -> tuple[int, list[Problem]]:
    """(number of citations checked, problems found)."""
    checked, _, problems = verify_report(path)
    return checked, problems


def verify_report(path: Path) -> tuple[int, list[str], list[Problem]]:
    """(number of citations checked, figures the narrative cites that no table prints — their
    text is still compared with the snapshot —, problems found)."""
    result = verify_full(path)
    return result.checked, result.uncited, result.problems


@dataclass(frozen=True)
class Verified:
    checked: int  # narrative amounts compared with their table cells
    percents: int  # narrative percentages recomputed from the tables
    uncited: list[str]  # figures the narrative cites that no table prints
    problems: list[Problem]


def verify_full(path: Path) -> Verified:
    """Every check of `verify`, with what it counted."""
    where = Location(file=str(path))
    try:
        with zipfile.ZipFile(path) as z:
            document_xml, styles_xml = z.read("word/document.xml"), z.read("word/styles.xml")
            body = etree.fromstring(document_xml).find(f"{_W}body")
            part_style = _style_id(etree.fromstring(styles_xml), "部分标题")
            cited = [etree.fromstring(z.read(n)) for n in z.namelist()
                     if n.startswith("customXml/item") and not n.startswith("customXml/itemProps")
                     and n.endswith(".xml")]
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as e:
        raise UserError([error("not-docx", "不是 gen-report 生成的 Word 文档，无法核对", location=where)]) from e
    citations = [c for root in cited if root.tag == f"{{{NAMESPACE}}}citations"
                 for c in root.findall(f"{{{NAMESPACE}}}c")]
    uncited = [u.get("key") or "" for root in cited if root.tag == f"{{{NAMESPACE}}}citations"
               for u in root.findall(f"{{{NAMESPACE}}}u")]
    if not cited or not any(r.tag == f"{{{NAMESPACE}}}citations" for r in cited):
        raise UserError([error("no-citations", "文档中没有引用记录，无法核对（可能不是 gen-report 生成的文档）",
                               location=where)])
    heading = next((r.get("narrative") for r in cited if r.get("narrative")), None)
    tables, narrative = _read_body(body, part_style, heading)
    in_order = [table_grid(t) for t in body.iter(f"{_W}tbl")]
    problems: list[Problem] = []
    snapshot = next((s for r in cited if r.tag == f"{{{NAMESPACE}}}citations"
                     if (s := read_snapshot(r)) is not None), None)
    now = read_body(document_xml, style_names(styles_xml))
    if snapshot is not None:
        problems += snapshot_changes(snapshot, now, where)
    for c in citations:
        text, table, row, column = c.get("text"), c.get("table"), int(c.get("row")), int(c.get("column"))
        index = int(c.get("index", "-1"))
        # by its position among the tables (a profile may print no "表N" caption), else by caption
        grid = in_order[index] if 0 <= index < len(in_order) else tables.get(table)
        cell = grid[row][column] if grid and row < len(grid) and column < len(grid[row]) else None
        if cell is None:
            problems.append(error("verify-missing-cell", f"找不到{table}第{row + 1}行第{column + 1}列",
                                  location=where, table=table))
            continue
        shown = _number(cell)
        if shown is not None and c.get("factor"):  # the table prints in another unit
            shown = round_half_up(shown * Decimal(c.get("factor")), int(c.get("places", "2")))
        if shown != _number(text):
            problems.append(error("verify-mismatch", "情况说明引用的数与表中的数不一致", location=where,
                                  table=table, row=ReadTable(0, table, 0, grid).row_label(row, column),
                                  expected=f"表中为 {cell}", found=f"情况说明为 {text}"))
        if text not in narrative:
            problems.append(error("verify-not-cited", f"情况说明中找不到引用的数 {text}", location=where,
                                  table=table))
    percents = [p for root in cited if root.tag == f"{{{NAMESPACE}}}citations"
                for p in root.findall(f"{{{NAMESPACE}}}pc")]
    for p in percents:
        problems += _percent_problems(p, in_order, snapshot, now, where)
    return Verified(len(citations), len(percents), uncited, problems)


def _percent_problems(p: etree._Element, in_order: list[list[list[str]]], snapshot: Body | None,
                      now: Body, where: Location) -> list[Problem]:
    """Recompute one narrative percentage from its figures as the tables now print them: a
    cell unchanged since generation stands for its exact figure, an edited one for its value."""
    printed, places, kind, phrase = p.get("text") or "", int(p.get("places") or 0), p.get("kind"), p.get("phrase") or ""
    built = {t.index: t.grid for t in snapshot.tables} if snapshot is not None else {}
    values: list[Decimal] = []
    edited: list[str] = []
    for o in p.findall(f"{{{NAMESPACE}}}o"):
        value = Decimal(o.get("value"))
        if o.get("index") is not None:
            index, row, column = int(o.get("index")), int(o.get("row")), int(o.get("column"))
            grid = in_order[index] if index < len(in_order) else []
            cell = grid[row][column] if row < len(grid) and column < len(grid[row]) else None
            then = built.get(index)
            was = then[row][column] if then and row < len(then) and column < len(then[row]) else None
            if cell is not None and cell != was and (shown := _number(cell)) is not None:
                value = shown * Decimal(o.get("scale") or "1")
                edited.append(f"{o.get('table')}“{ReadTable(0, '', 0, grid).row_label(row, column)}”现为 {cell}")
        values.append(value)
    if len(values) != 2:
        return []
    a, b = values
    base = abs(b) if kind == "change" else b
    direction_ok = kind != "change" or ((a - b) < 0) == (f"下降{printed}" in phrase)
    recomputed = round_half_up(abs(a - b) / base * 100 if kind == "change" else a / base * 100, places) \
        if base != 0 else None
    if recomputed is not None and recomputed == _number(printed.rstrip("%")) and direction_ok:
        return []
    paragraph, part = _paragraph_of(phrase, snapshot.paragraphs if snapshot else now.paragraphs)
    found = sentence_at(paragraph.text, paragraph.text.find(part)) if paragraph else phrase
    if recomputed is None:
        should = "基数为0，无法计算百分比"
    elif kind == "change":
        should = f"{'下降' if a < b else '增长'}{recomputed}%"
    else:
        should = f"{recomputed}%"
    return [error("verify-percent-stale", f"情况说明中的百分比 {printed} 与表中现在的数不符（{'；'.join(edited)}）",
                  location=where, table=paragraph.heading if paragraph else None,
                  expected=f"按表中的数重新计算应为 {should}", found=f"情况说明为：{found}")]


def _paragraph_of(phrase: str, paragraphs: list[ReadParagraph]) -> tuple[ReadParagraph | None, str]:
    """The paragraph that prints `phrase` (its sentence up to the percentage, as rendered; the
    clauses nearest the percentage if a list marker or emphasis changed its start)."""
    clauses = phrase.split("，")
    for k in range(len(clauses)):
        part = "，".join(clauses[k:])
        found = next((q for q in paragraphs if part in q.text), None)
        if found is not None:
            return found, part
    return None, phrase


def _style_id(styles: etree._Element, name: str) -> str | None:
    for style in styles.iter(f"{_W}style"):
        label = style.find(f"{_W}name")
        if label is not None and label.get(f"{_W}val") == name:
            return style.get(f"{_W}styleId")
    return None


def _read_body(body: etree._Element, part_style: str | None = None,
               heading: str | None = None) -> tuple[dict[str, list[list[str]]], str]:
    """Tables by number, and the narrative: the part whose heading the citations name (a
    profile's frame may put it anywhere), else the third part, found by its heading's style (a
    region's profile may title its parts "三、决算说明"), or by "第三部分" without that style."""
    tables: dict[str, list[list[str]]] = {}
    narrative: list[str] = []
    current = None
    in_narrative = False
    parts_seen = 0
    for child in body:
        if child.tag == f"{_W}p":
            text = "".join(t.text or "" for t in child.iter(f"{_W}t"))
            style = child.find(f"{_W}pPr/{_W}pStyle")
            is_part = part_style is not None and style is not None and style.get(f"{_W}val") == part_style
            parts_seen += is_part
            if is_part and heading is not None:  # the headings of the parts with text, one a line
                in_narrative = text in heading.split("\n")
            elif (is_part and parts_seen == 3) or (part_style is None and text.startswith("第三部分")):
                in_narrative = True
            elif is_part or (part_style is None and text.startswith("第四部分")):
                in_narrative = False
            elif in_narrative:
                narrative.append(text)
            if text.startswith("表") and text[1:].isdigit():
                current = text
        elif child.tag == f"{_W}tbl" and current:
            tables[current] = table_grid(child)
            current = None
    return tables, "\n".join(narrative)


def _number(text: str) -> Decimal | None:
    if isinstance(text, str) and text.strip() == "-":  # a zero printed as "-" (显示: {零值: "-"})
        return Decimal(0)
    try:
        return Decimal(text.replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        return None


# Paragraphs compared word for word: what tells the reader which table and unit it is.
_EXACT_STYLES = ("表号", "表标题", "表头信息")


def snapshot_changes(built: Body, now: Body, where: Location) -> list[Problem]:
    """Every difference between the document as written and as it is now."""
    problems: list[Problem] = []
    now_tables = {t.index: t for t in now.tables}
    for old in built.tables:
        new = now_tables.get(old.index)
        if new is None or new.label != old.label and not _same_shape(old, new):
            problems.append(error("verify-table-missing", "表格已被删除或替换", location=where,
                                  table=old.label))
            continue
        problems += _table_changes(old, new, where)
    problems += _paragraph_changes(built.paragraphs, now.paragraphs, where)
    return problems


def _same_shape(a: ReadTable, b: ReadTable) -> bool:
    return len(a.grid) == len(b.grid) and all(len(x) == len(y) for x, y in zip(a.grid, b.grid, strict=True))


def _table_changes(old: ReadTable, new: ReadTable, where: Location) -> list[Problem]:
    out: list[Problem] = []
    if len(new.grid) != len(old.grid):
        matcher = difflib.SequenceMatcher(a=[tuple(r) for r in old.grid],
                                          b=[tuple(r) for r in new.grid], autojunk=False)
        pairs = []
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op in ("equal", "replace"):
                pairs += list(zip(range(a1, a2), range(b1, b2), strict=False))
            if op in ("delete", "replace") and a2 - a1 > b2 - b1:
                for r in range(a1 + (b2 - b1), a2):
                    out.append(error("verify-row-removed", "表格中删去了一行", location=where,
                                     table=old.label, row=old.row_label(r, len(old.grid[r]) - 1),
                                     expected=" | ".join(old.grid[r]), found="（无）"))
            if op in ("insert", "replace") and b2 - b1 > a2 - a1:
                for r in range(b1 + (a2 - a1), b2):
                    out.append(error("verify-row-added", "表格中多了一行", location=where,
                                     table=old.label, row=new.row_label(r, len(new.grid[r]) - 1),
                                     expected="（无）", found=" | ".join(new.grid[r])))
    else:
        pairs = [(r, r) for r in range(len(old.grid))]
    for a, b in pairs:
        old_row, new_row = old.grid[a], new.grid[b]
        seen: set[str] = set()
        for c in range(max(len(old_row), len(new_row))):
            before = old_row[c] if c < len(old_row) else ""
            after = new_row[c] if c < len(new_row) else ""
            if before == after:
                continue
            key = f"{before}\0{after}\0{old.row_label(a, c)}"  # a merged cell once
            if key in seen:
                continue
            seen.add(key)
            out.append(error("verify-cell-changed", "表中的数与生成时不一致（被手工改动）", location=where,
                             table=old.label, row=old.row_label(a, c), column=old.column_label(c),
                             expected=f"生成时为 {before or '（空）'}", found=f"现为 {after or '（空）'}"))
    return out


def _paragraph_changes(old: list[ReadParagraph], new: list[ReadParagraph],
                       where: Location) -> list[Problem]:
    out: list[Problem] = []
    matcher = difflib.SequenceMatcher(a=[p.text for p in old], b=[p.text for p in new],
                                      autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old[a1:a2], new[b1:b2]
        for i in range(max(len(olds), len(news))):
            o = olds[i] if i < len(olds) else None
            n = news[i] if i < len(news) else None
            out += _one_paragraph(o, n, where)
    return out


def _one_paragraph(old: ReadParagraph | None, new: ReadParagraph | None,
                   where: Location) -> list[Problem]:
    place = (old or new).heading  # type: ignore[union-attr]
    if old is None or new is None:
        p = old or new
        if p is None or not (NUMBER.search(p.text) or p.style in _EXACT_STYLES):
            return []
        return [error("verify-paragraph-removed" if new is None else "verify-paragraph-added",
                      "删去了含数字的一段" if new is None else "多了一段含数字的文字（无法核对）",
                      location=where, table=place, expected=old.text if old else "（无）",
                      found=new.text if new else "（无）")]
    if old.style in _EXACT_STYLES:
        return [error("verify-label-changed", "表号、表标题或单位说明与生成时不同", location=where,
                      table=place, expected=old.text, found=new.text)]
    before, after = list(NUMBER.finditer(old.text)), list(NUMBER.finditer(new.text))
    out = []
    matcher = difflib.SequenceMatcher(a=[m.group(0) for m in before],
                                      b=[m.group(0) for m in after], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for k in range(max(a2 - a1, b2 - b1)):
            was = before[a1 + k] if a1 + k < a2 else None
            now = after[b1 + k] if b1 + k < b2 else None
            out.append(error(
                "verify-text-changed",
                f"文字中的数与生成时不同：{was.group(0) if was else '（无）'} → "
                f"{now.group(0) if now else '（无）'}（本段第 {(a1 if was else b1) + k + 1} 个数）",
                location=where, table=place,
                expected=sentence_at(old.text, was.start()) if was else old.text,
                found=sentence_at(new.text, now.start()) if now else new.text))
    return out
