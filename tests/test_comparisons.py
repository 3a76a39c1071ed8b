"""One evaluator of a 比较项 (baselines.comparison_value) for narrative, charts, checks and the
batch summary: a 比较项 written as a formula works wherever a single figure does."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.batch import key_figures
from generator.build import prepare
from generator.charts import chart_data
from generator.options import RunOptions
from generator.resources import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_2020 = ROOT / "data/examples/清远市政务服务数据管理局-2020-决算.yaml"
SINGLE = "  公务接待费: 三公经费支出决算表.决算数.公务接待费\n"
FORMULA = ("  公务接待费: 三公经费支出决算表.决算数.合计 - 三公经费支出决算表.决算数.因公出国（境）费"
           " - 三公经费支出决算表.决算数.公务用车购置及运行维护费\n")


def _data_dir(tmp_path: Path, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("examples"))
    profile = data / "profiles" / "决算-2020.yaml"
    text = profile.read_text(encoding="utf-8")
    assert old in text
    profile.write_text(text.replace(old, new), encoding="utf-8")
    return data


def _with_charts(tmp_path: Path) -> Path:
    path = tmp_path / EXAMPLE_2020.name
    path.write_text(EXAMPLE_2020.read_text(encoding="utf-8") + "\n图表: [收支对比, 三公结构]\n", encoding="utf-8")
    return path


def test_a_formula_comparison_item_draws_the_same_chart(tmp_path: Path, run) -> None:  # noqa: ANN001
    source = _with_charts(tmp_path)
    data = _data_dir(tmp_path, SINGLE, FORMULA)
    code, out, err = run("check", source, "--data-dir", data)
    assert code == 0, out + err
    plain, _ = chart_data(prepare(source))
    formula, problems = chart_data(prepare(source, RunOptions(data_dir=data)))
    assert problems == [] and formula == plain
    assert "公务接待费" in formula[1].labels
    code, out, err = run(source, "-o", tmp_path / "out", "--data-dir", data)
    assert code == 0, out + err


def test_a_chart_item_no_figure_answers_is_a_located_error(tmp_path: Path, run) -> None:  # noqa: ANN001
    source = _with_charts(tmp_path)
    data = _data_dir(tmp_path, "    项: [因公出国（境）费, 公务用车购置及运行维护费, 公务接待费]",
                     "    项: [因公出国（境）费, 公务用车购置及运行维护费, 公务招待费]")
    code, _, err = run("check", source, "--data-dir", data)
    assert code == 1
    assert "图表“三公结构”中的“公务招待费”不是本模板的比较项或已定义的数" in err
    assert str(data / "profiles" / "决算-2020.yaml") in err


def test_the_batch_summary_asks_the_same_evaluator(tmp_path: Path) -> None:
    """“三公”经费 written as the sum of its three parts gives the summary the same figure."""
    data = _data_dir(tmp_path, "  “三公”经费: 三公经费支出决算表.决算数.合计\n",
                     "  “三公”经费: 三公经费支出决算表.决算数.因公出国（境）费 + 三公经费支出决算表.决算数.公务接待费"
                     " + 三公经费支出决算表.决算数.公务用车购置及运行维护费\n")
    plain = key_figures(prepare(EXAMPLE_2020))
    formula = key_figures(prepare(EXAMPLE_2020, RunOptions(data_dir=data)))
    assert formula == plain and formula["“三公”经费决算"] is not None
