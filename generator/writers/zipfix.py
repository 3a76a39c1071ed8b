"""Byte-identical Office files: rewrite a zip package with fixed member metadata.

python-docx and openpyxl stamp every zip member with the current time, so two runs on the
same input differ. We repack in memory with a fixed timestamp, fixed permissions and the
writer's own member order (which is deterministic).
"""

from __future__ import annotations

import io
import zipfile

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def normalized_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """The package with fixed metadata; `replace` gives new contents for some members."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            dst.writestr(fixed, replace.get(info.filename) or src.read(info.filename))
    return out.getvalue()
