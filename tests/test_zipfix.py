"""The one zip helper writes exactly the bytes Python's zipfile writes for the same members
(so every output stays byte-identical), including when a member's deflated form is reused."""

from __future__ import annotations

import io
import sys
import zipfile

from generator.writers import zipfix


def _zipfile_bytes(members: list[tuple[str, bytes]]) -> bytes:
    """The recipe zip_bytes replaced: zipfile with fixed metadata."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=zipfix.FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            z.writestr(info, content)
    return out.getvalue()


MEMBERS = [
    ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
    ("empty.xml", b""),
    ("word/styles.xml", b"<w:styles>" + b"<w:style/>" * 5000 + b"</w:styles>"),
    ("中文/名字.txt", "预算 决算".encode() * 300),
    ("media/image1.png", bytes(range(256)) * 40),
]


def test_same_bytes_as_zipfile() -> None:
    assert zipfix.zip_bytes(MEMBERS) == _zipfile_bytes(MEMBERS)
    assert zipfix.zip_bytes([]) == _zipfile_bytes([])


def test_reused_deflate_only_for_unchanged_content() -> None:
    first = zipfix.zip_bytes(MEMBERS)
    assert zipfix.zip_bytes(MEMBERS) == first  # from the kept deflated forms
    changed = [(n, c.replace(b"style", b"stile") if n == "word/styles.xml" else c) for n, c in MEMBERS]
    assert zipfix.zip_bytes(changed) == _zipfile_bytes(changed)
    with zipfile.ZipFile(io.BytesIO(zipfix.zip_bytes(changed))) as z:
        assert z.testzip() is None
        assert z.read("word/styles.xml") == dict(changed)["word/styles.xml"]
        assert [i.filename for i in z.infolist()] == [n for n, _ in MEMBERS]


def test_str_members_are_utf8() -> None:
    assert zipfix.zip_bytes([("a.xml", "部门")]) == _zipfile_bytes([("a.xml", "部门".encode())])


def test_background_zip_same_bytes_also_in_a_forked_process() -> None:
    # build.py deflates the Word document on another thread while the workbook is made; batch
    # workers are forked from a process that already has that thread (which a fork does not copy)
    from tests.forked import in_forked_child

    before = sys.getswitchinterval()
    with zipfix.zipping(MEMBERS) as zipped:
        assert zipped.result() == _zipfile_bytes(MEMBERS)
    assert sys.getswitchinterval() == before  # (shortened only while zipping)

    def zipped_in_child() -> bool:
        with zipfix.zipping(MEMBERS[::-1]) as zipped:
            return zipped.result(timeout=30) == _zipfile_bytes(MEMBERS[::-1])

    assert in_forked_child(zipped_in_child) is not False
