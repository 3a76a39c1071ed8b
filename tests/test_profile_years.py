"""Profiles across years: the 2019 layout, and 科目 names that follow the document's year."""

from __future__ import annotations

from pathlib import Path

from generator.build import build_report, prepare, render
from generator.cli import main
from generator.document import Table
from generator.options import RunOptions
from generator.profiles import available_profiles

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_2019 = ROOT / "data/examples/示例单位-2019-决算.yaml"


def tables_of(path: Path) -> list[Table]:
    return render(prepare(path)).tables()


def names_by_code(table: Table) -> dict[str, str]:
    return {row[0].text: row[1].text for row in table.rows if row[0].text.isdigit()}


def left_labels(table: Table) -> list[str]:
    return [row[0].text for row in table.rows if row[0].text]


def right_labels(table: Table, column: int) -> list[str]:
    return [row[column].text for row in table.rows if row[column].text]


def year_copy(tmp_path: Path, year: int) -> Path:
    text = EXAMPLE_2019.read_text(encoding="utf-8").replace("年度: 2019", f"年度: {year}", 1)
    path = tmp_path / f"示例-{year}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_2019_profile_is_chosen_for_2018_and_2019() -> None:
    models = {m.name: m for m in available_profiles()}
    assert models["决算-2019"].years == [2018, 2019]
    assert prepare(EXAMPLE_2019).profile.model.name == "决算-2019"


def test_2019_layout_has_eight_tables_and_no_state_capital_lines() -> None:
    tables = tables_of(EXAMPLE_2019)
    assert [t.number for t in tables] == [f"表{i}" for i in range(1, 9)]
    assert [t.title for t in tables] == [
        "收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表",
        "一般公共预算财政拨款支出决算表", "一般公共预算财政拨款基本支出决算表",
        "一般公共预算财政拨款“三公”经费支出决算表", "政府性基金预算财政拨款收入支出决算表"]
    for t in tables:
        text = " ".join([h.text for h in t.header] + [c.text for r in t.rows for c in r] + list(t.notes))
        assert "国有资本经营" not in text, t.title
    t1, t4 = tables[0], tables[3]
    income = left_labels(t1)
    assert income[1:8] == ["一、一般公共预算财政拨款收入", "二、政府性基金预算财政拨款收入", "三、上级补助收入",
                           "四、事业收入", "五、经营收入", "六、附属单位上缴收入", "七、其他收入"]
    assert "用事业基金弥补收支差额" in income and "使用非财政拨款结余" not in income
    classes = [x for x in right_labels(t1, 3) if "、" in x]
    assert len(classes) == 22
    assert classes[-2:] == ["二十一、灾害防治及应急管理支出", "二十二、其他支出"]
    assert not any(w in " ".join(classes) for w in ("债务还本", "债务付息", "抗疫特别国债"))
    assert [h.text for h in t4.header if h.row == 1][-3:] == ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款"]


def test_2019_narrative_and_glossary_leave_out_state_capital() -> None:
    document = render(prepare(EXAMPLE_2019))
    text = " ".join(getattr(b, "text", "") for b in document.part("情况说明").blocks)
    assert "国有资本经营" not in text
    assert "政府性基金预算财政拨款收入0万元，与上年决算数持平" in text
    terms = [b.term for b in document.part("名词解释").blocks]
    assert "用事业基金弥补收支差额" in terms and "使用非财政拨款结余" not in terms
    assert terms[-1] == "事业基金"  # 名词解释补充 comes after the profile's glossary


def test_catalogue_names_follow_the_year(tmp_path: Path) -> None:
    # 2019: the renamed 类 (卫生健康支出) and the 2019 款 name 扶贫
    t2019 = names_by_code(tables_of(EXAMPLE_2019)[1])
    assert t2019["210"] == "卫生健康支出"
    assert t2019["21305"] == "扶贫" and t2019["2130599"] == "其他扶贫支出"
    # 2018: the same input and codes print the names before the 2019 renames
    tables_2018 = tables_of(year_copy(tmp_path, 2018))
    t2018 = names_by_code(tables_2018[1])
    assert t2018["210"] == "医疗卫生与计划生育支出"
    assert t2018["21001"] == "医疗卫生与计划生育管理事务"
    classes_2018 = [x for x in right_labels(tables_2018[0], 3) if "、" in x]
    assert "九、医疗卫生与计划生育支出" in classes_2018
    assert len(classes_2018) == 21 and not any("灾害防治" in x for x in classes_2018)  # 224 is new in 2019


def test_renamed_kuan_prints_its_current_name_in_a_2023_document(tmp_path: Path) -> None:
    text = EXAMPLE_2019.read_text(encoding="utf-8")
    text = text.replace("年度: 2019", "年度: 2023", 1).replace("用事业基金弥补收支差额: 0", "使用非财政拨款结余: 0")
    text = text.replace("  政府性基金预算财政拨款收入: 0\n", "  政府性基金预算财政拨款收入: 0\n  国有资本经营预算财政拨款收入: 0\n")
    text = text.replace("年初预算数:\n", "年初预算数:\n  国有资本经营预算财政拨款支出: 0\n")
    text = text.replace("上年数:\n", "比上年增减:\n  “三公”经费: 0\n  因公出国（境）费: 0\n  公务用车购置及运行维护费: 0\n"
                        "  公务用车购置费: 0\n  公务用车运行维护费: 0\n  公务接待费: 0\n  机关运行经费: 0\n上年数:\n")
    path = tmp_path / "示例-2023.yaml"
    path.write_text(text, encoding="utf-8")
    tables = tables_of(path)
    assert prepare(path).profile.model.name == "决算-2023"
    names = names_by_code(tables[1])
    assert names["21305"] == "巩固脱贫衔接乡村振兴"
    assert names["2130599"] == "其他巩固脱贫衔接乡村振兴支出"
    assert names["210"] == "卫生健康支出"


def test_2019_example_checks_and_generates(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    try:
        main(["check", str(EXAMPLE_2019)])
    except SystemExit as e:
        assert e.code == 0
    assert "检查通过" in capsys.readouterr().out
    result = build_report(EXAMPLE_2019, RunOptions(out_dir=tmp_path))
    assert sorted(p.suffix for p in result.outputs) == [".docx", ".xlsx"]
    assert result.warnings == []


def test_profiles_command_lists_every_profile_with_its_tables(capsys) -> None:  # noqa: ANN001
    try:
        main(["profiles"])
    except SystemExit as e:
        assert e.code == 0
    out = capsys.readouterr().out
    assert "决算-2019：决算，适用年度 2018、2019。" in out
    assert "    表8 政府性基金预算财政拨款收入支出决算表" in out
    for name in ("决算-2020", "决算-2023"):
        assert f"{name}：决算" in out
