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
from .document import Citation, Document, GlossaryEntry, Paragraph, Part, Table
from .errors import Location, Problem, Problems, UserError, as_errors, error
from .figures import Figures, build_figures
from .ledger import ProfileFormulaError
from .load import Source, load_yaml
from .model import Header, Report
from .narrative import (
    LAST_YEAR,
    Baseline,
    Narrative,
    Texts,
    baseline_input_keys,
    baseline_specs,
    read_baselines,
)
from .optional import enabled_names, meeting_problems, with_optional_tables
from .performance import evaluate, performance_problems, performance_tables, records
from .phrases import Style
from .profiles import Profile, choose_profile_file, load_profile
from .resources import DATA_DIR, TEMPLATES_DIR
from .tables import TableRenderer, chinese_number
from .text import blocks_from_markup, render_template, residue_problems, shared_environment
from .validation import pydantic_problems
from .writers.atomic import safe_file_stem, write_all


@dataclass
class Prepared:
    """Everything known about one department-year once the input has passed its checks."""

    source: Source
    report: Report
    profile: Profile
    figures: Figures
    baselines: dict[str, Baseline]  # 上年 and the profile's 基准 (narrative.py)
    problems: list[Problem] = field(default_factory=list)  # warnings only, once prepared
    optional: list[str] = field(default_factory=list)  # 可选内容 switched on (optional.py)

    @property
    def last_year(self) -> Baseline:
        return self.baselines[LAST_YEAR]


@dataclass
class BuildResult:
    document: Document
    outputs: list[Path]
    warnings: list[Problem]
    changes: list[Any] = field(default_factory=list)  # diff.Change against earlier outputs
    previous: bool = False  # whether earlier outputs existed (so `changes` is meaningful)


def load_input(path: Path, data_dir: Path | None = None) -> Source:
    """The input by its suffix: a workbook (load_xlsx.py) or YAML, whose tables may come
    from a workbook (`表格: 决算数据.xlsx`)."""
    from .load_xlsx import WORKBOOK_SUFFIXES, load_workbook_input

    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return load_workbook_input(path, data_dir)
    from .combine import merge_tables

    return merge_tables(load_yaml(path), data_dir)


def profile_for(source: Source, data_dir: Path | None = None) -> Profile | None:
    """The profile an input's header chooses; None when the header itself is invalid
    (prepare reports that, located)."""
    try:
        header = Header.model_validate(source.data)
    except ValidationError:
        return None
    return _profile(source, header, data_dir or DATA_DIR)


def _profile(source: Source, header: Header, data_dir: Path) -> Profile:
    profile_file = choose_profile_file(header.kind, header.year, header.profile, data_dir,
                                       where=source.loc(("模板",)) if header.profile else source.loc(("类型",)))
    profile = load_profile(profile_file, header.year, data_dir)
    if profile.model.kind != header.kind:
        raise UserError([error("profile-kind", f"模板“{profile.model.name}”用于{profile.model.kind}，"
                               f"而输入的类型是{header.kind}", location=source.loc(("模板",)))])
    return profile


