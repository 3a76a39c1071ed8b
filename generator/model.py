"""What a department supplies, apart from the table figures (those are profile-defined, see
figures.py): identity, 概况, glossary additions, style, and the narrative's own inputs —
last year's and budget figures, reasons and counts.

Field names are English; the keys officers type are the Chinese aliases.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .amounts import AmountError, parse_amount


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True)


def _text(v: object) -> object:
    return v.strip() if isinstance(v, str) else v


class Header(BaseModel):
    """The keys that choose the profile; read first so the rest can be checked against it."""

    model_config = ConfigDict(extra="ignore", frozen=True)
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

    @property
    def body_names(self) -> list[str]:
        return [b if isinstance(b, str) else b.name for b in self.bodies]


class GlossaryItem(_Strict):
    term: str = Field(alias="术语", min_length=1)
    explanation: str = Field(alias="解释", min_length=1)


def _amounts(v: object) -> object:
    """Amount maps: keep the raw values; figures are parsed (with locations) later."""
    return v


Amount = Any  # parsed and located by narrative.py, which knows the unit


class Report(_Strict):
    """The whole input apart from the table sections, which the profile defines."""

    department: str = Field(alias="部门名称")
    year: int = Field(alias="年度")
    kind: Literal["决算", "预算"] = Field(alias="类型")
    profile: str | None = Field(None, alias="模板")
    unit: Literal["元", "万元"] = Field("万元", alias="金额单位")
    overview: Overview = Field(alias="概况")
    glossary_extra: list[GlossaryItem] = Field(default_factory=list, alias="名词解释补充")
    style: dict[str, Any] = Field(default_factory=dict, alias="样式")
    last_year: dict[str, Amount] = Field(default_factory=dict, alias="上年数")
    change_last_year: dict[str, Amount] = Field(default_factory=dict, alias="比上年增减")
    budget: dict[str, Amount] = Field(default_factory=dict, alias="年初预算数")
    change_budget: dict[str, Amount] = Field(default_factory=dict, alias="比年初预算增减")
    reasons: dict[str, str] = Field(default_factory=dict, alias="变动原因")
    narrative: dict[str, Any] = Field(default_factory=dict, alias="情况说明")

    _strip = field_validator("department", mode="before")(classmethod(lambda cls, v: _text(v)))


def parse_plain_amount(raw: object) -> Decimal:
    try:
        return parse_amount(raw)
    except AmountError as e:
        raise ValueError(str(e)) from e
