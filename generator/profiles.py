"""Profiles: everything that differs by year, region and kind, read from `data/`.

A profile names its tables, their columns, headers, orientation and notes, the data
sections an input fills (with the formulas that derive totals), the checks that apply,
the code catalogues, the glossary and the narrative templates. Code never hard-codes any
of it; a new year or region is a new file under data/profiles/.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import stored
from .amounts import format_number
from .errors import Location, Problem, UserError, error
from .facts import FactType, FieldSpec
from .load import Source
from .load import load_yaml as _load_yaml_uncached
from .model import Header, StyleInput, new_list
from .profile_patch import merge_profiles
from .resources import DATA_DIR
from .validation import pydantic_problems

CODE_LEVELS = {3: "类", 5: "款", 7: "项"}


class _Strict(BaseModel):
    # defer_build: validators are built when a model is first used, not at import, so a
    # command pays only for the models it validates (a nested model's schema is built once,
    # inside the model that uses it, instead of once more on its own).
    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True, defer_build=True)


def _codes(values: list[object]) -> list[str]:
    return [str(v) for v in values]


ZeroDisplay = Literal["空白", "0.00", "0", "-"]


class DisplaySpec(_Strict):
    """显示: how a table's (or the narrative's) amounts print. Each key left out falls back
    to the profile's `显示`, then to the built-in default (see Display)."""

    unit: Literal["元", "万元"] | None = Field(None, alias="金额单位")
    thousands: bool | None = Field(None, alias="千分位")
    places: int | None = Field(None, alias="小数位", ge=0, le=4)
    zero: ZeroDisplay | None = Field(None, alias="零值")
    total: Literal["首行", "末行"] | None = Field(None, alias="合计行")
    rows: Literal["全部", "有数"] | None = Field(None, alias="列出")

    @field_validator("zero", mode="before")
    @classmethod
    def _zero_text(cls, v: object) -> object:
        # `零值: 0.00` and `零值: 0` are numbers in YAML; the loader keeps their literal text
        return str(v) if v is not None and not isinstance(v, (str, bool)) else v


@dataclass(frozen=True)
class Display:
    """A table's resolved display settings."""

    unit: str = "万元"
    thousands: bool = True
    places: int = 2
    zero: str = "0.00"
    total: str = "首行"
    rows: str = "全部"

    def number_format(self) -> str:
        """The Excel number format that prints the cell as the Word table does."""
        body = ("#,##0" if self.thousands else "0") + ("." + "0" * self.places if self.places else "")
        zero = {"0": '"0"', "-": '"-"'}.get(self.zero, body)
        return body if zero == body else f"{body};-{body};{zero}"

    def text(self, value: Decimal) -> str:
        """The figure (already in this unit and rounded) as printed; "" for a blank zero."""
        if value == 0 and self.zero != "0.00":
            return {"空白": "", "0": "0", "-": "-"}[self.zero]
        return format_number(value, self.places, self.thousands)


class ColumnSpec(_Strict):
    header: list[str] = Field(alias="表头", min_length=1)
    # 编码 / 名称 / 编码名称 / 类 / 款 / 项 / 标签 / 行次 / 金额 / 文字 / a column of the data section
    content: str = Field("金额", alias="内容")
    width: float | None = Field(None, alias="宽", gt=0)
    # 固定行 without 行: the column's own figure, so columns can be reordered, added or
    # dropped by name (the 三公 table's 出国 | 公务用车 | 接待 | 会议费 …)
    value: str | None = Field(None, alias="值")
    # 科目 on a 经济分类 section: the amount only for codes of these 类 (人员经费: [301, 303])
    classes: list[str] | None = Field(None, alias="限于")

    _codes_classes = field_validator("classes", mode="before")(
        classmethod(lambda cls, v: _codes(v) if isinstance(v, list) else v))


class RowSpec(_Strict):
    label: str | None = Field(None, alias="标签")
    numbered: bool = Field(False, alias="序号")
    indent: int = Field(0, alias="缩进", ge=0, le=5)
    center: bool = Field(False, alias="居中")
    value: str | list[str] | None = Field(None, alias="值")
    each_class: list[str] | None = Field(None, alias="每类")
    econ_classes: list[str] | None = Field(None, alias="经济分类")
    # 固定行: leave the row out when all its amounts are zero (表11's category rows)
    optional: bool = Field(False, alias="有数才列")

    _codes_each = field_validator("each_class", "econ_classes", mode="before")(
        classmethod(lambda cls, v: _codes(v) if isinstance(v, list) else v))

    @property
    def values(self) -> list[str | None]:
        if self.value is None:
            return []
        return [self.value] if isinstance(self.value, str) else list(self.value)


class SideSpec(_Strict):
    columns: list[ColumnSpec] = Field(alias="列", min_length=1)
    rows: list[RowSpec] = Field(default_factory=new_list, alias="行")
    footer: list[RowSpec] = Field(default_factory=new_list, alias="底部")


_CONTENTS = {
    "科目": {"编码", "名称", "编码名称", "类", "款", "项"},  # plus the data section's columns
    "对照": {"标签", "行次", "编码", "名称", "金额"},
    "固定行": {"标签", "金额"},
    "列表": set(),  # the data section's 列 and 文字 fields
}


