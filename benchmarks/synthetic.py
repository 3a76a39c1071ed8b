"""Synthetic inputs for the benchmarks: variations of the examples, and large departments.

Written as text edits of the example files (not rebuilt from models), so they exercise the
same loader, checks and writers as an officer's input.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "data/examples").glob("*.yaml"))
LARGE_BASE = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"
CATALOGUE = ROOT / "data/catalogues/功能分类-2023.yaml"
FUNCTION_SECTIONS = ("收入决算表", "支出决算表", "一般公共预算财政拨款支出决算表")


def variations(count: int, folder: Path) -> list[Path]:
    """`count` departments: the examples in turn, each under its own name."""
    return [renamed(EXAMPLES[n % len(EXAMPLES)], n, folder / f"部门{n:04d}.yaml") for n in range(count)]


def renamed(example: Path, n: int, path: Path) -> Path:
    """The example under the department name "…第0007号": another department's document (its
    name is on the cover, in the tables' headers and the files' properties), so nothing in it is
    the same text as a document made before, and no cache keyed by content is hit by accident."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = example.read_text(encoding="utf-8")
    name = re.search(r"^部门名称: (.+)$", text, re.M).group(1)
    path.write_text(text.replace(f"部门名称: {name}", f"部门名称: {name}第{n:04d}号", 1), encoding="utf-8")
    return path


def large(rows: int, folder: Path) -> Path:
    """Example 001 with about `rows` 功能分类 项 rows in each 功能分类 table: the original rows
    plus 项目支出 rows funded by 财政拨款 (so every identity still holds; stated 合计 lines are
    dropped and derived instead)."""
    folder.mkdir(parents=True, exist_ok=True)
    codes = sorted(str(c) for c in yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["科目"]
                   if len(str(c)) == 7)
    text = LARGE_BASE.read_text(encoding="utf-8")
    existing = set(re.findall(r"^  '(\d{7})':", text, re.M))
    extra = [c for c in codes if c not in existing][: max(0, rows - len(existing))]
    if len(extra) < rows - len(existing):
        raise SystemExit(f"the 2023 catalogue has only {len(codes)} 项 codes; ask for fewer rows")
    lines = text.splitlines()
    out: list[str] = []
    section = None
    for line in lines:
        m = re.match(r"^(\S[^:]*):\s*$", line)
        if m:
            section = m.group(1)
        if section in FUNCTION_SECTIONS and line.startswith("  合计:"):
            continue  # derived from the rows instead
        out.append(line)
        if m and section in FUNCTION_SECTIONS:
            column = "财政拨款收入" if section == "收入决算表" else "项目支出"
            for i, code in enumerate(extra):
                amount = Decimal(i % 97 + 1) / 100
                out.append(f"  '{code}': {{{column}: {amount}}}")
    path = folder / f"large-{rows}.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
