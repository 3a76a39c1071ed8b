"""Every use of python-docx beyond its documented API, in one place.

The Word writer builds XML directly for speed and byte-identical output, which needs a few
python-docx internals. They are wrapped here so that a python-docx upgrade is checked in one
module; pyproject.toml pins python-docx to the range these were tested with (1.2.x).
"""

from __future__ import annotations

from collections.abc import Iterable

from docx.document import Document as WordDocument
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import Part, XmlPart
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml.parser import oxml_parser
from docx.text.paragraph import Paragraph
from lxml.etree import _Element


def content_types_blob(parts: Iterable[Part]) -> bytes:
    """[Content_Types].xml for the package's parts, as python-docx's save() writes it."""
    return _ContentTypesItem.from_parts(parts).blob


def part_xml(element: _Element) -> bytes:
    """A part's XML as python-docx's save() serializes it (declaration, standalone)."""
    return serialize_part_xml(element)


def make_element(clark: str, nsmap: dict[str, str]) -> _Element:
    """An element of python-docx's own classes (what docx.oxml.OxmlElement makes)."""
    return oxml_parser.makeelement(clark, nsmap=nsmap)


def body_paragraph(element: _Element, word: WordDocument) -> Paragraph:
    """A w:p of the body as a python-docx Paragraph."""
    return Paragraph(element, word._body)




def core_properties_part(word: WordDocument) -> XmlPart:
    """The package's docProps/core.xml part (python-docx makes a default one if it has none)."""
    return word.part.package._core_properties_part


def core_properties(element: _Element) -> CoreProperties:
    """python-docx's CoreProperties over a core.xml root element."""
    return CoreProperties(element)
