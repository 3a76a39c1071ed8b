"""The render stage: a prepared department-year as a `Document` (writers/ turn it into files).

概况 and 情况说明 from the profile's templates (text.py, narrative.py), the statutory tables
(tables.py, performance.py), 名词解释 from the profile, and the charts (charts.py) placed after
their headings. Nothing here reads a file other than templates, nor writes one.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import jinja2

from .amounts import UNIT_SCALE, round_half_up
from .charts import chart_data, font_problem, with_figures
from .compute import Prepared
from .document import (
    Citation,
    Document,
    GlossaryEntry,
    Operand,
    Paragraph,
    Part,
    PercentCheck,
    Table,
    copied,
)
from .errors import Location, Problem, UserError, as_errors, error
from .ledger import Ledger, ProfileFormulaError
from .narrative import Narrative, NarrativeText, Ratio, Texts
from .options import DEFAULT_OPTIONS, RunOptions
from .performance import evaluate, performance_tables, records
from .phrases import Style
from .profiles import Display, Profile, baseline_specs, fill
from .tables import TableRenderer, chinese_number
from .text import blocks_from_markup, render_template, residue_problems, shared_environment


def render(prepared: Prepared, options: RunOptions = DEFAULT_OPTIONS, env: jinja2.Environment | None = None) -> Document:
    """The document; a problem found while rendering (a template's fault, a missing baseline)
    is reported together with the warnings the earlier stages found. `env`: the templates'
    environment, if not the shared one of `options.templates_dir` (profile_check.py)."""
    try:
        return _render(prepared, options, env)
    except UserError as e:
        known = set(e.problems)
        raise UserError([*e.problems, *(p for p in prepared.problems if p not in known)],
                        e.nothing_written) from e


def _render(prepared: Prepared, options: RunOptions, env: jinja2.Environment | None) -> Document:
    report, profile = prepared.report, prepared.profile
    env = env or shared_environment(options.templates_dir.resolve())
    narrative_display = profile.narrative_display()
    writer, context = narrative_context(prepared)
    def text(name: str) -> NarrativeText:
        return writer.rendered(lambda: render_template(env, name, context, profile.template_place(name)))

    overview_text = text(profile.model.overview_template)
    overview = blocks_from_markup(overview_text.text)
    try:
        renderer = TableRenderer(profile, prepared.figures, report.department)
        tables = renderer.render_all()
        placed = renderer.render_placed("情况说明")
        in_parts = {spec.name: [renderer.render(t) for t in profile.model.tables if t.placement == spec.name]
                    for spec in profile.frame if spec.name not in ("表格", "情况说明")}
    except ProfileFormulaError as e:
        raise UserError([error("profile-formula", f"模板中表格引用的数有误：{e}",
                               location=Location(file=profile.file))]) from e
    narrative_text = text(profile.model.narrative_template) if profile.model.narrative_template else NarrativeText("")
    narrative = _place_tables(blocks_from_markup(narrative_text.text), placed, profile)
    own_texts = {spec.name: text(spec.template) for spec in profile.frame if spec.template}
    own = {name: _place_tables(blocks_from_markup(t.text), placed, profile) for name, t in own_texts.items()}
    texts = [overview_text, narrative_text, *own_texts.values()]
    _check_narrative(tuple(m for t in texts for m in t.missing), [*narrative, *(b for bs in own.values() for b in bs)],
                     prepared)
    glossary = [GlossaryEntry(t, e) for t, e in profile.glossary]
    glossary += [GlossaryEntry(g.term, g.explanation) for g in report.glossary_extra]
    if profile.model.glossary_numbered:
        glossary = [GlossaryEntry(f"{chinese_number(i)}、{g.term}", g.explanation)
                    for i, g in enumerate(glossary, start=1)]
    performance = performance_tables(profile, report, prepared.optional, first_number=len(tables) + 1)
    holds_performance = any("绩效" in part.contents for part in profile.frame)
    contents: dict[str, list[Any]] = {
        "概况": overview, "表格": tables + ([] if holds_performance else performance), "情况说明": narrative,
        "名词解释": glossary, "绩效": performance if holds_performance else []}
    values = profile.placeholders(report.department)
    parts: list[Part] = []
    finish = _Finisher(profile, report.department)
    for spec in profile.frame:
        blocks = own.get(spec.name, []) + [b for content in spec.contents for b in contents[content]]
        blocks += in_parts.get(spec.name, [])
        if blocks:  # a part with nothing in it (no 名词解释) is left out, heading and all
            parts.append(Part(spec.name, fill(spec.title, values), tuple(finish(b) for b in blocks),
                              tuple(spec.contents) + (("文字",) if spec.template else ())))
    document = Document(
        title=fill(profile.model.title, values),
        department=report.department,
        year=report.year,
        kind=report.kind,
        subject=fill(profile.model.properties.subject, values),
        keywords=tuple(fill(word, values) for word in profile.model.properties.keywords),
        category=fill(profile.model.properties.category, values),
        parts=tuple(parts),
        cover=tuple(fill(line, values) for line in profile.model.cover),
        toc=profile.model.toc.show,
        text_landscape=profile.model.text_orientation == "横向",
    )
    cited = tuple(c for t in texts for c in t.citations)
    ratios = tuple(r for t in texts for r in t.ratios)
    tables = document.tables()
    # one pass over the tables finds the cells of every figure the narrative cites or divides
    shown = _shown_cells(tables, {key for key, _ in cited} | {k for r in ratios for k in (r.a_key, r.b_key) if k})
    placed = _citations(tables, cited, prepared.figures.ledger, narrative_display, shown)
    uncited = tuple(dict.fromkeys(key for key, _ in cited if key not in placed))
    percents = percent_checks(tables, ratios, shown)
    return replace(document, citations=tuple(dict.fromkeys(placed.values())), uncited=uncited,
                   percents=percents)


class _Finisher:
    """A table's caption, header line, orientation and 目录 entry, from the profile's frame."""

    def __init__(self, profile: Profile, department: str) -> None:
        self.profile, self.department = profile, department
        self.listed = 0

    def __call__(self, block: Any) -> Any:
        if not isinstance(block, Table) or not block.number:
            return block
        profile = self.profile
        number = block.number[1:] if block.number.startswith("表") else ""
        caption = profile.caption(int(number)) if number.isdigit() else block.number
        org, unit = profile.header_line(self.department, block.unit)
        landscape = {"横向": True, "纵向": False}.get(profile.model.table_orientation, block.landscape)
        toc = profile.model.toc
        entry = None
        if toc.tables:
            self.listed += 1
            entry = {"表号": f"{caption} {block.title}" if caption else block.title,
                     "中文序号": f"{chinese_number(self.listed)}、{block.title}", "无": block.title}[toc.numbering]
        return copied(block, caption=caption, org_label=org, unit_label=unit, landscape=landscape, toc=entry)


def narrative_context(prepared: Prepared) -> tuple[Narrative, dict[str, Any]]:
    """The narrative's writer (render a template through `writer.rendered` to get what it
    cites and misses with its text) and what templates see: its functions, the profile's
    globals and the input by its Chinese keys."""
    report, profile = prepared.report, prepared.profile
    writer = Narrative(prepared.figures, profile.model.comparisons,
                       narrative_style(prepared, profile.narrative_display()), prepared.baselines,
                       Texts(report.reasons, report.notes, report.purposes),
                       specs=baseline_specs(profile.model), profile=profile)
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
    facts = prepared.facts if prepared.facts is not None else data["情况说明"]
    data["情况说明"] = _scaled(facts, UNIT_SCALE[report.unit])
    return data


def _scaled(value: Any, scale: Decimal) -> Any:
    if isinstance(value, Decimal):
        return value * scale
    if isinstance(value, dict):
        return {k: _scaled(v, scale) for k, v in value.items()}
    if isinstance(value, list):
        return [_scaled(v, scale) for v in value]
    return value


def _check_narrative(missing: tuple[str, ...], blocks: list[Any], prepared: Prepared) -> None:
    """A narrative that needs a figure the input lacks, or that shows template residue,
    must never be written."""
    problems = [error("missing-baseline", f"情况说明需要{item}，但输入中没有",
                      location=_baseline_block(item, prepared),
                      hint="请在“上年数”（或“比上年增减”）、“年初预算数”（或“比年初预算增减”）等比较数中补上"
                      "（按科目比较时键为科目编码，如 2010301）")
                for item in dict.fromkeys(missing)]
    problems += [error("narrative-residue", message, location=Location(file=prepared.profile.file))
                 for message in residue_problems(blocks, "情况说明")]
    if problems:
        raise UserError(problems)


def _baseline_block(item: str, prepared: Prepared) -> Location:
    """Where the missing figure belongs: the input's block of that baseline (上年数 or
    比上年增减 …) if it has one, else the input file."""
    source = prepared.source
    for spec in baseline_specs(prepared.profile.model).values():
        if item.startswith(spec.key):
            for key in (spec.key, spec.change_key):
                if key and (key,) in source.locations:
                    return source.locations[(key,)]
    return Location(file=source.file)


def narrative_style(prepared: Prepared, display: Display) -> Style:
    """The input's 样式 over the profile's 情况说明显示 over its 样式: the narrative's unit and
    decimals come from 情况说明显示 (or the profile's 金额单位)."""
    report, profile = prepared.report, prepared.profile
    style = Style.from_input(report.style, display.unit, profile.model.style)
    style = replace(style, amount_places=display.places)
    if profile.model.narrative_display.thousands is not None and "thousands" not in report.style.model_fields_set:
        style = replace(style, thousands=profile.model.narrative_display.thousands)
    return style


def citations(tables: list[Table], cited: tuple[tuple[str, str], ...], ledger: Ledger,
              narrative: Display) -> dict[str, Citation]:
    """Each cited figure (by key) with the first table cell that shows it: in the narrative's
    unit and decimals if a table prints it so, else in a table of a finer unit (元) from whose
    printed figure the narrative's number follows by scaling and rounding half up (exactly, or
    rounded to whole 元). A figure no table prints is not in the result (verify names it)."""
    return _citations(tables, cited, ledger, narrative, _shown_cells(tables, {key for key, _ in cited}))


def _shown_cells(tables: list[Table], keys: set[str]) -> dict[str, list[tuple[int, int, int, Decimal]]]:
    """The cells that print each of `keys` (only those the narrative uses: a table shows many
    more figures), as (table index, row, column, value), in document order."""
    found: dict[str, list[tuple[int, int, int, Decimal]]] = {}
    for i, t in enumerate(tables):
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row):
                key = cell.source
                if key and key in keys and cell.value is not None:
                    found.setdefault(key, []).append((i, r, c, cell.value))
    return found


