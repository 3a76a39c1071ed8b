"""The inputs stage: a loaded `Source` checked against the input schema and its profile.

The header (部门名称, 年度, 类型, 模板) chooses the profile; the rest of the input is validated
(model.py) and every key neither the schema nor the profile's table data knows is reported.
Problems are returned, not raised, so that the compute stage can add its own and every
problem is reported at once; only an invalid header stops here (without it there is no profile).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import Problem, UserError, error, warning
from .facts import facts_model
from .load import Source
from .model import Header, Report
from .profiles import Profile, baseline_specs, header_profile
from .validation import pydantic_problems

FACTS_KEY = "情况说明"  # the input's facts, declared by the profile's 情况说明字段 (facts.py)
PREV_KEY = "上年文件"  # last year's input (last_year.py); read by the build, not part of the report


@dataclass(frozen=True)
class CheckedInput:
    source: Source
    header: Header
    profile: Profile
    report: Report | None  # None when the report has schema problems (in `problems`)
    sections: dict[str, Any]  # the profile's table data, by section name
    problems: tuple[Problem, ...]
    # 情况说明 validated against the profile's 情况说明字段 (facts.py), by its Chinese keys,
    # amounts in the input's unit; None when the profile uses the built-in fields (report.narrative)
    facts: dict[str, Any] | None = None


def check_input(source: Source, data_dir: Path | None = None, previous: Source | None = None) -> CheckedInput:
    """`previous`: last year's input, whose texts the profile's 上年衔接.沿用 carries over."""
    try:
        header = Header.model_validate(source.data)
    except ValidationError as e:
        raise UserError(pydantic_problems(e, source, Header)) from e
    profile = header_profile(source, header, data_dir)
    if previous is not None:
        source = carry_over(source, previous, profile.model.carry_over.texts)
    data_keys = profile.model.data
    problems: list[Problem] = [*source.problems, *empty_sections(profile, source)]
    sections = {k: v for k, v in source.data.items() if k in data_keys}
    rest = {k: v for k, v in source.data.items() if k not in data_keys and k != PREV_KEY}
    allowed = [f.alias or n for n, f in Report.model_fields.items()]
    own = [k for spec in baseline_specs(profile.model).values() for k in (spec.key, spec.change_key)
           if k and k not in allowed]  # a profile's own 基准 (全年预算数 …)
    rest = {k: v for k, v in rest.items() if k not in own}  # read by baselines.py
    allowed += own
    for key in list(rest):
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed + list(data_keys), n=1, cutoff=0.4)
            problems.append(error("unknown-key", f"不认识的键“{key}”（可能拼写有误，该项内容不会被使用）",
                                  location=source.loc((key,)),
                                  hint=f"是否想写“{close[0]}”？" if close else
                                  "可用的表格数据键：" + "、".join(data_keys)))
            del rest[key]
    facts: dict[str, Any] | None = None
    if profile.model.facts is not None:
        model = facts_model(profile.model.facts)
        raw = rest.pop(FACTS_KEY, None)
        try:
            facts = model.model_validate(raw if raw is not None else {}).model_dump(by_alias=True)
        except ValidationError as e:
            problems.extend(pydantic_problems(e, source, model, (FACTS_KEY,)))
    report: Report | None = None
    try:
        report = Report.model_validate(rest)
    except ValidationError as e:
        problems.extend(pydantic_problems(e, source, Report))
    return CheckedInput(source, header, profile, report, sections, tuple(problems), facts)


def empty_sections(profile: Profile, source: Source) -> list[Problem]:
    """`支出决算表:` with nothing under it: the table would print as all zeros ("其中本年支出0万元").
    An explicit `重点项目: []` or `{}` says "none" on purpose and is not warned about."""
    out = []
    for name in profile.model.data:
        if name in source.data and source.data[name] is None:
            table = profile.table_for_section(name).strip()
            out.append(warning("empty-section", f"“{name}”下没有填写任何数，{table}按没有数据处理",
                               location=source.loc((name,)), table=table,
                               hint="如果本表有数，请在这一行下面逐行填写；本表确实没有数据时，可删去这一行"))
    return out




def carry_over(source: Source, previous: Source, paths: list[str]) -> Source:
    """This year's input with each text of `paths` ("概况.主要职责") taken from last year's
    where this year's leaves it out (a new Source; neither input is changed)."""
    data, locations = dict(source.data), dict(source.locations)
    for dotted in paths:
        path = tuple(dotted.split("."))
        then = _at(previous.data, path)
        if then is _MISSING or _at(data, path) is not _MISSING:
            continue
        node = data
        for key in path[:-1]:
            child = node.get(key)
            if child is not None and not isinstance(child, dict):
                break  # a wrong type: the schema reports it
            node[key] = dict(child or {})
            node = node[key]
        else:
            node[path[-1]] = then
            locations.update((p, loc) for p, loc in previous.locations.items() if p[: len(path)] == path)
    return Source(data=data, file=source.file, locations=locations)


_MISSING = object()


def _at(data: object, path: tuple[str, ...]) -> object:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return _MISSING
        data = data[key]
    return data
