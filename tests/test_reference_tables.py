"""The two 决算 examples reproduce their reference documents' 第二部分 cell for cell.

Expected rows live in tests/golden/reference_00{0,1}_rows.txt, transcribed from the
reference texts (/work/shared/reference), not from the example inputs, so these tests
cross-check the transcription in data/examples/. Each golden line is one printed table row:
its cells in order with empty cells left out. A rendered row is matched to a golden row by
its first printed cell (the code, the label, or the 行次 where the label is blank) and must
print exactly the same cells in the same order: same codes, names, labels, 行次 and amounts,
formatted the same way ("2,627.63", "0.00"). Since every amount column of a row is filled,
the order pins each amount to its column; in the two-sided tables the 行次 (表1, 表4) or the
economic code (表6) pins it to its side.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.build import prepare, render
from generator.document import Table
from generator.options import RunOptions

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = {
    "000": ROOT / "data" / "examples" / "清远市政务服务数据管理局-2020-决算.yaml",
    "001": ROOT / "data" / "examples" / "清远市清城区大数据中心-2023-决算.yaml",
}

TITLES = {
    "000": [
        ("表1", "收入支出决算总表"),
        ("表2", "收入决算表"),
        ("表3", "支出决算表"),
        ("表4", "财政拨款收入支出决算总表"),
        ("表5", "一般公共预算财政拨款支出决算表"),
        ("表6", "一般公共预算财政拨款基本支出决算表"),
        ("表7", "一般公共预算财政拨款“三公”经费支出决算表"),
        ("表8", "政府性基金预算财政拨款收入支出决算表"),
        ("表9", "国有资本经营预算财政拨款支出决算表"),
    ],
    "001": [
        ("表1", "收入支出决算总表"),
        ("表2", "收入决算表"),
        ("表3", "支出决算表"),
        ("表4", "财政拨款收入支出决算总表"),
        ("表5", "一般公共预算财政拨款支出决算表"),
        ("表6", "一般公共预算财政拨款基本支出决算明细表"),
        ("表7", "政府性基金预算财政拨款收入支出决算表"),
        ("表8", "国有资本经营预算财政拨款支出决算表"),
        ("表9", "财政拨款“三公”经费支出决算表"),
    ],
}

# The 栏次 row each table prints first ("栏    次" in 000 is spacing only); None: no 栏次 row.
_SANGONG = " ".join(str(i) for i in range(1, 13))
COLUMN_NUMBERS = {
    "000": {"表1": "栏次 1 栏次 2", "表2": "栏次 1 2 3 4 5 6 7", "表3": "栏次 1 2 3 4 5 6",
            "表4": "栏次 1 栏次 2 3 4 5", "表5": "栏次 1 2 3", "表6": None, "表7": _SANGONG,
            "表8": "栏次 1 2 3 4 5 6", "表9": "栏次 1 2 3"},
    "001": {"表1": "栏次 1 栏次 2", "表2": "栏次 1 2 3 4 5 6 7", "表3": "栏次 1 2 3 4 5 6",
            "表4": "栏次 1 栏次 2 3 4 5", "表5": "栏次 1 2 3", "表6": None, "表7": "栏次 1 2 3 4 5 6",
            "表8": "栏次 1 2 3", "表9": _SANGONG},
}

# 行次 printed down each side of the two-sided tables (000's 表4 corrected: it prints 55 twice).
LINE_NUMBERS = {
    "表1": (list(range(1, 31)), list(range(31, 61))),
    "表4": (list(range(1, 33)), list(range(33, 65))),
}

# 尾数 cells: the stated totals 000's example names in its comments, as (table, row, column).
# 表2 合计 本年收入合计 follows from the stated 财政拨款收入 (3,591.25 + 0.08 = 3,591.33, which the
# reference prints) while its 类 add up to 3,591.32.
WARNED_000 = {
    ("表2 收入决算表", "合计", "财政拨款收入"),
    # 表2 合计 本年收入合计 moves only because 财政拨款收入 is stated: one mistake, one problem
    ("表3 支出决算表", "合计", "本年支出合计"),
    ("表3 支出决算表", "合计", "基本支出"),
    ("表5 一般公共预算财政拨款支出决算表", "合计", "本年支出合计"),
    ("表5 一般公共预算财政拨款支出决算表", "合计", "基本支出"),
    ("表6 一般公共预算财政拨款基本支出决算表", "301 工资福利支出", "金额"),
    ("表6 一般公共预算财政拨款基本支出决算表", "303 对个人和家庭的补助", "金额"),
    ("表6 一般公共预算财政拨款基本支出决算表", "人员经费合计", "金额"),
}
WARNED_001 = {
    ("表3 支出决算表", "合计", "本年支出合计"),
    ("表3 支出决算表", "合计", "基本支出"),
    ("表5 一般公共预算财政拨款支出决算表", "合计", "本年支出合计"),
    ("表5 一般公共预算财政拨款支出决算表", "合计", "基本支出"),
    ("表6 一般公共预算财政拨款基本支出决算明细表", "301 工资福利支出", "金额"),
    ("表6 一般公共预算财政拨款基本支出决算明细表", "302 商品和服务支出", "金额"),
}


def golden_rows(ref: str) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for line in (GOLDEN / f"reference_{ref}_rows.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        table, cells = line.split("\t")
        out.setdefault(table, []).append(cells.split())
    return out


_CACHE: dict[str, tuple] = {}


def built(ref: str):
    if ref not in _CACHE:
        prepared = prepare(EXAMPLES[ref])
        _CACHE[ref] = (prepared, render(prepared))
    return _CACHE[ref]


def tables(ref: str) -> dict[str, Table]:
    return {t.number: t for t in built(ref)[1].tables()}


def printed(row) -> list[str]:
    return [c.text for c in row if c.text != ""]


def body_rows(table: Table, ref: str) -> list:
    rows = list(table.rows)
    if COLUMN_NUMBERS[ref][table.number] is not None:
        rows = rows[1:]
    return rows


@pytest.mark.parametrize("ref", ["000", "001"])
def test_table_numbers_and_titles(ref: str) -> None:
    assert [(t.number, t.title) for t in built(ref)[1].tables()] == TITLES[ref]


@pytest.mark.parametrize("ref", ["000", "001"])
def test_column_number_rows(ref: str) -> None:
    for number, table in tables(ref).items():
        expected = COLUMN_NUMBERS[ref][number]
        first = " ".join(printed(table.rows[0]))
        if expected is None:
            assert "栏次" not in first, number
        else:
            assert first == expected, number


@pytest.mark.parametrize("ref", ["000", "001"])
def test_line_numbers(ref: str) -> None:
    for number, (left, right) in LINE_NUMBERS.items():
        table = tables(ref)[number]
        columns = [i for i, h in enumerate(table.header) if h.text == "行次"]
        cols = sorted(table.header[i].col for i in columns)
        assert len(cols) == 2, number
        body = body_rows(table, ref)
        assert [int(r[cols[0]].text) for r in body] == left, number
        assert [int(r[cols[1]].text) for r in body] == right, number


@pytest.mark.parametrize("ref", ["000", "001"])
def test_every_reference_row_printed_alike(ref: str) -> None:
    expected = golden_rows(ref)
    rendered = tables(ref)
    assert sorted(expected) == sorted(rendered)
    for number, rows in expected.items():
        by_key: dict[str, list[str]] = {}
        for row in body_rows(rendered[number], ref):
            cells = printed(row)
            assert cells, f"{number}: empty row"
            assert cells[0] not in by_key, f"{number}: two rows start with {cells[0]}"
            by_key[cells[0]] = cells
        golden_keys = [r[0] for r in rows]
        assert len(set(golden_keys)) == len(golden_keys), number
        for row in rows:
            assert row[0] in by_key, f"{number}: no row {row[0]}"
            assert by_key[row[0]] == row, f"{number} row {row[0]}"
        # …and the document prints no row the reference does not.
        assert sorted(by_key) == sorted(golden_keys), number


def test_001_empty_fund_tables_say_so() -> None:
    t = tables("001")
    for number in ("表7", "表8"):
        assert t[number].empty
        assert t[number].notes[-1] == "本表本年度无发生额。"
        assert len(t[number].notes) == 2
    for number in ("表1", "表2", "表3", "表4", "表5", "表6", "表9"):
        assert not t[number].empty
        assert "本表本年度无发生额。" not in t[number].notes


def test_001_indented_opening_balance_lines() -> None:
    table = tables("001")["表4"]
    labels = {r[0].text: r[0] for r in table.rows}
    for label in ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"):
        assert labels[label].indent == 1
    assert labels["年初财政拨款结转和结余"].indent == 0


@pytest.mark.parametrize("ref,warned", [("000", WARNED_000), ("001", WARNED_001)])
def test_check_warns_only_on_tail_differences(ref: str, warned: set) -> None:
    problems = built(ref)[0].problems
    assert [p for p in problems if p.severity == "错误"] == []
    assert {(p.table, p.row, p.column) for p in problems} == warned
    assert all("尾数" in p.hint for p in problems)


def test_001_document_parts() -> None:
    doc = built("001")[1]
    assert [p.heading for p in doc.parts] == [
        "第一部分：清远市清城区大数据中心概况",
        "第二部分：清远市清城区大数据中心2023年度部门决算表",
        "第三部分：清远市清城区大数据中心2023年度部门决算情况说明",
        "第四部分：名词解释",
    ]
    overview = doc.part("概况").blocks
    headings = [(b.level, b.text) for b in overview if type(b).__name__ == "Heading"]
    assert headings == [(1, "一、部门主要职责"), (1, "二、部门机构设置"), (2, "（一）办公室"),
                        (2, "（二）网络规划和数据管理股"), (2, "（三）网络运维股"), (1, "三、部门决算单位构成")]
    duties = [b.text for b in overview if type(b).__name__ == "Paragraph"][:9]
    assert [d[: d.index("）") + 1] for d in duties] == [f"（{n}）" for n in "一二三四五六七八九"]
    narrative = [b.text for b in doc.part("情况说明").blocks
                 if type(b).__name__ == "Heading" and b.level == 1]
    assert narrative == ["一、2023年度收入支出决算总体情况说明", "二、2023年度财政拨款收入支出总表说明",
                         "三、2023年度财政拨款“三公”经费支出决算情况说明", "四、其他重要事项的情况说明"]


def test_chinese_ordinal_filter() -> None:
    from generator.text import environment

    env = environment(ROOT / "templates")
    out = env.from_string("{% for i in range(1, 13) %}{{ i | 中文序号 }}{% endfor %}").render()
    assert out == "（一）（二）（三）（四）（五）（六）（七）（八）（九）（十）（十一）（十二）"


@pytest.mark.parametrize("ref", ["000", "001"])
def test_workbook_holds_the_same_amounts(ref: str, tmp_path: Path) -> None:
    from generator.readback.xlsx import xlsx_sheet_values
    from generator.writers.xlsx import xlsx_bytes

    doc = built(ref)[1]
    path = tmp_path / "out.xlsx"
    path.write_bytes(xlsx_bytes(doc))
    for table in doc.tables():
        expected = sorted(c.value for r in table.rows for c in r if c.value is not None)
        values = xlsx_sheet_values(path, table.number)
        numbers = sorted(Decimal(str(v)).quantize(Decimal("0.01")) for row in values for v in row
                         if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool))
        assert numbers == expected, table.number


@pytest.mark.parametrize("ref", ["000", "001"])
def test_docx_prints_every_reference_row(ref: str, tmp_path: Path) -> None:
    """The same row-by-row comparison, read back from the written Word file."""
    from generator.build import build_report
    from generator.readback.docx import docx_tables

    result = build_report(EXAMPLES[ref], RunOptions(out_dir=tmp_path))
    docx = next(p for p in result.outputs if p.suffix == ".docx")
    word_tables = docx_tables(docx)
    rendered = tables(ref)
    assert len(word_tables) == len(rendered)
    expected = golden_rows(ref)
    for (number, table), rows in zip(rendered.items(), word_tables, strict=True):
        skip = table.header_rows + (0 if COLUMN_NUMBERS[ref][number] is None else 1)
        by_key = {cells[0]: cells for cells in ([c for c in r if c != ""] for r in rows[skip:]) if cells}
        for row in expected[number]:
            assert by_key.get(row[0]) == row, f"{number} row {row[0]}"


_T2 = ["项目", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入",
       "其他收入", "功能分类科目编码", "科目名称"]
_T3 = ["项目", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出",
       "功能分类科目编码", "科目名称"]
_FUNDS = ["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
_FUND_TABLE = ["项目", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余", "功能分类科目编码", "科目名称",
               "小计", "基本支出", "项目支出"]
_CAPITAL_TABLE = ["项目", "本年支出", "功能分类科目编码", "科目名称", "小计", "基本支出", "项目支出"]


def _sangong(car: str, running: str) -> list[str]:
    group = ["合计", "因公出国（境）费", car, "公务接待费"]
    return ["预算数", "决算数", *group, *group, *(["小计", "公务用车购置费", running] * 2)]


# Header labels in grid order (top row left to right, then the next row), from the references.
HEADERS = {
    "000": {
        "表1": ["收入", "支出", "项目", "行次", "决算数", "项目", "行次", "决算数"],
        "表2": _T2, "表3": _T3,
        "表4": ["收入", "支出", "项目", "行次", "金额", "项目", "行次", "合计", *_FUNDS],
        "表5": ["项目", "本年支出合计", "基本支出", "项目支出", "功能分类科目编码", "科目名称"],
        "表6": ["人员经费", "公用经费", *(["经济分类科目编码", "科目名称", "金额"] * 2)],
        "表7": _sangong("公务用车购置及运行费", "公务用车运行费"),
        "表8": _FUND_TABLE, "表9": _CAPITAL_TABLE,
    },
}
HEADERS["001"] = {**HEADERS["000"], "表7": _FUND_TABLE, "表8": _CAPITAL_TABLE,
                  "表9": _sangong("公务用车购置及运行维护费", "公务用车运行维护费")}


@pytest.mark.parametrize("ref", ["000", "001"])
def test_column_labels_as_in_the_reference(ref: str) -> None:
    for number, table in tables(ref).items():
        assert [h.text for h in table.header] == HEADERS[ref][number], number
