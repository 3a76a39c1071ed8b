"""JSON Schema of an input file for one profile: the fixed keys (from the pydantic model)
plus the table sections the profile defines. Editors use it to complete and check input."""

from __future__ import annotations

from typing import Any

from .figures import NAME_KEY, TOTAL_ROW
from .model import Report
from .options import DEFAULT_OPTIONS, RunOptions
from .profiles import choose_profile_file, load_profile

AMOUNT: dict[str, Any] = {
    "description": "金额：数字，或带千分位的文字，如 \"2,627.63\"",
    "anyOf": [{"type": "number", "minimum": 0},
              {"type": "string", "pattern": r"^\s*[0-9０-９,，]*([.．][0-9０-９]*)?\s*$"}],
}


def input_schema(kind: str, year: int, options: RunOptions = DEFAULT_OPTIONS,
                 profile_name: str | None = None) -> dict[str, Any]:
    profile = load_profile(choose_profile_file(kind, year, profile_name, options.data_dir), year, options.data_dir)
    schema = Report.model_json_schema(by_alias=True)
    schema["title"] = f"gen-report 输入文件（模板 {profile.model.name}）"
    schema["additionalProperties"] = False
    props = schema.setdefault("properties", {})
    for name, spec in profile.model.data.items():
        title = profile.table_for_section(name)
        if spec.form == "功能分类":
            row = {"type": ["object", "null"], "additionalProperties": False,
                   "properties": {**{c: AMOUNT for c in spec.columns}, NAME_KEY: {"type": "string"}}}
            props[name] = {"description": title, "type": "object", "additionalProperties": False,
                           "properties": {TOTAL_ROW: row},
                           "patternProperties": {r"^(\d{3}|\d{5}|\d{7})$": row}}
        elif spec.form == "经济分类":
            coded = {"anyOf": [AMOUNT, {"type": "null"}, {
                "type": "object", "additionalProperties": False,
                "properties": {"金额": AMOUNT, NAME_KEY: {"type": "string"}}}]}
            props[name] = {"description": title, "type": "object", "additionalProperties": False,
                           "properties": {t: AMOUNT for t in spec.totals},
                           "patternProperties": {r"^\d{3}(\d{2})?$": coded}}
        elif spec.form == "列表":
            record = {"type": "object", "additionalProperties": False,
                      "required": spec.fields[:1],
                      "properties": {**{f: {"type": "string"} for f in spec.fields},
                                     **{c: AMOUNT for c in spec.columns}}}
            props[name] = {"description": title, "type": ["array", "null"], "items": record}
        else:
            props[name] = {"description": title, **_nested([k.split(".") for k in spec.items])}
    return schema


def _nested(paths: list[list[str]]) -> dict[str, Any]:
    groups: dict[str, list[list[str]]] = {}
    for p in paths:
        groups.setdefault(p[0], []).append(p[1:])
    properties = {k: (AMOUNT if rest == [[]] else _nested([r for r in rest if r]))
                  for k, rest in groups.items()}
    return {"type": "object", "additionalProperties": False, "properties": properties}
