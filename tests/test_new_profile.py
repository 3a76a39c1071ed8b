"""A region adds its own profile with data files only — no change to the package's code.

The test writes a made-up region's profile, catalogue, glossary and sentence templates into a
temporary folder, then generates a document with them through the real Word and Excel writers:
a different table order, an extra table, amounts printed in 元 with blank zero cells, three
code columns 类 | 款 | 项 and the region's own sentences.
"""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from generator.build import build_report
from generator.cli import main
from generator.options import RunOptions
from generator.readback.docx import dump_docx
from generator.verify import verify_docx

PROFILE = """\
# 虚构的“某某县”部门决算模板：表序与省里不同，多一张会议费表，金额印到元，零值留空
名称: 某某县决算
说明: 某某县部门决算（3 张表）
类型: 决算
适用年度: [2024]
科目目录:
  功能分类: 县功能分类-{年度}
金额单位: 元
零值显示: 空白
表头单位标签: 编制单位
文档标题: "{部门名称}{年度}年度决算公开"
封面: ["{部门名称}", "{年度}年度部门决算公开"]
部分标题:
  概况: "一、单位概况"
  表格: "二、决算报表"
  情况说明: "三、决算说明"
  名词解释: "四、名词解释"
概况模板: 某某县/概况.md.j2
情况说明模板: 某某县/说明.md.j2
名词解释: 名词解释/某某县.yaml
数据:
  支出表:
    形式: 功能分类
    列:
      合计: 基本支出 + 项目支出
      基本支出:
      项目支出:
  总表:
    形式: 项目
    项:
      财政拨款收入:
      其他收入:
      收入合计: 财政拨款收入 + 其他收入
      支出合计: 支出表.合计.合计
      结余: 收入合计 - 支出合计
  会议费:
    形式: 项目
    项:
      预算数:
      决算数:
校验:
  - 名称: 会议费决算不超过预算
    条件: 会议费.决算数 <= 会议费.预算数
比较项:
  财政拨款收入: 总表.财政拨款收入
  支出合计: 总表.支出合计
表格:
  - 标题: 支出决算明细表
    版式: 科目
    数据: 支出表
    方向: 横向
    栏次: true
    列:
      - {表头: [科目编码, 类], 内容: 类}
      - {表头: [科目编码, 款], 内容: 款}
      - {表头: [科目编码, 项], 内容: 项}
      - {表头: [科目名称], 内容: 名称}
      - {表头: [合计], 内容: 合计}
      - {表头: [基本支出], 内容: 基本支出}
      - {表头: [项目支出], 内容: 项目支出}
    注: [注：本表按县级格式列示。]
  - 标题: 收支总表
    版式: 固定行
    列:
      - {表头: [项目], 内容: 标签}
      - {表头: [金额]}
    行:
      - {标签: 财政拨款收入, 值: 总表.财政拨款收入}
      - {标签: 其他收入, 值: 总表.其他收入}
      - {标签: 收入合计, 值: 总表.收入合计}
      - {标签: 支出合计, 值: 总表.支出合计}
      - {标签: 结余, 值: 总表.结余}
  - 标题: 会议费预决算表
    版式: 固定行
    列:
      - {表头: [预算数]}
      - {表头: [决算数]}
    行:
      - {值: [会议费.预算数, 会议费.决算数]}
    无发生额注: 本单位本年度未召开会议。
"""

CATALOGUE = """\
目录: 功能分类
年度: 2024
科目:
  '201': 一般公共服务支出
  '20103': 政府办公厅（室）及相关机构事务
  '2010301': 行政运行
  '2010350': 事业运行
  '221': 住房保障支出
  '22102': 住房改革支出
  '2210201': 住房公积金
"""

GLOSSARY = """\
名词解释:
  - 术语: 财政拨款收入
    解释: 指县财政当年拨付的资金。
"""

OVERVIEW = """\
## （一）主要职责
{% for 条 in 概况.主要职责.条目 %}
{{ loop.index }}.{{ 条 }}
{% endfor %}
## （二）单位构成
{{ 概况.单位构成 }}
"""

NARRATIVE = """\
# （一）收支情况
本县{{ 部门名称 }}全年财政拨款收入{{ 金额("财政拨款收入") }}，{{ 比上年("财政拨款收入", "去年") }}；支出合计{{ 金额("支出合计") }}，其中基本支出占{{ 占("支出表.合计.基本支出", "支出合计") }}。
# （二）会议费
会议费决算{{ 金额("会议费.决算数") }}，{{ 完成("会议费.决算数", "会议费.预算数") }}。
"""

