"""One filter of the characters XML 1.0 forbids (generator/chars.py), for both writers and
for the input check: U+FFFE, U+FFFF and lone surrogates included (the Excel writer used to
let U+FFFE through into a sheet that was not well-formed XML)."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.chars import INPUT_REFUSED, xml_clean
from generator.document import Cell, Paragraph, Part
from generator.writers.docx import docx_bytes
from generator.writers.xlsx import xlsx_bytes
from tests.sample_document import sample_document

BAD = ["\x00", "\x01", "\x0b", "\x1f", "\ufffe", "\uffff", "\ud800"]


@pytest.mark.parametrize("char", BAD)
def test_the_filter_removes_what_xml_forbids_and_keeps_tab_and_newlines(char: str) -> None:
    assert xml_clean(f"甲{char}乙\t丙\n丁\r") == "甲乙\t丙\n丁\r"
    assert INPUT_REFUSED.search(char) and INPUT_REFUSED.search("\x7f")
    assert not INPUT_REFUSED.search("甲\t乙\n")


def _with(char: str):  # noqa: ANN202
    doc = sample_document()
    table = doc.tables()[0]
    rows = (tuple(Cell(f"名称{char}") if i == 0 else c for i, c in enumerate(table.rows[0])), *table.rows[1:])
    table = dataclasses.replace(table, rows=rows, title=f"表题{char}")
    return dataclasses.replace(doc, title=f"标题{char}", parts=(
        Part("概况", f"第一部分{char}", (Paragraph(f"正文{char}内容"),)), Part("表格", "第二部分", (table,))))


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\x0b", "\x01"])
@pytest.mark.parametrize("writer", [xlsx_bytes, docx_bytes])
def test_every_part_of_both_outputs_is_well_formed_xml(char: str, writer, tmp_path: Path) -> None:  # noqa: ANN001
    data = writer(_with(char))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                text = z.read(name)
                etree.fromstring(text)  # raises on a character XML forbids
                assert char.encode("utf-8", "surrogatepass") not in text, name


def test_escape_and_quoteattr_write_what_saxutils_writes():
    # generator.chars escapes as xml.sax.saxutils does, without importing it (start-up)
    from xml.sax import saxutils

    from generator.chars import escape, quoteattr

    samples = ["", "plain 文字", "a & b < c > d", "&amp;", "\"双\"", "'单'", "\"'both'\"", "x\ny\rz\tw",
               "<\"&'>\n", "\r\n", "中文（万元）&<>\"'\t"]
    extra = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
    for text in samples:
        assert escape(text) == saxutils.escape(text)
        assert escape(text, extra) == saxutils.escape(text, extra)
        assert quoteattr(text) == saxutils.quoteattr(text)
