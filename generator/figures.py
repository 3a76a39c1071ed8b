"""Build the ledger from a profile's data sections and the figures an input states.

Input sections are keyed by the profile's section names (收入决算表, 支出决算表, …).
Three forms exist:
- 功能分类: rows keyed by 功能分类 code (only leaves are required; 类/款 and 合计 derive),
  each a mapping of column → amount (and optionally 科目名称 to name a code);
- 经济分类: 款 code → amount (类 and the named totals derive);
- 项目: named figures, nested by "." (本年收入.一般公共预算财政拨款);
- 列表: a list of records (projects), each with text fields and amount columns; the key of a
  record's figure is "<section>.<index>.<column>", groups ("单位") and 合计 derive.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, DecimalException
from typing import Any

from .amounts import UNIT_SCALE, AmountError, describe_type, parse_amount, to_yuan
from .errors import Location, Problem, a_few, error, warning
from .ledger import Condition, Expr, Ledger, ProfileFormulaError, parse_expr, sum_of
from .load import UNREADABLE, Source
from .profiles import CODE_LEVELS, Catalogue, DataSection, Profile

NAME_KEY = "科目名称"
TOTAL_ROW = "合计"
_CODE = re.compile(r"^[0-9]+$")  # ASCII digits only: "２０１" must not pass as a code
# 1e20, 2.5E3: YAML 1.1 reads these as text; an officer means a number (then found too large).
_SCIENTIFIC = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+\s*$")
MAX_DIGITS = 20  # no real amount has more; longer ones are typing accidents
_MAX_FORMULAS = 50_000  # formulas remembered per profile (_Builder.parse), by row: bounded
_MAX_ROW_PLANS = 256  # 功能分类 row plans remembered per profile and section (by rows and names): bounded


@dataclass
class ClassifiedRows:
    """The rows a 功能分类/经济分类 section prints: codes in order and their names."""

    codes: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    def level(self, code: str) -> int:
        return {3: 0, 5: 1, 7: 2}.get(len(code), 0)


@dataclass
class ListRecord:
    key: str  # ledger key prefix of its figures: "<section>.<index>"
    texts: dict[str, str]  # text field → text ("名称", "绩效目标", …)


@dataclass
class ListGroup:
    key: str  # ledger key prefix of its subtotals: "<section>.分组<n>"
    label: str  # the group's value; "" = the department itself
    records: list[ListRecord] = field(default_factory=list)


@dataclass
class Figures:
    ledger: Ledger
    rows: dict[str, ClassifiedRows]  # per section
    unit: str  # the input's unit
    lists: dict[str, list[ListGroup]] = field(default_factory=dict)  # 列表 sections, grouped


def input_tolerance(profile: Profile, source: Source, unit: str) -> tuple[Decimal, list[Problem]]:
    """The tolerance in the input's unit: the profile's, or the input's own 勾稽容差 up to the
    profile's 勾稽容差上限 (with a warning that says so)."""
    base = Decimal(profile.model.tolerance)
    raw = source.data.get("勾稽容差")
    if raw is None:
        return base, []
    bound = Decimal(profile.model.tolerance_max or profile.model.tolerance)
    where = source.loc(("勾稽容差",))
    try:
        asked = parse_amount(raw)
    except AmountError:
        return base, []  # the input's schema (model.Report) reports it
    if asked < 0 or asked > bound:
        return base, [error("tolerance-too-large", f"勾稽容差 {asked} {unit} 超出模板“{profile.model.name}”允许的范围",
                            location=where, expected=f"0 至 {bound} {unit}（模板的“勾稽容差上限”）", found=f"{asked} {unit}")]
    if asked == base:
        return base, []
    return asked, [warning("tolerance-raised", f"本文档按输入的勾稽容差 {asked} {unit}核对（模板为 {base} {unit}，"
                           f"上限 {bound} {unit}）：差额在此以内的只警告", location=where)]


