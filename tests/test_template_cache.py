"""Compiled templates come from Jinja's bytecode cache in a fresh process: the narrative and
the located messages must be the same as when the template is compiled."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import UserError
from generator.text import _bytecode_cache, environment, render_template


def test_a_cached_template_renders_and_locates_the_same(tmp_path: Path) -> None:
    (tmp_path / "x.md.j2").write_text("# 标题\n{{ 数 | 中文数字 }}\n{{ 没有的 }}\n", encoding="utf-8")
    lines = []
    for _ in range(2):  # the second environment loads what the first one compiled
        env = environment(tmp_path, _bytecode_cache())
        with pytest.raises(UserError) as e:
            render_template(env, "x.md.j2", {"数": 12})
        lines.append(e.value.problems[0].location.line)
        (tmp_path / "y.md.j2").write_text("{{ 数 | 中文数字 }}\n", encoding="utf-8")
        assert render_template(env, "y.md.j2", {"数": 12}) == "十二\n"
    assert lines == [3, 3]


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    path = tmp_path / "x.md.j2"
    path.write_text("甲\n", encoding="utf-8")
    assert render_template(environment(tmp_path, _bytecode_cache()), "x.md.j2", {}) == "甲\n"
    path.write_text("乙\n", encoding="utf-8")
    assert render_template(environment(tmp_path, _bytecode_cache()), "x.md.j2", {}) == "乙\n"
