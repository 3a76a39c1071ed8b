"""Three made-up regions, each a short patch of a built-in profile, that together use the
conventions of shared/design/layout-variations.md: generated through the real writers,
the printed tables, units, formats, frame and 目录 asserted, and `verify` passing."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import docx
import openpyxl
import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_2023 = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"

# 甲区：title "2024年度XX部门决算"; tables in whole 元 without separators, zeros "-", 合计 last,
# table 1 lists only the 类 with amounts and says "使用非财政拨款结余" (one label changed), table 3's
# codes in 类|款|项 under a title with the department's name, the 三公 table in 万元 with 0.00,
# an empty-table note naming the year, narrative in 万元.
JIA = """\
    名称: 甲区-决算-2024
    基于: 决算-2023
    适用年度: [2024]
    文档标题: "{年度}年度{部门名称}部门决算"
    显示: {金额单位: 元, 千分位: false, 小数位: 0, 零值: "-", 合计行: 末行}
    情况说明显示: {金额单位: 万元}
    表格:
      收入支出决算总表:
        显示: {列出: 有数, 千分位: true}
        左: {底部: {使用非财政拨款结余（含专用结余）: {标签: 使用非财政拨款结余}}}
      政府性基金预算财政拨款收入支出决算表:
        无发生额注: "注：本部门{年度}年无政府性基金预算财政拨款安排的支出，故本表为空表。"
      收入决算表:
        显示: {零值: 空白, 小数位: 2}
        注: ["注：本表金额单位为{金额单位}，{上年}年数见{上年}年度{类型}，{下年}年数见{下年}年度预算。"]
      财政拨款“三公”经费支出决算表:
        显示: {金额单位: 万元, 小数位: 2, 零值: 0.00}
        列:   # 决算数 only, 出国 | 接待 | 公务用车…, plus 会议费, 培训费 and 机关运行经费
          删除: [预算数/合计, 预算数/因公出国（境）费, 预算数/公务用车购置及运行维护费/小计, 预算数/公务用车购置费,
                预算数/公务用车运行维护费, 预算数/公务接待费]
          新增:
            - {表头: [决算数, 会议费], 值: 会议费培训费.决算数.会议费}
            - {表头: [决算数, 培训费], 值: 会议费培训费.决算数.培训费}
            - {表头: [机关运行经费], 值: 其他重要事项.机关运行经费}
          顺序: [决算数/合计, 决算数/因公出国（境）费, 决算数/公务接待费, 决算数/公务用车购置及运行维护费/小计,
                决算数/公务用车购置费, 决算数/公务用车运行维护费, 决算数/会议费, 决算数/培训费, 机关运行经费]
      支出决算表:
        标题: "{部门名称}{年度}年度支出决算表"
        列:
          功能分类科目编码: {表头: [科目编码, 类], 内容: 类}
          科目名称: {表头: [科目名称]}
          新增:
            - {表头: [科目编码, 款], 内容: 款, 后于: 功能分类科目编码}
            - {表头: [科目编码, 项], 内容: 项, 后于: 科目编码/款}
    """


def region(tmp_path: Path, name: str, profile: str, year: int | None = 2024, example: Path = EXAMPLE_2023,
           replace: dict[str, str] | None = None, kind: str = "决算", options: tuple[str, ...] = ()) -> Path:
    """Generate the example under a made-up region's profile; the output folder."""
    data = tmp_path / "data"
    if not data.exists():
        shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("examples"))
    (data / "profiles" / f"{name}.yaml").write_text(textwrap.dedent(profile), encoding="utf-8")
    text = example.read_text(encoding="utf-8")
    if year:
        text = text.replace("年度: 2023", f"年度: {year}", 1)
    text = text.replace(f"类型: {kind}\n", f"类型: {kind}\n模板: {name}\n", 1)
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    inp = tmp_path / f"{name}.yaml"
    inp.write_text(text, encoding="utf-8")
    out = tmp_path / f"out-{name}"
    with pytest.raises(SystemExit) as e:
        main(["generate", str(inp), "-o", str(out), "--data-dir", str(data), *options])
    assert e.value.code == 0
    [docx_file] = out.glob("*.docx")
    with pytest.raises(SystemExit) as e:
        main(["verify", str(docx_file)])
    assert e.value.code == 0
    return out


def through_the_workbook(tmp_path: Path, name: str) -> dict:
    """The region's input (written by `region`) converted to the input workbook and back."""
    import yaml

    data, inp = tmp_path / "data", tmp_path / f"{name}.yaml"
    book, back = tmp_path / "录入.xlsx", tmp_path / "back.yaml"
    for args in (["convert", str(inp), "-o", str(book)], ["convert", str(book), "-o", str(back)]):
        with pytest.raises(SystemExit) as e:
            main([*args, "--data-dir", str(data)])
        assert e.value.code == 0
    return yaml.safe_load(back.read_text(encoding="utf-8"))