def build_figures(profile: Profile, source: Source, unit: str, sections: dict[str, Any]) -> tuple[Figures, list[Problem]]:
    # 0.01 in the unit the figures were typed in: 万元 figures carry rounding, 元 figures do not
    allowed, tolerance_problems = input_tolerance(profile, source, unit)
    ledger = Ledger(tolerance_yuan=allowed * UNIT_SCALE[unit], unit=unit, zero_answers=profile.zero_answers)
    builder = _Builder(profile, source, unit, ledger)
    builder.problems.extend(tolerance_problems)
    for name, spec in profile.model.data.items():
        raw = sections.get(name)
        if raw is UNREADABLE:  # a sheet that could not be read: its problem is reported
            ledger.spoil(name)
            raw = None
        if raw is None:
            raw = {}
        builder.section(name, spec, raw)
    builder.define_rules()
    builder.conditions()
    return Figures(ledger=ledger, rows=builder.rows, unit=unit, lists=builder.lists), builder.problems


class _Builder:
    def __init__(self, profile: Profile, source: Source, unit: str, ledger: Ledger) -> None:
        self.profile = profile
        self.source = source
        self.unit = unit
        self.ledger = ledger
        self.problems: list[Problem] = []
        self.rows: dict[str, ClassifiedRows] = {}
        self.lists: dict[str, list[ListGroup]] = {}
        self._pending: list[tuple[str, str, str]] = []  # (key, formula, section) parsed once all keys exist

    # -- reading input --------------------------------------------------------------------
    def amount(self, raw: object, path: tuple[str, ...], key: str, table: str, row: str,
               column: str) -> Decimal | None:
        """The figure `key` in 元, stated in the ledger; None and the key spoiled (its checks
        skipped, ledger.InvalidFigure) when it cannot be read."""
        value = self._amount(raw, path, table, row, column)
        if value is None:
            self.ledger.spoil(key)
        else:
            self.ledger.state(key, value, self.source.loc(path))
        return value

    def _amount(self, raw: object, path: tuple[str, ...], table: str, row: str, column: str) -> Decimal | None:
        def bad(message: str) -> None:
            self.problems.append(error("bad-amount", message, location=self.source.loc(path),
                                       table=table, row=row, column=column))

        if raw is UNREADABLE:  # a merged cell: reported by the workbook reader
            return None

        if isinstance(raw, str) and _SCIENTIFIC.match(raw):
            raw = Decimal(raw.strip())
        if isinstance(raw, (str, int, Decimal)) and not isinstance(raw, bool):
            text = str(raw)
            if (len(text) > MAX_DIGITS and sum(c.isdigit() for c in text) > MAX_DIGITS) or (
                    isinstance(raw, Decimal) and raw.is_finite() and abs(raw.adjusted()) > MAX_DIGITS):
                bad("数字大得不合理（超过 10 万亿元）或位数太多")
                return None
        try:
            value = to_yuan(parse_amount(raw), self.unit)
        except AmountError as e:
            bad(str(e))
            return None
        except (DecimalException, ArithmeticError):
            bad("数字大得不合理（超过 10 万亿元）")
            return None
        if value < 0:
            self.problems.append(error("negative", "金额不能为负数", location=self.source.loc(path),
                                       table=table, row=row, column=column, found=str(raw)))
            return None
        return value

    def not_mapping(self, raw: object, path: tuple[str, ...], table: str, row: str = "") -> bool:
        if isinstance(raw, dict):
            return False
        self.problems.append(error("not-mapping", f"应为“键: 值”形式的键值表，实际为{describe_type(raw)}",
                                   location=self.source.loc(path), table=table, row=row))
        return True

    def unknown(self, key: str, allowed: list[str], path: tuple[str, ...], table: str, row: str = "",
                what: str = "列") -> None:
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.4)
        self.problems.append(error(
            "unknown-key", f"不认识的{what}“{key}”（该项不会被使用）", location=self.source.loc(path),
            table=table, row=row,
            hint=f"是否想写“{close[0]}”？" if close else "可用的" + what + "：" + a_few(key, allowed)))

    # -- sections -------------------------------------------------------------------------
    def section(self, name: str, spec: DataSection, raw: Any) -> None:
        table = self.profile.table_for_section(name)
        if spec.form == "列表":
            self.list_section(name, spec, raw, table)
            return
        if self.not_mapping(raw, (name,), table):
            self.ledger.spoil(name)
            raw = {}  # still define the section's figures, so other tables' formulas resolve
        if spec.form == "项目":
            self.record_section(name, spec, raw, table)
        elif spec.form == "功能分类":
            self.functional_section(name, spec, raw, table)
        else:
            self.economic_section(name, spec, raw, table)

    def record_section(self, name: str, spec: DataSection, raw: dict[str, Any], table: str) -> None:
        plan = self.profile.plans.get(("项目", name))
        if plan is None:  # the section's figures with their formulas, and its groups of items
            plan = self.profile.plans[("项目", name)] = (
                [(f"{name}.{item}", formula) for item, formula in spec.items.items()], _groups(spec.items))
        items, groups = plan
        define = self.ledger.define
        for key, formula in items:
            define(key)
            if formula:
                self._pending.append((key, formula, name))
        self.record_level(name, spec, raw, (name,), "", table, groups)

    def record_level(self, name: str, spec: DataSection, raw: dict[str, Any], path: tuple[str, ...],
                     prefix: str, table: str, groups: set[str]) -> None:
        """One level of a 项目 section: each key is an item or a group ("预算数") of items
        (`groups`: every group of the section's items, _groups)."""
        for key, value in raw.items():
            dotted = prefix + key
            is_group = dotted in groups
            if dotted not in spec.items and not is_group:
                here = list(dict.fromkeys(k[len(prefix):].split(".")[0] for k in spec.items if k.startswith(prefix)))
                self.unknown(key, here, path + (key,), table, row=prefix.rstrip("."), what="项")
                self.ledger.spoil(name)  # the figure it was meant to be is unknown
                continue
            if is_group and dotted not in spec.items:
                if value is None:
                    continue
                if not self.not_mapping(value, path + (key,), table, dotted):
                    self.record_level(name, spec, value, path + (key,), dotted + ".", table, groups)
                else:
                    self.ledger.spoil(name)
                continue
            self.amount(value, path + (key,), f"{name}.{dotted}", table, dotted, "")

    def functional_section(self, name: str, spec: DataSection, raw: dict[str, Any], table: str) -> None:
        catalogue = self.profile.catalogues["功能分类"]
        columns = list(spec.columns)
        names: dict[str, str] = {}
        present: set[str] = set()
        for code, row in raw.items():
            path = (name, code)
            if code != TOTAL_ROW and not self.valid_code(code, (3, 5, 7), path, table):
                self.ledger.spoil(f"{name}.{TOTAL_ROW}")  # a row of unknown place: the totals are unknown
                continue
            if row is None:
                row = {}
            if row is UNREADABLE or self.not_mapping(row, path, table, code):
                self.spoil_row(name, code)
                continue
            if NAME_KEY in row:
                label = self.name_text(row[NAME_KEY], path + (NAME_KEY,), table, code)
                if label:
                    names[code] = label
                    self.named_code(code, label, catalogue, path + (NAME_KEY,), table)
            present.add(code)
            label = self.row_label(code, catalogue, names)
            for column, value in row.items():
                if column == NAME_KEY:
                    continue
                if column not in columns:
                    self.unknown(column, columns, path + (column,), table, row=code)
                    self.spoil_row(name, code)  # the column it was meant for is unknown
                    continue
                self.amount(value, path + (column,), f"{name}.{code}.{column}", table, label, column)
        present.discard(TOTAL_ROW)
        for code in list(present):  # every 项 brings its 款 and 类
            present.update(code[:n] for n in (3, 5) if n < len(code))
        codes = sorted(present)
        for code in codes:
            if code not in names and code not in catalogue.names:
                self.problems.append(error(
                    "unknown-code", f"科目编码 {code} 不在 {catalogue.year} 年{catalogue.name}科目目录中",
                    location=self.source.loc((name, code)), table=table, row=code,
                    hint=f"请核对编码；确属新增科目时，可在该行写“{NAME_KEY}: 名称”"))
        self.rows[name] = ClassifiedRows(codes=codes, names={c: names.get(c) or catalogue.names.get(c, "")
                                                              for c in codes})
        # The rows' figures, their rules and identities follow from the profile's section, the
        # rows present and the names typed for them alone: made once per such shape
        # (_functional_rows), then only defined in this ledger, in the same order.
        plans = self.profile.plans.setdefault(("功能分类行", name), {})
        shape = (tuple(codes), tuple([names.get(c) for c in codes]))
        rows = plans.get(shape)
        if rows is None:
            if len(plans) >= _MAX_ROW_PLANS:
                plans.clear()
            rows = plans[shape] = _functional_rows(name, spec, codes, catalogue, names)
        define, pending = self.ledger.define, self._pending
        for key, formula, scope, identity, rule in rows:
            fig = define(key)
            if formula:
                pending.append((key, formula, scope))
                if identity is not None:
                    fig.identities.append(identity)
            elif rule is not None:
                fig.rule = rule
        space = self.profile.plans.get(("隐含为零", name))
        if space is None:  # one predicate per profile: the ledger shares its answers (profile.zero_answers)
            space = self.profile.plans[("隐含为零", name)] = _zero_space(name, set(spec.columns))
        self.ledger.zero_spaces.append(space)

    def spoil_row(self, name: str, code: str) -> None:
        """A 功能分类 row that could not be read: it, its 款, 类 and the 合计 are unknown."""
        for prefix in {code, code[:5], code[:3], TOTAL_ROW}:
            self.ledger.spoil(f"{name}.{prefix}")

    def named_code(self, code: str, label: str, catalogue: Catalogue, path: tuple[str, ...], table: str) -> None:
        """A 科目名称 typed in the input is printed (a local or this year's wording of a known
        code, silently); the officer is told when it names a code the year's catalogue lacks
        (its parents must be there or named too)."""
        if code in catalogue.names:
            return
        message = f"科目编码 {code} 不在 {catalogue.year} 年{catalogue.name}科目目录中，按填写的科目名称“{label}”印出"
        self.problems.append(warning("named-code", message, location=self.source.loc(path), table=table, row=code,
                                     hint="请核对编码和名称；新增科目也可补入 data/catalogues/ 中该年度的目录"))

    def economic_section(self, name: str, spec: DataSection, raw: dict[str, Any], table: str) -> None:
        catalogue = self.profile.catalogues["经济分类"]
        plan = self.profile.plans.get(("经济分类", name))
        if plan is None:  # the catalogue's rows of this table, the same for every input
            in_scope = [c for c in catalogue.names if c[:3] in spec.scope]
            catalogued = {c: catalogue.names[c] for c in in_scope}
            allowed = set(in_scope)
            plan = self.profile.plans[("经济分类", name)] = (
                catalogued, *_economic_rows(name, spec, catalogued),
                lambda key, prefix=name + ".": key.startswith(prefix) and key[len(prefix):] in allowed)
        catalogued, catalogued_codes, catalogued_rows, zero_space = plan
        names = dict(catalogued)
        for key, value in raw.items():
            path = (name, key)
            if key in spec.totals:
                self.amount(value, path, f"{name}.{key}", table, key, "")
                continue
            if not _CODE.match(key):
                self.unknown(key, list(spec.totals) + ["（经济分类科目编码）"], path, table, what="项")
                self.ledger.spoil(name)  # a figure of unknown place: the table's totals are unknown
                continue
            if not self.valid_code(key, (3, 5), path, table):
                self.ledger.spoil(name)
                continue
            if key[:3] not in spec.scope:
                self.problems.append(error("code-out-of-scope", f"经济分类科目 {key} 不属于本表（本表只含 "
                                           + "、".join(spec.scope) + "）", location=self.source.loc(path), table=table))
                self.ledger.spoil(name)
                continue
            if isinstance(value, dict):
                extra = set(value) - {"金额", NAME_KEY}
                if extra:
                    self.unknown(sorted(extra)[0], ["金额", NAME_KEY], path, table, row=key, what="项")
                if NAME_KEY in value:
                    label = self.name_text(value[NAME_KEY], path + (NAME_KEY,), table, key)
                    if label:
                        names[key] = label
                        self.named_code(key, label, catalogue, path + (NAME_KEY,), table)
                value = value.get("金额", 0)
            if key not in names:
                self.problems.append(error(
                    "unknown-code", f"科目编码 {key} 不在 {catalogue.year} 年{catalogue.name}科目目录中",
                    location=self.source.loc(path), table=table, row=key,
                    hint=f"请核对编码；确属新增科目时，写成“{key}: {{金额: …, {NAME_KEY}: 名称}}”"))
                self.ledger.spoil(name)
                continue
            if value is None:
                continue
            self.amount(value, path, f"{name}.{key}", table, f"{key} {names[key]}", "金额")
        if names == catalogued:  # no name typed in the input: the catalogue's rows
            codes, rows = list(catalogued_codes), catalogued_rows
        else:
            codes, rows = _economic_rows(name, spec, names)
        self.rows[name] = ClassifiedRows(codes=codes, names=names)
        define = self.ledger.define
        for key, rule in rows:
            fig = define(key)
            if rule is not None:
                fig.rule = rule
        for total, formula in spec.totals.items():
            self.ledger.define(f"{name}.{total}")
            self._pending.append((f"{name}.{total}", formula, name))
        self.ledger.zero_spaces.append(zero_space)

    def list_section(self, name: str, spec: DataSection, raw: Any, table: str) -> None:
        if raw == {}:
            raw = []
        if not isinstance(raw, list):
            self.problems.append(error("not-list", f"应为列表（每项以“- ”开头），实际为{describe_type(raw)}",
                                       location=self.source.loc((name,)), table=table))
            self.ledger.spoil(name)
            raw = []
        allowed = list(spec.fields) + list(spec.columns)
        groups: dict[str, ListGroup] = {}
        for i, record in enumerate(raw):
            path = (name, str(i))
            if record is None:
                continue
            if self.not_mapping(record, path, table, f"第{i + 1}项"):
                self.ledger.spoil(name)  # a record left out: the totals are unknown
                continue
            texts: dict[str, str] = {}
            for key, value in record.items():
                if key in spec.fields:
                    if value is not None:
                        texts[key] = self.name_text(value, path + (key,), table, f"第{i + 1}项")
                elif key not in spec.columns:
                    self.unknown(key, allowed, path + (key,), table, row=f"第{i + 1}项", what="项")
                    self.ledger.spoil(f"{name}.{i}")  # perhaps one of its amounts, misspelt
            title = spec.fields[0] if spec.fields else ""
            if title and not texts.get(title):
                self.problems.append(error("missing-name", f"第{i + 1}项缺少“{title}”",
                                           location=self.source.loc(path), table=table))
            label = texts.get(title, f"第{i + 1}项")
            for column, formula in spec.columns.items():
                key = f"{name}.{i}.{column}"
                self.ledger.define(key)
                if formula:
                    self._pending.append((key, formula, f"{name}.{i}"))
                if column in record:
                    self.amount(record[column], path + (column,), key, table, label, column)
            group = texts.get(spec.group, "") if spec.group else ""
            if group not in groups:
                groups[group] = ListGroup(f"{name}.分组{len(groups) + 1}", group)
            groups[group].records.append(ListRecord(f"{name}.{i}", texts))
        self.lists[name] = list(groups.values())
        for column in spec.columns:
            for g in groups.values():
                self.ledger.define(f"{g.key}.{column}", rule=sum_of(
                    [(f"{r.key}.{column}", r.texts.get(spec.fields[0], "") if spec.fields else r.key)
                     for r in g.records]))
            total = self.ledger.define(f"{name}.{TOTAL_ROW}.{column}")
            kids = [(f"{g.key}.{column}", g.label or TOTAL_ROW) for g in groups.values()]
            if kids:
                total.rule = sum_of(kids)
            else:
                total.rule = parse_expr("0", lambda t: None)

    def name_text(self, raw: object, path: tuple[str, ...], table: str, code: str) -> str:
        if isinstance(raw, (str, int)) and not isinstance(raw, bool) and str(raw).strip():
            return str(raw).strip()
        self.problems.append(error("bad-name", f"{NAME_KEY}应为文字，实际为{describe_type(raw)}",
                                   location=self.source.loc(path), table=table, row=code))
        return ""

    def valid_code(self, code: str, widths: tuple[int, ...], path: tuple[str, ...], table: str) -> bool:
        if _CODE.match(code) and len(code) in widths:
            return True
        levels = "、".join(f"{CODE_LEVELS[w]} {w} 位" for w in widths)
        normal = unicodedata.normalize("NFKC", code)
        if any(c.isspace() for c in code):
            hint = "科目编码中不能有空格"
        elif normal != code and _CODE.match(normal):
            hint = f"请用半角数字：{normal}"
        elif _CODE.match(normal):
            hint = f"这个编码有 {len(code)} 位"
        else:
            hint = "科目编码只能由数字组成"
        self.problems.append(error("bad-code", f"“{code}”不是有效的科目编码",
                                   location=self.source.loc(path), table=table, row=code,
                                   expected=f"{levels}数字", found=f"“{code}”", hint=hint))
        return False

    @staticmethod
    def row_label(code: str, catalogue: Catalogue, names: dict[str, str]) -> str:
        if code == TOTAL_ROW:
            return TOTAL_ROW
        return f"{code} {names.get(code) or catalogue.names.get(code, '')}".strip()

    # -- formulas -------------------------------------------------------------------------
    def define_rules(self) -> None:
        for key, formula, scope in self._pending:
            try:
                expr = self.parse(formula, scope)
            except ProfileFormulaError as e:
                self.problems.append(error("profile-formula", str(e), location=Location(file=self.profile.file),
                                           hint="这是模板文件的问题，请联系模板维护者"))
                continue
            self.ledger.define(key, rule=expr)

    def parse(self, formula: str, scope: str) -> Expr:
        """The formula with each name resolved, first relative to its row/section ("scope.name"),
        then absolute ("name"): a name the ledger knows (ledger.knows: a figure, or an implicit
        zero of a 科目 table).

        Remembered on the profile with the answers it rested on: which names were figures and
        which were not. The implicit zeros are the profile's own (its sections, columns and
        catalogues), the same for every input, so when each remembered answer holds for this
        input's figures, resolving again would give the same expression."""
        memo = self.profile.formulas
        figures = self.ledger.figures
        entry = memo.get((formula, scope))
        if entry is not None:
            for name, known in entry[1]:  # all((name in figures) is known …), without a generator
                if (name in figures) is not known:
                    break
            else:
                return entry[0]
        knows = self.ledger.knows
        answers: list[tuple[str, bool]] = []
        prefix = scope + "."

        def resolve(token: str) -> str | None:
            for candidate in (prefix + token, token):
                if candidate in figures:
                    answers.append((candidate, True))
                    return candidate
                if knows(candidate):  # an implicit zero: known whatever the input
                    return candidate
                answers.append((candidate, False))
            return None

        expr = parse_expr(formula, resolve)
        if len(memo) >= _MAX_FORMULAS:
            memo.clear()
        memo[(formula, scope)] = (expr, tuple(answers))
        return expr

    def conditions(self) -> None:
        for check in self.profile.model.checks:
            m = re.match(r"^(.*?)\s*(<=|>=|=)\s*(.*)$", check.condition)
            try:
                if not m:
                    raise ProfileFormulaError(f"校验“{check.name}”的条件应形如“甲 <= 乙”")
                left = self.parse(m.group(1), "")
                right = self.parse(m.group(3), "")
            except ProfileFormulaError as e:
                self.problems.append(error("profile-formula", str(e), location=Location(file=self.profile.file)))
                continue
            self.ledger.conditions.append(Condition(check.name, left, m.group(2), right))


