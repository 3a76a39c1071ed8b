"""Many departments in one run (a finance bureau's whole set): a process pool, one result per
department, a summary workbook of key figures side by side.

A department that fails does not stop the others. The workers return each department's files
in memory; without --pdf this process writes them as they come back (all or nothing per
department, writers/atomic.py); with --pdf it converts every .docx in one LibreOffice run,
then writes each department's files together with its PDF.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from .baselines import comparison_known, comparison_value
from .build import CollectorPaused, render_files
from .errors import Problem, UserError, error
from .load import INPUT_SUFFIXES
from .options import DEFAULT_OPTIONS, RunOptions
from .writers.atomic import history_folder, remove_stale, sigterm_as_interrupt, write_all
from .writers.xlsx_cells import (
    TEXT_BOLD,
    TEXT_FONT,
    THIN_BORDER,
    TITLE_FONT,
    put_text,
    sheet_title,
    wrap,
)
from .writers.xlsx_xml import StyleBook, XProperties, XSheet, flush, package

SUMMARY_NAME = "汇总.xlsx"
@dataclass
class DepartmentResult:
    input: str
    department: str = ""
    ok: bool = False
    warnings: int = 0
    errors: int = 0
    files: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # rendered problems (picklable)
    # the profile's 汇总列, in order: column name -> figure in 元 (None: not in this profile)
    figures: dict[str, Decimal | None] = field(default_factory=dict)
    kind: str = ""  # 决算 / 预算: which sheet of 汇总.xlsx the department goes on
    year: int | None = None
    changes: int | None = None  # cells and sentences changed against earlier outputs
    pending: dict[Path, bytes] = field(default_factory=dict)  # files not yet written (--pdf)
    cancelled: bool = False  # Ctrl-C came before this department was processed
    history: str = ""  # where the outputs it replaced are kept

    @property
    def status(self) -> str:
        return "成功" if self.ok else ("未处理（已取消）" if self.cancelled else "失败")


def collect_inputs(items: Iterable[Path]) -> list[Path]:
    """Files as given; folders contribute their input files (.yaml/.yml and .xlsx/.xlsm
    workbooks; not recursive; Excel's ~$ lock files and hidden files skipped), sorted."""
    out: list[Path] = []
    problems: list[Problem] = []
    for item in items:
        if item.is_dir():
            out += sorted(p for p in item.iterdir() if p.suffix.lower() in INPUT_SUFFIXES
                          and not p.name.startswith((".", "~")))
        elif item.exists():
            out.append(item)
        else:
            problems.append(error("batch-missing", f"找不到输入文件或文件夹：{item}"))
    if problems:
        raise UserError(problems)
    if not out:
        raise UserError([error("batch-empty", "没有找到任何输入文件（.yaml/.yml 或 .xlsx/.xlsm 录入表）")])
    return list(dict.fromkeys(out))


def one_department(path: Path, options: RunOptions, write: bool,
                   history: Path | None = None) -> DepartmentResult:
    """Runs in a worker process: everything about one department, never raising."""
    with CollectorPaused():  # until the department's objects are gone (build.CollectorPaused)
        return _one_department(path, options, write, history)


def _one_department(path: Path, options: RunOptions, write: bool, history: Path | None) -> DepartmentResult:
    result = DepartmentResult(input=str(path))
    try:
        rendered = render_files(path, options)
        result.department = rendered.document.department
        result.figures = key_figures(rendered.prepared)
        result.kind, result.year = rendered.document.kind, rendered.document.year
        result.warnings = len(rendered.warnings)
        result.messages = [p.render() for p in rendered.warnings]
        result.changes = len(rendered.changes) if rendered.previous else None
        if write:  # (run_batch has tidied the output folder)
            result.history = _kept(write_all(rendered.files, history, tidy=False))
        else:
            result.pending = rendered.files
        result.files = [str(p) for p in rendered.files]
        result.ok = True
    except UserError as e:
        result.errors = sum(1 for p in e.problems if p.severity == "错误")
        result.warnings = len(e.problems) - result.errors
        result.messages = [p.render() for p in e.problems] + [f"{path}：{note}" for note in e.notes]
    except Exception as e:  # noqa: BLE001 - a bug on one department must not stop the batch
        result.errors = 1
        result.messages = [f"[错误] {path}：程序内部错误（{type(e).__name__}: {e}），请把该输入文件报告给开发者"]
    return result


def key_figures(prepared: object) -> dict[str, Decimal | None]:
    """The profile's 汇总列 (column name -> 比较项 or figure key), each evaluated in 元."""
    ledger = prepared.figures.ledger  # type: ignore[attr-defined]
    model = prepared.profile.model  # type: ignore[attr-defined]
    return {label: comparison_value(ledger, model.comparisons, name)
            if comparison_known(ledger, model.comparisons, name) else None
            for label, name in model.summary_columns.items()}


def run_batch(inputs: list[Path], options: RunOptions = DEFAULT_OPTIONS, jobs: int = 1,
              progress: Callable[[DepartmentResult], None] | None = None,
              history: Path | None = None) -> list[DepartmentResult]:
    """Every department, in input order in the result; `progress` is called as each finishes.
    `options` (data and templates folders, reference document, strict, output folder, PDF)
    are the same for every department; each input's own 上年文件 is followed.

    With several jobs, this process makes the first department itself and only then starts
    the workers (forked: each begins with everything that department loaded, the writers,
    the profile, the templates, the reference document, instead of loading it again); the
    workers render, and this process writes each department's files as they come back, so
    no worker waits for the disk (writers/atomic.py flushes every file before renaming it).

    Ctrl-C (or SIGTERM) stops starting departments: those already running finish (workers
    ignore the signal, so none is cut off between its files), the rest are marked 未处理, and
    every result says exactly whether its files were written."""
    results: dict[int, DepartmentResult] = {}
    jobs = max(1, min(jobs, len(inputs)))
    pdf = options.pdf
    history = history or history_folder(options.out_dir)
    remove_stale(options.out_dir)  # what a killed run left, once for every department's files
    cancelled = False
    with sigterm_as_interrupt():
        try:
            for i, path in enumerate(inputs[:1] if jobs > 1 else inputs):
                results[i] = one_department(path, options, not pdf, history)
                if progress:
                    progress(results[i])
        except KeyboardInterrupt:
            cancelled = True  # the department being written was rolled back (writers/atomic.py)
        if jobs > 1 and not cancelled:
            cancelled = _in_workers(inputs, options, jobs, progress, history, results)
    ordered = [results.get(i) or DepartmentResult(input=str(p), cancelled=True) for i, p in enumerate(inputs)]
    if cancelled:
        for r in ordered:
            r.pending = {}  # nothing more is written once the officer has asked to stop
        return ordered
    _refuse_same_names(ordered)
    if pdf:
        _write_with_pdfs(ordered, history, options.pdf_timeout)
    return ordered


def _in_workers(inputs: list[Path], options: RunOptions, jobs: int,
                progress: Callable[[DepartmentResult], None] | None, history: Path,
                results: dict[int, DepartmentResult]) -> bool:
    """Every input but the first (done already) in `jobs` forked workers; True if cancelled."""
    write_here = not options.pdf  # (with --pdf every file is written at the end, with its PDF)
    # what this process holds now is what the workers start from: moved out of the collector's
    # reach, so that no collection in a worker writes to (and so copies) these inherited pages
    gc.freeze()
    try:
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(inputs) - 1), initializer=_ignore_interrupts,
                                   mp_context=_fork_context())
        futures = {pool.submit(one_department, path, options, False, history): i
                   for i, path in enumerate(inputs) if i > 0}  # (the pool forks on the first submit)
    finally:
        gc.unfreeze()
    pending = set(futures)
    try:
        for future in as_completed(futures):
            pending.discard(future)
            result = future.result()
            if write_here:
                _write_pending(result, history)  # interrupted: rolled back, and reported 未处理
            results[futures[future]] = result
            if progress:
                progress(result)
    except KeyboardInterrupt:
        for future in pending:
            future.cancel()
        for future in pending:  # the running ones finish whole, and are reported as they ended
            if not future.cancelled():
                result = _wait(future)
                if write_here:
                    try:
                        _write_pending(result, history)
                    except KeyboardInterrupt:  # pressed again while writing: rolled back
                        continue
                results[futures[future]] = result
        return True
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return False