def rows(table: docx.table.Table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def test_jia_units_formats_totals_and_code_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = region(tmp_path, "甲区-决算-2024", JIA)
    assert "核对通过" in capsys.readouterr().out
    assert [p.name for p in out.glob("*.docx")] == ["2024年度清远市清城区大数据中心部门决算.docx"]
    word = docx.Document(str(next(out.glob("*.docx"))))
    paragraphs = [p.text for p in word.paragraphs]
    assert "清远市清城区大数据中心2024年度支出决算表" in paragraphs
    assert "注：本部门2024年无政府性基金预算财政拨款安排的支出，故本表为空表。" in paragraphs
    assert "注：本表金额单位为元，2023年数见2023年度决算，2025年数见2025年度预算。" in paragraphs
    assert not any("{" in p for p in paragraphs)
    t1, t2, t3 = (rows(word.tables[i]) for i in range(3))
    # table 1: whole 元 with separators, zeros "-", only the 类 with amounts on the right
    assert t1[3][:3] == ["一、一般公共预算财政拨款收入", "1", "8,554,600"]
    assert t1[4][2] == "-"
    right = [r[3] for r in t1[3:] if r[3]]
    assert "二、科学技术支出" in right and not any("国防支出" in r for r in right)
    left = [r[0] for r in t1[3:]]
    assert "使用非财政拨款结余" in left and "使用非财政拨款结余（含专用结余）" not in left
    # table 2: 2 decimals without separators, zeros blank, 合计 last
    assert t2[3][:4] == ["201", "一般公共服务支出", "2492300.00", "2492300.00"] and t2[3][4] == ""
    assert t2[-1][0] == "合计" and t2[-1][2] == "8580000.00"
    # table 3: 类 | 款 | 项 under one header, whole 元, zeros "-"
    assert t3[0][:4] == ["科目编码", "科目编码", "科目编码", "科目名称"]
    assert t3[1][:4] == ["类", "款", "项", "科目名称"]  # one label spanning both header rows
    assert word.tables[2].rows[0].cells[3]._tc is word.tables[2].rows[1].cells[3]._tc
    assert t3[5][:7] == ["201", "37", "50", "事业运行", "2497600", "2144600", "353000"]
    assert t3[5][7] == "-"
    # 三公 in 万元: 决算数 only, columns in the region's order, 会议费/培训费/机关运行经费 added
    san = rows(word.tables[8])
    assert san[1][:3] == ["合计", "因公出国（境）费", "公务接待费"]
    assert san[1][3] == "公务用车购置及运行维护费" and san[2][3:8] == ["小计", "公务用车购置费", "公务用车运行维护费",
                                                                 "会议费", "培训费"]
    assert san[0][8] == "机关运行经费"
    assert san[-1][0] == "0.00" and len(san[-1]) == 9
    assert "单位：元" in "\n".join(paragraphs) and "单位：万元" in "\n".join(paragraphs)
    # the narrative in 万元 (the tables in 元)
    assert any("一般公共预算财政拨款收入855.46万元" in p for p in paragraphs)
    # the workbook: the same numbers, formats that print them alike
    book = openpyxl.load_workbook(next(out.glob("*.xlsx")))
    assert (book["表1"]["C6"].value, book["表1"]["C6"].number_format) == (8554600, '#,##0;-#,##0;"-"')
    assert (book["表2"]["C6"].value, book["表2"]["C6"].number_format) == (2492300, "0.00")
    assert book["表2"]["E6"].value is None
    assert book["表3"]["E6"].number_format == '0;-0;"-"'


@pytest.mark.parametrize("settings,yuan,text,fmt", [
    ({}, "12345.675", "1.23", "#,##0.00"),
    ({"unit": "元", "places": 0}, "12345.5", "12,346", "#,##0"),
    ({"unit": "元", "places": 0, "thousands": False}, "-12345.5", "-12346", "0"),
    ({"unit": "元", "zero": "-"}, "0.004", "-", '#,##0.00;-#,##0.00;"-"'),
    ({"unit": "元", "zero": "0", "places": 1}, "0", "0", '#,##0.0;-#,##0.0;"0"'),
    ({"unit": "万元", "zero": "空白"}, "49", "", "#,##0.00"),
    ({"unit": "万元", "places": 4}, "12345.675", "1.2346", "#,##0.0000"),
])
def test_display_rounds_each_cell_half_up_from_yuan(settings: dict, yuan: str, text: str, fmt: str) -> None:
    from decimal import Decimal

    from generator.amounts import from_yuan
    from generator.profiles import Display

    d = Display(**settings)
    assert d.text(from_yuan(Decimal(yuan), d.unit, d.places)) == text
    assert d.number_format() == fmt


# 乙区（a Shanghai-like district budget, patch of 预算-2024): chapters without "第N部分" in
# another order, tables last; a cover line "预算主管部门：…"; every page landscape; captions
# "公开01表"; header line "编制部门：… 单位：元"; tables in 元 but the 三公 table and the narrative
# in 万元; tables 1 and 4 list only the 类 with amounts; the 目录 numbers tables "一、…"; an input
# may accept 0.02 万元 between a total and its items (cells rounded from 元 one by one).
YI = """\
    名称: 乙区-预算-2024
    基于: 预算-2024
    勾稽容差上限: 0.02
    文档标题: "乙区{部门名称}{年度}年区级部门预算"
    封面: ["预算主管部门：{部门名称}"]
    部分:
      - {名称: 概况, 标题: "一、主要职能和机构设置", 内容: [概况]}
      - {名称: 名词解释, 标题: "二、名词解释", 内容: [名词解释]}
      - {名称: 情况说明, 标题: "三、{年度}年部门预算编制说明", 内容: [情况说明]}
      - {名称: 表格, 标题: "四、{年度}年部门预算表", 内容: [表格]}
    目录: {表格编号: 中文序号}
    正文方向: 横向
    表格方向: 横向
    表号格式: "公开{两位序号}表"
    表头左: "编制部门：{部门名称}"
    显示: {金额单位: 元}
    情况说明显示: {金额单位: 万元}
    表格:
      收支总体情况表: {显示: {列出: 有数}}
      财政拨款收支总体情况表: {显示: {列出: 有数}}
      财政拨款安排的行政经费及“三公”经费预算表: {显示: {金额单位: 万元}}
      一般公共预算基本支出情况表（按经济分类科目）:   # 类 | 款 | 名称 × 合计 | 人员经费 | 公用经费
        名称缩进: false
        列:
          部门预算支出经济科目: {表头: [科目编码, 类], 内容: 类}
          预算: {表头: [合计]}
          新增:
            - {表头: [科目编码, 款], 内容: 款, 后于: 部门预算支出经济科目}
            - {表头: [科目名称], 内容: 名称, 后于: 科目编码/款}
            - {表头: [人员经费], 限于: [301, 303]}
            - {表头: [公用经费], 限于: [302, 307, 310, 399]}
    """


def test_yi_frame_captions_header_line_and_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = region(tmp_path, "乙区-预算-2024", YI, year=None, kind="预算",
                 example=ROOT / "data/examples/清远市政务服务中心-2024-预算.yaml",
                 replace={"金额单位: 万元\n": "金额单位: 万元\n勾稽容差: 0.02\n"})
    assert "本文档按输入的勾稽容差 0.02 万元核对（模板为 0.01 万元，上限 0.02 万元）" in capsys.readouterr().err
    [docx_file] = out.glob("*.docx")
    assert docx_file.name == "乙区清远市政务服务中心2024年区级部门预算.docx"
    word = docx.Document(str(docx_file))
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.text.strip()]
    parts = [t for s, t in styled if s == "部分标题"]
    assert parts == ["一、主要职能和机构设置", "二、名词解释", "三、2024年部门预算编制说明", "四、2024年部门预算表"]
    assert styled[1] == ("封面信息", "预算主管部门：清远市政务服务中心") and styled[2][0] != "封面信息"
    toc = [t for s, t in styled if s.startswith("toc")]
    assert [t for s, t in styled if s == "toc 1"] == [p + "\t" for p in parts]
    assert "一、收支总体情况表\t" in toc and "十二、部门预算项目支出及其他支出预算表\t" in toc
    captions = [t for s, t in styled if s == "表号"]
    assert captions[:3] == ["公开01表", "公开02表", "公开03表"]
    headers = [t for s, t in styled if s == "表头信息"]
    assert headers[0] == "编制部门：清远市政务服务中心\t单位：元"
    assert "编制部门：清远市政务服务中心\t单位：万元" in headers
    # every section landscape, the cover's included
    assert all(s.orientation == 1 for s in word.sections)
    t1 = rows(word.tables[1])  # tables[0] is the narrative's 重点项目 table
    listed = [r[2] for r in t1[2:] if r[2]]
    assert "一般公共服务支出" in listed[0] and not any("国防支出" in x for x in listed)
    t4 = rows(word.tables[4])  # 财政拨款收支总体情况表: also only the 类 with amounts
    assert any("一般公共服务支出" in c for r in t4 for c in r) and not any("国防支出" in c for r in t4 for c in r)
    book = openpyxl.load_workbook(next(out.glob("*.xlsx")))
    assert "公开01表" in book.sheetnames and "名词解释" in book.sheetnames
    # 经济分类 × (合计 | 人员经费 | 公用经费), codes in 类 | 款
    econ = rows(next(t for t in word.tables if t.rows[0].cells[0].text == "科目编码"))
    assert econ[0][:6] == ["科目编码", "科目编码", "科目名称", "合计", "人员经费", "公用经费"]
    assert econ[1][:2] == ["类", "款"]
    total, wages = econ[2], next(r for r in econ if r[:2] == ["301", "01"])
    assert total[0] == "合计" and total[3] == "18,101,400.00"
    assert wages[2] == "基本工资" and wages[3] == wages[4] and wages[5] == ""
    office = next(r for r in econ if r[:2] == ["302", "01"])
    assert office[3] == office[5] and office[4] == ""
    from decimal import Decimal
    number = lambda t: Decimal(t.replace(",", ""))  # noqa: E731
    assert number(total[4]) + number(total[5]) == number(total[3])


