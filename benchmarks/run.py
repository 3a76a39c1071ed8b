"""Measure the speed and memory targets (issues 8 and 11) and write docs/性能.md.

    python benchmarks/run.py            # everything (about two minutes on 2 cores)
    python benchmarks/run.py --quick    # fewer repetitions, for a smoke test

Not a test: timings depend on the machine, so the results are written down together with the
machine they were measured on, and each target is judged as stated in the issue (ratios in one
run where the issue states a ratio).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from synthetic import EXAMPLES, large, renamed, variations  # noqa: E402

IMPORTS = "import docx, openpyxl, jinja2, yaml, click"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _run(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def corrected(path: Path, folder: Path) -> Path:
    """The officer's "correct a figure and rerun": the input with one last-year figure changed
    (under 上年数 or 比上年增减; it changes sentences of the narrative, never an identity)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(("上年数:", "比上年增减:")))
    i = next(i for i in range(start + 1, len(lines)) if ":" in lines[i] and lines[i].split(":", 1)[1].strip())
    key, value = lines[i].split(":", 1)
    lines[i] = f"{key}: {Decimal(value.strip()) + Decimal('1.5')}\n"
    out = folder / path.name
    out.write_text("".join(lines), encoding="utf-8")
    return out


def cold(repeat: int, tmp: Path) -> dict[str, float]:
    # Measure the command as installed: pip compiles a package's bytecode (*.pyc) at install,
    # as it did for the five libraries of the baseline. Without this, a PYTHONDONTWRITEBYTECODE
    # environment would charge every run for compiling the generator's own sources (~50 ms).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")], check=True,
                   stdout=subprocess.DEVNULL, env=ENV, cwd=ROOT)
    generate = [sys.executable, "-m", "generator.cli"]
    fixed = corrected(EXAMPLES[0], tmp / "corrected")
    base, command, rerun = [], [], []
    for i in range(repeat):  # interleaved, so all three see the same machine load
        base.append(_run([sys.executable, "-c", IMPORTS]))
        command.append(_run([*generate, str(EXAMPLES[0]), "-o", str(tmp / f"cold{i}")]))
        _run([*generate, str(EXAMPLES[0]), "-o", str(tmp / f"rerun{i}")])  # the outputs a rerun replaces
        rerun.append(_run([*generate, str(fixed), "-o", str(tmp / f"rerun{i}")]))

    def median(runs: list[tuple[float, float]], which: int) -> float:
        return statistics.median(r[which] for r in runs)

    return {"imports": median(base, 0), "command": median(command, 0), "rerun": median(rerun, 0),
            "imports_cpu": median(base, 1), "command_cpu": median(command, 1), "rerun_cpu": median(rerun, 1)}


def warm(paths: list[Path], repeat: int, tmp: Path) -> list[tuple[float, float]]:
    """(wall, CPU) seconds, medians, of each of `paths`: one department in a process that has
    already made one (imports, templates, profiles and the reference document in memory),
    files written. Each run is the input under another department name (synthetic.renamed):
    the same layout and figures, but no document made before has the same text. The inputs
    take turns, as cold and batch runs alternate: a slower spell of the machine falls on all
    of them alike rather than on whichever was being measured."""
    from generator.build import build_report
    from generator.options import RunOptions

    inputs = [[renamed(path, i, tmp / "renamed" / f"{k}-{path.stem}" / f"{i}.yaml") for i in range(repeat + 1)]
              for k, path in enumerate(paths)]
    for each in inputs:
        build_report(each[-1], RunOptions(out_dir=tmp / "warmup"), compare=False)
    walls: list[list[float]] = [[] for _ in paths]
    cpus: list[list[float]] = [[] for _ in paths]
    for i in range(repeat):
        for k, each in enumerate(inputs):
            start, cpu = time.perf_counter(), time.process_time()
            build_report(each[i], RunOptions(out_dir=tmp / f"w{k}-{i}"), compare=False)
            walls[k].append(time.perf_counter() - start)
            cpus[k].append(time.process_time() - cpu)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus, strict=True)]


