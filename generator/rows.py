"""The rows of a table, for templates: `{% for 项 in 行("一般公共预算财政拨款支出决算表", 级="项") %}`.

A per-项 (or per-类) paragraph is then a few template lines that work for every department:
the rows come from the department's own table, the names from the catalogue (or the input's
科目名称), the comparison figures from the baselines by 科目 code (上年数, 年初预算数 …,
narrative.py), the reasons and purposes from 变动原因 / 用途 by code. Every amount a row prints
is cited (verify.py checks it against the table cell it comes from).

Each row answers, by its Chinese name (docs/模板配置.md lists them):
  编码 名称 全称 级 上级 子行 文字(字段)                     what the row is
  值(列) 金额(列) 数(列) 非零(列)                             this year's figure
  占(分母, 列)                                                share of 合计 / 类 / 款 / 上级 / any figure
  比上年(列, 措辞) 比(基准, 列, 措辞) 上年(列) 基准(名, 列) 基准金额(名, 列)   against a baseline
  完成(基准, 列, 措辞) 完成率(基准, 列)                        completion of a budget baseline
  原因(前缀) 用途(前缀) 说明()                                 the department's words for the code
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import jinja2

from .profiles import LAST_YEAR

Narrative = Any  # narrative.Narrative, which imports this module

LEVELS = {"类": 3, "款": 5, "项": 7}
ECON_LEVELS = {"类": 3, "款": 5}
TOTAL = "合计"


class TemplateVocabularyError(ValueError):
    """A template asked for something the vocabulary does not have (a baseline, a table, a
    column); text.py reports it in Chinese at the template's file and line."""


def sentence(text: str) -> str:
    """A reason as a sentence: ends with one full stop, never "。。"."""
    text = text.rstrip("。；;，, ")
    return text + "。" if text else ""


class _Vocabulary:
    """Chinese attribute names for templates, mapped to the English methods below. An unknown
    name raises AttributeError, which Jinja turns into an undefined value (a located error)."""

    WORDS: dict[str, str] = {}

    def __getattr__(self, name: str) -> Any:
        english = type(self).WORDS.get(name)
        if english is None:
            raise AttributeError(name)
        return getattr(self, english)


