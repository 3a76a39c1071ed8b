"""Last year's input as this year's 上年数 (`--prev 去年.yaml` or `上年文件: 去年.yaml`).

Last year's file is prepared with its own year's profile; each 比较项 of this year's
profile is evaluated, by the same expression, in last year's ledger. Figures this year's
file states (上年数 or 比上年增减) win. Texts that rarely change (主要职责, 机构设置,
名词解释补充) carry over when this year's file leaves them out.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .baselines import Baseline, comparison_value
from .errors import Location, Problem, UserError, error, warning
from .figures import Figures
from .inputs import PREV_KEY
from .ledger import ProfileFormulaError
from .load import Source
from .phrases import Phrases, Style
from .profiles import Profile

OPENING = "收入支出决算总表.年初结转和结余"
CLOSING = "收入支出决算总表.年末结转和结余"


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


def carry_over(source: Source, previous: Source) -> Source:
    """This year's input with 主要职责, 机构设置 and 名词解释补充 from last year where it leaves
    them out (a new Source; neither input is changed)."""
    data, locations = dict(source.data), dict(source.locations)
    copied: list[tuple[str, ...]] = []
    overview = data.get("概况")
    if overview is None and isinstance(previous.data.get("概况"), dict):
        overview = {}
    if isinstance(overview, dict) and isinstance(previous.data.get("概况"), dict):
        overview = dict(overview)
        for key in ("主要职责", "机构设置"):
            if key not in overview and key in previous.data["概况"]:
                overview[key] = previous.data["概况"][key]
                copied.append(("概况", key))
        data["概况"] = overview
    if "名词解释补充" not in data and "名词解释补充" in previous.data:
        data["名词解释补充"] = previous.data["名词解释补充"]
        copied.append(("名词解释补充",))
    for prefix in copied:
        locations.update((path, loc) for path, loc in previous.locations.items() if path[: len(prefix)] == prefix)
    return Source(data=data, file=source.file, locations=locations, problems=source.problems)


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
    try:
        closing = comparison_value(previous.ledger, comparisons, CLOSING)
        opening = comparison_value(figures.ledger, comparisons, OPENING)
    except (ProfileFormulaError, KeyError):
        return problems
    if closing != opening:
        problems.append(warning(
            "prev-carryover", "本年“年初结转和结余”与上年文件的“年末结转和结余”不一致",
            location=source.loc(tuple(OPENING.split("."))), table=profile.table_for_section("收入支出决算总表"),
            expected=f"上年年末结转和结余 {phrases.amount(closing)}", found=phrases.amount(opening),
            difference=("+" if opening > closing else "-") + phrases.amount(abs(opening - closing))))
    return problems