class TableSpec(_Strict):
    title: str = Field(alias="标题")
    layout: Literal["对照", "科目", "固定行", "列表"] = Field(alias="版式")
    data: str | None = Field(None, alias="数据")
    orientation: Literal["纵向", "横向"] = Field("纵向", alias="方向")
    column_numbers: bool = Field(False, alias="栏次")
    columns: list[ColumnSpec] = Field(default_factory=new_list, alias="列")
    rows: list[RowSpec] = Field(default_factory=new_list, alias="行")
    left: SideSpec | None = Field(None, alias="左")
    right: SideSpec | None = Field(None, alias="右")
    notes: list[str] = Field(default_factory=new_list, alias="注")
    empty_note: str | None = Field(None, alias="无发生额注")
    indent_names: bool = Field(False, alias="名称缩进")
    number: str | None = Field(None, alias="编号")
    # 科目 on a 经济分类 section: the section total printed as the 合计 row
    total_row: str | None = Field(None, alias="合计行")
    # 科目: print only the code rows with a non-zero amount (budget 经济分类 tables)
    nonzero_only: bool = Field(False, alias="只列有数行")
    # 表格: among the numbered tables; 情况说明: in the narrative where the template calls
    # 表格("标题"); or the 名称 of a part (部分), at the end of that part
    placement: str = Field("表格", alias="位置")
    # 列表 with no records: the cells of the one row printed instead ("无", "0", "无")
    empty_row: list[str] = Field(default_factory=new_list, alias="空表行")
    display: DisplaySpec = Field(default_factory=lambda: DisplaySpec(), alias="显示")

    @model_validator(mode="after")
    def _layout_fits(self) -> TableSpec:
        allowed = _CONTENTS[self.layout]
        if self.layout == "对照":
            if not (self.left and self.right):
                raise ValueError(f"表“{self.title}”：版式“对照”需要“左”和“右”两部分")
            columns = self.left.columns + self.right.columns
        else:
            if not self.columns:
                raise ValueError(f"表“{self.title}”：需要“列”")
            columns = self.columns
        if self.layout in ("科目", "列表") and not self.data:
            raise ValueError(f"表“{self.title}”：版式“{self.layout}”需要“数据”（填写数据部分的名称）")
        for c in columns:
            if self.layout not in ("科目", "列表") and c.content not in allowed:
                raise ValueError(f"表“{self.title}”：版式“{self.layout}”的列不能是“{c.content}”，"
                                 f"可用：{'、'.join(sorted(allowed))}")
        return self


class DataSection(_Strict):
    form: Literal["项目", "功能分类", "经济分类", "列表"] = Field(alias="形式")
    items: dict[str, str | None] = Field(default_factory=dict, alias="项")
    columns: dict[str, str | None] = Field(default_factory=dict, alias="列")
    scope: list[str] = Field(default_factory=new_list, alias="范围")
    totals: dict[str, str] = Field(default_factory=dict, alias="合计")
    # 列表: each record's text fields (the first is its name, required) and the field whose
    # value groups records under a subtotal row (blank: the department itself)
    fields: list[str] = Field(default_factory=new_list, alias="文字")
    group: str | None = Field(None, alias="分组")

    _codes_scope = field_validator("scope", mode="before")(
        classmethod(lambda cls, v: _codes(v) if isinstance(v, list) else v))


class CheckSpec(_Strict):
    name: str = Field(alias="名称")
    condition: str = Field(alias="条件")


class FactCheckSpec(CheckSpec):
    """A 情况说明校验; `都填写时: true` checks it only when every fact it names is filled in
    (车辆数 = Σ 车辆 when both are given: either alone is the department's choice)."""

    only_if_given: bool = Field(False, alias="都填写时")


class SubsetSpec(_Strict):
    """Row by row, the parts (财政拨款 tables) never exceed the whole (the all-funds table):
    for every code row, the sum of each part's column ≤ the whole's column it maps to."""

    name: str = Field(alias="名称")
    whole: str = Field(alias="不超过")  # a 功能分类 data section
    parts: dict[str, dict[str, str]] = Field(alias="明细")  # part section → {its column: the whole's column}


class OptionalSpec(_Strict):
    """可选内容: tables or sections a department (or the profile) switches on by name."""

    tables: list[TableSpec] = Field(default_factory=new_list, alias="表格")  # appended after the tables
    performance: Literal["项目", "部门整体"] | None = Field(None, alias="绩效表")  # see performance.py
    default: bool = Field(False, alias="默认启用")
    description: str = Field("", alias="说明")
    # The figure the meetings listed under 情况说明.会议费培训费.会议 may not exceed in total
    # (optional.py), e.g. "会议费培训费.决算数.会议费"; none: not checked.
    meetings_limit: str | None = Field(None, alias="会议合计上限")


class CarryOverCheck(_Strict):
    """This year's figure that must equal last year's (e.g. 年初结转和结余 = 上年年末结转和结余)."""

    this_year: str = Field(alias="本年")  # a figure of this year's ledger, or a 比较项
    last_year: str = Field(alias="上年")  # a figure of last year's (evaluated in last year's file)
    label: str = Field("", alias="名称")  # for messages; default: the last part of 本年


class CarryOverSpec(_Strict):
    """上年衔接: what last year's input (--prev / 上年文件) carries into this year's."""

    # Input texts taken from last year's file when this year's leaves them out (dotted paths).
    texts: list[str] = Field(default_factory=lambda: ["概况.主要职责", "概况.机构设置", "名词解释补充"],
                             alias="沿用")
    checks: list[CarryOverCheck] = Field(default_factory=new_list, alias="核对")
ChartKind = Literal["收支对比", "支出结构", "三公结构"]


class ChartSpec(_Strict):
    """One chart the profile knows how to draw (generator/charts.py), and where it goes."""

    kind: ChartKind = Field(alias="图")
    caption: str = Field(alias="标题")  # "{年度}年度收入支出总额与上年对比"; 图n is prefixed
    after: str = Field(alias="位置")  # a 情况说明 heading containing this text; end of part if none
    income: list[str] = Field(default_factory=new_list, alias="收入项")  # 收支对比: 比较项 names
    expenditure: list[str] = Field(default_factory=new_list, alias="支出项")
    section: str | None = Field(None, alias="数据")  # 支出结构: a 功能分类 data section
    column: str | None = Field(None, alias="列")
    items: list[str] = Field(default_factory=new_list, alias="项")  # 三公结构: 比较项 names


PartContent = Literal["概况", "表格", "情况说明", "名词解释", "绩效"]
# 金额合理上限 when a profile sets none, in 万元 (100 亿元): above every department's real total,
# yet a department of 100 万元 or more whose 元 figures are read as 万元 (×10,000) passes it.
DEFAULT_CEILING = Decimal(1_000_000)
CAPTION_TOKENS = {"序号": "1, 2, …", "两位序号": "01, 02, …", "中文序号": "一, 二, …"}


class PartSpec(_Strict):
    """One part of the document: its name (for 位置 and patches), its printed title, and
    what it holds, in order."""

    name: str = Field(alias="名称", min_length=1)
    title: str = Field(alias="标题")
    contents: list[PartContent] = Field(default_factory=new_list, alias="内容")
    # the part's own text (a chapter "二、机构设置" or "六、其他相关情况说明" of its own), printed
    # before its 内容, rendered like the 情况说明 (same functions, cited figures verified)
    template: str | None = Field(None, alias="模板", min_length=1)

    @model_validator(mode="after")
    def _holds_something(self) -> PartSpec:
        if not self.contents and not self.template:
            raise ValueError(f"部分“{self.name}”应写“内容”或“模板”（或两者）")
        return self