class Row(_Vocabulary):
    WORDS = {
        "编码": "code", "名称": "name", "全称": "full_name", "级": "level", "上级": "parent", "子行": "children",
        "文字": "text", "值": "value", "金额": "amount", "数": "number", "非零": "nonzero", "占": "share",
        "比上年": "vs_last_year", "比": "vs", "上年": "last_year", "基准": "baseline",
        "基准金额": "baseline_amount", "完成": "completion", "完成率": "completion_rate", "原因": "reason",
        "用途": "purpose", "说明": "note", "有基准": "has_baseline",
    }

    def __init__(self, table: TableRows, code: str, texts: dict[str, str] | None = None) -> None:
        self.table = table
        self.code = code
        self.texts = texts or {}

    def __repr__(self) -> str:
        return f"Row({self.table.section}.{self.code})"

    # -- what the row is ------------------------------------------------------------------
    @property
    def name(self) -> str:
        if self.table.form == "列表":
            return next(iter(self.texts.values()), "")
        return self.table.names.get(self.code, "")

    @property
    def level(self) -> str:
        if self.table.form == "列表":
            return ""
        levels = ECON_LEVELS if self.table.form == "经济分类" else LEVELS
        return next((k for k, n in levels.items() if n == len(self.code)), "")

    @property
    def full_name(self) -> str:
        """"一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）"."""
        if self.table.form != "功能分类":
            return self.name
        parts = [self.table.names.get(self.code[:n], "") + f"（{lv}）"
                 for lv, n in LEVELS.items() if n <= len(self.code)]
        return "".join(parts)

    @property
    def parent(self) -> Row | None:
        if self.table.form == "列表" or len(self.code) <= 3:
            return None
        return Row(self.table, self.code[:-2])

    @property
    def children(self) -> list[Row]:
        width = len(self.code) + 2
        return self.table.select([c for c in self.table.codes if len(c) == width and c.startswith(self.code)])

    def text(self, field: str) -> str:
        return self.texts.get(field, "")

    # -- figures --------------------------------------------------------------------------
    def key(self, column: str | None = None) -> str:
        return self.table.key(self.code, column)

    def value(self, 列: str | None = None) -> Decimal:
        return self.table.narrative.value(self.key(列))

    def amount(self, 列: str | None = None) -> str:
        n = self.table.narrative
        v = self.value(列)
        n.cite(self.key(列), n.phrases.number(v))
        return n.phrases.amount(v)

    def number(self, 列: str | None = None) -> str:
        n = self.table.narrative
        v = self.value(列)
        n.cite(self.key(列), n.phrases.number(v))
        return n.phrases.number(v)

    def nonzero(self, 列: str | None = None) -> bool:
        return self.value(列) != 0

    def share(self, 分母: Any = TOTAL, 列: str | None = None) -> str:
        """Share of 合计 (the table's total row), of 类 / 款 / 上级 (an ancestor row), or of any
        figure (a comparison item, a ledger key or expression)."""
        n = self.table.narrative
        ref = self.table.whole(self.code, 分母, 列)
        part, whole = self.value(列), n.value(ref)
        return n.percent(lambda: n.phrases.share(part, whole, self.table.section_word),
                         "ratio", self.key(列), part, ref, whole)

    # -- against baselines ----------------------------------------------------------------
    def vs_last_year(self, 列: str | None = None, 措辞: str | None = None) -> str:
        return self.vs(LAST_YEAR, 列, 措辞)

    def vs(self, 基准: str = LAST_YEAR, 列: str | None = None, 措辞: str | None = None) -> str:
        return self.table.narrative.change(self.key(列), 基准, 措辞, self.table.section_word)

    def last_year(self, 列: str | None = None) -> Decimal:
        return self.baseline(LAST_YEAR, 列)

    def baseline(self, 名: str, 列: str | None = None) -> Decimal:
        return self.table.narrative.base(名, self.key(列))

    def has_baseline(self, 名: str, 列: str | None = None) -> bool:
        return self.table.narrative.has_base(名, self.key(列))

    def baseline_amount(self, 名: str = LAST_YEAR, 列: str | None = None) -> str:
        n = self.table.narrative
        return n.phrases.amount(self.baseline(名, 列))

    def completion(self, 基准: str | None = None, 列: str | None = None, 措辞: str | None = None) -> str:
        n = self.table.narrative
        return n.completion_of(self.key(列), 基准 or self.table.default_budget, 措辞, self.table.section_word)

    def completion_rate(self, 基准: str | None = None, 列: str | None = None) -> str:
        n = self.table.narrative
        return n.completion_rate_of(self.key(列), 基准 or self.table.default_budget, self.table.section_word)

    # -- the department's words -----------------------------------------------------------
    def _text_for(self, texts: dict[str, str]) -> str:
        for key in (f"{self.table.section}.{self.code}", self.code):
            if texts.get(key, "").strip():
                return texts[key].strip()
        return ""

    def reason(self, 前缀: str = "主要变动情况：") -> str:
        text = self._text_for(self.table.narrative.texts.reasons)
        return f"{前缀}{sentence(text)}" if text else ""

    def purpose(self, 前缀: str = "主要用于") -> str:
        text = self._text_for(self.table.narrative.texts.purposes)
        if not text:
            return ""
        return sentence(text if text.startswith(前缀) else 前缀 + text)

    def note(self) -> str:
        return sentence(self._text_for(self.table.narrative.texts.notes))


