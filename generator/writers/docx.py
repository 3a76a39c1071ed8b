"""Write a rendered `Document` as a Word file built on templates/reference.docx.

Every look (fonts, sizes, spacing, page setup, the page-number footer) comes from the
reference document; this module only chooses style names and section breaks, so an officer
can restyle the output by editing reference.docx in Word.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from copy import deepcopy
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.coreprops import CoreProperties
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Twips
from lxml.etree import XMLSyntaxError, _Element

from generator.document import Document, Figure, GlossaryEntry, Heading, Paragraph, Part, Table
from generator.errors import Location, UserError, error, os_reason
from generator.readback.content import BodyBuilder, as_read
from generator.resources import TEMPLATES_DIR
from generator.writers.atomic import write_all
from generator.writers.docx_citations import citation_parts, embed_citations, snapshot_xml
from generator.writers.docx_fit import balanced, condensing, lone_last_character
from generator.writers.docx_package import package_members
from generator.writers.docx_private import (
    body_paragraph,
    core_properties,
    core_properties_part,
    part_xml,
)
from generator.writers.docx_table import CellStyle, TableStyles, table_grid, table_xml
from generator.writers.docx_toc import (
    TOC_LEVELS,
    TocEntry,
    bookmark_name,
    bookmark_xml,
    toc_xml,
)
from generator.writers.docx_xml import attr_value, clean, el, run_properties_xml, text_run_xml
from generator.writers.zipfix import zip_bytes

REFERENCE_DOCX = TEMPLATES_DIR / "reference.docx"

PARAGRAPH_STYLES = (
    "文档标题", "封面信息", "目录标题", "部分标题", "一级标题", "二级标题", "三级标题",
    "公文正文", "名词解释", "表号", "表标题", "表头信息", "表格表头", "表格文字",
    "表格文字居中", "表格金额", "表注", "图片", "图题", "toc 1", "toc 2", "toc 3",
)
CHARACTER_STYLES = ("名词术语",)
TABLE_STYLES = ("公开表格",)
REQUIRED_STYLES = PARAGRAPH_STYLES + CHARACTER_STYLES + TABLE_STYLES
HEADING_STYLES = {1: "一级标题", 2: "二级标题", 3: "三级标题"}
TITLE_STYLES = ("文档标题", "部分标题", "一级标题", "二级标题", "三级标题", "表标题", "图题")

TOC_PLACEHOLDER = "右键单击此处选择“更新域”以显示目录"


class ReferenceDocxError(UserError):
    """A reference document that cannot be used: missing, not a .docx, or lacking a style the
    writer uses (an officer may restyle reference.docx, but not delete or rename a style)."""

    def __init__(self, path: Path, missing: list[str], unreadable: str = "") -> None:
        self.path, self.missing = path, missing
        where = Location(file=str(path))
        hint = ("可在 Word 中按原名补上该样式（样式名须完全一致），或用 tools/make_reference_docx.py "
                "重新生成后再修改（见 docs/模板配置.md）")
        super().__init__([error("reference-style", f"样式参考文档缺少样式“{name}”", location=where, hint=hint)
                          for name in missing] if not unreadable else
                         [error("reference-unreadable", f"无法读取样式参考文档：{unreadable}", location=where,
                                hint="样式参考文档应是 Word 文档（.docx），见 docs/模板配置.md")])


def write_docx(doc: Document, path: Path, reference: Path | None = None) -> None:
    write_all({Path(path): docx_bytes(doc, reference)})


def check_reference(path: Path) -> None:
    """Raise ReferenceDocxError unless `path` is a usable reference document."""
    _reference(Path(path))


def docx_bytes(doc: Document, reference_docx: Path | None = None) -> bytes:
    """The finished .docx, built on `reference_docx` (default: the installed reference.docx)."""
    return zip_bytes(docx_members(doc, reference_docx))


def docx_members(doc: Document, reference_docx: Path | None = None) -> list[tuple[str, bytes]]:
    """The members of the .docx (zip_bytes makes the file): `build.py` deflates them on another
    thread while the workbook is made, and writes the file together with the other outputs."""
    reference = _reference(Path(reference_docx or REFERENCE_DOCX))
    if any(isinstance(block, Figure) for part in doc.parts for block in part.blocks):
        return _through_python_docx(doc, reference)  # pictures are added by python-docx
    document_xml, citations = _written(doc, reference, None)
    package = reference.package
    core = deepcopy(package.core)
    _set_properties(core_properties(core), doc)
    own = dict(zip(package.own, (document_xml, part_xml(core), *citations), strict=True))
    return [(name, own.get(name, content)) for name, content in package.members]


def _through_python_docx(doc: Document, reference: _Reference) -> list[tuple[str, bytes]]:
    """`docx_members` with every part put in through python-docx: documents with pictures
    (their image parts and relationships); tests check it gives the same members for the others."""
    word = _open_reference(reference)
    document_xml, citations = _written(doc, reference, word)
    _set_properties(word.core_properties, doc)
    _enable_field_update(word)
    embed_citations(word, citations)
    return package_members(word, {word.part: document_xml})


def _written(doc: Document, reference: _Reference, word: WordDocument | None
             ) -> tuple[bytes, tuple[bytes, bytes]]:
    """document.xml and the citation parts (`citation_parts`); `word`: the document pictures
    are added to."""
    flow = _Flow(reference, word)
    flow.front_landscape = doc.text_landscape
    _write_front_matter(flow, doc)
    for part in doc.parts:
        _write_part(flow, part, doc.text_landscape)
    flow.finish()
    # the parts whose text may cite figures (verify reads them), named unless it is the usual third part
    texts = [p for p in doc.parts if p.has("情况说明") or p.has("文字")]
    narrative = "\n".join(p.heading for p in texts) if len(texts) > 1 or (
        texts and doc.parts.index(texts[0]) != 2) else ""
    snapshot = snapshot_xml(flow.snapshot.body())
    return flow.document_xml(), citation_parts(doc.citations, narrative, snapshot, doc.uncited,
                                               doc.percents)


@dataclass(frozen=True)
class _Package:
    """The zip members of a document without pictures on one reference, as
    `_through_python_docx` writes them: all but four are the same for every document."""

    members: list[tuple[str, bytes]]
    own: tuple[str, str, str, str]  # the names of document.xml, core.xml and the citation parts
    core: _Element  # the core properties as the reference has them, to copy and fill in


def _package(reference: _Reference) -> _Package:
    """`_Reference.package`: the way `_through_python_docx` makes every part."""
    word = _open_reference(reference)
    core = core_properties_part(word)  # (made first if missing, as _set_properties would)
    _enable_field_update(word)
    item, props = embed_citations(word, (b"", b""))
    return _Package(members=package_members(word),
                    own=(word.part.partname.membername, core.partname.membername, item, props),
                    core=deepcopy(core.element))


@dataclass(frozen=True)
class _Reference:
    """What every document takes from the reference .docx, read once per process."""

    blob: bytes
    style_ids: dict[str, str]  # style name -> id, every style
    # What python-docx's `add_paragraph(style=name)` writes as w:pStyle; None for the
    # default paragraph style, which python-docx leaves implicit.
    paragraph_style_ids: dict[str, str | None]
    table_styles: TableStyles
    # Paragraph style name -> its 0-based outline level (following basedOn), None for body text:
    # what decides which headings the TOC field collects.
    outline_levels: dict[str, int | None]
    # Title and heading styles -> (size in pt, centred, first-line indent in twips): what
    # balancing their lines needs (see _Flow._title_run).
    title_shapes: dict[str, tuple[float, bool, float]]
    # The reference opened, its body emptied but for the section properties: `_package` and a
    # document with pictures start from a deep copy (a third of the time of opening it again).
    empty: WordDocument
    section: _Element  # the reference's section properties (w:sectPr), what every section starts from
    # document.xml up to the body's content and after it (root element, namespaces)
    document_ends: tuple[bytes, bytes]
    # Worked out on first use: section properties as XML text by (kind, landscape front
    # matter, first body section); text width by (kind, landscape front matter).
    sections: dict[tuple[str, bool, bool], bytes] = field(default_factory=dict)
    widths: dict[tuple[str, bool], int] = field(default_factory=dict)

    @cached_property
    def package(self) -> _Package:
        """The members of a document without pictures (`_package`), made on first use."""
        return _package(self)


_REFERENCES: dict[tuple[str, int, int], _Reference] = {}


def _reference(path: Path) -> _Reference:
    """Cached by path, size and modification time, like profiles: looking styles up in
    styles.xml for every paragraph and re-reading the file took a third of the writer's time."""
    try:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        blob = path.read_bytes() if key not in _REFERENCES else b""
    except OSError as e:
        raise ReferenceDocxError(path, [], os_reason(e)) from e
    if key not in _REFERENCES:
        try:
            word = docx.Document(io.BytesIO(blob))
        except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError, XMLSyntaxError) as e:
            raise ReferenceDocxError(path, [], "不是有效的 Word 文档（.docx）") from e
        names = {s.name for s in word.styles}
        missing = [n for n in REQUIRED_STYLES if n not in names]
        if missing:
            raise ReferenceDocxError(path, missing)
        ids = {s.name: s.style_id for s in word.styles}

        def cell_style(name: str) -> CellStyle:
            return CellStyle(ids[name], _style_fonts(word, name), style_size(word, name))

        _REFERENCES[key] = _Reference(
            blob=blob,
            style_ids=ids,
            paragraph_style_ids={name: word.styles.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
                                 for name in PARAGRAPH_STYLES},
            table_styles=TableStyles(
                table_id=ids["公开表格"],
                header=cell_style("表格表头"),
                left=cell_style("表格文字"),
                center=cell_style("表格文字居中"),
                right=cell_style("表格金额"),
            ),
            outline_levels={name: _outline_level(word, name) for name in PARAGRAPH_STYLES},
            title_shapes={name: _title_shape(word, name) for name in TITLE_STYLES},
            empty=_emptied(word),  # (its styles were read above)
            section=deepcopy(word.element.body.find(qn("w:sectPr"))),
            document_ends=_document_ends(word),
        )
    return _REFERENCES[key]


