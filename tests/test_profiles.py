"""Profiles are data written by people: their mistakes are located messages, never crashes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import prepare, render
from generator.cli import main
from generator.errors import UserError
from generator.options import RunOptions
from generator.profiles import available_profiles

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_2023 = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"


def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns("examples"))
    return target


def edit_profile(data: Path, name: str, old: str, new: str) -> None:
    path = data / "profiles" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(data: Path, example: Path = EXAMPLE_2023) -> list[str]:
    """The errors (the example's tolerance warnings come with them and are left out here)."""
    with pytest.raises(UserError) as e:
        render(prepare(example, RunOptions(data_dir=data)))
    return [p.message for p in e.value.problems if p.severity == "错误"]


def test_builtin_profiles_load_and_name_their_files() -> None:
    names = {m.name for m in available_profiles()}
    assert {"决算-2020", "决算-2023"} <= names


@pytest.mark.parametrize("profile,old,new,message", [
    ("决算-2020", '文档标题: "{部门名称}{年度}年度部门决算"', '文档标题: "{单位}{年度}年度部门决算"',
     "“{单位}{年度}年度部门决算”中的占位符“{单位}”不认识"),
    ("决算-2023", '  名词解释: "第四部分：名词解释"\n', '  名词解析: "第四部分：名词解释"\n',
     "应为以下之一：概况、表格、情况说明、名词解释，实际为“名词解析”"),
    ("决算-2020", "- {表头: [收入, 项目], 内容: 标签, 宽: 4.2}", "- {表头: [收入, 项目], 内容: 编码名称, 宽: 4.2}",
     "表“收入支出决算总表”：版式“对照”的列不能是“编码名称”，可用：名称、标签、编码、行次、金额"),
    ("决算-2023", "名称: 决算-2023", "名称: 决算-2023新", "模板的“名称”应与文件名相同：决算-2023"),
])
def test_profile_mistakes_are_messages(tmp_path: Path, profile: str, old: str, new: str, message: str) -> None:
    data = data_copy(tmp_path)
    edit_profile(data, profile, old, new)
    assert message in problems_of(data)


def test_unknown_figure_in_a_table_layout_names_the_profile(tmp_path: Path) -> None:
    data = data_copy(tmp_path)
    edit_profile(data, "决算-2020", "值: 收入支出决算总表.结余分配}", "值: 收入支出决算总表.结余分陪}")
    [message] = problems_of(data)
    assert message.startswith("模板中表格引用的数有误") and "结余分陪" in message


def test_two_profiles_for_one_year_must_be_chosen_by_name(tmp_path: Path) -> None:
    data = data_copy(tmp_path)
    copy = data / "profiles" / "某地区-决算-2023.yaml"
    copy.write_text((data / "profiles" / "决算-2023.yaml").read_text(encoding="utf-8")
                    .replace("名称: 决算-2023", "名称: 某地区-决算-2023"), encoding="utf-8")
    assert problems_of(data) == ["有多个模板适用于 2023 年度决算：决算-2023、某地区-决算-2023"]
    text = EXAMPLE_2023.read_text(encoding="utf-8").replace("类型: 决算\n", "类型: 决算\n模板: 某地区-决算-2023\n", 1)
    chosen = tmp_path / "in.yaml"
    chosen.write_text(text, encoding="utf-8")
    assert prepare(chosen, RunOptions(data_dir=data)).profile.model.name == "某地区-决算-2023"


def test_options_may_come_before_the_input_file(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as e:
        main(["-o", str(tmp_path / "out"), str(EXAMPLE_2023)])
    assert e.value.code == 0
    assert len(list((tmp_path / "out").iterdir())) == 2
    with pytest.raises(SystemExit) as e:
        main(["--strict", str(EXAMPLE_2023), "-o", str(tmp_path / "strict")])
    assert e.value.code == 1  # the reference's 尾数 are warnings, errors under --strict
    assert not (tmp_path / "strict").exists()


def test_tolerance_follows_the_input_unit(tmp_path: Path) -> None:
    """In 元 nothing is rounded: a stated total one 元 off is an error, not a 尾数 warning."""
    text = (ROOT / "docs/示例-最小输入.yaml").read_text(encoding="utf-8")
    stated = "合计: {本年支出合计: 115.00}"
    assert "金额单位: 万元" in text and stated in text
    path = tmp_path / "in.yaml"
    path.write_text(text.replace(stated, "合计: {本年支出合计: 115.01}"), encoding="utf-8")
    warned = prepare(path).problems  # 0.01 万元: 尾数 warnings only
    assert warned and {p.severity for p in warned} == {"警告"}
    path.write_text(text.replace("金额单位: 万元", "金额单位: 元").replace(stated, "合计: {本年支出合计: 116.00}"),
                    encoding="utf-8")
    with pytest.raises(UserError) as e:
        prepare(path)
    identities = [p for p in e.value.problems if p.code == "identity"]
    assert identities and all(p.severity == "错误" and p.difference == "+1.00 元" for p in identities)


def test_unknown_vehicle_category_is_an_error(tmp_path: Path) -> None:
    text = EXAMPLE_2023.read_text(encoding="utf-8").replace("车辆: {}", "车辆: {公务车: 2}")
    path = tmp_path / "in.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as e:
        prepare(path)
    assert any("公务车" in p.message or "公务车" in p.row for p in e.value.problems)
