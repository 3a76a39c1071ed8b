"""What the server does with uploads: each in its own temporary folder, removed afterwards.

An uploaded file's name is only ever shown, never used as a path: the bytes are written as
`input.xlsx` (or `.yaml`, the suffix only when it is plain letters and digits) inside a fresh
folder, checked and rendered by the same functions as the CLI, and every message that names the
temporary file is given back the officer's own file name. Outputs stay in memory, per session.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
import tempfile
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..batch import SUMMARY_NAME, DepartmentResult, default_jobs, run_batch, summary_workbook
from ..build import Rendered, render_files
from ..convert import blank_workbook as write_blank
from ..diff import Content, compare, read_content
from ..document import Document
from ..errors import Location, Problem, UserError, error
from ..options import RunOptions
from ..writers.atomic import safe_file_stem
from ..writers.pdf import add_pdfs
from ..writers.zipfix import zip_bytes

MB = 1024 * 1024
# Rendering shares per-process caches and matplotlib; one document is rendered at a time
# (the work is CPU-bound Python, so this costs nothing on throughput).
_RENDER_LOCK = threading.Lock()
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")
# Keys of a YAML input that name another file next to it; an upload has no folder of its own.
_REFERENCE = re.compile(r"""^["']?(表格|上年文件)["']?\s*:""", re.M)


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 20 * MB  # one upload (load_xlsx accepts workbooks up to 20 MB)
    request_bytes: int = 100 * MB  # one request, a batch's files together
    batch_files: int = 200
    sessions: int = 50  # sessions kept in memory; the oldest unused goes first
    jobs_per_session: int = 5


@dataclass(frozen=True)
class Upload:
    name: str  # shown to the officer; never a path
    data: bytes


def display_name(raw: str | None) -> str:
    """The last part of whatever the browser sent ("C:\\Users\\a\\录入表.xlsx", "../../x.yaml"),
    made safe to show and to put in a download name."""
    last = re.split(r"[\\/]", raw or "")[-1]
    return safe_file_stem(last, limit=100) if last.strip(" .") else "未命名文件"


def _suffix(name: str) -> str:
    suffix = Path(name).suffix
    return suffix.lower() if _SUFFIX.match(suffix) else ""


@contextmanager
def private_folder() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="gen-report-serve-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def place(root: Path, upload: Upload, stem: str) -> Path:
    path = root / f"{stem}{_suffix(upload.name)}"
    path.write_bytes(upload.data)
    return path


def relabel(problems: list[Problem], names: dict[str, str]) -> list[Problem]:
    """Messages name the officer's files, not the temporary ones."""
    out = []
    for p in problems:
        loc = p.location
        if loc.file in names:
            loc = replace(loc, file=names[loc.file])
        out.append(replace(p, location=loc, message=_unpath(p.message, names), hint=_unpath(p.hint, names),
                           found=_unpath(p.found, names)))
    return out


def _unpath(text: str, names: dict[str, str]) -> str:
    for temp, shown in names.items():
        text = text.replace(temp, shown)
    return text


def screen(upload: Upload, limits: Limits) -> list[Problem]:
    """What the server refuses before the generator sees the file."""
    where = Location(file=upload.name)
    if len(upload.data) > limits.file_bytes:
        return [error("file-too-large", f"文件过大（{len(upload.data) // 1024} KB），超过 "
                      f"{limits.file_bytes // MB} MB 的上限", location=where,
                      hint="一个部门一年的数据不会这么大，请确认选对了文件")]
    if not upload.data:
        return [error("file-empty", "上传的文件是空的", location=where, hint="请重新选择文件")]
    if _suffix(upload.name) in (".yaml", ".yml"):
        text = upload.data[:MB].decode("utf-8", "replace")
        return [error("reference-in-upload", f"网页中不能使用“{m.group(1)}”引用其他文件",
                      location=Location(file=upload.name, line=text.count("\n", 0, m.start()) + 1),
                      hint="上年的录入文件请在“上年录入文件”处一并上传；表格请直接上传 Excel 录入表"
                      if m.group(1) == "上年文件" else "请把表格数据写在本文件中，或直接上传 Excel 录入表")
                for m in _REFERENCE.finditer(text)]
    return []


# ---------------------------------------------------------------- one department


@dataclass
class Version:
    """A department's document that passed every check, with its files in memory."""

    name: str  # the uploaded file's name
    document: Document
    files: dict[str, tuple[str, bytes]]  # ".docx" -> (download name, bytes)
    pdf_lock: threading.Lock = field(default_factory=threading.Lock)
    _content: Content | None = None  # the .docx read back, for "what changed" (diff.py)

    @property
    def content(self) -> Content:
        if self._content is None:
            self._content = read_content(self.files[".docx"][1])
        return self._content


@dataclass
class Outcome:
    """What the result page shows for one upload."""

    name: str
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)  # as the CLI's summary: the unit used, totals not stated
    profile: str | None = None
    version: Version | None = None
    previous: str | None = None  # name of the version compared against
    changes: list | None = None  # diff.Change; None when there was nothing to compare with
    internal: bool = False  # a bug, not the officer's input

    @property
    def ok(self) -> bool:
        return self.version is not None

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "错误")

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def check_and_generate(upload: Upload, prev: Upload | None, options: RunOptions, limits: Limits,
                       strict: bool = False, previous: Version | None = None) -> Outcome:
    """Check one upload and, when it passes, render its documents (in memory). `options` are the
    server's (data and templates folders, reference document); the rest is this upload's."""
    uploads = [upload, prev] if prev else [upload]
    problems = [p for u in uploads for p in screen(u, limits)]
    if problems:
        return Outcome(upload.name, problems)
    with private_folder() as root:
        path = place(root, upload, "input")
        prev_path = place(root, prev, "prev") if prev else None
        names = {str(path): upload.name, **({str(prev_path): prev.name} if prev else {})}
        try:
            with _RENDER_LOCK:
                rendered = _render(path, replace(options, strict=strict, prev=prev_path, out_dir=root / "out"))
        except UserError as e:
            return Outcome(upload.name, relabel(e.problems, names), notes=e.notes)
        except Exception:  # noqa: BLE001 - a bug must not stop the server; the officer is told
            traceback.print_exc()
            return Outcome(upload.name, [error("internal", "程序内部错误，未生成任何文件",
                                               location=Location(file=upload.name),
                                               hint="请把该文件报告给开发者")], internal=True)
    files = {p.suffix: (p.name, data) for p, data in rendered.files.items()}
    version = Version(upload.name, rendered.document, files)
    outcome = Outcome(upload.name, relabel(rendered.warnings, names), notes=rendered.prepared.notes,
                      profile=rendered.prepared.profile.model.name, version=version)
    if previous is not None:
        outcome.previous = previous.name
        outcome.changes = compare(previous.content, version.content)  # each version is read back once
    return outcome


