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

from generator.chars import escape
from generator.writers.docx_xml import W_NS, attr_value, text_run, text_run_xml
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


def bookmark_xml(n: int) -> tuple[str, str]:
    """The start and end of a bookmark around a paragraph's content (start after w:pPr)."""
    return (f'<w:bookmarkStart w:id="{n}" w:name="{bookmark_name(n)}"/>',
            f'<w:bookmarkEnd w:id="{n}"/>')


def toc_xml(entries: list[TocEntry], style_ids: dict[int, str], placeholder: str,
            field: bool = True) -> str:
    """The TOC field spread over one paragraph per entry: begin/instruction/separate in the
    first, end in the last, as Word writes it. Without entries, one paragraph holding
    `placeholder` as the result. `field=False`: the same paragraphs as fixed text (their
    PAGEREF page numbers are still fields), which no TOC update rewrites. As XML text, the
    way lxml serializes it inside document.xml (see docx_xml.text_run_xml)."""
    paragraphs = []
    for entry in entries or [None]:
        p = ["<w:p><w:pPr><w:pStyle w:val=" + attr_value(style_ids[entry.level if entry else 1])
             + "/></w:pPr>"]
        if entry is None:
            p.append(text_run_xml(placeholder))
        else:
            p += ("<w:hyperlink w:anchor=", attr_value(entry.bookmark), ' w:history="1">',
                  text_run_xml(entry.text), "<w:r><w:tab/></w:r>",
                  *_field(f"PAGEREF {entry.bookmark} \\h", ""), "</w:hyperlink>")
        paragraphs.append(p)
    if not field and entries:
        # a bookmark over the whole 目录: the PDF pass reads its laid-out text (page numbers)
        paragraphs[0].insert(1, f'<w:bookmarkStart w:id="0" w:name="{FIXED_TOC_BOOKMARK}"/>')
        paragraphs[-1].append('<w:bookmarkEnd w:id="0"/>')
    else:
        begin = _field(TOC_INSTRUCTION, None)
        paragraphs[0][1:1] = begin[:3]  # begin, instruction, separate
        paragraphs[-1].append(begin[-1])  # end
    return "".join("".join(p) + "</w:p>" for p in paragraphs)


def _field(instruction: str, result: str | None) -> list[str]:
    """begin, instruction, separate, [result,] end runs. The TOC field is marked dirty so Word
    offers to refresh it (page numbers) even where settings' updateFields is ignored."""
    dirty = ' w:dirty="true"' if result is None else ""
    runs = [f'<w:r><w:fldChar w:fldCharType="begin"{dirty}/></w:r>',
            f'<w:r><w:instrText xml:space="preserve">{escape(f" {instruction} ")}</w:instrText></w:r>',
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>']
    if result is not None:
        runs.append(text_run_xml(result))
    return [*runs, '<w:r><w:fldChar w:fldCharType="end"/></w:r>']


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
