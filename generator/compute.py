"""The compute stage: a checked input's figures, identities, baselines and last year's figures.

Takes the inputs stage's result (and last year's prepared input, if any) and returns a
`Prepared`: everything known about one department-year once every check has passed. Raises
UserError with every problem found (the inputs stage's problems included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .baselines import Baseline, read_baselines
from .errors import Location, Problem, Problems, UserError, as_errors, noted
from .fact_rules import fact_rule_problems
from .figures import Figures, build_figures
from .inputs import CheckedInput
from .last_year import fill_last_year
from .load import Source
from .model import Report
from .optional import enabled_names, meeting_problems, with_optional_tables
from .performance import performance_problems
from .plausibility import (
    control_problems,
    subset_problems,
    unit_note,
    unit_problems,
    unstated_totals,
)
from .profiles import LAST_YEAR, Profile


@dataclass
class Prepared:
    """Everything known about one department-year once the input has passed its checks."""

    source: Source
    report: Report
    profile: Profile
    figures: Figures
    baselines: dict[str, Baseline]  # 上年 and each 基准 the profile names (baselines.py)
    # 情况说明 as the profile's 情况说明字段 declare it (facts.py), by Chinese keys, amounts in the
    # input's unit; None when the profile uses the built-in fields (report.narrative)
    facts: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)  # warnings only, once prepared
    optional: list[str] = field(default_factory=list)  # 可选内容 switched on (optional.py)
    notes: list[str] = field(default_factory=list)  # said with the summary: the unit used, totals not stated

    @property
    def last_year(self) -> Baseline:
        return self.baselines[LAST_YEAR]


def compute(checked: CheckedInput, previous: Prepared | None = None, strict: bool = False) -> Prepared:
    with noted(unit_note(checked.source, checked.header.unit)):  # a failing check states the unit too
        return _compute(checked, previous, strict)


def _compute(checked: CheckedInput, previous: Prepared | None, strict: bool) -> Prepared:
    source, header, report = checked.source, checked.header, checked.report
    optional = enabled_names(checked.profile, source)
    profile = with_optional_tables(checked.profile, optional)
    problems = Problems()
    problems.extend(list(checked.problems))
    figures, figure_problems = build_figures(profile, source, header.unit, checked.sections)
    problems.extend(figure_problems)
    if report is not None:
        problems.extend(performance_problems(report, source, profile))
        problems.extend(meeting_problems(report, figures, source, optional, profile, checked.facts))
    # Every check runs, whatever an earlier one found, so that one run reports everything; a
    # check whose figures could not be read is skipped (ledger.InvalidFigure), its cause reported.
    describe = _describer(profile, figures)
    problems.extend(figures.ledger.check(describe, lambda key: _locate(source, key)))
    problems.extend(unit_problems(profile, source, figures, describe, previous.figures if previous else None))
    problems.extend(subset_problems(profile, figures, describe, lambda key: _locate(source, key)))
    if not any(p.code in _MISMATCHES for p in problems.errors):  # the derived balance would only echo one
        problems.extend(control_problems(profile, source, figures, describe))
    baselines, baseline_problems = read_baselines(source, header.unit, profile, figures, figures.ledger.tolerance)
    problems.extend(baseline_problems)
    problems.extend(fact_rule_problems(profile, checked.facts, figures, source, header.unit))
    if previous:
        problems.extend(fill_last_year(baselines[LAST_YEAR], source, profile, figures, previous.figures))
    if strict:
        problems.items = as_errors(problems.items)
    notes = [unit_note(source, header.unit)]
    if report is not None and not problems.errors and (totals := unstated_totals(profile, figures, describe)):
        notes.append("以下合计由明细推算，输入中没有可核对的数：" + "、".join(totals)
                     + "（建议从会计核算系统抄录填入，程序会逐一核对）")
    prepared = (Prepared(source=source, report=report, profile=profile, figures=figures, baselines=baselines,
                         facts=checked.facts, problems=problems.items, optional=optional, notes=notes)
                if report is not None else None)
    if problems.errors:
        # every figure readable: the narrative can still be rendered for its own problems (build.py)
        usable = prepared if prepared is not None and not figures.ledger.spoiled else None
        raise ChecksFailed(problems.items, usable)
    assert prepared is not None
    return prepared


class ChecksFailed(UserError):
    """The checks found errors. `prepared`: the department as computed, when every figure
    could be read (only inconsistent), so that the narrative's own problems (a missing
    上年数, a template's fault) can be reported in the same run."""

    def __init__(self, problems: list[Problem], prepared: Prepared | None):
        super().__init__(problems)
        self.prepared = prepared


_MISMATCHES = ("identity", "condition", "subset")


def _describer(profile: Profile, figures: Figures):  # noqa: ANN202
    def describe(key: str) -> tuple[str, str, str]:
        parts = key.split(".")
        section = parts[0]
        table = profile.table_for_section(section)
        spec = profile.model.data.get(section)
        if spec is None:
            return table, "", ""
        if spec.form == "功能分类" and len(parts) == 3:
            code = parts[1]
            name = figures.rows.get(section).names.get(code, "") if section in figures.rows else ""
            return table, (f"{code} {name}".strip() if code != "合计" else "合计"), parts[2]
        if spec.form == "列表" and len(parts) == 3:
            records = [r for g in figures.lists.get(section, []) for r in g.records]
            groups = {g.key: g.label for g in figures.lists.get(section, [])}
            prefix = f"{section}.{parts[1]}"
            name = next((next(iter(r.texts.values()), "") for r in records if r.key == prefix),
                        groups.get(prefix, parts[1]))
            return table, name or parts[1], parts[2]
        if spec.form == "经济分类":
            code = parts[1] if len(parts) > 1 else ""
            name = figures.rows[section].names.get(code, "") if section in figures.rows else ""
            return table, f"{code} {name}".strip(), "金额"
        return table, ".".join(parts[1:]), ""

    return describe


def _locate(source: Source, key: str) -> Location:
    parts = tuple(key.split("."))
    loc = source.loc(parts)
    return loc if loc.line is not None or loc.sheet else Location(file=source.file)