class PropertiesSpec(_Strict):
    """文档属性: the Word and Excel files' properties (File → Properties), placeholders filled."""

    subject: str = Field("", alias="主题")  # "" = none
    keywords: list[str] = Field(default_factory=lambda: ["{部门名称}", "{年度}"], alias="关键词")
    category: str = Field("", alias="类别")  # Word only; "" = none


class TocSpec(_Strict):
    show: bool = Field(True, alias="显示")
    tables: bool = Field(True, alias="列出表格")
    numbering: Literal["表号", "中文序号", "无"] = Field("无", alias="表格编号")


class BaselineModel(_Strict):
    """基准: a figure sentences compare with (年初预算, 全年预算, 上年预算执行数 …), the input
    keys that give it and the words that name it (narrative.py BaselineSpec)."""

    key: str | None = Field(None, alias="录入键")  # 全年预算数
    change_key: str | None = Field(None, alias="增减键")  # 比全年预算增减
    against: str | None = Field(None, alias="比较措辞")  # "比{全年预算数}增加…"
    completion: str | None = Field(None, alias="完成措辞")  # "完成{全年预算数}的…"


class CodeBaselineSpec(_Strict):
    """按科目比较: the table and column a bare 科目 code in 上年数 / 年初预算数 refers to."""

    data: str = Field(alias="数据")
    column: str | None = Field(None, alias="列")


# what an indicator column of a 绩效自评表 can print: the indicator's own fields; any other
# name is a text each indicator may carry under 文字 (偏差原因分析及改进措施 …)
INDICATOR_FIELDS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
INDICATOR_WIDTHS = {"一级指标": 1.6, "二级指标": 1.6, "三级指标": 2.4, "年度指标值": 2.0, "实际完成值": 2.0,
                    "分值": 1.0, "得分": 1.0}


class IndicatorColumn(_Strict):
    header: str = Field(alias="表头", min_length=1)
    content: str = Field(alias="内容", min_length=1)
    width: float | None = Field(None, alias="宽", gt=0)


class PerformanceLayout(_Strict):
    """绩效自评表版式: what a region's 绩效自评表 prints: header fields (主管部门, 实施单位,
    项目级次), 资金来源 rows under the 年度资金总额, the indicator block's columns (which
    indicator field or text each prints, under what header; 一级/二级指标 once per block when
    grouped), and closing texts."""

    header_fields: list[str] = Field(default_factory=new_list, alias="表头字段")
    funds: list[str] = Field(default_factory=new_list, alias="资金来源")
    texts: list[str] = Field(default_factory=new_list, alias="文字")
    columns: list[IndicatorColumn] = Field(
        default_factory=lambda: [IndicatorColumn.model_validate({"表头": f, "内容": f}) for f in INDICATOR_FIELDS],
        alias="指标列")
    grouped: bool = Field(False, alias="指标分组")

    @field_validator("columns")
    @classmethod
    def _columns_fit(cls, columns: list[IndicatorColumn]) -> list[IndicatorColumn]:
        contents = [c.content for c in columns]
        if repeated := sorted({c for c in contents if contents.count(c) > 1}):
            raise ValueError("“指标列”的内容重复：" + "、".join(repeated))
        if missing := [f for f in ("三级指标", "分值", "得分") if f not in contents]:
            raise ValueError("“指标列”缺少内容：" + "、".join(missing) + "（可用：" + "、".join(INDICATOR_FIELDS)
                             + "，或每个指标的一项文字）")
        if len(columns) < 6:
            raise ValueError(f"“指标列”至少 6 列（资金一栏印 资金、年度预算数、执行数、预算执行率、分值、得分），"
                             f"现有 {len(columns)} 列")
        return columns

    @property
    def indicator_texts(self) -> list[str]:
        """The per-indicator texts the columns print (each indicator's 文字 keys)."""
        return [c.content for c in self.columns if c.content not in INDICATOR_FIELDS]


