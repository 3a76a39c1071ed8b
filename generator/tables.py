"""Render the profile's table layouts into `document.Table`s from the ledger.

Three layouts cover the statutory tables:
- 科目: rows are the 功能分类 codes a data section holds (合计 first), columns its figures;
- 对照: two sides printed next to each other (收入 | 支出, 人员经费 | 公用经费), each with
  its own columns, rows paired top to bottom, 行次 numbered down the left then the right;
- 固定行: fixed rows of figures (the "三公" table);
- 列表: one row per record of a 列表 section (projects), grouped under subtotal rows.
Headers come from each column's header path; equal neighbouring prefixes merge.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import Any

from .amounts import UNIT_SCALE, from_yuan
from .document import Cell, HeaderCell, Table, copied
from .figures import TOTAL_ROW, ClassifiedRows, Figures
from .profiles import (
    ColumnSpec,
    Display,
    Profile,
    RowSpec,
    SideSpec,
    TableSpec,
    chinese_numeral,
    fill,
)

_CODE_KINDS = {"编码", "名称", "编码名称", "类", "款", "项"}
_CODE_COLUMNS = ("编码", "名称", "编码名称", "类", "款", "项")  # what classified_row prints as text
_TEXT_KINDS = {"编码", "名称", "编码名称", "类", "款", "项", "标签", "行次", "文字"}
_DEFAULT_WIDTH = {"编码": 1.2, "名称": 3.2, "编码名称": 4.0, "类": 0.6, "款": 0.6, "项": 0.6,
                  "标签": 3.5, "行次": 0.7, "文字": 4.0}


_ZERO = Decimal(0)
_OPERATOR = re.compile(r"[+\-\s]")  # what makes a cell's text more than one figure key (ledger._SPLIT)

chinese_number = chinese_numeral  # row labels "二十六、…"

# The cell of a zero figure, by display and key: zero is what most cells of most departments
# print, and the cell depends only on these two. Kept per process, emptied when it grows large.
_ZERO_CELLS: dict[Display, dict[str, Cell]] = {}
_ZERO_CELLS_MAX = 20000


# Text cells (codes, names, labels, 行次) are the same for every department of a profile:
# made once (a Cell is immutable, so one may stand in many tables).
_text = lru_cache(maxsize=8192)(Cell)
_BLANK = Cell("")
_value = attrgetter("value")

_AMOUNT = Cell("", align="right")


def _amount_cell(text: str, value: Decimal, source: str) -> Cell:
    """`Cell(text, value=value, align="right", source=source)`, made by `copied` (a department's
    tables make hundreds of amount cells)."""
    return copied(_AMOUNT, text=text, value=value, source=source)


# Row layouts kept on the profile (Profile.layouts) at most this many: keys include the names
# an input may give its 科目 rows, so a long batch could add a few per department.
_LAYOUTS_MAX = 20000


@lru_cache(maxsize=1024)
def _line_cell(line: int) -> Cell:
    """行次 `line`."""
    return Cell(str(line), align="center")


@lru_cache(maxsize=16384)
def _single_key(expr: str) -> bool:
    """Whether a cell's text names one figure (no operator, no space), as nearly every one does."""
    return not _OPERATOR.search(expr)


@dataclass(slots=True)
class _Row:
    """One side-row before layout: either a label row or a classified code row."""

    values: Sequence[str | None]  # figure expressions (already with {编码} filled), None = blank
    label: str = ""
    code: str = ""
    name: str = ""
    indent: int = 0
    center: bool = False
    blank: bool = False


_BLANK_ROW = _Row((), blank=True)  # shared: nothing changes a blank row (numbered() skips it)


