"""情况说明字段 declared by a region's profile: 8 vehicle classes, SME set-aside amounts, a
list of project descriptions; accepted from YAML and from the workbook, every bad value
located, the profile's rules (Σ vehicles = 车辆总数, SME ≤ 政府采购总额) checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from generator.assemble import narrative_context
from generator.build import prepare
from generator.convert import convert_input
from generator.errors import UserError
from generator.options import RunOptions
from generator.text import environment

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures/facts"
INPUT = FIXTURES / "甲单位-2023.yaml"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's data plus the region's profile (a patch of 决算-2023)."""
    out = tmp_path_factory.mktemp("facts") / "data"
    shutil.copytree(ROOT / "data", out)
    shutil.copy(FIXTURES / "乙地决算.yaml", out / "profiles")
    return out


TEMPLATE = """\
截至{{ 情况说明.国有资产.截至日期 }}，共有车辆{{ 情况说明.国有资产.车辆总数 }}辆，其中{% for 类, 数 in 情况说明.国有资产.车辆.items() %}{{ 类 }}{{ 数 }}辆{{ "、" if not loop.last else "。" }}{% endfor %}

预留中小企业：货物{{ 金额(情况说明.中小企业预留.货物) }}、工程{{ 金额(情况说明.中小企业预留.工程) }}、服务{{ 金额(情况说明.中小企业预留.服务) }}；外宾接待支出{{ 金额(情况说明.外宾接待支出) }}。
{% for 项目 in 情况说明.项目情况 %}
{{ loop.index }}.{{ 项目.项目名称 }}：年度预算安排{{ 金额(项目.年度预算安排) }}。{{ 项目.项目概述 }}{% if 项目.实施周期 %}实施周期：{{ 项目.实施周期 }}。{% endif %}

{% endfor %}
"""

EXPECTED = [
    "截至2023年12月31日，共有车辆6辆，其中主要领导干部用车1辆、执法执勤用车2辆、业务用车3辆。",
    "预留中小企业：货物5万元、工程10万元、服务15.5万元；外宾接待支出0.35万元。",
    "1.政务云平台运维：年度预算安排20万元。保障政务云平台稳定运行。实施周期：2023年1月至12月。",
    "2.数据共享交换：年度预算安排12.5万元。",
]


def _sentences(path: Path, data_dir: Path) -> list[str]:
    _, context = narrative_context(prepare(path, RunOptions(data_dir=data_dir)))
    text = environment(ROOT / "templates").from_string(TEMPLATE).render(**context)
    return [line for line in text.splitlines() if line.strip()]


def _variant(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    text = INPUT.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new)
    path = tmp_path / INPUT.name
    path.write_text(text, encoding="utf-8")
    return path, text


def _problems(path: Path, data_dir: Path) -> list:
    with pytest.raises(UserError) as e:
        prepare(path, RunOptions(data_dir=data_dir))
    return e.value.problems


def test_declared_facts_from_yaml(data_dir: Path) -> None:
    assert _sentences(INPUT, data_dir) == EXPECTED


def test_declared_facts_from_the_workbook(data_dir: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "甲单位.xlsx"
    convert_input(INPUT, workbook, RunOptions(data_dir=data_dir))
    sheet = openpyxl.load_workbook(workbook)["文字说明"]
    rows = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)}
    # every declared field has its row, the 8 classes included
    assert rows["国有资产.车辆.业务用车"] == 3 and "国有资产.车辆.离退休干部服务用车" in rows
    assert not any(str(k).startswith("项目情况") for k in rows)  # the list has a sheet of its own
    projects = openpyxl.load_workbook(workbook)["项目情况"]
    assert [c.value for c in projects[3]] == ["项目名称", "项目概述", "立项依据", "实施主体", "实施方案", "实施周期",
                                              "年度预算安排", "绩效目标"]
    assert [projects.cell(r, 1).value for r in (4, 5, 6)] == ["政务云平台运维", "数据共享交换", None]
    assert projects["G4"].value == 20 and projects["G5"].value == 12.5 and projects["F4"].value == "2023年1月至12月"
    assert _sentences(workbook, data_dir) == EXPECTED


def test_list_sheet_round_trips_through_convert(data_dir: Path, tmp_path: Path) -> None:
    """YAML → workbook → YAML: the 项目情况 records come back as written."""
    import yaml

    workbook, back = tmp_path / "甲单位.xlsx", tmp_path / "甲单位.yaml"
    options = RunOptions(data_dir=data_dir)
    convert_input(INPUT, workbook, options)
    convert_input(workbook, back, options)
    original = yaml.safe_load(INPUT.read_text(encoding="utf-8"))["情况说明"]
    original["国有资产"]["截至日期"] = str(original["国有资产"]["截至日期"])  # YAML reads 2023-12-31 as a date
    assert yaml.safe_load(back.read_text(encoding="utf-8"))["情况说明"] == original
    assert original["项目情况"][0]["年度预算安排"] == 20


