"""第三部分 情况说明: the template functions that turn figures into sentences.

Templates call these by their Chinese names (比上年, 完成, 占, 金额, …). Every amount,
difference, ratio and direction word comes from here; the department supplies only reasons
and counts. Each table figure a template cites is recorded (key, printed text), so the
generated document can be checked against its own tables (`gen-report verify`).

Comparison items (比较项) are named in the profile with the expression of this year's
figure; last year's figure and the start-of-year budget come from the input, given either
directly (上年数 / 年初预算数) or as the change (比上年增减 / 比年初预算增减).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import jinja2

from .amounts import AmountError, parse_amount, to_yuan
from .errors import Location, Problem, error, warning
from .figures import ClassifiedRows, Figures
from .ledger import parse_expr
from .load import Source
from .phrases import Phrases, Style

_SINGLE_KEY = re.compile(r"^[^\s+\-]+$")
LAST_YEAR = "上年"


@dataclass(frozen=True)
class BaselineSpec:
    """One figure a sentence compares with: last year's, or a budget the profile names
    (年初预算, 全年预算, 上年预算执行数 …), with the input keys that give it and its words."""

    name: str  # 上年 / 年初预算 / 全年预算
    key: str  # the input key giving it directly: 上年数 / 年初预算数
    change_key: str | None  # the input key giving the change instead: 比上年增减
    against: str  # "比{against}增加…": 上年决算数 / 年初预算数
    completion: str  # "完成{completion}的…": 年初预算 / 全年预算数


DEFAULT_BASELINES = {
    LAST_YEAR: BaselineSpec(LAST_YEAR, "上年数", "比上年增减", "上年决算数", "上年决算数"),
    "年初预算": BaselineSpec("年初预算", "年初预算数", "比年初预算增减", "年初预算数", "年初预算"),
}


def baseline_specs(declared: dict[str, Any] | None = None) -> dict[str, BaselineSpec]:
    """上年 always; the profile's 基准 (default: 年初预算 only). `declared` maps a name to the
    profile's BaselineModel (录入键, 增减键, 比较措辞, 完成措辞) or None (all defaults)."""
    if not declared:
        return dict(DEFAULT_BASELINES)
    out = {LAST_YEAR: DEFAULT_BASELINES[LAST_YEAR]}
    for name, m in declared.items():
        default = DEFAULT_BASELINES.get(name)
        key = (m and m.key) or (default.key if default else f"{name}数")
        out[name] = BaselineSpec(
            name, key, (m and m.change_key) or (default.change_key if default else None),
            (m and m.against) or (default.against if default else key),
            (m and m.completion) or (default.completion if default else key))
    return out


@dataclass
class Baseline:
    """One baseline's figures in 元: by comparison item name, or by ledger key for a
    科目 row ("支出决算表.2013750.本年支出合计"). `fallback` answers keys the input leaves
    out (last year's file, `--prev`)."""

    values: dict[str, Decimal] = field(default_factory=dict)
    fallback: Callable[[str], Decimal | None] | None = None

    def get(self, key: str, comparisons: dict[str, str]) -> Decimal | None:
        if key in self.values:
            return self.values[key]
        expr = comparisons.get(key)
        if expr is not None and expr in self.values:
            return self.values[expr]
        if expr is None:  # a ledger key: stated under the name of the item it is
            for name, text in comparisons.items():
                if text == key and name in self.values:
                    return self.values[name]
        if self.fallback is not None:
            return self.fallback(expr or key)
        return None


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
        self.specs = specs or baseline_specs()
        self.baselines = {name: Baseline() for name in self.specs}
        self.baselines.update(baselines or {})
        self.texts = texts or Texts()
        self.profile = profile
        self.citations: list[tuple[str, str]] = []  # (figure key, number as printed)
        self.missing: list[str] = []
        base = style.completion_base
        self.default_budget = base if base in self.specs else next(
            (n for n in self.specs if n != LAST_YEAR), LAST_YEAR)

    # -- values ---------------------------------------------------------------------------
    def value(self, x: Any) -> Decimal:
        """A figure: a Decimal in 元, a ledger expression, or a comparison item's name."""
        if isinstance(x, Decimal):
            return x
        if isinstance(x, int):
            return Decimal(x)
        text = str(x)
        if text in self.comparisons:
            text = self.comparisons[text]
        return self.ledger.evaluate(parse_expr(text, lambda t: t if self.ledger.knows(t) else None))

    def cite(self, x: Any, printed: str) -> None:
        text = self.comparisons.get(x, x) if isinstance(x, str) else None
        if text and _SINGLE_KEY.match(text) and text in self.ledger.figures:
            self.citations.append((text, printed))

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
            self.missing.append(f"{label or spec.key}“{item}”")
            return Decimal(0)
        return found

    def has_base(self, name: str, item: str) -> bool:
        return self.baselines[self.spec(name).name].get(item, self.comparisons) is not None

    # -- sentences shared by named items and table rows -----------------------------------
    def change(self, item: str, name: str, words: str | None, section: str | None) -> str:
        spec = self.spec(name)
        return self.phrases.change(self.value(item), self.base(name, item), words or spec.against, section)

    def completion_of(self, item: str, name: str, words: str | None, section: str | None) -> str:
        spec = self.spec(name)
        return self.phrases.completion_named(self.value(item), self.base(name, item),
                                             words or spec.completion, section)

    def completion_rate_of(self, item: str, name: str, section: str | None) -> str:
        return self.phrases.completion_rate(self.value(item), self.base(name, item), section)

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
            return p.compare_word(self.value(item), self.base(LAST_YEAR, item))

        def compare_budget(actual: Any, budget: Any) -> str:
            return p.compare_word(self.value(actual), self.value(budget))

        def reason(item: str, 前缀: str = "主要变动情况：") -> str:
            text = self.texts.reasons.get(item, "").strip()
            return f"{前缀}{_sentence(text)}" if text else ""

        def note(item: str) -> str:
            return _sentence(self.texts.notes.get(item, "").strip())

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

        from .rows import row_functions

        return {
            "值": self.value, "金额": amount, "数": number, "比上年": vs_last_year, "比年初预算": vs_budget,
            "比": vs_named, "完成基准": completion_named, "基准金额": baseline_amount,
            "基准值": budget_value,
            "完成": completion, "完成率": completion_rate, "占": share, "比上年比较词": compare_last_year,
            "比较词": compare_budget, "原因": reason, "说明": note, "上年": last_year_value,
            "预算": budget_value, "非零": lambda x: self.value(x) != 0, "提及": mention,
            **row_functions(self),
        }


