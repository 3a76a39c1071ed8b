"""The one orchestrator: load, check, derive, render, and only then write.

The stages, each a module whose imports point only down this list (tests/test_imports.py):
    load     combine.load_input      a file (YAML, workbook) → Source
    inputs   inputs.check_input      Source → CheckedInput (header, profile, schema)
    compute  compute.compute         CheckedInput → Prepared (figures, identities, baselines)
    render   assemble.render_full    Prepared → Document (texts, tables, charts)
    write    writers/                Document → file bytes, written together (writers/atomic.py)
Nothing is written until every input has been read and every check has passed, so a run
either produces a complete, consistent set of files or leaves the output folder as it was.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .assemble import check_charts, render, render_full
from .combine import load_input
from .compute import ChecksFailed, Prepared, compute
from .document import Document
from .errors import Problem, UserError, noted
from .inputs import check_input
from .last_year import last_year_file
from .load import Source
from .options import DEFAULT_OPTIONS, RunOptions
from .writers.atomic import history_folder, refuse_overwriting_inputs, safe_file_stem, write_all

__all__ = ["BuildResult", "Prepared", "Rendered", "RunOptions", "build_report", "check_report", "prepare",
           "render", "render_files", "render_full"]


def prepare(path: Path, options: RunOptions = DEFAULT_OPTIONS, follow_prev: bool = True) -> Prepared:
    """Read and check everything; raise UserError with every problem found.

    `options.prev` (or the input's 上年文件) is last year's input: it fills 上年数 and carries
    over 主要职责, 机构设置 and 名词解释补充 (last_year.py)."""
    source = load_input(path, options.data_dir)
    prev_file = last_year_file(source, options.prev if follow_prev else None, follow_prev)
    previous = prepare(prev_file, replace(options, strict=False), follow_prev=False) if prev_file else None
    checked = check_input(source, options.data_dir, previous.source if previous else None)
    return compute(checked, previous, options.strict)


def check_report(path: Path, options: RunOptions = DEFAULT_OPTIONS) -> Prepared:
    """Everything `generate` checks, without writing: the narrative is rendered too, since
    it is where a missing last-year or budget figure shows up; and the reference document."""
    prepared = _prepared_or_every_problem(path, options)
    with noted(*prepared.notes):
        render(prepared, options)
        prepared.problems = prepared.problems + check_charts(prepared, options.strict)
        # lazy: python-docx only to read the reference document (start-up)
        from .writers.docx import check_reference

        check_reference(options.reference)
    return prepared


# problems only rendering the narrative finds: added to the checks' own when these fail
_NARRATIVE_CODES = ("missing-baseline", "narrative-residue")


def _prepared_or_every_problem(path: Path, options: RunOptions) -> Prepared:
    """`prepare`; when its checks fail on figures that could all be read, the narrative is
    rendered all the same, so that its own problems (a missing 上年数 or 年初预算数, a
    template's fault) come in the same report instead of on the next run."""
    try:
        return prepare(path, options)
    except ChecksFailed as failed:
        if failed.prepared is None:
            raise
        problems = list(failed.problems)
        try:
            render(failed.prepared, options)
        except UserError as e:
            problems += [p for p in e.problems if p not in problems
                         and (p.code in _NARRATIVE_CODES or p.code.startswith("template-"))]
        except Exception:  # noqa: BLE001 - inconsistent figures may trip the narrative; the
            pass          # checks' errors say why, and the narrative is rendered again once fixed
        raise UserError(problems, notes=failed.notes) from failed


@dataclass
class Rendered:
    """One department's finished files, in memory (not yet written)."""

    document: Document
    files: dict[Path, bytes]
    warnings: list[Problem]
    changes: list[Any]
    previous: bool
    prepared: Prepared


def render_files(path: Path, options: RunOptions = DEFAULT_OPTIONS, compare: bool = True) -> Rendered:
    """Everything `build_report` does short of writing (and of the PDF, which needs
    LibreOffice and is made for a whole batch at once)."""
    # lazy: python-docx and the writers only when writing (start-up of `check`)
    from .writers.docx import docx_members
    from .writers.xlsx import xlsx_bytes
    from .writers.zipfix import zipping

    with CollectorPaused():
        prepared = _prepared_or_every_problem(path, options)
        with noted(*prepared.notes):
            document, chart_problems = render_full(prepared, options)
            paths = output_paths(document, options.out_dir)
            refuse_overwriting_inputs(list(paths.values()), input_files(path, options.prev, prepared.source))
            with zipping(docx_members(document, options.reference)) as word:  # deflated meanwhile
                workbook = xlsx_bytes(document)
                files = {paths["docx"]: word.result(), paths["xlsx"]: workbook}
        previous = compare and paths["docx"].exists()
        changes = []
        if previous:
            from .diff import changes_against_file  # lazy: the comparison only over earlier outputs

            changes = changes_against_file(paths["docx"], files[paths["docx"]])
    return Rendered(document, files, prepared.problems + chart_problems, changes, previous, prepared)


class CollectorPaused:
    """Python's cycle collector off while one department is made (`with CollectorPaused():
    return work()`). A department allocates hundreds of thousands of short-lived objects,
    nearly all freed by reference counting as soon as they are done with; the collector's
    passes meanwhile scanned the whole long-lived heap (imports, cached profiles and
    templates) again and again: ~7 ms of CPU per department.

    Wrapped around a whole call, so that the collector comes back on only once the call's
    frame, and with it the department's objects, is gone: the count of objects allocated
    since the last collection then falls back to what survives (cache entries) and what
    only the collector can free (the Word package's object graph holds reference cycles,
    ~200 objects a department), and a collection runs when those reach the threshold,
    every few departments, over a few hundred objects. (Turned back on while the department
    was still alive, it scanned all of its ~5,000 objects: ~2–3 ms each time.) A class, not
    a @contextmanager: leaving a generator allocates, and would start that collection
    before the caller has let go of the result. Nested uses do nothing."""

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            gc.enable()


@dataclass
class BuildResult:
    document: Document
    outputs: list[Path]
    warnings: list[Problem]
    changes: list[Any] = field(default_factory=list)  # diff.Change against earlier outputs
    previous: bool = False  # whether earlier outputs existed (so `changes` is meaningful)
    history: Path | None = None  # where the outputs this run replaced are kept (writers/atomic.py)
    notes: list[str] = field(default_factory=list)  # the unit used, totals not stated (compute.Prepared)


def build_report(path: Path, options: RunOptions = DEFAULT_OPTIONS, compare: bool = True) -> BuildResult:
    with CollectorPaused():
        return _build_report(path, options, compare)


def _build_report(path: Path, options: RunOptions, compare: bool) -> BuildResult:
    rendered = render_files(path, options, compare)
    files = rendered.files
    if options.pdf:
        from .writers.pdf import add_pdfs  # lazy: only with --pdf

        files = add_pdfs([files], options.pdf_timeout)[0]
    history = write_all(files, history_folder(options.out_dir))
    return BuildResult(document=rendered.document, outputs=list(files), warnings=rendered.warnings,
                       changes=rendered.changes, previous=rendered.previous, history=history,
                       notes=rendered.prepared.notes)


def input_files(path: Path, prev: Path | None, source: Source) -> list[Path]:
    """Every file the run reads: the input, last year's, a 表格 workbook (all named in locations)."""
    named = {loc.file for loc in source.locations.values() if loc.file}
    return [Path(path), *([Path(prev)] if prev else []), *(Path(f) for f in sorted(named))]


def output_paths(document: Document, out_dir: Path) -> dict[str, Path]:
    stem = safe_file_stem(document.title)
    return {"docx": out_dir / f"{stem}.docx", "xlsx": out_dir / f"{stem}.xlsx",
            "pdf": out_dir / f"{stem}.pdf"}
