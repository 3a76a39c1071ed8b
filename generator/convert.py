"""`gen-report init` and `gen-report convert`: the input workbook written from a profile, and
an input moved between YAML and a workbook without losing anything."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from .combine import load_input
from .errors import Location, UserError, error
from .load import WORKBOOK_SUFFIXES, YAML_SUFFIXES
from .model import Header
from .options import DEFAULT_OPTIONS, RunOptions
from .profiles import choose_profile_file, load_profile, profile_for
from .validation import pydantic_problems
from .writers.atomic import write_all
from .writers.input_xlsx import input_workbook_bytes
from .yaml_out import input_yaml


def blank_workbook(kind: str, year: int, profile_name: str | None, output: Path,
                   options: RunOptions = DEFAULT_OPTIONS, force: bool = False) -> None:
    _check_output(output, WORKBOOK_SUFFIXES, "Excel 工作簿（.xlsx）", force)
    data_dir = options.data_dir
    profile = load_profile(choose_profile_file(kind, year, profile_name, data_dir), year, data_dir)
    data = {"年度": year, "类型": kind}
    if profile_name:
        data["模板"] = profile_name
    write_all({output: input_workbook_bytes(profile, data)})


def convert_input(input_file: Path, output: Path, options: RunOptions = DEFAULT_OPTIONS,
                  force: bool = False) -> None:
    data_dir = options.data_dir
    source_is_workbook = input_file.suffix.lower() in WORKBOOK_SUFFIXES
    if source_is_workbook:
        _check_output(output, YAML_SUFFIXES, "YAML 文件（.yaml）", force)
    else:
        _check_output(output, WORKBOOK_SUFFIXES, "Excel 工作簿（.xlsx）", force)
    source = load_input(input_file, data_dir)
    if any(p.severity == "错误" for p in source.problems):  # a merged cell, a missing sheet …
        raise UserError(source.problems)
    profile = profile_for(source, data_dir)
    if profile is None:
        try:
            Header.model_validate(source.data)
        except ValidationError as e:
            raise UserError(pydantic_problems(e, source, Header)) from e
    assert profile is not None
    if source_is_workbook:
        content = input_yaml(source.data, profile, input_file.name).encode("utf-8")
    else:
        content = input_workbook_bytes(profile, source.data)
    write_all({output: content})


def _check_output(output: Path, suffixes: tuple[str, ...], what: str, force: bool) -> None:
    if output.suffix.lower() not in suffixes:
        raise UserError([error("bad-output", f"输出文件应为{what}", location=Location(file=str(output)),
                               found=f"扩展名为 {output.suffix or '（无）'} 的文件")])
    if output.exists() and not force:  # it may be an officer's filled-in workbook or hand-written file
        raise UserError([error("output-exists", "这个文件已经存在，为免覆盖已填写的内容，没有写入",
                               location=Location(file=str(output)),
                               hint="请用 -o 指定一个新的文件名；确实要覆盖时，加上 --force")])
