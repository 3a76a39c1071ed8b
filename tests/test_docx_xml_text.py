"""The Word writer writes most runs as XML text (docx_xml.text_run_xml) instead of building
lxml elements: the text must be exactly what lxml serializes for the same run (text_run)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from generator.writers.docx_xml import text_run, text_run_xml

TEXTS = [
    "", "普通文字", "金额 1,234.56 万元", "a & b < c > d", "引号“”‘’\"'", "  前后空格  ",
    "制表\t符", "换行\n第二行", "回车\r\n换行\r单独", "\t", "\n", "不换行空格\u00a0与全角空格\u3000",
    "控制字符\x01\x0b\x1f被去掉", "代理项与非字符\ufffe\uffff", "表情😀与生僻字𠀀", "末尾换行\n", "]]> 与 &amp;",
]


def _lxml(text: str) -> str:
    xml = etree.tostring(text_run(text), encoding="unicode")
    return re.sub(r' xmlns:\w+="[^"]*"', "", xml)


@pytest.mark.parametrize("text", TEXTS)
def test_run_as_text_is_what_lxml_writes(text: str) -> None:
    assert text_run_xml(text) == _lxml(text)