class TableRenderer:
    def __init__(self, profile: Profile, figures: Figures, department: str) -> None:
        self._printed: dict[Display, dict[str, tuple[Decimal, str | None]]] = {}  # see printed()
        self.profile = profile
        self.figures = figures
        self.ledger = figures.ledger
        self.display = profile.display()
        self.org_label = f"{profile.model.org_label}：{department}"
        self.department = department
        self._placeholders: dict[str, dict[str, str]] = {}
        self._layouts = profile.layouts
        if len(self._layouts) > _LAYOUTS_MAX:
            self._layouts.clear()

    def _kept(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """What `make` gives, kept on the profile under `key` (Profile.layouts: keys name the
        profile's spec objects, so what is kept follows from the profile alone)."""
        found = self._layouts.get(key)
        if found is None:
            found = self._layouts[key] = make()
        return found

    def placeholders(self) -> dict[str, str]:
        """{部门名称}, {金额单位}, … of the table being rendered (its unit)."""
        unit = self.display.unit
        values = self._placeholders.get(unit)
        if values is None:
            values = self._placeholders[unit] = self.profile.placeholders(self.department, unit)
        return values

    # -- figures --------------------------------------------------------------------------
    @property
    def unit(self) -> str:
        return self.display.unit

    def amount(self, expr: str | None) -> Cell:
        """A figure in the table's unit, rounded half up on its own (never from other cells)."""
        if expr is None:
            return _BLANK
        ledger = self.ledger
        if _single_key(expr) and (expr in ledger.figures or ledger.knows(expr)):
            # One figure by its key, as nearly every cell names it: what parse_expr and the
            # ledger's evaluate would give for it (the same Decimal(0) + value, so the same
            # exponent and sign of zero), without splitting and resolving the text each time.
            yuan = ledger.value(expr)
            if not yuan:  # most cells: the same cell for every department (Cell is immutable)
                cell = self._zeros.get(expr)
                if cell is None:
                    cell = self._zeros[expr] = self._cell(_ZERO + yuan, expr)
                return cell
            return self._cell(_ZERO + yuan, expr)
        return self._cell(self.evaluate(expr), expr if ledger.knows(expr) else "")

    def printed(self, yuan: Decimal) -> tuple[Decimal, str | None]:
        """A figure in the table's unit and places (from_yuan, its parts looked up once per
        table), with its text (None when it rounds to zero: see _cell); kept for the department
        by the amount as written (its str: equal strings are the same Decimal, and a str hashes
        in a fraction of a Decimal's time), as most amounts print in several tables (a total,
        its 类 row, the 总表)."""
        written = str(yuan)
        printed = self._printed_here.get(written)
        if printed is None:
            value = (yuan / self._scale).quantize(self._quantum, ROUND_HALF_UP)
            # format(…): d.text(value), format_number of a figure already rounded to its places
            printed = self._printed_here[written] = (value, format(value, self._format) if value != 0 else None)
        return printed

    def _cell(self, yuan: Decimal, source: str) -> Cell:
        value, text = self.printed(yuan)
        if text is None:  # rounds to zero
            d = self._display
            if d.zero == "空白":
                return Cell("", align="right")  # no number either: the workbook cell stays empty
            return Cell(d.text(value), value=value, align="right", source=source)
        return _amount_cell(text, value, source)

    @property
    def display(self) -> Display:
        return self._display

    @display.setter
    def display(self, display: Display) -> None:
        self._display = display
        self._scale = UNIT_SCALE[display.unit]
        self._quantum = Decimal(1).scaleb(-display.places)
        self._format = f",.{display.places}f" if display.thousands else f".{display.places}f"
        self._printed_here = self._printed.setdefault(display, {})
        zeros = _ZERO_CELLS.setdefault(display, {})
        if len(zeros) > _ZERO_CELLS_MAX:  # a long batch of departments with their own list records
            zeros.clear()
        self._zeros = zeros

    def listed_if(self, spec_row: RowSpec, row: _Row, generated: bool) -> bool:
        """Whether a row is printed: a row marked 有数才列, or a generated row (每类, 经济分类)
        of a table whose 显示 lists only rows with amounts, is left out when all are zero."""
        if not (spec_row.optional or (generated and self.display.rows == "有数")):
            return True
        d = self.display
        return any(from_yuan(self.evaluate(v), d.unit, d.places) != 0 for v in row.values if v)

    def evaluate(self, expr: str) -> Decimal:
        if _single_key(expr) and self.ledger.knows(expr):
            return _ZERO + self.ledger.value(expr)  # as amount() does
        return self.ledger.evaluate_text(expr)

    # -- tables ---------------------------------------------------------------------------
    def render_all(self) -> list[Table]:
        return [self.render(spec) for spec in self.profile.model.tables if spec.placement == "表格"]

    def render_placed(self, placement: str) -> dict[str, Table]:
        """Tables a text part shows (位置: 情况说明), by title."""
        return {spec.title: self.render(spec) for spec in self.profile.model.tables
                if spec.placement == placement}

    def render(self, spec: TableSpec) -> Table:
        self.display = self.profile.display(spec)
        if spec.layout == "科目":
            columns, rows = self.classified(spec)
        elif spec.layout == "列表":
            columns, rows = self.listed(spec)
        elif spec.layout == "对照":
            columns, rows = self.two_sided(spec)
        else:
            columns, rows = self.fixed(spec)
        values = self.placeholders()
        paths, grid, widths = self._kept(("表", id(spec)), lambda: _frame(columns))
        header, depth = grid or _header_grid(tuple(tuple(fill(h, values) for h in path) for path in paths))
        # all(c.value == 0 for row in rows for c in row if c.value is not None), in C
        empty = not any(map(_value, chain.from_iterable(rows)))
        if spec.column_numbers:
            rows.insert(0, _column_numbers(tuple(c.content for c in columns)))
        notes = [fill(n, values) for n in spec.notes]
        if empty and spec.empty_note:
            notes.append(fill(spec.empty_note, values))
        return Table(
            number=self.profile.table_numbers[spec.title],
            title=fill(spec.title, values),
            org_label=self.org_label,
            unit_label=f"单位：{self.unit}",
            ncols=len(columns),
            header_rows=depth,
            header=header,
            rows=tuple(map(tuple, rows)),
            notes=tuple(notes),
            landscape=spec.orientation == "横向",
            widths=widths,
            number_format=self.display.number_format(),
            unit=self.display.unit,
            places=self.display.places,
            empty=empty,
        )

    # 科目 ---------------------------------------------------------------------------------
    def classified(self, spec: TableSpec) -> tuple[list[ColumnSpec], list[list[Cell]]]:
        assert spec.data, f"{spec.title}: 科目 layout needs 数据"
        rows_info: ClassifiedRows = self.figures.rows[spec.data]
        keys = self.row_keys(spec)
        amount = self.amount
        total = self.classified_row(spec, rows_info, TOTAL_ROW, iter([amount(k) for k in keys(TOTAL_ROW)]))
        every = not (spec.nonzero_only or self.display.rows == "有数")
        # a row's amounts first (in the same order as a whole row's); when only rows with an
        # amount are listed, its code and name cells only if it is printed
        body = []
        for code in rows_info.codes:
            template, slots, row_keys = self._kept(("科目", id(spec), code, rows_info.names.get(code, "")),
                                                   lambda code=code: self.code_row_layout(spec, rows_info, code, keys))
            amounts = [amount(k) for k in row_keys]
            if every or any(c.value for c in amounts if c.value is not None):
                cells = list(template)
                for pos, cell in zip(slots, amounts, strict=True):
                    cells[pos] = cell
                body.append(cells)
        return spec.columns, self.with_total(total, body)

    def code_row_layout(self, spec: TableSpec, info: ClassifiedRows, code: str,
                        keys: Callable[[str], list[str | None]]) -> tuple[tuple[Cell | None, ...], tuple[int, ...],
                                                                          tuple[str | None, ...]]:
        """A 科目 row (not 合计) as `classified_row` makes it, its amount cells left as None, with
        their positions and figure keys: the same for every department whose row has this code
        and name (a 经济分类 key of a code other than 合计 depends on the spec and code alone)."""
        row_keys = tuple(keys(code))
        template = self.classified_row(spec, info, code, iter([None] * len(row_keys)))  # type: ignore[list-item]
        return tuple(template), tuple(i for i, c in enumerate(template) if c is None), row_keys

    def row_keys(self, spec: TableSpec) -> Callable[[str], list[str | None]]:
        """A 科目 row's figure keys by its code, one per column that shows an amount
        (figure_key; the 合计 row leaves out every text column, as classified_row does)."""
        assert spec.data
        body = [c for c in spec.columns if c.content not in _CODE_COLUMNS]
        total = [c for c in spec.columns if c.content not in _TEXT_KINDS]
        if self.profile.model.data[spec.data].form == "经济分类":
            return lambda code: [self.figure_key(spec, code, c) for c in (total if code == TOTAL_ROW else body)]
        prefix = f"{spec.data}."
        body_columns = [f".{c.content}" for c in body]
        total_columns = [f".{c.content}" for c in total]
        return lambda code: [prefix + code + column
                             for column in (total_columns if code == TOTAL_ROW else body_columns)]

    def with_total(self, total: list[Cell], body: list[list[Cell]]) -> list[list[Cell]]:
        return [*body, total] if self.display.total == "末行" else [total, *body]

    def figure_key(self, spec: TableSpec, code: str, column: ColumnSpec) -> str | None:
        """A 科目 cell's figure: "<section>.<code>.<column>"; a 经济分类 section has one
        amount per code ("<section>.<code>") and its 合计 row is the named total. A 经济分类
        column `限于` some 类 (人员经费 | 公用经费) shows only their codes, its 合计 their sum."""
        assert spec.data
        if self.profile.model.data[spec.data].form == "经济分类":
            limit = column.classes
            if code == TOTAL_ROW:
                if limit is not None:
                    codes = [c for c in self.figures.rows[spec.data].codes if len(c) == 3 and c in limit]
                    return " + ".join(f"{spec.data}.{c}" for c in codes) or None
                return f"{spec.data}.{spec.total_row or TOTAL_ROW}"
            if limit is not None and code[:3] not in limit:
                return None
            return f"{spec.data}.{code}"
        return f"{spec.data}.{code}.{column.content}"

    def classified_row(self, spec: TableSpec, info: ClassifiedRows, code: str, amounts: Iterator[Cell]) -> list[Cell]:
        """A 科目 row around its amount cells (of row_keys' figures, in order)."""
        cells: list[Cell] = []
        level = info.level(code) if spec.indent_names else 0
        for c in spec.columns:
            kind = c.content
            if code == TOTAL_ROW and kind in _TEXT_KINDS:
                cells.append(_BLANK)
                continue
            if kind == "编码":
                cells.append(_text(code))
            elif kind == "名称":
                cells.append(_text(info.names.get(code, ""), indent=level))
            elif kind == "编码名称":
                cells.append(_text(f"[{code}]{info.names.get(code, '')}", indent=level))
            elif kind in ("类", "款", "项"):
                start, end = {"类": (0, 3), "款": (3, 5), "项": (5, 7)}[kind]
                cells.append(_text(code[start:end], align="center"))
            else:
                cells.append(next(amounts))
        if code == TOTAL_ROW:
            cells = _merge_label(cells, spec.columns, "合计")
        return cells

    # 对照 ---------------------------------------------------------------------------------
    def two_sided(self, spec: TableSpec) -> tuple[list[ColumnSpec], list[list[Cell]]]:
        assert spec.left and spec.right, f"{spec.title}: 对照 layout needs 左 and 右"
        left_body, left_n = self.numbered(spec.left.rows)
        right_body, right_n = self.numbered(spec.right.rows)
        left_foot = self.numbered(spec.left.footer, left_n)[0]
        right_foot = self.numbered(spec.right.footer, right_n)[0]
        height = max(len(left_body), len(right_body))
        foot = max(len(left_foot), len(right_foot))
        left = _pad(left_body, height) + _pad(left_foot, foot)
        right = _pad(right_body, height) + _pad(right_foot, foot)
        rows = []
        left_label, right_label = (any(c.content == "标签" for c in side.columns) for side in (spec.left, spec.right))
        for i, (lrow, rrow) in enumerate(zip(left, right, strict=True)):
            rows.append(self.side_cells(spec.left, lrow, i + 1, left_label)
                        + self.side_cells(spec.right, rrow, len(left) + i + 1, right_label))
        return spec.left.columns + spec.right.columns, rows

    def side_rows(self, side: SideSpec) -> list[_Row]:
        return self.numbered(side.rows)[0]

    def numbered(self, specs: list[RowSpec], start: int = 0) -> tuple[list[_Row], int]:
        """Expanded rows with "一、" … on those marked 序号, counting on from `start`
        (a side's 底部 continues its body's numbers: "四、上级补助收入" after 本年收入合计)."""
        rows = []
        n = start
        for spec_row, row in self.expand(specs):
            if spec_row.numbered and not row.blank:
                n += 1
                row.label = f"{chinese_number(n)}、{row.label}"
            rows.append(row)
        return rows, n

    def expand(self, specs: list[RowSpec]) -> list[tuple[RowSpec, _Row]]:
        """Each printed row with the row spec behind it (a 每类 spec stands behind many),
        leaving out the rows not listed (see listed_if)."""
        out: list[tuple[RowSpec, _Row]] = []
        for spec in specs:
            generated = []
            if spec.each_class is not None:
                generated = [_Row(values, label=label) for values, label in self.class_rows(spec)]
            elif spec.econ_classes is not None:
                section = spec.values[0].split(".")[0] if spec.values else ""
                info = self.figures.rows[section]
                generated = [_Row(self.code_values(spec, code), code=code, name=info.names[code])
                             for code in info.codes if code[:3] in spec.econ_classes]
            elif spec.label is None and not spec.values:
                out.append((spec, _BLANK_ROW))
                continue
            else:
                label = fill(spec.label or "", self.placeholders())
                row = _Row(list(spec.values), label=label, indent=spec.indent, center=spec.center)
                if self.listed_if(spec, row, generated=False):
                    out.append((spec, row))
                continue
            out += [(spec, row) for row in generated if self.listed_if(spec, row, generated=True)]
        return out

    def code_values(self, spec: RowSpec, code: str) -> tuple[str | None, ...]:
        """A generated row's figure expressions: the spec's values with {编码} filled (kept per profile)."""
        return self._kept(("编码", id(spec), code),
                          lambda: tuple(v.replace("{编码}", code) for v in spec.values))  # type: ignore[union-attr]

    def class_rows(self, spec: RowSpec) -> tuple[tuple[tuple[str | None, ...], str], ...]:
        """The (values, label) of each row a 每类 spec generates: made once per profile."""
        names = self.profile.catalogues["功能分类"].names
        return self._kept(("每类", id(spec)), lambda: tuple(
            (self.code_values(spec, code), names.get(code, code))
            for code in listed_classes(self.profile, spec.each_class or [])))

    def side_cells(self, side: SideSpec, row: _Row, line: int, labelled: bool | None = None) -> list[Cell]:
        """One side of a row; `labelled`: whether the side has a 标签 column (else asked here)."""
        if labelled is None:
            labelled = any(c.content == "标签" for c in side.columns)
        key = ("对照", id(side), row.label, row.indent, row.center, row.code, row.name, row.blank, line, labelled)
        template, slots = self._kept(key, lambda: _side_layout(side, row, line, labelled))
        cells = list(template)
        values = row.values
        amount = self.amount
        for i, pos in enumerate(slots):
            cell = amount(values[i] if i < len(values) else None)
            if pos >= 0:
                cells[pos] = cell
        return cells

    # 固定行 -------------------------------------------------------------------------------
    def fixed(self, spec: TableSpec) -> tuple[list[ColumnSpec], list[list[Cell]]]:
        if not spec.rows:  # one row of the columns' own figures
            return spec.columns, [[self.amount(c.value) if c.value else _BLANK for c in spec.columns]]
        rows = []
        for row_spec, row in self.expand(spec.rows):
            if not self.listed_if(row_spec, row, generated=self.display.rows == "有数"):
                continue
            values = iter(row.values)
            cells = []
            for c in spec.columns:
                if c.content == "标签":
                    cells.append(_text(row.label, indent=row.indent, align="center" if row.center else "left"))
                elif c.content in _TEXT_KINDS:
                    cells.append(_BLANK)
                else:
                    cells.append(self.amount(next(values, None)))
            rows.append(cells)
        return spec.columns, rows


    # 列表 ---------------------------------------------------------------------------------
    def listed(self, spec: TableSpec) -> tuple[list[ColumnSpec], list[list[Cell]]]:
        """合计, then per group a subtotal row (labelled by the group, or the department),
        then its records indented under it; without records, the profile's 空表行."""
        assert spec.data
        section = self.profile.model.data[spec.data]
        groups = self.figures.lists.get(spec.data, [])
        grouped = section.group is not None
        total = self.list_row(spec, f"{spec.data}.{TOTAL_ROW}", {}, TOTAL_ROW, 0)
        rows: list[list[Cell]] = []
        if not any(g.records for g in groups) and spec.empty_row:
            cells = [Cell(t, align="left" if i == 0 else "center") for i, t in enumerate(spec.empty_row)]
            return spec.columns, [(cells + [Cell("")] * len(spec.columns))[:len(spec.columns)]]
        for g in groups:
            if grouped:
                rows.append(self.list_row(spec, g.key, {}, g.label or self.department, 0))
            for r in g.records:
                rows.append(self.list_row(spec, r.key, r.texts, None, 2 if grouped else 0))
        return spec.columns, self.with_total(total, rows)

    def list_row(self, spec: TableSpec, key: str, texts: dict[str, str], label: str | None,
                 indent: int) -> list[Cell]:
        section = self.profile.model.data[spec.data or ""]
        name_field = section.fields[0] if section.fields else ""
        cells = []
        for i, c in enumerate(spec.columns):
            if c.content in section.columns:
                cells.append(self.amount(f"{key}.{c.content}"))
            elif label is not None:
                cells.append(Cell(label if i == 0 else "", indent=indent))
            elif c.content in ("名称", name_field):
                cells.append(Cell(texts.get(name_field, ""), indent=indent))
            else:
                cells.append(Cell(texts.get(c.content, "")))
        return cells


def _frame(columns: list[ColumnSpec]) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[HeaderCell, ...], int] | None,
                                             tuple[float, ...]]:
    """What a table's columns alone decide: their header paths, the header grid when no header
    text has a placeholder ({年度} …: else filled for each department), their relative widths."""
    paths = tuple(tuple(c.header) for c in columns)
    plain = not any("{" in h for path in paths for h in path)
    return (paths, _header_grid(paths) if plain else None,
            tuple(c.width or _DEFAULT_WIDTH.get(c.content, 1.4) for c in columns))


