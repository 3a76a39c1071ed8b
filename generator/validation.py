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

from .errors import Problem, error
from .load import Path_, Source

_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的键（可能拼写有误）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数（不能有小数）",
    "string_type": "应为文字",
    "bool_type": "应为“是”或“否”（true / false）",
    "bool_parsing": "应为“是”或“否”（true / false）",
    "list_type": "应为列表（每项以“- ”开头）",
    "dict_type": "应为“键: 值”形式的键值表",
    "model_type": "应为“键: 值”形式的键值表",
    "model_attributes_type": "应为“键: 值”形式的键值表",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
}


def pydantic_problems(
    exc: ValidationError, source: Source, model: type[BaseModel], base: Path_ = ()
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(str(x) for x in err["loc"])
        path = base + loc
        kind = err["type"]
        if kind == "value_error":
            message = str(err.get("ctx", {}).get("error", err["msg"]))
        elif kind == "literal_error":
            message = "应为以下之一：" + str(err.get("ctx", {}).get("expected", "")).replace("'", "")
        elif kind in ("greater_than_equal", "greater_than"):
            message = f"不能小于 {err.get('ctx', {}).get('ge', err.get('ctx', {}).get('gt'))}"
        elif kind in ("less_than_equal", "less_than"):
            message = f"不能大于 {err.get('ctx', {}).get('le', err.get('ctx', {}).get('lt'))}"
        elif kind.startswith("union_tag") or kind == "union_type":
            message = "格式不对"
        else:
            message = _MESSAGES.get(kind, err["msg"])
        if kind == "missing":
            message = f"缺少必填项“{loc[-1]}”"
            where = source.loc(path[:-1])
        else:
            where = source.loc(path)
        if kind not in ("missing", "extra_forbidden") and "input" in err and not isinstance(
            err["input"], (dict, list)
        ):
            message += f"，实际为“{err['input']}”"
        hint = ""
        if kind == "extra_forbidden":
            allowed = allowed_keys(model, loc[:-1])
            close = difflib.get_close_matches(loc[-1], allowed, n=1, cutoff=0.4)
            if close:
                hint = f"是否想写“{close[0]}”？"
            elif allowed:
                hint = "此处可用的键：" + "、".join(allowed)
            message = f"不认识的键“{loc[-1]}”（可能拼写有误，该项内容不会被使用）"
        problems.append(error(f"schema-{kind}", message, location=where,
                              row="/".join(path[:-1]) if kind == "extra_forbidden" else "/".join(path),
                              hint=hint))
    return problems


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
