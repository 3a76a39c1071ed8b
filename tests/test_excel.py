"""Excel input: init workbooks, the workbook reader, YAML ↔ workbook round trips, amounts in 元,
tables from a workbook (表格), last year's file (--prev / 上年文件)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from generator.build import build_report, prepare
from generator.convert import blank_workbook, convert_input
from generator.options import RunOptions
from generator.readback.docx import dump_docx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "data" / "examples").glob("*.yaml")) + [ROOT / "docs" / "示例-最小输入.yaml"]
EXAMPLE_2023 = ROOT / "data" / "examples" / "清远市清城区大数据中心-2023-决算.yaml"
EXAMPLE_2022 = ROOT / "data" / "examples" / "清远市清城区大数据中心-2022-决算.yaml"
EXAMPLE_BUDGET = ROOT / "data" / "examples" / "清远市政务服务中心-2024-预算.yaml"
EXAMPLE_YUAN = ROOT / "data" / "examples" / "示例单位-2023-决算-元.yaml"
EXAMPLE_OPTIONAL = ROOT / "data" / "examples" / "示例单位-2022-决算.yaml"
OFFICER = Path(__file__).parent / "fixtures" / "excel" / "officer.xlsx"
MINIMAL = ROOT / "docs" / "示例-最小输入.yaml"
TIDY = "共 1 个错误，0 个警告。未生成任何文件。"


def docx_lines(source: Path, out: Path, **kw: object) -> list[str]:
    result = build_report(source, RunOptions(out_dir=out, **kw))  # type: ignore[arg-type]
    return dump_docx(next(p for p in result.outputs if p.suffix == ".docx"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_round_trip_is_lossless(example: Path, tmp_path: Path) -> None:
    workbook, back = tmp_path / "录入表.xlsx", tmp_path / "back.yaml"
    convert_input(example, workbook)
    convert_input(workbook, back)
    expected = docx_lines(example, tmp_path / "a")
    assert docx_lines(workbook, tmp_path / "b") == expected
    assert docx_lines(back, tmp_path / "c") == expected
    # the YAML written back reads as the same input, and converts to the same workbook content
    again = tmp_path / "again.xlsx"
    convert_input(back, again)
    assert prepare(back).source.data == prepare(workbook).source.data


def test_yaml_written_readably(tmp_path: Path) -> None:
    workbook, back = tmp_path / "录入表.xlsx", tmp_path / "back.yaml"
    convert_input(EXAMPLE_2023, workbook)
    convert_input(workbook, back)
    text = back.read_text(encoding="utf-8")
    assert "# 表2 收入决算表\n收入决算表:\n" in text
    assert "  '2060199': {财政拨款收入: 539.31, 其他收入: 2.54}\n" in text
    assert "  '30101': 37.45\n" in text
    assert "部门名称: 清远市清城区大数据中心\n" in text


def test_amounts_in_yuan(tmp_path: Path) -> None:
    lines = docx_lines(EXAMPLE_YUAN, tmp_path)
    # 798.00 元 against 500.00 元: 59.6%, not the 60% that 0.08 and 0.05 万元 would give
    assert "P[公文正文] 8.其他收入0.08万元，比上年决算数增加0.03万元，增长59.6%。" in lines
    # 1,005,050.00 元 = 100.505 万元: half up to 100.51 (half-even would print 100.50)
    assert "| 2010350 | 事业运行 | 100.58 | 100.51 | 0.00 | 0.00 | 0.00 | 0.00 | 0.08 |" in lines


def test_optional_content_in_a_workbook(tmp_path: Path) -> None:
    """可选表格 as one 基本信息 cell, 绩效自评表 as blocks, nested 项目 items read back nested."""
    workbook, back = tmp_path / "录入表.xlsx", tmp_path / "back.yaml"
    convert_input(EXAMPLE_OPTIONAL, workbook)
    wb = openpyxl.load_workbook(workbook)
    assert wb["基本信息"]["B8"].value == "非税收入征缴情况表、会议费培训费、项目支出绩效自评表、部门整体支出绩效自评表"
    ws = wb["绩效自评表"]
    assert [ws.cell(5, c).value for c in (1, 2)] == ["自评表类别", "项目"]
    assert [c.value for c in ws[11]] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    assert [c.value for c in ws[12]] == ["产出指标", "数量指标", "服务人次", "≥5000人次", "5600人次", 30, 30]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert not {"预算执行率", "总分", "自评等级"} & texts  # derived: no cells to type them into
    grid = wb["非税收入征缴情况表"]
    assert [c.value for c in grid[4]] == ["项目", "纳入预算管理已缴国库", "纳入财政专户管理已缴财政专户", "合计"]
    assert grid["A11"].value == "罚没收入.其中.一般罚没收入" and grid["B11"].value == 1.5
    assert grid["D11"].fill.fgColor.rgb.endswith("D9D9D9") and grid["D11"].protection.locked
    data = prepare(workbook).source.data
    assert data["可选表格"] == ["非税收入征缴情况表", "会议费培训费", "项目支出绩效自评表", "部门整体支出绩效自评表"]
    assert data["非税收入征缴情况表"]["罚没收入"] == {"纳入预算管理已缴国库": Decimal("1.5"),
                                                   "其中": {"一般罚没收入": {"纳入预算管理已缴国库": Decimal("1.5")}}}
    assert data["绩效自评表"]["项目"][0]["指标"][1]["得分"] == 18
    assert data["情况说明"]["会议费培训费"]["会议"][1] == {"名称": "业务培训推进会", "天数": Decimal("0.5"), "人数": 40,
                                                       "金额": Decimal("0.6")}
    convert_input(workbook, back)
    text = back.read_text(encoding="utf-8")
    assert "可选表格:\n  - 非税收入征缴情况表\n  - 会议费培训费\n" in text
    assert "  罚没收入:\n    纳入预算管理已缴国库: 1.5\n    其中:\n      一般罚没收入: {纳入预算管理已缴国库: 1.5}\n" in text


def test_optional_problems_point_at_cells(run, tmp_path: Path) -> None:
    workbook = tmp_path / "录入表.xlsx"
    convert_input(EXAMPLE_OPTIONAL, workbook)
    wb = openpyxl.load_workbook(workbook)
    wb["基本信息"]["B8"] = "非税收入征收情况表， 会议费培训费"
    wb["绩效自评表"]["G12"] = 35
    wb.save(workbook)
    code, _, err = run("check", workbook)
    assert code == 1
    assert err.splitlines()[:2] == [f"[错误] {workbook} 基本信息!B8：模板“决算-2023”没有可选内容“非税收入征收情况表”",
                                    "    提示：是否想写“非税收入征缴情况表”？"]
    wb["基本信息"]["B8"] = "非税收入征缴情况表、会议费培训费、项目支出绩效自评表"
    wb.save(workbook)
    code, _, err = run("check", workbook)
    assert code == 1
    assert err.splitlines()[0] == f"[错误] {workbook} 绩效自评表!G12：行“服务人次”：“某某服务专项”的指标“服务人次”得分超过分值"


# -- init ------------------------------------------------------------------------------------------
def test_init_workbook(run, tmp_path: Path) -> None:
    out = tmp_path / "录入表.xlsx"
    code, stdout, _ = run("init", "--kind", "决算", "--year", "2023", "-o", out)
    assert code == 0 and stdout.strip() == f"已生成空白录入表：{out}"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["填表说明", "基本信息", "收入支出决算总表", "收入决算表", "支出决算表",
                             "财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表",
                             "一般公共预算财政拨款基本支出决算表", "三公经费支出决算表",
                             "政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表",
                             "其他重要事项", "非税收入征缴情况表", "会议费培训费", "绩效自评表",
                             "上年数", "年初预算数", "全年预算数", "文字说明", "会议费培训费.会议", "绩效.项目", "概况",
                             "名词解释补充"]
    meetings = wb["会议费培训费.会议"]  # a declared 列表 of 情况说明: a sheet of its own, a record per row
    assert [c.value for c in meetings[3]] == ["名称", "天数", "人数", "金额"]
    assert not meetings["D4"].protection.locked and meetings["D4"].number_format == "#,##0.00"
    assert wb["填表说明"]["A1"].value.startswith("决算录入表（模板：决算-2023")
    # the profile's 可选内容 are offered, marked, and explained; switched on in 基本信息
    mark = "（可选：在基本信息的“可选表格”中选用后填写）"
    assert wb["非税收入征缴情况表"]["A1"].value == "非税收入征缴情况表" + mark
    assert wb["会议费培训费"]["A1"].value == "会议费培训费" + mark
    assert wb["绩效自评表"]["A1"].value == "绩效自评表" + mark
    assert wb["其他重要事项"]["A1"].value == "其他重要事项"
    help_text = [c.value for c in wb["填表说明"]["A"] if c.value]
    assert any(line.startswith("10. 可选内容：") for line in help_text)
    assert "    会议费培训费：情况说明“三公”经费部分增加会议费、培训费与预算的比较，并列出金额较大的会议；" \
           "填写：会议费培训费、会议费培训费.会议、文字说明（会议费培训费.…各行）" in help_text
    assert wb["基本信息"]["A8"].value == "可选表格" and not wb["基本信息"]["B8"].protection.locked
    income = wb["收入决算表"]
    assert [c.value for c in income[4]] == ["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "上级补助收入",
                                            "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
    assert income.protection.sheet and income.protection.password is None
    assert income["C6"].protection.locked and income["C6"].fill.fgColor.rgb.endswith("D9D9D9")  # derived
    assert not income["D6"].protection.locked  # to fill
    rules = {str(v.sqref): (v.type, v.operator, v.formula1) for v in income.data_validations.dataValidation}
    assert rules["A6:A65"] == ("textLength", "between", "3")
    assert rules["D6:D65"] == ("decimal", "greaterThanOrEqual", "0")
    last = {str(v.sqref): v.formula1 for v in wb["上年数"].data_validations.dataValidation}
    assert last["C4:C48"] == "-10000000000000"  # 比上年增减 may be negative (25 items, 20 rows for codes)
    detail = wb["一般公共预算财政拨款基本支出决算表"]
    assert [detail.cell(4, c).value for c in range(1, 7)] == ["科目编码", "科目名称", "金额"] * 2
    assert detail["A5"].value == "301" and detail["D5"].value == "302"
    # a blank workbook is read as an input that lacks its identity, located at the cells
    code, _, err = run("check", out)
    assert code == 1
    assert err.splitlines() == [f"[错误] {out} 基本信息!B2：缺少必填项“部门名称”", TIDY]


def test_init_refuses_other_suffix(run, tmp_path: Path) -> None:
    code, _, err = run("init", "--year", "2023", "-o", tmp_path / "a.yaml")
    assert code == 1
    assert "输出文件应为Excel 工作簿（.xlsx）" in err


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize(("kind", "year"), [("决算", 2023), ("预算", 2024)])
def test_init_workbook_opens_in_libreoffice(kind: str, year: int, tmp_path: Path) -> None:
    workbook = tmp_path / "录入表.xlsx"
    blank_workbook(kind, year, None, workbook)
    profile_dir = tmp_path / "lo-profile"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile_dir}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(workbook)], capture_output=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "录入表.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_init_budget_workbook(run, tmp_path: Path) -> None:
    out = tmp_path / "录入表.xlsx"
    code, _, _ = run("init", "--kind", "预算", "--year", "2024", "-o", out)
    assert code == 0
    wb = openpyxl.load_workbook(out)
    assert wb["填表说明"]["A1"].value.startswith("预算录入表（模板：预算-2024")
    projects = wb["项目支出预算表"]
    assert projects["A1"].value == "表12 部门预算项目支出及其他支出预算表"
    assert [c.value for c in projects[4]] == ["名称", "单位", "绩效目标", "总计", "财政拨款合计", "一般公共预算",
                                              "政府性基金预算", "国有资本经营预算", "财政专户拨款", "其他资金"]
    assert not projects["A5"].protection.locked and not projects["F34"].protection.locked  # to fill
    assert projects["D5"].protection.locked and projects["E5"].fill.fgColor.rgb.endswith("D9D9D9")  # derived
    rules = {str(v.sqref): (v.type, v.operator, v.formula1) for v in projects.data_validations.dataValidation}
    assert rules["F5:F34"] == ("decimal", "greaterThanOrEqual", "0")
    assert "D5:D34" not in rules
    assert [c.value for c in wb["重点项目"][4]] == ["名称", "绩效目标", "预算数"]
    assert wb["重点项目"]["A1"].value == "重点项目预算绩效目标表"


def _fill(blank: Path, source: Path, tmp_path: Path) -> Path:
    """The blank workbook filled the way an officer would: the tables cell by cell from the
    input's figures (codes typed into empty rows, one row per project); the text sheets as
    `convert` writes them."""
    prepared = prepare(source)
    data, profile = prepared.source.data, prepared.profile
    converted = tmp_path / "converted.xlsx"
    convert_input(source, converted)
    text_sheets = openpyxl.load_workbook(converted)
    wb = openpyxl.load_workbook(blank)
    for name, spec in profile.model.data.items():
        ws, raw = wb[name], data.get(name)
        if not raw:
            continue
        header = {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
        if spec.form == "列表":
            for r, record in enumerate(raw, start=5):
                for key, value in record.items():
                    ws.cell(r, header[key], str(value) if key in spec.fields else float(value))
        elif spec.form == "功能分类":
            for r, (code, row) in enumerate(((c, v) for c, v in raw.items() if c != "合计"), start=6):
                ws.cell(r, 1, code)
                for column, value in row.items():
                    ws.cell(r, header.get(column, 2), value if column == "科目名称" else float(value))
            for column, value in (raw.get("合计") or {}).items():  # stated totals are checked
                ws.cell(5, header[column], float(value))
        elif spec.form == "经济分类":
            cells = {ws.cell(r, c).value: (r, c) for r in range(5, ws.max_row + 1) for c in (1, 4, 7)}
            for code, value in raw.items():
                r, c = cells[code]
                if isinstance(value, dict):
                    ws.cell(r, c + 1, value["科目名称"])
                    value = value["金额"]
                ws.cell(r, c + 2, float(value))
        else:
            flat = {f"{k}.{sub}" if isinstance(v, dict) else k: x
                    for k, v in raw.items() for sub, x in (v.items() if isinstance(v, dict) else [(None, v)])}
            for r in range(5, ws.max_row + 1):
                a, b = ws.cell(r, 1).value, ws.cell(r, 2).value
                key = f"{a}.{b}" if b else a
                if key in flat:
                    ws.cell(r, 3, float(flat[key]))
                for c in range(2, ws.max_column + 1):  # grids: 预算数/决算数 across
                    if f"{ws.cell(4, c).value}.{a}" in flat:
                        ws.cell(r, c, float(flat[f"{ws.cell(4, c).value}.{a}"]))
    for name in text_sheets.sheetnames:
        if name not in profile.model.data:
            for row in text_sheets[name].iter_rows():
                for cell in row:
                    wb[name][cell.coordinate].value = cell.value
    filled = tmp_path / "填好的录入表.xlsx"
    wb.save(filled)
    return filled


@pytest.mark.parametrize(("example", "kind", "year"), [(EXAMPLE_BUDGET, "预算", 2024), (EXAMPLE_2023, "决算", 2023)],
                         ids=["预算", "决算"])
def test_filled_init_workbook_generates_the_example(example: Path, kind: str, year: int, tmp_path: Path) -> None:
    blank = tmp_path / "录入表.xlsx"
    blank_workbook(kind, year, None, blank)
    filled = _fill(blank, example, tmp_path)
    assert docx_lines(filled, tmp_path / "a") == docx_lines(example, tmp_path / "b")


def test_bad_project_amount_is_located(run, tmp_path: Path) -> None:
    workbook = tmp_path / "录入表.xlsx"
    convert_input(EXAMPLE_BUDGET, workbook)
    wb = openpyxl.load_workbook(workbook)
    ws = wb["项目支出预算表"]
    assert ws["A6"].value == "清远市电子政务云平台网络专线租用服务项目" and ws["F4"].value == "一般公共预算"
    ws["F6"] = "九十九"
    ws["F7"] = " 231.50 "  # numbers as text are fine
    ws.insert_rows(9)  # a blank row between projects is skipped
    wb.save(workbook)
    code, _, err = run("check", workbook)
    assert code == 1
    # said with the example's own warnings (尾数 of 表6), all in one run
    assert [line for line in err.splitlines() if line.startswith("[错误]")] == [
        f"[错误] {workbook} 项目支出预算表!F6：表12 部门预算项目支出及其他支出预算表，"
        "行“清远市电子政务云平台网络专线租用服务项目”，列“一般公共预算”：“九十九”不是数字"]


def test_project_without_name_is_located(run, tmp_path: Path) -> None:
    workbook = tmp_path / "录入表.xlsx"
    convert_input(EXAMPLE_BUDGET, workbook)
    wb = openpyxl.load_workbook(workbook)
    wb["项目支出预算表"]["A8"] = " "
    wb.save(workbook)
    code, _, err = run("check", workbook)
    assert code == 1
    assert [line for line in err.splitlines() if line.startswith("[错误]")] == [
        f"[错误] {workbook} 项目支出预算表!A8：表12 部门预算项目支出及其他支出预算表：第4项缺少“名称”"]
    assert err.splitlines()[-1].startswith("共 1 个错误，")


# -- reading workbooks ----------------------------------------------------------------------------
def test_problems_point_at_sheet_and_cell(run, tmp_path: Path) -> None:
    workbook = tmp_path / "录入表.xlsx"
    convert_input(MINIMAL, workbook)
    wb = openpyxl.load_workbook(workbook)
    ws = wb["收入决算表"]
    assert ws["A6"].value == "2010350"
    ws["D6"] = -5
    wb.save(workbook)
    code, _, err = run("check", workbook)
    assert code == 1
    assert err.splitlines()[0] == (f"[错误] {workbook} 收入决算表!D6：表2 收入决算表，行“2010350 事业运行”，"
                                   "列“财政拨款收入”：金额不能为负数")


def test_not_a_workbook(run, tmp_path: Path) -> None:
    path = tmp_path / "坏.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "不是工作簿")
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [f"[错误] {path}：文件已损坏或不是 Excel 工作簿，无法读取",
                                "    提示：请用 Excel 或 WPS 打开并重新保存为 Excel 工作簿（.xlsx）", TIDY]


def test_truncated_workbook(run, tmp_path: Path) -> None:
    good = tmp_path / "好.xlsx"
    blank_workbook("决算", 2023, None, good)
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(good.read_bytes()[:3000])
    code, _, err = run("check", bad)
    assert code == 1
    assert err.splitlines()[0] == f"[错误] {bad}：这不是 Excel 工作簿（.xlsx）文件，或文件已损坏"


def test_formula_without_cached_value(run, tmp_path: Path) -> None:
    workbook = tmp_path / "录入表.xlsx"
    convert_input(MINIMAL, workbook)
    wb = openpyxl.load_workbook(workbook)
    wb["收入决算表"]["D6"] = "=50+50"  # openpyxl saves no calculated value
    wb.save(workbook)
    code, _, err = run("check", workbook)
    assert code == 1
    assert err.splitlines()[:4] == [
        f"[错误] {workbook} 收入决算表!D6：这个单元格是公式，但文件中没有保存公式的计算结果",
        "    实际：公式 =50+50",
        "    提示：请用 Excel 或 WPS 打开这个文件，保存后再试（程序读取的是保存时的计算结果）", TIDY]


def test_officer_workbook_generates_the_same_document(tmp_path: Path) -> None:
    """A workbook kept the way officers keep them (see make_officer_workbook.py)."""
    assert docx_lines(OFFICER, tmp_path / "a") == docx_lines(EXAMPLE_2023, tmp_path / "b")


def test_officer_workbook_is_reproducible(tmp_path: Path) -> None:
    from tests.fixtures.excel.make_officer_workbook import officer_workbook_bytes

    made = openpyxl.load_workbook(io.BytesIO(officer_workbook_bytes()))
    kept = openpyxl.load_workbook(OFFICER)
    for name in kept.sheetnames:
        assert [[c.value for c in row] for row in made[name].iter_rows()] == \
               [[c.value for c in row] for row in kept[name].iter_rows()], name


# -- tables from a workbook -----------------------------------------------------------------------
def _split(example: Path, tmp_path: Path) -> Path:
    """The example's texts in YAML, its tables in 决算数据.xlsx."""
    workbook = tmp_path / "决算数据.xlsx"
    convert_input(example, workbook)
    tables = set(prepare(example).profile.model.data) | {"上年数", "比上年增减", "年初预算数", "比年初预算增减"}
    text = example.read_text(encoding="utf-8")
    keep = [block for block in _top_blocks(text) if block.split(":")[0] not in tables]
    path = tmp_path / "文字.yaml"
    path.write_text("表格: 决算数据.xlsx\n" + "".join(keep), encoding="utf-8")
    return path


