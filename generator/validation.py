"""Turn pydantic's validation errors into located Chinese `Problem`s.

Models at the boundary forbid unknown keys (a misspelt key must never silently drop a
figure); this module translates what pydantic reports into what an officer can act on,
including a "did you mean" hint for misspelt keys.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem, a_few, error
from .load import Path_, Source

_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的键（可能拼写有误）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_parsing_size": "应为整数（数字太大）",
    "int_from_float": "应为整数（不能有小数）",
    "string_type": "应为文字",
    "string_unicode": "应为文字（含有无效字符）",
    "string_sub_type": "应为文字",
    "bool_type": "应为 true 或 false（Excel 录入表中写“是”或“否”）",
    "bool_parsing": "应为 true 或 false（Excel 录入表中写“是”或“否”）",
    "list_type": "应为列表（每项以“- ”开头）",
    "tuple_type": "应为列表（每项以“- ”开头）",
    "set_type": "应为列表（每项以“- ”开头）",
    "dict_type": "应为“键: 值”形式的键值表",
    "mapping_type": "应为“键: 值”形式的键值表",
    "model_type": "应为“键: 值”形式的键值表",
    "model_attributes_type": "应为“键: 值”形式的键值表",
    "dataclass_type": "应为“键: 值”形式的键值表",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字（不能是无穷大或 NaN）",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_digits": "数字位数太多",
    "decimal_max_places": "小数位数太多",
    "decimal_whole_digits": "整数部分位数太多",
    "date_type": "应为日期（如 2020-12-31）",
    "date_parsing": "应为日期（如 2020-12-31）",
    "date_from_datetime_parsing": "应为日期（如 2020-12-31）",
    "none_required": "此处应留空",
    "frozen_field": "此项不能修改",
    "string_pattern_mismatch": "格式不对",
    "enum": "不是可选的值之一",
    "is_instance_of": "格式不对",
    "callable_type": "格式不对",
    "assertion_error": "格式不对",
}
_FALLBACK = "格式不对"


def pydantic_problems(
    exc: ValidationError, source: Source, model: type[BaseModel], base: Path_ = ()
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[Path_, str]] = set()
    for err in _merge_unions(exc.errors(), source, base):
        loc = err["loc"]
        path = base + loc
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "union-merged":
            message = err["msg"]
        elif kind == "value_error":
            message = str(ctx.get("error", "")) or _FALLBACK
            if not _is_chinese(message):
                message = _FALLBACK
        elif kind in ("literal_error", "enum"):
            message = "应为以下之一：" + _choices(str(ctx.get("expected", "")))
        elif kind in ("greater_than_equal", "greater_than"):
            message = f"不能小于 {ctx.get('ge', ctx.get('gt'))}"
        elif kind in ("less_than_equal", "less_than"):
            message = f"不能大于 {ctx.get('le', ctx.get('lt'))}"
        elif kind in ("string_too_long", "too_long"):
            limit = ctx.get("max_length")
            message = f"太长（不能超过 {limit} 个{'字' if kind == 'string_too_long' else '项'}）"
        elif kind in ("string_too_short", "too_short") and ctx.get("min_length", 1) > 1:
            message = f"太短（至少 {ctx['min_length']} 个{'字' if kind == 'string_too_short' else '项'}）"
        elif kind.startswith("union_tag") or kind == "union_type":
            message = _FALLBACK
        else:
            message = _MESSAGES.get(kind, _FALLBACK)
        if kind == "missing":
            message = f"缺少必填项“{loc[-1]}”"
            # a workbook knows the empty cell of a missing key (基本信息!B2); YAML only the parent
            where = source.locations.get(path) or source.loc(path[:-1])
        else:
            where = source.loc(path)
        found = ""
        whole_model = kind == "value_error" and isinstance(err.get("input"), (dict, list))
        if kind not in ("missing", "extra_forbidden") and "input" in err and not whole_model:
            found = describe_value(err["input"])
        hint = ""
        if kind == "extra_forbidden":
            allowed = allowed_keys(model, loc[:-1])
            close = difflib.get_close_matches(loc[-1], allowed, n=1, cutoff=0.4)
            if close:
                hint = f"是否想写“{close[0]}”？"
            elif allowed:
                hint = "此处可用的键：" + a_few(loc[-1], allowed)
            message = f"不认识的键“{loc[-1]}”（可能拼写有误，该项内容不会被使用）"
        if found:
            message += f"，实际为{found}"
        key = (path, message)
        if key in seen:
            continue
        seen.add(key)
        row_path = path[:-1] if kind in ("missing", "extra_forbidden") else path
        problems.append(error(f"schema-{kind}", message, location=where,
                              row=readable_path(row_path), hint=hint))
    return problems


def readable_path(path: Path_) -> str:
    """概况/机构设置/第2项: list positions counted from 1, as an officer counts them."""
    return "/".join(f"第{int(p) + 1}项" if p.isdigit() and i and not _is_code(p) else p
                    for i, p in enumerate(path))


def _is_code(part: str) -> bool:
    return len(part) >= 3  # 科目编码 (201, 20103, …) are mapping keys, not list positions


def describe_value(value: object) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "真/假值（true/false）"
    if isinstance(value, dict):
        return "“键: 值”形式的键值表"
    if isinstance(value, (list, tuple)):
        return "列表"
    text = str(value)
    if len(text) > 40:
        text = text[:40] + "…"
    return f"“{text}”"


def _choices(expected: str) -> str:
    """Pydantic's "'决算' or '预算'" → "决算、预算"."""
    return expected.replace("'", "").replace(" or ", "、").replace(", ", "、")


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _merge_unions(errors: list[Any], source: Source, base: Path_) -> list[dict[str, Any]]:
    """Pydantic reports a union (文字 or a mapping) once per branch, with the branch's type
    name in the location. Strip those names; where the input is a mapping, keep the mapping
    branch's errors (the officer meant it); otherwise report one error listing the choices."""
    plain: list[dict[str, Any]] = []
    unions: dict[Path_, list[tuple[str, dict[str, Any]]]] = {}
    for err in errors:
        loc, tag_at, tag = _strip_tags(tuple(str(x) for x in err["loc"]), source.data, base, err["type"])
        err = {**err, "loc": loc}
        if tag_at is None:
            plain.append(err)
        else:
            unions.setdefault(loc[:tag_at], []).append((tag, err))
    for at, branches in unions.items():
        value = _follow(source.data, base + at)
        if isinstance(value, dict):
            plain.extend(e for tag, e in branches if tag[:1].isupper())
            continue
        wanted = []
        for _, e in branches:
            if e["loc"] == at:
                text = _MESSAGES.get(e["type"], _FALLBACK).removeprefix("应为")
                if text not in wanted:
                    wanted.append(text)
        plain.append({"type": "union-merged", "loc": at, "input": value,
                      "msg": "应为" + "，或".join(wanted or [_FALLBACK])})
    return plain


