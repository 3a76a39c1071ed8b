"""This year's figures against last year's and the budgets (compute stage).

Comparison items (比较项) are named in the profile with the expression of this year's
figure. Each baseline — 上年 and each 基准 the profile names (年初预算, 全年预算 …,
profiles.baseline_specs) — comes from the input, given directly (上年数 / 年初预算数 /
全年预算数) or as the change (比上年增减 / 比年初预算增减), by comparison item or by 科目
code ("2010301", "支出决算表.2010301", "支出决算表.2010301.项目支出"); `--prev` fills 上年
by code too (last_year.py). `comparison_value` is the one evaluator of a 比较项: narrative,
charts, checks and the batch summary all ask it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .amounts import AmountError, parse_amount, to_yuan
from .errors import Location, Problem, a_few, error, warning
from .excel_layout import TEXT_KEYS
from .figures import ClassifiedRows, Figures
from .ledger import InvalidFigure, Ledger, ProfileFormulaError
from .load import Source
from .phrases import Phrases, Style
from .profiles import Profile, baseline_specs


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
    return ledger.evaluate_text(text)


def comparison_known(ledger: Ledger, comparisons: dict[str, str], x: Any) -> bool:
    """Whether `comparison_value` can evaluate `x` here (a profile without 国有资本经营预算
    lacks those figures; the batch summary and templates then leave the item out)."""
    try:
        comparison_value(ledger, comparisons, x)
    except (ProfileFormulaError, KeyError):
        return False
    return True


def read_baselines(source: Source, unit: str, profile: Profile, figures: Figures,
                   tolerance: Decimal) -> tuple[dict[str, Baseline], list[Problem]]:
    """Each baseline's figures (上年数 / 比上年增减, 年初预算数 / 比年初预算增减, and any the
    profile names) in 元, checked; by comparison item or by 科目 code."""
    problems: list[Problem] = []
    comparisons = profile.model.comparisons
    keys = CodeKeys(profile, figures)
    phrases = Phrases(Style())
    out: dict[str, Baseline] = {}
    for spec in baseline_specs(profile.model).values():
        baseline = Baseline()
        direct = _amounts(source, spec.key, unit, keys, problems, negative_ok=False)
        change = _amounts(source, spec.change_key, unit, keys, problems) if spec.change_key else {}
        stated_at = {item: where for item, (_, where) in {**change, **direct}.items()}
        for item in sorted(set(direct) | set(change)):
            if item in change:
                try:
                    current = comparison_value(figures.ledger, comparisons, item) if keys.exists(item) else Decimal(0)
                except InvalidFigure:  # this year's figure could not be read: reported where it is
                    continue
                derived = current - change[item][0]
                if item in direct:
                    stated, where = direct[item]
                    diff = stated - derived
                    if diff != 0:
                        make = warning if abs(diff) <= tolerance else error
                        problems.append(make(
                            "baseline-mismatch", f"“{spec.key}”与“{spec.change_key}”不一致", location=where,
                            row=item, expected=f"本年数 − 增减数 = {phrases.amount(derived)}",
                            found=phrases.amount(stated)))
                baseline.values[item] = direct[item][0] if item in direct else derived
            else:
                baseline.values[item] = direct[item][0]
        problems += derive_parents(baseline, stated_at, figures, spec.key, tolerance)
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
                "可用的项目：" + a_few(item, comparisons) + "；或写科目编码（如 2010301）"))
    return out, problems


_WIDTHS = (7, 5, 3)  # 项 款 类 (经济分类: 款 类)


def derive_parents(baseline: Baseline, stated_at: dict[str, Location], figures: Figures, key: str,
                   tolerance: Decimal) -> list[Problem]:
    """A 类 or 款 row's baseline is the sum of its rows' (principle 1: typed once): given
    by 项 only, the 款 and 类 follow; given at both levels, they are checked. A parent is
    derived only when every row under it has the figure (this year's rows that are not zero,
    and any row the input gives the figure for: last year's 科目 that this year lacks), never
    from a part."""
    problems: list[Problem] = []
    phrases = Phrases(Style())
    groups: dict[tuple[str, str], dict[str, str]] = {}  # (section, column) → code → ledger key
    for item in baseline.values:
        parts = item.split(".")
        rows = figures.rows.get(parts[0])
        if rows is None or len(parts) < 2 or not _CODE.match(parts[1]):
            continue
        groups.setdefault((parts[0], ".".join(parts[2:])), {})[parts[1]] = item
    for (section, column), given in groups.items():
        def key_of(code: str, section: str = section, column: str = column) -> str:
            return ".".join(p for p in (section, code, column) if p)

        ledger = figures.ledger
        # this year's rows with a figure (an 经济分类 table lists its whole catalogue, zeros too)
        codes = set(given) | {c for c in figures.rows[section].codes
                              if ledger.knows(key_of(c)) and ledger.value(key_of(c)) != 0}
        for width in _WIDTHS[1:]:
            codes |= {c[:width] for c in codes if len(c) > width}
        for child, parent in ((7, 5), (5, 3)):
            for code in sorted(c for c in codes if len(c) == parent):
                children = sorted(c for c in codes if len(c) == child and c.startswith(code))
                known = [baseline.values.get(key_of(c)) for c in children]
                if not children or any(v is None for v in known):
                    continue
                total = sum(known, Decimal(0))  # type: ignore[arg-type]
                stated = baseline.values.get(key_of(code))
                if stated is None:
                    baseline.values[key_of(code)] = total
                    continue
                if stated != total:
                    make = warning if abs(stated - total) <= tolerance else error
                    problems.append(make(
                        "baseline-sum", f"“{key}”中 {code} 与其下级科目之和不一致",
                        location=stated_at.get(key_of(code), Location()), row=key_of(code),
                        expected=f"{'、'.join(children)} 之和 {phrases.amount(total)}", found=phrases.amount(stated),
                        hint="上年有、本年没有的科目也请填写其上年数；或只填下级科目，上级由程序推算"))
    return problems


class CodeKeys:
    """How an input names a 科目 row's figure in 上年数 / 年初预算数 / 变动原因:
    a code ("2010301": the profile's 按科目比较 table and column), "表.编码" or "表.编码.列"
    (any 功能分类 / 经济分类 data section), each normalised to the ledger key."""

    def __init__(self, profile: Profile, figures: Figures) -> None:
        self.profile = profile
        self.figures = figures
        self.data = profile.model.data
        default = getattr(profile.model, "code_baseline", None)
        classified = [n for n, s in self.data.items() if s.form == "功能分类"]
        section = (default.data if default else None) or (classified[0] if classified else None)
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
                    "可用的项目：" + a_few(item, comparisons) + "；或写科目编码（如 2010301、支出决算表.2010301）"))
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
