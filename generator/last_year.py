"""Last year's input as this year's 上年数 (`--prev 去年.yaml` or `上年文件: 去年.yaml`).

Last year's file is prepared with its own year's profile; each 比较项 of this year's
profile is evaluated, by the same expression, in last year's ledger. Figures this year's
file states (上年数 or 比上年增减) win. The profile's 上年衔接 names the texts that carry over
when this year's file leaves them out (inputs.carry_over) and the figures that must continue
from last year (核对: e.g. 年初结转和结余 = 上年年末结转和结余; a 预算 profile states none).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .baselines import Baseline, comparison_value
from .errors import Location, Problem, UserError, error, warning
from .figures import Figures
from .inputs import PREV_KEY
from .ledger import InvalidFigure, ProfileFormulaError
from .load import Source
from .phrases import Phrases, Style
from .profiles import CarryOverCheck, Profile


def last_year_file(source: Source, prev: Path | None, follow: bool = True) -> Path | None:
    """The file named on the command line, else the input's 上年文件 (relative to the input)."""
    where = source.loc((PREV_KEY,))
    named = source.data.get(PREV_KEY)
    if not follow:
        return None
    if prev is not None:
        return Path(prev)
    if named is None:
        return None
    if not isinstance(named, str) or not named.strip():
        raise UserError([error("bad-prev-file", "“上年文件”应为上年录入文件的文件名，如：上年文件: 去年.yaml",
                               location=where)])
    path = Path(source.file).parent / named.strip()
    if not path.exists():
        raise UserError([error("file-missing", f"找不到“上年文件”指定的文件：{path}", location=where,
                               hint="文件名按本文件所在的文件夹查找")])
    return path


def _by_code(profile: Profile, previous: Figures):  # noqa: ANN202 - a lookup closure
    """Last year's figure of a 科目 row ("支出决算表.2010301.本年支出合计") from last year's
    ledger: a code last year's table did not have was zero; a table last year's profile did not
    have gives nothing (the template then asks for 上年数)."""
    sections = {n for n, s in profile.model.data.items() if s.form in ("功能分类", "经济分类")}

    def lookup(key: str) -> Decimal | None:
        section = key.split(".", 1)[0]
        if section not in sections or section not in previous.rows:
            return None
        ledger = previous.ledger
        if ledger.knows(key):
            return ledger.value(key)
        return Decimal(0) if key.count(".") >= 1 and key.split(".")[1].isdigit() else None

    return lookup


def fill_last_year(last_year: Baseline, source: Source, profile: Profile, figures: Figures,
                   previous: Figures) -> list[Problem]:
    problems: list[Problem] = []
    comparisons = profile.model.comparisons
    phrases = Phrases(Style())
    last_year.fallback = _by_code(profile, previous)
    for item in comparisons:
        if item in last_year.values:
            continue
        try:
            last_year.values[item] = comparison_value(previous.ledger, comparisons, item)
        except (ProfileFormulaError, KeyError):
            problems.append(warning("prev-missing-item", f"上年文件中没有可与“{item}”对应的数",
                                    location=Location(file=source.file),
                                    hint="请在“上年数”中直接填写该项"))
    for rule in profile.model.carry_over.checks:
        problems.extend(_carried(rule, source, profile, figures, previous, phrases))
    return problems


def _carried(rule: CarryOverCheck, source: Source, profile: Profile, figures: Figures, previous: Figures,
             phrases: Phrases) -> list[Problem]:
    """One 上年衔接.核对 rule: this year's figure equals last year's."""
    comparisons = profile.model.comparisons
    try:
        now = comparison_value(figures.ledger, comparisons, rule.this_year)
    except InvalidFigure:  # could not be read: reported where it is
        return []
    except (ProfileFormulaError, KeyError) as e:
        raise UserError([error("profile-formula", f"模板“上年衔接”中的“{rule.this_year}”不是本年已定义的数",
                               location=Location(file=profile.file))]) from e
    this_label = rule.label or rule.this_year.split(".")[-1]
    last_label = rule.last_year.split(".")[-1]
    try:
        then = comparison_value(previous.ledger, comparisons, rule.last_year)
    except (ProfileFormulaError, KeyError):
        return [warning("prev-carryover-missing", f"上年文件中没有“{rule.last_year}”，无法核对本年“{this_label}”",
                        location=Location(file=source.file))]
    if now == then:
        return []
    section = rule.this_year.split(".")[0]
    return [warning(
        "prev-carryover", f"本年“{this_label}”与上年文件的“{last_label}”不一致",
        location=source.loc(tuple(rule.this_year.split("."))), table=profile.table_for_section(section),
        expected=f"上年{last_label} {phrases.amount(then)}", found=phrases.amount(now),
        difference=("+" if now > then else "-") + phrases.amount(abs(now - then)))]
