"""An input as readable YAML (`gen-report convert 录入表.xlsx -o dept.yaml`): Chinese keys in
the usual order, codes quoted, amounts as plain numbers, a comment naming each table."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml

from .profiles import Profile

_HEAD = ("部门名称", "年度", "类型", "模板", "金额单位", "上年文件", "样式", "概况", "名词解释补充")
_TAIL = ("上年数", "比上年增减", "年初预算数", "比年初预算增减", "变动原因", "补充说明", "情况说明")


def input_yaml(data: dict[str, Any], profile: Profile, origin: str) -> str:
    lines = [f"# {data.get('部门名称', '')}{data.get('年度', '')}年度部门{data.get('类型', '')}录入数据"
             f"（由 gen-report convert 从 {origin} 转换；说明见 docs/输入格式.md）"]
    order = [k for k in _HEAD if k in data]
    order += [k for k in profile.model.data if k in data]
    order += [k for k in _TAIL if k in data]
    order += [k for k in data if k not in order]
    previous_block = None
    for key in order:
        block = "head" if key in _HEAD[:6] else key
        if block != previous_block:
            lines.append("")
        previous_block = block
        if key in profile.model.data:
            lines.append(f"# {profile.table_for_section(key)}")
        _emit(key, data[key], 0, lines)
    return "\n".join(lines) + "\n"


def _emit(key: str, value: Any, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    k = _key(key)
    if isinstance(value, dict) and value:
        if all(_is_number(v) for v in value.values()) and indent > 0:
            lines.append(f"{pad}{k}: {_flow(value)}")
            return
        lines.append(f"{pad}{k}:")
        for sub, v in value.items():
            _emit(sub, v, indent + 2, lines)
    elif isinstance(value, list) and value:
        lines.append(f"{pad}{k}:")
        _emit_list(value, indent + 2, lines)
    else:
        text = _scalar(value)
        lines.append(f"{pad}{k}:" + (f" {text}" if text else ""))


def _emit_list(items: list[Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            sub: list[str] = []
            for k, v in item.items():
                _emit(k, v, indent + 2, sub)
            sub[0] = pad + "- " + sub[0][indent + 2:]
            lines.extend(sub)
        elif isinstance(item, list) and item:
            lines.append(pad + "-")
            _emit_list(item, indent + 2, lines)
        else:
            lines.append(f"{pad}- {_scalar(item)}")


def _is_number(v: Any) -> bool:
    return v is None or (isinstance(v, (int, Decimal)) and not isinstance(v, bool))


def _flow(value: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{_key(k)}: {_scalar(v) or 'null'}" for k, v in value.items()) + "}"


def _key(key: str) -> str:
    key = str(key)
    if key.isdigit():
        return f"'{key}'"  # codes stay text
    return _string(key)


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _string(str(value))


def _string(text: str) -> str:
    """Plain when YAML reads it back as the same text, else double-quoted (JSON escapes are
    valid YAML)."""
    if text and text == text.strip() and "\n" not in text and not text.startswith(("'", '"', "%", "@", "`")):
        try:
            if yaml.safe_load(text) == text and "#" not in text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)