class ProfileModel(_Strict):
    name: str = Field(alias="名称")
    description: str = Field("", alias="说明")
    kind: Literal["决算", "预算"] = Field(alias="类型")
    years: list[int] = Field(alias="适用年度", min_length=1)
    catalogues: dict[str, str] = Field(alias="科目目录")
    unit: Literal["元", "万元"] = Field("万元", alias="金额单位")
    # how a zero amount prints in the tables: "0.00", or an empty cell (and no number in Excel)
    zero_display: Literal["0.00", "空白"] = Field("0.00", alias="零值显示")
    org_label: str = Field("部门", alias="表头单位标签")
    # every table's display settings (a table's own 显示 overrides them key by key), and the
    # narrative's amounts (金额单位, 千分位, 小数位)
    display: DisplaySpec = Field(default_factory=lambda: DisplaySpec(), alias="显示")
    narrative_display: DisplaySpec = Field(default_factory=lambda: DisplaySpec(), alias="情况说明显示")
    title: str = Field(alias="文档标题")
    part_headings: dict[Literal["概况", "表格", "情况说明", "名词解释"], str] = Field(
        default_factory=dict, alias="部分标题")
    # the document frame (docs/模板配置.md): parts, cover, 目录, orientation, captions, header line
    parts: list[PartSpec] = Field(default_factory=new_list, alias="部分")
    carry_over: CarryOverSpec = Field(default_factory=lambda: CarryOverSpec(), alias="上年衔接")
    cover: list[str] = Field(alias="封面")  # the lines under the title (may be [])
    properties: PropertiesSpec = Field(default_factory=lambda: PropertiesSpec(), alias="文档属性")
    toc: TocSpec = Field(default_factory=lambda: TocSpec(), alias="目录")
    text_orientation: Literal["纵向", "横向"] = Field("纵向", alias="正文方向")
    table_orientation: Literal["按表", "纵向", "横向"] = Field("按表", alias="表格方向")
    caption: str = Field("表{序号}", alias="表号格式")  # "公开{两位序号}表", or 无

    @field_validator("caption")
    @classmethod
    def _caption_pattern(cls, v: str) -> str:
        tokens = _PLACEHOLDER.findall(v)
        if v != "无" and (len(tokens) != 1 or tokens[0] not in CAPTION_TOKENS):
            raise ValueError("“表号格式”应为“无”，或含 {序号}、{两位序号}、{中文序号} 之一的文字，"
                             "如“表{序号}”“公开{两位序号}表”")
        return v
    header_left: str | None = Field(None, alias="表头左")  # default "{表头单位标签}：{部门名称}"
    header_right: str = Field("单位：{金额单位}", alias="表头右")
    overview_template: str = Field(alias="概况模板")
    narrative_template: str | None = Field(None, alias="情况说明模板")
    glossary: str = Field(alias="名词解释")
    glossary_numbered: bool = Field(False, alias="名词解释编号")  # "一、财政拨款收入" as 003
    tolerance: str = Field("0.01", alias="勾稽容差")
    # how far an input may raise its own 勾稽容差 (a region that accepts 0.02); default: not at all
    tolerance_max: str | None = Field(None, alias="勾稽容差上限")
    data: dict[str, DataSection] = Field(alias="数据")
    checks: list[CheckSpec] = Field(default_factory=new_list, alias="校验")
    subsets: list[SubsetSpec] = Field(default_factory=new_list, alias="子集")
    # the largest figure a department of this region may have, in 万元: above it, figures typed
    # in 元 under the default 万元 (总收入8,635,300万元) are an error, not a document;
    # None: the built-in default (DEFAULT_CEILING), see `magnitude_ceiling`
    ceiling: Decimal | None = Field(None, alias="金额合理上限", gt=0)
    comparisons: dict[str, str] = Field(default_factory=dict, alias="比较项")
    # 汇总.xlsx (batch): column name as the documents say it -> 比较项 name or figure key
    summary_columns: dict[str, str] = Field(default_factory=dict, alias="汇总列")
    # figures compared with besides last year's (default: 年初预算 only), see docs/模板配置.md
    baselines: dict[str, BaselineModel | None] = Field(default_factory=dict, alias="基准")
    code_baseline: CodeBaselineSpec | None = Field(None, alias="按科目比较")
    # 情况说明's own fields and their checks (facts.py); None: the built-in fields (model.py)
    facts: dict[str, FieldSpec | FactType] | None = Field(None, alias="情况说明字段")
    fact_checks: list[FactCheckSpec] = Field(default_factory=new_list, alias="情况说明校验")
    # the narrative's style for documents of this profile; an input's own 样式 overrides it
    style: StyleInput = Field(default_factory=lambda: StyleInput(), alias="样式")
    class_list: list[str] = Field(default_factory=new_list, alias="功能分类类级")
    tables: list[TableSpec] = Field(alias="表格", min_length=1)
    optional: dict[str, OptionalSpec] = Field(default_factory=dict, alias="可选内容")
    # 绩效自评 grade thresholds: the lowest total score of each grade; below the last is 差
    grades: dict[str, float] = Field(default_factory=lambda: {"优": 90, "良": 80, "中": 60}, alias="绩效等级")
    performance_layout: PerformanceLayout = Field(default_factory=lambda: PerformanceLayout(), alias="绩效自评表版式")
    charts: list[ChartSpec] = Field(default_factory=new_list, alias="图表")
    default_charts: list[ChartKind] = Field(default_factory=new_list, alias="默认图表")

    @property
    def magnitude_ceiling(self) -> Decimal:
        """金额合理上限 in 万元: the profile's own, else the built-in default."""
        return self.ceiling if self.ceiling is not None else DEFAULT_CEILING

    @model_validator(mode="after")
    def _fits(self) -> ProfileModel:
        missing = {"概况", "表格", "情况说明", "名词解释"} - set(self.part_headings)
        if missing and not self.parts:
            raise ValueError("“部分标题”缺少：" + "、".join(sorted(missing)) + "（或用“部分”列出各部分）")
        if self.code_baseline and (self.code_baseline.data not in self.data or (
                self.code_baseline.column and self.code_baseline.column not in self.data[self.code_baseline.data].columns)):
            raise ValueError(f"“按科目比较”的数据或列不在“数据”中：{self.code_baseline.data}")
        for t in self.tables:
            if t.layout == "科目" and t.data not in self.data:
                raise ValueError(f"表“{t.title}”的数据“{t.data}”不是“数据”中定义的部分")
            if t.layout == "列表" and (t.data not in self.data or self.data[t.data].form != "列表"):
                raise ValueError(f"表“{t.title}”的数据“{t.data}”不是“数据”中形式为“列表”的部分")
            if t.layout in ("科目", "列表"):
                section = self.data[t.data]
                extra = {"金额"} if section.form == "经济分类" else set(section.fields)
                if t.layout == "列表":
                    extra |= {"名称"}
                for c in t.columns:
                    if (c.content not in _CONTENTS[t.layout] and c.content not in section.columns
                            and c.content not in extra):
                        raise ValueError(f"表“{t.title}”的列内容“{c.content}”不是数据“{t.data}”的列")
        return self

    _codes_classes = field_validator("class_list", mode="before")(
        classmethod(lambda cls, v: _codes(v) if isinstance(v, list) else v))

    @field_validator("zero_display", mode="before")
    @classmethod
    def _zero_display_text(cls, v: object) -> object:
        return "0.00" if not isinstance(v, str) and str(v) in ("0", "0.0", "0.00") else v

    @field_validator("tolerance", "tolerance_max", mode="before")
    @classmethod
    def _tolerance_text(cls, v: object) -> str | None:
        if v is None:
            return None
        try:
            if Decimal(str(v)) < 0:
                raise ValueError("勾稽容差不能为负数")
        except ArithmeticError as e:
            raise ValueError(f"勾稽容差应为数字，如 0.01，实际为“{v}”") from e
        return str(v)


