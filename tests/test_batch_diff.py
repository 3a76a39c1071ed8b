"""Batch runs (process pool, summary, 汇总.xlsx), what changed on a rerun, `gen-report diff`."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from generator.diff import Change, Content, compare
from generator.readback.content import ReadTable

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_2020 = ROOT / "data/examples/清远市政务服务数据管理局-2020-决算.yaml"
EXAMPLE_2023 = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"
BROKEN = ROOT / "tests/fixtures/bad/identity-broken.yaml"


def _edited(tmp_path: Path) -> Path:
    text = EXAMPLE_2023.read_text(encoding="utf-8")
    text = text.replace("二是本年度内有人员调入", "二是本年度内有两名人员调入")
    path = tmp_path / "改正后.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_batch_continues_past_a_failure_and_summarises(run, tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    for source in (EXAMPLE_2020, EXAMPLE_2023, BROKEN):
        shutil.copy(source, folder)
    code, out, err = run("batch", folder, "-j", "2", "-o", tmp_path / "out")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "部门\t状态\t警告数\t错误数\t文件"
    assert lines[-1] == f"共 3 个部门：成功 2 个，失败 1 个。汇总表：{tmp_path / 'out' / '汇总.xlsx'}"
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:-1]}
    assert rows["清远市政务服务数据管理局"][1:4] == ["成功", "8", "0"]
    assert rows["清远市政务服务数据管理局"][4] == ("清远市政务服务数据管理局2020年度部门决算.docx、"
                                                   "清远市政务服务数据管理局2020年度部门决算.xlsx")
    failed = [r for r in rows.values() if r[1] == "失败"]
    assert len(failed) == 1 and failed[0][4] == "-" and int(failed[0][3]) >= 1
    assert "[3/3]" in err and "identity-broken.yaml" in err
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(written) == 5 and "汇总.xlsx" in written
    wb = load_workbook(tmp_path / "out" / "汇总.xlsx")
    assert wb.sheetnames == ["决算", "未生成"]  # the broken input never got as far as its kind
    ws = wb["决算"]
    assert ws["A1"].value == "2020、2023年度部门决算汇总"
    header = [c.value for c in ws[2]]
    # the profile's 汇总列, named as the documents name them
    assert header[:9] == ["部门", "年度", "状态", "警告数", "错误数", "总收入（万元）", "本年收入（万元）",
                          "总支出（万元）", "本年支出（万元）"]
    by_name = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    row = by_name["清远市政务服务数据管理局"]
    assert row[2] == "成功"
    # 总收入 is the document's 总收入 (收入总计), larger than 本年收入
    assert Decimal(str(row[header.index("总收入（万元）")])) == Decimal("3604.17")
    assert Decimal(str(row[header.index("本年收入（万元）")])) == Decimal("3591.33")
    assert Decimal(str(row[header.index("本年支出（万元）")])) == Decimal("3592.88")
    assert row[header.index("“三公”经费决算（万元）")] is not None
    total = by_name["合计（2 个部门）"]
    other = by_name["清远市清城区大数据中心"]
    for column in ("总收入（万元）", "本年支出（万元）"):
        i = header.index(column)
        assert Decimal(str(total[i])) == Decimal(str(row[i])) + Decimal(str(other[i]))
    # prints one page wide, landscape, the title and header rows on every page
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$2"


def test_summary_has_one_sheet_per_kind_with_its_own_columns(run, tmp_path: Path) -> None:
    budget = ROOT / "data/examples/清远市政务服务中心-2024-预算.yaml"
    code, _, err = run("batch", EXAMPLE_2023, budget, "-j", "1", "-o", tmp_path)
    assert code == 0, err
    wb = load_workbook(tmp_path / "汇总.xlsx")
    assert wb.sheetnames == ["决算", "预算"]
    final, plan = ([c.value for c in wb[k][2]] for k in ("决算", "预算"))
    assert "总收入（万元）" in final and "收入总计（万元）" in plan and "总收入（万元）" not in plan
    rows = list(wb["预算"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["清远市政务服务中心", "合计（1 个部门）"]
    assert Decimal(str(rows[0][plan.index("收入总计（万元）")])) == Decimal("2411.64")


def test_summary_cells_are_styled_by_their_role() -> None:
    """Boxed from the header row down; the header bold and centred, amounts with two decimals,
    the 合计 row bold; a department's own cells plain (the styles are set once per kind of cell
    and copied: every cell must still carry its own)."""
    import io

    from generator.batch import DepartmentResult, summary_workbook

    results = [DepartmentResult(input=f"部门{i}.yaml", department=f"单位{i}", ok=i != 1, kind="决算", year=2023,
                                figures={"总收入": Decimal(i * 12345), "本年收入": None if i == 2 else Decimal(7)})
               for i in range(4)]
    ws = load_workbook(io.BytesIO(summary_workbook(results)))["决算"]
    assert ws["A1"].font.b and ws["A1"].border.top.style is None
    rows = list(ws.iter_rows(min_row=2))
    assert [c.value for c in rows[-1]][:1] == ["合计（3 个部门）"]
    for r, row in enumerate(rows):
        for cell in row:
            assert cell.border.top.style == cell.border.left.style == "thin"
            assert cell.font.b == (r in (0, len(rows) - 1)), cell.coordinate
            assert (cell.alignment.horizontal == "center") == (r == 0)
            amount = cell.column in (6, 7) and r > 0
            assert cell.number_format == ("#,##0.00" if amount else "General"), cell.coordinate


def test_batch_of_files_all_good_exits_zero(run, tmp_path: Path) -> None:
    code, out, _ = run("batch", EXAMPLE_2020, EXAMPLE_2023, "-j", "1", "-o", tmp_path)
    assert code == 0
    assert out.splitlines()[-1].startswith("共 2 个部门：成功 2 个，失败 0 个。")


def test_batch_missing_input_is_a_usage_problem(run, tmp_path: Path) -> None:
    code, _, err = run("batch", tmp_path / "没有.yaml", "-o", tmp_path)
    assert code == 1
    assert "找不到输入文件或文件夹" in err


def test_rerun_prints_what_changed(run, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out, _ = run(EXAMPLE_2023, "-o", out_dir)
    assert code == 0 and "相比" not in out
    code, out, _ = run(EXAMPLE_2023, "-o", out_dir)
    assert out.splitlines()[0] == "与上次生成的文件相比，内容没有变化。"
    code, out, _ = run(_edited(tmp_path), "-o", out_dir)
    assert code == 0
    assert out.splitlines()[:2] == [
        "与上次生成的文件相比，有 0 处表格数据、1 处文字发生变化：",
        "  文字（（二）年度支出总体情况）：二是本年度内有人员调入，发放的工资、相关补贴增加。 → "
        "二是本年度内有两名人员调入，发放的工资、相关补贴增加。",
    ]


def test_diff_command_between_two_inputs(run, tmp_path: Path) -> None:
    code, out, _ = run("diff", EXAMPLE_2023, _edited(tmp_path))
    assert code == 0
    assert out.splitlines()[0].endswith("相比，有 0 处表格数据、1 处文字发生变化：")
    assert not list(tmp_path.glob("*.docx"))


def test_table_cells_are_reported_by_table_row_and_column() -> None:
    header = ["项目", "决算数"]
    old = Content([ReadTable(0, "表1 收入支出决算总表", 1, [header, ["一般公共预算财政拨款收入", "1.00"],
                                                       ["事业收入", "2.00"]])], ["本年收入3万元。"], ["一、收入"])
    new = Content([ReadTable(0, "表1 收入支出决算总表", 1, [header, ["一般公共预算财政拨款收入", "1.50"],
                                                       ["事业收入", "2.00"], ["其他收入", "0.50"]])],
                  ["本年收入4万元。"], ["一、收入"])
    assert [c.render() for c in compare(old, new)] == [
        "表1 收入支出决算总表，行“一般公共预算财政拨款收入”，列“决算数”：1.00 → 1.50",
        "表1 收入支出决算总表，行“其他收入”，列“（整行）”：（无） → 其他收入 | 0.50",
        "文字（一、收入）：本年收入3万元。 → 本年收入4万元。",
    ]
    assert compare(old, old) == []
    assert Change("文字", "a", "b").as_dict() == {"kind": "文字", "old": "a", "new": "b"}


def _two_panel(income: str, spend: str, total: str) -> ReadTable:
    """Like 表1 (收入 | 支出, each with 项目/行次/决算数) with a merged 合计 label in 表2's manner."""
    return ReadTable(0, "表1 收入支出决算总表", 2, [
        ["收入", "收入", "收入", "支出", "支出", "支出"],
        ["项目", "行次", "决算数", "项目", "行次", "决算数"],
        ["一、一般公共预算财政拨款收入", "1", income, "一、一般公共服务支出", "31", spend],
        ["其他社会保障缴费", "2", "0.00", "差旅费", "32", "1.00"],
        ["总计", "3", total, "总计", "33", total],
    ])


