"""Row iteration and baselines by 科目 code: a per-项 section, per-类 shares and completion
against two baselines, written once and rendered for two departments with different 项."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.assemble import narrative_context
from generator.build import prepare
from generator.convert import convert_input
from generator.errors import UserError
from generator.text import environment, render_template

ROOT = Path(__file__).resolve().parent.parent
ROWS = ROOT / "tests/fixtures/rows"
A = ROWS / "甲单位-2023.yaml"
B = ROWS / "乙单位-2023.yaml"  # 上年数 from its 上年文件, by code

# One template for every department: the rows come from the department's own table.
TEMPLATE = """\
{% set 表 = "一般公共预算财政拨款支出决算表" %}
{% for 类 in 行(表, 级="类") %}
{{ 类.名称 }}（类）支出{{ 类.金额() }}，占一般公共预算财政拨款支出的{{ 类.占() }}，{{ 类.完成("年初预算") }}，{{ 类.完成("全年预算") }}。
{% endfor %}
{% for 项 in 行(表, 级="项") %}
{{ loop.index }}.{{ 项.全称 }}{{ 项.金额() }}，占{{ 项.占() }}，{{ 项.比上年() }}，{{ 项.完成() }}，{{ 项.完成("全年预算") }}。{{ 项.用途() }}{{ 项.原因() }}
{% endfor %}
"""

EXPECTED_A = [
    "一般公共服务支出（类）支出100万元，占一般公共预算财政拨款支出的90.9%，完成年初预算的100%，完成全年预算数的95.24%。",
    "社会保障和就业支出（类）支出10万元，占一般公共预算财政拨款支出的9.1%，完成年初预算的100%，完成全年预算数的83.33%。",
    "1.一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）80万元，占72.7%，"
    "比上年决算数增加10万元，增长14.3%，完成年初预算的106.67%，完成全年预算数的100%。主要用于机关正常运转。",
    "2.一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）一般行政管理事务（项）20万元，占18.2%，"
    "比上年决算数减少5万元，下降20%，完成年初预算的80%，完成全年预算数的80%。主要用于专项业务工作。主要变动情况：专项工作量减少。",
    "3.社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）10万元，占9.1%，"
    "比上年决算数增加10万元，增长--（基数为0，不可比），完成年初预算的100%，完成全年预算数的83.33%。",
]

EXPECTED_B = [
    "一般公共服务支出（类）支出40万元，占一般公共预算财政拨款支出的40%，完成年初预算的80%，完成全年预算数的88.89%。",
    "科学技术支出（类）支出60万元，占一般公共预算财政拨款支出的60%，完成年初预算的--%（基数为0，不可比），完成全年预算数的75%。",
    "1.一般公共服务支出（类）网信事务（款）事业运行（项）40万元，占40%，比上年决算数减少10万元，下降20%，"
    "完成年初预算的80%，完成全年预算数的88.89%。",
    "2.科学技术支出（类）科学技术管理事务（款）其他科学技术管理事务支出（项）60万元，占60%，"
    "比上年决算数增加60万元，增长--（基数为0，不可比），完成年初预算的--%（基数为0，不可比），完成全年预算数的75%。主要用于信息化建设。",
]


def _variant(tmp_path: Path, text: str, name: str = "甲单位-2023.yaml") -> Path:
    """甲单位's input changed: written next to nothing else, returned as a path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _render(path: Path, template: str = TEMPLATE) -> tuple[list[str], list[tuple[str, str]]]:
    writer, context = narrative_context(prepare(path))
    rendered = writer.rendered(lambda: environment(ROOT / "templates").from_string(template).render(**context))
    assert not rendered.missing
    return [line for line in rendered.text.splitlines() if line.strip()], list(rendered.citations)


@pytest.mark.parametrize("path,expected", [(A, EXPECTED_A), (B, EXPECTED_B)], ids=["甲", "乙"])
def test_one_template_two_departments(path: Path, expected: list[str]) -> None:
    lines, _ = _render(path)
    assert lines == expected


