"""情况说明校验: the profile's rules over its 情况说明字段 (compute stage).

A rule is a condition like a table check: "国有资产.车辆 = 国有资产.车辆总数" (a 分项, 键值
or 组 stands for the sum of its values; a field of a 列表's records for the sum over the
records), "政府采购中小企业.合计 <= 其他重要事项.政府采购.总额" (a name that is not a fact is a
table figure). Amounts are compared in 元, counts as counts. A rule that fails is an error
located at the first fact it names.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .amounts import UNIT_SCALE
from .errors import Location, Problem, error
from .facts import Declaration, spec_of
from .figures import Figures
from .ledger import InvalidFigure, ProfileFormulaError, parse_expr
from .load import Source
from .profiles import Profile

_CONDITION = re.compile(r"^(.*?)\s*(<=|>=|=)\s*(.*)$")
_FACT = "情况说明:"


def fact_value(declaration: Declaration, data: Any, path: list[str], scale: Decimal) -> Decimal | None:
    """The value (or sum) a dotted fact path names; None when it names no declared fact."""
    if not path:
        return None
    label, rest = path[0], path[1:]
    if label not in declaration or not isinstance(data, dict):
        return None
    spec = spec_of(declaration[label])
    value = data.get(label)
    if spec.type in ("金额", "数量", "数值", "百分比"):
        if rest:
            return None
        if value is None:
            return Decimal(0)
        return Decimal(str(value)) * (scale if spec.type == "金额" else 1)
    if spec.type == "组":
        return _sum(spec.fields, value or {}, rest, scale)
    if spec.type == "列表":  # a record field: summed over the records
        if not rest or fact_value(spec.fields, {}, rest, scale) is None:
            return None
        return sum((fact_value(spec.fields, r, rest, scale) or Decimal(0) for r in value or []), Decimal(0))
    inner = spec_of(spec.value)
    values = value or {}
    if spec.type == "分项" and rest and rest[0] not in spec.keys:
        return None
    keys = [rest[0]] if rest else list(values)
    total = Decimal(0)
    for key in keys:
        part = fact_value({key: inner}, {key: values.get(key)}, [key, *rest[1:]], scale)
        if part is None:
            return None
        total += part
    return total


def _sum(fields: Declaration, data: Any, rest: list[str], scale: Decimal) -> Decimal | None:
    if rest:
        return fact_value(fields, data, rest, scale)
    total = Decimal(0)
    for label in fields:
        part = fact_value(fields, data, [label], scale)
        if part is not None and spec_of(fields[label]).type not in ("文字", "日期"):
            total += part
    return total


def fact_rule_problems(profile: Profile, facts: dict[str, Any] | None, figures: Figures,
                       source: Source, unit: str) -> list[Problem]:
    declaration = profile.model.facts
    if declaration is None or facts is None:
        return []
    scale = UNIT_SCALE[unit]
    out: list[Problem] = []
    for check in profile.model.fact_checks:
        named: list[str] = []

        def resolve(token: str, named: list[str] = named) -> str | None:
            if fact_value(declaration, facts, token.split("."), scale) is not None:
                named.append(token)
                return _FACT + token
            return token if figures.ledger.knows(token) else None

        m = _CONDITION.match(check.condition)
        try:
            if not m:
                raise ProfileFormulaError(f"校验“{check.name}”的条件应形如“甲 <= 乙”")
            left, right = parse_expr(m.group(1), resolve), parse_expr(m.group(3), resolve)
        except ProfileFormulaError as e:
            out.append(error("profile-formula", f"情况说明校验“{check.name}”：{e}",
                             location=Location(file=profile.file), hint="这是模板文件的问题，请联系模板维护者"))
            continue

        def evaluate(expr: Any) -> Decimal:
            total = Decimal(0)
            for t in expr.terms:
                if not t.ref:
                    total += t.sign * t.constant
                elif t.ref.startswith(_FACT):
                    total += t.sign * (fact_value(declaration, facts, t.ref[len(_FACT):].split("."), scale) or 0)
                else:
                    total += t.sign * figures.ledger.value(t.ref)
            return total

        if check.only_if_given and not all(_given(facts, token.split(".")) for token in named):
            continue
        try:
            a, b, op = evaluate(left), evaluate(right), m.group(2)
        except InvalidFigure:  # a figure it needs could not be read: reported where it is
            continue
        if (op == "=" and a == b) or (op == "<=" and a <= b) or (op == ">=" and a >= b):
            continue
        where = source.loc(("情况说明", *named[0].split("."))) if named else Location(file=source.file)
        out.append(error("fact-check", f"情况说明不符合“{check.name}”", location=where,
                         expected=f"{m.group(1)} {op} {m.group(3)}",
                         found=f"{_shown(a)} 与 {_shown(b)}"))
    return out


def _given(data: Any, path: list[str]) -> bool:
    """Whether the input filled in the fact at `path` (not left empty)."""
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data not in (None, "", {}, [])


def _shown(value: Decimal) -> str:
    return format(value.normalize(), "f")
