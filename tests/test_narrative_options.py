"""The built-in Guangdong 决算 profiles' phrasing options (可选内容 without tables): 收支总计
against last year, 一般公共预算财政拨款基本支出 against 年初预算, every 非税收入 class listed.
Each is switched on by the input's 可选表格 and renders figures asserted here."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import prepare, render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_000 = ROOT / "data/examples/清远市政务服务数据管理局-2020-决算.yaml"
EXAMPLE_001 = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"
NON_TAX = """
非税收入征缴情况表:
  行政事业性收费收入: {纳入预算管理已缴国库: 3}
  其他收入: {纳入预算管理已缴国库: 1}
"""


def _narrative(tmp_path: Path, example: Path, extra: str) -> list[str]:
    path = tmp_path / "input.yaml"
    path.write_text(example.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return [getattr(b, "text", "") for b in render(prepare(path)).part("情况说明").blocks]


def test_options_off_by_default(tmp_path: Path) -> None:
    text = _narrative(tmp_path, EXAMPLE_001, "\n可选表格: [非税收入征缴情况表]\n" + NON_TAX)
    assert "清远市清城区大数据中心2023年度总收入863.53万元，其中本年收入858万元。具体情况如下：" in text
    assert not any("一般公共预算财政拨款基本支出281.37万元" in t for t in text)
    assert ("2023年度本部门征缴非税收入4万元，其中：纳入预算管理已缴国库4万元，纳入财政专户管理已缴财政专户0万元。"
            "按收入类别分：行政事业性收费收入3万元，占75%；其他收入1万元，占25%。") in text


def test_2023_options(tmp_path: Path) -> None:
    text = _narrative(tmp_path, EXAMPLE_001, """
可选表格: [收支总计比上年, 基本支出完成年初预算, 非税收入征缴情况表, 非税收入全部类别]
上年数: {收支总计: 900}
年初预算数: {一般公共预算财政拨款基本支出: 300}
""" + NON_TAX)
    # 863.53 − 900 = −36.47, 36.47 / 900 = 4.05%
    assert ("清远市清城区大数据中心2023年度总收入863.53万元，比上年决算数减少36.47万元，下降4.1%，其中本年收入858万元。"
            "具体情况如下：") in text
    assert ("清远市清城区大数据中心2023年度总支出863.53万元，比上年决算数减少36.47万元，下降4.1%，其中本年支出858.53万元。"
            "具体情况如下：") in text
    # 281.37 / 300 = 93.79%; 人员经费 260.73 / 281.37 = 92.7%, 公用经费 20.64 / 281.37 = 7.3%
    assert ("2023年度一般公共预算财政拨款基本支出281.37万元，完成年初预算的93.79%。其中：人员经费260.73万元，占92.7%；"
            "公用经费20.64万元，占7.3%。") in text
    assert ("2023年度本部门征缴非税收入4万元，其中：纳入预算管理已缴国库4万元，纳入财政专户管理已缴财政专户0万元。"
            "按收入类别分：政府性基金收入0万元，占0%；专项收入0万元，占0%；行政事业性收费收入3万元，占75%；罚没收入0万元，"
            "占0%；国有资本经营收入0万元，占0%；国有资源（资产）有偿使用收入0万元，占0%；捐赠收入0万元，占0%；"
            "政府住房基金收入0万元，占0%；其他收入1万元，占25%。") in text


def test_2020_total_against_last_year(tmp_path: Path) -> None:
    text = _narrative(tmp_path, EXAMPLE_000, "\n可选表格: [收支总计比上年]\n上年数: {收支总计: 3000}\n")
    total = next(t for t in text if "年度总收入" in t)
    # 3,604.17 − 3,000 = 604.17, 604.17 / 3,000 = 20.1%
    assert "年度总收入3,604.17万元，比上年决算增加604.17万元，增长20.1%，其中本年收入" in total


def test_missing_figure_for_an_option_is_named(tmp_path: Path) -> None:
    from generator.errors import UserError

    with pytest.raises(UserError) as e:
        _narrative(tmp_path, EXAMPLE_001, "\n可选表格: [基本支出完成年初预算]\n")
    assert "情况说明需要年初预算数“一般公共预算财政拨款基本支出”，但输入中没有" in str(e.value)


def test_verify_checks_the_options_figures(tmp_path: Path) -> None:
    """Every amount the options print is tied to a table cell: 收支总计 (表1), the 基本支出 and its
    人员经费/公用经费 (表5, 表6), the 非税收入 classes (the optional table)."""
    from generator.build import build_report
    from generator.options import RunOptions
    from generator.verify import verify_report

    path = tmp_path / "input.yaml"
    path.write_text(EXAMPLE_001.read_text(encoding="utf-8") + """
可选表格: [收支总计比上年, 基本支出完成年初预算, 非税收入征缴情况表, 非税收入全部类别]
上年数: {收支总计: 900}
年初预算数: {一般公共预算财政拨款基本支出: 300}
""" + NON_TAX, encoding="utf-8")
    result = build_report(path, RunOptions(out_dir=tmp_path / "out"))
    checked, uncited, problems = verify_report(next(p for p in result.outputs if p.suffix == ".docx"))
    assert problems == []
    # 33 without the options (test_verify_edits); + 基本支出 (表5), 人员经费合计, 公用经费合计 (表6), the 非税收入
    # total, its two columns and its 9 classes (收支总计 is 表1 总计, cited already)
    assert checked == 48
    assert uncited == ["其他重要事项.机关运行经费", "其他重要事项.政府采购.总额", "其他重要事项.政府采购.货物",
                       "其他重要事项.政府采购.工程", "其他重要事项.政府采购.服务", "其他重要事项.政府采购.授予中小企业",
                       "其他重要事项.政府采购.授予小微企业"]


def test_check_reports_the_figure_an_option_needs(run, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "input.yaml"
    path.write_text(EXAMPLE_001.read_text(encoding="utf-8") + "\n可选表格: [收支总计比上年]\n", encoding="utf-8")
    code, _, err = run("check", path)
    assert code == 1
    # located at the input's 比上年增减 block (001 gives its last-year figures as changes)
    line = EXAMPLE_001.read_text(encoding="utf-8").splitlines().index("比上年增减:") + 1
    assert f"[错误] {path} 第{line}行第1列：情况说明需要上年数“收支总计”，但输入中没有" in err
    assert "共 1 个错误，" in err and "个警告。未生成任何文件。" in err  # reported with 001's warnings