@pytest.mark.parametrize("cell,value,message,row", [
    ("G5", "十二万", "“十二万”不是数字", "情况说明/项目情况/第2项/年度预算安排"),
    ("A5", None, "缺少必填项“项目名称”", "情况说明/项目情况/第2项"),
])
def test_bad_value_on_the_list_sheet_is_located(data_dir: Path, tmp_path: Path, cell: str, value: object,
                                                message: str, row: str) -> None:
    workbook = tmp_path / "甲单位.xlsx"
    convert_input(INPUT, workbook, RunOptions(data_dir=data_dir))
    wb = openpyxl.load_workbook(workbook)
    wb["项目情况"][cell] = value
    wb.save(workbook)
    [problem] = _problems(workbook, data_dir)
    assert message in problem.message and problem.row == row
    assert (problem.location.sheet, problem.location.cell) == ("项目情况", cell if value else "G5")


def test_list_as_rows_of_the_texts_sheet_still_read(data_dir: Path, tmp_path: Path) -> None:
    """Workbooks made before the list had its sheet wrote “项目情况.1.项目名称” rows on 文字说明."""
    workbook = tmp_path / "甲单位.xlsx"
    convert_input(INPUT, workbook, RunOptions(data_dir=data_dir))
    wb = openpyxl.load_workbook(workbook)
    projects, texts = wb["项目情况"], wb["文字说明"]
    row = max(r for r in range(1, texts.max_row + 1) if texts.cell(r, 1).value is not None) + 1
    texts.cell(row, 1).value, texts.cell(row, 2).value = "项目情况.2.项目名称", "数据共享交换"
    texts.cell(row + 1, 1).value, texts.cell(row + 1, 2).value = "项目情况.2.年度预算安排", 12.5
    for c in range(1, 9):
        projects.cell(5, c).value = None
    wb.save(workbook)
    assert _sentences(workbook, data_dir) == EXPECTED


