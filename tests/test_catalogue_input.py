"""Codes the year's catalogue lacks, typed with their 科目名称; the input's own tolerance."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import prepare, render
from generator.errors import UserError
from generator.options import RunOptions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"


def variant(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "in.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_code_with_its_name_is_printed_with_a_warning(tmp_path: Path) -> None:
    named = "'2060503': {科目名称: 科技成果转化与扩散, "
    path = variant(tmp_path, ("'2060199': {", named))
    prepared = prepare(path)
    warnings = [p for p in prepared.problems if p.code == "named-code"]
    assert len(warnings) == 3 and warnings[0].location.line == 41
    assert "科目编码 2060503 不在 2023 年功能分类科目目录中，按填写的科目名称“科技成果转化与扩散”印出" in warnings[0].message
    table3 = render(prepared).tables()[2]
    assert ["2060503", "科技成果转化与扩散"] in [[c.text for c in row[:2]] for row in table3.rows]


def test_a_missing_code_needs_a_known_or_named_parent(tmp_path: Path) -> None:
    path = variant(tmp_path, ("'2060199': {", "'2069701': {科目名称: 某支出, "))
    with pytest.raises(UserError) as e:
        prepare(path)
    assert any("科目编码 20697 不在 2023 年功能分类科目目录中" in p.message for p in e.value.problems)


def test_a_missing_code_without_a_name_is_an_error(tmp_path: Path) -> None:
    path = variant(tmp_path, ("'2060199': {", "'2060503': {"))
    with pytest.raises(UserError) as e:
        prepare(path)
    assert any(p.code == "unknown-code" and "2060503" in p.message for p in e.value.problems)


def data_with_bound(tmp_path: Path, bound: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("examples"))
    path = data / "profiles" / "决算-2023.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"勾稽容差上限: {bound}\n", encoding="utf-8")
    return data


def test_the_input_may_raise_its_tolerance_up_to_the_profiles_bound(tmp_path: Path) -> None:
    data = data_with_bound(tmp_path, "0.02")
    # 281.40 stated against 281.38 derived: 0.02 apart
    edit = ("合计: {本年支出合计: 858.53, 基本支出: 281.37}", "合计: {本年支出合计: 858.53, 基本支出: 281.40}")
    strict = variant(tmp_path, edit)
    with pytest.raises(UserError):
        prepare(strict, RunOptions(data_dir=data))
    raised = variant(tmp_path, edit, ("金额单位: 万元\n", "金额单位: 万元\n勾稽容差: 0.02\n"))
    prepared = prepare(raised, RunOptions(data_dir=data))
    [note] = [p for p in prepared.problems if p.code == "tolerance-raised"]
    assert "本文档按输入的勾稽容差 0.02 万元核对（模板为 0.01 万元，上限 0.02 万元）" in note.message
    too_much = variant(tmp_path, ("金额单位: 万元\n", "金额单位: 万元\n勾稽容差: 0.05\n"))
    with pytest.raises(UserError) as e:
        prepare(too_much, RunOptions(data_dir=data))
    [problem] = [p for p in e.value.problems if p.code == "tolerance-too-large"]
    assert problem.location.line is not None and "0 至 0.02 万元" in problem.expected