@lru_cache(maxsize=1024)
def _header_grid(paths: tuple[tuple[str, ...], ...]) -> tuple[tuple[HeaderCell, ...], int]:
    """`header_grid` of a table's filled header paths (the same for every department)."""
    cells, depth = header_grid([list(p) for p in paths])
    return tuple(cells), depth


@lru_cache(maxsize=256)
def _column_numbers(kinds: tuple[str, ...]) -> tuple[Cell, ...]:
    """栏次: amount columns numbered 1, 2, …; "栏次" stands in each side's label columns."""
    cells: list[Cell] = []
    n = 0
    i = 0
    while i < len(kinds):
        kind = kinds[i]
        if kind in _CODE_KINDS or kind == "标签":
            run = 1
            while i + run < len(kinds) and kinds[i + run] in _CODE_KINDS:
                run += 1
            cells += [Cell("栏次", align="center", colspan=run)] + [_BLANK] * (run - 1)
            i += run
            continue
        if kind in _TEXT_KINDS:
            cells.append(_BLANK)
        else:
            n += 1
            cells.append(Cell(str(n), align="center"))
        i += 1
    return tuple(cells)


def _side_layout(side: SideSpec, row: _Row, line: int, labelled: bool) -> tuple[tuple[Cell | None, ...], tuple[int, ...]]:
    """One side of a row without its amounts: its cells with None where each amount goes, and
    the position of each amount column in order (-1 for one a merged row label covers: its
    figure is still evaluated, as the side's columns are, but not shown)."""
    cells: list[Cell | None] = []
    amounts: list[int] = []
    for c in side.columns:
        kind = c.content
        if kind == "行次":
            cells.append(_line_cell(line))
        elif row.blank:
            cells.append(_BLANK)
        elif kind == "标签":
            cells.append(_text(row.label, indent=row.indent, align="center" if row.center else "left"))
        elif kind == "编码":
            cells.append(_text(row.code))
        elif kind == "名称":
            cells.append(_text(row.name))
        else:
            amounts.append(len(cells))
            cells.append(None)
    if row.label and not labelled:
        cells = _merge_label(cells, side.columns, row.label)  # type: ignore[arg-type]
    return tuple(cells), tuple(pos if cells[pos] is None else -1 for pos in amounts)