# {部门名称} and the like in any text a profile holds (titles, headers, labels, notes, …);
# each is filled in for the document (see Profile.fill). Formulas (数据, 比较项, 值) use
# {编码} of their own and are not text.
PLACEHOLDERS = {
    "部门名称": "输入的部门名称",
    "年度": "输入的年度，如 2024",
    "上年": "上一年度，如 2023",
    "下年": "下一年度，如 2025",
    "类型": "决算 或 预算",
    "金额单位": "该表（或情况说明）印出的金额单位，元 或 万元",
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NOT_TEXT = {"数据", "比较项", "汇总列", "值", "条件", "科目目录", "概况模板", "情况说明模板", "模板", "名词解释", "表号格式"}


def frame_problems(model: ProfileModel, source: Source) -> list[Problem]:
    """The frame fits together: each content in one part, a part for the tables, every
    table's 位置 a place that exists. Located at the profile's lines."""
    problems = []
    contents = [(c, i, j) for i, part in enumerate(model.parts) for j, c in enumerate(part.contents)]
    seen: set[str] = set()
    for c, i, j in contents:
        if c in seen:
            problems.append(error("bad-profile-frame", f"“部分”中内容“{c}”出现了两次（每种内容只能放在一个部分）",
                                  location=source.loc(("部分", str(i), "内容", str(j)))))
        seen.add(c)
    if model.parts and "表格" not in seen:
        problems.append(error("bad-profile-frame", "“部分”中应有一个部分的“内容”含“表格”",
                              location=source.loc(("部分",))))
    names = [part.name for part in model.parts] or ["概况", "名词解释"]
    places = ["表格", "情况说明", *(n for n in names if n not in ("表格", "情况说明"))]
    for i, t in enumerate(model.tables):
        if t.placement not in places:
            problems.append(error("bad-profile-frame", f"表“{t.title}”的位置“{t.placement}”不存在",
                                  location=source.loc(("表格", str(i), "位置")),
                                  expected="可用的位置：" + "、".join(places)))
    return problems


def check_placeholders(source: Source) -> None:
    """Every {…} in the profile's texts names a known placeholder: checked when the profile
    is read, so a misspelt one is a located error, never printed literally."""
    problems = []

    def walk(value: object, path: tuple[str, ...]) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in _NOT_TEXT or (k == "名词解释" and isinstance(v, (dict, list))):
                    walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (str(i),))
        elif isinstance(value, str):
            for name in _PLACEHOLDER.findall(value):
                if name not in PLACEHOLDERS:
                    problems.append(error(
                        "unknown-placeholder", f"“{value}”中的占位符“{{{name}}}”不认识",
                        location=source.loc(path),
                        expected="可用的占位符：" + "、".join(f"{{{k}}}（{v}）" for k, v in PLACEHOLDERS.items())))

    walk(source.data, ())
    if problems:
        raise UserError(problems)


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 26 → 二十六."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def fill(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders filled in (checked known when the profile was read);
    most texts (headers, labels) have none and are returned as they are."""
    if "{" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


LAST_YEAR = "上年"


@dataclass(frozen=True)
class BaselineSpec:
    """One figure sentences compare with: last year's, or a budget the profile names
    (年初预算, 全年预算, 上年预算执行数 …), the input keys that give it and its words."""

    name: str  # 上年 / 年初预算 / 全年预算
    key: str  # the input key giving it directly: 上年数 / 年初预算数
    change_key: str | None  # the input key giving the change instead: 比上年增减
    against: str  # "比{against}增加…": 上年决算数 / 年初预算数
    completion: str  # "完成{completion}的…": 年初预算 / 全年预算数


DEFAULT_BASELINES = {
    LAST_YEAR: BaselineSpec(LAST_YEAR, "上年数", "比上年增减", "上年决算数", "上年决算数"),
    "年初预算": BaselineSpec("年初预算", "年初预算数", "比年初预算增减", "年初预算数", "年初预算"),
}


def baseline_specs(model: ProfileModel) -> dict[str, BaselineSpec]:
    """上年 always, then the profile's 基准 (default: 年初预算 only); a key left out of a
    基准 takes the built-in one of that name, else its 录入键 (default "<name>数")."""
    if not model.baselines:
        return dict(DEFAULT_BASELINES)
    out = {LAST_YEAR: DEFAULT_BASELINES[LAST_YEAR]}
    for name, m in model.baselines.items():
        default = DEFAULT_BASELINES.get(name)
        key = (m and m.key) or (default.key if default else f"{name}数")
        out[name] = BaselineSpec(
            name, key, (m and m.change_key) or (default.change_key if default else None),
            (m and m.against) or (default.against if default else key),
            (m and m.completion) or (default.completion if default else key))
    return out


@dataclass(frozen=True)
class Catalogue:
    """Code → name for one classification and year (功能分类 / 经济分类)."""

    name: str
    year: int
    names: dict[str, str]
    file: str

    def children(self, code: str) -> list[str]:
        width = {3: 5, 5: 7}.get(len(code))
        return [c for c in self.names if len(c) == width and c.startswith(code)] if width else []


@dataclass(frozen=True)
class Profile:
    model: ProfileModel
    file: str
    year: int
    catalogues: dict[str, Catalogue]
    glossary: tuple[tuple[str, str], ...]
    # where the profile names each of its sentence templates (概况模板, 部分[i].模板 …)
    template_places: tuple[tuple[str, Location], ...] = ()

    def template_place(self, name: str) -> Location | None:
        return dict(self.template_places).get(name)

    @cached_property
    def frame(self) -> tuple[PartSpec, ...]:
        """The parts in order: the profile's 部分, or the four of 部分标题."""
        if self.model.parts:
            return tuple(self.model.parts)
        return tuple(PartSpec.model_validate({"名称": key, "标题": self.model.part_headings[key], "内容": [key]})
                     for key in ("概况", "表格", "情况说明", "名词解释"))

    def caption(self, number: int) -> str:
        """The printed caption of the n-th numbered table ("表1", "公开01表"; "" for 无)."""
        if self.model.caption == "无":
            return ""
        return fill(self.model.caption, {"序号": str(number), "两位序号": f"{number:02d}",
                                         "中文序号": chinese_numeral(number)})

    @cached_property
    def table_numbers(self) -> dict[str, str]:
        """Each table's number ("表1", …): counted in order unless the profile names it."""
        numbered = [t for t in self.model.tables if t.placement == "表格"]
        out = {t.title: t.number or f"表{i}" for i, t in enumerate(numbered, start=1)}
        out.update({t.title: t.number or "" for t in self.model.tables if t.placement != "表格"})
        return out

    def header_line(self, department: str, unit: str) -> tuple[str, str]:
        """The line above a table: ("部门：XX", "单位：万元"); ("", "") prints none."""
        values = self.placeholders(department, unit)
        left = self.model.header_left
        if left is None:
            left = f"{self.model.org_label}：{{部门名称}}" if self.model.org_label != "无" else ""
        return fill(left, values), fill(self.model.header_right, values)

    def display(self, table: TableSpec | None = None) -> Display:
        """A table's display settings: its own 显示, then the profile's 显示, then the
        profile's 金额单位 and 零值显示, then the defaults."""
        return _display(self.model, table)

    def narrative_display(self) -> Display:
        m = self.model
        return Display(**{"unit": m.unit, **m.narrative_display.model_dump(exclude_none=True)})

    def placeholders(self, department: str, unit: str | None = None) -> dict[str, str]:
        """The values of {部门名称}, {年度}, … for this document (see PLACEHOLDERS)."""
        return {"部门名称": department, "年度": str(self.year), "上年": str(self.year - 1),
                "下年": str(self.year + 1), "类型": self.model.kind, "金额单位": unit or self.model.unit}

    def table_for_section(self, section: str) -> str:
        """'表3 支出决算表' for messages about a data section, in the document's words."""
        return self._section_tables.get(section, section)

    @cached_property
    def _section_tables(self) -> dict[str, str]:
        """table_for_section's answers: the first table whose data or title is the section."""
        out: dict[str, str] = {}
        for t in self.model.tables:
            for name in (t.data, t.title):
                if name is not None:
                    out.setdefault(name, f"{self.table_numbers[t.title]} {t.title}")
        return out

    @cached_property
    def formulas(self) -> dict[tuple[str, str], Any]:
        """Formulas resolved against this profile's figures, by (formula, scope): figures.py."""
        return {}

    @cached_property
    def plans(self) -> dict[tuple[str, str], Any]:
        """What figures.py derives from this profile and its catalogues alone, by (form, section)."""
        return {}

    @cached_property
    def layouts(self) -> dict[tuple[Any, ...], Any]:
        """What tables.py derives from this profile's table specs alone (a row's text cells,
        the rows a 每类 spec generates), by (kind, id of the spec object, …): the profile holds
        its model and with it each spec, so an id stays its object's while the profile lives."""
        return {}

    @cached_property
    def zero_answers(self) -> dict[tuple[Any, ...], dict[str, bool]]:
        """Which keys are implicit zeros (ledger.knows), by the zero spaces asked: each space
        is one of this profile's plans, so the answers hold for every input of the profile."""
        return {}

    @cached_property
    def variants(self) -> dict[tuple[str, ...], Profile]:
        """This profile with optional tables switched on, by their names (optional.py), made
        once: a Profile and its model are never changed once made."""
        return {}