_MISSING = object()


def _follow(data: Any, path: Path_) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return _MISSING
    return data


def _strip_tags(loc: Path_, data: Any, base: Path_, kind: str) -> tuple[Path_, int | None, str]:
    """Drop union branch names from `loc`: components that do not lead anywhere in the data."""
    current = _follow(data, base)
    kept: list[str] = []
    tag_at: int | None = None
    tag = ""
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if part == "[key]":  # a mapping key of the wrong kind: report it at the key itself
            continue
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        elif last and kind in ("missing", "extra_forbidden"):
            pass
        elif tag_at is None and not (isinstance(current, dict) and kind == "missing"):
            tag_at, tag = len(kept), part
            continue
        kept.append(part)
    return tuple(kept), tag_at, tag


def allowed_keys(model: type[BaseModel], loc: tuple[str, ...]) -> list[str]:
    """The aliases a mapping at `loc` (inside `model`) accepts, for "did you mean" hints."""
    current: Any = model
    for part in loc:
        current = _strip_optional(current)
        origin = typing.get_origin(current)
        if origin in (list, dict):
            current = typing.get_args(current)[-1]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items()
                          if (f.alias or n) == part), None)
            if field is None:
                return []
            current = field.annotation
        else:
            return []
    current = _strip_optional(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _strip_optional(tp: Any) -> Any:
    """X | None → X; a union holding exactly one model → that model."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if len(models) == 1:
            return models[0]
        if len(args) == 1:
            return args[0]
    return tp
