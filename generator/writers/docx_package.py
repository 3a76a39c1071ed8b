"""Write a python-docx package straight into a byte-identical zip, in one pass.

python-docx's own save() compresses every member with the current time stamped on it, and
zipfix.normalized_zip then decompressed and recompressed everything to fix the metadata:
two compressions of about 1 MB per document. Here each member is written once, in the
order and with the metadata normalized_zip gives, so the bytes are the same as before.
"""

from __future__ import annotations

import io
import zipfile

from docx.document import Document as WordDocument
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.part import Part
from docx.opc.pkgwriter import _ContentTypesItem

from generator.writers.zipfix import FIXED_DATE_TIME


def package_bytes(word: WordDocument, blobs: dict[Part, bytes] | None = None) -> bytes:
    """The .docx for `word`; `blobs` replaces the serialized XML of some parts."""
    blobs = blobs or {}
    package = word.part.package
    # The members and their order are those of python-docx's PackageWriter.write.
    for part in package.parts:
        part.before_marshal()
    parts = list(package.parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        def write(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            zf.writestr(info, data)

        write(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)
        write(PACKAGE_URI.rels_uri.membername, package.rels.xml)
        for part in parts:
            write(part.partname.membername, blobs[part] if part in blobs else part.blob)
            if len(part.rels):
                write(part.partname.rels_uri.membername, part.rels.xml)
    return out.getvalue()