def test_every_row_amount_is_cited() -> None:
    """verify checks each against its table cell: every amount a row prints is recorded."""
    _, cited = _render(A)
    table = "一般公共预算财政拨款支出决算表"
    assert cited == [(f"{table}.201.本年支出合计", "100"), (f"{table}.208.本年支出合计", "10"),
                     (f"{table}.2010301.本年支出合计", "80"), (f"{table}.2010302.本年支出合计", "20"),
                     (f"{table}.2080505.本年支出合计", "10")]


def test_workbook_gives_the_same_sentences(tmp_path: Path) -> None:
    """上年数, 年初预算数 and 全年预算数 by code, and 用途 by code, survive convert → workbook → read."""
    workbook = tmp_path / "甲单位.xlsx"
    convert_input(A, workbook)
    assert _render(workbook)[0] == EXPECTED_A


def test_columns_parents_and_any_denominator() -> None:
    template = """\
{% for 项 in 行("支出决算表", 级="项", 列="基本支出") %}
{{ 项.编码 }} {{ 项.名称 }} {{ 项.级 }} {{ 项.金额() }} 占类{{ 项.占("类") }} 占上级{{ 项.占("上级") }} 占基本支出{{ 项.占("基本支出") }} 项目支出{{ 项.金额("项目支出") }} 上级{{ 项.上级.编码 }}
{% endfor %}
{% for 类 in 行("支出决算表", 级="类") %}{{ 类.编码 }}:{% for 款 in 类.子行 %}{{ 款.编码 }}{% endfor %};{% endfor %}
"""
    lines, _ = _render(A, template)
    assert lines == [
        "2010301 行政运行 项 80万元 占类100% 占上级100% 占基本支出88.9% 项目支出0万元 上级20103",
        "2080505 机关事业单位基本养老保险缴费支出 项 10万元 占类100% 占上级100% 占基本支出11.1% 项目支出0万元 上级20805",
        "201:20103;208:20805;",
    ]


def test_economic_rows() -> None:
    template = '{% for r in 行("一般公共预算财政拨款基本支出决算表") %}{{ r.编码 }}{{ r.名称 }}{{ r.金额() }}，' \
               '占{{ r.占("基本支出合计") }}；{% endfor %}'
    lines, cited = _render(A, template)
    assert lines == ["301工资福利支出90万元，占100%；30101基本工资90万元，占100%；"]
    assert ("一般公共预算财政拨款基本支出决算表.30101", "90") in cited


def test_missing_baseline_by_code_is_reported(tmp_path: Path) -> None:
    path = _variant(tmp_path, A.read_text(encoding="utf-8").replace("  '2010302': 25\n  '2080505': 0\n", ""))
    writer, context = narrative_context(prepare(path))
    rendered = writer.rendered(lambda: environment(ROOT / "templates").from_string(TEMPLATE).render(**context))
    assert list(rendered.missing) == ["上年数“一般公共预算财政拨款支出决算表.2010302.本年支出合计”",
                              "上年数“一般公共预算财政拨款支出决算表.2080505.本年支出合计”"]


def test_class_and_subclass_baselines_are_summed_from_items() -> None:
    """甲单位 gives 上年数 and 年初预算数 by 项 only: each 款 and 类 is the sum of its 项."""
    template = ('{% for r in 行("一般公共预算财政拨款支出决算表", 级="款") %}{{ r.编码 }}：上年{{ r.基准金额("上年") }}，'
                '年初预算{{ r.基准金额("年初预算") }}，{{ r.比上年() }}，{{ r.完成() }}；{% endfor %}'
                '{% for r in 行("一般公共预算财政拨款支出决算表", 级="类") %}{{ r.编码 }}：{{ r.比上年() }}；{% endfor %}')
    assert _render(A, template)[0] == [
        # 20103: 上年 70 + 25 = 95, 年初预算 75 + 25 = 100; 20805: 上年 0, 年初预算 10
        "20103：上年95万元，年初预算100万元，比上年决算数增加5万元，增长5.3%，完成年初预算的100%；"
        "20805：上年0万元，年初预算10万元，比上年决算数增加10万元，增长--（基数为0，不可比），完成年初预算的100%；"
        "201：比上年决算数增加5万元，增长5.3%；208：比上年决算数增加10万元，增长--（基数为0，不可比）；"]


