"""Build templates/reference.docx: the Word style reference the docx writer fills (the pandoc idea).

Run from the repository root: `python tools/make_reference_docx.py`. The writer opens this file,
empties its body and keeps its styles, page setup and footer, so an officer can restyle the
generated documents in Word by editing this one file. Typography follows GB/T 9704 as the
published 部门预决算 documents use it (docs: domain-notes §8).

Style names are Chinese where Word allows a custom name. Names that Chinese Word already shows
for a built-in style are avoided ("正文" is Normal, "页码" is page number, "标题 1" is Heading 1),
because a custom style with the same display name confuses Word's style gallery; for the
footer and the TOC levels we redefine the built-in styles instead (shown as 页脚, 目录 1…3).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.styles import CT_Style
from docx.oxml.text.run import CT_R
from docx.shared import Cm, Pt
from lxml.etree import _Element

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.writers.zipfix import normalized_zip  # noqa: E402

LATIN = "Times New Roman"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
XIAOBIAOSONG = "方正小标宋简体"

BODY_LINE = Pt(28.95)  # GB/T 9704: 22 lines on the type area at 三号
PORTRAIT_TEXT_WIDTH = Cm(21.0 - 2.8 - 2.6)

# Styles a fresh python-docx document carries that the writer needs or Word requires.
KEEP_BUILTIN = {"Normal", "Default Paragraph Font", "Normal Table", "No List", "Footer"}


@dataclass(frozen=True)
class ParaStyle:
    name: str
    style_id: str  # ASCII, as Word itself writes ids; the name is what officers see
    east_asia: str
    size: float
    align: str = "justify"  # w:jc value
    bold: bool = False
    first_line_chars: int = 0  # hundredths of a character, as w:firstLineChars
    exact_line: bool = True  # exact 28.95 pt; tables, titles use single spacing
    line: float | None = None  # another exact line height, in points
    outline: int | None = None  # 0-based w:outlineLvl: what the TOC field collects
    keep_next: bool = False
    before: float = 0.0
    after: float = 0.0


PARA_STYLES: tuple[ParaStyle, ...] = (
    ParaStyle("文档标题", "DocTitle", XIAOBIAOSONG, 22, "center", exact_line=False, before=160, after=24),
    ParaStyle("封面信息", "CoverInfo", KAITI, 16, "center", exact_line=False, after=12),
    ParaStyle("目录标题", "TocTitle", XIAOBIAOSONG, 22, "center", exact_line=False, after=24),
    ParaStyle("部分标题", "PartHeading", HEITI, 16, "center", outline=0, keep_next=True, before=12, after=12),
    ParaStyle("一级标题", "HeadingOne", HEITI, 16, first_line_chars=200, outline=1, keep_next=True),
    ParaStyle("二级标题", "HeadingTwo", KAITI, 16, first_line_chars=200, outline=2, keep_next=True),
    ParaStyle("三级标题", "HeadingThree", FANGSONG, 16, bold=True, first_line_chars=200, outline=3,
              keep_next=True),
    ParaStyle("公文正文", "OfficialBody", FANGSONG, 16, first_line_chars=200),
    ParaStyle("名词解释", "Glossary", FANGSONG, 16, first_line_chars=200),
    ParaStyle("表号", "TableNumber", HEITI, 14, "center", exact_line=False, keep_next=True),
    ParaStyle("表标题", "TableTitle", XIAOBIAOSONG, 18, "center", exact_line=False, outline=1,
              keep_next=True, before=6, after=6),
    ParaStyle("表头信息", "TableLabels", SONGTI, 11, "left", exact_line=False, keep_next=True, after=3),
    ParaStyle("表格表头", "TableHeader", SONGTI, 10, "center", bold=True, exact_line=False),
    ParaStyle("表格文字", "TableText", SONGTI, 10, "left", exact_line=False),
    ParaStyle("表格文字居中", "TableTextCenter", SONGTI, 10, "center", exact_line=False),
    ParaStyle("表格金额", "TableAmount", SONGTI, 10, "right", exact_line=False),
    ParaStyle("表注", "TableNote", SONGTI, 10, "left", exact_line=False, before=3),
    # A picture's own paragraph: single (automatic) spacing, never an exact line height, which
    # Word, WPS and LibreOffice all apply to inline pictures and so clip them to one line.
    ParaStyle("图片", "Picture", SONGTI, 10, "center", exact_line=False, keep_next=True, before=6),
    ParaStyle("图题", "FigureCaption", HEITI, 12, "center", exact_line=False, after=6),
    # 四号 on 20 pt lines: a 目录 of the parts, sections and every table (up to ~28 lines)
    # fits on the one page after the cover.
    ParaStyle("toc 1", "TOC1", HEITI, 14, "left", line=20),
    ParaStyle("toc 2", "TOC2", FANGSONG, 14, "left", first_line_chars=0, line=20),
    ParaStyle("toc 3", "TOC3", KAITI, 14, "left", line=20),
)
TOC_INDENT = {"toc 2": Cm(0.85), "toc 3": Cm(1.7)}


def name_font_slots(fonts: Any, east_asia: str) -> None:
    """Replace a w:rFonts element's attributes: Latin slots Times New Roman, East Asian `east_asia`."""
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), LATIN)


