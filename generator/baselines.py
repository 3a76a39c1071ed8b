"""This year's 比较项 against last year and the start-of-year budget (compute stage).

Comparison items (比较项) are named in the profile with the expression of this year's
figure; last year's figure and the start-of-year budget come from the input, given either
directly (上年数 / 年初预算数) or as the change (比上年增减 / 比年初预算增减).
`comparison_value` is the one evaluator of a 比较项: narrative, charts, checks and the batch
summary all ask it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .amounts import AmountError, parse_amount, to_yuan
from .errors import Location, Problem, error, warning
from .figures import Figures
from .ledger import Ledger, parse_expr
from .load import Source
from .phrases import Phrases, Style


@dataclass
class Baseline:
    """Last year's figures or the start-of-year budget, by comparison item, in 元."""

    values: dict[str, Decimal] = field(default_factory=dict)


def comparison_value(ledger: Ledger, comparisons: dict[str, str], x: Any) -> Decimal:
    """A figure in 元: a Decimal, a ledger expression, or a 比较项's name (whose expression may
    be a single key or a formula such as `a + b - c`)."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int):
        return Decimal(x)
    text = str(x)
    if text in comparisons:
        text = comparisons[text]
    return ledger.evaluate(parse_expr(text, lambda t: t if ledger.knows(t) else None))


def read_baselines(source: Source, unit: str, comparisons: dict[str, str], figures: Figures,
                   tolerance: Decimal) -> tuple[Baseline, Baseline, list[Problem]]:
    """上年数 / 比上年增减 and 年初预算数 / 比年初预算增减 → baselines in 元, checked."""
    problems: list[Problem] = []
    phrases = Phrases(Style())
    out = []
    for direct_key, change_key in (("上年数", "比上年增减"), ("年初预算数", "比年初预算增减")):
        baseline = Baseline()
        direct = _amounts(source, direct_key, unit, comparisons, problems)
        change = _amounts(source, change_key, unit, comparisons, problems)
        for item in sorted(set(direct) | set(change)):
            current = comparison_value(figures.ledger, comparisons, item)
            if item in change:
                derived = current - change[item][0]
                if item in direct:
                    stated, where = direct[item]
                    diff = stated - derived
                    if diff != 0:
                        make = warning if abs(diff) <= tolerance else error
                        problems.append(make(
                            "baseline-mismatch", f"“{direct_key}”与“{change_key}”不一致", location=where,
                            row=item, expected=f"本年数 − 增减数 = {phrases.amount(derived)}",
                            found=phrases.amount(stated)))
                baseline.values[item] = direct[item][0] if item in direct else derived
            else:
                baseline.values[item] = direct[item][0]
        out.append(baseline)
    for key in ("变动原因", "补充说明"):
        raw = source.data.get(key) or {}
        for item in raw if isinstance(raw, dict) else {}:
            if item not in comparisons:
                close = difflib.get_close_matches(item, list(comparisons), n=1, cutoff=0.4)
                problems.append(error(
                    "unknown-item", f"“{key}”中不认识的项目“{item}”（这段文字不会出现在文档中）",
                    location=source.loc((key, item)),
                    hint=f"是否想写“{close[0]}”？" if close else "可用的项目：" + "、".join(comparisons)))
    return out[0], out[1], problems


def _amounts(source: Source, key: str, unit: str, comparisons: dict[str, str],
             problems: list[Problem]) -> dict[str, tuple[Decimal, Location]]:
    raw = source.data.get(key) or {}
    out: dict[str, tuple[Decimal, Location]] = {}
    if not isinstance(raw, dict):
        return out  # the schema reports the type
    for item, value in raw.items():
        where = source.loc((key, item))
        if item not in comparisons:
            close = difflib.get_close_matches(item, list(comparisons), n=1, cutoff=0.4)
            problems.append(error("unknown-item", f"“{key}”中不认识的项目“{item}”", location=where,
                                  hint=f"是否想写“{close[0]}”？" if close else
                                  "可用的项目：" + "、".join(comparisons)))
            continue
        try:
            amount = to_yuan(parse_amount(value), unit)
        except AmountError as e:
            problems.append(error("bad-amount", str(e), location=where, row=item))
            continue
        if key in ("上年数", "年初预算数") and amount < 0:
            problems.append(error("negative", "金额不能为负数", location=where, row=item))
            continue
        out[item] = (amount, where)
    return out
