"""Text fitting a typesetter would do by eye: estimated widths, balanced title lines, table
columns wide enough for their longest code or amount, header texts that break sensibly.

Widths are estimates in twips from the font size: a CJK character (and full-width punctuation)
is one em, a Latin letter or digit half an em (Times New Roman digits are exactly 0.5 em), thin
punctuation a quarter. They decide only where a line break goes or whether a size shrinks, so
a small error costs at most a slightly different break, never lost text.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

_THIN = set(",.:;'!|il ")
_DROP_THIN = str.maketrans(dict.fromkeys(_THIN))


@lru_cache(maxsize=8192)
def _ems(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    return 0.25 if ch in _THIN else 0.5


def char_width(ch: str, size_pt: float) -> float:
    """Twips for one character at `size_pt`."""
    return _ems(ch) * size_pt * 20


def text_width(text: str, size_pt: float) -> float:
    return sum(map(_ems, text)) * size_pt * 20


@lru_cache(maxsize=8192)
def lines_needed(text: str, size_pt: float, width: float, first_indent: float = 0) -> tuple[str, ...]:
    """The lines a greedy line breaker (Word, LibreOffice) makes of `text` in `width` twips;
    CJK text breaks anywhere, a run of Latin letters/digits only as a whole. Half an em is
    kept in hand: a line the estimate fills to the last twip may well wrap. (Cached: every
    department of a profile has the same titles and headers in the same widths.)"""
    width -= size_pt * 10
    lines: list[str] = []
    line, used, limit = "", 0.0, width - first_indent
    for token in _tokens(text):
        w = text_width(token, size_pt)
        if line and used + w > limit + 0.5:
            lines.append(line)
            line, used, limit = "", 0.0, width
        line += token
        used += w
    lines.append(line)
    return tuple(lines)


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: one CJK character, or a run of other characters (a code, an amount,
    a year) with the punctuation that may not start a line attached to what precedes it."""
    out: list[str] = []
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        if out and (ch in "，。、；：）”》％%" or (not wide and not _is_wide(out[-1][-1])
                                             and ch != " ")):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


@lru_cache(maxsize=4096)
def balanced(text: str, size_pt: float, width: float) -> str:
    """`text` with line breaks ("\\n") so that its lines are as even as possible, when it needs
    more than one line: a centred title never ends with one character alone. Breaks prefer
    the boundaries of a run of digits (…管理局 / 2020年度…) and even character positions
    (budget words are mostly two characters: 本年收入 / 合计)."""
    if "\n" in text:
        return text
    n = len(lines_needed(text, size_pt, width))
    if n < 2:
        return text
    tokens = _tokens(text)
    # Running totals over the tokens, of ems and of characters: a line's width is the
    # difference of two totals times the size, the same float as text_width of the line
    # (ems are multiples of a quarter, which floats add exactly in any order).
    ems, chars = [0.0], [0]
    for token in tokens:
        ems.append(ems[-1] + sum(map(_ems, token)))
        chars.append(chars[-1] + len(token))
    # What a break before token c adds to the score (the longest line's width)
    bonus = [0.0] * len(tokens)
    for c in range(1, len(tokens)):
        before, after = tokens[c - 1][-1], tokens[c][0]
        if before in "：:，、":
            bonus[c] = -(width / 2)  # after a colon: where a typesetter breaks
        elif _is_wide(before) != _is_wide(after):
            bonus[c] = -(width / 4)  # at a run of digits (a name, then the year)
        elif chars[c] % 2:
            bonus[c] = size_pt * 30  # inside a two-character word, most likely
    limit = width - size_pt * 10
    best: tuple[float, list[int]] | None = None
    for cuts in _cut_sets(len(tokens), n - 1):
        edges = [0, *cuts, len(tokens)]
        # (the widest line's width: the size times the most ems, as text_width of each line)
        score = max([ems[b] - ems[a] for a, b in zip(edges[:-1], edges[1:], strict=True)]) * size_pt * 20
        if score > limit:
            continue
        for c in cuts:  # the longest line as short as can be, breaking where a reader would
            score += bonus[c]
        if best is None or score < best[0]:
            best = (score, cuts)
    if best is None:
        return text
    cuts = best[1]
    return "\n".join("".join(tokens[a:b]) for a, b in zip([0, *cuts], [*cuts, len(tokens)],
                                                           strict=True))


def _cut_sets(count: int, k: int) -> list[list[int]]:
    if k == 1:
        return [[c] for c in range(1, count)]
    if k == 2 and count <= 80:
        return [[a, b] for a in range(1, count - 1) for b in range(a + 1, count)]
    step = count / (k + 1)
    return [[round(step * (i + 1)) for i in range(k)]]


def lone_last_character(text: str, size_pt: float, width: float, first_indent: float = 0) -> bool:
    lines = lines_needed(text, size_pt, width, first_indent)
    return len(lines) > 1 and len(lines[-1].strip()) == 1


def condensing(text: str, size_pt: float, width: float, first_indent: float = 0) -> int:
    """Character spacing (twentieths of a point, negative) that pulls a lone last character
    back onto the line before, if at most 1 pt per character does it; else 0."""
    n = len(lines_needed(text, size_pt, width, first_indent))
    for tighten in range(5, 21, 5):
        shrunk = size_pt - tighten / 20
        # condensed spacing narrows every character by the same amount
        if len(lines_needed(text, shrunk, width, first_indent)) < n:
            return -tighten
    return 0


def column_minimums(widest_by_column: list[float], size_pt: float, margin: int) -> list[int]:
    """Per column, the twips its widest unbreakable token (a 7-digit code, an amount: its
    `widest_token`, in ems) needs."""
    return [math.ceil(ems * size_pt * 20 + 2 * margin + size_pt * 2)  # + a little slack
            for ems in widest_by_column]


@lru_cache(maxsize=8192)
def widest_token(text: str) -> float:
    """The widest unbreakable piece of `text`, in ems."""
    if text.isascii():
        # (an amount or a code, most often) no wide character: the pieces are what lies
        # between spaces, each space starting the next; the same sum as below, made quicker
        return max((_ascii_ems(piece) + (0.25 if i else 0.0)
                    for i, piece in enumerate(text.split(" "))), default=0.0)
    return max((sum(map(_ems, t)) for t in _tokens(text)), default=0.0)


def _ascii_ems(text: str) -> float:
    thin = len(text) - len(text.translate(_DROP_THIN))
    return 0.5 * (len(text) - thin) + 0.25 * thin


def fit_columns(widths: list[int], need: list[int]) -> list[int] | None:
    """`widths` with every column raised to `need`, the difference taken from columns with room
    in proportion to their room; None if the total cannot hold every need."""
    total = sum(widths)
    if sum(need) > total:
        return None
    short = sum(max(0, n - w) for w, n in zip(widths, need, strict=True))
    if not short:
        return widths
    room = [max(0, w - n) for w, n in zip(widths, need, strict=True)]
    spare = sum(room)
    out = [max(w, n) for w, n in zip(widths, need, strict=True)]
    taken = [math.floor(short * r / spare) for r in room]
    out = [w - t for w, t in zip(out, taken, strict=True)]
    # rounding: the rest from the column with the most room left
    rest = sum(out) - total
    while rest > 0:
        i = max(range(len(out)), key=lambda j: out[j] - need[j])
        out[i] -= rest
        rest = sum(out) - total
    return out
