"""`gen-report diff a.yaml b.yaml`: two inputs rendered in memory (nothing written) and their
documents compared by diff.py, the same comparison a rerun reports against earlier outputs."""

from __future__ import annotations

from pathlib import Path

from .build import prepare, render_full
from .diff import Change, compare, read_content
from .options import DEFAULT_OPTIONS, RunOptions
from .writers.docx import docx_bytes


def diff_inputs(a: Path, b: Path, options: RunOptions = DEFAULT_OPTIONS) -> list[Change]:
    """Both inputs with the same options (a region's profile: --data-dir/--templates-dir)."""
    docs = []
    for path in (a, b):
        prepared = prepare(path, options)
        document, _ = render_full(prepared, options)
        docs.append(read_content(docx_bytes(document, options.reference)))
    return compare(docs[0], docs[1])
