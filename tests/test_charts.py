"""Charts: drawn reproducibly, placed after the heading the profile names, captioned 图n."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.build import build_report
from generator.charts import ChartData, cjk_font, draw
from generator.options import RunOptions
from generator.readback.docx import dump_docx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_2020 = ROOT / "data/examples/清远市政务服务数据管理局-2020-决算.yaml"
EXAMPLE_2023 = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"
ALL = "\n图表: [收支对比, 支出结构, 三公结构]\n"


def _with_charts(example: Path, tmp_path: Path, line: str = ALL) -> Path:
    path = tmp_path / example.name
    path.write_text(example.read_text(encoding="utf-8") + line, encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["收支对比", "支出结构", "三公结构"])
def test_two_renders_give_identical_png_bytes(kind: str) -> None:
    data = ChartData(kind, "图", "", ("一般公共服务支出", "住房保障支出", "卫生健康支出", "其他"),
                     (Decimal("2505.80"), Decimal("52.80"), Decimal("6.36"), Decimal("1.5")))
    first, second = draw(data), draw(data)
    assert first.startswith(b"\x89PNG")
    assert first == second
    assert b"Software" not in first and b"matplotlib" not in first.lower()


def test_a_cjk_font_is_found() -> None:
    assert cjk_font() is not None  # fonts-noto-cjk (installed by .ci/run)


def test_charts_are_placed_numbered_and_captioned(tmp_path: Path) -> None:
    result = build_report(_with_charts(EXAMPLE_2020, tmp_path), RunOptions(out_dir=tmp_path / "out"))
    docx_path = next(p for p in result.outputs if p.suffix == ".docx")
    lines = dump_docx(docx_path)
    captions = [line for line in lines if line.startswith("P[图题] 图")]
    assert captions == ["P[图题] 图1 2020年度与上年收入、支出总额对比",
                        "P[图题] 图2 2020年度一般公共预算财政拨款支出结构（按功能分类类级）",
                        "P[图题] 图3 2020年度“三公”经费支出结构"]
    # each at the end of the section the profile names: just before the next heading
    after = lines[lines.index(captions[0]) + 1]
    assert after.startswith("P[一级标题] 二、2020年度财政拨款收入支出总表说明")
    after = lines[lines.index(captions[1]) + 1]
    assert after.startswith("P[一级标题] 三、")
    media = [n for n in zipfile.ZipFile(docx_path).namelist() if n.startswith("word/media/")]
    assert len(media) == 3
    xlsx_path = next(p for p in result.outputs if p.suffix == ".xlsx")
    wb = load_workbook(xlsx_path)
    assert wb.sheetnames[-1] == "图表"
    assert wb["图表"]["A1"].value == "图1 2020年度与上年收入、支出总额对比"
    assert len(wb["图表"]._images) == 3
    assert any(c.value == "（图1 2020年度与上年收入、支出总额对比，见“图表”工作表）"
               for c in wb["情况说明"]["A"])


def test_documents_with_charts_are_byte_identical(tmp_path: Path) -> None:
    source = _with_charts(EXAMPLE_2020, tmp_path)
    first = build_report(source, RunOptions(out_dir=tmp_path / "a")).outputs
    second = build_report(source, RunOptions(out_dir=tmp_path / "b")).outputs
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_chart_with_nothing_to_show_is_left_out_with_a_warning(tmp_path: Path) -> None:
    result = build_report(_with_charts(EXAMPLE_2023, tmp_path), RunOptions(out_dir=tmp_path / "out"))
    messages = [p.message for p in result.warnings if p.code == "chart-empty"]
    assert messages == ["图表“三公结构”的各项金额均为 0，未绘制该图"]
    lines = dump_docx(next(p for p in result.outputs if p.suffix == ".docx"))
    assert [line for line in lines if line.startswith("P[图题] 图")] == [
        "P[图题] 图1 2023年度与上年收入、支出总额对比",
        "P[图题] 图2 2023年度一般公共预算财政拨款支出结构（按功能分类类级）"]


def test_no_charts_unless_asked(tmp_path: Path) -> None:
    result = build_report(EXAMPLE_2020, RunOptions(out_dir=tmp_path))
    docx_bytes = next(p for p in result.outputs if p.suffix == ".docx").read_bytes()
    assert not [n for n in zipfile.ZipFile(io.BytesIO(docx_bytes)).namelist() if "media" in n]


def test_an_unknown_chart_is_an_input_error(run, tmp_path: Path) -> None:
    source = _with_charts(EXAMPLE_2020, tmp_path, "\n图表: [收支对比, 饼图]\n")
    code, out, err = run(source, "-o", tmp_path / "out")
    assert code == 1
    assert "图表" in err and "饼图" in err
    assert not (tmp_path / "out").exists()
