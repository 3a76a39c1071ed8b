"""Everything a user can cause is a `Problem`: located, explained in Chinese, never a traceback.

Checks collect problems instead of raising on the first one, so an officer gets every
problem in one run. `UserError` carries them to the one place (cli.py) that prints them
and chooses the exit code.
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

Severity = Literal["错误", "警告"]


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file and line/column (YAML) or sheet!cell (Excel)."""

    file: str = ""
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    sheet: str = ""
    cell: str = ""

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"{self.sheet}!{self.cell}" if self.cell else self.sheet)
        elif self.line is not None:
            parts.append(f"第{self.line}行" + (f"第{self.column}列" if self.column else ""))
        return " ".join(parts)

    def sort_key(self) -> tuple[str, str, int, int, str]:
        return (self.file, self.sheet, self.line or 0, self.column or 0, self.cell)


@dataclass(frozen=True)
class Problem:
    code: str  # stable identifier for machines, e.g. "identity", "unknown-key"
    severity: Severity
    message: str  # what is wrong, in Chinese
    location: Location = field(default_factory=Location)
    table: str = ""  # in the document's own words: "表2 收入决算表"
    row: str = ""  # "2010301 行政运行", "合计"
    column: str = ""  # "财政拨款收入"
    expected: str = ""
    found: str = ""
    difference: str = ""
    hint: str = ""

    def render(self) -> str:
        where = str(self.location)
        head = f"[{self.severity}] " + (f"{where}：" if where else "")
        what = "，".join(x for x in (self.table, self.row and f"行“{self.row}”",
                                      self.column and f"列“{self.column}”") if x)
        lines = [head + (f"{what}：" if what else "") + self.message]
        if self.expected:
            lines.append(f"    应为：{self.expected}")
        if self.found:
            lines.append(f"    实际：{self.found}")
        if self.difference:
            lines.append(f"    差额：{self.difference}")
        if self.hint:
            lines.append(f"    提示：{self.hint}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["location"] = {k: v for k, v in asdict(self.location).items() if v not in ("", None)}
        return d


class UserError(Exception):
    """Problems the user can fix; carries every problem found, errors and warnings alike."""

    def __init__(self, problems: list[Problem], nothing_written: bool = True, notes: Iterable[str] = ()):
        super().__init__("\n".join(p.render() for p in problems))
        self.problems = sorted_problems(problems)
        self.nothing_written = nothing_written  # said to the user: "未生成任何文件"
        # said after the problems, as a passing check says them: the unit the figures were read in
        self.notes: list[str] = list(notes)


@contextmanager
def noted(*notes: str) -> Iterator[None]:
    """Any UserError raised inside carries `notes` too: a stage that knows the unit says it
    with every failure after it ("金额单位：万元（未填写，按默认）")."""
    try:
        yield
    except UserError as e:
        e.notes += [n for n in notes if n not in e.notes]
        raise


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.location.sort_key(), p.table, p.row, p.column))


def as_errors(problems: list[Problem]) -> list[Problem]:
    """--strict: every warning counts as an error."""
    return [replace(p, severity="错误") for p in problems]


def error(code: str, message: str, **kw: object) -> Problem:
    return Problem(code=code, severity="错误", message=message, **kw)  # type: ignore[arg-type]


def warning(code: str, message: str, **kw: object) -> Problem:
    return Problem(code=code, severity="警告", message=message, **kw)  # type: ignore[arg-type]


_OS_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EEXIST: "已存在同名文件",
    errno.EINVAL: "文件名无效",
}


def os_reason(e: OSError) -> str:
    """An operating-system error in Chinese (the system's own text may be English)."""
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM):
        return "没有权限"
    return _OS_REASONS.get(e.errno or 0, f"系统错误，代码 {e.errno}" if e.errno else "系统错误")


class Problems:
    """A collector: checks add to it; `raise_if_errors` stops the run once, with everything."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "错误"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "警告"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise UserError(self.items)


SHOWN_NAMES = 5


def a_few(word: str, names: Iterable[str], n: int = SHOWN_NAMES) -> str:
    """For a hint: all the names if they are few, else the few nearest to `word` and how many
    there are (a hint listing every item name once ran to 45,000 characters)."""
    names = list(dict.fromkeys(names))
    if len(names) <= n:
        return "、".join(names)
    return "、".join(difflib.get_close_matches(word, names, n=n, cutoff=0)) + f" 等（共 {len(names)} 项）"