def test_yi_toc_numbering_survives_the_pdf_pass(tmp_path: Path) -> None:
    """The 目录 numbers the tables "一、…" though their titles do not: such a 目录 is fixed
    text (a TOC field would be rebuilt from the titles by LibreOffice or Word), and its page
    numbers, PAGEREF fields, come out of the PDF pass into both the PDF and the .docx."""
    import os
    import re
    import subprocess

    from generator.writers.pdf import soffice

    if not (soffice() and shutil.which("pdftotext")):
        if os.environ.get("CI"):
            pytest.fail("CI=true but LibreOffice or poppler-utils is missing")
        pytest.skip("LibreOffice or poppler-utils not installed")
    out = region(tmp_path, "乙区-预算-2024", YI, year=None, kind="预算", options=("--pdf",),
                 example=ROOT / "data/examples/清远市政务服务中心-2024-预算.yaml")
    pdf = next(out.glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "3", str(pdf), "-"], capture_output=True,
                          check=True, text=True).stdout
    toc = re.sub(r"\s+", "", text)
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                           text=True).stdout.split("\f")
    numbered = ["一、收支总体情况表", "六、一般公共预算基本支出情况表（按经济分类科目）",
                "十二、部门预算项目支出及其他支出预算表"]
    for entry in numbered:
        m = re.search(re.escape(entry) + r"[.…·]*(\d+)", toc)
        assert m, f"目录 lacks {entry} with a page number"
        holder = next(page for page in pages[2:] if re.search(rf"—\s*{m.group(1)}\s*—", page))
        assert entry.split("、", 1)[1] in re.sub(r"\s+", "", holder)
    assert "四、2024年部门预算表" in toc
    word = docx.Document(str(next(out.glob("*.docx"))))
    entries = [p.text for p in word.paragraphs if p.style.name.startswith("toc")]
    heading = next(i for i, e in enumerate(entries) if e.startswith("四、2024年部门预算表\t"))
    assert re.fullmatch(r"一、收支总体情况表\t\d+", entries[heading + 1])
    assert all(re.fullmatch(r".+\t\d+", e) for e in entries), entries
    assert "TOC \\o" not in word.element.xml  # no field that an update would rebuild from the titles