class TemplateVocabularyError(ValueError):
    """A template asked for something the vocabulary does not have (a baseline, a table, a
    column); text.py reports it in Chinese at the template's file and line."""


def _sentence(text: str) -> str:
    """A reason as a sentence: ends with one full stop, never "。。"."""
    text = text.rstrip("。；;，, ")
    return text + "。" if text else ""


def read_baselines(source: Source, unit: str, profile: Any, figures: Figures,
                   tolerance: Decimal) -> tuple[dict[str, Baseline], list[Problem]]:
    """Each baseline's figures (上年数 / 比上年增减, 年初预算数 / 比年初预算增减, and any the
    profile names) in 元, checked; by comparison item or by 科目 code."""
    problems: list[Problem] = []
    comparisons = profile.model.comparisons
    keys = CodeKeys(profile, figures)
    narrative = Narrative(figures, comparisons, Style())
    out: dict[str, Baseline] = {}
    for spec in baseline_specs(profile.model.baselines).values():
        baseline = Baseline()
        direct = _amounts(source, spec.key, unit, keys, problems, negative_ok=False)
        change = _amounts(source, spec.change_key, unit, keys, problems) if spec.change_key else {}
        for item in sorted(set(direct) | set(change)):
            if item in change:
                current = narrative.value(item) if keys.exists(item) else Decimal(0)
                derived = current - change[item][0]
                if item in direct:
                    stated, where = direct[item]
                    diff = stated - derived
                    if diff != 0:
                        make = warning if abs(diff) <= tolerance else error
                        problems.append(make(
                            "baseline-mismatch", f"“{spec.key}”与“{spec.change_key}”不一致", location=where,
                            row=item, expected=f"本年数 − 增减数 = {narrative.phrases.amount(derived)}",
                            found=narrative.phrases.amount(stated)))
                baseline.values[item] = direct[item][0] if item in direct else derived
            else:
                baseline.values[item] = direct[item][0]
        out[spec.name] = baseline
    for key in TEXT_KEYS:
        raw = source.data.get(key) or {}
        for item in raw if isinstance(raw, dict) else {}:
            if item in comparisons or keys.code_row(item):
                continue
            close = difflib.get_close_matches(item, list(comparisons), n=1, cutoff=0.4)
            problems.append(error(
                "unknown-item", f"“{key}”中不认识的项目“{item}”（这段文字不会出现在文档中）",
                location=source.loc((key, item)),
                hint=f"是否想写“{close[0]}”？" if close else
                "可用的项目：" + "、".join(comparisons) + "；或写科目编码（如 2010301）"))
    return out, problems


TEXT_KEYS = ("变动原因", "补充说明", "用途")


def baseline_input_keys(profile: Any) -> list[str]:
    """The input keys baselines are given under (上年数, 比上年增减, 全年预算数 …)."""
    out = []
    for spec in baseline_specs(profile.model.baselines).values():
        out += [spec.key] + ([spec.change_key] if spec.change_key else [])
    return out