def prepare(path: Path, data_dir: Path | None = None, strict: bool = False, prev: Path | None = None,
            follow_prev: bool = True) -> Prepared:
    """Read and check everything; raise UserError with every problem found.

    `prev` (or the input's 上年文件) is last year's input: it fills 上年数 and carries
    over 主要职责, 机构设置 and 名词解释补充 (last_year.py)."""
    from .last_year import carry_over, fill_last_year, last_year_file

    data_dir = data_dir or DATA_DIR
    source = load_input(path, data_dir)
    prev_file = last_year_file(source, prev if follow_prev else None, follow_prev)
    previous = prepare(prev_file, data_dir, follow_prev=False) if prev_file else None
    if previous:
        carry_over(source, previous.source)
    try:
        header = Header.model_validate(source.data)
    except ValidationError as e:
        raise UserError(pydantic_problems(e, source, Header)) from e
    profile = _profile(source, header, data_dir)
    optional = enabled_names(profile, source)
    profile = with_optional_tables(profile, optional)

    problems = Problems()
    sections = {k: v for k, v in source.data.items() if k in profile.model.data}
    rest = {k: v for k, v in source.data.items() if k not in profile.model.data}
    allowed = [f.alias or n for n, f in Report.model_fields.items()]
    for key in baseline_input_keys(profile):  # a profile's own baselines (全年预算数 …)
        if key not in allowed and key in rest:
            del rest[key]
    allowed += baseline_input_keys(profile)
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
    if report is not None:
        problems.extend(performance_problems(report, source))
        problems.extend(meeting_problems(report, figures, source, optional))
    problems.raise_if_errors()
    problems.extend(figures.ledger.check(_describer(profile, figures), lambda key: _locate(source, key)))
    baselines, baseline_problems = read_baselines(source, header.unit, profile, figures, figures.ledger.tolerance)
    problems.extend(baseline_problems)
    if previous:
        problems.extend(fill_last_year(baselines[LAST_YEAR], source, profile, figures, previous.figures))
    if strict:
        problems.items = as_errors(problems.items)
    problems.raise_if_errors()
    assert report is not None
    return Prepared(source=source, report=report, profile=profile, figures=figures, baselines=baselines,
                    problems=problems.items, optional=optional)


def render(prepared: Prepared, templates_dir: Path | None = None) -> Document:
    report, profile = prepared.report, prepared.profile
    env = shared_environment(Path(templates_dir or TEMPLATES_DIR).resolve())
    names = {"部门名称": report.department, "年度": report.year}
    writer, context = narrative_context(prepared)
    overview = blocks_from_markup(render_template(env, profile.model.overview_template, context))
    try:
        renderer = TableRenderer(profile, prepared.figures, report.department)
        tables = renderer.render_all()
        tables += performance_tables(profile, report, prepared.optional, first_number=len(tables) + 1)
        placed = renderer.render_placed("情况说明")
    except ProfileFormulaError as e:
        raise UserError([error("profile-formula", f"模板中表格引用的数有误：{e}",
                               location=Location(file=profile.file))]) from e
    narrative = (blocks_from_markup(render_template(env, profile.model.narrative_template, context))
                 if profile.model.narrative_template else [])
    narrative = _place_tables(narrative, placed, profile)
    _check_narrative(writer, narrative, prepared)
    glossary = [GlossaryEntry(t, e) for t, e in profile.glossary]
    glossary += [GlossaryEntry(g.term, g.explanation) for g in report.glossary_extra]
    if profile.model.glossary_numbered:
        glossary = [GlossaryEntry(f"{chinese_number(i)}、{g.term}", g.explanation)
                    for i, g in enumerate(glossary, start=1)]
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


def narrative_context(prepared: Prepared) -> tuple[Narrative, dict[str, Any]]:
    """The narrative's writer (it records citations and missing figures) and what templates
    see: its functions, the profile's globals and the input by its Chinese keys."""
    report, profile = prepared.report, prepared.profile
    writer = Narrative(prepared.figures, profile.model.comparisons,
                       Style.from_input(report.style, profile.model.unit, profile.model.style), prepared.baselines,
                       Texts(report.reasons, report.notes, report.purposes),
                       specs=baseline_specs(profile.model.baselines), profile=profile)
    # This document's template functions go in the context, not in the shared environment's
    # globals; the input's own keys still win over a function of the same name, as globals would.
    functions = {**writer.functions(), "表格": _table_marker, **profile_globals(prepared)}
    return writer, {**functions, **template_context(prepared)}


_MARKER = "[[表格:{}]]"


def _table_marker(title: str) -> str:
    """`{{ 表格("重点项目预算绩效目标表") }}` on a line of its own in a narrative template."""
    return _MARKER.format(title)