def _open_reference(reference: _Reference) -> WordDocument:
    return deepcopy(reference.empty)


def _emptied(word: WordDocument) -> WordDocument:
    body = word.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return word


def _document_ends(word: WordDocument) -> tuple[bytes, bytes]:
    """document.xml as python-docx's save() writes it, cut where the body's content goes."""
    root = deepcopy(word.element)
    body = root.find(qn("w:body"))
    for child in list(body):
        body.remove(child)
    body.append(el("w:tbl"))
    start, end = part_xml(root).split(_STAND_IN)
    return start, end


class _Flow:
    """Appends paragraphs and tables in order and places the section breaks.

    A Word section's properties sit on its *last* paragraph, so a section is closed only when
    the next one is known. Sections: the front matter (cover and 目录, no footer), then body
    sections, portrait or landscape, whose page numbers start at 1 and run on throughout.

    The body is written as XML text, piece by piece, exactly as lxml serializes it inside
    document.xml: the document is only ever written, and making its thousands of elements one
    by one, then serializing them, was most of the writer's time.
    """

    def __init__(self, reference: _Reference, word: WordDocument | None) -> None:
        self.word = word  # the document pictures are added to (None: there are none)
        self.reference = reference
        self.kind = "front"  # "front" | "portrait" | "landscape"
        self.first_body = True
        self.page_top = True  # nothing on the current page yet but (perhaps) a part heading
        self.style_ids = reference.style_ids
        self.paragraph_style_ids = reference.paragraph_style_ids
        self.table_styles = reference.table_styles
        self.pieces: list[bytes] = []  # the body's paragraphs and tables as XML, in order
        self.last_paragraph: int | None = None  # the index of the last piece, if a paragraph
        self.outline_levels = reference.outline_levels
        self.title_shapes = reference.title_shapes
        self.snapshot = BodyBuilder()  # the document as verify will read it back
        self.toc_entries: list[TocEntry] = []
        self.toc_anchor: int | None = None  # the piece the 目录 entries replace
        self.front_landscape = False  # the cover and 目录 printed landscape (正文方向: 横向)

    def paragraph(self, text: str, style: str, new_page: bool = False,
                  outline: bool = True, toc_text: str = "", read_as: str | None = None,
                  runs: str = "", tab: int = 0) -> int:
        """`outline=False` keeps a paragraph of a heading style (a chart caption, the title of a
        table inside the narrative) out of the 目录 and the navigation pane; `toc_text` is its
        目录 entry when that differs from its text ("一、收入支出决算总表"); `runs`: more runs
        (XML text) after the text's; `read_as`: the paragraph's whole text when there are such
        runs; `tab`: a right-aligned tab stop at this position (twips). Returns its piece's
        index."""
        self.snapshot.paragraph(style, as_read(clean(text if read_as is None else read_as)))
        # The w:p python-docx's add_paragraph(style=...) makes, its w:pPr children in schema
        # order (w:pStyle, w:pageBreakBefore, w:tabs, w:outlineLvl).
        properties = _style_properties(self.paragraph_style_ids[style])
        if new_page and not self.page_top:
            properties += "<w:pageBreakBefore/>"
        if tab:
            properties += f'<w:tabs><w:tab w:pos="{tab}" w:val="right"/></w:tabs>'
        level = self.outline_levels[style]
        if not outline and level is not None:
            properties += '<w:outlineLvl w:val="9"/>'  # body text
        xml = f"<w:p><w:pPr>{properties}</w:pPr>" if properties else "<w:p><w:pPr/>"
        if text:
            run = self._title_run(text, style)
            if outline and level is not None and level < TOC_LEVELS:
                n = len(self.toc_entries) + 1
                start, end = bookmark_xml(n)
                run = start + run + end
                entry = " ".join((toc_text or text).split())
                self.toc_entries.append(TocEntry(level + 1, entry, bookmark_name(n),
                                                 own_text=entry != " ".join(text.split())))
            xml += run
        return self._add_paragraph((xml + runs + "</w:p>").encode())

    def _add_paragraph(self, xml: bytes) -> int:
        self.last_paragraph = len(self.pieces)
        self.pieces.append(xml)
        self.page_top = False
        return self.last_paragraph

    def picture(self, png: bytes, width: Length) -> None:
        """A paragraph of style 图片 holding the picture (python-docx adds the image part)."""
        self.snapshot.paragraph("图片", "")
        p = deepcopy(_empty_paragraph(self.paragraph_style_ids["图片"]))
        # In the document's tree: python-docx numbers a picture after the ones already there.
        self.word.element.body.find(qn("w:sectPr")).addprevious(p)
        body_paragraph(p, self.word).add_run().add_picture(io.BytesIO(png), width=width)
        self._add_paragraph(_serialized(self.word.element, p))

    def _title_run(self, text: str, style: str) -> str:
        """A title or heading never ends with one character alone on its last line: a centred
        one is broken into even lines (…管理局 / 2020年度部门决算), a left-aligned one set a
        little tighter when that pulls the character back."""
        shape = self.title_shapes.get(style)
        if shape is None:
            return text_run_xml(text)
        size, centred, indent = shape
        width = self.usable_width()
        if centred:
            return text_run_xml(balanced(text, size, width - indent))
        spacing = (condensing(text, size, width, indent)
                   if lone_last_character(text, size, width, indent) else 0)
        return text_run_xml(text, run_properties_xml(spacing=spacing))

    def table(self, xml: bytes, table: Table) -> None:
        self.pieces.append(xml)
        self.last_paragraph = None
        self.snapshot.table(table.header_rows, table_grid(table))
        self.page_top = False

    def document_xml(self) -> bytes:
        """document.xml: the reference's, its body replaced by the pieces."""
        start, end = self.reference.document_ends
        return b"".join([start, *self.pieces, end])

    def usable_width(self) -> int:
        """The text width of the current section's pages (by section kind, worked out once)."""
        key = (self.kind, self.front_landscape)
        width = self.reference.widths.get(key)
        if width is None:
            sect = _section_properties(self.reference.section, self.kind, self.front_landscape, False)
            size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
            width = self.reference.widths[key] = (int(size.get(qn("w:w"))) - int(margins.get(qn("w:left")))
                                                  - int(margins.get(qn("w:right"))))
        return width

    def switch_to(self, kind: str) -> None:
        if kind == self.kind:
            return
        sect = self._section_xml()
        last = self.last_paragraph
        if last is None or self.kind == "front":
            # The 目录 field is replaced when Word updates it; keep the break out of it.
            self._add_paragraph(b"<w:p><w:pPr>" + sect + b"</w:pPr></w:p>")
        else:  # at the end of the last paragraph's w:pPr
            p = self.pieces[last]
            if p.startswith(_BARE_PARAGRAPH):
                self.pieces[last] = b"<w:p><w:pPr>" + sect + b"</w:pPr>" + p[len(_BARE_PARAGRAPH):]
            else:
                at = p.index(b"</w:pPr>")
                self.pieces[last] = p[:at] + sect + p[at:]
        self.first_body = self.kind == "front"
        self.kind = kind
        self.page_top = True

    def finish(self) -> None:
        if self.toc_anchor is not None:
            styles = {n: self.paragraph_style_ids[f"toc {n}"] for n in range(1, TOC_LEVELS + 1)}
            # A 目录 whose entries are not their headings' text ("一、收入支出决算总表" for the
            # title 收入支出决算总表) would lose them when Word or LibreOffice rebuilds a TOC field
            # from the headings (every --pdf does): such a 目录 is fixed text, only its page
            # numbers are fields (PAGEREF), which every update refreshes.
            fixed = any(entry.own_text for entry in self.toc_entries)
            self.pieces[self.toc_anchor] = toc_xml(self.toc_entries, styles, TOC_PLACEHOLDER,
                                                   field=not fixed).encode()
        self.pieces.append(self._section_xml())

    def _section_xml(self) -> bytes:
        """The properties of the section that ends here (of the current kind), as XML:
        made and serialized once per reference document and kind."""
        kind = self.kind
        key = (kind, kind == "front" and self.front_landscape,
               kind != "front" and self.first_body)
        xml = self.reference.sections.get(key)
        if xml is None:
            sect = _section_properties(self.reference.section, *key)
            root = deepcopy(self.reference.empty.element)
            root.find(qn("w:body")).append(sect)
            xml = self.reference.sections[key] = _serialized(root, sect)
        return xml