# 丙区（patch of 决算-2023, 2022 input with 绩效自评表): five parts — 名词解释 inside the first,
# a separate 绩效 part, the tables last as 附表; no caption at all; header line "单位名称：…" without
# unit; the 目录 lists no tables; the 三公 table moved into the narrative's part; zeros "0".
BING = """\
    名称: 丙区-决算-2022
    基于: 决算-2023
    适用年度: [2022]
    部分:
      - {名称: 概况, 标题: "第一部分 部门概况及名词解释", 内容: [概况, 名词解释]}
      - {名称: 说明, 标题: "第二部分 {年度}年度部门决算情况说明", 内容: [情况说明]}
      - {名称: 绩效, 标题: "第三部分 部门整体绩效管理情况", 内容: [绩效]}
      - {名称: 表格, 标题: "第四部分 附表", 内容: [表格]}
    目录: {列出表格: false}
    表号格式: 无
    绩效自评表版式: {表头字段: [主管部门, 实施单位], 资金来源: [财政拨款, 其他资金], 文字: [改进措施]}
    表头左: "单位名称：{部门名称}"
    表头右: ""
    显示: {零值: "0"}
    表格:
      财政拨款“三公”经费支出决算表: {位置: 说明}
      收入支出决算总表: {右: {行: {第1项: {有数才列: true}}}}   # table 1 lists only the 类 with amounts
    """


def test_bing_five_parts_no_captions_and_tables_placed_elsewhere(tmp_path: Path) -> None:
    performance = {
        "      年度预算数: 22.00\n      执行数: 20.00\n": "      年度预算数: 22.00\n      执行数: 20.00\n"
        "      表头: {主管部门: 示例市某某局, 实施单位: 示例市某某服务中心}\n"
        "      资金来源: {财政拨款: {年度预算数: 20.00, 执行数: 18.50}, 其他资金: {年度预算数: 2.00, 执行数: 1.50}}\n"
        "      文字: {改进措施: 加强进度管理。}\n",
        "    年度预算数: 120.00\n    执行数: 115.00\n": "    年度预算数: 120.00\n    执行数: 115.00\n"
        "    表头: {主管部门: 示例市某某局, 实施单位: 示例市某某服务中心}\n"}
    out = region(tmp_path, "丙区-决算-2022", BING, year=None, example=ROOT / "data/examples/示例单位-2022-决算.yaml",
                 replace=performance)
    word = docx.Document(str(next(out.glob("*.docx"))))
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.text.strip()]
    parts = [t for s, t in styled if s == "部分标题"]
    assert parts == ["第一部分 部门概况及名词解释", "第二部分 2022年度部门决算情况说明",
                     "第三部分 部门整体绩效管理情况", "第四部分 附表"]
    assert not [t for s, t in styled if s == "表号"]
    toc = [t.rstrip("\t") for s, t in styled if s.startswith("toc")]
    assert "第四部分 附表" in toc and "收入支出决算总表" not in toc
    assert [t for s, t in styled if s == "表头信息"][0] == "单位名称：示例市某某服务中心\t"
    glossary_at = next(i for i, (s, _) in enumerate(styled) if s == "名词解释")
    assert glossary_at < [t for _, t in styled].index("第二部分 2022年度部门决算情况说明")
    titles = [t for s, t in styled if s == "表标题"]
    assert titles.index("财政拨款“三公”经费支出决算表") < titles.index("收入支出决算总表")
    # 绩效 tables in their own part, before the 附表
    performance = [i for i, (_, t) in enumerate(styled) if "绩效自评表" in t and _ == "表标题"]
    assert performance and performance[0] < [t for _, t in styled].index("第四部分 附表")
    t1 = rows(word.tables[-1])
    assert "0" in [c for r in t1 for c in r]
    # the region's 绩效自评表: header fields, 资金来源 rows, closing text
    project = rows(next(t for t in word.tables if t.rows[0].cells[0].text == "项目名称"))
    assert project[1][:3] == ["主管部门", "主管部门", "示例市某某局"]
    assert project[3][:4] == ["资金", "年度预算数", "执行数", "预算执行率"]
    assert project[4][:4] == ["年度资金总额", "22.00", "20.00", "90.91%"]
    assert project[5][:4] == ["其中：财政拨款", "20.00", "18.50", "92.50%"]
    assert project[6][:4] == ["其他资金", "2.00", "1.50", "75.00%"]
    assert project[-1][0] == "改进措施" and project[-1][2] == "加强进度管理。"
    total = rows(next(t for t in word.tables if t.rows[0].cells[0].text == "收入"))
    right = [r[3] for r in total[3:] if r[3]]
    assert "国防支出" not in "".join(right) and any("一般公共服务支出" in x for x in right)