def _write_pending(r: DepartmentResult, history: Path | None) -> None:
    """Write the files a worker rendered (a department that failed has none)."""
    files, r.pending = r.pending, {}
    if not r.ok:
        return
    try:
        r.history = _kept(write_all(files, history, tidy=False))  # (run_batch has tidied the folder)
        r.files = [str(p) for p in files]
    except UserError as e:
        r.ok, r.errors, r.files = False, r.errors + 1, []
        r.messages += [p.render() for p in e.problems]


def _wait(future: Future[DepartmentResult]) -> DepartmentResult:
    while True:
        try:
            return future.result()
        except KeyboardInterrupt:  # pressed again: still wait, or the report could be wrong
            continue


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """Workers forked from this process where the system can (not Windows): each starts with
    what is already imported and runs many departments, keeping what it has read (profiles,
    templates, the reference document) between them. Named rather than left to Python's
    default, which is no longer fork on Linux from Python 3.14 (each worker would start cold)."""
    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _ignore_interrupts() -> None:
    """In each worker: Ctrl-C is the main process's to act on (it stops handing out work)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _refuse_same_names(results: list[DepartmentResult]) -> None:
    """Two inputs with the same document title would overwrite each other's files."""
    seen: dict[str, str] = {}
    for r in results:
        if not r.ok:
            continue
        clash = next((seen[f] for f in r.files if f in seen), None)
        if clash:
            r.ok, r.errors, r.pending, r.files = False, r.errors + 1, {}, []
            r.messages.append(f"[错误] {r.input}：输出文件与 {clash} 的重名，已被其覆盖或未写出；"
                              "请检查两个输入的部门名称和年度")
        for f in r.files:
            seen.setdefault(f, r.input)



