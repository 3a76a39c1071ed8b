"""PDF through LibreOffice headless: one soffice process converts every document of a run.

The .docx is the document; the PDF is LibreOffice's rendering of it, made in a private
temporary folder (with its own LibreOffice profile, so concurrent runs never share one) and
then returned as bytes to be written together with the other outputs (writers/atomic.py).
A plain `--convert-to pdf` prints the 目录 as stored, without page numbers; so a small Basic
macro (installed in the private profile) opens each document, updates its indexes twice (the
second pass sees the 目录's own length), exports the PDF and writes out the updated 目录 text,
whose page numbers then go back into the .docx (docx_toc.with_page_numbers).
LibreOffice stamps each PDF with the time and a random file ID; both are replaced by values
derived from the .docx (same length, so the cross-reference offsets stay valid), which makes
the PDF byte-identical for identical input.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..chars import escape
from ..errors import UserError, error
from ..resources import TEMPLATES_DIR
from .docx_toc import toc_lines, with_page_numbers

MACRO = TEMPLATES_DIR / "GenReport.xba"
_EMPTY_LIBRARY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE library:library PUBLIC '
    '"-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">\n<library:library '
    'xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
    'library:readonly="false" library:passwordprotected="false">\n</library:library>\n')

TIMEOUT_SECONDS = 120  # per document, --pdf-timeout: a runaway LibreOffice is stopped, never waited on
# The official fonts first (when installed they are used as named); otherwise the Noto CJK
# face closest in kind: Serif (宋体-like) for 仿宋/宋体/楷体/小标宋, Sans (黑体-like) for 黑体.
# Without this LibreOffice picks one Japanese sans face for everything.
FALLBACKS = {
    "仿宋_GB2312": ("仿宋", "FangSong", "Noto Serif CJK SC"),
    "仿宋": ("仿宋_GB2312", "FangSong", "Noto Serif CJK SC"),
    "宋体": ("SimSun", "Noto Serif CJK SC"),
    "方正小标宋简体": ("方正小标宋_GBK", "Noto Serif CJK SC"),
    "楷体_GB2312": ("楷体", "KaiTi", "Noto Serif CJK SC"),
    "楷体": ("楷体_GB2312", "KaiTi", "Noto Serif CJK SC"),
    "黑体": ("SimHei", "Noto Sans CJK SC"),
}
_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:([0-9]{14})([^)]*)\)")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")


def soffice() -> str | None:
    """The LibreOffice program: $GEN_REPORT_SOFFICE, else soffice/libreoffice on PATH."""
    configured = os.environ.get("GEN_REPORT_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing_libreoffice() -> UserError:
    return UserError([error(
        "no-libreoffice", "未找到 LibreOffice（soffice 程序），无法生成 PDF",
        hint="请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer fonts-noto-cjk），"
             "或设置环境变量 GEN_REPORT_SOFFICE 指向 soffice；不需要 PDF 时去掉 --pdf 即可")])


def add_pdfs(batches: list[dict[Path, bytes]], timeout: int = TIMEOUT_SECONDS) -> list[dict[Path, bytes]]:
    """Each department's files plus its PDF (next to its .docx), converted in one process
    that may take `timeout` seconds per document."""
    program = soffice()
    if program is None:
        raise missing_libreoffice()
    docx_items = [(i, path, data) for i, files in enumerate(batches)
                  for path, data in files.items() if path.suffix == ".docx"]
    out = [dict(files) for files in batches]
    if not docx_items:
        return out
    with tempfile.TemporaryDirectory(prefix="gen-report-pdf-") as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        inputs = []
        for n, (_, _, data) in enumerate(docx_items):
            name = root / "in" / f"{n:05d}.docx"  # department names may repeat or be long
            name.write_bytes(data)
            inputs.append(str(name))
        (root / "out").mkdir()
        base = [program, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless",
                "--norestore", "--nolockcheck"]
        env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(root))}
        # The first start creates the profile (and overwrites any Basic library put there
        # before); the macro is installed into the created profile, then run.
        done = _run([*base, "--terminate_after_init"], env, timeout)
        _install_macro(root / "profile")
        done = _run([*base, f'macro:///Standard.GenReport.ConvertAll("{root / "in"}",'
                            f'"{root / "out"}")'], env, timeout * len(docx_items))
        for n, (i, path, data) in enumerate(docx_items):
            pdf = root / "out" / f"{n:05d}.pdf"
            if not pdf.exists():
                detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
                raise UserError([error("pdf-failed", f"LibreOffice 未能把 {path.name} 转换为 PDF"
                                       f"（退出码 {done.returncode}{'：' + detail if detail else ''}）",
                                       hint="请确认 LibreOffice 能正常运行（soffice --headless --version）")])
            toc = root / "out" / f"{n:05d}.toc.txt"
            if toc.exists():
                data = with_page_numbers(data, toc_lines(toc.read_text(encoding="utf-8")))
                out[i][path] = data
            out[i][path.with_suffix(".pdf")] = fixed_pdf(pdf.read_bytes(), data)
    return out


def _run(command: list[str], env: dict[str, str], timeout: int) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, check=False, env=env)
    except FileNotFoundError as e:
        raise missing_libreoffice() from e
    except subprocess.TimeoutExpired as e:
        raise UserError([error("pdf-failed", f"LibreOffice 转换 PDF 超时（{timeout} 秒），已停止转换",
                               hint="可能是 LibreOffice 卡住了；请关闭所有 LibreOffice 窗口后重试，"
                                    "或用 --pdf-timeout 给出更长的时限（秒）")]) from e


def _install_macro(profile: Path) -> None:
    """templates/GenReport.xba as module GenReport of the profile's Standard Basic library."""
    library = profile / "user" / "basic" / "Standard"
    library.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MACRO, library / "GenReport.xba")
    index = library / "script.xlb"
    text = index.read_text(encoding="utf-8") if index.exists() else _EMPTY_LIBRARY
    if 'library:name="GenReport"' not in text:
        text = text.replace("</library:library>",
                            ' <library:element library:name="GenReport"/>\n</library:library>')
    index.write_text(text, encoding="utf-8")


