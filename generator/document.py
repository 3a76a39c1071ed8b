"""The rendered document: what every writer (docx, xlsx, …) consumes.

Everything here is final text and final numbers: writers lay it out and never compute,
format or look anything up. Keeping this model small and frozen is what lets the
Word and Excel outputs agree with each other by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, TypeVar

Align = Literal["left", "center", "right"]

_Frozen = TypeVar("_Frozen")
_new = object.__new__


def copied(obj: _Frozen, **changes: Any) -> _Frozen:
    """`dataclasses.replace(obj, **changes)` for a frozen dataclass with no __post_init__, no
    slots and no field outside __init__ (Cell, Table, errors.Location): the copy is its fields
    with `changes` over them, set in one dict update instead of the frozen __init__'s
    `object.__setattr__` per field. For objects made by the hundred per department."""
    new = _new(type(obj))
    fields = new.__dict__
    fields.update(obj.__dict__)
    fields.update(changes)
    return new


@dataclass(frozen=True)
class Cell:
    """One body cell of a table.

    `text` is exactly what the document prints; `value` is the number behind it
    (in the table's display unit, already rounded) for cells that hold an amount,
    so the workbook can store a real number. `indent` counts levels (类=0, 款=1, 项=2)
    for name cells that the profile asks to indent.
    """

    text: str
    value: Decimal | None = None
    align: Align = "left"
    indent: int = 0
    bold: bool = False
    colspan: int = 1
    source: str = ""  # the figure behind an amount cell (ledger key), for self-checks


@dataclass(frozen=True)
class HeaderCell:
    """A cell of the (possibly multi-row) table header, placed on a grid."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    """A table as printed. `rows` hold exactly `ncols` cells each: a cell with colspan=n is
    followed by n-1 empty placeholder cells, so column indexes stay aligned."""

    number: str  # "表1"
    title: str  # "收入支出决算总表"
    org_label: str  # "部门：清远市政务服务数据管理局"
    unit_label: str  # "单位：万元"
    ncols: int
    header_rows: int
    header: tuple[HeaderCell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...]  # closing note lines, printed under the table
    landscape: bool
    widths: tuple[float, ...]  # relative column widths, one per column
    number_format: str  # Excel number format of amount cells, e.g. "#,##0.00"
    empty: bool = False  # every amount is zero (the notes then carry "无发生额")
    caption: str | None = None  # printed above the title ("表1", "公开01表"); None: the number, "": none
    toc: str | None = ""  # its 目录 entry ("" = its title, "一、收入支出决算总表"; None: not listed)
    unit: str = "万元"  # the unit its amounts print in (the header line says so)
    places: int = 2  # decimals its amounts print with


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = "一、", 2 = "（一）", 3 = "1."
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    explanation: str


@dataclass(frozen=True)
class Figure:
    """A chart: finished PNG bytes and its caption ("图1 收入支出总额与上年对比")."""

    png: bytes
    caption: str
    width_cm: float = 15.0  # printed width; the height follows the image's aspect ratio


Block = Heading | Paragraph | Table | GlossaryEntry | Figure


@dataclass(frozen=True)
class Citation:
    """A narrative amount and the table cell it was taken from (for `gen-report verify`).

    `row` counts table rows from the top of the printed table (header rows included) and
    `column` counts grid columns, so the check can find the cell in the written file."""

    text: str  # the number as the narrative prints it, e.g. "2,627.63" or "763"
    table: str  # "表1"
    row: int
    column: int
    # When the table prints in another unit or precision than the narrative: the cell times
    # `factor`, rounded half up to `places` decimals, is the narrative's number ("" = equal).
    factor: str = ""
    places: int = 2
    index: int = -1  # the table's position among the document's tables (-1: find it by `table`)


@dataclass(frozen=True)
class Operand:
    """One figure a narrative percentage was computed from: its exact value in 元 as generated
    and, when a table prints it, that cell (found like a Citation's) and the 元 one unit of
    that table is worth, so verify can recompute the percentage from the cell as it now stands."""

    value: str
    table: str = ""
    index: int = -1
    row: int = -1
    column: int = -1
    scale: str = "1"


@dataclass(frozen=True)
class PercentCheck:
    """A percentage the narrative prints (`text`, e.g. "87.2%", with `places` decimals) in
    `phrase`, derived from figures a and b: kind "change" is |a − b| / |b|, "ratio" is a / b."""

    phrase: str
    text: str
    places: int
    kind: str
    a: Operand
    b: Operand


@dataclass(frozen=True)
class Part:
    key: str  # the part's name in the profile: 概况 / 表格 / 情况说明 / 名词解释 / any other
    heading: str  # "第一部分 清远市政务服务数据管理局概况"
    blocks: tuple[Block, ...]
    holds: tuple[str, ...] = ()  # what it holds (概况, 表格, 情况说明, 名词解释, 绩效; 文字: its own template's); () = (key,)

    def has(self, content: str) -> bool:
        return content in (self.holds or (self.key,))


@dataclass(frozen=True)
class Document:
    title: str  # "清远市政务服务数据管理局2020年度部门决算"
    department: str
    year: int
    kind: str  # "决算" / "预算"
    parts: tuple[Part, ...]
    # Document properties come from the input, never from the clock (deterministic output).
    subject: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)
    category: str = ""
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    # figures the narrative cites that no table prints (其他重要事项.机关运行经费 …): verify names them
    uncited: tuple[str, ...] = ()
    # the percentages the narrative derived from table figures (verify recomputes them)
    percents: tuple[PercentCheck, ...] = ()
    # the front matter: the profile's lines under the title (封面), and whether a 目录 page follows
    cover: tuple[str, ...] = ()
    toc: bool = True
    text_landscape: bool = False  # text pages (and cover) printed landscape

    def part(self, key: str) -> Part:
        """The part named `key`, or else the part that holds that content."""
        for p in self.parts:
            if p.key == key:
                return p
        for p in self.parts:
            if p.has(key):
                return p
        raise KeyError(key)

    def tables(self) -> list[Table]:
        return [b for p in self.parts for b in p.blocks if isinstance(b, Table)]