def listed_classes(profile: Profile, codes: list[str]) -> list[str]:
    """The 每类 codes that exist in the document year's catalogue: one profile can then serve
    years in which a 类 did not exist yet (224 is new in 2019, so a 2018 document leaves it out)."""
    names = profile.catalogues["功能分类"].names
    return [c for c in codes if c in names]


def _pad(rows: list[_Row], n: int) -> list[_Row]:
    return rows + [_BLANK_ROW] * (n - len(rows))


def _merge_label(cells: list[Cell], columns: list[ColumnSpec], label: str) -> list[Cell]:
    """Put a row label ("合计", "人员经费合计") across the leading code/name columns."""
    span = 0
    for c in columns:
        if c.content in _CODE_KINDS:
            span += 1
        else:
            break
    if span == 0:
        return cells
    return [_text(label, align="center", colspan=span)] + [_BLANK] * (span - 1) + cells[span:]


def header_grid(paths: list[list[str]]) -> tuple[list[HeaderCell], int]:
    """Place header labels on a grid: equal neighbouring prefixes merge across, a path that
    ends early spans down to the bottom header row."""
    depth = max(len(p) for p in paths)
    cells: list[HeaderCell] = []
    for level in range(depth):
        col = 0
        while col < len(paths):
            path = paths[col]
            if len(path) <= level:
                col += 1
                continue
            end = col + 1
            if len(path) > level + 1:
                while end < len(paths) and len(paths[end]) > level + 1 and paths[end][: level + 1] == path[: level + 1]:
                    end += 1
            rowspan = depth - level if len(path) == level + 1 else 1
            cells.append(HeaderCell(path[level], level, col, rowspan, end - col))
            col = end
    return cells, depth
