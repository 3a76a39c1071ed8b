"""可选内容: 非税收入征缴情况表, 会议费培训费, 绩效自评表 — switched on per department."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.build import prepare, render
from generator.errors import UserError
from generator.performance import grade_of

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data/examples/示例单位-2022-决算.yaml"


def narrative(path: Path) -> list[str]:
    return [getattr(b, "text", "") for b in render(prepare(path)).part("情况说明").blocks]


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "input.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    with pytest.raises(UserError) as e:
        render(prepare(path))
    return [p.message for p in e.value.problems]


def test_optional_tables_follow_the_profile_tables() -> None:
    tables = render(prepare(EXAMPLE)).tables()
    assert [(t.number, t.title) for t in tables[9:]] == [
        ("表10", "非税收入征缴情况表"), ("表11", "项目支出绩效自评表"), ("表12", "部门整体支出绩效自评表")]
    nontax = tables[9]
    assert [c.text for c in nontax.rows[0]] == ["合计", "10.00", "8.00", "2.00"]
    assert [c.text for c in nontax.rows[3]] == ["其中：教育费附加收入", "0.00", "0.00", "0.00"]


def test_switched_off_nothing_appears(tmp_path: Path) -> None:
    path = edited(tmp_path, "可选表格: [非税收入征缴情况表, 会议费培训费, 项目支出绩效自评表, 部门整体支出绩效自评表]",
                  "可选表格: []")
    document = render(prepare(path))
    assert len(document.tables()) == 9
    text = "".join(getattr(b, "text", "") for b in document.part("情况说明").blocks)
    assert "非税收入" not in text and "会议费" not in text


def test_nontax_paragraph_gives_each_category_share() -> None:
    assert ("2022年度本部门征缴非税收入10万元，其中：纳入预算管理已缴国库8万元，纳入财政专户管理已缴财政专户2万元。"
            "按收入类别分：行政事业性收费收入8万元，占80%；罚没收入1.5万元，占15%；其他收入0.5万元，占5%。") in narrative(EXAMPLE)


def test_meetings_against_budget_with_the_largest_meetings() -> None:
    text = narrative(EXAMPLE)
    assert "（三）会议费、培训费支出情况说明" in text
    assert ("2022年度会议费支出决算为2.4万元，完成预算3万元的80%，全年召开会议4次、参会180人次。金额较大的会议有："
            "（1）年度工作会议，会期1天，参会80人，支出1.2万元，占会议费的50%；"
            "（2）业务培训推进会，会期0.5天，参会40人，支出0.6万元，占会议费的25%；"
            "（3）专题研讨会，会期1天，参会30人，支出0.4万元，占会议费的16.7%。") in text
    assert "2022年度培训费支出决算为1.2万元，完成预算2万元的60%，全年举办培训2期、培训60人次。" in text


def test_self_evaluation_scores_and_grade_are_derived() -> None:
    project = render(prepare(EXAMPLE)).tables()[10]
    rows = [[c.text for c in r] for r in project.rows]
    assert rows[1][:3] == ["22.00", "20.00", "90.91%"] and rows[1][4:6] == ["10.00", "9.09"]
    assert rows[-3][0] == "总分" and rows[-3][5:] == ["100.00", "95.09"]
    assert rows[-2][0] == "自评等级" and rows[-2][5] == "优"


@pytest.mark.parametrize("total,grade", [(95, "优"), (90, "优"), (89.99, "良"), (80, "良"), (60, "中"), (59.5, "差")])
def test_default_grades(total: float, grade: str) -> None:
    assert grade_of(Decimal(str(total)), {"优": 90, "良": 80, "中": 60}) == grade


def test_grade_thresholds_are_a_profile_setting() -> None:
    assert grade_of(Decimal(85), {"A": 85, "B": 70}) == "A"
    assert grade_of(Decimal(60), {"A": 85, "B": 70}) == "差"


def test_score_above_weight_and_weights_not_100_are_errors(tmp_path: Path) -> None:
    path = edited(tmp_path, "分值: 30, 得分: 30}", "分值: 30, 得分: 31}")
    assert "“某某服务专项”的指标“服务人次”得分超过分值" in messages(path)
    path = edited(tmp_path, "分值: 50, 得分: 40}", "分值: 45, 得分: 40}")
    assert "“部门整体支出”的分值合计应为 100（含预算执行率分值 10）" in messages(path)


def test_nontax_sub_rows_cannot_exceed_their_category(tmp_path: Path) -> None:
    path = edited(tmp_path, "一般罚没收入: {纳入预算管理已缴国库: 1.50}", "一般罚没收入: {纳入预算管理已缴国库: 2.50}")
    assert any("一般罚没收入不超过罚没收入" in m for m in messages(path))


def test_meetings_cannot_cost_more_than_the_meeting_fee(tmp_path: Path) -> None:
    path = edited(tmp_path, "金额: 1.20}", "金额: 3.20}")
    assert "所列会议的金额合计超过会议费决算数" in messages(path)


def test_unknown_optional_name_is_located(tmp_path: Path) -> None:
    path = edited(tmp_path, "可选表格: [非税收入征缴情况表,", "可选表格: [非税收入征收情况表,")
    with pytest.raises(UserError) as e:
        prepare(path)
    [problem] = e.value.problems
    assert problem.message == "模板“决算-2023”没有可选内容“非税收入征收情况表”"
    assert problem.hint == "是否想写“非税收入征缴情况表”？"
    assert problem.location.line is not None


def test_extra_glossary_terms_and_other_paragraphs_are_printed() -> None:
    document = render(prepare(EXAMPLE))
    assert [b.term for b in document.part("名词解释").blocks][-1] == "非税收入"
    assert narrative(EXAMPLE)[-1] == "本部门 2022 年度无其他需要说明的重要事项。"
