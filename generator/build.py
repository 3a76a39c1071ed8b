"""The one orchestrator: load, check, derive, render, and only then write.

Nothing is written until every input has been read and every check has passed; all
outputs are then written together (writers/atomic.py), so a run either produces a complete,
consistent set of files or leaves the output folder as it was.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .amounts import UNIT_SCALE
from .document import Citation, Document, GlossaryEntry, Part, Table
from .errors import Location, Problem, Problems, UserError, error
from .figures import Figures, build_figures
from .ledger import ProfileFormulaError
from .load import Source, load_yaml
from .model import Header, Report
from .narrative import Baseline, Narrative, read_baselines
from .phrases import Style
from .profiles import Profile, choose_profile_file, load_profile
from .resources import DATA_DIR, TEMPLATES_DIR
from .tables import TableRenderer
from .text import blocks_from_markup, environment, render_template, residue_problems
from .validation import pydantic_problems
from .writers.atomic import safe_file_stem, write_all


@dataclass
class Prepared:
    """Everything known about one department-year once the input has passed its checks."""

    source: Source
    report: Report
    profile: Profile
    figures: Figures
    last_year: Baseline
    budget: Baseline
    problems: list[Problem] = field(default_factory=list)  # warnings only, once prepared


@dataclass
class BuildResult:
    document: Document
    outputs: list[Path]
    warnings: list[Problem]
    changes: list[Any] = field(default_factory=list)  # diff.Change against earlier outputs
    previous: bool = False  # whether earlier outputs existed (so `changes` is meaningful)


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
    last_year, budget, baseline_problems = read_baselines(
        source, header.unit, profile.model.comparisons, figures, figures.ledger.tolerance)
    problems.extend(baseline_problems)
    if strict:
        problems.items = [p if p.severity == "错误" else Problem(**{**p.__dict__, "severity": "错误"})
                          for p in problems.items]
    problems.raise_if_errors()
    assert report is not None
    return Prepared(source=source, report=report, profile=profile, figures=figures, last_year=last_year,
                    budget=budget, problems=problems.items)


def render(prepared: Prepared, templates_dir: Path | None = None) -> Document:
    report, profile = prepared.report, prepared.profile
    env = environment(templates_dir or TEMPLATES_DIR)
    names = {"部门名称": report.department, "年度": report.year}
    writer = Narrative(prepared.figures, profile.model.comparisons,
                       Style.from_input(report.style, profile.model.unit), prepared.last_year,
                       prepared.budget, report.reasons, report.notes)
    env.globals.update(writer.functions())
    context = template_context(prepared)
    overview = blocks_from_markup(render_template(env, profile.model.overview_template, context))
    try:
        tables = TableRenderer(profile, prepared.figures, report.department).render_all()
    except ProfileFormulaError as e:
        raise UserError([error("profile-formula", f"模板中表格引用的数有误：{e}",
                               location=Location(file=profile.file))]) from e
    narrative = (blocks_from_markup(render_template(env, profile.model.narrative_template, context))
                 if profile.model.narrative_template else [])
    _check_narrative(writer, narrative, prepared)
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
        citations=citations(tables, writer.citations),
        parts=(
            Part("概况", headings["概况"], tuple(overview)),
            Part("表格", headings["表格"], tuple(tables)),
            Part("情况说明", headings["情况说明"], tuple(narrative)),
            Part("名词解释", headings["名词解释"], tuple(glossary)),
        ),
    )


def template_context(prepared: Prepared) -> dict[str, Any]:
    """What templates see: the input by its Chinese keys, amounts scaled to 元."""
    report = prepared.report
    data = report.model_dump(by_alias=True, mode="python")
    data["概况"]["机构设置"] = [{"名称": b, "职责": None} if isinstance(b, str) else b
                             for b in data["概况"]["机构设置"]]
    data["情况说明"] = _scaled(data["情况说明"], UNIT_SCALE[report.unit])
    return data


def _scaled(value: Any, scale: Decimal) -> Any:
    if isinstance(value, Decimal):
        return value * scale
    if isinstance(value, dict):
        return {k: _scaled(v, scale) for k, v in value.items()}
    if isinstance(value, list):
        return [_scaled(v, scale) for v in value]
    return value


def _check_narrative(writer: Narrative, blocks: list[Any], prepared: Prepared) -> None:
    """A narrative that needs a figure the input lacks, or that shows template residue,
    must never be written."""
    problems = [error("missing-baseline", f"情况说明需要{item}，但输入中没有",
                      location=Location(file=prepared.source.file),
                      hint="请在“上年数”（或“比上年增减”）、“年初预算数”（或“比年初预算增减”）中补上")
                for item in dict.fromkeys(writer.missing)]
    problems += [error("narrative-residue", message, location=Location(file=prepared.profile.file))
                 for message in residue_problems(blocks, "情况说明")]
    if problems:
        raise UserError(problems)


def citations(tables: list[Table], cited: list[tuple[str, str]]) -> tuple[Citation, ...]:
    """Each cited figure with the first table cell that shows it."""
    where: dict[str, tuple[str, int, int]] = {}
    for t in tables:
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row):
                if cell.source and cell.source not in where:
                    where[cell.source] = (t.number, t.header_rows + r, c)
    out = [Citation(text, *where[key]) for key, text in cited if key in where]
    return tuple(dict.fromkeys(out))


def check_report(path: Path, strict: bool = False, data_dir: Path | None = None) -> Prepared:
    """Everything `generate` checks, without writing: the narrative is rendered too, since
    it is where a missing last-year or budget figure shows up."""
    from .charts import chart_data

    prepared = prepare(path, data_dir=data_dir, strict=strict)
    render(prepared)
    _, chart_problems = chart_data(prepared)
    prepared.problems = prepared.problems + _raise_chart_errors(chart_problems, strict)
    return prepared


def render_full(prepared: Prepared, templates_dir: Path | None = None,
                strict: bool = False) -> tuple[Document, list[Problem]]:
    """`render()` plus the charts the input or profile asks for (drawn, numbered, placed)."""
    from .charts import chart_data, font_problem, with_figures

    document = render(prepared, templates_dir)
    charts, problems = chart_data(prepared)
    if charts and (missing_font := font_problem()):
        problems.append(missing_font)
    problems = _raise_chart_errors(problems, strict)
    if charts:
        document = replace(document, parts=with_figures(document.parts, charts))
    return document, problems


def _raise_chart_errors(problems: list[Problem], strict: bool) -> list[Problem]:
    if strict:
        problems = [Problem(**{**p.__dict__, "severity": "错误"}) for p in problems]
    if any(p.severity == "错误" for p in problems):
        raise UserError(problems)
    return problems


def output_paths(document: Document, out_dir: Path) -> dict[str, Path]:
    stem = safe_file_stem(document.title)
    return {"docx": out_dir / f"{stem}.docx", "xlsx": out_dir / f"{stem}.xlsx",
            "pdf": out_dir / f"{stem}.pdf"}


@dataclass
class Rendered:
    """One department's finished files, in memory (not yet written)."""

    document: Document
    files: dict[Path, bytes]
    warnings: list[Problem]
    changes: list[Any]
    previous: bool
    prepared: Prepared