def test_bing_performance_fields_outside_the_layout_are_located_errors(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = {"      年度预算数: 22.00\n      执行数: 20.00\n": "      年度预算数: 22.00\n      执行数: 20.00\n"
           "      表头: {主管单位: 示例市某某局}\n"
           "      资金来源: {财政拨款: {年度预算数: 21.00, 执行数: 20.00}}\n"}
    with pytest.raises(AssertionError):
        region(tmp_path, "丙区-决算-2022", BING, year=None, example=ROOT / "data/examples/示例单位-2022-决算.yaml",
               replace=bad)
    err = capsys.readouterr().err
    assert "“某某服务专项”的表头中不认识“主管单位”" in err and "表头可用：主管部门、实施单位" in err
    assert "“某某服务专项”缺少表头“主管部门”" in err
    assert "“某某服务专项”的资金来源年度预算数之和与年度预算数不符" in err
    assert "丙区-决算-2022.yaml 第170行第7列：“某某服务专项”缺少表头“主管部门”" in err and "Traceback" not in err
    assert not (tmp_path / "out-丙区-决算-2022").exists()


def test_bing_layout_fields_and_tolerance_survive_the_workbook(tmp_path: Path) -> None:
    fields = {"      年度预算数: 22.00\n      执行数: 20.00\n": "      年度预算数: 22.00\n      执行数: 20.00\n"
              "      表头: {主管部门: 示例市某某局, 实施单位: 示例市某某服务中心}\n"
              "      资金来源: {财政拨款: {年度预算数: 20.00, 执行数: 18.50}, 其他资金: {年度预算数: 2.00, 执行数: 1.50}}\n"
              "      文字: {改进措施: 加强进度管理。}\n",
              "    年度预算数: 120.00\n    执行数: 115.00\n": "    年度预算数: 120.00\n    执行数: 115.00\n"
              "    表头: {主管部门: 示例市某某局, 实施单位: 示例市某某服务中心}\n",
              "金额单位: 万元": "金额单位: 万元\n勾稽容差: 0.01"}
    region(tmp_path, "丙区-决算-2022", BING, year=None, example=ROOT / "data/examples/示例单位-2022-决算.yaml",
           replace=fields)
    again = through_the_workbook(tmp_path, "丙区-决算-2022")
    project = again["绩效自评表"]["项目"][0]
    assert project["表头"] == {"主管部门": "示例市某某局", "实施单位": "示例市某某服务中心"}
    assert project["资金来源"]["其他资金"] == {"年度预算数": 2, "执行数": 1.5}
    assert project["文字"] == {"改进措施": "加强进度管理。"} and again["勾稽容差"] == 0.01


# 丙区 with its own indicator block: a column per indicator text (偏差原因分析及改进措施), headers
# renamed, 一级/二级指标 printed once per block of equal ones; no header line above the tables at
# all; a table placed in the first part (概况).
BING_INDICATORS = BING.replace('    表头左: "单位名称：{部门名称}"\n', '    表头左: ""\n').replace(
    "      财政拨款“三公”经费支出决算表: {位置: 说明}\n",
    "      财政拨款“三公”经费支出决算表: {位置: 说明}\n      国有资本经营预算财政拨款支出决算表: {位置: 概况}\n").replace(
    "    绩效自评表版式: {表头字段: [主管部门, 实施单位], 资金来源: [财政拨款, 其他资金], 文字: [改进措施]}\n",
    """    绩效自评表版式:
      表头字段: [主管部门, 实施单位]
      资金来源: [财政拨款, 其他资金]
      指标列:
        - {表头: 一级指标, 内容: 一级指标}
        - {表头: 二级指标, 内容: 二级指标}
        - {表头: 三级指标, 内容: 三级指标}
        - {表头: 指标值, 内容: 年度指标值}
        - {表头: 完成值, 内容: 实际完成值}
        - {表头: 分值, 内容: 分值}
        - {表头: 得分, 内容: 得分}
        - {表头: 偏差原因分析及改进措施, 内容: 偏差原因分析及改进措施, 宽: 3}
      指标分组: true
      文字: [改进措施]
""")
INDICATOR_TEXTS = {
    "      年度预算数: 22.00\n      执行数: 20.00\n": "      年度预算数: 22.00\n      执行数: 20.00\n"
    "      表头: {主管部门: 示例市某某局, 实施单位: 示例市某某服务中心}\n"
    "      资金来源: {财政拨款: {年度预算数: 20.00, 执行数: 18.50}, 其他资金: {年度预算数: 2.00, 执行数: 1.50}}\n"
    "      文字: {改进措施: 加强进度管理。}\n",
    "    年度预算数: 120.00\n    执行数: 115.00\n": "    年度预算数: 120.00\n    执行数: 115.00\n"
    "    表头: {主管部门: 示例市某某局, 实施单位: 示例市某某服务中心}\n",
    "实际完成值: 5600人次, 分值: 30, 得分: 30}": "实际完成值: 5600人次, 分值: 30, 得分: 30, 文字: {偏差原因分析及改进措施: 无偏差}}",
    "实际完成值: 95%, 分值: 20, 得分: 18}": "实际完成值: 95%, 分值: 20, 得分: 18, 文字: {偏差原因分析及改进措施: 个别事项延后。}}",
}


def test_bing_indicator_columns_come_from_the_profile(tmp_path: Path) -> None:
    assert BING_INDICATORS.count("表头左: \"\"") == 1 and "{位置: 概况}" in BING_INDICATORS
    out = region(tmp_path, "丙区-决算-2022", BING_INDICATORS, year=None,
                 example=ROOT / "data/examples/示例单位-2022-决算.yaml", replace=INDICATOR_TEXTS)
    word = docx.Document(str(next(out.glob("*.docx"))))
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.text.strip()]
    assert not [t for s, t in styled if s == "表头信息"]  # 表头左 and 表头右 both ""
    texts = [t for _, t in styled]
    assert texts.index("国有资本经营预算财政拨款支出决算表") < texts.index("第二部分 2022年度部门决算情况说明")
    project = rows(next(t for t in word.tables if t.rows[0].cells[0].text == "项目名称"))
    assert all(len(r) == 8 for r in project)
    at = next(i for i, r in enumerate(project) if r[0] == "一级指标")
    assert project[at] == ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分", "偏差原因分析及改进措施"]
    assert project[at + 1] == ["产出指标", "数量指标", "服务人次", "≥5000人次", "5600人次", "30.00", "30.00", "无偏差"]
    assert project[at + 2] == ["", "时效指标", "按时完成率", "100%", "95%", "20.00", "18.00", "个别事项延后。"]
    assert project[at + 3][:3] == ["效益指标", "社会效益指标", "办事便利度提升"] and project[at + 3][7] == ""
    total = next(r for r in project if r[0] == "总分")
    assert total[5:] == ["100.00", "95.09", ""]  # 10 × 20/22 + 30 + 18 + 28 + 10
    assert next(r for r in project if r[0] == "自评等级")[5] == "优"
    assert project[-1][0] == "改进措施" and project[-1][2:] == ["加强进度管理。"] * 6
    # the department's table has the same block, without any indicator text
    whole = rows(next(t for t in word.tables if t.rows[0].cells[0].text == "部门名称"))
    assert len(whole[0]) == 8
    # the workbook of tables prints the same 8 columns
    book = openpyxl.load_workbook(next(out.glob("*.xlsx")))
    sheet = next(book[n] for n in book.sheetnames if any(
        c.value == "偏差原因分析及改进措施" for row in book[n].iter_rows() for c in row))
    assert any(c.value == "个别事项延后。" for row in sheet.iter_rows() for c in row)
    # the input workbook has a column for the indicator text, read back into 文字
    indicators = through_the_workbook(tmp_path, "丙区-决算-2022")["绩效自评表"]["项目"][0]["指标"]
    assert indicators[1]["文字"] == {"偏差原因分析及改进措施": "个别事项延后。"} and "文字" not in indicators[2]


