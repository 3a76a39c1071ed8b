"""Templates → blocks: the Jinja environment and the line markup the templates write.

Templates are plain text: a line starting with "# ", "## " or "### " is a heading of that
level, every other non-empty line is a paragraph. Jinja runs with StrictUndefined, so a
missing value stops the run with the template's name and line instead of printing a blank.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from .document import Block, Heading, Paragraph
from .errors import Location, UserError, error
from .ledger import ProfileFormulaError
from .tables import chinese_number

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
# What must never reach a published document (domain notes §7).
_RESIDUE = [
    (re.compile(r"增加（减少）|减少（增加）|增长（下降）|下降（增长）"), "模板备选词残留"),
    (re.compile(r"None|nan|NaN|\{\{|\}\}|\{%|%\}|XX|待填"), "占位符残留"),
    (re.compile(r"原因是[。；，]|情况：[。；，]"), "原因为空"),
    (re.compile(r"([。，；：、！？])\1"), "标点重复"),
]


def environment(templates_dir: Path, bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=bytecode_cache,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is plain text, escaped by the writers
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["中文数字"] = chinese_number  # 12 → 十二
    env.filters["中文序号"] = chinese_ordinal  # 12 → （十二）
    return env


@lru_cache(maxsize=8)
def shared_environment(templates_dir: Path) -> jinja2.Environment:
    """One environment per templates folder for the whole process, so each template is
    compiled once rather than once per document (compiling was most of the narrative's cost).
    Jinja's own cache reloads a template whose file has changed. Never add per-document
    values to its globals: pass them in the render context (`render_template(…, context)`)."""
    return environment(templates_dir, _bytecode_cache())


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A cache that cannot be written (a full disk, a read-only temp folder) costs only the
    speed-up, never the run."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's own cache of compiled templates, in a private folder of the system temp
    directory: a fresh process (every command) then skips compiling the narrative templates
    (~25 ms). Entries are keyed by the template's file name and checked against a hash of its
    source, so an edited template is compiled again."""
    try:
        return _QuietBytecodeCache()
    except (OSError, RuntimeError):  # no safe temp folder: compile every time, as before
        return None


def chinese_ordinal(n: int) -> str:
    """The "（一）" numbering of level-2 items: 1 → （一）, 12 → （十二）."""
    return f"（{chinese_number(int(n))}）"


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateNotFound as e:
        raise UserError([error("template-missing", f"找不到模板文件 {name}",
                               location=Location(file=name))]) from e
    except jinja2.UndefinedError as e:
        line = _template_line(e)
        raise UserError([error("template-undefined", f"模板用到了没有的数据：{e.message}",
                               location=Location(file=name, line=line),
                               hint="请检查输入是否缺少该项，或模板是否写错了名称")]) from e
    except ProfileFormulaError as e:
        raise UserError([error("template-figure", f"模板引用的数有误：{e}",
                               location=Location(file=name, line=_template_line(e)),
                               hint="请检查模板中引用的表名、行和列名称")]) from e
    except jinja2.TemplateSyntaxError as e:
        raise UserError([error("template-syntax", f"模板语法错误：{e.message}",
                               location=Location(file=e.filename or name, line=e.lineno))]) from e


def _template_line(e: BaseException) -> int | None:
    tb = e.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def blocks_from_markup(text: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = _HEADING.match(line)
        if m:
            blocks.append(Heading(len(m.group(1)), m.group(2).strip()))
        else:
            blocks.append(Paragraph(line))
    return blocks


def residue_problems(blocks: list[Block], where: str) -> list[str]:
    """Sentences that show template residue; returned as messages (a generation bug)."""
    found = []
    for b in blocks:
        text = getattr(b, "text", "")
        for pattern, what in _RESIDUE:
            m = pattern.search(text)
            if m:
                found.append(f"{where}：{what}“{m.group(0)}”出现在：{text[:60]}")
    return found
