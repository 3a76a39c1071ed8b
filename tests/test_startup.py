"""Start-up work only where needed (not a timing test: benchmarks/run.py measures the time).

A YAML input imports no workbook code (openpyxl) and, without charts, no matplotlib; a
workbook input does read through openpyxl, and a chart is drawn by matplotlib.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data/examples/清远市政务服务数据管理局-2020-决算.yaml"
SCRIPT = """
HEAVY = ("openpyxl", "matplotlib", "PIL", "numpy")
import sys
from generator.cli import main
try:
    main(sys.argv[1:])
except SystemExit as e:
    assert e.code == 0, e.code
print("LOADED:", *sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY)))
"""


def _loaded(*args: object) -> set[str]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, *map(str, args)], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    return set(next(line for line in out.splitlines() if line.startswith("LOADED:")).split()[1:])


def test_a_yaml_input_imports_no_workbook_or_chart_code(tmp_path: Path) -> None:
    assert _loaded(EXAMPLE, "-o", tmp_path) == set()
    assert _loaded("check", EXAMPLE) == set()


@pytest.mark.parametrize("command", ["profiles", "schema"])
def test_listing_commands_import_no_writers(command: str) -> None:
    assert _loaded(command) == set()


def test_a_workbook_input_and_a_chart_import_what_they_need(tmp_path: Path) -> None:
    workbook = tmp_path / "输入.xlsx"
    subprocess.run([sys.executable, "-m", "generator.cli", "convert", EXAMPLE, "-o", workbook], check=True,
                   cwd=ROOT, capture_output=True)
    assert "openpyxl" in _loaded("check", workbook)
    charted = tmp_path / "图表.yaml"
    charted.write_text(EXAMPLE.read_text(encoding="utf-8") + "\n图表: [三公结构]\n", encoding="utf-8")
    assert "matplotlib" in _loaded(charted, "-o", tmp_path / "out")
