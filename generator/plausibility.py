"""Checks that no identity can make: figures typed in the wrong unit, a detail row of a
财政拨款 table above the all-funds row it belongs to, a 年末结转和结余 that only the
derivation produced. Each returns problems; none raises."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from .errors import Location, Problem, error, warning
from .figures import Figures
from .ledger import Describe, InvalidFigure, Ledger
from .load import Source
from .profiles import Profile

WAN = Decimal(10000)
UNIT_KEY = "金额单位"
# Under 元, an input whose every figure prints below 0.1 万元 was typed in 万元.
SMALL_YUAN = Decimal(1000)
# Against last year's file: 元 read as 万元 (or the reverse) is a ×10,000 jump, times the year's
# real change; a department whose figures really fell to a fifth still shows ×2,000.
UNIT_JUMP, REAL_CHANGE = Decimal(10000), Decimal(5)
JUMP = UNIT_JUMP / REAL_CHANGE
BALANCE = "年末结转和结余"


def unit_note(source: Source, unit: str) -> str:
    """The unit used, said in every check summary: “金额单位：万元（未填写，按默认）”."""
    stated = source.data.get(UNIT_KEY)
    return f"金额单位：{unit}" + ("（按输入中的“金额单位”）" if stated else "（未填写，按默认）")


def _largest(ledger: Ledger) -> tuple[str, Decimal]:
    best_key, best = "", Decimal(0)
    value_of = ledger.value
    for key in ledger.figures:
        try:
            value = abs(value_of(key))
        except (KeyError, ValueError, InvalidFigure):
            continue
        if value > best:
            best_key, best = key, value
    return best_key, best


def unit_problems(profile: Profile, source: Source, figures: Figures, describe: Describe,
                  previous: Figures | None = None) -> list[Problem]:
    """Figures implausible for the unit they are read in are an error naming the unit they look like."""
    ledger, unit = figures.ledger, figures.ledger.unit
    key, top = _largest(ledger)
    if not key:
        return []
    where = source.loc((UNIT_KEY,)) if UNIT_KEY in source.data else Location(file=source.file)
    note = unit_note(source, unit)
    table, row, column = describe(key)
    what = "、".join(x for x in (table, row, column) if x)
    ceiling = profile.model.magnitude_ceiling
    if unit == "万元" and top / WAN > ceiling:
        return [error("unit-implausible", f"金额看起来是以元为单位填写的：最大的数 {ledger.fmt(top)}（{what}）"
                      f"超过了模板“{profile.model.name}”设定的合理上限 {ceiling:,} 万元",
                      location=where, found=note,
                      hint="如果填写的是元，请写上“金额单位: 元”（Excel 录入表：“基本信息”工作表的“金额单位”填“元”）；"
                           "如果确实是万元，请检查是否多填了位数")]
    stated = [abs(f.stated) for f in ledger.figures.values() if f.stated]
    if unit == "元" and stated and max(stated) < SMALL_YUAN:
        return [error("unit-implausible", f"金额看起来是以万元为单位填写的：金额单位是元，但填写的每个数都不到 "
                      f"{SMALL_YUAN:,} 元（印成万元都不到 0.1 万元），最大的是 {ledger.fmt(max(stated))}",
                      location=where, found=note,
                      hint="如果填写的是万元，请把“金额单位”改为“万元”（或删去这一行，默认即万元）")]
    if previous is not None:
        _, before = _largest(previous.ledger)
        if before and top and (top / before >= JUMP or before / top >= JUMP):
            bigger = top > before
            return [error("unit-implausible", f"与上年文件相比，金额{'大' if bigger else '小'}了约 "
                          f"{(top / before if bigger else before / top):,.0f} 倍：本年最大的数 {ledger.fmt(top)}，"
                          f"上年 {previous.ledger.fmt(before)}",
                          location=where, found=note,
                          hint=f"两个文件的金额单位可能不同：本文件{note.removeprefix('金额单位：')}，"
                               f"上年文件按{previous.ledger.unit}。请在两个文件中写明同一个“金额单位”")]
    return []


def _rows(ledger: Ledger, sections: list[str]) -> dict[str, set[str]]:
    """Each section's rows ("2010301", "合计") that have figures, in one pass over the ledger."""
    out: dict[str, set[str]] = {s: set() for s in sections}
    dotted = [s for s in sections if "." in s]  # a name the first "." does not end: matched by prefix
    for k in ledger.figures:
        section, dot, rest = k.partition(".")  # `section` has no ".": never one of `dotted`
        if dot and (rows := out.get(section)) is not None:
            rows.add(rest.split(".", 1)[0])
    for name in dotted:
        prefix = name + "."
        out[name].update(k[len(prefix):].split(".")[0] for k in ledger.figures if k.startswith(prefix))
    return out