def _render(path: Path, options: RunOptions) -> Rendered:
    return render_files(path, options, compare=False)


def add_pdf(version: Version) -> bytes:
    """The PDF of a version, made once (LibreOffice) and kept with it."""
    with version.pdf_lock:
        if ".pdf" not in version.files:
            docx_name, docx_data = version.files[".docx"]
            files = add_pdfs([{Path(docx_name): docx_data}])[0]  # LibreOffice in its own folder and profile
            pdf = Path(docx_name).with_suffix(".pdf")
            version.files[".pdf"] = (pdf.name, files[pdf])
        return version.files[".pdf"][1]


def blank_workbook(kind: str, year: int, profile: str | None, options: RunOptions) -> tuple[str, bytes]:
    """`gen-report init` into a private folder; the bytes and the download name."""
    name = f"{year}年度{kind}录入表.xlsx" if kind == "决算" else f"{year}年{kind}录入表.xlsx"
    with private_folder() as root:
        path = root / "blank.xlsx"
        write_blank(kind, year, profile, path, options)
        return name, path.read_bytes()


# ---------------------------------------------------------------- batch


@dataclass
class BatchJob:
    id: str
    names: list[str]
    done: list[DepartmentResult | None] = field(default_factory=list)  # `input`: the file's shown name
    finished: bool = False
    zip_name: str = "公开文件.zip"
    zip_data: bytes = b""
    failure: str = ""  # the whole batch failed (e.g. LibreOffice missing)

    @property
    def total(self) -> int:
        return len(self.names)

    @property
    def count(self) -> int:
        return sum(1 for d in self.done if d is not None)

    def as_dict(self) -> dict[str, object]:
        return {"total": self.total, "done": self.count, "finished": self.finished, "failure": self.failure,
                "departments": [{"name": n, "department": d.department, "ok": d.ok, "warnings": d.warnings,
                                 "errors": d.errors, "files": d.files} if d else {"name": n, "pending": True}
                                for n, d in zip(self.names, self.done, strict=True)]}


