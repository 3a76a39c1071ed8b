"""Small WordprocessingML helpers shared by the docx writer and its table builder."""

from __future__ import annotations

from functools import lru_cache

from docx.oxml.ns import NamespacePrefixedTag, qn
from lxml.etree import _Element

from generator.chars import escape, xml_clean
from generator.writers.docx_private import make_element

# \t \n \r stay: they become w:tab / w:br.
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ATTR_ESCAPES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def clean(text: str) -> str:
    return xml_clean(text)


def el(tag: str, **attrs: str) -> _Element:
    """A w:* element with w:* attributes (`el("w:jc", val="center")`)."""
    clark, nsmap = _tag(tag)
    # docx.oxml.OxmlElement, minus parsing the prefixed tag every time (a large table makes
    # hundreds of thousands of elements); same element classes, same XML.
    element = make_element(clark, nsmap)
    for key, value in attrs.items():
        element.set(_attr(key), value)
    return element


@lru_cache(maxsize=256)
def _tag(tag: str) -> tuple[str, dict[str, str]]:
    nsptag = NamespacePrefixedTag(tag)
    return nsptag.clark_name, nsptag.nsmap


@lru_cache(maxsize=256)
def _attr(key: str) -> str:
    return qn(f"w:{key}")


def text_run(text: str) -> _Element:
    """A w:r holding `text`, with tabs and line breaks as Word expects them, as an element
    (for a tree being edited: the 目录's page numbers); the writers write `text_run_xml`."""
    run = el("w:r")
    lines = clean(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if i:
            run.append(el("w:br"))
        for j, chunk in enumerate(line.split("\t")):
            if j:
                run.append(el("w:tab"))
            if chunk:
                t = el("w:t")
                t.set(XML_SPACE, "preserve")
                t.text = chunk
                run.append(t)
    return run


def attr_value(value: str) -> str:
    """`value` quoted and escaped for an attribute in XML text."""
    return '"' + escape(value, _ATTR_ESCAPES) + '"'


def run_properties_xml(fonts: dict[str, str] | None = None, bold: bool = False,
                       half_points: int | None = None, spacing: int = 0) -> str:
    """The w:rPr of a run with these fonts and weight, as XML text (`text_run_xml`); a size
    (half-points) and a character spacing (twentieths of a point) when they differ from the
    style's."""
    if not (fonts or bold or half_points or spacing):
        return ""
    font_attrs = "".join(f" w:{k}={attr_value(v)}" for k, v in fonts.items()) if fonts else ""
    return ("<w:rPr>" + (f"<w:rFonts{font_attrs}/>" if fonts else "")
            + ("<w:b/><w:bCs/>" if bold else "")
            + (f'<w:spacing w:val="{spacing}"/>' if spacing else "")
            + (f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
               if half_points else "") + "</w:rPr>")


def text_run_xml(text: str, run_properties: str = "") -> str:
    """`text_run` as XML text, exactly as lxml serializes it (w: prefix, no namespace
    declaration, empty elements self-closed), for builders that write many runs as one
    string; `run_properties` from `run_properties_xml`."""
    if text.isprintable():  # nearly every run: no tab, no line break, nothing XML forbids
        if not text:
            return f"<w:r>{run_properties}</w:r>" if run_properties else "<w:r/>"
        return f'<w:r>{run_properties}<w:t xml:space="preserve">{escape_text(text)}</w:t></w:r>'
    text = clean(text)
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return f'<w:r>{run_properties}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' \
            if text else (f"<w:r>{run_properties}</w:r>" if run_properties else "<w:r/>")
    out = ["<w:r>", run_properties]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if i:
            out.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if chunk:
                out.append(f'<w:t xml:space="preserve">{escape(chunk)}</w:t>')
    out.append("</w:r>")
    return "".join(out)


def escape_text(text: str) -> str:
    """`text` as lxml writes a text node: &, < and > escaped (saxutils.escape, quicker when,
    as nearly always, there is nothing to escape)."""
    if "&" in text or "<" in text or ">" in text:
        return escape(text)
    return text
