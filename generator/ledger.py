"""The ledger: every figure of a department-year, typed once, the rest derived.

Each figure has a key ("支出决算表.201.基本支出"), optionally a value the input states,
optionally a rule that derives it (a sum/difference of other figures), and optionally
further identities it must satisfy. Its value is the stated one when given (published
documents carry 尾数 that the officer must reproduce), else the derived one. `check()`
compares every stated value with its derivation and every identity, within tolerance.

Amounts are Decimal 元 throughout; the ledger never rounds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from .amounts import format_number
from .errors import Location, Problem, error, warning


class Term(NamedTuple):
    """Immutable; a tuple so that the ledger's thousands of terms per department are cheap to make."""

    sign: int  # +1 / -1
    ref: str | None  # a figure key, or None for a constant
    constant: Decimal = Decimal(0)
    label: str = ""  # how the term reads in a message: "基本支出", "201 一般公共服务支出"


class Expr(NamedTuple):
    terms: tuple[Term, ...]
    text: str = ""  # as written in the profile, for messages about the profile itself

    def refs(self) -> list[str]:
        return [t.ref for t in self.terms if t.ref]


_ZERO = Decimal(0)
_ONE, _WAN = Decimal(1), Decimal(10000)
_new = tuple.__new__  # a Term or Expr made without the Python-level __new__ (sum_of, per figure)


class ProfileFormulaError(ValueError):
    """A formula in a profile names a figure that does not exist (a profile bug)."""


class InvalidFigure(Exception):
    """A figure whose input could not be read (a bad amount, a merged cell, a missing sheet),
    or one derived from it: its problem is already reported, and a check that needs it is
    skipped rather than reporting the same mistake again as a mismatch."""


_SPLIT = re.compile(r"\s*([+\-])\s*")
_NUMBER = re.compile(r"\d+(\.\d+)?")


@lru_cache(maxsize=16384)
def _signed_tokens(text: str) -> tuple[tuple[int, str], ...]:
    """"a + b - c" → ((1, "a"), (1, "b"), (-1, "c")). Cached: every table cell and template
    call names its figure by text, and the same texts come back for every department."""
    out = []
    sign = 1
    for token in _SPLIT.split(" ".join(text.split())):
        if token == "":
            continue
        if token in "+-":
            sign = 1 if token == "+" else -1
            continue
        out.append((sign, token))
        sign = 1
    return tuple(out)


def parse_expr(text: str, resolve: Callable[[str], str | None]) -> Expr:
    """Parse "a + b - c" where each name is resolved to a figure key (or is a number)."""
    terms = []
    for sign, token in _signed_tokens(text):
        key = resolve(token)
        if key is not None:
            terms.append(_new(Term, (sign, key, _ZERO, token)))
        elif _NUMBER.fullmatch(token):
            terms.append(Term(sign, None, Decimal(token), label=token))
        else:
            raise ProfileFormulaError(f"公式“{text}”中的“{token}”不是已定义的数")
    if not terms:
        raise ProfileFormulaError(f"公式“{text}”是空的")
    return _new(Expr, (tuple(terms), text))


def sum_of(refs: list[tuple[str, str]]) -> Expr:
    """Σ of (key, label) pairs: how a parent row is derived from its children."""
    return _new(Expr, (tuple([_new(Term, (1, key, _ZERO, label)) for key, label in refs]), "合计"))


@dataclass(slots=True)  # hundreds per department: made without a __dict__
class Figure:
    key: str
    rule: Expr | None = None
    identities: list[Expr] = field(default_factory=list)
    stated: Decimal | None = None
    where: Location | None = None


@dataclass(frozen=True)
class Condition:
    name: str
    left: Expr
    op: str
    right: Expr


Describe = Callable[[str], tuple[str, str, str]]  # key → (table, row, column) in document words


_MAX_ZERO_ANSWERS = 50_000  # knows() answers kept per set of zero spaces: bounded
_MAX_SPACE_SETS = 64  # sets of zero spaces whose answers are kept (a profile has one per section added)