def render_files(path: Path, out_dir: Path, strict: bool = False, data_dir: Path | None = None,
                 templates_dir: Path | None = None, compare: bool = True) -> Rendered:
    """Everything `build_report` does short of writing (and of the PDF, which needs
    LibreOffice and is made for a whole batch at once)."""
    from .writers.docx import docx_bytes
    from .writers.xlsx import xlsx_bytes

    prepared = prepare(path, data_dir=data_dir, strict=strict)
    document, chart_problems = render_full(prepared, templates_dir, strict)
    paths = output_paths(document, out_dir)
    files = {paths["docx"]: docx_bytes(document), paths["xlsx"]: xlsx_bytes(document)}
    changes: list[Any] = []
    previous = compare and paths["docx"].exists()
    if previous:
        from .diff import changes_against_file

        changes = changes_against_file(paths["docx"], files[paths["docx"]])
    return Rendered(document, files, prepared.problems + chart_problems, changes, previous, prepared)


def build_report(path: Path, out_dir: Path, strict: bool = False, data_dir: Path | None = None,
                 templates_dir: Path | None = None, pdf: bool = False,
                 compare: bool = True) -> BuildResult:
    rendered = render_files(path, out_dir, strict, data_dir, templates_dir, compare)
    files = rendered.files
    if pdf:
        from .writers.pdf import add_pdfs

        files = add_pdfs([files])[0]
    write_all(files)
    return BuildResult(document=rendered.document, outputs=list(files), warnings=rendered.warnings,
                       changes=rendered.changes, previous=rendered.previous)


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