def _top_blocks(text: str) -> list[str]:
    blocks: list[str] = []
    for line in text.splitlines(keepends=True):
        if line[:1] not in (" ", "#", "\n", "") and ":" in line:
            blocks.append(line)
        elif blocks:
            blocks[-1] += line
    return blocks


def test_tables_from_workbook(tmp_path: Path) -> None:
    split = _split(EXAMPLE_2023, tmp_path)
    assert docx_lines(split, tmp_path / "a") == docx_lines(EXAMPLE_2023, tmp_path / "b")


def test_tables_in_both_places(run, tmp_path: Path) -> None:
    split = _split(MINIMAL, tmp_path)
    split.write_text(split.read_text(encoding="utf-8") + "收入决算表:\n  '2010350': {财政拨款收入: 100}\n",
                     encoding="utf-8")
    code, _, err = run("check", split)
    assert code == 1
    lines = err.splitlines()
    assert lines[0].endswith("：“收入决算表”既写在本文件中，又在“表格”指定的工作簿中")
    assert lines[1] == f"    提示：工作簿中的位置：{tmp_path / '决算数据.xlsx'} 收入决算表!A1；请只保留一处"


# -- last year's file -----------------------------------------------------------------------------
def _without_changes(tmp_path: Path, key: str | None) -> Path:
    text = EXAMPLE_2023.read_text(encoding="utf-8")
    start, end = text.index("比上年增减:"), text.index("比年初预算增减:")
    text = text[:start] + text[end:]
    if key:
        text = text.replace("金额单位: 万元\n", f"金额单位: 万元\n上年文件: {key}\n", 1)
    path = tmp_path / "本年.yaml"
    path.write_text(text, encoding="utf-8")
    shutil.copy(EXAMPLE_2022, tmp_path / "去年.yaml")
    return path


