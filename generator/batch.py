"""Many departments in one run (a finance bureau's whole set): a process pool, one result per
department, a summary workbook of key figures side by side.

A department that fails does not stop the others. Without --pdf every worker writes its own
department's files (all or nothing, writers/atomic.py); with --pdf the workers return the
files in memory and this process converts every .docx in one LibreOffice run, then writes
each department's files together with its PDF.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from .baselines import comparison_known, comparison_value
from .build import render_files
from .errors import Problem, UserError, error
from .load import INPUT_SUFFIXES
from .options import DEFAULT_OPTIONS, RunOptions
from .writers.atomic import history_folder, sigterm_as_interrupt, write_all
from .writers.openpyxl_bytes import workbook_bytes

SUMMARY_NAME = "汇总.xlsx"
# Key figures in the summary workbook: (column, 比较项 name or ledger key), first found wins.
KEY_FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("总收入", ("收入支出决算总表.本年收入合计",)),
    ("总支出", ("收入支出决算总表.本年支出合计",)),
    ("财政拨款收入", ("财政拨款收入支出决算总表.本年收入合计",)),
    ("财政拨款支出", ("财政拨款收入支出决算总表.本年支出合计",)),
    ("一般公共预算财政拨款支出", ("一般公共预算财政拨款支出",)),
    ("基本支出", ("基本支出",)),
    ("项目支出", ("项目支出",)),
    ("“三公”经费决算", ("“三公”经费",)),
    ("机关运行经费", ("机关运行经费",)),
)


@dataclass
class DepartmentResult:
    input: str
    department: str = ""
    ok: bool = False
    warnings: int = 0
    errors: int = 0
    files: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # rendered problems (picklable)
    figures: dict[str, Decimal | None] = field(default_factory=dict)  # 元
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
    result = DepartmentResult(input=str(path))
    try:
        rendered = render_files(path, options)
        result.department = rendered.document.department
        result.figures = key_figures(rendered.prepared)
        result.warnings = len(rendered.warnings)
        result.messages = [p.render() for p in rendered.warnings]
        result.changes = len(rendered.changes) if rendered.previous else None
        if write:
            result.history = _kept(write_all(rendered.files, history))
        else:
            result.pending = rendered.files
        result.files = [str(p) for p in rendered.files]
        result.ok = True
    except UserError as e:
        result.errors = sum(1 for p in e.problems if p.severity == "错误")
        result.warnings = len(e.problems) - result.errors
        result.messages = [p.render() for p in e.problems]
    except Exception as e:  # noqa: BLE001 - a bug on one department must not stop the batch
        result.errors = 1
        result.messages = [f"[错误] {path}：程序内部错误（{type(e).__name__}: {e}），请把该输入文件报告给开发者"]
    return result


def key_figures(prepared: object) -> dict[str, Decimal | None]:
    ledger = prepared.figures.ledger  # type: ignore[attr-defined]
    comparisons = prepared.profile.model.comparisons  # type: ignore[attr-defined]
    out: dict[str, Decimal | None] = {}
    for label, candidates in KEY_FIGURES:
        out[label] = next((comparison_value(ledger, comparisons, name) for name in candidates
                           if comparison_known(ledger, comparisons, name)), None)
    return out


def run_batch(inputs: list[Path], options: RunOptions = DEFAULT_OPTIONS, jobs: int = 1,
              progress: Callable[[DepartmentResult], None] | None = None,
              history: Path | None = None) -> list[DepartmentResult]:
    """Every department, in input order in the result; `progress` is called as each finishes.
    `options` (data and templates folders, reference document, strict, output folder, PDF)
    are the same for every department; each input's own 上年文件 is followed.

    Ctrl-C (or SIGTERM) stops starting departments: those already running finish (workers
    ignore the signal, so none is cut off between its files), the rest are marked 未处理, and
    every result says exactly whether its files were written."""
    results: dict[int, DepartmentResult] = {}
    jobs = max(1, min(jobs, len(inputs)))
    pdf = options.pdf
    history = history or history_folder(options.out_dir)
    cancelled = False
    with sigterm_as_interrupt():
        if jobs == 1:
            try:
                for i, path in enumerate(inputs):
                    results[i] = one_department(path, options, not pdf, history)
                    if progress:
                        progress(results[i])
            except KeyboardInterrupt:
                cancelled = True  # the department being written was rolled back (writers/atomic.py)
        else:
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
            futures = {pool.submit(one_department, path, options, not pdf, history): i
                       for i, path in enumerate(inputs)}
            pending = set(futures)
            try:
                for future in as_completed(futures):
                    pending.discard(future)
                    results[futures[future]] = future.result()
                    if progress:
                        progress(results[futures[future]])
            except KeyboardInterrupt:
                cancelled = True
                for future in pending:
                    future.cancel()
                for future in pending:  # the running ones finish whole, and are reported as they ended
                    if not future.cancelled():
                        results[futures[future]] = _wait(future)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    ordered = [results.get(i) or DepartmentResult(input=str(p), cancelled=True) for i, p in enumerate(inputs)]
    if cancelled:
        for r in ordered:
            r.pending = {}  # nothing more is written once the officer has asked to stop
        return ordered
    _refuse_same_names(ordered)
    if pdf:
        _write_with_pdfs(ordered, history)
    return ordered


def _wait(future: Future[DepartmentResult]) -> DepartmentResult:
    while True:
        try:
            return future.result()
        except KeyboardInterrupt:  # pressed again: still wait, or the report could be wrong
            continue


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


def _write_with_pdfs(results: list[DepartmentResult], history: Path | None = None) -> None:
    from .writers.pdf import add_pdfs  # lazy: only with --pdf

    todo = [r for r in results if r.ok]
    try:
        with_pdf = add_pdfs([r.pending for r in todo])
    except UserError as e:
        for r in todo:
            r.ok, r.errors, r.pending = False, r.errors + 1, {}
            r.messages += [p.render() for p in e.problems]
        return
    for r, files in zip(todo, with_pdf, strict=True):
        try:
            r.history = _kept(write_all(files, history))
            r.files = [str(p) for p in files]
        except UserError as e:
            r.ok, r.errors = False, r.errors + 1
            r.messages += [p.render() for p in e.problems]
        r.pending = {}


def summary_workbook(results: list[DepartmentResult]) -> bytes:
    """汇总.xlsx: one row per department, key figures in 万元 side by side."""
    # lazy: openpyxl only when a batch writes its summary (start-up)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    labels = [label for label, _ in KEY_FIGURES]
    header = ["部门", "状态", "警告数", "错误数", *[f"{label}（万元）" for label in labels], "输入文件"]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in results:
        amounts = [float(v / 10000) if (v := r.figures.get(label)) is not None else None for label in labels]
        ws.append([r.department or Path(r.input).stem, r.status, r.warnings, r.errors, *amounts,
                   Path(r.input).name])
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=4 + len(labels)):
        for cell in row:
            cell.number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 36
    for col in "EFGHIJKLM":
        ws.column_dimensions[col].width = 16
    ws.freeze_panes = "B2"
    return workbook_bytes(wb, datetime(2000, 1, 1))


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
