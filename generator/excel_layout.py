"""What the input workbook looks like: sheet names, header words and the paths of free-form rows.

Shared by the writer (writers/input_xlsx.py: `init` and `convert`) and the reader
(load_xlsx.py), so the two agree on one layout. Data sections are laid out from the profile
(layouts are data); the other sheets hold the input's non-table keys.
"""

from __future__ import annotations

import json
import re
import typing
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from .facts import facts_model, spec_of
from .model import NarrativeInput, StyleInput, core_type
from .profiles import baseline_specs

CREATOR = "gen-report"  # the workbook property naming who wrote an input workbook
DERIVED_RGB = "D9D9D9"  # the shading of cells the program writes (derived, locked)
SHEET_HELP = "填表说明"
SHEET_INFO = "基本信息"
SHEET_LAST_YEAR = "上年数"
SHEET_BUDGET = "年初预算数"
SHEET_TEXTS = "文字说明"
SHEET_OVERVIEW = "概况"
SHEET_GLOSSARY = "名词解释补充"
SHEET_PERFORMANCE = "绩效自评表"

# Keys of 基本信息, in order; 样式 settings follow as "样式.…" rows.
INFO_KEYS = ("部门名称", "年度", "类型", "模板", "金额单位", "上年文件")
TOLERANCE_KEY = "勾稽容差"  # 基本信息 row, written when the input or the profile's 勾稽容差上限 has one
PERF_LAYOUT_KEYS = ("表头", "资金来源", "文字")  # 绩效自评表版式 rows: "表头.主管部门", "资金来源.财政拨款.执行数"
TEXT_KEYS = ("变动原因", "补充说明", "用途")  # by 比较项 or 科目 code (用途: "主要用于…")


def baseline_sheets(profile: Any) -> list[tuple[str, str, str | None]]:
    """Baseline sheets: (sheet, direct key, change key): 上年数, 年初预算数 and each 基准 the
    profile names (全年预算数 …), one sheet each, named by its input key."""
    return [(s.key, s.key, s.change_key) for s in baseline_specs(profile.model).values()]

# 可选内容 (optional.py): the names switched on, one 基本信息 cell, names separated by "、"
OPTIONAL_KEY = "可选表格"
OPTIONAL_SEPARATOR = "、"
OPTIONAL_MARK = "（可选：在基本信息的“可选表格”中选用后填写）"

# 绩效自评表 sheet (performance.py): one block per table, its fields then its indicators.
PERF_KINDS = ("项目", "部门整体")
PERF_KIND = "自评表类别"  # column A of a block's first row; column B: 项目 or 部门整体
PERF_FIELDS = ("名称", "年度预算数", "执行数", "预算执行率分值", "偏差原因")
PERF_AMOUNTS = ("年度预算数", "执行数")
PERF_COLUMNS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
PERF_TEXT = "文字"  # an indicator column "文字.偏差原因分析及改进措施": a text the profile's 指标列 print

# Header words the reader looks for (normalised, see `norm`).
H_ITEM = "项目"
H_DETAIL = "明细"
H_AMOUNT = "金额"
H_CODE = "科目编码"
H_NAME = "科目名称"
H_COMPARISON = "比较项"
H_NARRATIVE = "情况说明项目"
H_CONTENT = "内容"
H_CATEGORY = "类别"
H_TERM = "术语"
H_EXPLANATION = "解释"
H_NOTE = "填写说明"
SPLIT_CODE_HEADERS = ("类", "款", "项")

# 概况 sheet categories
OV_INTRO = "主要职责引言"
OV_DUTY = "主要职责"
OV_BODY = "机构设置"
OV_BODY_NOTE = "机构设置说明"
OV_COMPOSITION = "单位构成"

YES, NO = "是", "否"
_WS = re.compile(r"\s+")
_SEPARATORS = re.compile(r"\s*[、,，;；\n]\s*")


