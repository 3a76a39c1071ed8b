"""Exact amounts: parsing what officers type, rounding half up, formatting for print.

Internally every amount is a `Decimal` in 元 (yuan). Input in 万元 is scaled exactly;
display rounds each figure on its own, half up (四舍五入), as accounting systems do.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

UNIT_SCALE = {"元": Decimal(1), "万元": Decimal(10000)}
# Larger than any department's budget by orders of magnitude (10^13 元 = 10 trillion);
# anything beyond is a typing accident, not a figure.
MAX_ABS_YUAN = Decimal(10) ** 13

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


class AmountError(ValueError):
    """The text is not an amount; the message is Chinese and shown to the officer."""


def parse_amount(raw: object) -> Decimal:
    """An amount as typed: 2627.63, "2,627.63", "２６２７．６３", " 2627.63 ".

    Floats never reach here: the YAML loader hands over the literal text of numbers.
    """
    if isinstance(raw, bool):
        raise AmountError("应为金额，实际为真/假值")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, float):
        # Only reachable from Excel cells: repr gives the shortest text that round-trips.
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().replace("，", ",").replace(" ", "")
        if text in ("", "-", "—"):
            raise AmountError("金额为空")
        if "," in text:
            if not _GROUPED.match(text):
                raise AmountError(f"“{raw}”的千分位逗号位置不对")
            text = text.replace(",", "")
        if not _NUMBER.match(text):
            raise AmountError(f"“{raw}”不是数字")
        value = Decimal(text)
    else:
        raise AmountError(f"应为金额，实际为{describe_type(raw)}")
    if not value.is_finite():
        raise AmountError("金额不能是无穷大或非数字（NaN）")
    return value


def to_yuan(value: Decimal, unit: str) -> Decimal:
    yuan = value * UNIT_SCALE[unit]
    if abs(yuan) > MAX_ABS_YUAN:
        raise AmountError(f"金额 {value} {unit} 大得不合理（超过 10 万亿元）")
    return yuan


def from_yuan(yuan: Decimal, unit: str, places: int = 2) -> Decimal:
    """The figure as printed in `unit`: rounded half up to `places` decimals."""
    return round_half_up(yuan / UNIT_SCALE[unit], places)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(9)}  # 1, 0.1, 0.01, …


def round_half_up(value: Decimal, places: int) -> Decimal:
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    return value.quantize(quantum, ROUND_HALF_UP)  # positional: the keyword costs as much as the rounding


def format_number(
    value: Decimal,
    places: int = 2,
    thousands: bool = True,
    strip_zeros: str = "保留",
) -> str:
    """Print an already-scaled figure.

    strip_zeros: "保留" keeps every decimal (84.50), "去除" drops trailing zeros
    (106.40 → 106.4, 763.00 → 763), "整数去除" drops them only when the figure is whole
    (26.00 → 26 but 84.50 stays).
    """
    q = round_half_up(value, places)
    if q == 0:
        q = abs(q)  # never print "-0.00"
    text = f"{q:,.{places}f}" if thousands else f"{q:.{places}f}"
    if places > 0 and "." in text:
        if strip_zeros == "去除":
            text = text.rstrip("0").rstrip(".")
        elif strip_zeros == "整数去除" and q == q.to_integral_value():
            text = text.split(".")[0]
    return text


def describe_type(raw: object) -> str:
    if isinstance(raw, dict):
        return "键值表（映射）"
    if isinstance(raw, list):
        return "列表"
    if isinstance(raw, str):
        return f"文字“{raw}”"
    if raw is None:
        return "空值"
    return type(raw).__name__

