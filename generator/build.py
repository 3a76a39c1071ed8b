"""The one orchestrator: load, check, derive, render, and only then write.

Nothing is written until every input has been read and every check has passed; all
outputs are then written together (writers/atomic.py), so a run either produces a complete,
consistent set of files or leaves the output folder as it was.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .document import Document, GlossaryEntry, Part
from .errors import Location, Problem, Problems, UserError, error
from .figures import Figures, build_figures
from .load import Source, load_yaml
from .model import Header, Report
from .profiles import Profile, choose_profile_file, load_profile
from .resources import DATA_DIR, TEMPLATES_DIR
from .tables import TableRenderer
from .text import blocks_from_markup, environment, render_template
from .validation import pydantic_problems
from .writers.atomic import safe_file_stem, write_all


@dataclass
class Prepared:
    """Everything known about one department-year once the input has passed its checks."""

    source: Source
    report: Report
    profile: Profile
    figures: Figures
    problems: list[Problem] = field(default_factory=list)  # warnings only, once prepared


@dataclass
class BuildResult:
    document: Document
    outputs: list[Path]
    warnings: list[Problem]


def load_input(path: Path) -> Source:
    return load_yaml(path)


def prepare(path: Path, data_dir: Path | None = None, strict: bool = False) -> Prepared:
    """Read and check everything; raise UserError with every problem found."""
    data_dir = data_dir or DATA_DIR
    source = load_input(path)
    try:
        header = Header.model_validate(source.data)
    except ValidationError as e:
        raise UserError(pydantic_problems(e, source, Header)) from e
    profile_file = choose_profile_file(header.kind, header.year, header.profile, data_dir,
                                       where=source.loc(("模板",)) if header.profile else source.loc(("类型",)))
    profile = load_profile(profile_file, header.year, data_dir)
    if profile.model.kind != header.kind:
        raise UserError([error("profile-kind", f"模板“{profile.model.name}”用于{profile.model.kind}，"
                               f"而输入的类型是{header.kind}", location=source.loc(("模板",)))])

    problems = Problems()
    sections = {k: v for k, v in source.data.items() if k in profile.model.data}
    rest = {k: v for k, v in source.data.items() if k not in profile.model.data}
    allowed = [f.alias or n for n, f in Report.model_fields.items()]
    for key in list(rest):
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed + list(profile.model.data), n=1, cutoff=0.4)
            problems.add(error("unknown-key", f"不认识的键“{key}”（可能拼写有误，该项内容不会被使用）",
                               location=source.loc((key,)),
                               hint=f"是否想写“{close[0]}”？" if close else
                               "可用的表格数据键：" + "、".join(profile.model.data)))
            del rest[key]
    report: Report | None = None
    try:
        report = Report.model_validate(rest)
    except ValidationError as e:
        problems.extend(pydantic_problems(e, source, Report))
    figures, figure_problems = build_figures(profile, source, header.unit, sections)
    problems.extend(figure_problems)
    problems.raise_if_errors()
    problems.extend(figures.ledger.check(_describer(profile, figures), lambda key: _locate(source, key)))
    if strict:
        problems.items = [p if p.severity == "错误" else Problem(**{**p.__dict__, "severity": "错误"})
                          for p in problems.items]
    problems.raise_if_errors()
    assert report is not None
    return Prepared(source=source, report=report, profile=profile, figures=figures, problems=problems.items)


def render(prepared: Prepared, templates_dir: Path | None = None) -> Document:
    report, profile = prepared.report, prepared.profile
    env = environment(templates_dir or TEMPLATES_DIR)
    names = {"部门名称": report.department, "年度": report.year}
    context = template_context(prepared)
    overview = blocks_from_markup(render_template(env, profile.model.overview_template, context))
    tables = TableRenderer(profile, prepared.figures, report.department).render_all()
    narrative = (blocks_from_markup(render_template(env, profile.model.narrative_template, context))
                 if profile.model.narrative_template else [])
    glossary = [GlossaryEntry(t, e) for t, e in profile.glossary]
    glossary += [GlossaryEntry(g.term, g.explanation) for g in report.glossary_extra]
    headings = {k: v.format(**names) for k, v in profile.model.part_headings.items()}
    return Document(
        title=profile.model.title.format(**names),
        department=report.department,
        year=report.year,
        kind=report.kind,
        subject=f"{report.year}年度部门{report.kind}公开",
        keywords=(report.department, f"{report.year}", f"部门{report.kind}"),
        parts=(
            Part("概况", headings["概况"], tuple(overview)),
            Part("表格", headings["表格"], tuple(tables)),
            Part("情况说明", headings["情况说明"], tuple(narrative)),
            Part("名词解释", headings["名词解释"], tuple(glossary)),
        ),
    )


def template_context(prepared: Prepared) -> dict[str, Any]:
    report = prepared.report
    data = report.model_dump(by_alias=True, mode="python")
    data["概况"]["机构设置"] = [{"名称": b, "职责": None} if isinstance(b, str) else b
                             for b in data["概况"]["机构设置"]]
    return data


def output_paths(document: Document, out_dir: Path) -> dict[str, Path]:
    stem = safe_file_stem(document.title)
    return {"docx": out_dir / f"{stem}.docx", "xlsx": out_dir / f"{stem}.xlsx"}


def build_report(path: Path, out_dir: Path, strict: bool = False, data_dir: Path | None = None,
                 templates_dir: Path | None = None) -> BuildResult:
    from .writers.docx import docx_bytes
    from .writers.xlsx import xlsx_bytes

    prepared = prepare(path, data_dir=data_dir, strict=strict)
    document = render(prepared, templates_dir)
    paths = output_paths(document, out_dir)
    files = {paths["docx"]: docx_bytes(document), paths["xlsx"]: xlsx_bytes(document)}
    write_all(files)
    return BuildResult(document=document, outputs=list(files), warnings=prepared.problems)


def _describer(profile: Profile, figures: Figures):  # noqa: ANN202
    def describe(key: str) -> tuple[str, str, str]:
        parts = key.split(".")
        section = parts[0]
        table = profile.table_for_section(section)
        spec = profile.model.data.get(section)
        if spec is None:
            return table, "", ""
        if spec.form == "功能分类" and len(parts) == 3:
            code = parts[1]
            name = figures.rows.get(section).names.get(code, "") if section in figures.rows else ""
            return table, (f"{code} {name}".strip() if code != "合计" else "合计"), parts[2]
        if spec.form == "经济分类":
            code = parts[1] if len(parts) > 1 else ""
            name = figures.rows[section].names.get(code, "") if section in figures.rows else ""
            return table, f"{code} {name}".strip(), "金额"
        return table, ".".join(parts[1:]), ""

    return describe


def _locate(source: Source, key: str) -> Location:
    parts = tuple(key.split("."))
    loc = source.loc(parts)
    return loc if loc.line is not None else Location(file=source.file)
