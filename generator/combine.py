"""`表格: 决算数据.xlsx`: a YAML input that takes its tables from a workbook and keeps its
texts in YAML. A section given in both places is an error, never a silent choice."""

from __future__ import annotations

from pathlib import Path

from .errors import UserError, error
from .load import Source

TABLES_KEY = "表格"


def merge_tables(source: Source, data_dir: Path | None = None) -> Source:
    if TABLES_KEY not in source.data:
        return source
    from .build import profile_for
    from .load_xlsx import WORKBOOK_SUFFIXES, load_workbook_tables

    where = source.loc((TABLES_KEY,))
    ref = source.data.pop(TABLES_KEY)
    if not isinstance(ref, str) or not ref.strip():
        raise UserError([error("bad-tables-file", "“表格”应为工作簿的文件名，如：表格: 决算数据.xlsx", location=where)])
    path = Path(source.file).parent / ref.strip()
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise UserError([error("bad-tables-file", "“表格”应指向 Excel 工作簿（.xlsx）", location=where,
                               found=ref)])
    profile = profile_for(source, data_dir)
    if profile is None:
        return source  # the header is wrong; prepare says how
    tables = load_workbook_tables(path, profile, where)
    conflicts = [error("tables-conflict", f"“{key}”既写在本文件中，又在“表格”指定的工作簿中",
                       location=source.loc((key,)),
                       hint=f"工作簿中的位置：{tables.loc((key,))}；请只保留一处")
                 for key in tables.data if key in source.data]
    if conflicts:
        raise UserError(conflicts)
    data = dict(source.data)
    data.update(tables.data)
    return Source(data=data, file=source.file, locations={**source.locations, **tables.locations})
