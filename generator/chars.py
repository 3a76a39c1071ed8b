"""The one list of characters no output may hold, and no input may bring in.

XML 1.0 forbids C0 controls other than tab, newline and carriage return, lone surrogates,
U+FFFE and U+FFFF: lxml refuses them, Word calls a file holding them corrupt, and an Excel
sheet holding them is not well-formed XML. Inputs are refused with a located error when they
contain them (and DEL, invisible and always a copying accident); writers remove them, as a
last line of defence for text that did not come from an input (a template, a profile).
"""

from __future__ import annotations

import re

_XML_ILLEGAL = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
XML_ILLEGAL = re.compile(f"[{_XML_ILLEGAL}]")
INPUT_REFUSED = re.compile(f"[{_XML_ILLEGAL}\x7f]")


def xml_clean(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return XML_ILLEGAL.sub("", text)


# Escaping for XML text, as xml.sax.saxutils does it (same output, tests/test_chars.py):
# saxutils itself imports urllib.request, http.client, email and ssl (~25 ms of every start).
def escape(data: str, entities: dict[str, str] | None = None) -> str:
    """`data` with &, < and > escaped, then each key of `entities` replaced by its value."""
    data = data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for char, entity in (entities or {}).items():
        data = data.replace(char, entity)
    return data


_ATTR_SPECIAL = re.compile('[&<>"\n\r\t]')


def quoteattr(data: str) -> str:
    """`data` escaped and quoted as an attribute value, newlines and tabs as references."""
    if _ATTR_SPECIAL.search(data) is None:  # (as a rule) nothing below would change it
        return f'"{data}"'
    data = escape(data, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
    if '"' not in data:
        return f'"{data}"'
    if "'" not in data:
        return f"'{data}'"
    return '"' + data.replace('"', "&quot;") + '"'
