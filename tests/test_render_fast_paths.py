"""The render stage's short cuts give what the long way gives: values, texts, errors, documents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator import tables, text
from generator.build import prepare, render_full
from generator.ledger import ProfileFormulaError, parse_expr
from generator.options import RunOptions
from generator.phrases import Phrases, Style

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data/examples"


def test_residue_prefilter_finds_what_the_patterns_find() -> None:
    samples = ["本年收入合计100万元。", "增加（减少）了", "None", "{{ 金额 }}", "待填", "XX单位", "原因是。", "情况：，",
               "一般公共预算。。", "收入，，支出", "其中；；", "注：：", "、、", "！！", "？？", "。，", "nan", "NaN%",
               "{% if %}", "比上年增长（下降）", "下降（增长）", "减少（增加）", ""]
    for sample in samples:
        expected = any(pattern.search(sample) for pattern, _ in text._RESIDUE)
        assert bool(text._ANY_RESIDUE.search(sample)) == expected, sample


@pytest.fixture(scope="module")
def prepared():
    return prepare(EXAMPLES / "清远市政务服务数据管理局-2020-决算.yaml", RunOptions())


def test_evaluate_text_is_evaluate_of_parse_expr(prepared) -> None:
    ledger = prepared.figures.ledger
    keys = list(ledger.figures)[:40]
    texts = keys + [f"{a} + {b}" for a, b in zip(keys, keys[1:], strict=False)] \
        + [f"{a} - {b} + 12.5" for a, b in zip(keys, keys[3:], strict=False)] \
        + ["支出决算表.2010301.基本支出", "0", "3 - 1", f"  {keys[0]}   -{keys[1]} "]
    for expr in texts:
        slow = ledger.evaluate(parse_expr(expr, lambda t: t if ledger.knows(t) else None))
        fast = ledger.evaluate_text(expr)
        assert (fast, str(fast)) == (slow, str(slow)), expr
    for bad in ["", "没有这个数", f"{keys[0]} + 没有这个数"]:
        with pytest.raises(ProfileFormulaError) as slow_error:
            parse_expr(bad, lambda t: t if ledger.knows(t) else None)
        with pytest.raises(ProfileFormulaError) as fast_error:
            ledger.evaluate_text(bad)
        assert str(fast_error.value) == str(slow_error.value)


def test_printed_numbers_depend_only_on_the_amount() -> None:
    kept = Phrases(Style())
    for value in ["0", "-0", "0.00", "1.5", "1.50", "-1234567.125", "1234567.125", "0.004", "-0.004", "49999.995"]:
        amount = Decimal(value)
        kept.number(amount)  # remembered, then asked again below in another spelling of the same amount
    for value in ["-0", "0", "0.000", "1.500", "1.5", "-1234567.1250", "1234567.12500", "0.0040", "-0.0040", "49999.9950"]:
        amount = Decimal(value)
        assert kept.number(amount) == Phrases(Style()).number(amount), value


def test_tables_alike_with_and_without_the_kept_cells() -> None:
    """Zero cells and text cells are kept across departments: a department's tables are the
    same whether made first, after another department, or with everything kept forgotten."""
    options = RunOptions()
    paths = [EXAMPLES / "清远市政务服务数据管理局-2020-决算.yaml", EXAMPLES / "示例单位-2023-决算-元.yaml"]
    first = [render_full(prepare(p, options), options)[0] for p in paths]
    again = [render_full(prepare(p, options), options)[0] for p in reversed(paths)][::-1]
    tables._ZERO_CELLS.clear()
    tables._text.cache_clear()
    tables._header_grid.cache_clear()
    for p in paths:
        prepare(p, options).profile.layouts.clear()  # rows' text cells, 每类 rows, header grids
    fresh = [render_full(prepare(p, options), options)[0] for p in paths]
    assert first == again == fresh


def test_amount_cells_made_the_short_way_are_cells() -> None:
    for printed, value, source in [("1,234.50", Decimal("1234.50"), "支出决算表.合计.基本支出"), ("-0.01", Decimal("-0.01"), "")]:
        made = tables._amount_cell(printed, value, source)
        expected = tables.Cell(printed, value=value, align="right", source=source)
        assert (made, vars(made), hash(made), repr(made)) == (expected, vars(expected), hash(expected), repr(expected))


def test_implicit_zero_answers_shared_by_a_profile_are_each_departments_own() -> None:
    """Which keys are implicit zeros is kept per profile and shared by its departments
    (Ledger.knows): each department's ledger answers as one that keeps nothing would, for its
    own figures, the other department's and keys of no figure at all."""
    from generator.ledger import Ledger

    options = RunOptions()
    paths = [EXAMPLES / "清远市清城区大数据中心-2023-决算.yaml", EXAMPLES / "示例单位-2023-决算-元.yaml",
             EXAMPLES / "清远市政务服务中心-2024-预算.yaml"]
    ledgers = [prepare(p, options).figures.ledger for p in paths]
    catalogue = prepare(paths[0], options).profile.catalogues["功能分类"].names
    asked = {key for ledger in ledgers for key in ledger.figures}
    asked |= {f"支出决算表.{code}.{column}" for code in catalogue for column in ("基本支出", "项目支出", "没有这一列")}
    asked |= {"支出决算表.合计", "支出决算表.2010301", "没有这一节.201.基本支出", "支出决算表.abc.基本支出"}
    for ledger in ledgers:
        alone = Ledger(ledger.tolerance, ledger.unit)
        alone.figures, alone.zero_spaces = ledger.figures, ledger.zero_spaces
        assert {key: ledger.knows(key) for key in sorted(asked)} == {key: alone.knows(key) for key in sorted(asked)}


def test_template_environment_gives_what_jinjas_own_gives(tmp_path: Path) -> None:
    """Dict keys read as attributes and plain functions called straight away (text._Environment,
    _Context): the same text, and the same error, as Jinja's own Environment and Context."""
    import jinja2

    class Words:
        def say(self, x: str) -> str:
            return f"《{x}》"

    def stop() -> str:
        raise StopIteration

    @jinja2.pass_context
    def section(ctx: jinja2.runtime.Context) -> str:
        return str(ctx.get("节"))

    source = ("{{ d.名称 }}{{ d.items() | list | length }}{% for x in d.列表 %}{% set 节 = x %}{{ f(x, y=2) }}"
              "{{ w.say(x) }}{{ sec() }}{% endfor %}{{ d.没有 is defined }}{{ g() is defined }}{{ sec() }}")
    values = {"d": {"名称": "甲", "列表": [1, 2]}, "f": lambda x, y: x + y, "w": Words(), "g": stop, "sec": section}
    (tmp_path / "t.j2").write_text(source, encoding="utf-8")
    ours = text.environment(tmp_path)
    theirs = text.environment(tmp_path, cls=jinja2.Environment)
    assert type(ours) is not jinja2.Environment
    assert ours.get_template("t.j2").render(values) == theirs.get_template("t.j2").render(values) \
        == "甲23《1》14《2》2FalseFalseNone"
    for bad in ["{{ d.没有 + 1 }}", "{{ d.名称.没有.更没有 }}", "{{ f(1) }}"]:
        (tmp_path / "bad.j2").write_text(bad, encoding="utf-8")
        errors = []
        for env in (ours, theirs):
            with pytest.raises(Exception) as e:  # noqa: PT011 - whichever Jinja raises, both the same
                env.get_template("bad.j2").render(values)
            errors.append((type(e.value), str(e.value)))
        assert errors[0] == errors[1], bad
