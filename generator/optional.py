"""可选内容: tables and sections a department switches on (input `可选表格: [...]`) or a profile
switches on for everyone (`默认启用: true`).

A profile lists them under `可选内容`, each with its tables (ordinary table layouts, numbered
after the profile's own tables) or a 绩效表 (performance.py). Their data sections live in the
profile's `数据` like any other, so they are checked by the same ledger; templates ask
`启用("会议费培训费")` to include a section's sentences.
"""

from __future__ import annotations

import dataclasses
import difflib
from decimal import Decimal
from typing import Any

from .amounts import UNIT_SCALE
from .errors import Location, Problem, UserError, a_few, error
from .figures import Figures
from .ledger import InvalidFigure
from .load import Source
from .model import Report
from .profiles import Profile

INPUT_KEY = "可选表格"


def enabled_names(profile: Profile, source: Source) -> list[str]:
    """The 可选内容 switched on, in the profile's order; unknown names are errors."""
    raw = source.data.get(INPUT_KEY) or []
    known = list(profile.model.optional)
    asked: list[str] = []
    problems = []
    if isinstance(raw, list):  # any other type is reported by the input schema
        for i, name in enumerate(raw):
            name = str(name)
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.4)
                problems.append(error(
                    "unknown-optional", f"模板“{profile.model.name}”没有可选内容“{name}”",
                    location=source.loc((INPUT_KEY, str(i))),
                    hint=f"是否想写“{close[0]}”？" if close else
                    ("可用的可选内容：" + a_few(name, known) if known else "本模板没有可选内容")))
            asked.append(name)
    if problems:
        raise UserError(problems)
    return [n for n, spec in profile.model.optional.items() if spec.default or n in asked]


def with_optional_tables(profile: Profile, names: list[str]) -> Profile:
    """The profile with the switched-on optional tables appended to its own."""
    extra = [t for n in names for t in profile.model.optional[n].tables]
    if not extra:
        return profile
    variant = profile.variants.get(tuple(names))
    if variant is None:
        model = profile.model.model_copy(update={"tables": [*profile.model.tables, *extra]})
        variant = profile.variants[tuple(names)] = dataclasses.replace(profile, model=model)
    return variant


def meeting_problems(report: Report, figures: Figures, source: Source, names: list[str], profile: Profile,
                     facts: dict[str, Any] | None = None) -> list[Problem]:
    """The meetings listed under an optional content (情况说明: <name>: 会议) cannot cost more in
    total than the figure the profile names as its 会议合计上限 (e.g. the 会议费 决算数).
    `facts`: 情况说明 as the profile's 情况说明字段 declare it (facts.py), else the built-in
    fields of `report`."""
    problems = []
    for name in names:
        key = profile.model.optional[name].meetings_limit
        if key is None:
            continue
        if facts is not None:
            group = facts.get(name) or {}
            costs = [Decimal(str(m.get("金额") or 0)) for m in group.get("会议") or [] if isinstance(m, dict)]
        else:
            costs = [m.cost for m in report.narrative.meetings_training.meetings]
        if not costs:
            continue
        if not figures.ledger.knows(key):
            raise UserError([error("profile-formula", f"模板“可选内容”“{name}”的会议合计上限“{key}”不是已定义的数",
                                   location=Location(file=profile.file))])
        scale = UNIT_SCALE[report.unit]
        listed = sum(costs, Decimal(0)) * scale
        try:
            total = figures.ledger.value(key)
        except InvalidFigure:  # could not be read: reported where it is
            continue
        if listed > total + figures.ledger.tolerance:
            problems.append(error("meetings-exceed", "所列会议的金额合计超过会议费决算数",
                                  location=source.loc(("情况说明", name, "会议")),
                                  expected=f"不超过 {total / scale} {report.unit}",
                                  found=f"{listed / scale} {report.unit}"))
    return problems
