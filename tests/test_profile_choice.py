"""Choosing a profile reads only the profiles that may apply (a cold run's cost), and never
skips one that does."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import prepare
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