def test_prev_option_gives_the_same_narrative(tmp_path: Path) -> None:
    this_year = _without_changes(tmp_path, None)
    expected = docx_lines(EXAMPLE_2023, tmp_path / "a")
    assert docx_lines(this_year, tmp_path / "b", prev=tmp_path / "去年.yaml") == expected


def test_prev_key_and_carry_over(tmp_path: Path) -> None:
    this_year = _without_changes(tmp_path, "去年.yaml")
    text = this_year.read_text(encoding="utf-8")
    start, end = text.index("  主要职责:"), text.index("  单位构成:")
    this_year.write_text(text[:start] + text[end:], encoding="utf-8")  # 职责 and 机构设置 from last year
    assert docx_lines(this_year, tmp_path / "b") == docx_lines(EXAMPLE_2023, tmp_path / "a")


def test_prev_without_figures_is_missing(run, tmp_path: Path) -> None:
    this_year = _without_changes(tmp_path, None)
    code, _, err = run("check", this_year)
    assert code == 1 and "情况说明需要上年数“一般公共预算财政拨款收入”，但输入中没有" in err
    code, _, err = run("check", this_year, "--prev", tmp_path / "去年.yaml")
    assert code == 0


def test_prev_carryover_mismatch_is_a_warning(run, tmp_path: Path) -> None:
    this_year = _without_changes(tmp_path, None)
    last = tmp_path / "去年.yaml"
    last.write_text(last.read_text(encoding="utf-8").replace("年初结转和结余: 5.67", "年初结转和结余: 6.67")
                    .replace("一般公共预算财政拨款: 5.67", "一般公共预算财政拨款: 6.67")
                    .replace("年末结转和结余: 5.53", "年末结转和结余: 6.53"), encoding="utf-8")  # its control total
    code, _, err = run("check", this_year, "--prev", last)
    assert code == 0
    assert (f"[警告] {this_year} 第36行第3列：表1 收入支出决算总表：本年“年初结转和结余”与上年文件的“年末结转和结余”不一致\n"
            "    应为：上年年末结转和结余 6.53万元\n    实际：5.53万元\n    差额：-1万元") in err


def test_init_and_convert_workbooks_are_byte_identical(tmp_path: Path) -> None:
    """Principle 5 holds for the input workbook too: dates come from the year, never the clock."""
    import time

    from generator.convert import blank_workbook, convert_input

    example = Path(__file__).resolve().parent.parent / "data/examples/清远市清城区大数据中心-2023-决算.yaml"
    made = []
    for n in range(2):
        blank = tmp_path / f"blank{n}.xlsx"
        converted = tmp_path / f"converted{n}.xlsx"
        blank_workbook("决算", 2023, None, blank)
        convert_input(example, converted)
        made.append((blank.read_bytes(), converted.read_bytes()))
        time.sleep(1.1)  # zip timestamps have 2-second resolution; cross a boundary at least sometimes
    assert made[0] == made[1]