def test_economic_class_baseline_is_summed_from_its_items(tmp_path: Path) -> None:
    text = A.read_text(encoding="utf-8").replace("上年数:\n", "上年数:\n  一般公共预算财政拨款基本支出决算表.30101: 80\n")
    template = '{% for r in 行("一般公共预算财政拨款基本支出决算表", 级="类") %}{{ r.编码 }}{{ r.比上年() }}{% endfor %}'
    assert _render(_variant(tmp_path, text), template)[0] == ["301比上年决算数增加10万元，增长12.5%"]


def test_stated_class_baseline_is_checked_against_its_items(tmp_path: Path) -> None:
    text = A.read_text(encoding="utf-8").replace("    '2010301': 75\n", "    '201': 90\n    '2010301': 75\n")
    with pytest.raises(UserError) as e:
        prepare(_variant(tmp_path, text))
    [problem] = e.value.problems
    assert problem.code == "baseline-sum" and problem.severity == "错误"
    assert "“年初预算数”中 201 与其下级科目之和不一致" in problem.message
    assert problem.location.line == text.splitlines().index("    '201': 90") + 1
    assert problem.expected == "20103 之和 100万元" and problem.found == "90万元"


def test_class_is_never_summed_from_part_of_its_items(tmp_path: Path) -> None:
    """Without 2010302's 年初预算数, 20103 and 201 are not 75: they are missing, and named."""
    text = A.read_text(encoding="utf-8").replace("    '2010302': 25\n", "", 1)
    writer, context = narrative_context(prepare(_variant(tmp_path, text)))
    rendered = writer.rendered(lambda: environment(ROOT / "templates").from_string(TEMPLATE).render(**context))
    assert list(rendered.missing)[:2] == ["年初预算数“一般公共预算财政拨款支出决算表.201.本年支出合计”",
                                  "年初预算数“一般公共预算财政拨款支出决算表.2010302.本年支出合计”"]


@pytest.mark.parametrize("entry,why", [
    ("'2010377': 5", "科目编码 2010377 不在功能分类科目目录中"),
    ("支出决算表.2010301.项目: 5", "“支出决算表”没有列“项目”"),
    ("不存在的项目: 5", ""),
])
def test_bad_baseline_entries_are_located(tmp_path: Path, entry: str, why: str) -> None:
    text = A.read_text(encoding="utf-8").replace("上年数:\n", f"上年数:\n  {entry}\n")
    with pytest.raises(UserError) as e:
        prepare(_variant(tmp_path, text))
    [problem] = [p for p in e.value.problems if p.code == "unknown-item"]
    assert problem.location.line == text.splitlines().index(f"  {entry}") + 1
    assert why in problem.message


def test_reason_for_unknown_code_is_located(tmp_path: Path) -> None:
    text = A.read_text(encoding="utf-8") + "  '2010377': 不存在的科目\n"
    with pytest.raises(UserError) as e:
        prepare(_variant(tmp_path, text))
    [problem] = e.value.problems
    assert problem.code == "unknown-item" and "2010377" in problem.message
    assert problem.location.line == len(text.splitlines())