def set_fonts(rpr_parent: CT_Style | CT_R, east_asia: str) -> None:
    """Name every font slot explicitly: theme fonts or a missing w:eastAsia make Word fall
    back to a Japanese face for Chinese text."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    name_font_slots(fonts, east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def set_ppr_child(ppr: _Element, tag: str, **attrs: str) -> None:
    """Replace one pPr child; `_reorder_ppr` puts the children back in schema order."""
    old = ppr.find(qn(tag))
    if old is not None:
        ppr.remove(old)
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    ppr.append(el)


def define_paragraph_style(doc: WordDocument, spec: ParaStyle) -> None:
    styles = doc.styles
    style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = spec.style_id
    style.base_style = styles["Normal"]
    style.quick_style = True
    style.hidden = False
    style.unhide_when_used = False
    style.font.size = Pt(spec.size)
    style.font.bold = spec.bold
    set_fonts(style.element, spec.east_asia)
    pf = style.paragraph_format
    pf.space_before = Pt(spec.before)
    pf.space_after = Pt(spec.after)
    pf.keep_with_next = spec.keep_next or None
    if spec.line is not None:
        pf.line_spacing = Pt(spec.line)
    elif spec.exact_line:
        pf.line_spacing = BODY_LINE  # python-docx writes lineRule="exact" for a Length
    else:
        pf.line_spacing = 1.0
    ppr = style.element.get_or_add_pPr()
    # Character-unit indent follows the font size; the twip value serves readers without it.
    first = int(spec.first_line_chars / 100 * spec.size * 20)
    if spec.name in TOC_INDENT:
        set_ppr_child(ppr, "w:ind", left=str(TOC_INDENT[spec.name].twips))
    else:
        set_ppr_child(ppr, "w:ind", firstLine=str(first), firstLineChars=str(spec.first_line_chars))
    set_ppr_child(ppr, "w:jc", val=spec.align)
    if spec.outline is not None:
        set_ppr_child(ppr, "w:outlineLvl", val=str(spec.outline))
    if spec.name.startswith("toc"):
        pf.tab_stops.add_tab_stop(PORTRAIT_TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    _reorder_ppr(ppr)


PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "numPr",
             "pBdr", "shd", "tabs", "spacing", "ind", "jc", "outlineLvl", "rPr"]


def _reorder_ppr(ppr: _Element) -> None:
    """Word rejects out-of-order pPr children ("unreadable content"), so sort to the schema."""
    children = list(ppr)
    rank = {qn(f"w:{t}"): i for i, t in enumerate(PPR_ORDER)}
    for child in children:
        ppr.remove(child)
    for child in sorted(children, key=lambda c: rank.get(c.tag, 50)):
        ppr.append(child)


def define_character_style(doc: WordDocument) -> None:
    style = doc.styles.add_style("名词术语", WD_STYLE_TYPE.CHARACTER)
    style.style_id = "GlossaryTerm"
    style.quick_style = True
    style.font.bold = True
    set_fonts(style.element, FANGSONG)


def define_table_style(doc: WordDocument) -> None:
    """Thin single borders on every edge; the writer repeats them on each table so that
    readers ignoring table styles (older LibreOffice, WPS) still draw the grid."""
    style = doc.styles.add_style("公开表格", WD_STYLE_TYPE.TABLE)
    style.style_id = "DisclosureTable"
    style.base_style = doc.styles["Normal Table"]
    set_fonts(style.element, SONGTI)
    tblpr = style.element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        style.element.append(tblpr)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{edge}")
        for k, v in {"val": "single", "sz": "4", "space": "0", "color": "000000"}.items():
            b.set(qn(f"w:{k}"), v)
        borders.append(b)
    tblpr.append(borders)


def restyle_builtins(doc: WordDocument) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(16)
    set_fonts(normal.element, FANGSONG)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    footer = styles["Footer"]
    footer.base_style = normal
    footer.font.size = Pt(14)
    set_fonts(footer.element, SONGTI)
    footer_ppr = footer.element.get_or_add_pPr()
    tabs = footer_ppr.find(qn("w:tabs"))
    if tabs is not None:  # US-letter tab stops from python-docx's template
        footer_ppr.remove(tabs)
    set_ppr_child(footer_ppr, "w:jc", val="center")
    _reorder_ppr(footer.element.get_or_add_pPr())
    # Drop the Header/Footer "Char" link and the default template's 160 styles nobody uses,
    # so the style pane an officer sees lists this document's styles.
    for style in list(styles):
        if style.name not in KEEP_BUILTIN:
            style.element.getparent().remove(style.element)
    link = footer.element.find(qn("w:link"))
    if link is not None:
        footer.element.remove(link)


def set_document_defaults(doc: WordDocument) -> None:
    """docDefaults and themeFontLang point at Latin/Japanese theme fonts in python-docx's
    template; Chinese text must never reach them."""
    styles_el = doc.styles.element
    rpr = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    name_font_slots(fonts, FANGSONG)
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    ppr = styles_el.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    settings = doc.settings.element
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")


def set_page(doc: WordDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)
    paragraph = section.footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"),
                       ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            el.text = text
            run._r.append(el)
        elif kind == "text":
            run.add_text(text or "")
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
    paragraph.add_run(" —")
    for r in paragraph.runs:
        set_fonts(r._r, SONGTI)


def set_properties(doc: WordDocument) -> None:
    props = doc.core_properties
    fixed = dt.datetime(2024, 1, 1)
    props.title = "部门预决算公开文档样式参考"
    props.author = props.last_modified_by = "gen-report"
    props.created = props.modified = fixed
    props.revision = 1
    props.comments = props.subject = props.keywords = props.category = ""


def build() -> bytes:
    doc = Document()
    set_document_defaults(doc)
    restyle_builtins(doc)
    for spec in PARA_STYLES:
        define_paragraph_style(doc, spec)
    define_character_style(doc)
    define_table_style(doc)
    set_page(doc)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    # A visible sample paragraph per style lets an officer see the look while editing.
    for spec in PARA_STYLES:
        if not spec.name.startswith("toc"):
            doc.add_paragraph(f"{spec.name}：样式示例 2020年 1,234.56", style=spec.name)
    set_properties(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return normalized_zip(buf.getvalue())


def main() -> None:
    out = ROOT / "templates" / "reference.docx"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build())
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
