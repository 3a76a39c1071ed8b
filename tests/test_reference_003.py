"""The 部门预算 example reproduces reference 003 (清远市政务服务中心 2024 部门预算).

Expected rows live in tests/golden/reference_003_rows.txt, transcribed from the reference text,
not from the example input (format as tests/golden/reference_00{0,1}_rows.txt). Every row is
compared in the Document, in the written .docx and, as numbers, in the .xlsx sheet of its table.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.build import build_report, prepare, render
from generator.document import Paragraph, Table
from generator.errors import UserError
from generator.options import RunOptions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "清远市政务服务中心-2024-预算.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "reference_003_rows.txt"
TITLES = [
    "收支总体情况表", "收入总体情况表", "支出总体情况表", "财政拨款收支总体情况表",
    "一般公共预算支出情况表（按功能分类科目）", "一般公共预算基本支出情况表（按经济分类科目）",
    "一般公共预算项目支出情况表（按经济分类科目）", "财政拨款安排的行政经费及“三公”经费预算表",
    "政府性基金预算支出情况表", "国有资本经营预算支出情况表", "部门预算基本支出预算表",
    "部门预算项目支出及其他支出预算表",
]
TEXT = EXAMPLE.read_text(encoding="utf-8")


def golden_rows() -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            table, cells = line.split("\t")
            out.setdefault(table, []).append(cells.split())
    return out


_DOC: list = []


def document():
    if not _DOC:
        _DOC.append(render(prepare(EXAMPLE)))
    return _DOC[0]


def tables() -> dict[str, Table]:
    return {t.number: t for t in document().tables() if t.number}


def _by_first_cell(rows: list[list[str]], number: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cells in rows:
        if cells:
            assert cells[0] not in out, f"{number}: two rows start with {cells[0]}"
            out[cells[0]] = cells
    return out


def test_titles_headings_and_labels() -> None:
    doc = document()
    assert [(t.number, t.title) for t in tables().values()] == [(f"表{i}", t) for i, t in enumerate(TITLES, 1)]
    assert [p.heading for p in doc.parts] == [
        "第一部分 清远市政务服务中心概况", "第二部分 2024年部门预算表",
        "第三部分 2024年部门预算情况说明", "第四部分 名词解释"]
    for t in tables().values():
        assert t.org_label == "单位名称：清远市政务服务中心"
        assert t.unit_label == "单位：万元"
    assert tables()["表9"].notes == ("注：本表本年无发生额。",)
    assert tables()["表6"].notes == ("注：本套报表金额单位转换时可能存在尾数误差。",)
    glossary = doc.part("名词解释").blocks
    assert glossary[0].term == "一、财政拨款收入" and glossary[-1].term == "十、“三公”经费"


def test_every_reference_row_printed_alike() -> None:
    expected = golden_rows()
    rendered = tables()
    assert sorted(expected) == sorted(rendered)
    for number, rows in expected.items():
        by_key = _by_first_cell([[c.text for c in r if c.text] for r in rendered[number].rows], number)
        for row in rows:
            assert by_key.get(row[0]) == row, f"{number} row {row[0]}"
        assert sorted(by_key) == sorted(r[0] for r in rows), number


def test_indentation_by_level() -> None:
    t5 = {r[0].text: r[0].indent for r in tables()["表5"].rows}
    assert (t5["[201]一般公共服务支出"], t5["[20103]政府办公厅（室）及相关机构事务"], t5["[2010350]事业运行"]) == (0, 1, 2)
    t12 = {r[0].text: r[0].indent for r in tables()["表12"].rows}
    assert (t12["清远市政务服务中心"], t12["经营运作成本"]) == (0, 2)


def test_written_files_hold_every_reference_row(tmp_path: Path) -> None:
    from generator.readback.docx import docx_tables
    from generator.readback.xlsx import xlsx_sheet_values

    outputs = {p.suffix: p for p in build_report(EXAMPLE, RunOptions(out_dir=tmp_path)).outputs}
    word = docx_tables(outputs[".docx"])
    rendered = tables()
    assert len(word) == len(rendered) + 1  # + the 重点项目 table in 第三部分
    expected = golden_rows()
    for (number, table), rows in zip(rendered.items(), word, strict=False):
        by_key = _by_first_cell([[c for c in r if c] for r in rows[table.header_rows:]], number)
        for row in expected[number]:
            assert by_key.get(row[0]) == row, f"{number} row {row[0]}"
        values = xlsx_sheet_values(outputs[".xlsx"], number)
        numbers = sorted(Decimal(str(v)).quantize(Decimal("0.01")) for r in values for v in r
                         if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool))
        wanted = sorted(Decimal(c.replace(",", "")) for row in expected[number] for c in row
                        if c.replace(",", "").replace(".", "").isdigit() and "." in c)
        assert numbers == wanted, number
    assert word[-1][1:] == [["无", "0", "无"]]


def test_narrative_states_the_reference_figures() -> None:
    text = "\n".join(b.text for b in document().part("情况说明").blocks if isinstance(b, Paragraph))
    for sentence in [
        "2024年本部门收入预算2,411.64万元，比上年增加24.16万元，增长1.01%，主要原因是一般公共预算中基本工资",
        "；支出预算2,411.64万元，比上年增加24.16万元，增长1.01%，主要原因是",
        "2024年本部门财政拨款安排“三公”经费6.6万元",
        "因公出国（境）费0万元", "公务用车购置及运行维护费3.6万元", "公务用车购置费0万元",
        "公务用车运行维护费3.6万元", "公务接待费3万元",
        "2024年，本部门机关运行经费安排0万元，与上年持平，主要原因是本部门为非参照公务员法管理的事业单位",
        "2024年本部门政府采购安排141.6万元，其中：货物类采购预算119.5万元，工程类采购预算0万元，服务类采购预算22.1万元",
        "截至2024年2月19日，本部门固定资产金额968.31万元，分布构成情况为：房屋0平方米，车辆1辆，单价在100万元以上的设备0台",
        "本年度拟购置固定资产54.5万元，主要是新增及更新购置政务大厅",
        "2024年，本部门重点项目绩效目标情况如下：",
    ]:
        assert sentence in text, sentence
    assert "增增加" not in text
    key = next(b for b in document().part("情况说明").blocks if isinstance(b, Table))
    assert key.title == "重点项目预算绩效目标表" and key.notes == ("注：本年度无重点项目。",)


def _mutated(tmp_path: Path, old: str, new: str) -> Path:
    assert TEXT.count(old) == 1, old
    path = tmp_path / "in.yaml"
    path.write_text(TEXT.replace(old, new), encoding="utf-8")
    return path


# Each budget identity, corrupted alone: (edit, problem code, table, row, column)
IDENTITIES = {
    "收入总计 = 支出总计": (("'2010350': {一般公共预算: 1340.91}", "'2010350': {一般公共预算: 1350.91}"),
                      "condition", "收入总计等于支出总计"),
    "row 合计 = 基本 + 项目 (表3)": (("'2080502': {基本支出: 48.83}\n  '2080505': {基本支出: 138.48}\n  '2080506': {基本支出: 69.24}\n  '2101102': {基本支出: 44.57}\n  '2210201': {基本支出: 168.11}\n\n# 表1",
                                   "'2080502': {基本支出: 48.83, 合计: 50.00}\n  '2080505': {基本支出: 138.48}\n  '2080506': {基本支出: 69.24}\n  '2101102': {基本支出: 44.57}\n  '2210201': {基本支出: 168.11}\n\n# 表1"),
                                  "identity", "表3 支出总体情况表"),
    "类 = Σ 款 (表5)": (("'2210201': {基本支出: 168.11}\n\n# 表6", "'2210201': {基本支出: 168.11}\n  '221': {基本支出: 170.00}\n\n# 表6"),
                     "identity", "表5 一般公共预算支出情况表（按功能分类科目）"),
    "表4 一般公共预算 = 表5": (("'2010399': {项目支出: 601.50}\n  '2080502': {基本支出: 48.83}\n  '2080505': {基本支出: 138.48}\n  '2080506': {基本支出: 69.24}\n  '2101102': {基本支出: 44.57}\n  '2210201': {基本支出: 168.11}\n\n# 表6",
                           "'2010399': {项目支出: 611.50}\n  '2080502': {基本支出: 48.83}\n  '2080505': {基本支出: 138.48}\n  '2080506': {基本支出: 69.24}\n  '2101102': {基本支出: 44.57}\n  '2210201': {基本支出: 168.11}\n\n# 表6"),
                          "condition", "表4一般公共预算收入等于表5一般公共预算支出"),
    "表6 合计 = 表5 基本支出": (("  '30302': 48.83", "  '30302': 58.83"), "condition", "表6合计等于表5基本支出"),
    "表7 = 表12": (("    一般公共预算: 121.00", "    一般公共预算: 131.00"), "condition", "表7合计等于表12各项目一般公共预算之和"),
    "表11 = 表6 by category": (("# 表12 部门预算项目", "基本支出预算表:\n  工资和福利支出:\n    一般公共预算: 1700\n\n# 表12 部门预算项目"),
                               "identity", "表11 部门预算基本支出预算表"),
    "三公 小计": (("  公务接待费:\n    一般公共预算: 3.00", "  公务接待费:\n    一般公共预算: 3.00\n  公务用车购置及运行维护费:\n    一般公共预算: 4.00"),
                "identity", "表8 财政拨款安排的行政经费及“三公”经费预算表"),
    "三公 合计": (("  公务接待费:\n    一般公共预算: 3.00", "  公务接待费:\n    一般公共预算: 3.00\n  “三公”经费:\n    合计: 7.00"),
                "identity", "表8 财政拨款安排的行政经费及“三公”经费预算表"),
    "政府采购 = 货物 + 工程 + 服务": (("    服务: 22.1", "    服务: 22.1\n    总额: 150"), "identity", "其他重要事项"),
}


@pytest.mark.parametrize("name", sorted(IDENTITIES))
def test_each_budget_identity_is_reported(name: str, tmp_path: Path) -> None:
    (old, new), code, where = IDENTITIES[name]
    with pytest.raises(UserError) as e:
        prepare(_mutated(tmp_path, old, new))
    found = [p for p in e.value.problems if p.severity == "错误"]
    assert found, name
    assert any(p.code == code and (where in (p.table, p.message) or where in p.message or p.table.startswith(where))
               for p in found), [(p.code, p.table, p.message) for p in found]


def test_example_warns_only_for_stated_tails() -> None:
    rows = {(p.table, p.row) for p in prepare(EXAMPLE).problems}
    assert rows == {("表6 一般公共预算基本支出情况表（按经济分类科目）", "301 工资福利支出"),
                    ("表6 一般公共预算基本支出情况表（按经济分类科目）", "302 商品和服务支出")}