def test_unit_with_only_a_full_year_budget(tmp_path: Path) -> None:
    """A new unit has a 全年预算 and no 年初预算: sentences name the one it has."""
    text = A.read_text(encoding="utf-8")
    start, end = text.index("年初预算数:"), text.index("全年预算数:")
    path = _variant(tmp_path, text[:start] + text[end:] + "样式:\n  完成率基准: 全年预算\n", "新单位-2023.yaml")
    template = '{% for 项 in 行("一般公共预算财政拨款支出决算表", 级="项") %}{{ 项.完成() }}；{{ 项.比("全年预算") }}。{% endfor %}'
    assert _render(path, template)[0] == [
        "完成全年预算数的100%；与全年预算数持平。完成全年预算数的80%；比全年预算数减少5万元，下降20%。"
        "完成全年预算数的83.33%；比全年预算数减少2万元，下降16.7%。"]


@pytest.mark.parametrize("style,expected", [
    ("持平", "与上年决算数持平"),
    ("不可比", "比上年决算数增加0万元，增长--（基数为0，不可比）"),
    ("省略", ""),
])
def test_zero_to_zero_change_wording(tmp_path: Path, style: str, expected: str) -> None:
    path = _variant(tmp_path, A.read_text(encoding="utf-8") + f"样式:\n  零变动措辞: {style}\n")
    writer, context = narrative_context(prepare(path))
    writer.baselines["上年"].values["经营收入"] = writer.value(0)
    out = environment(ROOT / "templates").from_string('{{ 比上年("经营收入") }}').render(**context)
    assert out == expected


@pytest.mark.parametrize("template,message,line", [
    ('第一行\n{{ 行("没有的表") }}', "模板写法有误：行(…)：没有名为“没有的表”的科目表或列表", 2),
    ('\n\n{% for r in 行("支出决算表") %}{{ r.完成("没有的基准") }}{% endfor %}',
     "模板写法有误：没有名为“没有的基准”的比较基准，可用：上年、年初预算、全年预算", 3),
    ('{% for r in 行("支出决算表") %}{{ r.金额的() }}{% endfor %}', "模板用到了没有的数据：表格行中没有“金额的”", 1),
    ('{{ 不存在 }}', "模板用到了没有的数据：“不存在”未定义（既不是模板函数，也不是输入中的键）", 1),
    ('{% for r in 行("支出决算表", 级别="项") %}{% endfor %}', "模板中的函数调用有误：参数名“级别”不对", 1),
])
def test_template_errors_in_chinese_at_their_line(tmp_path: Path, template: str, message: str,
                                                  line: int) -> None:
    (tmp_path / "t.md.j2").write_text(template, encoding="utf-8")
    _, context = narrative_context(prepare(A))
    with pytest.raises(UserError) as e:
        render_template(environment(tmp_path), "t.md.j2", context)
    [problem] = e.value.problems
    assert problem.message.startswith(message)
    assert (problem.location.file, problem.location.line) == ("t.md.j2", line)


def test_error_in_an_included_macro_names_the_macro_file(tmp_path: Path) -> None:
    (tmp_path / "宏.md.j2").write_text('{% macro 段(表) %}\n{{ 行(表)[0].没有 }}\n{% endmacro %}', encoding="utf-8")
    (tmp_path / "主.md.j2").write_text('{% from "宏.md.j2" import 段 with context %}\n\n{{ 段("支出决算表") }}',
                                       encoding="utf-8")
    _, context = narrative_context(prepare(A))
    with pytest.raises(UserError) as e:
        render_template(environment(tmp_path), "主.md.j2", context)
    [problem] = e.value.problems
    assert (problem.location.file, problem.location.line) == ("宏.md.j2", 2)
    assert "没有“没有”" in problem.message