class TableRows:
    """One data section's rows as the narrative sees them."""

    def __init__(self, narrative: Narrative, section: str, column: str | None, section_word: str | None) -> None:
        profile = narrative.profile
        self.narrative = narrative
        data = profile.model.data if profile is not None else {}
        if section not in data:  # a table's title names its data section
            by_title = {t.title: t.data for t in profile.model.tables if t.data} if profile is not None else {}
            section = by_title.get(section, section)
        if section not in data or data[section].form == "项目":
            usable = [n for n, s in data.items() if s.form != "项目"]
            raise TemplateVocabularyError(f"行(…)：没有名为“{section}”的科目表或列表，可用：" + "、".join(usable))
        self.section = section
        self.spec = data[section]
        self.form = self.spec.form
        self.section_word = section_word
        columns = list(self.spec.columns)
        if column is not None and self.form != "经济分类" and column not in columns:
            raise TemplateVocabularyError(f"行(…)：“{section}”没有列“{column}”，可用：" + "、".join(columns))
        self.column = column or (columns[0] if columns else None)
        self.default_budget = narrative.default_budget
        if self.form == "列表":
            records = [r for g in narrative.figures.lists.get(section, []) for r in g.records]
            self.codes = [r.key.split(".")[-1] for r in records]
            self.records = {r.key.split(".")[-1]: r.texts for r in records}
            self.names: dict[str, str] = {}
        else:
            rows = narrative.figures.rows.get(section)
            self.codes = list(rows.codes) if rows else []
            self.names = dict(rows.names) if rows else {}
            self.records = {}

    def key(self, code: str, column: str | None = None) -> str:
        if self.form == "经济分类":
            return f"{self.section}.{code}"
        column = column or self.column
        if column not in self.spec.columns:
            raise TemplateVocabularyError(f"“{self.section}”没有列“{column}”，可用：" + "、".join(self.spec.columns))
        return f"{self.section}.{code}.{column}"

    def select(self, codes: list[str], zero: bool | None = None) -> list[Row]:
        """Rows in table order; a row zero this year and in every baseline is left out unless
        the style (列出零值科目) or the call (零值=true) lists it."""
        n = self.narrative
        keep_zero = n.phrases.style.zero_rows if zero is None else zero
        out = []
        for code in codes:
            row = Row(self, code, self.records.get(code))
            if keep_zero or row.value() != 0 or any(
                    (b.get(row.key(), n.comparisons) or 0) != 0 for b in n.baselines.values()):
                out.append(row)
        return out

    def level_codes(self, level: str | None) -> list[str]:
        if self.form == "列表" or level is None:
            return self.codes
        levels = ECON_LEVELS if self.form == "经济分类" else LEVELS
        if level not in levels:
            raise TemplateVocabularyError("行(…)：级应为" + "、".join(levels) + f"之一，实际为“{level}”")
        return [c for c in self.codes if len(c) == levels[level]]

    def whole(self, code: str, whole: Any, column: str | None) -> Any:
        """The figure a share of row `code` is taken of, as the narrative's value() reads it
        (a ledger key, a comparison item or an expression)."""
        n = self.narrative
        if isinstance(whole, Row):
            return whole.key(column)
        if whole == TOTAL:
            if self.form == "经济分类":
                raise TemplateVocabularyError("经济分类表的占比请写明分母（如 占(\"人员经费合计\")）")
            return f"{self.section}.{TOTAL}.{column or self.column}"
        if whole in ("类", "款", "上级"):
            width = {"类": 3, "款": 5, "上级": len(code) - 2}[whole]
            if width < 3 or width >= len(code):
                raise TemplateVocabularyError(f"{code} 没有“{whole}”级的上级科目")
            return self.key(code[:width], column)
        if isinstance(whole, str) and n.ledger.knows(f"{self.section}.{whole}"):
            return f"{self.section}.{whole}"
        return whole


def row_functions(narrative: Narrative) -> dict[str, Any]:
    @jinja2.pass_context
    def rows(ctx: jinja2.runtime.Context, 表: str, 级: str | None = None, 列: str | None = None,
             零值: bool | None = None) -> list[Row]:
        """`行("支出决算表", 级="项", 列="项目支出")`: the table's rows of that level (all
        levels when 级 is left out) in table order."""
        section = ctx.get("节")
        table = TableRows(narrative, 表, 列, str(section) if section else None)
        return table.select(table.level_codes(级), 零值)

    def row(表: str, 编码: Any, 列: str | None = None) -> Row:
        """One row by its code: `科目行("支出决算表", 2010301)`."""
        table = TableRows(narrative, 表, 列, None)
        code = str(编码)
        if code not in table.codes:
            raise TemplateVocabularyError(f"“{table.section}”中没有科目 {code}")
        return Row(table, code, table.records.get(code))

    return {"行": rows, "科目行": row}
