"""One run's options: the same value for every command (the command line builds it once).

A region's own layout is used by giving its folders: `--data-dir` (profiles, catalogues,
名词解释) and `--templates-dir` (narrative templates, and a restyled reference.docx if the
folder has one); every command that reads a profile or writes a document takes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .resources import DATA_DIR, TEMPLATES_DIR

REFERENCE_NAME = "reference.docx"
DEFAULT_OUT_DIR = Path("output")


@dataclass(frozen=True)
class RunOptions:
    data_dir: Path = DATA_DIR
    templates_dir: Path = TEMPLATES_DIR
    reference_doc: Path | None = None  # None: reference.docx in templates_dir, else the installed one
    strict: bool = False  # warnings count as errors
    prev: Path | None = None  # last year's input (上年数, texts carried over)
    out_dir: Path = DEFAULT_OUT_DIR
    pdf: bool = False

    def __post_init__(self) -> None:
        # None means "not given", so a command passes its unset options straight through.
        for name, default in (("data_dir", DATA_DIR), ("templates_dir", TEMPLATES_DIR),
                              ("out_dir", DEFAULT_OUT_DIR)):
            value = getattr(self, name)
            object.__setattr__(self, name, default if value is None else Path(value))

    @property
    def reference(self) -> Path:
        """The Word styles every document is built on: --reference-doc, else the templates
        folder's own reference.docx, else the installed one."""
        if self.reference_doc is not None:
            return Path(self.reference_doc)
        own = self.templates_dir / REFERENCE_NAME
        return own if own.exists() else TEMPLATES_DIR / REFERENCE_NAME


DEFAULT_OPTIONS = RunOptions()