def test_two_panel_rows_are_labelled_per_panel_and_columns_by_their_header() -> None:
    old = Content([_two_panel("855.46", "249.76", "863.53")], [])
    new = Content([_two_panel("855.47", "249.77", "863.54")], [])
    assert [c.render() for c in compare(old, new)] == [
        "表1 收入支出决算总表，行“一、一般公共预算财政拨款收入”，列“收入 / 决算数”：855.46 → 855.47",
        "表1 收入支出决算总表，行“一、一般公共服务支出”，列“支出 / 决算数”：249.76 → 249.77",
        "表1 收入支出决算总表，行“总计”，列“收入 / 决算数”：863.53 → 863.54",
        "表1 收入支出决算总表，行“总计”，列“支出 / 决算数”：863.53 → 863.54",
    ]


def test_codes_and_merged_totals_and_rows_without_labels() -> None:
    def t2(total: str, detail: str) -> ReadTable:
        return ReadTable(1, "表2 收入决算表", 2, [
            ["项目", "项目", "本年收入合计", "财政拨款收入"],
            ["科目编码", "科目名称", "本年收入合计", "财政拨款收入"],
            ["合计", "合计", total, total],
            ["2010350", "事业运行", detail, detail],
        ])

    def t9(amount: str) -> ReadTable:
        return ReadTable(8, "表9 财政拨款“三公”经费支出决算表", 2, [
            ["预算数", "预算数", "决算数", "决算数"],
            ["合计", "公务接待费", "合计", "公务接待费"],
            ["0.40", "0.00", amount, "0.00"],
        ])

    changes = compare(Content([t2("1.00", "1.00"), t9("0.30")], []),
                      Content([t2("2.00", "2.00"), t9("0.35")], []))
    assert [c.render() for c in changes] == [
        "表2 收入决算表，行“合计”，列“本年收入合计”：1.00 → 2.00",
        "表2 收入决算表，行“合计”，列“财政拨款收入”：1.00 → 2.00",
        "表2 收入决算表，行“2010350 事业运行”，列“本年收入合计”：1.00 → 2.00",
        "表2 收入决算表，行“2010350 事业运行”，列“财政拨款收入”：1.00 → 2.00",
        "表9 财政拨款“三公”经费支出决算表，行“第1行”，列“决算数 / 合计”：0.30 → 0.35",
    ]