def test_bing_indicator_text_outside_the_layout_is_a_located_error(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = dict(INDICATOR_TEXTS)
    bad["实际完成值: 95%, 分值: 20, 得分: 18}"] = "实际完成值: 95%, 分值: 20, 得分: 18, 文字: {改进建议: 无}}"
    with pytest.raises(AssertionError):
        region(tmp_path, "丙区-决算-2022", BING_INDICATORS, year=None,
               example=ROOT / "data/examples/示例单位-2022-决算.yaml", replace=bad)
    err = capsys.readouterr().err
    assert "第175行" in err and "“某某服务专项”的指标“按时完成率”的文字中不认识“改进建议”" in err
    assert "指标列的文字可用：偏差原因分析及改进措施" in err and "Traceback" not in err


@pytest.mark.parametrize("columns,message", [
    ("[{表头: 一级指标, 内容: 一级指标}, {表头: 三级指标, 内容: 三级指标}, {表头: 分值, 内容: 分值}]",
     "“指标列”缺少内容：得分"),
    ("[{表头: 甲, 内容: 三级指标}, {表头: 乙, 内容: 三级指标}, {表头: 分值, 内容: 分值}, {表头: 得分, 内容: 得分}]",
     "“指标列”的内容重复：三级指标"),
    ("[{表头: 三级指标, 内容: 三级指标}, {表头: 分值, 内容: 分值}, {表头: 得分, 内容: 得分}]", "“指标列”至少 6 列"),
])
def test_bad_indicator_columns_are_located_profile_errors(tmp_path: Path, columns: str, message: str) -> None:
    from generator.errors import UserError
    from generator.profiles import load_profile

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("examples"))
    path = data / "profiles" / "丙区-决算-2022.yaml"
    path.write_text("名称: 丙区-决算-2022\n基于: 决算-2023\n适用年度: [2022]\n"
                    f"绩效自评表版式:\n  指标列: {columns}\n", encoding="utf-8")
    with pytest.raises(UserError) as e:
        load_profile(path, 2022, data)
    [problem] = e.value.problems
    assert message in problem.message and problem.location.file == str(path) and problem.location.line == 5


