"""Golden tests on the content (never the bytes) of both outputs of both examples.

The .docx is dumped to `P[style] text` and table rows, the .xlsx to `Sheet!A1 = value [format]`
lines (generator/readback). After a reviewed change, regenerate with:
    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build import build_report
from generator.options import RunOptions
from generator.readback.docx import dump_docx
from generator.readback.xlsx import dump_xlsx

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = {
    "000": ROOT / "data/examples/清远市政务服务数据管理局-2020-决算.yaml",
    "001": ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml",
    "003": ROOT / "data/examples/清远市政务服务中心-2024-预算.yaml",
    "2019": ROOT / "data/examples/示例单位-2019-决算.yaml",  # synthetic: no 2019 reference exists
    "2022": ROOT / "data/examples/示例单位-2022-决算.yaml",  # synthetic, every 可选内容 switched on
}


def _compare(lines: list[str], golden: Path) -> None:
    text = "\n".join(lines) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"missing {golden.name}: run with UPDATE_GOLDEN=1 once and review it"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("ref", sorted(EXAMPLES))
def test_outputs_match_golden_content(ref: str, tmp_path: Path) -> None:
    outputs = {p.suffix: p for p in build_report(EXAMPLES[ref], RunOptions(out_dir=tmp_path)).outputs}
    _compare(dump_docx(outputs[".docx"]), GOLDEN / f"example_{ref}_docx.txt")
    _compare(dump_xlsx(outputs[".xlsx"]), GOLDEN / f"example_{ref}_xlsx.txt")


@pytest.mark.parametrize("ref", sorted(EXAMPLES))
def test_same_input_gives_byte_identical_files(ref: str, tmp_path: Path) -> None:
    first = build_report(EXAMPLES[ref], RunOptions(out_dir=tmp_path / "a")).outputs
    second = build_report(EXAMPLES[ref], RunOptions(out_dir=tmp_path / "b")).outputs
    for a, b in zip(first, second, strict=True):
        assert a.name == b.name
        assert a.read_bytes() == b.read_bytes(), a.name