# Display settings depend only on the profile's model and the table's spec: resolved once per
# process, keyed by both objects (held here, so their ids stay theirs). A model is never changed
# in place; a changed profile file is read into new objects.
_DISPLAYS: dict[tuple[int, int], tuple[ProfileModel, TableSpec | None, Display]] = {}


def _display(model: ProfileModel, table: TableSpec | None) -> Display:
    key = (id(model), id(table))
    known = _DISPLAYS.get(key)
    if known is not None and known[0] is model and known[1] is table:
        return known[2]
    legacy = {"unit": model.unit, "zero": "0.00" if model.zero_display == "0.00" else "空白"}
    settings = {**legacy, **model.display.model_dump(exclude_none=True)}
    if table is not None:
        settings.update(table.display.model_dump(exclude_none=True))
    display = Display(**settings)
    if len(_DISPLAYS) >= 1024:
        _DISPLAYS.clear()
    _DISPLAYS[key] = (model, table, display)
    return display


def profiles_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or DATA_DIR) / "profiles"


def available_profiles(data_dir: Path | None = None) -> list[ProfileModel]:
    out = []
    for path in sorted(profiles_dir(data_dir).glob("*.yaml")):
        out.append(_read_profile_model(path)[0])
    return out


def choose_profile_file(kind: str, year: int, name: str | None, data_dir: Path | None = None,
                        where: Location | None = None) -> Path:
    folder = profiles_dir(data_dir)
    if name:
        path = folder / f"{name}.yaml"
        if _noting(path) is None:
            names = "、".join(p.stem for p in sorted(folder.glob("*.yaml")))
            raise UserError([error("unknown-profile", f"没有名为“{name}”的模板", location=where or Location(),
                                   hint=f"可用模板：{names}（`gen-report profiles` 可列出全部）")])
        return path
    _noting(folder)  # its listing: a profile added or removed changes the folder's stamp
    matches = [path for path in sorted(folder.glob("*.yaml"))
               if not _plainly_other(path, kind, year)
               and (m := _read_profile_model(path)[0]).kind == kind and year in m.years]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = "、".join(p.stem for p in matches)
        raise UserError([error("ambiguous-profile", f"有多个模板适用于 {year} 年度{kind}：{names}",
                               location=where or Location(), hint="请在输入中用“模板:”指定其中一个")])
    raise UserError([error("no-profile", f"没有适用于 {year} 年度{kind}的模板", location=where or Location(),
                           hint="可在输入中用“模板:”指定一个模板，或在 data/profiles/ 中新增模板（见 docs/模板配置.md）")])


def profile_for(source: Source, data_dir: Path | None = None) -> Profile | None:
    """The profile an input's header chooses; None when the header itself is invalid
    (the input check reports that, located)."""
    try:
        header = Header.model_validate(source.data)
    except ValidationError:
        return None
    return header_profile(source, header, data_dir)


def header_profile(source: Source, header: Header, data_dir: Path | None = None) -> Profile:
    """The profile a valid header chooses (its 模板, else by 类型 and 年度), of the header's kind.

    The same Profile object while none of the files it was chosen and read from changed (each
    file's size and modification time, and the profiles folder's listing, are compared): per
    department only those few stats, and what is cached on the profile (its table numbers,
    optional-table variants) is computed once."""
    data_dir = data_dir or DATA_DIR
    key = (header.kind, header.year, header.profile, str(data_dir))
    cached = _CHOSEN.get(key)
    if cached is not None and _unchanged(cached[0]):
        profile = cached[1]
    else:
        reading = _reading()
        reading.append([])
        try:
            profile_file = choose_profile_file(header.kind, header.year, header.profile, data_dir,
                                               where=source.loc(("模板",)) if header.profile else source.loc(("类型",)))
            profile = load_profile(profile_file, header.year, data_dir)
        finally:
            read = reading.pop()
        if len(_CHOSEN) >= 64:
            _CHOSEN.clear()
        _CHOSEN[key] = (tuple(dict.fromkeys(read)), profile)
    if profile.model.kind != header.kind:
        raise UserError([error("profile-kind", f"模板“{profile.model.name}”用于{profile.model.kind}，"
                               f"而输入的类型是{header.kind}", location=source.loc(("模板",)))])
    return profile


