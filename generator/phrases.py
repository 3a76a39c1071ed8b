"""The narrative's phrases: one function per kind (amount, change, completion, share).

Every function takes exact amounts in 元 and returns text; the direction words always follow
the sign, ratios are computed from the unrounded amounts, and a zero base never yields a
percentage. All wording choices a region may differ on live in `Style`, whose defaults are
those of the reference documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .amounts import UNIT_SCALE, format_number, round_half_up
from .model import StyleInput

Kind = str  # "增长率" | "完成率" | "占比"


@dataclass(frozen=True)
class Style:
    percent_places: dict[Kind, int] = field(default_factory=lambda: {"增长率": 1, "完成率": 2, "占比": 1})
    section_percent_places: dict[str, int] = field(default_factory=dict)  # 节 → places for every kind
    percent_zeros: str = "整数去除"  # 保留 / 去除 / 整数去除 (see amounts.format_number)
    amount_zeros: str = "去除"
    thousands: bool = True
    space_before_unit: bool = False
    unit: str = "万元"
    amount_places: int = 2  # decimals of the narrative's amounts (情况说明显示: 小数位)
    zero_base_growth: str = "增长--（基数为0，不可比）"
    zero_base_completion: str = "--%（基数为0，不可比）"
    zero_whole_share: str = "0%"
    mention_zero_items: bool = True
    zero_change: str = "持平"  # 持平 / 不可比 / 省略: a figure zero this year and in the baseline
    zero_rows: bool = False  # rows of a table (行(…)) that are zero this year and in every baseline
    completion_base: str = "年初预算"  # the baseline 完成基准(…) and 行.完成() use when none is named

    @classmethod
    def from_input(cls, raw: StyleInput, unit: str = "万元", defaults: StyleInput | None = None) -> Style:
        """The input's 样式 over the profile's 样式 (`defaults`) over the built-in defaults."""
        if defaults is not None:
            merged = {**defaults.model_dump(), **{k: getattr(raw, k) for k in raw.model_fields_set}}
            merged["percent_places"] = {**defaults.percent_places, **raw.percent_places}
            merged["section_percent_places"] = {**defaults.section_percent_places, **raw.section_percent_places}
            raw = StyleInput.model_construct(**merged)
        return cls(
            percent_places={**cls().percent_places, **raw.percent_places},
            section_percent_places=dict(raw.section_percent_places),
            percent_zeros=raw.percent_zeros, amount_zeros=raw.amount_zeros, thousands=raw.thousands,
            space_before_unit=raw.space_before_unit, unit=unit, zero_base_growth=raw.zero_base_growth,
            zero_base_completion=raw.zero_base_completion, zero_whole_share=raw.zero_whole_share,
            mention_zero_items=raw.mention_zero_items, zero_change=raw.zero_change,
            zero_rows=raw.zero_rows, completion_base=raw.completion_base,
        )


class Phrases:
    def __init__(self, style: Style) -> None:
        self.style = style
        # the last percentage printed, with its decimals (the narrative records where it came from)
        self.last_percent: tuple[str, int] | None = None
        self._numbers: dict[str, str] = {}  # number() by amount: a text prints most of its figures twice

    # -- numbers --------------------------------------------------------------------------
    def shown(self, yuan: Decimal) -> Decimal:
        """The figure as the document shows it (万元, 2 decimals, half up)."""
        return round_half_up(yuan / UNIT_SCALE[self.style.unit], self.style.amount_places)

    def number(self, yuan: Decimal) -> str:
        # Kept by the amount as written: equal strings are the same Decimal (and a str hashes in
        # a fraction of a Decimal's time); equal amounts written otherwise (1.5, 1.50) print alike.
        written = str(yuan)
        text = self._numbers.get(written)
        if text is None:
            text = self._numbers[written] = format_number(self.shown(yuan), self.style.amount_places,
                                                          self.style.thousands, self.style.amount_zeros)
        return text

    def amount(self, yuan: Decimal) -> str:
        sep = " " if self.style.space_before_unit else ""
        return f"{self.number(abs(yuan))}{sep}{self.style.unit}"

    def places(self, kind: Kind, section: str | None = None) -> int:
        if section and section in self.style.section_percent_places:
            return self.style.section_percent_places[section]
        return self.style.percent_places[kind]

    def percent(self, ratio: Decimal, kind: Kind, section: str | None = None) -> str:
        """`ratio` is a fraction (0.872…); printed as "87.2%"."""
        places = self.places(kind, section)
        text = format_number(ratio * 100, places, thousands=False, strip_zeros=self.style.percent_zeros) + "%"
        self.last_percent = (text, places)
        return text

    # -- phrases --------------------------------------------------------------------------
    def change(self, current: Decimal, base: Decimal, against: str, section: str | None = None) -> str:
        """"比上年决算数增加1,223.93万元，增长87.2%" / "…减少…，下降…" / "与上年决算数持平"."""
        diff = current - base
        if current == 0 and base == 0 and self.style.zero_change != "持平":
            if self.style.zero_change == "省略":
                return ""
            return f"比{against}增加{self.amount(Decimal(0))}，{self.style.zero_base_growth}"
        if self.shown(current) == self.shown(base):
            return f"与{against}持平"
        verb, rate = ("增加", "增长") if diff > 0 else ("减少", "下降")
        text = f"比{against}{verb}{self.amount(diff)}，"
        if base == 0:
            growth = self.style.zero_base_growth
            return text + (growth if diff > 0 else growth.replace("增长", "下降", 1))
        return text + rate + self.percent(abs(diff) / abs(base), "增长率", section)

    def completion(self, actual: Decimal, budget: Decimal, section: str | None = None,
                   noun: str = "预算") -> str:
        """"完成预算7万元的42.71%" (against a zero budget: "完成预算0万元的--%（基数为0，不可比）")."""
        head = f"完成{noun}{self.amount(budget)}的"
        if budget == 0:
            return head + self.style.zero_base_completion
        return head + self.percent(actual / budget, "完成率", section)

    def completion_named(self, actual: Decimal, budget: Decimal, words: str,
                         section: str | None = None) -> str:
        """"完成年初预算的87.5%" / "完成全年预算数的…" (the baseline's own words)."""
        return f"完成{words}的" + self.completion_rate(actual, budget, section)

    def completion_rate(self, actual: Decimal, budget: Decimal, section: str | None = None) -> str:
        """Just the rate: "31.21%" (or the zero-base wording)."""
        if budget == 0:
            return self.style.zero_base_completion
        return self.percent(actual / budget, "完成率", section)

    def share(self, part: Decimal, whole: Decimal, section: str | None = None) -> str:
        """"43.5%" of the whole; a zero whole has no share (the reference prints 0%)."""
        if whole == 0:
            return self.style.zero_whole_share
        return self.percent(part / whole, "占比", section)

    def compare_word(self, a: Decimal, b: Decimal) -> str:
        """"大于" / "小于" / "等于" at display precision."""
        sa, sb = self.shown(a), self.shown(b)
        return "大于" if sa > sb else "小于" if sa < sb else "等于"
