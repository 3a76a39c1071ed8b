"""Many departments in one run (a finance bureau's whole set): a process pool, one result per
department, a summary workbook of key figures side by side.

A department that fails does not stop the others. Without --pdf every worker writes its own
department's files (all or nothing, writers/atomic.py); with --pdf the workers return the
files in memory and this process converts every .docx in one LibreOffice run, then writes
each department's files together with its PDF.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .baselines import comparison_known, comparison_value
from .build import CollectorPaused, render_files
from .errors import Problem, UserError, error
from .load import INPUT_SUFFIXES
from .options import DEFAULT_OPTIONS, RunOptions
from .writers.atomic import history_folder, remove_stale, sigterm_as_interrupt, write_all
from .writers.openpyxl_bytes import workbook_bytes

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
    # openpyxl for 汇总.xlsx (both callers write it): imported while the workers render rather
    # than after the last of them has finished
    # lazy: openpyxl only when a batch writes its summary (start-up)
    import openpyxl  # noqa: F401
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
    Departments that failed before their kind was known go on a sheet 未生成."""
    # lazy: openpyxl only when a batch writes its summary (start-up)
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    groups: dict[str, list[DepartmentResult]] = {}
    for r in results:
        groups.setdefault(r.kind or "未生成", []).append(r)
    for kind in sorted(groups, key=lambda k: ("决算", "预算", "未生成").index(k)
                       if k in ("决算", "预算", "未生成") else 9):
        _summary_sheet(wb.create_sheet(kind), kind, groups[kind])
    return workbook_bytes(wb, datetime(2000, 1, 1))


def _summary_sheet(ws: Any, kind: str, results: list[DepartmentResult]) -> None:
    # lazy: openpyxl only when a batch writes its summary (start-up)
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    labels = list(dict.fromkeys(label for r in results for label in r.figures))
    years = sorted({r.year for r in results if r.year})
    ws.append([f"{'、'.join(map(str, years))}年度部门{kind}汇总" if kind != "未生成"
               else "未能生成文档的部门"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["部门", "年度", "状态", "警告数", "错误数", *[f"{label}（万元）" for label in labels],
               "输入文件"])
    first_amount, last_amount = 6, 5 + len(labels)
    totals: dict[str, Decimal] = {}
    for r in results:
        amounts = [_wan(v) if (v := r.figures.get(label)) is not None else None for label in labels]
        for label in labels:
            if r.ok and (v := r.figures.get(label)) is not None:
                totals[label] = totals.get(label, Decimal(0)) + v
        ws.append([r.department or Path(r.input).stem, r.year, r.status, r.warnings, r.errors,
                   *amounts, Path(r.input).name])
    if labels:
        ok = sum(1 for r in results if r.ok)
        ws.append([f"合计（{ok} 个部门）", None, None, None, None,
                   *[_wan(totals[label]) if label in totals else None for label in labels], None])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    thin = Side(style="thin")
    box = Border(top=thin, bottom=thin, left=thin, right=thin)
    bold, centred = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    styled: dict[tuple[tuple[int, ...], str], Any] = {}
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
        for cell in row:
            role = "header" if cell.row == 2 else (
                "amount" if first_amount <= cell.column <= last_amount else "text")
            # The cells of a role that start alike end alike: the first is styled through
            # openpyxl, which registers its font, border, alignment and number format in the
            # workbook; the rest copy its style array (openpyxl's own record of those choices:
            # setting each cell anew costs a hash and comparison of every style object, most
            # of the summary's time). Same workbook, byte for byte (tests/test_batch_diff.py).
            key = (tuple(cell._style or ()), role)
            if key in styled:
                cell._style = copy(styled[key])
                continue
            cell.border = box
            if role == "header":
                cell.font = bold
                cell.alignment = centred
            elif role == "amount":
                cell.number_format = "#,##0.00"
            styled[key] = copy(cell._style)
    ws.column_dimensions["A"].width = 30
    for col in range(2, 6):
        ws.column_dimensions[get_column_letter(col)].width = 7
    for col in range(first_amount, last_amount + 1):
        ws.column_dimensions[get_column_letter(col)].width = 13
    ws.column_dimensions[get_column_letter(last_amount + 1)].width = 36
    ws.row_dimensions[2].height = 32
    ws.freeze_panes = "B3"
    # printed: landscape A4, one page wide (as many pages down as needed), header rows repeated
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:2"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _wan(yuan: Decimal) -> Decimal:
    """元 as 万元, exactly (no float, no rounding: the cell shows two decimals)."""
    return yuan / 10000


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