@pytest.mark.parametrize("tables_in", ["万元", "元", "元, 小数位: 0"])
def test_verify_checks_every_row_amount(tmp_path: Path, tables_in: str) -> None:
    """A per-项 section generated, then `verify`: every amount a row printed is checked against
    its table cell (a 万元 narrative over tables printed in 元 included)."""
    import shutil

    from generator.build import build_report
    from generator.options import RunOptions
    from generator.verify import verify_docx, verify_full

    data, templates = tmp_path / "data", tmp_path / "templates"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("examples"))
    (data / "profiles" / "甲地决算.yaml").write_text(
        "名称: 甲地决算\n基于: 决算-2023\n适用年度: [2099]\n情况说明模板: 甲地/说明.md.j2\n"
        + (f"显示: {{金额单位: {tables_in}}}\n情况说明显示: {{金额单位: 万元}}\n"), encoding="utf-8")
    shutil.copytree(ROOT / "templates", templates)
    (templates / "甲地").mkdir()
    (templates / "甲地" / "说明.md.j2").write_text("# 一、支出情况\n" + TEMPLATE, encoding="utf-8")
    text = A.read_text(encoding="utf-8").replace("金额单位: 万元\n", "金额单位: 万元\n模板: 甲地决算\n")
    # 元 with cents: a table printed to whole 元 still shows the 万元 the narrative prints
    text = text.replace("'2010301': {基本支出: 80}", "'2010301': {基本支出: 80.000049}")
    path = _variant(tmp_path, text)
    result = build_report(path, RunOptions(data_dir=data, templates_dir=templates, out_dir=tmp_path / "out"))
    docx = next(p for p in result.outputs if p.suffix == ".docx")
    checked, problems = verify_docx(docx)
    assert problems == []
    assert checked == 5  # 2 类 + 3 项, each printed once
    # and every percentage is recomputed from the tables: 行政运行 edited from 80 to 160 in
    # the table (in the table's unit), its 占72.7% no longer follows
    result = verify_full(docx)
    assert result.percents >= 5 + 4  # a share of each row, the 类' completions, …
    stale = [p for p in verify_full(_double_cell(docx, tmp_path / "edited.docx", "80万元，占72.7%")).problems
             if p.code == "verify-percent-stale"]
    assert any("72.7%" in p.message and p.expected == "按表中的数重新计算应为 145.5%" for p in stale), \
        [p.render() for p in stale]


def _double_cell(path: Path, target: Path, percent: str) -> Path:
    """A copy of the document with the table cell of the first figure the narrative's percentage
    printed at the end of `percent` was computed from doubled (as an officer would retype it in Word)."""
    import zipfile
    from decimal import Decimal

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        item = next(src.read(n) for n in src.namelist() if n.startswith("customXml/item") and b"<pc " in src.read(n))
        [o] = [e[0] for e in etree.fromstring(item).iter("{*}pc") if e.get("phrase").endswith(percent)]
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                tr = root.findall(f".//{w}tbl")[int(o.get("index"))].findall(f"{w}tr")[int(o.get("row"))]
                slots = [tc for tc in tr.findall(f"{w}tc") for _ in range(int(
                    tc.find(f"{w}tcPr/{w}gridSpan").get(f"{w}val") if tc.find(f"{w}tcPr/{w}gridSpan") is not None
                    else 1))]
                t = next(slots[int(o.get("column"))].iter(f"{w}t"))
                value = Decimal(t.text.replace(",", ""))
                t.text = f"{2 * value:,.{max(0, -value.as_tuple().exponent)}f}"
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, data)
    return target


EXAMPLE_001 = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"
BY_CODE_001 = """\
可选表格: [类支出占比, 逐项说明]
上年数:
  '2013750': 250
  '2060199': 600
  '2080505': 20
  '2080506': 10
  '2101102': 10
  '2101199': 1.15
  '2210201': 0
年初预算数:
  '201': 260
  '206': 2400
  '208': 31.28
  '210': 12
  '221': 0
  '2013750': 260
  '2060199': 2400
  '2080505': 20.85
  '2080506': 10.43
  '2101102': 11
  '2101199': 1
  '2210201': 0
用途:
  '2060199': 政务信息化项目建设和运维
"""