def _functional_rows(name: str, spec: DataSection, codes: list[str], catalogue: Catalogue,
                     names: dict[str, str]) -> list[tuple[str, str, str, Expr | None, Expr | None]]:
    """A 功能分类 table's figures, row by row ("合计" first) and column by column: (key, formula,
    its scope, identity, rule). A row with rows under it is their sum: its rule, or, when the
    column has a formula of its own, an identity it must satisfy."""
    # One pass, not codes × codes: a large department has ~1,000 codes per section.
    children: dict[str, list[str]] = {c: [] for c in codes}
    for d in codes:  # sorted, so each parent's children stay in code order
        if len(d) > 3 and d[:-2] in children:
            children[d[:-2]].append(d)
    children[TOTAL_ROW] = [c for c in codes if len(c) == 3]
    labels = {c: _Builder.row_label(c, catalogue, names) for c in codes}
    out: list[tuple[str, str, str, Expr | None, Expr | None]] = []
    for row in [TOTAL_ROW, *codes]:
        kid_rows = [(f"{name}.{k}.", labels[k]) for k in children[row]]
        for column, formula in spec.columns.items():
            kids = sum_of([(prefix + column, label) for prefix, label in kid_rows]) if kid_rows else None
            out.append((f"{name}.{row}.{column}", formula, f"{name}.{row}", kids if formula else None,
                        None if formula else kids))
    return out