def _place_tables(blocks: list[Any], placed: dict[str, Table], profile: Profile) -> list[Any]:
    """Swap each 表格(…) marker line for the table the profile places in the narrative."""
    out = []
    for block in blocks:
        text = getattr(block, "text", None)
        if isinstance(block, Paragraph) and text and text.startswith("[[表格:") and text.endswith("]]"):
            title = text[len("[[表格:"):-2]
            if title not in placed:
                raise UserError([error("template-table", f"情况说明模板引用的表格“{title}”不在模板的“表格”中"
                                       "（或其“位置”不是“情况说明”）", location=Location(file=profile.file))])
            out.append(placed[title])
        else:
            out.append(block)
    return out


def profile_globals(prepared: Prepared) -> dict[str, Any]:
    """What templates may ask of the profile itself, so one template can serve several profiles:
    `比较项` (the names this profile compares; a year without 国有资本经营预算 has none of its
    items, and the template leaves those sentences out)."""
    optional = set(prepared.optional)
    return {"比较项": list(prepared.profile.model.comparisons), "启用": lambda name: name in optional,
            "绩效自评": performance_summaries(prepared)}


def performance_summaries(prepared: Prepared) -> list[dict[str, Any]]:
    """Each 绩效自评表's derived figures, for a sentence such as "自评得分95分，等级为优"."""
    out = []
    for name in prepared.optional:
        kind = prepared.profile.model.optional[name].performance
        for _, record in records(prepared.report, kind) if kind else []:
            ev = evaluate(record, prepared.profile.model.grades)
            out.append({"类别": kind, "名称": record.name, "总分": ev.total, "等级": ev.grade,
                        "执行率得分": ev.execution_score})
    return out


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
                      hint="请在“上年数”（或“比上年增减”）、“年初预算数”（或“比年初预算增减”）等比较数中补上"
                      "（按科目比较时键为科目编码，如 2010301）")
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


def check_report(path: Path, strict: bool = False, data_dir: Path | None = None,
                 prev: Path | None = None, templates_dir: Path | None = None) -> Prepared:
    """Everything `generate` checks, without writing: the narrative is rendered too, since
    it is where a missing last-year or budget figure shows up."""
    from .charts import chart_data

    prepared = prepare(path, data_dir=data_dir, strict=strict, prev=prev)
    render(prepared, templates_dir)
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
        problems = as_errors(problems)
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
                 templates_dir: Path | None = None, compare: bool = True,
                 prev: Path | None = None) -> Rendered:
    """Everything `build_report` does short of writing (and of the PDF, which needs
    LibreOffice and is made for a whole batch at once)."""
    from .writers.docx import docx_bytes
    from .writers.xlsx import xlsx_bytes

    prepared = prepare(path, data_dir=data_dir, strict=strict, prev=prev)
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
                 templates_dir: Path | None = None, pdf: bool = False, compare: bool = True,
                 prev: Path | None = None) -> BuildResult:
    rendered = render_files(path, out_dir, strict, data_dir, templates_dir, compare, prev)
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
        if spec.form == "列表" and len(parts) == 3:
            records = [r for g in figures.lists.get(section, []) for r in g.records]
            groups = {g.key: g.label for g in figures.lists.get(section, [])}
            prefix = f"{section}.{parts[1]}"
            name = next((next(iter(r.texts.values()), "") for r in records if r.key == prefix),
                        groups.get(prefix, parts[1]))
            return table, name or parts[1], parts[2]
        if spec.form == "经济分类":
            code = parts[1] if len(parts) > 1 else ""
            name = figures.rows[section].names.get(code, "") if section in figures.rows else ""
            return table, f"{code} {name}".strip(), "金额"
        return table, ".".join(parts[1:]), ""

    return describe


def _locate(source: Source, key: str) -> Location:
    parts = tuple(key.split("."))
    loc = source.loc(parts)
    return loc if loc.line is not None or loc.sheet else Location(file=source.file)
