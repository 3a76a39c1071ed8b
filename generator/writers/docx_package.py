"""A python-docx package's zip members, for zipfix.zip_bytes to write in one pass.

python-docx's own save() compresses every member with the current time stamped on it, and
zipfix.normalized_zip then decompressed and recompressed everything to fix the metadata:
two compressions of about 1 MB per document. Here the members are listed in the order
python-docx writes them, and each is compressed once, so the bytes are the same as before.
"""

from __future__ import annotations

from docx.document import Document as WordDocument
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.part import Part

from generator.writers.docx_private import content_types_blob


def package_members(word: WordDocument, blobs: dict[Part, bytes] | None = None) -> list[tuple[str, bytes]]:
    """The zip members of the .docx for `word`, in order: (name, content); `blobs` replaces
    the serialized XML of some parts."""
    blobs = blobs or {}
    package = word.part.package
    # The members and their order are those of python-docx's PackageWriter.write.
    for part in package.parts:
        part.before_marshal()
    parts = list(package.parts)
    members = [(CONTENT_TYPES_URI.membername, content_types_blob(parts)),
               (PACKAGE_URI.rels_uri.membername, package.rels.xml)]
    for part in parts:
        members.append((part.partname.membername, blobs[part] if part in blobs else part.blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, part.rels.xml))
    return members
