"""What a department supplies, apart from the table figures (those are profile-defined, see
figures.py): identity, 概况, glossary additions, style, and the narrative's own inputs —
last year's and budget figures, reasons and counts.

Field names are English; the keys officers type are the Chinese aliases.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator

from .amounts import AmountError, parse_amount


def new_list() -> list[Any]:
    """An empty list, the default of a list field: pydantic inspects every default factory's
    signature when it builds a validator, and `inspect.signature(list)` parses the builtin's
    text signature (~0.15 ms a field, ~30 fields in a cold run); a function's is read directly."""
    return []


class _Strict(BaseModel):
    # defer_build: validators are built when a model is first used, not at import, so a
    # command pays only for the models it validates (a nested model's schema is built once,
    # inside the model that uses it, instead of once more on its own).
    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True, defer_build=True)


def _text(v: object) -> object:
    return v.strip() if isinstance(v, str) else v


class Header(BaseModel):
    """The keys that choose the profile; read first so the rest can be checked against it."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)
    department: str = Field(alias="部门名称", min_length=1, max_length=100)
    year: int = Field(alias="年度", ge=2000, le=2100)
    kind: Literal["决算", "预算"] = Field(alias="类型")
    profile: str | None = Field(None, alias="模板")
    unit: Literal["元", "万元"] = Field("万元", alias="金额单位")

    _strip = field_validator("department", mode="before")(classmethod(lambda cls, v: _text(v)))


class Duties(_Strict):
    intro: str | None = Field(None, alias="引言")
    items: list[str] = Field(alias="条目", min_length=1)


class OrgBody(_Strict):
    name: str = Field(alias="名称", min_length=1)
    duties: str | None = Field(None, alias="职责")


class Overview(_Strict):
    duties: Duties = Field(alias="主要职责")
    bodies: list[str | OrgBody] = Field(alias="机构设置", min_length=1)
    bodies_note: str | None = Field(None, alias="机构设置说明")
    composition: str = Field(alias="单位构成", min_length=1)


class GlossaryItem(_Strict):
    term: str = Field(alias="术语", min_length=1)
    explanation: str = Field(alias="解释", min_length=1)


def _amount(v: object) -> Decimal:
    try:
        value = parse_amount(v)
    except AmountError as e:
        raise ValueError(str(e)) from e
    if value < 0:
        raise ValueError("金额不能为负数")
    return value


def _plain_number(v: object) -> object:
    """A count or measure that is not money (平方米): kept as typed, never scaled to 元."""
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        return format(v, "f") if isinstance(v, Decimal) else str(v)
    return v


# An amount in the input's unit; build.py scales it to 元 for the templates.
InputAmount = Annotated[Decimal, BeforeValidator(_amount)]
Count = Annotated[int, Field(ge=0)]
Fund = Literal["一般公共预算", "政府性基金预算", "国有资本经营预算"]


class ThreePublic(_Strict):
    """“三公”经费: the counts and texts the section quotes (amounts are in the table)."""

    scope: str = Field("", alias="单位范围")
    trips: Count = Field(0, alias="出国团组数")
    trip_people: Count = Field(0, alias="出国人次")
    trip_spending: dict[str, InputAmount] = Field(default_factory=dict, alias="出国开支")
    cars_bought: Count = Field(0, alias="公务用车购置数")
    cars_held: Count = Field(0, alias="公务用车保有量")
    car_use: str = Field("", alias="公务用车用途")
    reception_use: str = Field("", alias="公务接待用途")
    foreign_groups: Count = Field(0, alias="外宾接待团组数")
    foreign_people: Count = Field(0, alias="外宾接待人次")
    domestic_times: Count = Field(0, alias="国内接待次数")
    domestic_people: Count = Field(0, alias="国内接待人数")
    reception_note: str = Field("", alias="接待说明")
    vs_budget: str = Field("", alias="决算与预算差异说明")
    vs_last_year: str = Field("", alias="决算与上年差异说明")


Vehicle = Literal["岗位保障用车", "机要通信用车", "应急保障用车", "执法执勤用车", "特种专业技术用车", "其他用车"]


class Assets(_Strict):
    as_of: str | None = Field(None, alias="截至日期")
    vehicles: dict[Vehicle, Count] = Field(default_factory=dict, alias="车辆")
    general_50: Count = Field(0, alias="单价50万元以上通用设备")
    special_100: Count = Field(0, alias="单价100万元以上专用设备")
    any_100: Count = Field(0, alias="单位价值100万元以上设备")
    # 部门预算 (reference 003): "房屋0平方米，车辆1辆"; amounts (固定资产金额, 拟购置) are figures
    house_area: Annotated[str, BeforeValidator(_plain_number),
                          WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}]})] | None = Field(None, alias="房屋面积")
    vehicle_count: Count | None = Field(None, alias="车辆数")
    purchase_note: str = Field("", alias="拟购置说明")


class SelfEvaluation(_Strict):
    example: str | None = Field(None, alias="代表项目")
    count: Count | None = Field(None, alias="项目数")
    level1: Count | None = Field(None, alias="一级项目数")
    level2: Count | None = Field(None, alias="二级项目数")
    amount: InputAmount = Field(Decimal(0), alias="金额")


class FundAmounts(_Strict):
    count: Count = Field(0, alias="项目数")
    general: InputAmount = Field(Decimal(0), alias="一般公共预算")
    fund: InputAmount = Field(Decimal(0), alias="政府性基金预算")
    capital: InputAmount = Field(Decimal(0), alias="国有资本经营预算")
    conclusion: str = Field("", alias="结论")


class ProjectEvaluation(_Strict):
    name: str = Field(alias="名称", min_length=1)
    budget: InputAmount = Field(alias="预算数")
    spent: InputAmount = Field(alias="执行数")
    outcome: str = Field("", alias="完成情况")
    problems: str = Field("", alias="问题")
    measures: str = Field("", alias="改进措施")
    result: str = Field("", alias="结果")


class Performance(_Strict):
    self_evaluation: dict[Fund, SelfEvaluation] = Field(default_factory=dict, alias="自评")
    key_evaluation: FundAmounts | None = Field(None, alias="重点评价")
    key_paragraphs: list[str] = Field(default_factory=new_list, alias="重点评价段落")
    whole_evaluation: FundAmounts | None = Field(None, alias="整体自评")
    results: str = Field("", alias="自评结果")
    department: ProjectEvaluation | None = Field(None, alias="部门整体")
    projects: list[ProjectEvaluation] = Field(default_factory=new_list, alias="项目")
    closing: list[str] = Field(default_factory=new_list, alias="结尾")


class Meeting(_Strict):
    name: str = Field(alias="名称", min_length=1)
    days: str = Field(alias="天数")  # text, so it is not scaled like the amounts: "2", "1.5"
    people: Count = Field(alias="人数")
    cost: InputAmount = Field(alias="金额")


    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, v: object) -> str:
        try:
            value = parse_amount(v)
        except AmountError as e:
            raise ValueError(str(e)) from e
        if value <= 0:
            raise ValueError("天数应大于 0")
        return format(value.normalize(), "f")


class MeetingsTraining(_Strict):
    """会议费、培训费 (optional section 会议费培训费): counts and the largest meetings;
    the amounts against budget are the data section 会议费培训费."""

    meetings: list[Meeting] = Field(default_factory=new_list, alias="会议")
    meeting_count: Count | None = Field(None, alias="会议次数")
    meeting_people: Count | None = Field(None, alias="参会人次")
    trainings: Count | None = Field(None, alias="培训次数")
    trainees: Count | None = Field(None, alias="培训人次")
    listed: Annotated[int, Field(ge=1, le=20)] = Field(3, alias="列出会议数")


class NarrativeInput(_Strict):
    meetings_training: MeetingsTraining = Field(default_factory=MeetingsTraining, alias="会议费培训费")
    three_public: ThreePublic = Field(default_factory=ThreePublic, alias="三公经费")
    assets: Assets = Field(default_factory=Assets, alias="国有资产")
    performance: Performance = Field(default_factory=Performance, alias="绩效")
    extra: list[str] = Field(default_factory=new_list, alias="其他事项")


class StyleInput(_Strict):
    """样式: how figures read in the narrative (defaults: the reference documents')."""

    percent_places: dict[Literal["增长率", "完成率", "占比"], Annotated[int, Field(ge=0, le=4)]] = Field(
        default_factory=dict, alias="百分比小数位")
    section_percent_places: dict[str, Annotated[int, Field(ge=0, le=4)]] = Field(
        default_factory=dict, alias="分节百分比小数位")
    percent_zeros: Literal["保留", "去除", "整数去除"] = Field("整数去除", alias="百分比末尾零")
    amount_zeros: Literal["保留", "去除", "整数去除"] = Field("去除", alias="金额末尾零")
    thousands: bool = Field(True, alias="千分位")
    space_before_unit: bool = Field(False, alias="万元前空格")
    zero_base_growth: str = Field("增长--（基数为0，不可比）", alias="零基数措辞")
    zero_base_completion: str = Field("--%（基数为0，不可比）", alias="零预算措辞")
    zero_whole_share: str = Field("0%", alias="零总额占比措辞")
    mention_zero_items: bool = Field(True, alias="提及零值项目")
    # a change between two zeros: "与上年决算数持平" / "比上年决算数增加0万元，增长--（基数为0，不可比）" / nothing
    zero_change: Literal["持平", "不可比", "省略"] = Field("持平", alias="零变动措辞")
    zero_rows: bool = Field(False, alias="列出零值科目")  # 行(…) lists rows zero everywhere
    completion_base: str = Field("年初预算", alias="完成率基准", min_length=1)


class Indicator(_Strict):
    level1: str = Field(alias="一级指标", min_length=1)
    level2: str = Field(alias="二级指标", min_length=1)
    level3: str = Field(alias="三级指标", min_length=1)
    target: str = Field(alias="年度指标值")
    actual: str = Field(alias="实际完成值")
    weight: Annotated[Decimal, Field(ge=0, le=100)] = Field(alias="分值")
    score: Annotated[Decimal, Field(ge=0, le=100)] = Field(alias="得分")
    # texts the profile's 绩效自评表版式 prints in columns of their own (偏差原因分析及改进措施 …)
    texts: dict[str, str] = Field(default_factory=dict, alias="文字")

    _texts = field_validator("target", "actual", mode="before")(classmethod(lambda cls, v: str(v)))


class FundRow(_Strict):
    """A 资金来源 row of a 绩效自评表 (其中：财政拨款, 其他资金 …), named by the profile."""

    budget: InputAmount = Field(alias="年度预算数")
    spent: InputAmount = Field(alias="执行数")


class SelfEvaluationTable(_Strict):
    """One 绩效自评表 (a project, or the department as a whole). The execution score, total
    and grade are derived (performance.py), never typed. 表头, 资金来源 and 文字 hold what the
    profile's 绩效自评表版式 names (主管部门, 实施单位 …; 财政拨款, 其他资金; 改进措施 …)."""

    name: str = Field(alias="名称", min_length=1)
    budget: InputAmount = Field(alias="年度预算数")
    spent: InputAmount = Field(alias="执行数")
    execution_weight: Annotated[Decimal, Field(ge=0, le=100)] = Field(Decimal(10), alias="预算执行率分值")
    indicators: list[Indicator] = Field(alias="指标", min_length=1)
    note: str = Field("", alias="偏差原因")
    header: dict[str, str] = Field(default_factory=dict, alias="表头")
    funds: dict[str, FundRow] = Field(default_factory=dict, alias="资金来源")
    texts: dict[str, str] = Field(default_factory=dict, alias="文字")


class SelfEvaluationTables(_Strict):
    projects: list[SelfEvaluationTable] = Field(default_factory=new_list, alias="项目")
    department: SelfEvaluationTable | None = Field(None, alias="部门整体")


class Report(_Strict):
    """The whole input apart from the table sections, which the profile defines."""

    department: str = Field(alias="部门名称")
    year: int = Field(alias="年度")
    kind: Literal["决算", "预算"] = Field(alias="类型")
    profile: str | None = Field(None, alias="模板")
    unit: Literal["元", "万元"] = Field("万元", alias="金额单位")
    # raises the profile's 勾稽容差 for this input, up to the profile's 勾稽容差上限 (figures.py)
    tolerance: Decimal | None = Field(None, alias="勾稽容差", ge=0)
    overview: Overview = Field(alias="概况")
    glossary_extra: list[GlossaryItem] = Field(default_factory=new_list, alias="名词解释补充")
    style: StyleInput = Field(default_factory=lambda: StyleInput(), alias="样式")
    last_year: dict[str, object] = Field(default_factory=dict, alias="上年数")
    change_last_year: dict[str, object] = Field(default_factory=dict, alias="比上年增减")
    budget: dict[str, object] = Field(default_factory=dict, alias="年初预算数")
    change_budget: dict[str, object] = Field(default_factory=dict, alias="比年初预算增减")
    reasons: dict[str, str] = Field(default_factory=dict, alias="变动原因")
    notes: dict[str, str] = Field(default_factory=dict, alias="补充说明")
    purposes: dict[str, str] = Field(default_factory=dict, alias="用途")  # by 科目 code: "主要用于…"
    narrative: NarrativeInput = Field(default_factory=NarrativeInput, alias="情况说明")
    optional: list[str] = Field(default_factory=new_list, alias="可选表格")  # 可选内容 switched on (optional.py)
    self_evaluations: SelfEvaluationTables | None = Field(None, alias="绩效自评表")  # performance.py
    # Which charts to draw (None: the profile's 默认图表; []: none).
    charts: list[Literal["收支对比", "支出结构", "三公结构"]] | None = Field(None, alias="图表")

    _strip = field_validator("department", mode="before")(classmethod(lambda cls, v: _text(v)))


def core_type(tp: Any) -> Any:
    """The type a field holds once Optional, Annotated and unions are looked through (a union
    stands for its first model, else its first member): what walkers over the input models
    (example data, workbook paths) descend into."""
    while True:
        origin = typing.get_origin(tp)
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if origin in (typing.Union, types.UnionType):
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else args[0]
        elif origin is typing.Annotated:
            tp = args[0]
        else:
            return tp
