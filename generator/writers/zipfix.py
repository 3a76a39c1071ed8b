"""Byte-identical Office files: every writer's zip package goes through here.

A zip member records its time, permissions and the system that wrote it; python-docx and
openpyxl stamp the current time, so two runs on the same input would differ. Every member is
written with a fixed timestamp, fixed permissions and the writer's own (deterministic) order.

The bytes are exactly those Python's zipfile writes for the same members (ZipInfo with the
fixed metadata, ZIP_DEFLATED at zlib's default level, a seekable output; tests/test_zipfix.py
compares the two), but written here directly: most members of a Word file (the reference
document's styles, theme, …, about 0.5 MB) are the same for every department, so their
deflated form is kept per process and reused when a member's content is unchanged.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
_DOS_DATE = (FIXED_DATE_TIME[0] - 1980) << 9 | FIXED_DATE_TIME[1] << 5 | FIXED_DATE_TIME[2]
_DOS_TIME = FIXED_DATE_TIME[3] << 11 | FIXED_DATE_TIME[4] << 5 | FIXED_DATE_TIME[5] // 2
_VERSION = 20  # zipfile's DEFAULT_VERSION: what deflate needs
_EXTERNAL_ATTR = 0o644 << 16
_UTF8_NAME = 0x800
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_LIMIT = 0xFFFFFFFF >> 1  # zipfile.ZIP64_LIMIT; Office parts are far smaller

# member name -> (content, crc32, deflated content): the last content deflated under that name
_DEFLATED: dict[str, tuple[bytes, int, bytes]] = {}
_CACHED_FROM = 2048  # smaller members are kept by content instead:
# content -> (crc32, deflated content) of small members (relationships, content types,
# properties, styles: mostly the same in every file, and each new compressor costs zlib
# more, about 270 KB of tables to set up, than deflating a few hundred bytes)
_SMALL: dict[bytes, tuple[int, bytes]] = {}
_SMALL_KEPT = 1024


def _deflate(name: str, data: bytes) -> tuple[int, bytes]:
    small = len(data) < _CACHED_FROM
    if small:
        found = _SMALL.get(data)
        if found is not None:
            return found
    else:
        cached = _DEFLATED.get(name)
        if cached is not None and cached[0] == data:
            return cached[1], cached[2]
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush()
    crc = zlib.crc32(data)
    if small:
        if len(_SMALL) >= _SMALL_KEPT:
            _SMALL.clear()
        _SMALL[data] = (crc, deflated)
    else:
        _DEFLATED[name] = (data, crc, deflated)
    return crc, deflated


def zip_bytes(members: Iterable[tuple[str, bytes | str]]) -> bytes:
    """A deflated zip of (name, content) in the given order, with fixed member metadata."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, content in members:
        data = content.encode("utf-8") if isinstance(content, str) else content
        crc, deflated = _deflate(name, data)
        if max(len(data), len(deflated), offset) > _LIMIT:
            raise ValueError(f"zip member too large: {name}")
        try:
            raw, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            raw, flags = name.encode("utf-8"), _UTF8_NAME
        out += (_LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE,
                            crc, len(deflated), len(data), len(raw), 0), raw, deflated)
        central += (_CENTRAL.pack(b"PK\x01\x02", _VERSION, 0, _VERSION, 0, flags, zipfile.ZIP_DEFLATED,
                                  _DOS_TIME, _DOS_DATE, crc, len(deflated), len(data), len(raw), 0, 0, 0, 0,
                                  _EXTERNAL_ATTR, offset), raw)
        offset += _LOCAL.size + len(raw) + len(deflated)
    directory = b"".join(central)
    count = len(central) // 2
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    return b"".join(out) + directory + end


_BACKGROUND: tuple[int, ThreadPoolExecutor] | None = None  # (process id, its thread)
# While the caller works beside it, the zip thread gets the interpreter lock back within 1 ms
# instead of Python's 5: zlib lets go of the lock while it deflates, but takes it again each
# time its output buffer grows and at the end of every member, and waited each time for the
# caller's next switch (measured: Word zip + workbook 19.1 ms one after the other, 18.9 ms
# side by side with 5 ms switches, 15.3 ms with 1 ms).
_HANDOVER = 0.001


@contextmanager
def zipping(members: Iterable[tuple[str, bytes | str]]) -> Iterator[Future[bytes]]:
    """`zip_bytes(members)` on another thread while the `with` block runs: deflating, zlib
    runs without the interpreter lock, so the block's Python work (the workbook, while the
    Word document is deflated) runs meanwhile on the second core. One thread per process:
    a batch worker, forked from a process that had one, starts its own (a forked process
    has only the thread that forked)."""
    global _BACKGROUND
    if _BACKGROUND is None or _BACKGROUND[0] != os.getpid():
        _BACKGROUND = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="zip"))
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, _HANDOVER))
    try:
        yield _BACKGROUND[1].submit(zip_bytes, list(members))
    finally:
        sys.setswitchinterval(previous)


def normalized_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """The package with fixed metadata; `replace` gives new contents for some members."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    return zip_bytes((info.filename, replace.get(info.filename) or src.read(info.filename))
                     for info in src.infolist())
