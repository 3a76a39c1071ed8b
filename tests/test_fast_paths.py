"""The speed-ups change nothing visible: same values and positions, same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import load

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "data/examples").glob("*.yaml")) + sorted((ROOT / "data/profiles").glob("*.yaml")) \
    + [ROOT / "docs/示例-最小输入.yaml"]


@pytest.mark.skipif(load._FAST_LOADER is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_libyaml_and_python_parsers_give_the_same_source(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load.load_yaml(path, allow_aliases=True)
    monkeypatch.setattr(load, "_FAST_LOADER", None)
    slow = load.load_yaml(path, allow_aliases=True)
    assert fast.data == slow.data
    assert fast.locations == slow.locations


@pytest.mark.skipif(load._FAST_LOADER is None, reason="PyYAML built without libyaml")
def test_lean_loader_resolves_every_scalar_as_yaml_does() -> None:
    """load._lean's tag lookup gives Resolver.resolve's answer (plain, quoted and tagged scalars)."""
    import yaml

    words = ["", "~", "null", "Null", "NULL", "nULL", "true", "True", "yes", "Yes", "no", "on", "Off", "y", "n",
             "1", "-1", "+1", "0", "007", "1_000", "0x1F", "0o17", "0b101", "1:30", "1:30.5", ".5", "1.", "1e3",
             "1.5e3", "-.inf", ".NaN", "2020-12-31", "2020-12-31 10:00:00", "=", "<<", "!x", "&a", "*a", "中文",
             "2627.63", "２０１", "  1", "a b", "-", "+", "."]
    plain = yaml.SafeLoader("")
    lean = load._FAST_LOADER("")
    for value in words:
        for implicit in [(True, False), (False, True), (False, False), (True, True)]:
            assert lean.resolve(yaml.ScalarNode, value, implicit) == plain.resolve(yaml.ScalarNode, value, implicit), \
                (value, implicit)
    for kind in (yaml.SequenceNode, yaml.MappingNode):
        assert lean.resolve(kind, None, (True, False)) == plain.resolve(kind, None, (True, False))
    assert lean.descend_resolver(None, None) is None and lean.ascend_resolver() == ()


@pytest.mark.parametrize("path", sorted((ROOT / "data/examples").glob("*.yaml")), ids=lambda p: p.name)
def test_docx_from_the_kept_package_is_the_python_docx_one(path: Path) -> None:
    """A document without pictures is zipped from the reference's members kept per process
    (docx._package); putting every part in through python-docx gives the same members."""
    from generator.assemble import render_full
    from generator.build import prepare
    from generator.options import RunOptions
    from generator.writers import docx

    options = RunOptions()
    document = render_full(prepare(path, options), options)[0]
    reference = docx._reference(docx.REFERENCE_DOCX)
    assert docx.docx_members(document) == docx._through_python_docx(document, reference)



def test_functional_rows_kept_per_profile_follow_each_inputs_rows_and_names(tmp_path: Path) -> None:
    """A 功能分类 table's rows, rules and identities are made once per profile for the rows an
    input has and the names it types (figures._functional_rows): an input with another row, or
    another name for a row, gets its own, as when nothing was kept."""
    from generator.build import prepare
    from generator.compute import ChecksFailed
    from generator.options import RunOptions

    example = ROOT / "data/examples/清远市政务服务数据管理局-2020-决算.yaml"
    text = example.read_text(encoding="utf-8")
    row = "  '2010301': {基本支出: 639.54}\n"
    assert row in text
    variants = {"same.yaml": text,
                "named.yaml": text.replace(row, "  '2010301': {基本支出: 639.54, 科目名称: 本级行政运行}\n", 1),
                "more.yaml": text.replace(row, row + "  '2010302': {基本支出: 1.00}\n", 1)}
    options = RunOptions()

    def rows(path: Path) -> dict[str, tuple[object, ...]]:
        try:
            ledger = prepare(path, options).figures.ledger
        except ChecksFailed as failed:  # "more.yaml": its 合计 no longer adds up
            assert failed.prepared is not None
            ledger = failed.prepared.figures.ledger
        return {key: (f.rule, f.identities, f.stated) for key, f in ledger.figures.items()}

    for name, variant in variants.items():
        (tmp_path / name).write_text(variant, encoding="utf-8")
    kept = {name: rows(tmp_path / name) for name in variants}  # each after the one before it
    profile = prepare(tmp_path / "same.yaml", options).profile
    for name in variants:
        profile.plans.clear()
        profile.formulas.clear()
        assert rows(tmp_path / name) == kept[name], name
    assert kept["named.yaml"] != kept["same.yaml"] != kept["more.yaml"]


def test_self_naming_sentences_are_searched_only_where_they_can_be() -> None:
    """inputs.other_unit_names searches a text with a pattern only when the text has one of the
    pattern's words: every match of each pattern contains one (so no match is passed over)."""
    from generator.inputs import _SELF_NAMING, officer_texts

    samples = ["部门决算为示例市某某服务中心本级决算。", "纳入我部门（某某服务中心）决算编报范围的单位共2个，包括中心本级和下属单位。",
               "本单位(某某站)", "示例市某某服务中心的主要职责是：", "某某中心主要职责", "单位预算为某某局本级预算",
               "包括某某所本级", "我单位（示例单位）", "本部门（某某中心）"]
    texts = samples + [text for path in sorted((ROOT / "data/examples").glob("*.yaml"))
                       for _, text in officer_texts(load.load_yaml(path))]
    found = 0
    for pattern, words in _SELF_NAMING:
        for text in texts:
            for m in pattern.finditer(text.strip()):
                found += 1
                assert any(word in m.group(0) for word in words), (pattern.pattern, m.group(0))
    assert found >= len(samples)


def test_ledger_fmt_prints_what_format_number_prints() -> None:
    """Ledger.fmt prints a figure with as many decimals as it has (2 to 6) directly: the text
    format_number gives after rounding (half up) to those decimals."""
    import random
    from decimal import Decimal

    from generator.amounts import format_number
    from generator.ledger import Ledger

    def reference(ledger: Ledger, yuan: Decimal, signed: bool) -> str:
        value = yuan / (Decimal(10000) if ledger.unit == "万元" else Decimal(1))
        places = max(2, -value.normalize().as_tuple().exponent) if value else 2
        text = format_number(value, places=min(places, 6))
        return f"{'+' if signed and yuan > 0 else ''}{text} {ledger.unit}"

    rng = random.Random(11)
    values = [Decimal(0), Decimal("-0"), Decimal("0.00"), Decimal("1E+3"), Decimal("-1E+5"), Decimal("0.0000001"),
              Decimal("123456789012.3456789"), Decimal("-0.005"), Decimal("99999999.995")]
    values += [Decimal(rng.randint(-10**14, 10**14)).scaleb(-rng.randint(-3, 9)) for _ in range(3000)]
    for unit in ("万元", "元"):
        ledger = Ledger(Decimal(0), unit)
        for value in values:
            for signed in (False, True):
                assert ledger.fmt(value, signed) == reference(ledger, value, signed), (unit, value)
