"""Byte-identical Office files: every writer's zip package goes through here.

A zip member records its time, permissions and the system that wrote it; python-docx and
openpyxl stamp the current time, so two runs on the same input would differ. Every member is
written with a fixed timestamp, fixed permissions and the writer's own (deterministic) order.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def zip_bytes(members: Iterable[tuple[str, bytes | str]]) -> bytes:
    """A deflated zip of (name, content) in the given order, with fixed member metadata."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            z.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)
    return out.getvalue()


def normalized_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """The package with fixed metadata; `replace` gives new contents for some members."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    return zip_bytes((info.filename, replace.get(info.filename) or src.read(info.filename))
                     for info in src.infolist())