def _kept(folder: Path | None) -> str:
    return str(folder) if folder else ""


def _write_with_pdfs(results: list[DepartmentResult], history: Path | None = None, timeout: int = 120) -> None:
    from .writers.pdf import add_pdfs  # lazy: only with --pdf

    todo = [r for r in results if r.ok]
    try:
        with_pdf = add_pdfs([r.pending for r in todo], timeout)
    except UserError as e:
        for r in todo:
            r.ok, r.errors, r.pending = False, r.errors + 1, {}
            r.messages += [p.render() for p in e.problems]
        return
    for r, files in zip(todo, with_pdf, strict=True):
        r.pending = files
        _write_pending(r, history)


def summary_workbook(results: list[DepartmentResult]) -> bytes:
    """汇总.xlsx: a sheet per kind (决算, 预算), one row per department with the figures its
    profile's 汇总列 names (万元, exact), a 合计 row, and a print set-up one page wide.
    Departments that failed before their kind was known go on a sheet 未生成. Written by the
    document workbook's writer (writers/xlsx_xml.py: same fonts, no openpyxl to import)."""
    groups: dict[str, list[DepartmentResult]] = {}
    for r in results:
        groups.setdefault(r.kind or "未生成", []).append(r)
    styles = StyleBook(TEXT_FONT)
    sheets = []
    for kind in sorted(groups, key=lambda k: ("决算", "预算", "未生成").index(k)
                       if k in ("决算", "预算", "未生成") else 9):
        sheets.append(_summary_sheet(XSheet(sheet_title(kind, set()), TEXT_FONT), kind, groups[kind]))
        flush(sheets[-1], styles)
    return package(sheets, styles, XProperties(title="部门汇总", creator="gen-report", subject=None, keywords=None,
                                               stamp=datetime(2000, 1, 1), last_modified_by="gen-report"))


def _summary_sheet(ws: XSheet, kind: str, results: list[DepartmentResult]) -> XSheet:
    labels = list(dict.fromkeys(label for r in results for label in r.figures))
    years = sorted({r.year for r in results if r.year})
    put_text(ws, 1, 1, f"{'、'.join(map(str, years))}年度部门{kind}汇总" if kind != "未生成"
             else "未能生成文档的部门").font = TITLE_FONT  # as the document workbook's sheet titles
    rows: list[list[str | int | Decimal | None]] = [
        ["部门", "年度", "状态", "警告数", "错误数", *[f"{label}（万元）" for label in labels], "输入文件"]]
    totals: dict[str, Decimal] = {}
    for r in results:
        for label in labels:
            if r.ok and (v := r.figures.get(label)) is not None:
                totals[label] = totals.get(label, Decimal(0)) + v
        rows.append([r.department or Path(r.input).stem, r.year, r.status, r.warnings, r.errors,
                     *[_wan(v) if (v := r.figures.get(label)) is not None else None for label in labels],
                     Path(r.input).name])
    if labels:
        ok = sum(1 for r in results if r.ok)
        rows.append([f"合计（{ok} 个部门）", None, None, None, None,
                     *[_wan(totals[label]) if label in totals else None for label in labels], None])
    first_amount, last_amount = 6, 5 + len(labels)
    bold_rows = {2, 1 + len(rows)} if labels else {2}  # the header, and the 合计 row
    for i, values in enumerate(rows, start=2):  # boxed from the header row down
        for col, value in enumerate(values, start=1):
            if isinstance(value, str):
                cell = put_text(ws, i, col, value)  # (literal text, never a formula)
            else:
                cell = ws.cell(i, col)
                cell.value = value
            cell.border = THIN_BORDER
            cell.font = TEXT_BOLD if i in bold_rows else TEXT_FONT
            if i == 2:
                cell.alignment = wrap("center")
            elif first_amount <= col <= last_amount:
                cell.number_format = "#,##0.00"
    ws.col_widths.update({1: 30, 2: 7, 3: 7, 4: 7, 5: 7, last_amount + 1: 36})
    ws.col_widths.update((col, 13) for col in range(first_amount, last_amount + 1))
    ws.row_heights[2] = 32
    ws.freeze = (2, 1)
    # printed: landscape A4, one page wide (as many pages down as needed), header rows repeated
    ws.landscape = True
    ws.print_titles = (1, 2)
    ws.side_margin = 0.4
    return ws


def _wan(yuan: Decimal) -> Decimal:
    """元 as 万元, exactly (no float, no rounding: the cell shows two decimals)."""
    return yuan / 10000


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