def subset_problems(profile: Profile, figures: Figures, describe: Describe,
                    locate: Callable[[str], Location]) -> list[Problem]:
    """Row by row: the 财政拨款 tables never exceed the all-funds table (表5 row ≤ 表3 row, and
    each fund's 类 ≤ the all-funds 类). Only the deepest row is reported: a 项 over its
    all-funds row makes its 款 and 类 over too, and that is one mistake."""
    ledger, data = figures.ledger, profile.model.data
    value, stated_or_derived = ledger.value, ledger.figures
    problems: list[Problem] = []
    for spec in profile.model.subsets:
        if spec.whole not in data:
            continue
        parts = {name: cols for name, cols in spec.parts.items() if name in data}
        rows = _rows(ledger, list(parts)) if parts else {}
        codes: set[str] = set().union(*rows.values())
        # each column of the whole and the (section, column) pairs that make it up, in order
        targets = {whole_col: [(name, col) for name, cols in parts.items()
                               for col, target in cols.items() if target == whole_col]
                   for whole_col in dict.fromkeys(c for cols in parts.values() for c in cols.values())}
        reported: set[tuple[str, str]] = set()
        for code in sorted(codes, key=lambda c: (c == "合计", -len(c), c)):
            found = []
            for whole_col, pairs in targets.items():
                whole_key = f"{spec.whole}.{code}.{whole_col}"
                if not ledger.spoiled:  # a key outside the figures is an implicit zero, or unknown: 0 either way
                    # (a part without this row has no figure in it: its key is not made)
                    terms = [k for name, col in pairs if code in rows[name]
                             and (k := f"{name}.{code}.{col}") in stated_or_derived and value(k)]
                    whole = value(whole_key) if whole_key in stated_or_derived else Decimal(0)
                else:
                    try:
                        terms = [k for name, col in pairs
                                 if ledger.knows(k := f"{name}.{code}.{col}") and value(k)]
                        whole = value(whole_key) if ledger.knows(whole_key) else Decimal(0)
                    except InvalidFigure:  # unreadable input, reported where it is
                        continue
                if not terms:  # no part has a figure in this row and column: nothing to compare
                    continue
                total = sum((ledger.value(k) for k in terms), Decimal(0))
                # a row below already reported (asked only of a row over: codes × codes otherwise)
                if total - whole > ledger.tolerance and not any(
                        (d, whole_col) in reported for d in codes
                        if d != code and (code == "合计" or d.startswith(code))):
                    typed = any(ledger.figures[k].stated is not None for k in terms if k in ledger.figures)
                    found.append((not typed, whole_col, terms, whole_key, whole, total))
            # one mistake, one report: the typed column (项目支出), not the total it makes over too
            for _, whole_col, terms, whole_key, whole, total in sorted(found, key=lambda f: f[0])[:1]:
                for col in {f[1] for f in found}:
                    reported.add((code, col))
                problems.append(_subset_problem(spec.name, terms, whole_key, whole_col, whole, total,
                                                ledger, describe, locate))
    return problems


def _subset_problem(name: str, terms: list[str], whole_key: str, whole_col: str, whole: Decimal,
                    total: Decimal, ledger: Ledger, describe: Describe,
                    locate: Callable[[str], Location]) -> Problem:
    first = terms[0]
    table, row, _ = describe(first)
    whole_table = describe(whole_key)[0]
    parts_text = " + ".join(f"{describe(k)[0]}“{k.split('.')[-1]}” {ledger.fmt(ledger.value(k))}" for k in terms)
    where = ledger.figures[first].where if first in ledger.figures and ledger.figures[first].where else locate(first)
    return error("subset", f"勾稽关系不成立：{name}", location=where,
                 table=table, row=row, column=first.split(".")[-1],
                 expected=f"不超过{whole_table}同一行“{whole_col}” {ledger.fmt(whole)}",
                 found=f"{parts_text} = {ledger.fmt(total)}" if len(terms) > 1 else ledger.fmt(total),
                 difference=ledger.fmt(total - whole, signed=True),
                 hint=f"请核对这一行：{whole_table}包括全部资金来源的支出，财政拨款只是其中一部分")


def control_problems(profile: Profile, source: Source, figures: Figures, describe: Describe) -> list[Problem]:
    """A 年末结转和结余 that nobody typed is where a slip in the detail shows up (one 项 of
    表2 +100 万元 gives a balance of 100 万元): warn, and ask for the accounting system's figure."""
    ledger = figures.ledger
    out = []
    for name, spec in profile.model.data.items():
        key = f"{name}.{BALANCE}"
        fig = ledger.figures.get(key)
        if spec.form != "项目" or fig is None or fig.stated is not None or fig.rule is None:
            continue
        try:
            value = ledger.value(key)
        except InvalidFigure:
            continue
        if value:
            table, _, _ = describe(key)
            out.append(warning(
                "no-control-total", f"年末结转和结余（{ledger.fmt(value)}）是由收入、支出推算出来的，输入中没有可核对的数",
                location=source.loc((name,)), table=table, row=BALANCE,
                hint=f"请从会计核算系统抄录年末结转和结余，填在“{name}”的“{BALANCE}”中，程序会核对："
                     "明细中的笔误（如某一项多填了 100 万元）会在这里显出不符"))
    return out


def unstated_totals(profile: Profile, figures: Figures, describe: Describe) -> list[str]:
    """The totals an accounting system already has (本年收入合计, 本年支出合计, each table's
    合计) that the input left to the derivation: named in the summary, as a suggestion."""
    ledger = figures.ledger
    out = []
    for name, spec in profile.model.data.items():
        if spec.form == "项目":
            keys = [f"{name}.{item}" for item in spec.items if item in ("本年收入合计", "本年支出合计")]
        elif spec.form == "功能分类" and spec.columns:
            keys = [f"{name}.合计.{next(iter(spec.columns))}"]
        else:
            continue
        for key in keys:
            fig = ledger.figures.get(key)
            if fig is not None and fig.stated is None and fig.rule is not None and ledger.value(key):
                table, row, column = describe(key)
                number = table.split(" ")[0]
                out.append(f"{number} 合计行的“{column}”" if spec.form == "功能分类" else f"{number} {row}")
    return out