def start_batch(uploads: list[Upload], options: RunOptions, limits: Limits, strict: bool,
                pdf: bool) -> BatchJob:
    job = BatchJob(id=secrets.token_urlsafe(12), names=[u.name for u in uploads], done=[None] * len(uploads))
    threading.Thread(target=_run_batch, args=(job, uploads, options, limits, strict, pdf),
                     name=f"batch-{job.id}", daemon=True).start()
    return job


def _run_batch(job: BatchJob, uploads: list[Upload], options: RunOptions, limits: Limits, strict: bool,
               pdf: bool) -> None:
    try:
        with private_folder() as root:
            (root / "in").mkdir()
            todo: list[tuple[int, Path]] = []
            names: dict[str, str] = {}
            for i, upload in enumerate(uploads):
                problems = screen(upload, limits)
                if problems:
                    job.done[i] = DepartmentResult(upload.name, errors=len(problems),
                                                   messages=[p.render() for p in problems])
                    continue
                path = place(root / "in", upload, f"{i + 1:03d}")
                names[str(path)] = upload.name
                todo.append((i, path))
            index = {str(path): i for i, path in todo}

            def progress(result) -> None:  # noqa: ANN001 - batch.DepartmentResult
                job.done[index[result.input]] = _department(result, names)

            run = replace(options, strict=strict, pdf=pdf, out_dir=root / "out")
            jobs = min(default_jobs(), len(todo))
            # one worker runs in this process, beside the requests: then it takes the render lock
            with _RENDER_LOCK if jobs == 1 else nullcontext():
                results = run_batch([p for _, p in todo], run, jobs, progress=progress) if todo else []
            for result in results:  # final state: run_batch may fail a department after its progress call
                job.done[index[result.input]] = _department(result, names)
            job.zip_data = _zip(results, summary_workbook(results), SUMMARY_NAME)
    except UserError as e:
        job.failure = "\n".join(p.render() for p in e.problems)
    except Exception as e:  # noqa: BLE001 - the server keeps running; the page says what happened
        traceback.print_exc()
        job.failure = f"程序内部错误（{type(e).__name__}），批量生成未完成，请把输入文件报告给开发者"
    finally:
        for i, d in enumerate(job.done):
            if d is None:
                job.done[i] = DepartmentResult(job.names[i], errors=1, messages=["未处理（批量生成中途停止）"])
        job.finished = True


def _department(result: DepartmentResult, names: dict[str, str]) -> DepartmentResult:
    """As the page shows it: the officer's file name, messages without temporary paths."""
    return replace(result, input=names.get(result.input, result.input), pending={},
                   messages=[_unpath(m, names) for m in result.messages], files=[Path(f).name for f in result.files])


def _zip(results: list[DepartmentResult], summary: bytes, summary_name: str) -> bytes:
    """Every department's files and the summary workbook (the shared zip writer: fixed member
    metadata, so the same batch gives the same bytes)."""
    members = [(Path(f).name, Path(f).read_bytes()) for r in results if r.ok for f in r.files]
    return zip_bytes([*members, (summary_name, summary)])


# ---------------------------------------------------------------- sessions


@dataclass
class Session:
    """One browser tab's work: its token is in the page's address, so two tabs never share."""

    token: str
    current: Version | None = None
    outcome: Outcome | None = None
    jobs: dict[str, BatchJob] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one upload at a time per tab
    touched: float = field(default_factory=time.monotonic)


class Sessions:
    def __init__(self, limit: int) -> None:
        self._items: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def new(self) -> Session:
        session = Session(secrets.token_urlsafe(18))
        with self._lock:
            self._items[session.token] = session
            while len(self._items) > self._limit:
                self._items.popitem(last=False)
        return session

    def get(self, token: str) -> Session | None:
        if not _TOKEN.match(token):
            return None
        with self._lock:
            session = self._items.get(token)
            if session is not None:
                self._items.move_to_end(token)
                session.touched = time.monotonic()
            return session