# The rest of the frame, on 决算-2023: no 目录 at all and captions "一"…; the 目录 numbering the
# tables "表1 …"; no caption, the tables numbered "一、…" in the 目录 only. Text pages portrait,
# the wide tables landscape (each table's 方向).
@pytest.mark.parametrize("frame,toc,captions", [
    ('目录: {显示: false}\n表号格式: "{中文序号}"\n', [], ["一", "二", "三"]),
    ("目录: {表格编号: 表号}\n", ["表1 收入支出决算总表", "表9 财政拨款“三公”经费支出决算表"], ["表1", "表2", "表3"]),
    ("目录: {表格编号: 中文序号}\n表号格式: 无\n", ["一、收入支出决算总表", "九、财政拨款“三公”经费支出决算表"], []),
])
def test_toc_and_captions(tmp_path: Path, frame: str, toc: list[str], captions: list[str]) -> None:
    profile = "名称: 丁区-决算-2024\n基于: 决算-2023\n适用年度: [2024]\n" + frame
    out = region(tmp_path, "丁区-决算-2024", profile)
    word = docx.Document(str(next(out.glob("*.docx"))))
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.text.strip()]
    entries = [t.split("\t")[0] for s, t in styled if s.startswith("toc")]
    assert all(e in entries for e in toc) and bool(entries) == bool(toc)
    if not toc:
        assert not any(s == "目录标题" for s, _ in styled)
    assert [t for s, t in styled if s == "表号"][:3] == captions
    assert {s.orientation for s in word.sections} == {0, 1} and word.sections[0].orientation == 0


# 戊区（a district budget, patch of 预算-2024) with seven top-level chapters and no "第N部分":
# 一、主要职能 二、机构设置 三、名词解释 四、编制说明 五、预算表 六、其他相关情况说明 七、项目经费情况说明.
# The text is split around the tables: a chapter may have its own 模板 (its text, with the same
# functions as the 情况说明; the figures it cites are verified like the 情况说明's).
WU = """\
    名称: 戊区-预算-2024
    基于: 预算-2024
    概况模板: 戊区/主要职能.md.j2
    部分:
      - {名称: 主要职能, 标题: "一、主要职能", 内容: [概况]}
      - {名称: 机构设置, 标题: "二、机构设置", 模板: 戊区/机构设置.md.j2}
      - {名称: 名词解释, 标题: "三、名词解释", 内容: [名词解释]}
      - {名称: 编制说明, 标题: "四、{年度}年部门预算编制说明", 内容: [情况说明]}
      - {名称: 表格, 标题: "五、{年度}年部门预算表", 内容: [表格]}
      - {名称: 其他, 标题: "六、其他相关情况说明", 模板: 戊区/其他.md.j2}
      - {名称: 项目, 标题: "七、项目经费情况说明", 模板: 戊区/项目.md.j2}
    """
WU_TEMPLATES = {
    "主要职能.md.j2": "{% for item in 概况.主要职责.条目 %}\n{{ loop.index | 中文序号 }}{{ item }}\n{% endfor %}\n",
    "机构设置.md.j2": "{{ 部门名称 }}内设{{ 概况.机构设置 | length }}个机构。\n",
    "其他.md.j2": "{{ 年度 }}年本部门“三公”经费预算{{ 金额(\"“三公”经费\") }}。\n",
    "项目.md.j2": "# （一）项目支出\n{{ 年度 }}年本部门支出预算{{ 金额(\"支出预算\") }}。\n",
}


