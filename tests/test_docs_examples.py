"""The minimal input documented in docs/输入格式.md passes every check and renders."""

from __future__ import annotations

from pathlib import Path

from generator.build import prepare, render
from generator.options import RunOptions

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "docs" / "示例-最小输入.yaml"


def test_minimal_example_prepares_and_renders_without_problems() -> None:
    prepared = prepare(MINIMAL, RunOptions(strict=True))  # strict: not even a warning
    assert prepared.problems == []
    document = render(prepared)
    assert document.title == "示例市某某服务中心2023年度部门决算"
    tables = document.parts[1].blocks
    assert [t.number for t in tables] == [f"表{i}" for i in range(1, 10)]


def test_minimal_example_is_embedded_in_the_input_doc() -> None:
    doc = (ROOT / "docs" / "输入格式.md").read_text(encoding="utf-8")
    assert MINIMAL.read_text(encoding="utf-8").rstrip("\n") in doc


def test_profile_guide_documents_the_new_settings() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs/模板配置.md").read_text(encoding="utf-8")
    for needle in ("零值显示", "--data-dir", "--templates-dir", "内容: 类", "编码名称", "可选表格", "启用(",
                   "绩效等级", "名词解释补充", "其他事项", "决算-2019", "比较项", "金额合理上限"):
        assert needle in text, needle


def test_every_problem_code_is_documented() -> None:
    """docs/错误与退出码.md lists every problem the program can report, by its code."""
    import re

    codes = set()
    for source in (ROOT / "generator").rglob("*.py"):
        codes |= set(re.findall(r'(?:error|warning|_refuse)\(\s*"([a-z][a-z0-9-]+)"', source.read_text(encoding="utf-8")))
    doc = (ROOT / "docs" / "错误与退出码.md").read_text(encoding="utf-8")
    assert len(codes) > 100
    assert sorted(c for c in codes if c not in doc) == []