def _economic_rows(name: str, spec: DataSection, names: dict[str, str]) -> tuple[list[str], list[tuple[str, Expr | None]]]:
    """A 经济分类 table's rows in order, and each row's figure with its rule (a 类 is the sum of its 款)."""
    codes = sorted(names, key=lambda c: (spec.scope.index(c[:3]), c))
    children: dict[str, list[str]] = {}  # 类 → its 款, in code order (one pass, not codes × codes)
    for k in codes:
        if len(k) == 5:
            children.setdefault(k[:3], []).append(k)
    rows: list[tuple[str, Expr | None]] = []
    for code in codes:
        kids = [(f"{name}.{k}", f"{k} {names[k]}") for k in children.get(code, ())]
        rows.append((f"{name}.{code}", sum_of(kids) if len(code) == 3 and kids else None))
    return codes, rows


def _groups(items: dict[str, str]) -> set[str]:
    """Every group of a 项目 section's items: "预算数" and "专项收入.其中" of "专项收入.其中.合计"."""
    out = set()
    for item in items:
        parts = item.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


def _zero_space(section: str, columns: set[str]):  # noqa: ANN202 - a small predicate factory
    prefix = section + "."

    def space(key: str) -> bool:
        if not key.startswith(prefix):
            return False
        parts = key[len(prefix):].split(".")
        return len(parts) == 2 and (_CODE.match(parts[0]) is not None) and parts[1] in columns

    return space


def _flatten(raw: dict[str, Any], path: tuple[str, ...], prefix: str = "") -> list[tuple[str, Any, tuple[str, ...]]]:
    out = []
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, path + (key,), dotted + "."))
        else:
            out.append((dotted, value, path + (key,)))
    return out

