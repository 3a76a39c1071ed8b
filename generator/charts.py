"""Charts: the figures behind a chart (from the ledger and baselines), drawn with matplotlib.

A chart is data first (`ChartData`: labels and amounts in 万元), so `check` can find a missing
last-year figure without drawing anything; `draw()` then makes PNG bytes that are identical for
identical data (fixed size and dpi, no software tag or date in the file).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from .baselines import comparison_known, comparison_value
from .document import Block, Figure, Heading, Part
from .errors import Location, Problem, error, warning
from .profiles import fill

if TYPE_CHECKING:
    from .compute import Prepared
    from .profiles import ChartSpec

DPI = 150
SIZE_INCHES = (6.4, 3.6)
WAN = Decimal(10000)
# Fonts tried in order; the official 仿宋/黑体 are rarely installed on servers, Noto CJK is.
CJK_FONT_NAMES = ("SimHei", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans CJK JP",
                  "Source Han Sans SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")
_PNG_METADATA = {"Software": None}


@dataclass(frozen=True)
class ChartData:
    kind: str  # 收支对比 / 支出结构 / 三公结构
    caption: str  # without the 图n prefix
    after: str  # heading text the chart follows
    labels: tuple[str, ...]
    values: tuple[Decimal, ...]  # 万元; for 收支对比: 本年收入, 上年收入, 本年支出, 上年支出


def chosen_charts(prepared: Prepared) -> list[ChartSpec]:
    wanted = prepared.report.charts
    if wanted is None:
        wanted = prepared.profile.model.default_charts
    specs = {s.kind: s for s in prepared.profile.model.charts}
    return [specs[k] for k in dict.fromkeys(wanted) if k in specs]


def chart_data(prepared: Prepared) -> tuple[list[ChartData], list[Problem]]:
    """The data of every chart the input asks for; errors for what is missing, warnings for
    charts that would show nothing (all amounts zero) and are therefore left out."""
    problems: list[Problem] = []
    out: list[ChartData] = []
    wanted = prepared.report.charts or []
    known = {s.kind for s in prepared.profile.model.charts}
    for kind in wanted:
        if kind not in known:
            problems.append(error("chart-unknown", f"模板“{prepared.profile.model.name}”没有定义图表“{kind}”",
                                  location=prepared.source.loc(("图表",))))
    names = prepared.profile.placeholders(prepared.report.department)
    for spec in chosen_charts(prepared):
        caption = fill(spec.caption, names)
        data = _data(prepared, spec, caption, problems)
        if data is None:
            continue
        if not any(data.values):
            problems.append(warning("chart-empty", f"图表“{spec.kind}”的各项金额均为 0，未绘制该图",
                                    location=prepared.source.loc(("图表",))
                                    if prepared.report.charts is not None else Location(file=prepared.source.file)))
            continue
        out.append(data)
    return out, problems


def _data(prepared: Prepared, spec: ChartSpec, caption: str, problems: list[Problem]) -> ChartData | None:
    ledger, comparisons = prepared.figures.ledger, prepared.profile.model.comparisons
    named = spec.income + spec.expenditure if spec.kind == "收支对比" else spec.items
    unknown = [i for i in named if not comparison_known(ledger, comparisons, i)]
    if unknown:
        problems.append(error("chart-item", f"图表“{spec.kind}”中的“{'、'.join(unknown)}”不是本模板的比较项或已定义的数",
                              location=Location(file=prepared.profile.file)))
        return None

    def now(item: str) -> Decimal:
        return comparison_value(ledger, comparisons, item)

    if spec.kind == "收支对比":
        last = {i: prepared.last_year.get(i, comparisons) for i in named}
        missing = [i for i, v in last.items() if v is None]
        if missing:
            problems.append(error("chart-baseline", f"图表“收支对比”需要上年数“{'、'.join(missing)}”，但输入中没有",
                                  location=Location(file=prepared.source.file),
                                  hint="请在“上年数”中补上，或从“图表”中去掉“收支对比”"))
            return None
        values = (sum((now(i) for i in spec.income), Decimal(0)),
                  sum((last[i] or Decimal(0) for i in spec.income), Decimal(0)),
                  sum((now(i) for i in spec.expenditure), Decimal(0)),
                  sum((last[i] or Decimal(0) for i in spec.expenditure), Decimal(0)))
        return ChartData(spec.kind, caption, spec.after, ("本年收入", "上年收入", "本年支出", "上年支出"),
                         tuple(v / WAN for v in values))
    if spec.kind == "支出结构":
        section, column = spec.section or "", spec.column or ""
        rows = prepared.figures.rows.get(section)
        if rows is None:
            return None
        classes = [c for c in rows.names if len(c) == 3]
        pairs = [(f"{rows.names[c]}", ledger.value(f"{section}.{c}.{column}")) for c in classes]
        pairs = [(n, v) for n, v in pairs if v != 0]
        return ChartData(spec.kind, caption, spec.after, tuple(n for n, _ in pairs),
                         tuple(v / WAN for _, v in pairs))
    pairs = [(i, now(i)) for i in spec.items]
    pairs = [(n, v) for n, v in pairs if v != 0]
    return ChartData(spec.kind, caption, spec.after, tuple(n for n, _ in pairs),
                     tuple(v / WAN for _, v in pairs))


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Path of an installed CJK font matplotlib can use, or None."""
    from matplotlib import font_manager  # lazy: matplotlib only when a chart is drawn (start-up)

    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    for name in CJK_FONT_NAMES:
        if name in by_name:
            return by_name[name]
    for path in sorted(font_manager.findSystemFonts()):
        if re.search(r"(?i)(NotoSansCJK|NotoSerifCJK|wqy|SourceHanSans|simhei|msyh)", path):
            return path
    return None