class CodeKeys:
    """How an input names a 科目 row's figure in 上年数 / 年初预算数 / 变动原因:
    a code ("2010301": the profile's 按科目比较 table and column), "表.编码" or "表.编码.列"
    (any 功能分类 / 经济分类 data section), each normalised to the ledger key."""

    def __init__(self, profile: Any, figures: Figures) -> None:
        self.profile = profile
        self.figures = figures
        self.data = profile.model.data
        default = getattr(profile.model, "code_baseline", None)
        classified = [n for n, s in self.data.items() if s.form == "功能分类"]
        section = (default.data if default else None) or next(
            (n for n in classified if "一般公共预算" in n), classified[0] if classified else None)
        self.default_section = section
        self.default_column = (default.column if default and default.column else None) or (
            next(iter(self.data[section].columns)) if section else None)

    def is_section(self, name: str) -> bool:
        return name in self.data and self.data[name].form in ("功能分类", "经济分类")

    def normalise(self, raw: str) -> tuple[str | None, str]:
        """(ledger key, "") or (None, why not)."""
        parts = raw.split(".")
        if _CODE.match(parts[0]):
            if self.default_section is None or len(parts) > 2:
                return None, "科目编码前应写表名，如“支出决算表.2010301”"
            parts = [self.default_section, *parts] if len(parts) == 2 else [
                self.default_section, parts[0]]
        section = parts[0]
        if not self.is_section(section):
            return None, ""
        spec = self.data[section]
        if len(parts) < 2 or not _CODE.match(parts[1]):
            return None, f"“{section}”后应为科目编码"
        code = parts[1]
        catalogue = self.profile.catalogues.get(spec.form)
        rows = self.figures.rows.get(section)
        known = (catalogue is not None and code in catalogue.names) or (rows is not None and code in rows.names)
        if not known:
            return None, f"科目编码 {code} 不在{spec.form}科目目录中"
        if spec.form == "经济分类":
            return (f"{section}.{code}", "") if len(parts) == 2 else (None, "经济分类科目不分列")
        column = parts[2] if len(parts) > 2 else (
            self.default_column if section == self.default_section else next(iter(spec.columns)))
        if column not in spec.columns or len(parts) > 3:
            return None, f"“{section}”没有列“{column}”，可用：" + "、".join(spec.columns)
        return f"{section}.{code}.{column}", ""

    def code_row(self, raw: str) -> bool:
        """A text key naming a 科目 row: a code (any classified section) or "表.编码"."""
        parts = raw.split(".")
        if len(parts) == 1:
            return bool(_CODE.match(raw)) and any(raw in r.names for r in self.figures.rows.values())
        return len(parts) == 2 and self.is_section(parts[0]) and parts[1] in self.figures.rows.get(
            parts[0], ClassifiedRows()).names

    def exists(self, key: str) -> bool:
        return key in self.profile.model.comparisons or self.figures.ledger.knows(key)


_CODE = re.compile(r"^[0-9]+$")


def flat_entries(raw: Any, is_section: Callable[[str], bool] | None = None) -> list[tuple[str, Any, tuple[str, ...]]]:
    """上年数's entries with nested tables and columns flattened to dotted names, each with
    its path in the input: {支出决算表: {"2010301": {项目支出: 5}}} → ("支出决算表.2010301.项目支出",
    5, (…)); {"2010301": 5} stays. `is_section` tells a table's name (default: any mapping
    whose keys are codes)."""
    if not isinstance(raw, dict):
        return []
    out = []
    for item, value in raw.items():
        nested = isinstance(value, dict) and (
            _CODE.match(item) or (is_section(item) if is_section else all(_CODE.match(k) for k in value)))
        if not nested:
            out.append((item, value, (item,)))
            continue
        for sub, v in value.items():
            if isinstance(v, dict) and not _CODE.match(item):
                out += [(f"{item}.{sub}.{col}", x, (item, sub, col)) for col, x in v.items()]
            else:
                out.append((f"{item}.{sub}", v, (item, sub)))
    return out


def _amounts(source: Source, key: str, unit: str, keys: CodeKeys, problems: list[Problem],
             negative_ok: bool = True) -> dict[str, tuple[Decimal, Location]]:
    raw = source.data.get(key) or {}
    out: dict[str, tuple[Decimal, Location]] = {}
    if not isinstance(raw, dict):
        problems.append(error("not-mapping", f"“{key}”应为“项目: 金额”形式的键值表",
                              location=source.loc((key,))))
        return out
    comparisons = keys.profile.model.comparisons
    for item, value, path in flat_entries(raw, keys.is_section):
        where = source.loc((key, *path))
        if item in comparisons:
            name = item
        else:
            name, why = keys.normalise(item)
            if name is None:
                close = difflib.get_close_matches(item, list(comparisons), n=1, cutoff=0.4)
                problems.append(error(
                    "unknown-item", f"“{key}”中不认识的项目“{item}”" + (f"：{why}" if why else ""),
                    location=where, hint=f"是否想写“{close[0]}”？" if close else
                    "可用的项目：" + "、".join(comparisons) + "；或写科目编码（如 2010301、支出决算表.2010301）"))
                continue
        try:
            amount = to_yuan(parse_amount(value), unit)
        except AmountError as e:
            problems.append(error("bad-amount", str(e), location=where, row=item))
            continue
        if not negative_ok and amount < 0:
            problems.append(error("negative", "金额不能为负数", location=where, row=item))
            continue
        if name in out:
            problems.append(error("duplicate-key", f"“{key}”中“{item}”与前面的项重复", location=where))
            continue
        out[name] = (amount, where)
    return out