def _fontconfig(root: Path) -> Path:
    """A fontconfig file: the system's configuration plus the fallbacks above."""
    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    aliases = "".join(
        f"<alias binding=\"same\"><family>{escape(name)}</family><accept>"
        + "".join(f"<family>{escape(f)}</family>" for f in fallbacks) + "</accept></alias>"
        for name, fallbacks in FALLBACKS.items())
    path = root / "fonts.conf"
    path.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f'<include ignore_missing="yes">{escape(system)}</include>{aliases}</fontconfig>',
                    encoding="utf-8")
    return path


def fixed_pdf(pdf: bytes, docx: bytes) -> bytes:
    """The PDF with its dates and file ID taken from the .docx instead of the clock."""
    digest = hashlib.sha256(docx).hexdigest().upper()
    year = _docx_year(docx)

    def date(m: re.Match[bytes]) -> bytes:
        stamp = f"{year:04d}0101000000".encode()
        tail = b"Z00'00'" if len(m.group(3)) == 7 else m.group(3)  # "+08'00'": same length
        return m.group(0)[: m.start(2) - m.start(0)] + stamp + tail + b")"

    def file_id(m: re.Match[bytes]) -> bytes:
        a = digest[: len(m.group(1))].ljust(len(m.group(1)), "0").encode()
        b = digest[: len(m.group(2))].ljust(len(m.group(2)), "0").encode()
        return m.group(0).replace(m.group(1), a, 1).replace(m.group(2), b, 1)

    return _ID.sub(file_id, _DATE.sub(date, pdf))


def _docx_year(docx: bytes) -> int:
    """The year stamped in the .docx core properties (report year + 1), else 2000."""
    try:
        core = zipfile.ZipFile(io.BytesIO(docx)).read("docProps/core.xml")
        m = re.search(rb"<dcterms:created[^>]*>(\d{4})", core)
        return int(m.group(1)) if m else 2000
    except (KeyError, zipfile.BadZipFile):
        return 2000
