"""基于 + patch by name: a profile changes one title, one label, one header, the order of the
tables or one setting in a line each; a name the base does not have is a located error."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import UserError
from generator.profiles import load_profile

ROOT = Path(__file__).resolve().parent.parent


def data_with(tmp_path: Path, name: str, text: str) -> tuple[Path, Path]:
    data = tmp_path / "data"
    if not data.exists():
        shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("examples"))
    path = data / "profiles" / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return data, path


PATCH = """\
    名称: 某区-决算-2024
    基于: 决算-2023
    适用年度: [2024]
    部分标题: {名词解释: "第四部分 名词解释（{年度}年）"}
    表格:
      收入支出决算总表:
        左: {底部: {使用非财政拨款结余（含专用结余）: {标签: 使用非财政拨款结余}}}
      收入决算表:
        列: {功能分类科目编码: {表头: [项目, 科目编码]}}
      支出决算表: {标题: "{部门名称}{年度}年度支出决算表"}
      顺序: [收入支出决算总表, 支出决算表, 收入决算表, 财政拨款收入支出决算总表, 一般公共预算财政拨款支出决算表,
            一般公共预算财政拨款基本支出决算明细表, 政府性基金预算财政拨款收入支出决算表,
            国有资本经营预算财政拨款支出决算表, 财政拨款“三公”经费支出决算表]
      删除: []
    校验: {删除: []}
    """


def test_a_patch_changes_only_what_it_names(tmp_path: Path) -> None:
    data, path = data_with(tmp_path, "某区-决算-2024", PATCH)
    profile = load_profile(path, 2024, data)
    base = load_profile(data / "profiles" / "决算-2023.yaml", 2024, data)
    titles = [t.title for t in profile.model.tables]
    assert titles[:3] == ["收入支出决算总表", "{部门名称}{年度}年度支出决算表", "收入决算表"]
    assert len(titles) == len(base.model.tables) == 9
    first = profile.model.tables[0]
    assert [r.label for r in first.left.footer][1] == "使用非财政拨款结余"
    assert [r.label for r in base.model.tables[0].left.footer][1] == "使用非财政拨款结余（含专用结余）"
    income = profile.model.tables[2]
    assert income.columns[0].header == ["项目", "科目编码"]
    assert income.columns[1:] == base.model.tables[1].columns[1:]
    assert profile.model.part_headings["名词解释"] == "第四部分 名词解释（{年度}年）"
    assert profile.model.part_headings["概况"] == base.model.part_headings["概况"]
    assert profile.model.data == base.model.data and profile.model.checks == base.model.checks


def test_a_patched_profile_generates(tmp_path: Path) -> None:
    data, _ = data_with(tmp_path, "某区-决算-2024", PATCH)
    source = (ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml").read_text(encoding="utf-8")
    source = source.replace("年度: 2023", "年度: 2024", 1).replace("类型: 决算\n", "类型: 决算\n模板: 某区-决算-2024\n", 1)
    inp = tmp_path / "in.yaml"
    inp.write_text(source, encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as e:
        main(["generate", str(inp), "-o", str(out), "--data-dir", str(data)])
    assert e.value.code == 0
    import docx

    [docx_file] = out.glob("*.docx")
    texts = [p.text for p in docx.Document(str(docx_file)).paragraphs]
    assert "清远市清城区大数据中心2024年度支出决算表" in texts
    assert "第四部分 名词解释（2024年）" in texts
    assert not any("{" in t for t in texts)


@pytest.mark.parametrize("patch,message,line,hint", [
    ("表格:\n  收入表: {标题: X}\n", "原模板的表格中没有名为“收入表”的项", 5, "收入支出决算总表、收入决算表"),
    ("表格:\n  收入支出决算总表:\n    左: {底部: {结余: {标签: X}}}\n", "原模板的底部行中没有名为“结余”的项", 6,
     "本年收入合计、使用非财政拨款结余（含专用结余）"),
    ("表格:\n  顺序: [收入决算表]\n", "表格的“顺序”应把每一项的名称恰好列出一次", 5, "收入支出决算总表"),
    ("数据: {删除: [没有这个表]}\n", "原模板的“数据”中没有“没有这个表”，无法删除", 4, "收入支出决算总表"),
    ("表格:\n  收入决算表: {标题: \"{单位}收入决算表\"}\n", "占位符“{单位}”不认识", 5, ""),
    ("表格:\n  收入决算表: {方向: 斜向}\n", "应为以下之一：纵向、横向", 5, ""),
    ("表格:\n  收入决算表: {位置: 附件}\n", "表“收入决算表”的位置“附件”不存在", 5, "表格、情况说明、概况"),
    ("表号格式: 表{n}\n", "“表号格式”应为“无”，或含 {序号}", 4, ""),
    ("显示: {零值: 空}\n", "应为以下之一：空白、0.00、0、-", 4, ""),
    ("显示: {金额单位: 千元}\n", "应为以下之一：元、万元", 4, ""),
    ("部分: [{名称: 甲, 标题: 甲, 内容: [表格, 表格]}]\n", "内容“表格”出现了两次", 4, ""),
    ("封面: [\"{部门}\"]\n", "占位符“{部门}”不认识", 4, "{部门名称}"),
    ("表格式: 无\n", "不认识的键“表格式”", 4, "表号格式"),
    # an unnamed row (每类) is named by its position; the hint says so
    ("表格:\n  收入支出决算总表:\n    右: {行: {第99项: {有数才列: true}}}\n", "原模板的行中没有名为“第99项”的项", 6,
     "第1项"),
    ("显示: {千分位: 是}\n", "应为 true 或 false", 4, ""),
    ("显示: {小数位: 5}\n", "不能大于 4", 4, ""),
    ("显示: {合计行: 中间}\n", "应为以下之一：首行、末行", 4, ""),
    ("显示: {列出: 部分}\n", "应为以下之一：全部、有数", 4, ""),
    ("情况说明显示: {金额单位: 千元}\n", "应为以下之一：元、万元", 4, ""),
    ("表格方向: 斜向\n", "应为以下之一：按表、纵向、横向", 4, ""),
    ("正文方向: 斜向\n", "应为以下之一：纵向、横向", 4, ""),
    ("目录: {表格编号: 罗马数字}\n", "应为以下之一：表号、中文序号、无", 4, ""),
    ("目录: {列表: false}\n", "不认识的键“列表”", 4, "列出表格"),
])
def test_patch_mistakes_are_located(tmp_path: Path, patch: str, message: str, line: int, hint: str) -> None:
    text = "名称: 某区-决算-2024\n基于: 决算-2023\n适用年度: [2024]\n" + patch
    data, path = data_with(tmp_path, "某区-决算-2024", "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as e:
        load_profile(path, 2024, data)
    [problem] = e.value.problems
    assert message in problem.message
    assert problem.location.file == str(path)
    assert problem.location.line == line
    assert hint in problem.hint + problem.expected


BAD_INPUT = {  # issue 12's "Bad input": each through the command
    "unknown key": ("表格式: 无\n", "第4行", "不认识的键“表格式”", "表号格式"),
    "missing table": ("表格:\n  收入表: {标题: X}\n", "第5行", "没有名为“收入表”", "收入支出决算总表"),
    "missing row": ("表格:\n  收入支出决算总表:\n    左: {底部: {结余: {标签: X}}}\n", "第6行", "没有名为“结余”",
                    "使用非财政拨款结余（含专用结余）"),
    "unknown placeholder": ("表格:\n  收入决算表: {注: [\"注：{单位}\"]}\n", "第5行", "占位符“{单位}”不认识", "{部门名称}"),
    "unit": ("显示: {金额单位: 千元}\n", "第4行", "应为以下之一：元、万元", ""),
    "format": ("表格:\n  收入决算表: {显示: {零值: 空}}\n", "第5行", "应为以下之一：空白、0.00、0、-", ""),
    "catalogue code": ("", "功能分类-2024.yaml 第6行", "科目目录中的编码“20101x”格式不对", "7 位"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_profile_through_the_command_is_chinese_located_and_writes_nothing(tmp_path: Path, capsys,
                                                                                case: str) -> None:
    patch, where, message, allowed = BAD_INPUT[case]
    data, _ = data_with(tmp_path, "某区-决算-2024", "名称: 某区-决算-2024\n基于: 决算-2023\n适用年度: [2024]\n" + patch)
    if case == "catalogue code":
        catalogue = data / "catalogues" / "功能分类-2024.yaml"
        text = catalogue.read_text(encoding="utf-8")
        catalogue.write_text(text.replace("  '201': 一般公共服务支出\n", "  '201': 一般公共服务支出\n  '20101x': 人大事务\n", 1),
                             encoding="utf-8")
    source = (ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml").read_text(encoding="utf-8")
    inp = tmp_path / "in.yaml"
    text = source.replace("年度: 2023", "年度: 2024", 1).replace("类型: 决算\n", "类型: 决算\n模板: 某区-决算-2024\n", 1)
    inp.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as e:
        main(["generate", str(inp), "-o", str(out), "--data-dir", str(data)])
    assert e.value.code != 0
    err = capsys.readouterr().err
    [line] = [x for x in err.splitlines() if x.startswith("[错误]")]
    assert where in line and message in line, err
    assert allowed in err and "Traceback" not in err and "未生成任何文件" in err
    assert not out.exists() or not any(out.iterdir())
    assert inp.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("line,message", [
    ("  '20101x': 人大事务\n", "科目目录中的编码“20101x”格式不对"),
    ("  '2019701': 某事务\n", "科目 2019701 的上级 20197 不在目录中"),
])
def test_malformed_catalogue_codes_are_located(tmp_path: Path, line: str, message: str) -> None:
    data, _ = data_with(tmp_path, "某区-决算-2024", "名称: 某区-决算-2024\n基于: 决算-2023\n适用年度: [2024]\n")
    catalogue = data / "catalogues" / "功能分类-2024.yaml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace("  '201': 一般公共服务支出\n", "  '201': 一般公共服务支出\n" + line, 1),
                         encoding="utf-8")
    with pytest.raises(UserError) as e:
        load_profile(data / "profiles" / "某区-决算-2024.yaml", 2024, data)
    [problem] = e.value.problems
    assert message in problem.message
    assert problem.location.file == str(catalogue) and problem.location.line == 6


def test_every_built_in_profile_after_2020_is_a_patch_of_an_earlier_one() -> None:
    """决算-2023 and 预算-2024 say 基于 and name a profile of an earlier year; 预算-2024 takes
    the catalogues, unit and tolerance from 决算-2023 and drops what only a 决算 has."""
    import yaml

    profiles = ROOT / "data" / "profiles"
    texts = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in profiles.glob("*.yaml")}
    for name, data in texts.items():
        first_year = min(data["适用年度"])
        if first_year > 2021:
            base = data.get("基于")
            assert base in texts, name
            assert min(texts[base]["适用年度"]) < first_year, name
    budget = load_profile(profiles / "预算-2024.yaml", 2024)
    final = load_profile(profiles / "决算-2023.yaml", 2024)
    assert "科目目录" not in texts["预算-2024"] and budget.model.catalogues == final.model.catalogues
    assert budget.model.kind == "预算" and len(budget.model.tables) == 13
    assert not budget.model.optional and not budget.model.charts and not budget.model.baselines
    assert budget.model.carry_over.checks == [] and budget.model.carry_over.texts == final.model.carry_over.texts


def test_a_key_both_deleted_and_written_is_replaced_not_merged(tmp_path: Path) -> None:
    """`删除: [情况说明字段]` plus the patch's own 情况说明字段: the patch's fields only."""
    data, path = data_with(tmp_path, "某区-决算-2024", """\
        名称: 某区-决算-2024
        基于: 决算-2023
        适用年度: [2024]
        删除: [情况说明字段]
        情况说明字段:
          车辆总数: 数量
        """)
    profile = load_profile(path, 2024, data)
    assert list(profile.model.facts) == ["车辆总数"]
