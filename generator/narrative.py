"""第三部分 情况说明: the template functions that turn figures into sentences.

Templates call these by their Chinese names (比上年, 比, 完成基准, 占, 金额, 行, …). Every amount,
difference, ratio and direction word comes from here; the department supplies only reasons
and counts. Each table figure a template cites is recorded (key, printed text), so the
generated document can be checked against its own tables (`gen-report verify`).

Rendering a template with these functions gives a `NarrativeText`: the text together with
the figures it cites and the baseline figures it needed but the input lacks. Jinja calls the
functions while it writes the text, so each call notes what it printed in the record of the
render in progress (`Narrative.rendered`), and that render returns the record with its text.

Comparison items (比较项) and their baselines (上年 and each 基准 the profile names) are read
and evaluated by baselines.py; this module only phrases them. A table's rows (行(…)) are in
rows.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import jinja2

from .baselines import Baseline, comparison_value
from .figures import Figures
from .phrases import Phrases, Style
from .profiles import DEFAULT_BASELINES, LAST_YEAR, BaselineSpec
from .rows import TemplateVocabularyError, row_functions, sentence

_SINGLE_KEY = re.compile(r"^[^\s+\-]+$")
_ZERO = Decimal(0)


Citation = tuple[str, str]  # (figure key, number as printed)


@dataclass(frozen=True)
class Ratio:
    """A percentage the text prints and the figures it was computed from, so that verify can
    recompute it from the tables: kind "change" is |a − b| / |b| (增长/下降 of `a` against its
    baseline `b`), "ratio" is a / b (占, 完成). Each figure is a ledger key ("" for a baseline
    figure no key names) with its exact value in 元; `phrase` is the text that prints it."""

    phrase: str
    text: str  # "87.2%"
    places: int
    kind: str
    a_key: str
    a: Decimal
    b_key: str
    b: Decimal


@dataclass(frozen=True)
class NarrativeText:
    """One rendered template: its text, the table figures it cites in the order it prints them
    (verify.py checks each against its table cell), and the baseline figures it needed that
    the input lacks (the run stops and lists them)."""

    text: str
    citations: tuple[Citation, ...] = ()
    missing: tuple[str, ...] = ()
    ratios: tuple[Ratio, ...] = ()


@dataclass
class _Record:
    citations: list[Citation] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)


@dataclass
class Texts:
    """The department's words by comparison item or 科目 code: 变动原因, 补充说明, 用途."""

    reasons: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    purposes: dict[str, str] = field(default_factory=dict)


