"""The load stage's entry: an input file, read by its suffix, as one `Source`.

A workbook (load_xlsx.py) or YAML (load.py), whose tables may come from a workbook
(`表格: 决算数据.xlsx`): texts stay in YAML, tables come from the workbook. A section given in
both places is an error, never a silent choice."""

from __future__ import annotations

from pathlib import Path

from .errors import UserError, error
from .load import WORKBOOK_SUFFIXES, Source, load_yaml
from .profiles import profile_for

TABLES_KEY = "表格"


def load_input(path: Path, data_dir: Path | None = None) -> Source:
    """The input by its suffix: a workbook or YAML (with its 表格 workbook merged in)."""
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        # lazy: openpyxl only for workbook inputs (start-up)
        from .load_xlsx import load_workbook_input

        return load_workbook_input(path, data_dir)
    return merge_tables(load_yaml(path), data_dir)


def merge_tables(source: Source, data_dir: Path | None = None) -> Source:
    if TABLES_KEY not in source.data:
        return source
    # lazy: openpyxl only for workbook inputs (start-up)
    from .load_xlsx import load_workbook_tables

    where = source.loc((TABLES_KEY,))
    ref = source.data[TABLES_KEY]
    own = Source(data={k: v for k, v in source.data.items() if k != TABLES_KEY}, file=source.file,
                 locations=source.locations)
    if not isinstance(ref, str) or not ref.strip():
        raise UserError([error("bad-tables-file", "“表格”应为工作簿的文件名，如：表格: 决算数据.xlsx", location=where)])
    path = Path(source.file).parent / ref.strip()
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise UserError([error("bad-tables-file", "“表格”应指向 Excel 工作簿（.xlsx）", location=where,
                               found=ref)])
    profile = profile_for(own, data_dir)
    if profile is None:
        return own  # the header is wrong; the input check says how
    tables = load_workbook_tables(path, profile, where)
    conflicts = [error("tables-conflict", f"“{key}”既写在本文件中，又在“表格”指定的工作簿中",
                       location=own.loc((key,)),
                       hint=f"工作簿中的位置：{tables.loc((key,))}；请只保留一处")
                 for key in tables.data if key in own.data]
    if conflicts:
        raise UserError(conflicts)
    return Source(data={**own.data, **tables.data}, file=source.file,
                  locations={**source.locations, **tables.locations}, problems=source.problems + tables.problems)
