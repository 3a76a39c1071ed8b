"""A check-and-generate round trip through `gen-report serve`, against the CLI's warm time.

    python benchmarks/serve.py            # about half a minute
    python benchmarks/serve.py --quick

The server is the real command in its own process on 127.0.0.1 (as an officer runs it); the
client uploads one department's input and reads the result page (problems, preview) the server
redirects to, as the browser does. Target (issue 16): within 100 ms of the CLI's warm time for
one department (in-process `build_report`, as benchmarks/run.py measures it).

Not a test: the figures are written to benchmarks/serve.md, and into docs/性能.md (run.py keeps
the section when it rewrites that file).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]

from benchmarks.timing import min_and_median  # noqa: E402

EXAMPLE = ROOT / "data" / "examples" / "清远市政务服务数据管理局-2020-决算.yaml"
SECTION = "## 网页（gen-report serve）"
TARGET_MS = 100


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--no-browser", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None and "网页已启动" in process.stdout.readline()
    return process, f"http://127.0.0.1:{port}"


def measure(base: str, repeat: int, out_dir: Path) -> dict[str, tuple[float, float]]:
    """The CLI's warm run and the web round trip, interleaved so both see the same machine load
    (this machine is shared); then a second upload in one tab and a download."""
    import httpx2 as httpx

    from generator.build import build_report
    from generator.options import RunOptions

    data = EXAMPLE.read_bytes()
    options = RunOptions(out_dir=out_dir)
    with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as client:
        def upload(tab: str) -> None:
            page = client.post(tab + "check", files={"file": (EXAMPLE.name, data)})
            assert page.status_code == 200 and "检查通过" in page.text, page.text[:500]

        def timed(call: Callable[[], object]) -> float:
            start = time.perf_counter()
            call()
            return time.perf_counter() - start

        build_report(EXAMPLE, options, compare=False)  # warm-up of both sides
        upload(client.get("/").url.path)
        cli, web = [], []
        for _ in range(repeat):
            cli.append(timed(lambda: build_report(EXAMPLE, options, compare=False)))
            tab = client.get("/").url.path  # a fresh tab: nothing to compare with
            web.append(timed(lambda tab=tab: upload(tab)))
        same = client.get("/").url.path
        again = min_and_median(lambda: upload(same), repeat)  # a second version: read back and compared
        docx = min_and_median(lambda: client.get(same + "download/docx").raise_for_status(), repeat)

    def pair(times: list[float]) -> tuple[float, float]:
        return min(times), statistics.median(times)

    return {"cli": pair(cli), "web": pair(web), "again": again, "docx": docx}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeat = 5 if args.quick else 20
    process, base = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="gen-report-bench-") as t:
            served = measure(base, repeat, Path(t))
    finally:
        process.terminate()
        process.wait(timeout=30)
    warm = served["cli"]

    def ms(pair: tuple[float, float]) -> str:
        return f"最少 {pair[0] * 1000:.0f} 毫秒，中位 {pair[1] * 1000:.0f} 毫秒"

    extra = served["web"][1] - warm[1]  # medians of interleaved runs: the same load on both sides
    verdict = "达到" if extra * 1000 <= TARGET_MS else "**未达到**"
    said = f"多 {extra * 1000:.0f} 毫秒" if extra >= 0 else f"少 {-extra * 1000:.0f} 毫秒"
    lines = [
        SECTION,
        "",
        f"由 `python benchmarks/serve.py` 测量（{time.strftime('%Y-%m-%d')}，与上面同一台机器，N={repeat}）。"
        "服务器是真实的 `gen-report serve` 进程（127.0.0.1），客户端上传示例 000 的输入文件，"
        "并读取服务器随即转到的结果页（含全部问题和整份文档的 HTML 预览），与浏览器所做的相同；"
        "每次都是一个新的标签页（没有上一版本可比较）。",
        "",
        "| 目标 | 要求 | 测得 | 结论 |",
        "| --- | --- | --- | --- |",
        f"| 一次检查并生成（上传 → 结果页），与命令行的热耗时相比 | 多出 ≤ {TARGET_MS} 毫秒 | "
        f"网页 {ms(served['web'])}；命令行进程内（`build_report`，同样交替测量）{ms(warm)}；"
        f"中位数相比，网页{said} | {verdict} |",
        "",
        f"- 同一页面再次上传（另外读回两个版本的 Word 文档，逐格、逐句比较，列出变化）：{ms(served['again'])}。",
        f"- 下载 Word 文档（已在内存中）：{ms(served['docx'])}。",
        "- 两边的生成是同一段代码（`render_files`）。网页另有：上传的解析（multipart）、在临时文件夹中写入和删除、"
        "结果页的 HTML（预览含全部表格）、本机 HTTP 往返；命令行另有：把 Word、Excel 文件写入磁盘（fsync）。"
        "本机同时有其他任务，各次时间波动较大，因此两边交替测量，按中位数比较。",
        "",
    ]
    text = "\n".join(lines)
    (HERE / "serve.md").write_text(text, encoding="utf-8")
    doc = ROOT / "docs" / "性能.md"
    if doc.exists():
        current = doc.read_text(encoding="utf-8")
        if SECTION in current:
            start = current.index(SECTION)
            end = current.find("\n## ", start + len(SECTION))
            current = current[:start] + text + (current[end + 1:] if end >= 0 else "")
        else:
            anchor = current.find("\n## 分析与已做的优化")
            current = current[:anchor + 1] + text + "\n" + current[anchor + 1:] if anchor >= 0 else current + "\n" + text
        doc.write_text(current, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
