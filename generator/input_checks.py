"""Checks on the input as a whole that no single field's validation sees: a table section
left empty, figures implausible for the stated unit, totals typed without the figures that
make them up. Each returns problems; none raises."""

from __future__ import annotations

from .errors import Problem, warning
from .load import Source
from .profiles import Profile


def empty_sections(profile: Profile, source: Source) -> list[Problem]:
    """`支出决算表:` with nothing under it: the table would print as all zeros ("其中本年支出0万元")."""
    out = []
    for name in profile.model.data:
        if name in source.data and source.data[name] in (None, {}, [], ""):
            table = profile.table_for_section(name)
            out.append(warning("empty-section", f"“{name}”下没有填写任何数，{table}按没有数据处理",
                               location=source.loc((name,)), table=table,
                               hint="如果本表有数，请在这一行下面逐行填写；本表确实没有数据时，可删去这一行"))
    return out


