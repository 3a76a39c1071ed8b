"""The inputs stage: a loaded `Source` checked against the input schema and its profile.

The header (部门名称, 年度, 类型, 模板) chooses the profile; the rest of the input is validated
(model.py) and every key neither the schema nor the profile's table data knows is reported.
Problems are returned, not raised, so that the compute stage can add its own and every
problem is reported at once; only an invalid header stops here (without it there is no profile).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import Problem, UserError, a_few, error, warning
from .facts import facts_model
from .load import UNREADABLE, Source
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
    except ValidationError as e:  # no profile without it: the reader's own problems are said with it
        raise UserError([*source.problems, *pydantic_problems(e, source, Header)]) from e
    try:
        profile = header_profile(source, header, data_dir)
    except UserError as e:
        raise UserError([*source.problems, *e.problems]) from e
    if previous is not None:
        source = carry_over(source, previous, profile.model.carry_over.texts)
    data_keys = profile.model.data
    texts = officer_texts(source)
    problems: list[Problem] = [*source.problems, *empty_sections(profile, source),
                               *wrong_kind_words(source, header.kind, texts),
                               *other_unit_names(source, header.department, texts)]
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
            if close and close[0] in data_keys and close[0] not in sections:
                sections[close[0]] = UNREADABLE  # a misspelt table: its figures are unknown, not zero
            problems.append(error("unknown-key", f"不认识的键“{key}”（可能拼写有误，该项内容不会被使用）",
                                  location=source.loc((key,)),
                                  hint=f"是否想写“{close[0]}”？" if close else
                                  "可用的表格数据键：" + a_few(key, data_keys)))
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




# Words that belong to the other kind of document: a 决算 whose text says “部门预算为…本级预算”
# was copied from last year's 预算. Legitimate mentions (年初预算, 预算数, 完成预算, 预算执行,
# 一般公共预算, 严格执行部门预算 …) are not among them.
_WRONG_KIND = {
    "决算": re.compile(r"本级预算|部门预算(?=为|包括|由|是|汇总|公开)|预算公开"),
    "预算": re.compile(r"本级决算|部门决算(?=为|包括|由|是|汇总|公开)|决算公开"),
}


Texts = list[tuple[tuple[str, ...], str]]


def officer_texts(source: Source) -> Texts:
    """Every string of the input with its path, in the input's order."""
    out: Texts = []

    def visit(path: tuple[str, ...], items: Iterable[tuple[Any, Any]]) -> None:  # the loader limits the depth
        for k, v in items:
            # a leaf that is no text (an amount: most of an input) is passed over here, without a call
            if isinstance(v, str):
                out.append(((*path, str(k)), v))
            elif isinstance(v, dict):
                visit((*path, str(k)), v.items())
            elif isinstance(v, list):
                visit((*path, str(k)), enumerate(v))

    visit((), source.data.items())
    return out


def _shown(text: str) -> str:
    return text if len(text) <= 60 else text[:60] + "…"


def wrong_kind_words(source: Source, kind: str, texts: Texts | None = None) -> list[Problem]:
    """Officer text (every string of the input) using words of the other kind of document."""
    pattern = _WRONG_KIND.get(kind)
    if pattern is None:
        return []
    other = "预算" if kind == "决算" else "决算"
    out: list[Problem] = []
    for path, value in officer_texts(source) if texts is None else texts:
        if pattern.search(value) and (found := list(dict.fromkeys(m.group(0) for m in pattern.finditer(value)))):
            words = "、".join(f"“{w}”" for w in found)
            fixed = "、".join(f"“{w.replace(other, kind)}”" for w in found)
            out.append(warning("wrong-kind-word", f"{kind}文档的文字中出现{words}，像是从{other}文档沿用的",
                               location=source.loc(path), found=_shown(value),
                               hint=f"请核对这句话：是否应为{fixed}？"))
    return sorted(out, key=lambda p: p.location.sort_key())


# Sentences that say which unit this document is about: the name in them must be the
# department's own (a short form of it, “中心”“局本级”, is fine) or one of its listed 下属单位.
# A name there that is another unit's was copied from another department's document
# (示例单位 2023 once said “部门决算为示例市某某服务中心本级决算”). Other mentions of units
# (市政府交办, 省政务服务数据管理局 …) are ordinary text and not looked at.
_NAME = r"(?P<name>[^，。；、：:,;\s（）()“”]{2,40}?)"
# Each with words one of which every match contains: a text with none of them is not searched.
_SELF_NAMING = [
    (re.compile(r"(?:部门|单位)(?:决算|预算)为" + _NAME + r"本级(?:决算|预算)"), ("本级",)),
    (re.compile(r"(?:纳入|包括)" + _NAME + r"本级"), ("本级",)),
    (re.compile(r"(?:我|本)(?:部门|单位)[（(]" + _NAME + r"[）)]"), ("部门（", "单位（", "部门(", "单位(")),
    (re.compile(r"^" + _NAME + r"的?主要职责"), ("主要职责",)),
]
# what every sentence of _SELF_NAMING contains: a text without any of these is not looked at
_MAY_NAME_SELF = re.compile(r"部门|单位|本级|主要职责")
_SUBORDINATES = re.compile(r"下属(?:单位|机构)[^：:。]*[：:]?(?P<list>[^。]*)")
_SHORT_PREFIX = ("本", "我")


def other_unit_names(source: Source, department: str, texts: Texts | None = None) -> list[Problem]:
    """Officer text whose sentence about this document's own unit names another unit."""
    texts = officer_texts(source) if texts is None else texts
    listed = {part.strip() for _, text in texts if "下属" in text for m in _SUBORDINATES.finditer(text)
              for part in re.split(r"[、，,；;和及]", m.group("list")) if part.strip()}
    own = department.strip()

    def is_own(name: str) -> bool:
        short = name.lstrip("".join(_SHORT_PREFIX))
        return bool(short) and (own.endswith(short) or short in listed or name in listed)

    out: list[Problem] = []
    for path, text in texts:
        if not _MAY_NAME_SELF.search(text):
            continue
        stripped = text.strip()
        names = [m.group("name") for pattern, needed in _SELF_NAMING if any(word in stripped for word in needed)
                 for m in pattern.finditer(stripped)]
        for name in dict.fromkeys(n for n in names if not is_own(n)):
            out.append(warning(
                "other-unit", f"文字中说本文档的单位是“{name}”，而本文档是“{own}”的",
                location=source.loc(path), found=_shown(text),
                hint=f"这句话可能是从其他单位的文档沿用的，请改为本部门的名称；如果“{name}”就是本部门"
                     f"（如更名前的名称）或所属单位，可不理会本警告"))
    return sorted(out, key=lambda p: p.location.sort_key())


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
