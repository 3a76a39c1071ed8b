"""绩效自评表: one table per project (项目支出绩效自评表) and one for the department as a whole
(部门整体支出绩效自评表), from the input's `绩效自评表` records.

These are lists of records (a project's indicators), not ledger figures, so they have their own
small renderer here rather than a table layout in tables.py. The department types the
indicators and each indicator's 得分; the 预算执行率, its score (分值 × min(执行率, 100%)), the
total score and the grade are derived, and checked: 得分 ≤ 分值, and all 分值 add up to 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .amounts import UNIT_SCALE, format_number, from_yuan, round_half_up
from .document import Cell, HeaderCell, Table
from .errors import Problem, error
from .load import Source
from .model import Report, SelfEvaluationTable
from .profiles import INDICATOR_WIDTHS, Profile

KINDS = {"项目": "项目支出绩效自评表", "部门整体": "部门整体支出绩效自评表"}
HUNDRED = Decimal(100)
_BLANK = Cell("")


@lru_cache(maxsize=1024)
def _centred(text: str, colspan: int) -> Cell:
    """A centred text cell; the layout's labels and headers are the same in every table (a Cell is immutable)."""
    return Cell(text, align="center", colspan=colspan)


@dataclass(frozen=True)
class Evaluation:
    record: SelfEvaluationTable
    rate: Decimal | None  # 预算执行率 as a fraction; None when the budget is 0
    execution_score: Decimal
    total: Decimal
    grade: str


def evaluate(record: SelfEvaluationTable, grades: dict[str, float]) -> Evaluation:
    rate = record.spent / record.budget if record.budget else None
    execution = round_half_up(record.execution_weight * min(rate, Decimal(1)), 2) if rate is not None else Decimal(0)
    total = execution + sum((i.score for i in record.indicators), Decimal(0))
    return Evaluation(record, rate, execution, total, grade_of(total, grades))


def grade_of(total: Decimal, grades: dict[str, float]) -> str:
    for name, lowest in sorted(grades.items(), key=lambda kv: -kv[1]):
        if total >= Decimal(str(lowest)):
            return name
    return "差"


def records(report: Report, kind: str) -> list[tuple[tuple[str, ...], SelfEvaluationTable]]:
    """(input path, record) of one kind."""
    tables = report.self_evaluations
    if tables is None:
        return []
    if kind == "项目":
        return [(("绩效自评表", "项目", str(i)), r) for i, r in enumerate(tables.projects)]
    return [(("绩效自评表", "部门整体"), tables.department)] if tables.department else []


def performance_problems(report: Report, source: Source, profile: Profile | None = None) -> list[Problem]:
    problems = []
    for kind in KINDS:
        for path, record in records(report, kind):
            if profile is not None:
                problems += layout_problems(record, path, source, profile)
            for j, ind in enumerate(record.indicators):
                if ind.score > ind.weight:
                    problems.append(error(
                        "score-above-weight", f"“{record.name}”的指标“{ind.level3}”得分超过分值",
                        location=source.loc(path + ("指标", str(j), "得分")), row=ind.level3,
                        expected=f"不超过 {ind.weight}", found=str(ind.score)))
            weights = record.execution_weight + sum((i.weight for i in record.indicators), Decimal(0))
            if weights != HUNDRED:
                problems.append(error(
                    "weights-not-100", f"“{record.name}”的分值合计应为 100（含预算执行率分值 {record.execution_weight}）",
                    location=source.loc(path + ("指标",)), expected="100", found=str(weights)))
    return problems


def layout_problems(record: SelfEvaluationTable, path: tuple[str, ...], source: Source,
                    profile: Profile) -> list[Problem]:
    """表头, 资金来源 and 文字 hold exactly what the profile's 绩效自评表版式 names, every 表头
    field is filled, and the 资金来源 rows add up to the 年度预算数 and 执行数."""
    layout = profile.model.performance_layout
    problems = []
    for key, allowed, typed in (("表头", layout.header_fields, record.header), ("资金来源", layout.funds, record.funds),
                                ("文字", layout.texts, record.texts)):
        for name in typed:
            if name not in allowed:
                problems.append(error("unknown-performance-field", f"“{record.name}”的{key}中不认识“{name}”",
                                      location=source.loc(path + (key, name)),
                                      expected=f"模板“{profile.model.name}”的绩效自评表版式中{key}可用：" + (
                                          "、".join(allowed) or "（无）")))
    for j, indicator in enumerate(record.indicators):
        for name in indicator.texts:
            if name not in layout.indicator_texts:
                problems.append(error("unknown-performance-field",
                                      f"“{record.name}”的指标“{indicator.level3}”的文字中不认识“{name}”",
                                      location=source.loc(path + ("指标", str(j), "文字", name)),
                                      expected=f"模板“{profile.model.name}”的绩效自评表版式中指标列的文字可用："
                                      + ("、".join(layout.indicator_texts) or "（无）")))
    for name in layout.header_fields:
        if not record.header.get(name, "").strip():
            problems.append(error("missing-performance-field", f"“{record.name}”缺少表头“{name}”",
                                  location=source.loc(path + ("表头",))))
    if record.funds:
        for label, total, part in (("年度预算数", record.budget, [f.budget for f in record.funds.values()]),
                                   ("执行数", record.spent, [f.spent for f in record.funds.values()])):
            if sum(part, Decimal(0)) != total:
                problems.append(error("funds-not-total", f"“{record.name}”的资金来源{label}之和与{label}不符",
                                      location=source.loc(path + ("资金来源",)), expected=str(total),
                                      found=str(sum(part, Decimal(0)))))
    return problems