# header_profile's choices: (kind, year, 模板, data dir) → (every file and folder read, with its
# stamp when read; the profile). _READING collects the stamps while a choice is made (per thread).
_CHOSEN: dict[tuple[str, int, str | None, str], tuple[tuple[tuple[str, tuple[int, int] | None], ...], Profile]] = {}
_READING = threading.local()


def _reading() -> list[list[tuple[str, tuple[int, int] | None]]]:
    if not hasattr(_READING, "stack"):
        _READING.stack = []
    return _READING.stack


def _stamp_now(name: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(name)
    except (OSError, ValueError):
        return None
    return stat.st_mtime_ns, stat.st_size


def _unchanged(read: tuple[tuple[str, tuple[int, int] | None], ...]) -> bool:
    return all(_stamp_now(name) == stamp for name, stamp in read)


def _noting(path: Path) -> tuple[int, int] | None:
    """`path`'s stamp (modification time, size; None: not there), recorded for
    header_profile's cache when a profile is being chosen: every file read, and every
    folder whose listing is read, is stamped here, once."""
    stamp = _stamp_now(str(path))
    stack = getattr(_READING, "stack", None)
    if stack:
        stack[-1].append((str(path), stamp))
    return stamp


_KIND_LINE = re.compile(r"^类型:[ \t]*(决算|预算)[ \t]*(?:#.*)?$", re.M)
_YEARS_LINE = re.compile(r"^适用年度:[ \t]*\[([\d ,\t]*)\][ \t]*(?:#.*)?$", re.M)
_TOP_KEY = re.compile(r"^(类型|适用年度)[ \t]*:", re.M)


def _plainly_other(path: Path, kind: str, year: int) -> bool:
    """Whether a profile file plainly states (one `类型:` line, one `适用年度: [..]` line, both
    at the top level) a kind or years that do not fit, so choosing a profile need not read and
    validate it: a cold run then reads only the profiles it uses. Anything less plain
    (a block list, quotes, a key from 基于, a file that cannot be read) answers False, and
    the file is read in full as before."""
    stamp = _file_stamp(path)
    stated = _stated_kind_and_years(stamp) if stamp else None
    return stated is not None and (stated[0] != kind or year not in stated[1])


@lru_cache(maxsize=64)
def _stated_kind_and_years(stamp: tuple[str, int, int]) -> tuple[str, frozenset[int]] | None:
    try:
        text = Path(stamp[0]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    kinds, years = _KIND_LINE.findall(text), _YEARS_LINE.findall(text)
    if len(kinds) != 1 or len(years) != 1 or len(_TOP_KEY.findall(text)) != 2 or "\n---" in text:
        return None
    return kinds[0], frozenset(int(y) for y in re.findall(r"\d+", years[0]))


def load_yaml(path: Path, allow_aliases: bool = False) -> Source:
    """Profiles, catalogues and glossaries are read once per process (they are data files
    that do not change during a run): a batch or a warm process then pays only for inputs.
    The file's size and modification time are part of the key, so an edited file is reread."""
    stamp = _noting(path)
    if stamp is None:
        return _load_yaml_uncached(path, allow_aliases=allow_aliases)
    return _cached_yaml(str(path), *stamp, allow_aliases)


@lru_cache(maxsize=128)
def _cached_yaml(path: str, mtime_ns: int, size: int, allow_aliases: bool) -> Source:
    return _load_yaml_uncached(Path(path), allow_aliases=allow_aliases)


# Validated profile models by the files they were read from (the profile and its 基于 chain,
# each with size and modification time): choosing a profile reads every profile, and
# validating one costs about a millisecond, every document. Models are never modified after
# validation (optional.py copies), so sharing them between documents is safe.
_MODELS: dict[tuple[tuple[str, int, int] | None, ...], ProfileModel] = {}


def read_profile_model(path: Path) -> ProfileModel:
    """One profile file validated (with its 基于 chain), without its catalogues."""
    return _read_profile_model(path)[0]


_READ: dict[tuple[tuple[str, int, int] | None, ...], tuple[ProfileModel, Source]] = {}
# each profile file's chain (its own stamp, then its 基于's …) as last read in this process
_CHAINS: dict[str, tuple[tuple[str, int, int], ...]] = {}


def _read_profile_model(path: Path) -> tuple[ProfileModel, Source]:
    """The profile laid over its 基于 chain and validated; both cached by the chain's files
    (merging a patch over its base took a quarter of a warm department's time), and kept
    between runs by the chain's contents (stored.py: a fresh process need not parse the
    chain's YAML and build the profile's validators)."""
    if str(path) not in _CHAINS and (recalled := _recalled(path)) is not None:
        return recalled
    key = _chain_stamps(path)
    if None not in key and key in _READ:
        return _READ[key]
    model, merged = _read_profile_model_uncached(path)
    if None not in key:
        _READ[key] = (model, merged)
        chain = tuple(s for s in key if s is not None)
        _CHAINS[str(path)] = chain
        stored.keep("profile", [Path(s[0]) for s in chain], (model, merged), [s[1:] for s in chain])
    return model, merged


def _recalled(path: Path) -> tuple[ProfileModel, Source] | None:
    """The profile as an earlier run read it from files with the very bytes they have now."""
    stamp = _file_stamp(path)
    found = stored.recall("profile", path) if stamp else None
    if found is None:
        return None
    bases, value = found
    stamps = [_file_stamp(base) for base in bases]
    chain = (stamp, *(s for s in stamps if s is not None))
    if len(chain) != len(bases) + 1:
        return None
    _READ[chain] = value
    _CHAINS[str(path)] = chain
    return value


def _chain_stamps(path: Path) -> tuple[tuple[str, int, int] | None, ...]:
    """The stamps of the profile file and of each file its 基于 names (None: not cacheable):
    the chain last read while none of its files changed, else read from the files."""
    known = _CHAINS.get(str(path))
    if known is not None and tuple(_file_stamp(Path(s[0])) for s in known) == known:
        return known
    stamps, seen = [_file_stamp(path)], {path.stem}
    while stamps[-1] is not None:
        name = load_yaml(path, allow_aliases=True).data.get("基于")
        if name is None:
            break
        path = path.parent / f"{name}.yaml"
        if str(name) in seen:
            return (None,)
        seen.add(str(name))
        stamps.append(_file_stamp(path))
    return tuple(stamps)


def _read_profile_model_uncached(path: Path) -> tuple[ProfileModel, Source]:
    source = load_yaml(path, allow_aliases=True)
    used = [path]
    merged = _with_base(source, path, seen=(path.stem,), used=used)
    if merged.data.get("名称") != path.stem:
        raise UserError([error("profile-name", f"模板的“名称”应与文件名相同：{path.stem}",
                               location=source.loc(("名称",)),
                               hint="输入中的“模板:”和其他模板的“基于:”都按名称查找文件")])
    key = tuple(_file_stamp(p) for p in used)
    model = _MODELS.get(key) if None not in key else None
    if model is None:
        check_placeholders(merged)
        try:
            model = ProfileModel.model_validate(merged.data)
        except ValidationError as e:
            raise UserError(pydantic_problems(e, merged, ProfileModel)) from e
        if problems := frame_problems(model, merged):
            raise UserError(problems)
        _MODELS[key] = model
    return model, merged


def _file_stamp(path: Path) -> tuple[str, int, int] | None:
    stamp = _noting(path)
    return (str(path), *stamp) if stamp else None


def _with_base(source: Source, path: Path, seen: tuple[str, ...], used: list[Path]) -> Source:
    """`基于: 决算-2020`: this profile laid over that one by name (profile_patch.py): what
    this file leaves out comes from the base, a mapping changes only the keys or named
    items it names. Each base file read is added to `used`."""
    base_name = source.data.get("基于")
    if base_name is None:
        return source
    base_path = path.parent / f"{base_name}.yaml"
    if str(base_name) in seen or not base_path.exists():
        why = "循环引用" if str(base_name) in seen else "找不到该模板"
        raise UserError([error("bad-profile-base", f"“基于: {base_name}”无效：{why}",
                               location=source.loc(("基于",)),
                               hint="可用模板：" + "、".join(p.stem for p in sorted(path.parent.glob("*.yaml"))))])
    used.append(base_path)
    base = _with_base(load_yaml(base_path, allow_aliases=True), base_path, seen + (str(base_name),), used)
    patch = Source(data={k: v for k, v in source.data.items() if k != "基于"}, file=source.file,
                   locations=source.locations)
    merged, problems = merge_profiles(base, patch)
    if problems:
        raise UserError(problems)
    return merged


def load_profile(path: Path, year: int, data_dir: Path | None = None) -> Profile:
    data_dir = data_dir or DATA_DIR
    model, merged = _read_profile_model(path)
    catalogues = {
        name: load_catalogue(data_dir / "catalogues" / f"{pattern.format(年度=year)}.yaml", name)
        for name, pattern in model.catalogues.items()
    }
    glossary = load_glossary(data_dir / model.glossary)
    named = [(model.overview_template, ("概况模板",)), (model.narrative_template, ("情况说明模板",)),
             *((part.template, ("部分", str(i), "模板")) for i, part in enumerate(model.parts))]
    places = tuple((name, merged.loc(key)) for name, key in named if name)
    return Profile(model=model, file=str(path), year=year, catalogues=catalogues, glossary=glossary,
                   template_places=places)


def load_catalogue(path: Path, name: str) -> Catalogue:
    stamp = _file_stamp(path)
    if stamp is None:
        raise UserError([error("no-catalogue", f"缺少科目目录文件 {path.name}", location=Location(file=str(path)),
                               hint="每个年度需要一份科目目录，见 data/catalogues/README.md")])
    return _catalogue(stamp, name)


@lru_cache(maxsize=32)
def _catalogue(stamp: tuple[str, int, int], name: str) -> Catalogue:
    """Once per file and process, like load_yaml: a catalogue has over a thousand codes; and
    kept between runs by the file's contents (stored.py)."""
    path = Path(stamp[0])
    found = stored.recall(f"catalogue {name}", path)
    if found is not None:
        return found[1]
    catalogue = _read_catalogue(path, name)
    stored.keep(f"catalogue {name}", [path], catalogue, [stamp[1:]])
    return catalogue


def _read_catalogue(path: Path, name: str) -> Catalogue:
    source = load_yaml(path)
    entries = source.data.get("科目")
    if not isinstance(entries, dict):
        raise UserError([error("bad-catalogue", "科目目录应有“科目:”键值表", location=source.loc(()))])
    names = {str(code): str(label) for code, label in entries.items()}
    widths = (3, 5) if name == "经济分类" else (3, 5, 7)
    problems = []
    for code, label in entries.items():
        where = source.loc(("科目", str(code)))
        text = str(code)
        if not (text.isascii() and text.isdigit() and len(text) in widths):
            problems.append(error("bad-catalogue-code", f"科目目录中的编码“{text}”格式不对", location=where,
                                  expected="、".join(f"{w} 位" for w in widths) + "数字（加单引号，如 '2010301'）"))
        elif len(text) > 3 and text[:-2] not in names:
            problems.append(error("bad-catalogue-code", f"科目 {text} 的上级 {text[:-2]} 不在目录中", location=where))
        if not isinstance(label, str) or not label.strip():
            problems.append(error("bad-catalogue-name", f"科目 {text} 的名称应为文字", location=where))
    if problems:
        raise UserError(problems)
    return Catalogue(name=name, year=int(source.data.get("年度", 0)), names=names, file=str(path))


def load_glossary(path: Path) -> tuple[tuple[str, str], ...]:
    source = load_yaml(path)
    entries = source.data.get("名词解释")
    if not isinstance(entries, list):
        raise UserError([error("bad-glossary", "名词解释文件应有“名词解释:”列表", location=source.loc(()))])
    out = []
    for i, entry in enumerate(entries):
        if not (isinstance(entry, dict) and set(entry) == {"术语", "解释"}):
            raise UserError([error("bad-glossary", "每条名词解释应为“术语”和“解释”两项",
                                   location=source.loc(("名词解释", str(i))))])
        out.append((str(entry["术语"]), str(entry["解释"])))
    return tuple(out)
