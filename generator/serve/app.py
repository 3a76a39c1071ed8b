"""The routes of `gen-report serve` (Starlette), one session per browser tab.

    /                               a new session (its token goes in the address)
    /s/{token}/                     start page: blank workbook, upload
    /s/{token}/blank                a blank 录入表 (GET kind, year, profile)
    /s/{token}/check                POST an input (and optionally last year's): check, render
    /s/{token}/result               problems, or changes + downloads + preview
    /s/{token}/download/{suffix}    docx / xlsx / pdf of the last version that passed
    /s/{token}/batch                batch form (GET), start a batch (POST)
    /s/{token}/batch/{job}          progress and results; /status (JSON), /zip
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import Location, Problem, UserError, error
from ..options import RunOptions
from ..profiles import available_profiles
from ..writers.pdf import soffice
from . import preview
from .work import (
    MB,
    Limits,
    Session,
    Sessions,
    Upload,
    add_pdf,
    blank_workbook,
    check_and_generate,
    display_name,
    start_batch,
)

HERE = Path(__file__).resolve().parent
MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
}


HTTP_MESSAGES = {404: "没有这个页面，请回到首页重新开始", 405: "不支持这种请求方式"}


class TooLarge(Exception):
    pass


class Server:
    """What every request shares: the run options, the limits and the sessions."""

    def __init__(self, options: RunOptions, limits: Limits) -> None:
        self.options = options  # the run options the server was started with
        self.limits = limits
        self.sessions = Sessions(limits.sessions)
        self.pages = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(),
                                 trim_blocks=True, lstrip_blocks=True)
        self.pages.globals.update(preview.helpers())

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("limits", self.limits)
        context.setdefault("MB", MB)
        context.setdefault("pdf_available", pdf_available())
        return HTMLResponse(self.pages.get_template(name).render(**context), status_code=status)

    def session(self, request: Request) -> Session:
        session = self.sessions.get(request.path_params["token"])
        if session is None:
            raise HTTPException(404, "这个页面已过期（程序重新启动过，或打开的页面太多）。请回到首页重新开始。")
        return session

    # ------------------------------------------------------------ pages

    async def root(self, request: Request) -> Response:
        return RedirectResponse(f"/s/{self.sessions.new().token}/", status_code=303)

    async def start(self, request: Request) -> Response:
        session = self.session(request)
        return self.page("index.html", session=session, choices=self.choices())

    def choices(self) -> dict[str, Any]:
        models = available_profiles(self.options.data_dir)
        years = sorted({y for m in models for y in m.years}, reverse=True)
        final = [y for m in models if m.kind == "决算" for y in m.years]  # the usual case: last year's 决算
        return {"profiles": models, "years": years, "kinds": ["决算", "预算"],
                "year": max(final or years or [2000])}

    async def blank(self, request: Request) -> Response:
        session = self.session(request)
        query = request.query_params
        kind = query.get("kind", "决算")
        profile = query.get("profile") or None
        choices = self.choices()
        problems: list[Problem] = []
        if kind not in choices["kinds"]:
            problems.append(error("bad-kind", "类型应为“决算”或“预算”", found=kind))
        year_text = query.get("year", "")
        if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
            problems.append(error("bad-year", "年度应为 2000 至 2100 之间的四位数字", found=year_text or "（空）"))
        models = {m.name: m for m in choices["profiles"]}
        if profile and profile not in models:
            problems.append(error("unknown-profile", f"没有名为“{profile}”的模板",
                                  hint="可用模板：" + "、".join(models)))
        elif profile and models[profile].kind != kind:
            problems.append(error("profile-kind", f"模板“{profile}”用于{models[profile].kind}，而选择的类型是{kind}",
                                  hint="请选择与类型相同的模板，或选“按类型和年度自动选择”"))
        if not problems:
            try:
                name, data = await run_in_threadpool(blank_workbook, kind, int(year_text), profile,
                                                     self.options)
                return download(name, data)
            except UserError as e:
                problems = e.problems
        return self.page("index.html", status=400, session=session, choices=choices, blank_problems=problems)

    async def check(self, request: Request) -> Response:
        session = self.session(request)
        try:
            form = await self.form(request)
        except TooLarge:
            return self.too_large(session)
        except MultiPartException as e:
            return self.bad_form(session, str(e))
        upload = await upload_of(form.get("file"))
        if upload is None:
            return self.bad_form(session, "请先选择要上传的录入表（.xlsx）或输入文件（.yaml）")
        prev = await upload_of(form.get("prev"))
        strict = form.get("strict") == "1"
        async with session.lock:
            outcome = await run_in_threadpool(check_and_generate, upload, prev, self.options, self.limits,
                                              strict, session.current)
            session.outcome = outcome
            if outcome.version is not None:
                session.current = outcome.version
        status = 413 if any(p.code == "file-too-large" for p in outcome.problems) else 303
        if status == 413:
            return self.page("result.html", status=413, session=session, outcome=outcome)
        return RedirectResponse(f"/s/{session.token}/result", status_code=303)

    async def result(self, request: Request) -> Response:
        session = self.session(request)
        if session.outcome is None:
            return RedirectResponse(f"/s/{session.token}/", status_code=303)
        return self.page("result.html", session=session, outcome=session.outcome)

    async def download(self, request: Request) -> Response:
        session = self.session(request)
        suffix = "." + request.path_params["suffix"]
        version = session.current
        if version is None or suffix not in (".docx", ".xlsx", ".pdf"):
            raise HTTPException(404, "没有可以下载的文件：请先上传录入表并通过检查。")
        if suffix == ".pdf":
            try:
                await run_in_threadpool(add_pdf, version)
            except UserError as e:
                return self.page("problems.html", status=503, session=session, title="无法生成 PDF",
                                 problems=e.problems)
        name, data = version.files[suffix]
        return download(name, data)

    async def batch_form(self, request: Request) -> Response:
        session = self.session(request)
        return self.page("batch.html", session=session, pdf_available=pdf_available())

    async def batch_start(self, request: Request) -> Response:
        session = self.session(request)
        try:
            form = await self.form(request)
        except TooLarge:
            return self.too_large(session, batch=True)
        except MultiPartException as e:
            return self.bad_form(session, str(e), batch=True)
        uploads = [u for f in form.getlist("files") if (u := await upload_of(f)) is not None]
        if not uploads:
            return self.bad_form(session, "请选择要批量生成的录入文件（可以一次选择多个）", batch=True)
        if len(uploads) > self.limits.batch_files:
            return self.bad_form(session, f"一次最多上传 {self.limits.batch_files} 个文件，"
                                          f"本次选择了 {len(uploads)} 个；请分几次生成", batch=True, status=413)
        async with session.lock:
            if len(session.jobs) >= self.limits.jobs_per_session:
                oldest = next(iter(session.jobs))
                if not session.jobs[oldest].finished:
                    return self.bad_form(session, "已有批量生成正在进行，请等它完成后再开始新的一批", batch=True,
                                         status=429)
                del session.jobs[oldest]
            job = start_batch(uploads, self.options, self.limits, form.get("strict") == "1",
                              form.get("pdf") == "1" and pdf_available())
            session.jobs[job.id] = job
        return RedirectResponse(f"/s/{session.token}/batch/{job.id}", status_code=303)

    def job(self, request: Request):  # noqa: ANN201
        session = self.session(request)
        job = session.jobs.get(request.path_params["job"])
        if job is None:
            raise HTTPException(404, "没有这一批：它可能已被更新的批次替换。")
        return session, job

    async def batch_page(self, request: Request) -> Response:
        session, job = self.job(request)
        return self.page("job.html", session=session, job=job)

    async def batch_status(self, request: Request) -> Response:
        _, job = self.job(request)
        return JSONResponse(job.as_dict())

    async def batch_zip(self, request: Request) -> Response:
        _, job = self.job(request)
        if not job.finished or not job.zip_data:
            raise HTTPException(409, "这一批还没有完成，请稍候。")
        return download(job.zip_name, job.zip_data)

    # ------------------------------------------------------------ helpers

    async def form(self, request: Request) -> Any:
        """The multipart form, read within the request limit and kept in memory (never spooled to
        a file outside the upload's own folder)."""
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limits.request_bytes:
            raise TooLarge
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise MultiPartException("表单格式不对（应以 multipart/form-data 上传文件）")
        parser = MultiPartParser(request.headers, bounded(request.stream(), self.limits.request_bytes),
                                 max_files=self.limits.batch_files + 1, max_fields=20)
        parser.spool_max_size = self.limits.request_bytes  # uploads stay in memory
        parser.max_part_size = 4096  # the form's plain fields are short
        return await parser.parse()

    def too_large(self, session: Session, batch: bool = False) -> Response:
        limit = self.limits.request_bytes if batch else self.limits.file_bytes
        return self.bad_form(session, f"上传的文件太大，超过 {limit // MB} MB 的上限", batch=batch, status=413)

    def bad_form(self, session: Session, message: str, batch: bool = False, status: int = 400) -> Response:
        problems = [error("bad-upload", message, location=Location())]
        if batch:
            return self.page("batch.html", status=status, session=session, pdf_available=pdf_available(),
                             problems=problems)
        return self.page("index.html", status=status, session=session, choices=self.choices(),
                         upload_problems=problems)

    async def not_found(self, request: Request, exc: HTTPException) -> Response:
        detail = exc.detail if re.search(r"[\u4e00-\u9fff]", exc.detail or "") else \
            HTTP_MESSAGES.get(exc.status_code, f"请求无法处理（{exc.status_code}）")
        return self.page("problems.html", status=exc.status_code, session=None, title="无法打开这个页面",
                         problems=[error("http", detail)])


async def bounded(stream: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    total = 0
    async for chunk in stream:
        total += len(chunk)
        if total > limit:
            raise TooLarge
        yield chunk


async def upload_of(item: Any) -> Upload | None:
    if not isinstance(item, UploadFile) or not (item.filename or "").strip():
        return None
    data = await item.read()
    await item.close()
    return Upload(display_name(item.filename), data)


def download(name: str, data: bytes) -> Response:
    """The file under its own (Chinese) name: RFC 6266 filename* plus an ASCII fallback."""
    suffix = Path(name).suffix
    fallback = "gen-report" + suffix
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=MEDIA_TYPES.get(suffix, "application/octet-stream"),
                    headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


def pdf_available() -> bool:
    return soffice() is not None


def create_app(options: RunOptions | None = None, limits: Limits | None = None) -> Starlette:
    server = Server(options or RunOptions(), limits or Limits())
    routes = [
        Route("/", server.root),
        Route("/s/{token}/", server.start),
        Route("/s/{token}/blank", server.blank),
        Route("/s/{token}/check", server.check, methods=["POST"]),
        Route("/s/{token}/result", server.result),
        Route("/s/{token}/download/{suffix}", server.download),
        Route("/s/{token}/batch", server.batch_form, methods=["GET"]),
        Route("/s/{token}/batch", server.batch_start, methods=["POST"]),
        Route("/s/{token}/batch/{job}", server.batch_page),
        Route("/s/{token}/batch/{job}/status", server.batch_status),
        Route("/s/{token}/batch/{job}/zip", server.batch_zip),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: server.not_found})
    app.state.server = server
    return app
