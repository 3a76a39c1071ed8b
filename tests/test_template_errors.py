"""Every template fault is reported in Chinese at the file and line it is in — inside an
imported macro too: undefined names and attributes, unknown filters and tests, syntax errors,
wrong argument counts and names (functions, row methods, macros), type errors in a filter or an
operation, values that are not callable or not lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.assemble import narrative_context
from generator.build import prepare
from generator.errors import UserError
from generator.text import environment, render_template

ROOT = Path(__file__).resolve().parent.parent
INPUT = ROOT / "tests/fixtures/rows/甲单位-2023.yaml"

CASES = [
    ("{{ 情况说明.三公经费.没有这项 }}", "template-undefined", "模板用到了没有的数据：这组数据中没有“没有这项”"),
    ("{{ 不存在的名字 }}", "template-undefined", "“不存在的名字”未定义"),
    ("{{ 情况说明.其他事项[3] }}", "template-undefined", "列表中没有第 3 项"),
    ("{{ 情况说明.国有资产.截至日期.items() }}", "template-undefined", "“空值（没有填写的项）”中没有“items”"),
    ("{{ 1 | 没有的过滤器 }}", "template-syntax", "没有名为“没有的过滤器”的过滤器"),
    ("{% if 1 is 没有的测试 %}{% endif %}", "template-runtime", "没有名为“没有的测试”的测试"),
    ("{{ 1 2 }}", "template-syntax", "此处应为“}}”，实际为“整数”"),
    ("{% for %}{% endfor %}", "template-syntax", "此处应有一个值或表达式，实际为“%}”"),
    ("{{ 金额(1 }}", "template-syntax", "此处应为“)”，实际为“}”"),
    ("{% if 1 %}{% endfor %}", "template-syntax", "不认识的语句“endfor”"),
    ("{{ 金额(1, 2, 3) }}", "template-call", "参数个数不对"),
    ("{{ 金额() }}", "template-call", "缺少参数"),
    ("{{ 比上年(\"基本支出\", 措辞=1) }}", "template-call", "参数名“措辞”不对"),
    ("{% for r in 行(\"支出决算表\") %}{{ r.占(1, 2, 3, 4) }}{% endfor %}", "template-call", "参数个数不对"),
    ("{{ 部门名称 | 中文序号 }}", "template-call", "“甲单位”不是整数"),
    ("{{ 部门名称 | round }}", "template-call", "不能对文字取整"),
    ("{{ 部门名称 | sum }}", "template-call", "不能对数和文字做“+”运算"),
    ("{{ 1 + 部门名称 }}", "template-call", "不能对数和文字做“+”运算"),
    ("{{ 部门名称() }}", "template-call", "文字不是函数"),
    ("{% for x in 年度 %}{% endfor %}", "template-call", "数不能逐项列举"),
    ("{{ 小宏(1, 2) }}", "template-call", "宏“小宏”最多有 1 个参数"),
    ("{{ 小宏(乙=2) }}", "template-call", "宏“小宏”没有名为“乙”的参数"),
    ("{{ 比(\"基本支出\", \"没有的基准\") }}", "template-vocabulary", "没有名为“没有的基准”的比较基准"),
    ("{{ 金额(\"支出决算表.合计.没有的列\") }}", "template-figure", "模板引用的数有误"),
]
_ENGLISH = re.compile(r"[A-Za-z_]{4,}")


@pytest.fixture(scope="module")
def context() -> dict:
    return narrative_context(prepare(INPUT))[1]


@pytest.mark.parametrize("expression,code,message", CASES, ids=[c[2][:12] for c in CASES])
def test_fault_in_an_imported_macro(tmp_path: Path, context: dict, expression: str, code: str,
                                    message: str) -> None:
    (tmp_path / "说明.md.j2").write_text(
        '# 一、说明\n{% from "宏.md.j2" import 段 with context %}\n\n{{ 段() }}\n', encoding="utf-8")
    (tmp_path / "宏.md.j2").write_text(
        "{# 宏 #}\n{% macro 小宏(甲) %}{{ 甲 }}{% endmacro %}\n{% macro 段() %}\n" + expression + "\n{% endmacro %}\n",
        encoding="utf-8")
    with pytest.raises(UserError) as e:
        render_template(environment(tmp_path), "说明.md.j2", context)
    [problem] = e.value.problems
    assert (problem.code, problem.location.file, problem.location.line) == (code, "宏.md.j2", 4)
    assert message in problem.message
    # Chinese words only: what the template itself wrote (quoted “…”) and file names aside
    assert not _ENGLISH.search(re.sub(r"“[^”]*”|docs/\S+?\.md", "", problem.message)), problem.message


def test_fault_in_the_template_itself(tmp_path: Path, context: dict) -> None:
    (tmp_path / "说明.md.j2").write_text("# 一、说明\n\n{{ 部门名称 | 中文数字 }}\n", encoding="utf-8")
    with pytest.raises(UserError) as e:
        render_template(environment(tmp_path), "说明.md.j2", context)
    [problem] = e.value.problems
    assert (problem.location.file, problem.location.line) == ("说明.md.j2", 3)
    assert problem.message == "模板中的函数调用有误：不能比较文字与数的大小（“<”）"
