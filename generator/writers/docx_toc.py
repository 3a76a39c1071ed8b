"""The 目录 as a filled TOC field, and its page numbers from the PDF pass.

Word, WPS and LibreOffice show a TOC field's stored result until someone updates fields, and a
PDF printed without updating prints that result. So the writer stores the result it would get:
one `toc N` paragraph per heading with an outline level the field collects (the reference
document's styles say which), each a hyperlink to a bookmark on its heading followed by a
PAGEREF field. The page numbers are unknown to the writer (there is no layout engine here); the
PDF pass (writers/pdf.py) has LibreOffice lay the document out, update its indexes, and hands
the page numbers back to `with_page_numbers`, which stores them in the PAGEREF results. Word and
LibreOffice recompute PAGEREF fields from the bookmarks whenever they update fields.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree
from lxml.etree import _Element

from generator.writers.docx_xml import W_NS, XML_SPACE, el, text_run
from generator.writers.zipfix import normalized_zip

TOC_LEVELS = 2  # TOC \o "1-2": outline levels 0..1 (部分标题; 一级标题 and 表标题), see layout-variations.md
TOC_INSTRUCTION = rf'TOC \o "1-{TOC_LEVELS}" \h \z \u'
FIXED_TOC_BOOKMARK = "_GenReportToc"  # templates/GenReport.xba reads the fixed 目录 by this name
_PAGEREF = re.compile(r"^\s*PAGEREF\s+(\S+)")


@dataclass(frozen=True)
class TocEntry:
    level: int  # 1-based TOC level (outline level + 1)
    text: str
    bookmark: str
    own_text: bool = False  # the entry's text is not its heading's (a field update would lose it)


def bookmark_name(n: int) -> str:
    """Word names its TOC bookmarks _Toc<digits>; sequential numbers keep output deterministic."""
    return f"_Toc{n:08d}"


def add_bookmark(p: _Element, n: int) -> None:
    """A bookmark around the whole paragraph's content (after w:pPr)."""
    start = el("w:bookmarkStart", id=str(n), name=bookmark_name(n))
    ppr = p.find(f"{{{W_NS}}}pPr")
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(el("w:bookmarkEnd", id=str(n)))


def toc_paragraphs(entries: list[TocEntry], style_ids: dict[int, str], placeholder: str,
                   pages: dict[str, str] | None = None, field: bool = True) -> list[_Element]:
    """The TOC field spread over one paragraph per entry: begin/instruction/separate in the
    first, end in the last, as Word writes it. Without entries, one paragraph holding
    `placeholder` as the result. `field=False`: the same paragraphs as fixed text (their
    PAGEREF page numbers are still fields), which no TOC update rewrites."""
    pages = pages or {}
    paragraphs = []
    for entry in entries or [None]:
        p = el("w:p")
        ppr = el("w:pPr")
        ppr.append(el("w:pStyle", val=style_ids[entry.level if entry else 1]))
        p.append(ppr)
        if entry is None:
            p.append(text_run(placeholder))
        else:
            link = el("w:hyperlink", anchor=entry.bookmark, history="1")
            link.append(text_run(entry.text))
            tab = el("w:r")
            tab.append(el("w:tab"))
            link.append(tab)
            link.extend(_field(f"PAGEREF {entry.bookmark} \\h", pages.get(entry.bookmark, "")))
            p.append(link)
        paragraphs.append(p)
    if not field and entries:
        # a bookmark over the whole 目录: the PDF pass reads its laid-out text (page numbers)
        paragraphs[0].find(f"{{{W_NS}}}pPr").addnext(el("w:bookmarkStart", id="0", name=FIXED_TOC_BOOKMARK))
        paragraphs[-1].append(el("w:bookmarkEnd", id="0"))
        return paragraphs
    begin = _field(TOC_INSTRUCTION, None)
    for run in reversed(begin[:3]):  # begin, instruction, separate
        paragraphs[0].find(f"{{{W_NS}}}pPr").addnext(run)
    paragraphs[-1].append(begin[-1])  # end
    return paragraphs


def _field(instruction: str, result: str | None) -> list[_Element]:
    """begin, instruction, separate, [result,] end runs. The TOC field is marked dirty so Word
    offers to refresh it (page numbers) even where settings' updateFields is ignored."""
    def char(kind: str) -> _Element:
        run = el("w:r")
        fld = el("w:fldChar", fldCharType=kind)
        if kind == "begin" and result is None:
            fld.set(f"{{{W_NS}}}dirty", "true")
        run.append(fld)
        return run

    instr_run = el("w:r")
    instr = el("w:instrText")
    instr.set(XML_SPACE, "preserve")
    instr.text = f" {instruction} "
    instr_run.append(instr)
    runs = [char("begin"), instr_run, char("separate")]
    if result is not None:
        runs.append(text_run(result))
    return [*runs, char("end")]


def toc_lines(text: str) -> list[tuple[str, str]]:
    """LibreOffice's updated TOC text ("title<TAB>page" per line) as (title, page) pairs."""
    out = []
    for line in re.split(r"[\r\n]+", text):
        title, tab, page = line.rpartition("\t")
        if tab and page.strip().isdigit():
            out.append((title.strip(), page.strip()))
    return out


def with_page_numbers(docx: bytes, lines: list[tuple[str, str]]) -> bytes:
    """The .docx with the PAGEREF results of its 目录 filled from `lines` (toc_lines of the
    laid-out document). Entries are matched in order and only where the titles agree; the
    package is rewritten member by member with the same names, order and metadata."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    w = f"{{{W_NS}}}"
    links = [h for h in root.iter(f"{w}hyperlink")
             if any(_PAGEREF.match(t.text or "") for t in h.iter(f"{w}instrText"))]
    if not links:
        return docx
    expected = [(_squash("".join(t.text or "" for t in h.iter(f"{w}t")
                                 if not _in_field_result(t))), h) for h in links]
    found = iter(lines)
    changed = False
    for title, link in expected:
        for got, page in found:
            if _squash(got) == title:
                _set_pageref_result(link, page)
                changed = True
                break
        else:
            break
    if not changed:
        return docx
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return normalized_zip(docx, {"word/document.xml": xml})


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _in_field_result(t: _Element) -> bool:
    """Whether this w:t is in the PAGEREF result (after its separate, before its end)."""
    run = t.getparent()
    for prev in run.itersiblings(preceding=True):
        fld = prev.find(f"{{{W_NS}}}fldChar")
        if fld is not None:
            return fld.get(f"{{{W_NS}}}fldCharType") == "separate"
    return False


def _set_pageref_result(link: _Element, page: str) -> None:
    w = f"{{{W_NS}}}"
    runs = list(link.iter(f"{w}r"))
    sep = next(i for i, r in enumerate(runs)
               if (f := r.find(f"{w}fldChar")) is not None
               and f.get(f"{w}fldCharType") == "separate")
    end = runs[sep + 1]
    for r in runs[sep + 1:]:
        if r.find(f"{w}fldChar") is not None:
            end = r
            break
        r.getparent().remove(r)
    end.addprevious(text_run(page))