def font_problem() -> Problem | None:
    if cjk_font() is None:
        return warning("chart-font", "未找到中文字体（如 Noto Sans CJK），图表中的中文可能显示为方框",
                       hint="Debian/Ubuntu 可安装 fonts-noto-cjk，见 docs/PDF与字体.md")
    return None


def draw(data: ChartData) -> bytes:
    """PNG bytes, identical for identical data."""
    import matplotlib  # lazy: matplotlib only when a chart is drawn (start-up)

    matplotlib.use("Agg", force=True)  # lazy: the imports below need the backend chosen first
    from matplotlib import font_manager
    from matplotlib.figure import Figure as MplFigure

    path = cjk_font()
    font = font_manager.FontProperties(fname=path) if path else font_manager.FontProperties()
    fig = MplFigure(figsize=SIZE_INCHES, dpi=DPI)
    # A pie leaves the right half of the picture to its legend (labels are long Chinese names).
    ax = fig.add_subplot() if data.kind == "收支对比" else fig.add_axes((0.02, 0.04, 0.42, 0.92))
    values = [float(v) for v in data.values]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs: reported once as chart-font instead
        if data.kind == "收支对比":
            colors = ["#2f5597", "#9dc3e6", "#c55a11", "#f4b183"]
            bars = ax.bar(range(4), values, color=colors, width=0.6)
            ax.set_xticks(range(4))
            ax.set_xticklabels(data.labels, fontproperties=font)
            ax.set_ylabel("万元", fontproperties=font)
            for bar, v in zip(bars, values, strict=True):
                ax.annotate(f"{v:,.2f}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                            ha="center", va="bottom", fontsize=8)
            ax.spines[["top", "right"]].set_visible(False)
            ax.margins(y=0.15)
        else:
            total = sum(values)
            wedges, _ = ax.pie(values, startangle=90, counterclock=False,
                               wedgeprops={"linewidth": 0.8, "edgecolor": "white"})
            labels = [f"{n}  {v:,.2f}万元（{v / total:.1%}）" for n, v in
                      zip(data.labels, values, strict=True)]
            small = font_manager.FontProperties(fname=path, size=8) if path else \
                font_manager.FontProperties(size=8)
            fig.legend(wedges, labels, prop=small, loc="center left", bbox_to_anchor=(0.46, 0.5),
                       frameon=False)
            ax.set_aspect("equal")
        if data.kind == "收支对比":
            fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata=_PNG_METADATA)
    return buffer.getvalue()


def with_figures(parts: tuple[Part, ...], charts: list[ChartData]) -> tuple[Part, ...]:
    """The parts with each chart placed at the end of the 情况说明 section whose heading
    contains its 位置 (or at the end of 情况说明), numbered 图1, 图2, … in document order."""
    if not charts:
        return parts
    out = []
    for part in parts:
        if not part.has("情况说明"):
            out.append(part)
            continue
        blocks: list[Block | ChartData] = list(part.blocks)
        for chart in charts:
            at = _position(blocks, chart.after)
            blocks.insert(at, chart)
        numbered: list[Block] = []
        n = 0
        for b in blocks:
            if isinstance(b, ChartData):
                n += 1
                numbered.append(Figure(png=draw(b), caption=f"图{n} {b.caption}"))
            else:
                numbered.append(b)
        out.append(Part(part.key, part.heading, tuple(numbered), part.holds))
    return tuple(out)


def _position(blocks: list[Block | ChartData], after: str) -> int:
    for i, b in enumerate(blocks):
        if isinstance(b, Heading) and after in b.text:
            for j in range(i + 1, len(blocks)):
                nxt = blocks[j]
                if isinstance(nxt, Heading) and nxt.level <= b.level:
                    return j
            return len(blocks)
    return len(blocks)