def _serialized(root: _Element, element: _Element) -> bytes:
    """`element`, which sits in the body of document.xml's `root`, as it is written there."""
    marks = el("w:tbl"), el("w:tbl")
    element.addprevious(marks[0])
    element.addnext(marks[1])
    try:
        return part_xml(root).split(_STAND_IN)[1]
    finally:
        for mark in marks:
            mark.getparent().remove(mark)


_STAND_IN = b"<w:tbl/>"  # how lxml writes an empty w:tbl; no real table is empty
_BARE_PARAGRAPH = b"<w:p><w:pPr/>"


def _section_properties(template: _Element, kind: str, landscape_front: bool,
                        first_body: bool) -> _Element:
    """The reference's section properties for a section of `kind`: the front matter without
    footers (landscape if `landscape_front`), a body section's page numbers starting at 1 in
    the first body section."""
    sect = deepcopy(template)
    if kind == "front":
        for ref in sect.findall(qn("w:headerReference")) + sect.findall(qn("w:footerReference")):
            sect.remove(ref)
        if landscape_front:
            _make_landscape(sect)
        return sect
    if kind == "landscape":
        _make_landscape(sect)
    if first_body:
        before = sect.find(qn("w:cols"))
        start = el("w:pgNumType", start="1")
        if before is not None:
            before.addprevious(start)
        else:
            sect.find(qn("w:pgMar")).addnext(start)
    return sect