def _citations(tables: list[Table], cited: tuple[tuple[str, str], ...], ledger: Ledger, narrative: Display,
               shown: dict[str, list[tuple[int, int, int, Decimal]]]) -> dict[str, Citation]:
    scale = UNIT_SCALE[narrative.unit]
    out: dict[str, Citation] = {}
    for key, text in cited:
        if key in out or key not in shown:
            continue
        where = scaled = None
        for i, r, c, value in shown[key]:
            t = tables[i]
            if t.unit == narrative.unit and t.places == narrative.places:
                where = Citation(text, t.number, t.header_rows + r, c, index=i)  # the first cell that shows it
                break
            factor = UNIT_SCALE[t.unit] / scale
            if scaled is None and factor <= 1 and round_half_up(value * factor, narrative.places) \
                    == round_half_up(ledger.value(key) / scale, narrative.places):
                scaled = Citation(text, t.number, t.header_rows + r, c, index=i,
                                  factor=str(factor.normalize()), places=narrative.places)
        if where or scaled:
            out[key] = where or scaled
    return out


def percent_checks(tables: list[Table], ratios: tuple[Ratio, ...],
                   shown: dict[str, list[tuple[int, int, int, Decimal]]] | None = None) -> tuple[PercentCheck, ...]:
    """The narrative's percentages with the table cells their figures are printed in (the
    first cell that shows each); one whose figures no table prints cannot go stale and is
    left out. `shown`: the cells of `_shown_cells` for (at least) the ratios' keys."""
    if shown is None:
        shown = _shown_cells(tables, {k for r in ratios for k in (r.a_key, r.b_key) if k})

    def operand(key: str, value: Decimal) -> Operand:
        cells = shown.get(key) if key else None
        if not cells:
            return Operand(str(value))
        i, r, c, _ = cells[0]
        t = tables[i]
        return Operand(str(value), t.number, i, t.header_rows + r, c, str(UNIT_SCALE[t.unit]))

    out = [PercentCheck(r.phrase, r.text, r.places, r.kind, operand(r.a_key, r.a), operand(r.b_key, r.b))
           for r in ratios if (r.a_key and r.a_key in shown) or (r.b_key and r.b_key in shown)]
    return tuple(dict.fromkeys(out))


def render_full(prepared: Prepared, options: RunOptions = DEFAULT_OPTIONS) -> tuple[Document, list[Problem]]:
    """`render()` plus the charts the input or profile asks for (drawn, numbered, placed)."""
    document = render(prepared, options)
    charts, problems = chart_data(prepared)
    if charts and (missing_font := font_problem()):
        problems.append(missing_font)
    problems = _raise_chart_errors(problems, options.strict)
    if charts:
        document = replace(document, parts=with_figures(document.parts, charts))
    return document, problems


def _raise_chart_errors(problems: list[Problem], strict: bool) -> list[Problem]:
    if strict:
        problems = as_errors(problems)
    if any(p.severity == "错误" for p in problems):
        raise UserError(problems)
    return problems


def check_charts(prepared: Prepared, strict: bool = False) -> list[Problem]:
    """The charts' problems without drawing them (`gen-report check`): raised if any is an error."""
    _, problems = chart_data(prepared)
    return _raise_chart_errors(problems, strict)
