"""Citations inside the .docx: which table cell each narrative amount was taken from.

Stored as a standard custom XML data part (customXml/itemN.xml with its itemProps), the
mechanism Word itself uses for document data, so Word, WPS and LibreOffice open the file
as usual. `gen-report verify` reads it back (generator/verify.py).
"""

from __future__ import annotations

import hashlib
import uuid
from functools import lru_cache
from typing import Any

from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from ..chars import escape, quoteattr
from ..document import Citation, Operand, PercentCheck
from ..readback.content import Body, ReadParagraph, ReadTable

NAMESPACE = "urn:gen-report:citations:1"
_DATASTORE = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"


def snapshot_xml(body: Body) -> str:
    """The document as written — every table cell and every paragraph — for `verify` to find
    what was changed by hand afterwards (generator/verify.py)."""
    out = ["<snapshot>"]
    for t in body.tables:
        out.append(f'<table index="{t.index}" label={quoteattr(t.label)} header="{t.header_rows}">')
        grid = t.grid
        if grid and all(grid) and not _needs_escape("".join(map("".join, grid))):
            # (nearly every table: no cell needs escaping) the rows as the loop below writes
            # them, each cell <v>text</v>, joined in two C-level passes
            out.append("<r><v>" + "</v></r><r><v>".join(map("</v><v>".join, grid)) + "</v></r>")
        else:
            for row in grid:
                out.append("<r>" + "".join(map(_value_xml, row)) + "</r>")
        out.append("</table>")
    paragraphs = body.paragraphs
    # (as a rule no paragraph needs escaping: one look at them all instead of one each)
    plain = not _needs_escape("".join([p.text for p in paragraphs]))
    for p in paragraphs:
        out.append(f"<p style={_quoted(p.style)} heading={_quoted(p.heading)}>"
                   f"{p.text if plain else escape(p.text)}</p>")
    out.append("</snapshot>")
    return "".join(out)


def _needs_escape(text: str) -> bool:
    """Whether `escape` changes `text`."""
    return "&" in text or "<" in text or ">" in text


@lru_cache(maxsize=16384)
def _value_xml(text: str) -> str:
    return f"<v>{escape(text)}</v>"  # (cached: a table's cell texts recur, as in docx_table)


@lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    return quoteattr(text)  # (cached: a document's paragraphs have a few styles and headings)


def read_snapshot(root: Any) -> Body | None:
    """`snapshot_xml` read back from the parsed citations part, None if it has none."""
    snap = root.find(f"{{{NAMESPACE}}}snapshot")
    if snap is None:
        return None
    tables = [ReadTable(int(t.get("index")), t.get("label"), int(t.get("header")),
                        [[v.text or "" for v in r] for r in t])
              for t in snap.findall(f"{{{NAMESPACE}}}table")]
    paragraphs = [ReadParagraph(p.get("style"), p.text or "", p.get("heading"))
                  for p in snap.findall(f"{{{NAMESPACE}}}p")]
    return Body(tables, paragraphs)


def _operand_xml(o: Operand) -> str:
    where = (f' table={quoteattr(o.table)} index="{o.index}" row="{o.row}" column="{o.column}"'
             f' scale="{o.scale}"' if o.index >= 0 else "")
    return f'<o value="{o.value}"{where}/>'


def percents_xml(percents: tuple[PercentCheck, ...]) -> str:
    """The narrative's derived percentages and the figures they came from (verify recomputes them)."""
    return "".join(f'<pc text={quoteattr(p.text)} places="{p.places}" kind="{p.kind}"'
                   f' phrase={quoteattr(p.phrase)}>{_operand_xml(p.a)}{_operand_xml(p.b)}</pc>'
                   for p in percents)


def citations_xml(citations: tuple[Citation, ...], narrative: str = "", snapshot: str = "",
                  uncited: tuple[str, ...] = (), percents: tuple[PercentCheck, ...] = ()) -> bytes:
    """`uncited`: the figures the narrative cites that no table prints (verify names them);
    `percents`: the percentages it derived from them."""
    rows = "".join(
        f"<c text={quoteattr(c.text)} table={quoteattr(c.table)} row=\"{c.row}\" column=\"{c.column}\""
        + (f" index=\"{c.index}\"" if c.index >= 0 else "")
        + (f" factor=\"{c.factor}\" places=\"{c.places}\"" if c.factor else "") + "/>"
        for c in citations) + "".join(f"<u key={quoteattr(key)}/>" for key in uncited) + percents_xml(percents)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<citations xmlns="{NAMESPACE}"'
            + (f" narrative={quoteattr(narrative)}" if narrative else "")
            + f">{rows}{snapshot}</citations>").encode()


def citation_parts(citations: tuple[Citation, ...], narrative: str = "", snapshot: str = "",
                   uncited: tuple[str, ...] = (), percents: tuple[PercentCheck, ...] = ()
                   ) -> tuple[bytes, bytes]:
    """The custom XML part (`citations_xml`) and its item properties part.
    `narrative`: the heading of the part that holds the 情况说明 (verify reads it);
    `snapshot`: snapshot_xml of the written document."""
    blob = citations_xml(citations, narrative, snapshot, uncited, percents)
    # A stable id from the content keeps the output byte-identical across runs.
    item_id = "{" + str(uuid.UUID(hashlib.md5(blob).hexdigest())).upper() + "}"
    props = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<ds:datastoreItem ds:itemID="{item_id}" xmlns:ds="{_DATASTORE}">'
             f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>').encode()
    return blob, props


def embed_citations(word: WordDocument, parts: tuple[bytes, bytes]) -> tuple[str, str]:
    """Add `citation_parts` to the package; returns their zip member names."""
    package = word.part.package
    blob, props = parts
    # The style reference may already hold custom XML parts (python-docx's own template does):
    # take the next free names, never overwrite or duplicate a zip member.
    item_name = package.next_partname("/customXml/item%d.xml")
    props_name = PackURI(item_name.replace("/item", "/itemProps"))
    item = Part(item_name, CT.XML, blob, package)
    item_props = Part(props_name, CT.OFC_CUSTOM_XML_PROPERTIES, props, package)
    item.relate_to(item_props, RT.CUSTOM_XML_PROPS)
    word.part.relate_to(item, RT.CUSTOM_XML)
    return item_name.membername, props_name.membername
