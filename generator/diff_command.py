"""`gen-report diff a.yaml b.yaml`: two inputs rendered in memory (nothing written) and their
documents compared by diff.py, the same comparison a rerun reports against earlier outputs."""

from __future__ import annotations

from pathlib import Path

from .build import prepare, render_full
from .diff import Change, compare, read_content
from .writers.docx import docx_bytes


def diff_inputs(a: Path, b: Path, strict: bool = False) -> list[Change]:
    docs = []
    for path in (a, b):
        prepared = prepare(path, strict=strict)
        document, _ = render_full(prepared, strict=strict)
        docs.append(read_content(docx_bytes(document)))
    return compare(docs[0], docs[1])
