"""第三部分 情况说明: the template functions that turn figures into sentences.

Templates call these by their Chinese names (比上年, 完成, 占, 金额, …). Every amount,
difference, ratio and direction word comes from here; the department supplies only reasons
and counts. Each table figure a template cites is recorded (key, printed text), so the
generated document can be checked against its own tables (`gen-report verify`).

Comparison items (比较项) and their baselines (上年数, 年初预算数) are read and evaluated by
baselines.py; this module only phrases them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import jinja2

from .baselines import Baseline, comparison_value
from .figures import Figures
from .phrases import Phrases, Style

_SINGLE_KEY = re.compile(r"^[^\s+\-]+$")


class Narrative:
    def __init__(self, figures: Figures, comparisons: dict[str, str], style: Style,
                 last_year: Baseline, budget: Baseline, reasons: dict[str, str],
                 notes: dict[str, str]) -> None:
        self.figures = figures
        self.ledger = figures.ledger
        self.comparisons = comparisons
        self.phrases = Phrases(style)
        self.last_year = last_year
        self.budget = budget
        self.reasons = reasons
        self.notes = notes
        self.citations: list[tuple[str, str]] = []  # (figure key, number as printed)
        self.missing: list[str] = []

    # -- values ---------------------------------------------------------------------------
    def value(self, x: Any) -> Decimal:
        """A figure: a Decimal in 元, a ledger expression, or a comparison item's name."""
        return comparison_value(self.ledger, self.comparisons, x)

    def cite(self, x: Any, printed: str) -> None:
        text = self.comparisons.get(x, x) if isinstance(x, str) else None
        if text and _SINGLE_KEY.match(text) and text in self.ledger.figures:
            self.citations.append((text, printed))

    def base(self, which: Baseline, item: str, label: str) -> Decimal:
        if item not in which.values:
            self.missing.append(f"{label}“{item}”")
            return Decimal(0)
        return which.values[item]

    # -- template functions ---------------------------------------------------------------
    def functions(self) -> dict[str, Any]:
        p = self.phrases

        def section(ctx: jinja2.runtime.Context) -> str | None:
            value = ctx.get("节")
            return str(value) if value else None

        def amount(x: Any) -> str:
            v = self.value(x)
            text = p.amount(v)
            self.cite(x, p.number(v))
            return text

        def number(x: Any) -> str:
            v = self.value(x)
            self.cite(x, p.number(v))
            return p.number(v)

        @jinja2.pass_context
        def vs_last_year(ctx: jinja2.runtime.Context, item: str, 基准: str = "上年决算数") -> str:
            return p.change(self.value(item), self.base(self.last_year, item, "上年数"), 基准, section(ctx))

        @jinja2.pass_context
        def vs_budget(ctx: jinja2.runtime.Context, item: str, 基准: str = "年初预算数") -> str:
            return p.change(self.value(item), self.base(self.budget, item, "年初预算数"), 基准, section(ctx))

        @jinja2.pass_context
        def completion(ctx: jinja2.runtime.Context, actual: Any, budget: Any, 名: str = "预算") -> str:
            b = self.value(budget)
            self.cite(budget, p.number(b))
            return p.completion(self.value(actual), b, section(ctx), 名)

        @jinja2.pass_context
        def completion_rate(ctx: jinja2.runtime.Context, actual: Any, budget: Any) -> str:
            return p.completion_rate(self.value(actual), self.value(budget), section(ctx))

        @jinja2.pass_context
        def share(ctx: jinja2.runtime.Context, part: Any, whole: Any) -> str:
            return p.share(self.value(part), self.value(whole), section(ctx))

        def compare_last_year(item: str) -> str:
            return p.compare_word(self.value(item), self.base(self.last_year, item, "上年数"))

        def compare_budget(actual: Any, budget: Any) -> str:
            return p.compare_word(self.value(actual), self.value(budget))

        def reason(item: str, 前缀: str = "主要变动情况：") -> str:
            text = self.reasons.get(item, "").strip()
            return f"{前缀}{_sentence(text)}" if text else ""

        def note(item: str) -> str:
            return _sentence(self.notes.get(item, "").strip())

        def mention(item: str) -> bool:
            """Whether a list names this item: always, unless the style leaves out items that
            are zero this year and were zero last year (or in the budget)."""
            if p.style.mention_zero_items or self.value(item) != 0:
                return True
            return any(b.values.get(item, Decimal(0)) != 0 for b in (self.last_year, self.budget))

        def last_year_value(item: str) -> Decimal:
            return self.base(self.last_year, item, "上年数")

        def budget_value(item: str) -> Decimal:
            return self.base(self.budget, item, "年初预算数")

        return {
            "值": self.value, "金额": amount, "数": number, "比上年": vs_last_year, "比年初预算": vs_budget,
            "完成": completion, "完成率": completion_rate, "占": share, "比上年比较词": compare_last_year,
            "比较词": compare_budget, "原因": reason, "说明": note, "上年": last_year_value,
            "预算": budget_value, "非零": lambda x: self.value(x) != 0, "提及": mention,
        }


def _sentence(text: str) -> str:
    """A reason as a sentence: ends with one full stop, never "。。"."""
    text = text.rstrip("。；;，, ")
    return text + "。" if text else ""
