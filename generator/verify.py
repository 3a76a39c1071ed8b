"""`gen-report verify`: read a generated .docx back and confirm that every amount the
narrative cites equals the table cell it comes from.

The citations travel inside the file (writers/docx_citations.py); tables are found by the
"表N" paragraph that precedes them, and cells by their grid position (merges expanded).
"""

from __future__ import annotations

import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

from .amounts import round_half_up
from .errors import Location, Problem, UserError, error
from .writers.docx_citations import NAMESPACE

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def verify_docx(path: Path) -> tuple[int, list[Problem]]:
    """(number of citations checked, problems found)."""
    where = Location(file=str(path))
    try:
        with zipfile.ZipFile(path) as z:
            body = etree.fromstring(z.read("word/document.xml")).find(f"{_W}body")
            part_style = _style_id(etree.fromstring(z.read("word/styles.xml")), "部分标题")
            cited = [etree.fromstring(z.read(n)) for n in z.namelist()
                     if n.startswith("customXml/item") and not n.startswith("customXml/itemProps")
                     and n.endswith(".xml")]
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as e:
        raise UserError([error("not-docx", "不是 gen-report 生成的 Word 文档，无法核对", location=where)]) from e
    citations = [c for root in cited if root.tag == f"{{{NAMESPACE}}}citations"
                 for c in root.findall(f"{{{NAMESPACE}}}c")]
    if not cited or not any(r.tag == f"{{{NAMESPACE}}}citations" for r in cited):
        raise UserError([error("no-citations", "文档中没有引用记录，无法核对（可能不是 gen-report 生成的文档）",
                               location=where)])
    heading = next((r.get("narrative") for r in cited if r.get("narrative")), None)
    tables, narrative = _read_body(body, part_style, heading)
    in_order = [_grid(t) for t in body.iter(f"{_W}tbl")]
    problems = []
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
                                  table=table, row=" ".join(grid[row][:2]).strip(),
                                  expected=f"表中为 {cell}", found=f"情况说明为 {text}"))
        if text not in narrative:
            problems.append(error("verify-not-cited", f"情况说明中找不到引用的数 {text}", location=where,
                                  table=table))
    return len(citations), problems


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
            if is_part and heading is not None:
                in_narrative = text == heading
            elif (is_part and parts_seen == 3) or (part_style is None and text.startswith("第三部分")):
                in_narrative = True
            elif is_part or (part_style is None and text.startswith("第四部分")):
                in_narrative = False
            elif in_narrative:
                narrative.append(text)
            if text.startswith("表") and text[1:].isdigit():
                current = text
        elif child.tag == f"{_W}tbl" and current:
            tables[current] = _grid(child)
            current = None
    return tables, "\n".join(narrative)


def _grid(tbl: etree._Element) -> list[list[str]]:
    """Rows of cell texts on the table grid: a merged cell's text fills every grid slot."""
    rows: list[list[str]] = []
    for tr in tbl.findall(f"{_W}tr"):
        row: list[str] = []
        for tc in tr.findall(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            span = props.find(f"{_W}gridSpan") if props is not None else None
            vmerge = props.find(f"{_W}vMerge") if props is not None else None
            text = "\n".join("".join(t.text or "" for t in p.iter(f"{_W}t")) for p in tc.findall(f"{_W}p"))
            if vmerge is not None and vmerge.get(f"{_W}val", "continue") == "continue" and rows:
                text = rows[-1][len(row)] if len(row) < len(rows[-1]) else text
            row.extend([text] * int(span.get(f"{_W}val")) if span is not None else [text])
        rows.append(row)
    return rows


def _number(text: str) -> Decimal | None:
    if isinstance(text, str) and text.strip() == "-":  # a zero printed as "-" (显示: {零值: "-"})
        return Decimal(0)
    try:
        return Decimal(text.replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        return None