def test_wu_seven_chapters_with_text_on_both_sides_of_the_tables(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "戊区").mkdir()
    for name, text in WU_TEMPLATES.items():
        (templates / "戊区" / name).write_text(text, encoding="utf-8")
    out = region(tmp_path, "戊区-预算-2024", WU, year=None, kind="预算", options=("--templates-dir", str(templates)),
                 example=ROOT / "data/examples/清远市政务服务中心-2024-预算.yaml")
    [docx_file] = out.glob("*.docx")
    word = docx.Document(str(docx_file))
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.text.strip()]
    texts = [t for _, t in styled]
    parts = [t for s, t in styled if s == "部分标题"]
    assert parts == ["一、主要职能", "二、机构设置", "三、名词解释", "四、2024年部门预算编制说明", "五、2024年部门预算表",
                     "六、其他相关情况说明", "七、项目经费情况说明"]
    assert [t.rstrip("\t0123456789") for s, t in styled if s == "toc 1"] == parts
    at = {p: texts.index(p) for p in parts}
    assert texts[at["二、机构设置"] + 1] == "清远市政务服务中心内设7个机构。"
    cited = texts[at["六、其他相关情况说明"] + 1]
    assert cited.startswith("2024年本部门“三公”经费预算") and cited.endswith("万元。")
    assert texts[at["七、项目经费情况说明"] + 1:at["七、项目经费情况说明"] + 3][0] == "（一）项目支出"
    assert at["五、2024年部门预算表"] < texts.index("收支总体情况表") < at["六、其他相关情况说明"]
    # `region` ran verify, which passed: it found the figures cited in chapters 六 and 七 (it reads
    # every part with text, not only the 情况说明)


def test_a_part_without_content_or_template_is_a_located_error(tmp_path: Path) -> None:
    from generator.errors import UserError
    from generator.profiles import load_profile

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("examples"))
    path = data / "profiles" / "戊区-预算-2024.yaml"
    path.write_text(textwrap.dedent(WU).replace(", 模板: 戊区/机构设置.md.j2", ""), encoding="utf-8")
    with pytest.raises(UserError) as e:
        load_profile(path, 2024, data)
    [problem] = e.value.problems
    assert "部分“机构设置”应写“内容”或“模板”" in problem.message and problem.location.line == 6


# 三公 as two rows (预算数 | 决算数) under one set of columns: the table's 列 and 行 written out.
SAN_GONG_ROWS = """\
    名称: 丁区-决算-2024
    基于: 决算-2023
    适用年度: [2024]
    表格:
      财政拨款“三公”经费支出决算表:
        列:
          - {表头: [项目], 内容: 标签}
          - {表头: [合计]}
          - {表头: [因公出国（境）费]}
          - {表头: [公务用车购置及运行维护费, 小计]}
          - {表头: [公务用车购置及运行维护费, 公务用车购置费]}
          - {表头: [公务用车购置及运行维护费, 公务用车运行维护费]}
          - {表头: [公务接待费]}
        行:
          - {标签: 预算数, 值: [三公经费支出决算表.预算数.合计, 三公经费支出决算表.预算数.因公出国（境）费,
              三公经费支出决算表.预算数.公务用车购置及运行维护费, 三公经费支出决算表.预算数.公务用车购置费,
              三公经费支出决算表.预算数.公务用车运行维护费, 三公经费支出决算表.预算数.公务接待费]}
          - {标签: 决算数, 值: [三公经费支出决算表.决算数.合计, 三公经费支出决算表.决算数.因公出国（境）费,
              三公经费支出决算表.决算数.公务用车购置及运行维护费, 三公经费支出决算表.决算数.公务用车购置费,
              三公经费支出决算表.决算数.公务用车运行维护费, 三公经费支出决算表.决算数.公务接待费]}
    """


def test_san_gong_as_two_rows(tmp_path: Path) -> None:
    out = region(tmp_path, "丁区-决算-2024", SAN_GONG_ROWS)
    san = rows(docx.Document(str(next(out.glob("*.docx")))).tables[8])
    assert san[1] == ["项目", "合计", "因公出国（境）费", "小计", "公务用车购置费", "公务用车运行维护费", "公务接待费"]
    assert [r[0] for r in san[3:]] == ["预算数", "决算数"]
    assert san[3][1] == "0.40" and san[3][6] == "0.40" and san[4][1:] == ["0.00"] * 6


def test_a_part_with_nothing_in_it_is_left_out(tmp_path: Path) -> None:
    """No 名词解释 (an empty glossary, none added by the input): no 第四部分 heading, no 目录 entry."""
    glossary = tmp_path / "data" / "名词解释" / "无.yaml"
    glossary.parent.mkdir(parents=True)
    glossary.write_text("名词解释: []\n", encoding="utf-8")
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("examples"), dirs_exist_ok=True)
    out = region(tmp_path, "丁区-决算-2024", "名称: 丁区-决算-2024\n基于: 决算-2023\n适用年度: [2024]\n名词解释: 名词解释/无.yaml\n")
    word = docx.Document(str(next(out.glob("*.docx"))))
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.text.strip()]
    assert [t for s, t in styled if s == "部分标题"] == ["第一部分：清远市清城区大数据中心概况",
                                                     "第二部分：清远市清城区大数据中心2024年度部门决算表",
                                                     "第三部分：清远市清城区大数据中心\n2024年度部门决算情况说明"]
    assert not any("名词解释" in t for s, t in styled if s.startswith("toc") or s == "名词解释")
