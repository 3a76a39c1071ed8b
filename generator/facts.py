"""情况说明字段: the facts beyond the tables, declared by the profile (load stage).

A region's 情况说明 quotes counts, amounts and texts the tables do not hold (vehicles by
category, SME set-aside amounts, 绩效 counts, per-project descriptions …). The profile
declares each field with a type, and the input's `情况说明` is validated against that
declaration like any other input: every bad value is reported at its line or cell.

Types (类型):
  金额   an amount in the input's unit (templates see it in 元, like table figures)
  数量   a whole number ≥ 0 (counts: 辆, 个, 人次)
  数值   a number kept as typed (天数 1.5, 平方米, 分数)
  百分比  a number, printed as typed ("95.5")
  日期   a date ("2023-12-31" or "2023年12月31日"), kept as text
  文字   text
  段落   a list of texts (paragraphs printed as written)
  组     named fields (字段)
  列表   a list of records, each with the fields in 字段
  分项   categories named in 分项, each a value of type 值 (default 数量); only those given are kept
  键值   free names, each a value of type 值 (出国开支: 名称 → 金额)
A field is a type name, or a mapping with 类型 and: 字段 (组, 列表), 分项 and 值 (分项),
值 (键值), 必填 (true: must be given), 可空 (true: absent reads as nothing rather than 0/""),
默认 (a 数量's default), 最小 / 最大 (bounds of a 数量, 数值, 百分比 or 金额), 说明 (what to write).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)

from .amounts import AmountError, parse_amount
from .model import Count, InputAmount, new_list

FactType = Literal["金额", "数量", "数值", "百分比", "日期", "文字", "段落", "组", "列表", "分项", "键值"]
_SCALARS = ("金额", "数量", "数值", "百分比", "日期", "文字")


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True, defer_build=True)
    type: FactType = Field(alias="类型")
    fields: dict[str, FieldSpec | FactType] = Field(default_factory=dict, alias="字段")
    keys: list[str] = Field(default_factory=new_list, alias="分项")
    value: FieldSpec | FactType = Field("数量", alias="值")
    required: bool = Field(False, alias="必填")
    nullable: bool = Field(False, alias="可空")
    default: int | None = Field(None, alias="默认", ge=0)
    minimum: Decimal | None = Field(None, alias="最小")
    maximum: Decimal | None = Field(None, alias="最大")
    description: str = Field("", alias="说明")

    @model_validator(mode="after")
    def _complete(self) -> FieldSpec:
        if self.type in ("组", "列表") and not self.fields:
            raise ValueError(f"类型为“{self.type}”的字段需要“字段”")
        if self.type == "分项" and not self.keys:
            raise ValueError("类型为“分项”的字段需要“分项”（各分项的名称）")
        if self.fields and self.type not in ("组", "列表"):
            raise ValueError(f"类型为“{self.type}”的字段不能有“字段”")
        if self.keys and self.type != "分项":
            raise ValueError(f"类型为“{self.type}”的字段不能有“分项”")
        return self


Declaration = dict[str, FieldSpec | FactType]


def spec_of(field: FieldSpec | str) -> FieldSpec:
    return field if isinstance(field, FieldSpec) else FieldSpec.model_validate({"类型": field})


def _number_text(v: object) -> object:
    """A non-money number kept as typed: 1.5 → "1.5" (never scaled like an amount)."""
    if v is None or isinstance(v, bool):
        return v
    try:
        value = parse_amount(v)
    except AmountError as e:
        raise ValueError(str(e)) from e
    return format(value.normalize(), "f")


_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _date_text(v: object) -> object:
    """2023-12-31, 2023/12/31, 2023年12月31日 (or a date cell) → "2023年12月31日"."""
    if isinstance(v, (datetime.date, datetime.datetime)):
        return f"{v.year}年{v.month}月{v.day}日"
    if isinstance(v, str):
        m = _DATE.match(v)
        if m:
            year, month, day = (int(g) for g in m.groups())
            try:
                datetime.date(year, month, day)
            except ValueError as e:
                raise ValueError("不是有效的日期") from e
            return f"{year}年{month}月{day}日"
        raise ValueError("应为日期（如 2023-12-31 或 2023年12月31日）")
    return v


def _text(v: object) -> object:
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        return str(v)
    return v.strip() if isinstance(v, str) else v


def _bounds(low: Decimal | None, high: Decimal | None):  # noqa: ANN202 - a validator factory
    def check(v: object) -> object:
        if v is None:
            return v
        value = Decimal(str(v))
        if low is not None and value < low:
            raise ValueError(f"不能小于 {low}")
        if high is not None and value > high:
            raise ValueError(f"不能大于 {high}")
        return v

    return check


Number = Annotated[str, BeforeValidator(_number_text)]
Date = Annotated[str, BeforeValidator(_date_text)]
Text = Annotated[str, BeforeValidator(_text)]


def _annotation(spec: FieldSpec, name: str) -> tuple[Any, Any]:
    """(type, default) of a field; the default is `...` for a required one."""
    kind = spec.type
    if kind == "金额":
        tp, default = InputAmount, Decimal(0)
    elif kind == "数量":
        tp, default = Count, spec.default if spec.default is not None else 0
    elif kind in ("数值", "百分比"):
        tp, default = Number, None
    elif kind == "日期":
        tp, default = Date, None
    elif kind == "文字":
        tp, default = (Annotated[Text, Field(min_length=1)] if spec.required else Text), ""
    elif kind == "段落":
        tp, default = list[Text], []
    elif kind == "组":
        tp = _model(spec.fields, name)
        default = None if spec.nullable else tp()
    elif kind == "列表":
        tp, default = list[_model(spec.fields, name)], []  # type: ignore[misc]
    else:
        value_tp, _ = _annotation(spec_of(spec.value), name + "值")
        key = Literal[tuple(spec.keys)] if kind == "分项" else str  # type: ignore[valid-type]
        tp, default = dict[key, value_tp], {}  # type: ignore[valid-type]
    if spec.minimum is not None or spec.maximum is not None:
        tp = Annotated[tp, AfterValidator(_bounds(spec.minimum, spec.maximum))]
    if spec.nullable or default is None:
        tp, default = tp | None, None
    return tp, (... if spec.required else default)


def _model(fields: Declaration, name: str) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for i, (label, field) in enumerate(fields.items()):
        tp, default = _annotation(spec_of(field), f"{name}_{i}")
        if default is ... or not isinstance(default, BaseModel):
            definitions[f"f{i}"] = (tp, Field(default, alias=label))
        else:
            definitions[f"f{i}"] = (tp, Field(default_factory=type(default), alias=label))
    return create_model(  # type: ignore[call-overload,no-any-return]
        f"Facts_{name}", __config__=ConfigDict(extra="forbid", populate_by_name=False, frozen=True),
        **definitions)


# Built models by the declaration they were built from (profiles are validated once per
# process and never modified, so the same declaration object comes back for every document).
_MODELS: dict[int, tuple[Declaration, type[BaseModel]]] = {}


def facts_model(declaration: Declaration) -> type[BaseModel]:
    """The pydantic model of a profile's 情况说明字段 (built once per declaration)."""
    known = _MODELS.get(id(declaration))
    if known is not None and known[0] is declaration:
        return known[1]
    model = _model(declaration, "情况说明")
    _MODELS[id(declaration)] = (declaration, model)
    return model
