"""Choosing a profile reads only the profiles that may apply (a cold run's cost), and never
skips one that does."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from generator.build import prepare
from generator.errors import UserError
from generator.options import RunOptions
from generator.profiles import _plainly_other

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_2023 = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"


def test_plain_kind_and_years_decide_without_reading_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("名称: p\n类型: 决算   # 注释\n适用年度: [2022, 2023]\n", encoding="utf-8")
    assert _plainly_other(path, "预算", 2023) and _plainly_other(path, "决算", 2021)
    assert not _plainly_other(path, "决算", 2023)


def test_anything_less_plain_is_read_in_full(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    for text in ("名称: p\n类型: 决算\n适用年度:\n  - 2020\n",  # block list
                 "名称: p\n类型: '决算'\n适用年度: [2020]\n",  # quoted
                 "名称: p\n基于: q\n适用年度: [2020]\n",  # 类型 from its base
                 "名称: p\n类型: 决算\n适用年度: [2020]\n类型: 预算\n"):  # repeated (an error, reported in full)
        path.write_text(text, encoding="utf-8")
        assert not _plainly_other(path, "预算", 2023), text


def test_a_profile_for_another_year_is_not_validated(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("examples"))
    other = data / "profiles" / "预算-2024.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("名称: 预算-2024", "名称: 预算-2024新", 1),
                     encoding="utf-8")
    assert prepare(EXAMPLE_2023, RunOptions(data_dir=data)).profile.model.name == "决算-2023"


def test_the_chosen_profile_is_kept_until_a_file_it_was_read_from_changes(tmp_path: Path) -> None:
    """header_profile's cache: the same Profile while the profiles, their 基于 chain, the
    catalogues and the glossary are unchanged; any edit, or a profile added, is seen at once."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("examples"))
    options = RunOptions(data_dir=data)
    first = prepare(EXAMPLE_2023, options).profile
    assert prepare(EXAMPLE_2023, options).profile is first

    base = data / "profiles" / "决算-2020.yaml"  # in the chain (决算-2023 基于 决算-2020)
    base.write_text(base.read_text(encoding="utf-8").replace("勾稽容差: 0.01", "勾稽容差: 0.02", 1), encoding="utf-8")
    edited = prepare(EXAMPLE_2023, options).profile
    assert edited is not first and Decimal(edited.model.tolerance) == Decimal("0.02")

    catalogue = data / "catalogues" / "功能分类-2023.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(
        "'2010301': 行政运行", "'2010301': 行政运行（改）", 1), encoding="utf-8")
    renamed = prepare(EXAMPLE_2023, options).profile
    assert renamed is not edited and renamed.catalogues["功能分类"].names["2010301"] == "行政运行（改）"

    own = data / "profiles" / "决算-2023.yaml"
    (data / "profiles" / "决算-2023副本.yaml").write_text(
        own.read_text(encoding="utf-8").replace("名称: 决算-2023", "名称: 决算-2023副本", 1), encoding="utf-8")
    with pytest.raises(UserError) as raised:
        prepare(EXAMPLE_2023, options)
    assert [p.code for p in raised.value.problems] == ["ambiguous-profile"]