def norm(value: object) -> str:
    """A cell's text as compared with header words and codes: NFKC (full-width digits and
    brackets become half-width), no whitespace at all."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _WS.sub("", unicodedata.normalize("NFKC", str(value)))


def optional_sections(profile: Any) -> dict[str, str]:
    """Data sections that belong to a 可选内容 (section → its 可选内容 name): a section named
    like the 可选内容, or one its tables draw on."""
    out: dict[str, str] = {}
    for name, spec in profile.model.optional.items():
        text = json.dumps(spec.model_dump(), ensure_ascii=False, default=str)
        for section in profile.model.data:
            if section not in out and (section == name or f'"{section}.' in text or f'"{section}"' in text):
                out[section] = name
    return out


def split_optional(value: Any) -> list[str]:
    """“非税收入征缴情况表、会议费培训费” → the names (commas, semicolons and line breaks too)."""
    return [p.strip() for p in _SEPARATORS.split(str(value)) if p.strip()] if value is not None else []


def style_bool_paths() -> set[str]:
    return {f"样式.{f.alias}" for f in StyleInput.model_fields.values() if f.annotation is bool}


def flatten(value: Any, prefix: str) -> list[tuple[str, Any]]:
    """Nested mappings and lists as ("a.b.1.c", leaf) rows; list positions count from 1."""
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for k, v in value.items():
            out.extend(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        out = []
        for i, v in enumerate(value, start=1):
            out.extend(flatten(v, f"{prefix}.{i}"))
        return out
    return [(prefix, value)]


def model_paths(model: type[BaseModel], prefix: str) -> list[str]:
    """Every leaf an officer may fill in a model, as dotted Chinese paths (lists shown with
    one entry, 1), so the blank workbook lists what can be written."""
    out: list[str] = []
    for field in model.model_fields.values():
        out.extend(_type_paths(field.annotation, f"{prefix}.{field.alias}" if prefix else str(field.alias)))
    return out


def _type_paths(tp: Any, path: str) -> list[str]:
    tp = core_type(tp)
    origin = typing.get_origin(tp)
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return model_paths(tp, path)
    if origin is list:
        return _type_paths(args[0], f"{path}.1")
    if origin is dict:
        key, value = args
        if typing.get_origin(key) is Literal:
            return [p for k in typing.get_args(key) for p in _type_paths(value, f"{path}.{k}")]
        return []  # free keys (出国开支): the officer adds rows
    return [path]


def narrative_paths(profile: Any = None) -> list[str]:
    """The 情况说明 rows of the workbook: the profile's 情况说明字段 (facts.py), else the built-in."""
    declared = getattr(getattr(profile, "model", None), "facts", None)
    return model_paths(facts_model(declared) if declared is not None else NarrativeInput, "")


_SCALAR_FACTS = ("金额", "数量", "数值", "百分比", "日期", "文字")


@dataclass(frozen=True)
class FactListSheet:
    """A 列表 of records the profile declares in 情况说明字段 (项目情况, 会议费培训费.会议 …):
    its own sheet, one record per row, one column per field ("组" fields as "组.字段")."""

    title: str  # the sheet's name: the field's dotted path, cut to Excel's 31 characters
    path: tuple[str, ...]  # under 情况说明
    columns: tuple[str, ...]  # dotted paths inside a record
    kinds: tuple[str, ...]  # each column's type (金额, 文字, 段落 …)
    required: tuple[str, ...]  # columns that must be filled (必填)


def fact_list_sheets(profile: Any) -> list[FactListSheet]:
    """Every declared 列表 whose records are flat enough for one row each (scalars, 段落,
    组 and 分项 of scalars); any other stays as dotted rows on the 文字说明 sheet."""
    declared = getattr(getattr(profile, "model", None), "facts", None)
    out: list[FactListSheet] = []
    taken = {SHEET_HELP, SHEET_INFO, SHEET_TEXTS, SHEET_OVERVIEW, SHEET_GLOSSARY, SHEET_PERFORMANCE}
    taken |= {name[:31] for name in getattr(getattr(profile, "model", None), "data", {})}

    def walk(fields: Any, path: tuple[str, ...]) -> None:
        for label, field in fields.items():
            spec = spec_of(field)
            if spec.type == "组":
                walk(spec.fields, (*path, label))
            elif spec.type == "列表":
                columns = _record_columns(spec.fields, ())
                if columns is None:
                    continue
                title = ".".join((*path, label))[:31]
                if title in taken:
                    title = f"情况说明.{title}"[:31]
                taken.add(title)
                out.append(FactListSheet(title, (*path, label), tuple(c for c, _, _ in columns),
                                         tuple(k for _, k, _ in columns), tuple(c for c, _, r in columns if r)))

    if declared is not None:
        walk(declared, ())
    return out


def _record_columns(fields: Any, prefix: tuple[str, ...]) -> list[tuple[str, str, bool]] | None:
    """(column, type, required) of a record's fields; None when one does not fit a cell."""
    out: list[tuple[str, str, bool]] = []
    for label, field in fields.items():
        spec = spec_of(field)
        name = ".".join((*prefix, label))
        if spec.type in (*_SCALAR_FACTS, "段落"):
            out.append((name, spec.type, spec.required))
        elif spec.type == "组":
            inner = _record_columns(spec.fields, (*prefix, label))
            if inner is None:
                return None
            out += inner
        elif spec.type == "分项" and spec_of(spec.value).type in _SCALAR_FACTS:
            out += [(f"{name}.{key}", spec_of(spec.value).type, False) for key in spec.keys]
        else:
            return None
    return out


def in_fact_list(path: str, sheets: list[FactListSheet]) -> bool:
    """Whether a dotted 情况说明 path ("项目情况.1.项目名称") belongs to a list's own sheet."""
    return any(path == ".".join(s.path) or path.startswith(".".join(s.path) + ".") for s in sheets)


def style_paths() -> list[str]:
    return model_paths(StyleInput, "样式")


def cell_value(value: Any) -> Any:
    """A Python input value as written into a cell (amounts as numbers, booleans as 是/否)."""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    return value