class Narrative:
    def __init__(self, figures: Figures, comparisons: dict[str, str], style: Style,
                 baselines: dict[str, Baseline] | None = None, texts: Texts | None = None,
                 specs: dict[str, BaselineSpec] | None = None, profile: Any = None) -> None:
        self.figures = figures
        self.ledger = figures.ledger
        self.comparisons = comparisons
        self.phrases = Phrases(style)
        self.specs = specs or dict(DEFAULT_BASELINES)
        self.baselines = {name: Baseline() for name in self.specs}
        self.baselines.update(baselines or {})
        self.texts = texts or Texts()
        self.profile = profile
        self._record = _Record()  # of the render in progress (see rendered)
        self._keys: dict[str, str] = {}  # key_of
        base = style.completion_base
        self.default_budget = base if base in self.specs else next(
            (n for n in self.specs if n != LAST_YEAR), LAST_YEAR)

    # -- values ---------------------------------------------------------------------------
    def value(self, x: Any) -> Decimal:
        """A figure: a Decimal in 元, a ledger expression, or a comparison item's name."""
        key = self.key_of(x)
        if key:  # one figure the ledger has (most calls): what comparison_value's evaluate_text
            return _ZERO + self.ledger.value(key)  # gives for its one term, without parsing the text
        return comparison_value(self.ledger, self.comparisons, x)

    def rendered(self, render: Callable[[], str]) -> NarrativeText:
        """Run `render` (a template rendered with `functions()`) and return its text with what
        its function calls cited and found missing: those of this render only."""
        self._record = record = _Record()
        try:
            text = render()
        finally:
            self._record = _Record()
        return NarrativeText(text, tuple(record.citations), tuple(record.missing),
                             tuple(_in_context(text, record.ratios)))

    def key_of(self, x: Any) -> str:
        """The table figure's key `x` names (itself, or a comparison item's), else ""."""
        if not isinstance(x, str):
            return ""
        key = self._keys.get(x)
        if key is None:  # the figures and comparison items stay as they are while texts render
            text = self.comparisons.get(x, x)
            key = self._keys[x] = text if text and _SINGLE_KEY.match(text) and text in self.ledger.figures else ""
        return key

    def cite(self, x: Any, printed: str) -> None:
        """Note that the text prints `printed` for figure `x` (a table figure's key, or a
        comparison item that names one)."""
        if key := self.key_of(x):
            self._record.citations.append((key, printed))

    def percent(self, phrase: Callable[[], str], kind: str, a_x: Any, a: Decimal, b_x: Any,
                b: Decimal) -> str:
        """`phrase()`, noting the percentage it prints (if any) with the figures it came from."""
        self.phrases.last_percent = None
        text = phrase()
        if self.phrases.last_percent is not None:
            printed, places = self.phrases.last_percent
            self._record.ratios.append(Ratio(text, printed, places, kind, self.key_of(a_x), a,
                                             self.key_of(b_x), b))
        return text

    def spec(self, name: str) -> BaselineSpec:
        if name not in self.specs:
            raise TemplateVocabularyError(f"没有名为“{name}”的比较基准，可用：" + "、".join(self.specs))
        return self.specs[name]

    def base(self, name: str, item: str, label: str | None = None) -> Decimal:
        """Baseline `name`'s figure for a comparison item or a ledger key; a missing one is
        recorded (the run stops with every missing figure listed) and reads as 0."""
        spec = self.spec(name)
        found = self.baselines[name].get(item, self.comparisons)
        if found is None:
            self._record.missing.append(f"{label or spec.key}“{item}”")
            return Decimal(0)
        return found

    def has_base(self, name: str, item: str) -> bool:
        return self.baselines[self.spec(name).name].get(item, self.comparisons) is not None

    # -- sentences shared by named items and table rows -----------------------------------
    def change(self, item: str, name: str, words: str | None, section: str | None) -> str:
        spec = self.spec(name)
        a, b = self.value(item), self.base(name, item)
        return self.percent(lambda: self.phrases.change(a, b, words or spec.against, section),
                            "change", item, a, None, b)

    def completion_of(self, item: str, name: str, words: str | None, section: str | None) -> str:
        spec = self.spec(name)
        a, b = self.value(item), self.base(name, item)
        return self.percent(lambda: self.phrases.completion_named(a, b, words or spec.completion, section),
                            "ratio", item, a, None, b)

    def completion_rate_of(self, item: str, name: str, section: str | None) -> str:
        a, b = self.value(item), self.base(name, item)
        return self.percent(lambda: self.phrases.completion_rate(a, b, section), "ratio", item, a, None, b)

    # -- template functions ---------------------------------------------------------------
    def functions(self) -> dict[str, Any]:
        p = self.phrases
        default_budget = self.default_budget

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
        def vs_last_year(ctx: jinja2.runtime.Context, item: str, 基准: str | None = None) -> str:
            return self.change(item, LAST_YEAR, 基准, section(ctx))

        @jinja2.pass_context
        def vs_budget(ctx: jinja2.runtime.Context, item: str, 基准: str | None = None) -> str:
            return self.change(item, "年初预算", 基准, section(ctx))

        @jinja2.pass_context
        def vs_named(ctx: jinja2.runtime.Context, item: str, 基准名: str = LAST_YEAR,
                     措辞: str | None = None) -> str:
            return self.change(item, 基准名, 措辞, section(ctx))

        @jinja2.pass_context
        def completion_named(ctx: jinja2.runtime.Context, item: str, 基准名: str | None = None,
                             措辞: str | None = None) -> str:
            return self.completion_of(item, 基准名 or default_budget, 措辞, section(ctx))

        @jinja2.pass_context
        def completion(ctx: jinja2.runtime.Context, actual: Any, budget: Any, 名: str = "预算") -> str:
            a, b = self.value(actual), self.value(budget)
            self.cite(budget, p.number(b))
            return self.percent(lambda: p.completion(a, b, section(ctx), 名), "ratio", actual, a, budget, b)

        @jinja2.pass_context
        def completion_rate(ctx: jinja2.runtime.Context, actual: Any, budget: Any) -> str:
            a, b = self.value(actual), self.value(budget)
            return self.percent(lambda: p.completion_rate(a, b, section(ctx)), "ratio", actual, a, budget, b)

        @jinja2.pass_context
        def share(ctx: jinja2.runtime.Context, part: Any, whole: Any) -> str:
            a, b = self.value(part), self.value(whole)
            return self.percent(lambda: p.share(a, b, section(ctx)), "ratio", part, a, whole, b)

        def compare_last_year(item: str) -> str:
            return p.compare_word(self.value(item), self.base(LAST_YEAR, item))

        def compare_budget(actual: Any, budget: Any) -> str:
            return p.compare_word(self.value(actual), self.value(budget))

        def reason(item: str, 前缀: str = "主要变动情况：") -> str:
            text = self.texts.reasons.get(item, "").strip()
            return f"{前缀}{sentence(text)}" if text else ""

        def note(item: str) -> str:
            return sentence(self.texts.notes.get(item, "").strip())

        def mention(item: str) -> bool:
            """Whether a list names this item: always, unless the style leaves out items that
            are zero this year and were zero last year (or in any budget)."""
            if p.style.mention_zero_items or self.value(item) != 0:
                return True
            return any((b.get(item, self.comparisons) or 0) != 0 for b in self.baselines.values())

        def last_year_value(item: str) -> Decimal:
            return self.base(LAST_YEAR, item)

        def budget_value(item: str, 基准名: str | None = None) -> Decimal:
            return self.base(基准名 or "年初预算", item)

        def baseline_amount(item: str, 基准名: str = LAST_YEAR) -> str:
            return p.amount(self.base(基准名, item))

        return {
            "值": self.value, "金额": amount, "数": number, "比上年": vs_last_year, "比年初预算": vs_budget,
            "比": vs_named, "完成基准": completion_named, "基准金额": baseline_amount,
            "基准值": budget_value,
            "完成": completion, "完成率": completion_rate, "占": share, "比上年比较词": compare_last_year,
            "比较词": compare_budget, "原因": reason, "说明": note, "上年": last_year_value,
            "预算": budget_value, "非零": lambda x: self.value(x) != 0, "提及": mention,
            **row_functions(self),
        }


_CLAUSE_ENDS = "\n。；！？"


def _in_context(text: str, ratios: list[Ratio]) -> list[Ratio]:
    """Each percentage's phrase widened to its sentence up to the phrase (found in print
    order), so that verify can point at the right paragraph when a bare "100%" recurs."""
    out, at = [], 0
    for r in ratios:
        pos = text.find(r.phrase, at)
        if pos < 0:  # printed out of order (a template may hold a phrase in a variable)
            out.append(r)
            continue
        start = max(text.rfind(end, 0, pos) for end in _CLAUSE_ENDS) + 1  # 0 if none
        at = pos + len(r.phrase)
        out.append(Ratio(text[start:at].strip() or r.phrase, r.text, r.places, r.kind, r.a_key, r.a, r.b_key, r.b))
    return out