def two_cores() -> list[int] | None:
    """Two CPUs to pin the batch to ("on 2 cores"), or None if this machine has fewer."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    return cpus[:2] if len(cpus) >= 2 else None


def batch(count: int, tmp: Path) -> dict[str, float]:
    """The batch command as an officer runs it (`gen-report batch 文件夹 -j 2`, a fresh process,
    the summary workbook included), pinned to two CPUs: departments per second of wall time."""
    files = variations(count, tmp / f"in{count}")
    cpus = two_cores()
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    args = [sys.executable, "-m", "generator.cli", "batch", str(files[0].parent),
            "-o", str(tmp / f"out{count}"), "-j", "2"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV, cwd=ROOT,
                          preexec_fn=pin, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or f"成功 {count} 个" not in done.stdout:
        raise SystemExit(f"batch failed ({done.returncode}): {done.stdout[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"rate": count / elapsed, "wall": elapsed, "cpu_per_department": cpu / count,
            "pinned": bool(cpus)}


def peak(mode: str, arg: str) -> dict[str, int]:
    """Peak RSS in MB of a fresh process doing one thing (and of its workers, for a batch)."""
    out = subprocess.run([sys.executable, __file__, mode, arg], check=True, capture_output=True,
                         text=True, env=ENV, cwd=ROOT).stdout.split()
    return {"self": int(out[0]), "children": int(out[1])}


def _peak_child(mode: str, arg: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if mode == "--peak-single":
            from generator.build import build_report
            from generator.options import RunOptions

            build_report(Path(arg), RunOptions(out_dir=Path(tmp)))
        else:
            from generator.batch import run_batch
            from generator.options import RunOptions

            files = variations(int(arg), Path(tmp) / "in")
            run_batch(files, RunOptions(out_dir=Path(tmp) / "out"), 2)
    # VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a child started by a large
    # parent would report the parent's size.
    status = Path("/proc/self/status").read_text()
    kb_self = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    kb_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(kb_self // 1024, kb_children // 1024)


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"- 处理器：{cpu}，可用核数（nproc）：{cores}\n"
            f"- Python {platform.python_version()}（{platform.python_implementation()}），{platform.platform()}\n"
            f"- 测量时间：{time.strftime('%Y-%m-%d')}")


def _load(avg: tuple[float, float, float] | None) -> str:
    return "、".join(f"{v:.1f}" for v in avg) if avg else "未知"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "docs/性能.md")
    parser.add_argument("--note", default="", help="a sentence about the machine's load during the run")
    args = parser.parse_args()
    n = 3 if args.quick else 9
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    rows_list = [50, 100, 200, 400, 475]
    # memory first, from a small parent (workers are forked and start with the parent's pages)
    single = peak("--peak-single", str(EXAMPLES[0]))
    flat = {k: peak("--peak-batch", str(k)) for k in ([20, 40] if args.quick else [50, 100, 200])}
    with tempfile.TemporaryDirectory(prefix="gen-report-bench-") as t:
        tmp = Path(t)
        c = cold(n, tmp)
        warm_times = dict(zip((p.name for p in EXAMPLES), warm(EXAMPLES, n * 2, tmp), strict=True))
        count = 40 if args.quick else 200
        b = batch(count, tmp)
        larges = [large(r, tmp / f"large{r}") for r in rows_list]
        sizes = {r: t[0] for r, t in zip(rows_list, warm(larges, n, tmp), strict=True)}
    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    rate = b["rate"]

    ratio = c["command"] / c["imports"]
    rerun_ratio = c["rerun"] / c["imports"]
    worst_warm = max(wall for wall, _ in warm_times.values())
    # least-squares line t = a + b·rows; linear growth when the line explains the times (R² ≥ 0.98)
    fit = statistics.linear_regression(rows_list, [sizes[r] for r in rows_list])
    mean = statistics.fmean(sizes.values())
    residual = sum((sizes[r] - fit.intercept - fit.slope * r) ** 2 for r in rows_list)
    r2 = 1 - residual / sum((v - mean) ** 2 for v in sizes.values())
    linear = r2 >= 0.98
    biggest = sizes[rows_list[-1]]
    batch_peaks = [max(v["self"], v["children"]) for v in flat.values()]
    flat_ok = max(batch_peaks) <= min(batch_peaks) * 1.25

    def verdict(ok: bool) -> str:
        return "达到" if ok else "**未达到**"

    lines = [
        "# 性能",
        "",
        "由 `python benchmarks/run.py` 测量并生成本文件（不是测试：结果随机器而变，因此连同机器一起记录）。"
        "合成输入由 benchmarks/synthetic.py 从示例生成。",
        "",
        "## 测量机器",
        "",
        machine(),
        *([f"- 负载均值（1、5、15 分钟）：开始时 {_load(load_before)}，结束时 {_load(load_after)}"
           "（空闲的 2 核机器约为 0；负载越高，墙钟时间越长）"] if load_before and load_after else []),
        *([f"- {args.note}"] if args.note else []),
        "",
        "## 结果",
        "",
        "| 目标 | 要求 | 测得 | 结论 |",
        "| --- | --- | --- | --- |",
        f"| 单个部门，冷启动命令（新的输出文件夹，docx + xlsx） | ≤ 1.6 × 仅导入 python-docx、openpyxl、jinja2、yaml、click "
        f"的时间（墙钟，交替运行取中位数） | 命令 {c['command']:.2f} 秒，仅导入 {c['imports']:.2f} 秒，比值 {ratio:.2f}"
        f"（CPU 比值 {c['command_cpu'] / c['imports_cpu']:.2f}） | {verdict(ratio <= 1.6)} |",
        f"| 改正一个数后重新生成（覆盖已有输出，列出变化） | ≤ 1.9 × 同上 | 命令 {c['rerun']:.2f} 秒，比值 {rerun_ratio:.2f}"
        f"（CPU 比值 {c['rerun_cpu'] / c['imports_cpu']:.2f}） | {verdict(rerun_ratio <= 1.9)} |",
        "| 进程内（热）每个部门：读入、检查、生成 docx + xlsx 并写入磁盘（每次是换了部门名称的示例，没有与之前相同的文字；各示例轮流运行；墙钟中位数；括号内为 CPU 时间） | ≤ 40 毫秒 | "
        + "；".join(f"{Path(k).stem.removesuffix('-元')} {w * 1000:.0f} 毫秒（CPU {c * 1000:.0f}）"
                   for k, (w, c) in warm_times.items())
        + f" | {verdict(worst_warm <= 0.04)} |",
        f"| 批量：`gen-report batch 文件夹 -j 2`（新进程，含汇总表；{'限定在 2 个 CPU 上' if b['pinned'] else '本机不足 2 个 CPU'}；"
        f"不含 PDF；{count} 个合成部门） | ≥ 40 个部门/秒 | {rate:.1f} 个部门/秒（共 {b['wall']:.1f} 秒；"
        f"CPU 时间每个部门 {b['cpu_per_department'] * 1000:.0f} 毫秒） | {verdict(rate >= 40 and b['pinned'])} |",
        f"| 单次运行峰值内存 | ≤ 100 MB | {single['self']} MB | {verdict(single['self'] <= 100)} |",
        f"| 大部门（每张功能分类表 {rows_list[-1]} 个项级科目；问题 8 的目标） | ≤ 1 秒（热） | {biggest:.2f} 秒 | {verdict(biggest <= 1)} |",
        f"| 大部门耗时随行数线性增长 | 直线拟合 R² ≥ 0.98 | 固定 {fit.intercept * 1000:.0f} 毫秒 + 每行 "
        f"{fit.slope * 1000:.2f} 毫秒，R² = {r2:.3f} | {verdict(linear)} |",
        "| 批量内存不随部门数增长 | 持平 | "
        + "；".join(f"{k} 个部门：主进程 {v['self']} MB，工作进程 {v['children']} MB" for k, v in flat.items())
        + f" | {verdict(flat_ok)} |",
        "",
        f"大部门各行数的热耗时（秒，各行数轮流、各测 {n} 次取中位数）：" + "，".join(f"{r} 行 {s:.3f}" for r, s in sizes.items()) + "。",
        "",
    ]
    for extra in ("serve.md", "notes.md"):  # serve.md: written by benchmarks/serve.py
        if (HERE / extra).exists():
            lines += [(HERE / extra).read_text(encoding="utf-8").rstrip(), ""]
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1].startswith("--peak-"):
        _peak_child(sys.argv[1], sys.argv[2])
    else:
        main()
