"""`gen-report profiles --check DIR`: render every branch of every profile's templates with made-up data.

A typo in a template branch that no department has reached yet (a misspelt field, a call
with a wrong argument, a baseline the profile does not name) would otherwise surface the
day some department reaches it. Each profile of DIR/profiles is rendered three times: with
every table, every 情况说明 field, every reason and every 可选内容 filled ("有数"); the same
with the fields that may be left empty (可空) left out ("部分有数"); with nothing but the
required texts ("无数"). Every baseline answers a made-up figure.

The templates are instrumented as they are parsed (template_branches.py): every arm of every
`{% if %}` / `{% elif %}` / `{% else %}` and inline `… if … else …` records whether it ran.
Each arm that none of the three renders reached is then forced (with the arms on the way to
it, through `{% include %}` too) and rendered with the "有数" data, so every branch runs at
least once. A fault that only the forcing causes (a value the data left empty, printed where
the template's own condition would have skipped it) is not reported; an arm that still did
not run (inside a loop no data enters) is reported as a warning. Table identities are not
checked (the data is made up); every problem found is reported with the template's file and
line.
"""

from __future__ import annotations

import typing
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from .assemble import render
from .baselines import Baseline
from .compute import Prepared
from .errors import Location, Problem, UserError, error, warning
from .facts import Declaration, spec_of
from .figures import build_figures
from .inputs import check_input
from .load import Source
from .model import NarrativeInput, SelfEvaluationTables, core_type
from .optional import with_optional_tables
from .options import RunOptions
from .profiles import Profile, baseline_specs, load_profile, read_profile_model
from .template_branches import Arm, BranchEnvironment, branch_environment, load_all
from .text import environment

VARIANTS = ("有数", "部分有数", "无数")
_EXAMPLE_TEXT = "1"  # parses as text, a number of days and a count alike
# faults a forced arm may cause that its own condition would have prevented
_FORCING_ONLY = ("空值", "missing-baseline", "narrative-residue")


def check_profiles(data_dir: Path, options: RunOptions) -> tuple[list[str], list[Problem]]:
    """(names of the profiles checked, problems found)."""
    names, problems = [], []
    for path in sorted((data_dir / "profiles").glob("*.yaml")):
        names.append(path.stem)
        try:
            model = read_profile_model(path)
            profile = load_profile(path, model.years[-1], data_dir)
        except UserError as e:
            problems += e.problems
            continue
        problems += _check_profile(profile, options)
    return names, list(dict.fromkeys(problems))


def _check_profile(profile: Profile, options: RunOptions) -> list[Problem]:
    env = branch_environment(options.templates_dir, environment)
    problems: list[Problem] = []
    try:
        load_all(env, [t for t in (profile.model.overview_template, profile.model.narrative_template,
                                   *(part.template for part in profile.frame)) if t])
    except Exception:  # noqa: BLE001,S110 - a template that does not parse is reported by the renders below
        pass
    prepared: dict[str, Prepared] = {}
    for variant in VARIANTS:
        ready = _prepare(profile, variant, options)
        if isinstance(ready, list):
            problems += [_in_variant(p, profile.model.name, variant) for p in ready]
            continue
        prepared[variant] = ready
        problems += [_in_variant(p, profile.model.name, variant) for p in _render(ready, options, env)]
    full = prepared.get("有数")
    if full is None or problems:
        return problems
    branches = env.branches
    for arm in branches.missed():
        if arm.key in branches.hits:
            continue  # reached while forcing another arm
        path = branches.path_to(arm)
        if path is None:
            continue
        branches.force = path
        # only a fault in the forced arm's own lines: what follows it may rely on the
        # condition (a profile without 国有资本经营预算 never names those figures)
        found = [p for p in _render(full, options, env)
                 if not _forcing_only(p) and arm.holds(p.location.file, p.location.line)]
        branches.force = {}
        problems += [_in_variant(p, profile.model.name, "有数", arm) for p in found]
    problems += [warning("branch-not-run", f"（模板“{profile.model.name}”）这一分支没有被示例数据执行到，未检查"
                         + ("（它在一个循环中，示例数据没有进入这个循环）" if arm.ancestors else ""),
                         location=Location(file=arm.template, line=arm.line))
                 for arm in branches.missed() if not problems]
    return problems


def _forcing_only(problem: Problem) -> bool:
    return problem.code in _FORCING_ONLY or "空值" in problem.message


def _in_variant(problem: Problem, name: str, variant: str, arm: Arm | None = None) -> Problem:
    forced = f"，强制执行 {arm.template} 第{arm.line}行的分支" if arm else ""
    return replace(problem, message=f"（模板“{name}”，示例数据“{variant}”{forced}）{problem.message}")


