"""`gen-report profiles --check DIR`: every branch of a profile's templates rendered with
made-up data, so a typo is found before any department reaches that branch."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    data, templates = tmp_path / "data", tmp_path / "templates"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("examples"))
    shutil.copytree(ROOT / "templates", templates)
    return data, templates


def _edit(path: Path, old: str, new: str) -> int:
    """Replace `old` once; the line it is on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_builtin_profiles_pass(run) -> None:  # noqa: ANN001
    code, out, err = run("profiles", "--check", ROOT / "data")
    assert (code, err) == (0, "")
    assert out.strip() == "已检查 4 个模板（决算-2019、决算-2020、决算-2023、预算-2024），" \
                          "每个用“有数”“部分有数”“无数”三套示例数据生成，未发现问题。"


def test_typo_in_a_branch_no_example_reaches(run, tmp_path: Path) -> None:  # noqa: ANN001
    """No bundled example has a 重点评价 with a 结论: the check still renders that branch."""
    data, templates = _copy(tmp_path)
    line = _edit(templates / "决算/情况说明-2023.md.j2", "{{ 重点.结论 }}", "{{ 重点.结轮 }}")
    code, _, err = run("profiles", "--check", data)
    assert code == 1
    assert err.splitlines()[0] == (f"[错误] 决算/情况说明-2023.md.j2 第{line}行：（模板“决算-2023”，示例数据“有数”）"
                                   "模板用到了没有的数据：这组数据中没有“结轮”")


def test_typo_in_an_included_template_names_that_file(run, tmp_path: Path) -> None:  # noqa: ANN001
    data, templates = _copy(tmp_path)
    line = _edit(templates / "决算/可选-会议费培训费.md.j2", "{% if 启用(", "{% if 启用的(")
    code, _, err = run("profiles", "--check", data)
    assert code == 1
    assert err.splitlines()[0].startswith(f"[错误] 决算/可选-会议费培训费.md.j2 第{line}行：")
    assert "“启用的”未定义" in err


def test_typo_in_the_branch_of_an_empty_field(run, tmp_path: Path) -> None:  # noqa: ANN001
    """The “部分有数” data leaves out the fields that may be empty (一级项目数): the else side runs."""
    data, templates = _copy(tmp_path)
    line = _edit(templates / "决算/情况说明-2023.md.j2", "{% else %}{{ 自评.项目数 or 0 }}", "{% else %}{{ 自评.项目 }}")
    code, _, err = run("profiles", "--check", data)
    assert code == 1
    assert err.splitlines()[0] == (f"[错误] 决算/情况说明-2023.md.j2 第{line}行：（模板“决算-2023”，示例数据“部分有数”）"
                                   "模板用到了没有的数据：这组数据中没有“项目”")


def test_typo_in_the_empty_branch(run, tmp_path: Path) -> None:  # noqa: ANN001
    """The “无数” data reaches the else side of 概况 2024 (no 下属单位 listed)."""
    data, templates = _copy(tmp_path)
    line = _edit(templates / "预算/概况-2024.md.j2", "{% else %}", "{% else %}{{ 没有这个 }}")
    code, _, err = run("profiles", "--check", data)
    assert code == 1
    assert f"[错误] 预算/概况-2024.md.j2 第{line}行：（模板“预算-2024”，示例数据" in err
    assert "模板用到了没有的数据：“没有这个”未定义" in err