@lru_cache(maxsize=64)
def _style_properties(style_id: str | None) -> str:
    """The w:pStyle of a paragraph (none for the default paragraph style) as XML text."""
    return "" if style_id is None else f"<w:pStyle w:val={attr_value(style_id)}/>"


_EMPTY_PARAGRAPHS: dict[str | None, _Element] = {}


def _empty_paragraph(style_id: str | None) -> _Element:
    """A w:p holding only its w:pPr (and w:pStyle), to copy."""
    p = _EMPTY_PARAGRAPHS.get(style_id)
    if p is None:
        p, p_pr = el("w:p"), el("w:pPr")
        if style_id is not None:
            p_pr.append(el("w:pStyle", val=style_id))
        p.append(p_pr)
        _EMPTY_PARAGRAPHS[style_id] = p
    return p


def _make_landscape(sect: _Element) -> None:
    """Swap the page and turn the margins with it: the portrait binding margin becomes top."""
    size, m = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    w, h = size.get(qn("w:w")), size.get(qn("w:h"))
    size.set(qn("w:w"), h)
    size.set(qn("w:h"), w)
    size.set(qn("w:orient"), "landscape")
    top, bottom, left, right = (m.get(qn(f"w:{s}")) for s in ("top", "bottom", "left", "right"))
    for side, value in (("top", left), ("bottom", right), ("left", top), ("right", bottom)):
        m.set(qn(f"w:{side}"), value)
    # The portrait footer distance would put the page number inside the narrower margin.
    m.set(qn("w:footer"), str(min(int(m.get(qn("w:footer"))), int(right) * 3 // 5)))


def style_size(word: WordDocument, name: str) -> float:
    """The style's font size in points, following basedOn (10.5 pt, Word's default, if none)."""
    style = word.styles[name]
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return 10.5


def _title_shape(word: WordDocument, name: str) -> tuple[float, bool, float]:
    size = style_size(word, name)
    style = word.styles[name]
    centred, indent = False, 0.0
    while style is not None:
        ppr = style.element.find(qn("w:pPr"))
        jc = ppr.find(qn("w:jc")) if ppr is not None else None
        ind = ppr.find(qn("w:ind")) if ppr is not None else None
        if jc is not None:
            centred = jc.get(qn("w:val")) == "center"
        if ind is not None:
            chars = ind.get(qn("w:firstLineChars"))
            indent = (int(chars) / 100 * size * 20 if chars
                      else float(ind.get(qn("w:firstLine"), "0")))
        if jc is not None or ind is not None:
            break
        style = style.base_style
    return size, centred, indent


def _outline_level(word: WordDocument, name: str) -> int | None:
    style = word.styles[name]
    while style is not None:
        level = style.element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if level is not None:
            value = int(level.get(qn("w:val")))
            return value if value < 9 else None
        style = style.base_style
    return None


def _style_fonts(word: WordDocument, name: str) -> dict[str, str]:
    """The style's rFonts, following basedOn, as attributes to repeat on runs."""
    style = word.styles[name]
    while style is not None:
        fonts = style.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return {k.split("}")[1]: v for k, v in fonts.attrib.items()}
        style = style.base_style
    raise ReferenceDocxError(REFERENCE_DOCX, [f"{name}（未设置中文字体 w:eastAsia）"])


def _write_front_matter(flow: _Flow, doc: Document) -> None:
    flow.paragraph(doc.title, "文档标题")
    for line in doc.cover:
        flow.paragraph(line, "封面信息")
    if doc.toc:
        flow.paragraph("目  录", "目录标题", new_page=True)
        flow.toc_anchor = flow.paragraph("", "toc 1")


def _write_part(flow: _Flow, part: Part, text_landscape: bool = False) -> None:
    first = part.blocks[0] if part.blocks else None
    landscape = first.landscape if isinstance(first, Table) and first.number else text_landscape
    flow.switch_to("landscape" if landscape else "portrait")
    flow.paragraph(part.heading, "部分标题", new_page=True)
    flow.page_top = True  # the first table may share the part heading's page
    for block in part.blocks:
        if not (isinstance(block, Table) and block.number):  # text after a table: the text's pages
            flow.switch_to("landscape" if text_landscape else "portrait")
        if isinstance(block, Heading):
            flow.paragraph(block.text, HEADING_STYLES[block.level])
        elif isinstance(block, Paragraph):
            flow.paragraph(block.text, "公文正文")
        elif isinstance(block, GlossaryEntry):
            term = f"<w:rPr><w:rStyle w:val={attr_value(flow.style_ids['名词术语'])}/></w:rPr>"
            flow.paragraph("", "名词解释", read_as=f"{block.term}：{block.explanation}",
                           runs=text_run_xml(f"{block.term}：", term) + text_run_xml(block.explanation))
        elif isinstance(block, Table):
            _write_table(flow, block)
        elif isinstance(block, Figure):
            _write_figure(flow, block)
        else:
            raise TypeError(f"unknown block {type(block).__name__}")


def _write_table(flow: _Flow, table: Table) -> None:
    if not table.number:  # a table inside the narrative (重点项目): inline, no 表号 or labels
        flow.paragraph(table.title, "表标题", outline=False)
        flow.table(table_xml(table, flow.usable_width(), flow.table_styles), table)
        for note in table.notes:
            flow.paragraph(note, "表注")
        return
    flow.switch_to("landscape" if table.landscape else "portrait")
    caption = table.number if table.caption is None else table.caption
    if caption:
        flow.paragraph(caption, "表号", new_page=True)
    flow.paragraph(table.title, "表标题", new_page=not caption, outline=table.toc is not None,
                   toc_text=table.toc or "")
    if table.org_label or table.unit_label:
        # The right tab sits on the text edge, which differs between portrait and landscape.
        flow.paragraph(f"{table.org_label}\t{table.unit_label}", "表头信息", tab=flow.usable_width())
    flow.table(table_xml(table, flow.usable_width(), flow.table_styles), table)
    for note in table.notes:
        flow.paragraph(note, "表注")


def _write_figure(flow: _Flow, figure: Figure) -> None:
    """The picture centred in its own paragraph (style 图片: automatic line height, kept with
    the next paragraph), its caption (图n …, style 图题) under it on the same page."""
    flow.picture(figure.png, min(Cm(figure.width_cm), Twips(flow.usable_width())))
    flow.paragraph(figure.caption, "图题")


def _set_properties(props: CoreProperties, doc: Document) -> None:
    # Fixed by the report year, never the clock: the same input gives the same bytes.
    stamp = dt.datetime(doc.year + 1, 1, 1, tzinfo=dt.timezone.utc)
    props.title = clean(doc.title)
    props.subject = clean(doc.subject)
    props.author = clean(doc.department)
    props.keywords = clean(", ".join(doc.keywords))
    props.category = clean(doc.category)
    props.comments = ""
    props.last_modified_by = "gen-report"
    props.created = props.modified = stamp
    props.revision = 1


def _enable_field_update(word: WordDocument) -> None:
    """Ask Word to refresh fields (the 目录) on open; schema order puts it before w:compat."""
    settings = word.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    update = el("w:updateFields", val="true")
    anchor = next((settings.find(qn(t)) for t in ("w:hdrShapeDefaults", "w:footnotePr",
                                                  "w:endnotePr", "w:compat", "w:docVars",
                                                  "w:rsids") if settings.find(qn(t)) is not None),
                  None)
    if anchor is not None:
        anchor.addprevious(update)
    else:
        settings.append(update)