INPUT = """\
部门名称: 某某县档案馆
年度: 2024
类型: 决算
金额单位: 万元
概况:
  主要职责:
    条目: [负责全县档案的收集、保管和利用。]
  机构设置: [办公室]
  单位构成: 本单位为县档案馆本级，无下属单位。
支出表:
  '2010350': {基本支出: 80.5, 项目支出: 10}
  '2210201': {基本支出: 6.25}
总表:
  财政拨款收入: 96.75
会议费:
  预算数: 1.2
  决算数: 0.8
上年数:
  财政拨款收入: 90
"""


def write_region(root: Path) -> tuple[Path, Path, Path]:
    data, templates = root / "数据", root / "文字模板"
    files = {
        data / "profiles" / "某某县决算.yaml": PROFILE,
        data / "catalogues" / "县功能分类-2024.yaml": CATALOGUE,
        data / "名词解释" / "某某县.yaml": GLOSSARY,
        templates / "某某县" / "概况.md.j2": OVERVIEW,
        templates / "某某县" / "说明.md.j2": NARRATIVE,
        root / "档案馆-2024.yaml": INPUT,
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return data, templates, root / "档案馆-2024.yaml"


def test_a_region_profile_made_of_data_files_generates_a_valid_document(tmp_path: Path) -> None:
    data, templates, source = write_region(tmp_path)
    result = build_report(source, RunOptions(out_dir=tmp_path / "out", data_dir=data, templates_dir=templates))
    docx = next(p for p in result.outputs if p.suffix == ".docx")
    xlsx = next(p for p in result.outputs if p.suffix == ".xlsx")
    assert docx.name == "某某县档案馆2024年度决算公开.docx"
    text = "\n".join(dump_docx(docx))
    # the region's table order, extra table, header label and unit
    assert [t.title for t in result.document.tables()] == ["支出决算明细表", "收支总表", "会议费预决算表"]
    assert r"P[表头信息] 编制单位：某某县档案馆\t单位：元" in text
    # three code columns; amounts typed in 万元 print in 元; zero cells are blank
    assert "| 201 | 03 | 50 | 事业运行 | 905,000.00 | 805,000.00 | 100,000.00 |" in text
    assert "| 221 | 02 | 01 | 住房公积金 | 62,500.00 | 62,500.00 |  |" in text
    assert "| 合计 | 967,500.00 | 867,500.00 | 100,000.00 |" in text
    assert "| 其他收入 |  |" in text and "| 结余 |  |" in text
    # the region's own sentences, with figures computed from the data
    assert ("本县某某县档案馆全年财政拨款收入967,500元，比去年增加67,500元，增长7.5%；"
            "支出合计967,500元，其中基本支出占89.7%。") in text
    assert "会议费决算8,000元，完成预算12,000元的66.67%。" in text
    assert "P[名词解释] 财政拨款收入：指县财政当年拨付的资金。" in text
    # a valid document: every narrative figure matches its table cell
    checked, problems = verify_docx(docx)
    assert problems == [] and checked > 0
    # blank zeros hold no number in the workbook; other amounts are real numbers in 元
    ws = openpyxl.load_workbook(xlsx)["表2"]
    assert [ws[f"A{r}"].value for r in (5, 8)] == ["其他收入", "结余"]
    assert ws["B5"].value is None and ws["B8"].value is None
    assert ws["B4"].value == 967500 and ws["B4"].number_format == "#,##0.00"


def test_the_package_data_is_untouched_and_the_cli_takes_the_folders(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    data, templates, source = write_region(tmp_path)
    with pytest.raises(SystemExit) as e:
        main(["check", str(source), "--data-dir", str(data), "--templates-dir", str(templates)])
    assert e.value.code == 0
    assert "检查通过" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:
        main(["profiles", "--data-dir", str(data)])
    assert capsys.readouterr().out.splitlines() == [
        "某某县决算：决算，适用年度 2024。某某县部门决算（3 张表）",
        "    表1 支出决算明细表", "    表2 收支总表", "    表3 会议费预决算表"]
    with pytest.raises(SystemExit) as e:
        main([str(source), "-o", str(tmp_path / "cli"), "--data-dir", str(data), "--templates-dir", str(templates)])
    assert e.value.code == 0
    assert (tmp_path / "cli" / "某某县档案馆2024年度决算公开.xlsx").exists()
    # without the folders the built-in profiles apply, and none of them has this layout
    with pytest.raises(SystemExit) as e:
        main(["check", str(source)])
    assert e.value.code == 1


def test_every_command_takes_the_region_folders(tmp_path: Path, run) -> None:  # noqa: ANN001
    """batch, init, convert, diff, verify and schema with the made-up region's profile."""
    data, templates, source = write_region(tmp_path)
    folders = ("--data-dir", data, "--templates-dir", templates)
    # init: a blank input workbook of the region's layout
    blank = tmp_path / "空白.xlsx"
    code, out, err = run("init", "--year", "2024", "-o", blank, *folders)
    assert code == 0, err
    assert {"支出表", "总表", "会议费"} <= set(openpyxl.load_workbook(blank).sheetnames)
    # convert: YAML → workbook → YAML, with the region's profile
    workbook = tmp_path / "输入" / "档案馆-2024.xlsx"
    workbook.parent.mkdir()
    code, _, err = run("convert", source, "-o", workbook, *folders)
    assert code == 0, err
    back = tmp_path / "回转.yaml"
    code, _, err = run("convert", workbook, "-o", back, *folders)
    assert code == 0, err
    # batch: a folder holding a workbook (and nothing else) is a batch of one department
    code, out, err = run("batch", workbook.parent, "-o", tmp_path / "批量", "-j", "1", *folders)
    assert code == 0, out + err
    docx = tmp_path / "批量" / "某某县档案馆2024年度决算公开.docx"
    assert docx.exists() and (tmp_path / "批量" / "汇总.xlsx").exists()
    # verify the batch's document; diff the workbook against the YAML it came from
    code, out, err = run("verify", docx, *folders)
    assert code == 0 and "核对通过" in out, err
    code, out, err = run("diff", source, back, *folders)
    assert code == 0 and "内容没有变化" in out, out + err
    changed = tmp_path / "改.yaml"
    changed.write_text(source.read_text(encoding="utf-8").replace("预算数: 1.2", "预算数: 1.5"),
                       encoding="utf-8")
    code, out, err = run("diff", source, changed, *folders)
    assert code == 0 and "会议费" in out and "15,000.00" in out, out + err
    # schema of the region's profile
    code, out, err = run("schema", "--year", "2024", *folders)
    assert code == 0 and "会议费" in out and "总表" in out, err


def test_cover_and_properties_come_from_the_profile(tmp_path: Path, run) -> None:  # noqa: ANN001
    """The lines under the title and the files' properties are the profile's words, never the
    program's: a profile that bases on nothing must say its 封面; 文档属性 has plain defaults."""
    data, templates, source = write_region(tmp_path)
    profile = data / "profiles" / "某某县决算.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace('封面: ["{部门名称}", "{年度}年度部门决算公开"]\n', ""), encoding="utf-8")
    code, out, err = run("check", source, "--data-dir", data, "--templates-dir", templates)
    assert code != 0 and "封面" in out + err and "某某县决算.yaml" in out + err, out + err
    profile.write_text(text.replace(
        '封面: ["{部门名称}", "{年度}年度部门决算公开"]\n',
        '封面: ["编制单位：{部门名称}"]\n文档属性: {主题: "{年度}年度县级决算", 类别: 县级决算}\n'), encoding="utf-8")
    options = RunOptions(data_dir=data, templates_dir=templates, out_dir=tmp_path / "out")
    result = build_report(source, options)
    docx_path = next(p for p in result.outputs if p.suffix == ".docx")
    assert dump_docx(docx_path)[1] == "P[封面信息] 编制单位：某某县档案馆"
    word = docx.Document(str(docx_path)).core_properties
    assert (word.subject, word.category, word.keywords) == ("2024年度县级决算", "县级决算", "某某县档案馆, 2024")
    book = openpyxl.load_workbook(next(p for p in result.outputs if p.suffix == ".xlsx")).properties
    assert (book.subject, book.keywords) == ("2024年度县级决算", "某某县档案馆,2024")


@pytest.mark.parametrize(("key", "name"), [("概况模板", "某某县/概况.md.j2"), ("情况说明模板", "某某县/说明.md.j2")])
def test_a_missing_template_file_is_reported_where_the_profile_names_it(tmp_path: Path, run, key: str,  # noqa: ANN001
                                                                        name: str) -> None:
    data, templates, source = write_region(tmp_path)
    profile = data / "profiles" / "某某县决算.yaml"
    text = profile.read_text(encoding="utf-8").replace(f"{key}: {name}", f"{key}: 某某县/没有.md.j2")
    profile.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"{key}: 某某县/没有.md.j2") + 1
    for command in (["check", source, "--data-dir", data], ["profiles", "--check", data]):
        code, out, err = run(*command, "--templates-dir", templates)
        assert code != 0, out + err
        assert f"某某县决算.yaml 第{line}行第1列：" in out + err, out + err
        assert "找不到模板文件 某某县/没有.md.j2" in out + err, out + err
        assert f"应为：模板文件夹 {templates}" in out + err, out + err