def test_bad_value_in_the_workbook_is_located(data_dir: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "甲单位.xlsx"
    convert_input(INPUT, workbook, RunOptions(data_dir=data_dir))
    wb = openpyxl.load_workbook(workbook)
    sheet = wb["文字说明"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "中小企业预留.工程")
    sheet.cell(row, 2).value = "十万"
    wb.save(workbook)
    [problem] = _problems(workbook, data_dir)
    assert (problem.location.sheet, problem.location.cell) == ("文字说明", f"B{row}")
    assert problem.row == "情况说明/中小企业预留/工程"


@pytest.mark.parametrize("old,new,message,where", [
    ("业务用车: 3}", "业务用车: 3, 摩托车: 1}", "应为以下之一", "情况说明/国有资产/车辆/摩托车"),
    ("车辆总数: 6", "车辆总数: 六", "应为整数", "情况说明/国有资产/车辆总数"),
    ("货物: 5,", "货物: -5,", "金额不能为负数", "情况说明/中小企业预留/货物"),
    ("截至日期: 2023-12-31", "截至日期: 2023-13-31", "不是有效的日期", "情况说明/国有资产/截至日期"),
    ("    - 项目名称: 数据共享交换\n", "    - 项目概述: 没有名称\n", "缺少必填项“项目名称”",
     "情况说明/项目情况/第2项"),
    ("外宾接待支出: 0.35", "外宾接待费: 0.35", "不认识的键“外宾接待费”", "情况说明"),
])
def test_each_bad_value_is_located(data_dir: Path, tmp_path: Path, old: str, new: str, message: str,
                                   where: str) -> None:
    """`where`: the value's path in the input, as the message names it."""
    path, text = _variant(tmp_path, old, new)
    [problem] = _problems(path, data_dir)
    assert message in problem.message
    assert problem.row == where
    line = next(i for i, t in enumerate(text.splitlines(), start=1) if new.strip() in t)
    assert problem.location.line == line


def test_vehicle_sum_rule(data_dir: Path, tmp_path: Path) -> None:
    path, text = _variant(tmp_path, "车辆总数: 6", "车辆总数: 7")
    [problem] = _problems(path, data_dir)
    assert problem.code == "fact-check" and problem.message == "情况说明不符合“各类车辆之和等于车辆总数”"
    assert problem.expected == "国有资产.车辆 = 国有资产.车辆总数" and problem.found == "6 与 7"
    assert problem.location.line == text.splitlines().index("    车辆: {主要领导干部用车: 1, 执法执勤用车: 2, 业务用车: 3}") + 1


def test_sme_rule_against_a_table_figure(data_dir: Path, tmp_path: Path) -> None:
    """SME ≤ 政府采购支出总额 (60万元, derived in the tables): compared in 元."""
    path, _ = _variant(tmp_path, "服务: 15.5}", "服务: 45.5}")
    [problem] = _problems(path, data_dir)
    assert problem.message == "情况说明不符合“中小企业预留不超过政府采购支出总额”"
    assert problem.found == "605000 与 600000"  # 元


def test_builtin_profiles_declare_todays_fields() -> None:
    """决算-2023's fields are declared in its profile: 6 vehicle classes, an unknown one rejected."""
    from generator.facts import facts_model
    from generator.profiles import load_profile

    profile = load_profile(ROOT / "data/profiles/决算-2023.yaml", 2023)
    assert profile.model.facts is not None
    model = facts_model(profile.model.facts)
    fields = {f.alias: f for f in model.model_fields.values()}
    assert list(fields) == ["会议费培训费", "三公经费", "国有资产", "绩效", "其他事项"]
    with pytest.raises(Exception, match="应为|literal_error|Input should be"):
        model.model_validate({"国有资产": {"车辆": {"业务用车": 1}}})


BUDGET = ROOT / "data/examples/清远市政务服务中心-2024-预算.yaml"


def test_budget_profile_declares_its_fields(tmp_path: Path) -> None:
    """预算-2024 (a patch of 决算-2023) declares its own 情况说明字段: the 国有资产 facts its
    narrative quotes and 其他事项; a 决算 field, a bad count or a bad date is located."""
    from generator.facts import facts_model
    from generator.profiles import load_profile

    profile = load_profile(ROOT / "data/profiles/预算-2024.yaml", 2024)
    fields = profile.model.facts
    assert fields is not None and list(fields) == ["国有资产", "其他事项"]
    assets = {f.alias for f in facts_model(fields).model_fields["f0"].annotation.model_fields.values()}
    assert assets == {"截至日期", "房屋面积", "车辆数", "车辆", "单位价值100万元以上设备", "拟购置说明"}
    text = BUDGET.read_text(encoding="utf-8")
    for old, new, message in [
        ("    车辆数: 1\n", "    车辆数: 一辆\n", "应为整数"),
        ("    截至日期: 2024年2月19日\n", "    截至日期: 2024年2月30日\n", "不是有效的日期"),
        ("情况说明:\n", "情况说明:\n  三公经费: {出国团组数: 0}\n", "不认识的键“三公经费”"),
    ]:
        path = tmp_path / "预算.yaml"
        path.write_text(text.replace(old, new), encoding="utf-8")
        with pytest.raises(UserError) as e:
            prepare(path)
        [problem] = [p for p in e.value.problems if p.severity == "错误"]  # the example's warnings come with it
        assert message in problem.message
        line = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                    if new.splitlines()[-1].strip() in t)
        assert problem.location.line == line


def test_budget_fields_in_the_workbook(tmp_path: Path) -> None:
    workbook = tmp_path / "预算.xlsx"
    convert_input(BUDGET, workbook)
    sheet = openpyxl.load_workbook(workbook)["文字说明"]
    rows = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)}
    assert rows["国有资产.车辆数"] == 1 and rows["国有资产.截至日期"] == "2024年2月19日"
    assert "国有资产.车辆.岗位保障用车" in rows and not any(str(k).startswith("三公经费") for k in rows)
    narrative = [getattr(b, "text", "") for b in __import__("generator.build", fromlist=["render"]).render(
        prepare(workbook)).part("情况说明").blocks]
    assert any("截至2024年2月19日，本部门固定资产金额" in t and "车辆1辆" in t for t in narrative)


def test_budget_vehicle_count_checked_only_when_both_given(tmp_path: Path) -> None:
    """预算-2024: 车辆数 = Σ 车辆 when both are filled in (`都填写时: true`); either alone is fine."""
    text = BUDGET.read_text(encoding="utf-8")
    path = tmp_path / "预算.yaml"
    path.write_text(text.replace("    车辆数: 1\n", "    车辆数: 1\n    车辆: {岗位保障用车: 1}\n"), encoding="utf-8")
    prepare(path)
    path.write_text(text.replace("    车辆数: 1\n", "    车辆数: 1\n    车辆: {岗位保障用车: 2}\n"), encoding="utf-8")
    with pytest.raises(UserError) as e:
        prepare(path)
    [problem] = [p for p in e.value.problems if p.severity == "错误"]  # 003's tolerance warnings aside
    assert problem.message == "情况说明不符合“车辆数等于各类车辆之和”" and problem.found == "1 与 2"
    assert problem.location.line == path.read_text(encoding="utf-8").splitlines().index("    车辆数: 1") + 1
