"""`gen-report profiles --check DIR`: every branch of a profile's templates rendered with
made-up data, so a typo is found before any department reaches that branch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("template,old,new,variant,message", [
    # no bundled example has a 重点评价 with a 结论: the check still renders that branch
    ("决算/情况说明-2023.md.j2", "{{ 重点.结论 }}", "{{ 重点.结轮 }}", "有数", "这组数据中没有“结轮”"),
    # “部分有数” leaves out the fields that may be empty (一级项目数): the else side runs
    ("决算/情况说明-2023.md.j2", "{% else %}{{ 自评.项目数 or 0 }}", "{% else %}{{ 自评.项目 }}", "部分有数",
     "这组数据中没有“项目”"),
    # “无数” reaches the else side of 概况 2024 (no 机构设置说明)
    ("预算/概况-2024.md.j2", "{% else %}", "{% else %}{{ 没有这个 }}", "无数", "“没有这个”未定义"),
    # an included template's fault names that file
    ("决算/可选-会议费培训费.md.j2", "{% if 启用(", "{% if 启用的(", "有数", "“启用的”未定义"),
])
def test_typo_found_at_its_file_and_line(run, tmp_path: Path, template: str, old: str, new: str,  # noqa: ANN001
                                         variant: str, message: str) -> None:
    data, templates = _copy(tmp_path)
    line = _edit(templates / template, old, new)
    code, _, err = run("profiles", "--check", data)
    assert code == 1
    profile = "预算-2024" if template.startswith("预算") else "决算-2023"
    first = err.splitlines()[0]
    assert first.startswith(f"[错误] {template} 第{line}行：（模板“")
    assert f"（模板“{profile}”，示例数据“{variant}”）模板用到了没有的数据：{message}" in err


@pytest.mark.parametrize("template,old,new,message", [
    # no example data reaches the 非税收入 paragraph's {% else %} (every variant that enables it has
    # 非税收入): the check forces that arm
    ("决算/可选-非税收入.md.j2", "{{ 年度 }}年度本部门没有征缴非税收入。", "{{ 年渡 }}年度本部门没有征缴非税收入。",
     "模板用到了没有的数据：“年渡”未定义"),
    ("决算/可选-非税收入.md.j2", "{{ 年度 }}年度本部门没有征缴非税收入。", "{{ 比(\"合计\", \"上年预算\") }}",
     "模板写法有误：没有名为“上年预算”的比较基准"),
    # a typo in a template only a forced arm includes is found in that file
    ("决算/可选-非税收入.md.j2", "{{ 年度 }}年度本部门没有征缴非税收入。", "{{ 金额(1, 2) }}", "模板中的函数调用有误：参数个数不对"),
])
def test_typo_in_a_branch_no_data_reaches(run, tmp_path: Path, template: str, old: str, new: str,  # noqa: ANN001
                                          message: str) -> None:
    data, templates = _copy(tmp_path)
    line = _edit(templates / template, old, new)
    code, _, err = run("profiles", "--check", data)
    assert code == 1
    first = err.splitlines()[0]
    assert first.startswith(f"[错误] {template} 第{line}行：（模板“决算-")
    assert f"，示例数据“有数”，强制执行 {template} 第{line}行的分支）{message}" in first


def test_forcing_reaches_every_arm_of_the_builtin_templates() -> None:
    """After the three variants and the forced renders, no arm of a built-in template is left unrun."""
    from generator import profile_check
    from generator.options import RunOptions
    from generator.profiles import load_profile

    seen = []
    render = profile_check._render

    def spy(prepared, options, env):  # noqa: ANN001,ANN202
        seen.append(env)
        return render(prepared, options, env)

    profile_check._render = spy
    try:
        for name, year in (("决算-2023", 2023), ("决算-2020", 2020), ("预算-2024", 2024)):
            profile = load_profile(ROOT / f"data/profiles/{name}.yaml", year, ROOT / "data")
            assert profile_check._check_profile(profile, RunOptions(data_dir=ROOT / "data")) == []
            branches = seen[-1].branches
            assert len(branches.arms) > 10 and branches.missed() == []
    finally:
        profile_check._render = render