def test_builtin_2023_options_per_class_and_per_item(tmp_path: Path) -> None:
    """决算-2023 offers 类支出占比 and 逐项说明 as 可选内容: reference 001's 7 项, every figure."""
    from generator.build import render

    path = _variant(tmp_path, EXAMPLE_001.read_text(encoding="utf-8") + BY_CODE_001, "001.yaml")
    text = [getattr(b, "text", "") for b in render(prepare(path)).part("情况说明").blocks]
    assert ("2023年度一般公共预算财政拨款支出按功能分类科目：一般公共服务支出（类）249.76万元，占29.2%，完成年初预算的96.06%；"
            "科学技术支出（类）539.31万元，占63%，完成年初预算的22.47%；社会保障和就业支出（类）31.28万元，占3.7%，"
            "完成年初预算的100%；卫生健康支出（类）11.31万元，占1.3%，完成年初预算的94.25%；住房保障支出（类）24.33万元，"
            "占2.8%，完成年初预算的--%（基数为0，不可比）。") in text
    items = [t for t in text if "（项）" in t]
    assert items == [
        "1.一般公共服务支出（类）网信事务（款）事业运行（项）249.76万元，占一般公共预算财政拨款支出的29.2%，"
        "比上年决算数减少0.24万元，下降0.1%，完成年初预算的96.06%。",
        "2.科学技术支出（类）科学技术管理事务（款）其他科学技术管理事务支出（项）539.31万元，占一般公共预算财政拨款支出的63%，"
        "比上年决算数减少60.69万元，下降10.1%，完成年初预算的22.47%。主要用于政务信息化项目建设和运维。",
        "3.社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）20.85万元，"
        "占一般公共预算财政拨款支出的2.4%，比上年决算数增加0.85万元，增长4.3%，完成年初预算的100%。",
        "4.社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）10.43万元，"
        "占一般公共预算财政拨款支出的1.2%，比上年决算数增加0.43万元，增长4.3%，完成年初预算的100%。",
        "5.卫生健康支出（类）行政事业单位医疗（款）事业单位医疗（项）10.16万元，占一般公共预算财政拨款支出的1.2%，"
        "比上年决算数增加0.16万元，增长1.6%，完成年初预算的92.36%。",
        "6.卫生健康支出（类）行政事业单位医疗（款）其他行政事业单位医疗支出（项）1.15万元，占一般公共预算财政拨款支出的0.1%，"
        "与上年决算数持平，完成年初预算的115%。",
        "7.住房保障支出（类）住房改革支出（款）住房公积金（项）24.33万元，占一般公共预算财政拨款支出的2.8%，"
        "比上年决算数增加24.33万元，增长--（基数为0，不可比），完成年初预算的--%（基数为0，不可比）。",
    ]


def test_template_error_reported_with_the_earlier_warnings(run, tmp_path: Path) -> None:  # noqa: ANN001
    """Reference 001 carries tolerance warnings; a template fault must not hide them."""
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    path = templates / "决算/情况说明-2023.md.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("年度总收入{{", "年度总收入{{ 不存在 }}{{", 1),
                    encoding="utf-8")
    code, _, err = run("check", "--templates-dir", templates, EXAMPLE_001)
    assert code == 1
    assert "模板用到了没有的数据：“不存在”未定义" in err
    warnings = err.count("[警告]")
    assert warnings > 0 and f"共 1 个错误，{warnings} 个警告。" in err


def test_each_render_returns_its_own_citations() -> None:
    """Citations come back with the text that printed them, not gathered across renders."""
    writer, context = narrative_context(prepare(A))
    env = environment(ROOT / "templates")
    first = writer.rendered(lambda: env.from_string(TEMPLATE).render(**context))
    empty = writer.rendered(lambda: env.from_string("没有数字").render(**context))
    again = writer.rendered(lambda: env.from_string(TEMPLATE).render(**context))
    assert first.citations and first == again
    assert (empty.text, empty.citations, empty.missing) == ("没有数字", (), ())