def performance_tables(profile: Profile, report: Report, names: list[str], first_number: int) -> list[Table]:
    out: list[Table] = []
    for name in names:
        kind = profile.model.optional[name].performance
        if kind is None:
            continue
        for _, record in records(report, kind):
            out.append(_table(profile, report, evaluate(record, profile.model.grades), KINDS[kind],
                              f"表{first_number + len(out)}"))
    return out


def _table(profile: Profile, report: Report, ev: Evaluation, title: str, number: str) -> Table:
    display = profile.display()
    unit = display.unit

    def amount(value: Decimal) -> Cell:
        shown = from_yuan(value * UNIT_SCALE[report.unit], unit, display.places)
        return Cell(display.text(shown), value=shown if shown or display.zero != "空白" else None, align="right")

    def score(value: Decimal) -> Cell:
        return Cell(format_number(value), align="center")

    def text(value: str, colspan: int = 1) -> list[Cell]:
        return [_centred(value, colspan)] + [_BLANK] * (colspan - 1)

    def percent(spent: Decimal, budget: Decimal) -> Cell:
        return Cell(f"{format_number(round_half_up(spent / budget * HUNDRED, 2))}%" if budget else "--",
                    align="center")

    r = ev.record
    layout = profile.model.performance_layout
    columns = layout.columns
    n = len(columns)  # the indicator block's columns set the table's width (at least 6)

    def pad(used: int) -> list[Cell]:
        """Empty cells after the first `used` columns of the funds block (one cell spans them)."""
        return [Cell("", colspan=n - used)] + [_BLANK] * (n - used - 1) if n > used else []

    def wide(label: str, value: str) -> list[Cell]:
        """A label over two columns, its text over the rest."""
        return text(label, 2) + [Cell(value, colspan=n - 2)] + [_BLANK] * (n - 3)

    rate = f"{format_number(round_half_up(ev.rate * HUNDRED, 2))}%" if ev.rate is not None else "--"
    rows = [text(field, 2) + text(r.header.get(field, ""), n - 2) for field in layout.header_fields]
    if layout.funds:  # a label column: 年度资金总额, then 其中：财政拨款, 其他资金 …
        rows += [
            text("资金") + text("年度预算数") + text("执行数") + text("预算执行率") + text("分值") + text("得分")
            + (text("", n - 6) if n > 6 else []),
            [Cell("年度资金总额", align="center"), amount(r.budget), amount(r.spent), Cell(rate, align="center"),
             score(r.execution_weight), score(ev.execution_score), *pad(6)],
        ]
        for i, name in enumerate(layout.funds):
            fund = r.funds.get(name)
            if fund is not None:
                rows.append([Cell(("其中：" if i == 0 else "") + name), amount(fund.budget), amount(fund.spent),
                             percent(fund.spent, fund.budget), _BLANK, _BLANK, *pad(6)])
    else:
        rows += [
            text("年度预算数") + text("执行数") + text("预算执行率") + text("") + text("分值") + text("得分")
            + (text("", n - 6) if n > 6 else []),
            [amount(r.budget), amount(r.spent), Cell(rate, align="center"), _BLANK,
             score(r.execution_weight), score(ev.execution_score), *pad(6)],
        ]
    rows.append([_centred(c.header, 1) for c in columns])
    previous: tuple[str, str] | None = None
    for ind in r.indicators:
        fields = {"一级指标": ind.level1, "二级指标": ind.level2, "三级指标": ind.level3,
                  "年度指标值": ind.target, "实际完成值": ind.actual}
        if layout.grouped and previous is not None:  # 一级/二级指标 once per block of equal ones
            if previous[0] == ind.level1:
                fields["一级指标"] = ""
                if previous[1] == ind.level2:
                    fields["二级指标"] = ""
        previous = (ind.level1, ind.level2)
        rows.append([score(ind.weight) if c.content == "分值" else score(ind.score) if c.content == "得分"
                     else Cell(fields[c.content]) if c.content in fields else Cell(ind.texts.get(c.content, ""))
                     for c in columns])
    weights = r.execution_weight + sum((i.weight for i in r.indicators), Decimal(0))
    contents = [c.content for c in columns]
    first = min(contents.index("分值"), contents.index("得分"))
    rows.append(text("总分", first) + [score(weights) if c == "分值" else score(ev.total) if c == "得分" else _BLANK
                                      for c in contents[first:]])
    rows.append(text("自评等级", first) + text(ev.grade, n - first))
    if r.note:
        rows.append(wide("偏差原因及改进措施", r.note))
    for name in layout.texts:
        rows.append(wide(name, r.texts.get(name, "") or "无"))
    header = (HeaderCell("项目名称" if title.startswith("项目") else "部门名称", 0, 0, 1, 2),
              HeaderCell(r.name if title.startswith("项目") else report.department, 0, 2, 1, n - 2))
    return Table(number=number, title=title, org_label=f"{profile.model.org_label}：{report.department}",
                 unit_label=f"单位：{unit}", ncols=n, header_rows=1, header=header,
                 rows=tuple(tuple(row) for row in rows), notes=(), landscape=True,
                 widths=tuple(c.width or INDICATOR_WIDTHS.get(c.content, 2.4) for c in columns),
                 number_format=display.number_format(), unit=unit, places=display.places)