def _prepare(profile: Profile, variant: str, options: RunOptions) -> Prepared | list[Problem]:
    full = variant != "无数"
    data = example_input(profile, full, optional_fields=variant == "有数")
    source = Source(data=data, file=f"（{profile.model.name} 的示例数据）", locations={})
    try:
        checked = check_input(source, options.data_dir)
        errors = [p for p in checked.problems if p.severity == "错误"]
        if errors or checked.report is None:
            return [error("check-example", "示例数据未通过输入检查（请报告这个问题）：" + errors[0].message
                          if errors else "示例数据未通过输入检查", location=Location(file=profile.file))]
        optional = list(profile.model.optional) if full else []
        with_tables = with_optional_tables(checked.profile, optional)
        figures, _ = build_figures(with_tables, source, checked.header.unit, checked.sections)
    except UserError as e:
        return e.problems
    made_up = {name: Baseline(fallback=lambda key: Decimal(8000)) for name in baseline_specs(profile.model)}
    return Prepared(source=source, report=checked.report, profile=with_tables, figures=figures,
                    baselines=made_up, facts=checked.facts, optional=optional)


def _render(prepared: Prepared, options: RunOptions, env: BranchEnvironment) -> list[Problem]:
    try:
        render(prepared, options, env)
    except UserError as e:
        return [p for p in e.problems if p.severity == "错误"]
    return []


def example_input(profile: Profile, full: bool, optional_fields: bool = True) -> dict[str, Any]:
    """A made-up input for `profile`: required texts always; tables, facts, reasons and
    optional contents only when `full`; 情况说明 fields that may be empty only with
    `optional_fields`."""
    model = profile.model
    data: dict[str, Any] = {
        "部门名称": "示例单位", "年度": profile.year, "类型": model.kind, "模板": model.name,
        "概况": {"主要职责": {"条目": ["示例职责。"]}, "机构设置": ["办公室"], "单位构成": "示例单位本级。"},
    }
    if full:
        data["概况"]["机构设置"] = ["办公室", {"名称": "示例科", "职责": "示例职责。"}]
    if not full:
        return data
    for name, spec in model.data.items():
        data[name] = _example_section(profile, spec)
    items = list(model.comparisons)
    data["变动原因"] = dict.fromkeys(items, "示例原因")
    data["补充说明"] = dict.fromkeys(items, "示例说明")
    data["情况说明"] = (example_facts(model.facts, optional_fields) if model.facts is not None
                    else example_of(NarrativeInput, optional_fields))
    data["可选表格"] = list(model.optional)
    data["绩效自评表"] = example_of(SelfEvaluationTables)
    return data


def _example_section(profile: Profile, spec: Any) -> Any:
    leaves = [c for c, formula in spec.columns.items() if not formula]
    if spec.form == "功能分类":
        catalogue = profile.catalogues["功能分类"].names
        code = next(c for c in catalogue if len(c) == 7)
        return {code: dict.fromkeys(leaves, 1)}
    if spec.form == "经济分类":
        catalogue = profile.catalogues["经济分类"].names
        return {next(c for c in catalogue if len(c) == 5 and c[:3] == s): 1 for s in spec.scope
                if any(len(c) == 5 and c[:3] == s for c in catalogue)}
    if spec.form == "列表":
        return [{**dict.fromkeys(spec.fields, "示例"), **dict.fromkeys(leaves, 1)}]
    out: dict[str, Any] = {}
    for item, formula in spec.items.items():
        if formula or any(k.startswith(item + ".") for k in spec.items):
            continue
        node = out
        *parents, last = item.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = 1
    return out


def example_facts(declaration: Declaration, optional_fields: bool = True) -> dict[str, Any]:
    """Every declared 情况说明 field filled with a made-up value of its type (those that may
    be empty, 可空, only with `optional_fields`)."""
    return {label: _example_fact(spec_of(field), optional_fields) for label, field in declaration.items()
            if optional_fields or not spec_of(field).nullable or spec_of(field).type == "组"}


def _example_fact(spec: Any, optional_fields: bool) -> Any:
    kind = spec.type
    if kind in ("金额", "数量"):
        return max(1, spec.default or 0, int(spec.minimum or 0))
    if kind in ("数值", "百分比"):
        return str(max(Decimal(1), spec.minimum or Decimal(1)))
    if kind == "日期":
        return "2023-12-31"
    if kind == "文字":
        return "示例"
    if kind == "段落":
        return ["示例段落。"]
    if kind == "组":
        return example_facts(spec.fields, optional_fields)
    if kind == "列表":
        return [example_facts(spec.fields, optional_fields)]
    value = _example_fact(spec_of(spec.value), optional_fields)
    return dict.fromkeys(spec.keys, value) if kind == "分项" else {"示例": value}


def example_of(model: type[BaseModel], optional_fields: bool = True) -> dict[str, Any]:
    """A built-in model (model.py) filled by its annotations (fields that may be None only
    with `optional_fields`)."""
    return {str(f.alias): _example_type(f.annotation, optional_fields) for f in model.model_fields.values()
            if optional_fields or type(None) not in typing.get_args(f.annotation)}


def _example_type(tp: Any, optional_fields: bool = True) -> Any:
    tp = core_type(tp)
    origin = typing.get_origin(tp)
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return example_of(tp, optional_fields)
    if origin is list:
        return [_example_type(args[0], optional_fields)]
    if origin is dict:
        key, value = args
        keys = typing.get_args(key) if typing.get_origin(key) is Literal else ("示例",)
        return {k: _example_type(value, optional_fields) for k in keys}
    if origin is Literal:
        return args[0]
    if tp is bool:
        return True
    if tp in (int, Decimal, float):
        return 1
    return _EXAMPLE_TEXT
