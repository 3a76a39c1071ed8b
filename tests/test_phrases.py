"""Property tests of the phrase functions: words follow signs, percentages recompute."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.phrases import Phrases, Style

P = Phrases(Style())
# amounts in 万元 with cents, as officers type them; the phrases take 元
wan = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)


def yuan(x: Decimal) -> Decimal:
    return x * 10000


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@given(wan, wan)
def test_direction_words_follow_the_sign(current: Decimal, base: Decimal) -> None:
    text = P.change(yuan(current), yuan(base), "上年决算数")
    if current == base:
        assert text == "与上年决算数持平"
    elif current > base:
        assert text.startswith("比上年决算数增加") and ("增长" in text) and "减少" not in text and "下降" not in text
    else:
        assert text.startswith("比上年决算数减少") and ("下降" in text) and "增加" not in text and "增长" not in text


@given(wan, wan)
def test_stated_percentage_recomputes_from_stated_amounts(current: Decimal, base: Decimal) -> None:
    text = P.change(yuan(current), yuan(base), "上年")
    m = re.fullmatch(r"比上年(增加|减少)([\d,.]+)万元，(增长|下降)([\d.]+)%", text)
    if base == 0 or current == base:
        assert m is None  # 持平, or the zero-base wording: never a percentage
        assert "100%" not in text
        return
    assert m, text
    diff = _num(m.group(2))
    assert diff == abs(current - base)
    expected = P.percent(diff / base, "增长率")
    assert m.group(4) + "%" == expected


@given(wan, wan)
def test_completion_never_divides_by_zero(actual: Decimal, budget: Decimal) -> None:
    text = P.completion(yuan(actual), yuan(budget))
    if budget == 0:
        assert text.endswith("的--%（基数为0，不可比）")
    else:
        rate = Decimal(re.search(r"的([\d.]+)%$", text).group(1))
        assert abs(rate - actual / budget * 100) <= Decimal("0.005")


@settings(max_examples=200)
@given(st.lists(wan.filter(lambda x: x > 0), min_size=1, max_size=8))
def test_shares_of_a_complete_breakdown_sum_to_100(parts: list[Decimal]) -> None:
    whole = sum(parts)
    shares = [Decimal(P.share(yuan(p), yuan(whole))[:-1]) for p in parts]
    # each share is rounded to 0.1%: the sum is 100 within half a unit per part
    assert abs(sum(shares) - 100) <= Decimal("0.05") * len(parts)


def test_amounts_in_yuan_give_the_publishers_ratios() -> None:
    """Reference 000: 其他收入 0.08 vs 0.05 万元 shows 59.6% because it was computed in 元."""
    text = P.change(Decimal("798.23"), Decimal("500.10"), "上年决算")
    assert text == "比上年决算增加0.03万元，增长59.6%"


def test_trailing_zero_policy_matches_reference_000() -> None:
    assert P.percent(Decimal("0.26"), "完成率") == "26%"
    assert P.percent(Decimal("0.845"), "完成率") == "84.50%"
    assert P.amount(yuan(Decimal("763.00"))) == "763万元"
    assert P.amount(yuan(Decimal("106.40"))) == "106.4万元"
    assert P.amount(yuan(Decimal("2627.63"))) == "2,627.63万元"


def test_half_up_rounding_not_bankers() -> None:
    assert P.percent(Decimal("0.12345"), "占比") == "12.3%"
    assert P.percent(Decimal("0.12350"), "占比") == "12.4%"  # round() would give 12.4 too; 0.12250 → 12.3 vs 12.2
    assert P.percent(Decimal("0.12250"), "占比") == "12.3%"