class Ledger:
    def __init__(self, tolerance_yuan: Decimal, unit: str,
                 zero_answers: dict[tuple[Callable[[str], bool], ...], dict[str, bool]] | None = None) -> None:
        self.figures: dict[str, Figure] = {}
        self.tolerance = tolerance_yuan
        self.unit = unit  # the input's unit, for messages
        # Keys that are implicitly zero: a code absent from a classified table has zero in
        # every column. Maps a key prefix ("支出决算表.") to the allowed final components.
        self.zero_spaces: list[Callable[[str], bool]] = []
        self.conditions: list[Condition] = []
        self._cache: dict[str, Decimal] = {}
        # knows() of keys outside `figures`, by the zero spaces asked: a space depends on the
        # profile alone (figures.py makes each once per profile), so its answers may be shared
        # by every department of the profile (`zero_answers`, held by the profile)
        self._zero_answers = {} if zero_answers is None else zero_answers
        self._in_space: dict[str, bool] = {}
        self._spaces_asked = 0
        self._busy: set[str] = set()
        self.spoiled: set[str] = set()  # keys and key prefixes whose input could not be read

    def spoil(self, key: str) -> None:
        """`key` (a figure, or a prefix: "支出决算表", "支出决算表.2010301") could not be read:
        its value and every value derived from it raise InvalidFigure."""
        self.spoiled.add(key)
        self._cache.clear()

    def _is_spoiled(self, key: str) -> bool:
        if key in self.spoiled:
            return True
        parts = key.split(".")
        return any(".".join(parts[:i]) in self.spoiled for i in range(1, len(parts)))

    # -- building -------------------------------------------------------------------------
    def define(self, key: str, rule: Expr | None = None) -> Figure:
        fig = self.figures.get(key)
        if fig is None:
            fig = self.figures[key] = Figure(key)
        if rule is not None:
            fig.rule = rule
        return fig

    def state(self, key: str, value: Decimal, where: Location) -> None:
        fig = self.define(key)
        fig.stated = value
        fig.where = where

    def knows(self, key: str) -> bool:
        if key in self.figures:
            return True
        # A key of an implicit zero is asked about several times per table cell (to parse,
        # to evaluate, to cite), and again by every department of the profile: the answer is
        # kept with the spaces it was given by.
        if len(self.zero_spaces) != self._spaces_asked:
            self._spaces_asked = len(self.zero_spaces)
            if len(self._zero_answers) >= _MAX_SPACE_SETS:
                self._zero_answers.clear()
            self._in_space = self._zero_answers.setdefault(tuple(self.zero_spaces), {})
        known = self._in_space.get(key)
        if known is None:
            if len(self._in_space) >= _MAX_ZERO_ANSWERS:
                self._in_space.clear()
            known = self._in_space[key] = any(space(key) for space in self.zero_spaces)
        return known

    # -- values ---------------------------------------------------------------------------
    def value(self, key: str) -> Decimal:
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if self.spoiled and self._is_spoiled(key):
            raise InvalidFigure(key)
        fig = self.figures.get(key)
        if fig is None:
            if self.knows(key):
                return _ZERO
            raise KeyError(key)
        if fig.stated is not None:
            result = fig.stated
        elif fig.rule is not None:
            result = self.evaluate(fig.rule, key)
        else:
            result = _ZERO  # a leaf the input left out: nothing happened
        self._cache[key] = result
        return result

    def evaluate(self, expr: Expr, owner: str = "") -> Decimal:
        if owner in self._busy:
            raise ProfileFormulaError(f"公式循环引用：{owner}")
        self._busy.add(owner)
        try:
            return self._total(expr.terms)
        finally:
            self._busy.discard(owner)

    def _total(self, terms: Iterable[tuple[int, str | None, Decimal, str]]) -> Decimal:
        """Σ sign × (figure or constant), in order; the one sum of every formula."""
        total = _ZERO
        value = self.value
        for sign, ref, constant, _ in terms:
            # total - x is total + (-1 × x) exactly (the sign flipped, nothing rounded)
            if sign > 0:
                total = total + (value(ref) if ref else constant)
            else:
                total = total - (value(ref) if ref else constant)
        return total

    def evaluate_text(self, text: str) -> Decimal:
        """`evaluate(parse_expr(text, …))` with each name a figure this ledger knows (or a
        number): the same value (the same sum, term by term), without building the expression
        each time: every table cell and template figure names its figures by text."""
        terms: list[tuple[int, str | None, Decimal, str]] = []
        for sign, token in _signed_tokens(text):
            if self.knows(token):
                terms.append((sign, token, _ZERO, token))
            elif _NUMBER.fullmatch(token):
                terms.append((sign, None, Decimal(token), token))
            else:
                terms = []
                break
        if not terms:  # an unknown name, or no name at all: parse_expr says which
            return self.evaluate(parse_expr(text, lambda t: t if self.knows(t) else None))
        return self._total(terms)

    def derived(self, key: str) -> Decimal | None:
        fig = self.figures.get(key)
        return self.evaluate(fig.rule, key) if fig and fig.rule else None

    # -- checking -------------------------------------------------------------------------
    def check(self, describe: Describe, locate: Callable[[str], Location]) -> list[Problem]:
        problems: list[Problem] = []

        def add(check: Callable[..., Problem | None], *args: object) -> None:
            try:
                p = check(*args)
            except InvalidFigure:  # a figure it needs could not be read: that problem is reported
                return
            if p:
                problems.append(p)

        for key, fig in self.figures.items():
            # An identity on a derived (unstated) figure only restates, summed, mismatches already
            # reported where they were typed: checking it would report one mistake twice.
            if fig.stated is None:
                continue
            if fig.rule is not None:
                add(self._compare, key, fig.stated, fig.rule, describe, fig.where or locate(key),
                    "填写的数与推算结果不符")
            for identity in fig.identities:
                add(self._compare_identity, key, identity, describe, fig.where or locate(key))
        for cond in self.conditions:
            add(self._condition, cond, describe, locate)
        return problems

    def _compare_identity(self, key: str, identity: Expr, describe: Describe, where: Location) -> Problem | None:
        return self._compare(key, self.value(key), identity, describe, where, "与下级科目之和不符")

    def _compare(self, key: str, found: Decimal, expr: Expr, describe: Describe,
                 where: Location, message: str) -> Problem | None:
        expected = self.evaluate(expr, key)
        diff = found - expected
        if diff == 0:
            return None
        table, row, column = describe(key)
        make = warning if abs(diff) <= self.tolerance else error
        hint = ("差额在尾数容差以内，按填写的数印出" if make is warning
                else "请核对这一格及公式中各数；如确为尾数差异，可在“勾稽容差”中放宽")
        return make("identity", message, location=where, table=table, row=row, column=column,
                    expected=f"{self.explain(expr)} = {self.fmt(expected)}",
                    found=self.fmt(found), difference=self.fmt(diff, signed=True), hint=hint)

    def _condition(self, cond: Condition, describe: Describe,
                   locate: Callable[[str], Location]) -> Problem | None:
        left = self.evaluate(cond.left)
        right = self.evaluate(cond.right)
        excess = {"<=": left - right, ">=": right - left, "=": abs(left - right)}[cond.op]
        if excess <= 0:
            return None
        key = next(iter(cond.left.refs() or cond.right.refs()), "")
        table, row, column = describe(key) if key else ("", "", "")
        make = warning if excess <= self.tolerance else error
        where = next((self.figures[k].where for k in cond.left.refs() + cond.right.refs()
                      if k in self.figures and self.figures[k].where), None) or locate(key)
        return make("condition", f"勾稽关系不成立：{cond.name}", location=where, table=table, row=row,
                    column=column,
                    expected=f"{self.explain(cond.left)} {cond.op} {self.explain(cond.right)}",
                    found=f"{self.fmt(left)} {cond.op} {self.fmt(right)} 不成立",
                    difference=self.fmt(excess))

    def explain(self, expr: Expr) -> str:
        shown = list(expr.terms)
        text = ""
        for i, t in enumerate(shown[:8]):
            value = self.value(t.ref) if t.ref else t.constant
            piece = f"{t.label} {self.fmt(value)}" if t.ref else self.fmt(value)
            text += (piece if i == 0 and t.sign > 0 else f" {'+' if t.sign > 0 else '-'} {piece}")
        if len(shown) > 8:
            text += f" + …（共{len(shown)}项）"
        return text

    def fmt(self, yuan: Decimal, signed: bool = False) -> str:
        value = yuan / (_WAN if self.unit == "万元" else _ONE)
        places = max(2, -value.normalize().as_tuple().exponent) if value else 2
        text = format_number(value, places=min(places, 6))
        if signed and yuan > 0:
            text = "+" + text
        return f"{text} {self.unit}"
