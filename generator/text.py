"""Templates → blocks: the Jinja environment and the line markup the templates write.

Templates are plain text: a line starting with "# ", "## " or "### " is a heading of that
level, every other non-empty line is a paragraph. Jinja runs with StrictUndefined, so a
missing value stops the run with the template's name and line instead of printing a blank.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from types import FunctionType, MethodType
from typing import Any

import jinja2
from jinja2.utils import internalcode

from .document import Block, Heading, Paragraph
from .errors import Location, UserError, error
from .ledger import ProfileFormulaError
from .rows import TemplateVocabularyError
from .tables import chinese_number

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
# What must never reach a published document (domain notes §7).
_RESIDUE = [
    (re.compile(r"增加（减少）|减少（增加）|增长（下降）|下降（增长）"), "模板备选词残留"),
    (re.compile(r"None|nan|NaN|\{\{|\}\}|\{%|%\}|XX|待填"), "占位符残留"),
    (re.compile(r"原因是[。；，]|情况：[。；，]"), "原因为空"),
    (re.compile(r"([。，；：、！？])\1"), "标点重复"),
]
_DOUBLED = "。，；：、！？"  # the punctuation the last pattern finds doubled
# Whether any of _RESIDUE matches, in one pass over the text (nearly every sentence is clean): the
# first three patterns as they are, the doubled punctuation spelt out (a backreference is slow).
_ANY_RESIDUE = re.compile("|".join([*(p.pattern for p, _ in _RESIDUE[:3]), *(c + c for c in _DOUBLED)]))


_DICT_ATTRIBUTES = frozenset(dir(dict))  # what getattr finds on a plain dict (its type's, object's)


class _Context(jinja2.runtime.Context):
    """Jinja's Context, calling a plain function or method (every template function but the few
    marked pass_context) straight away: what `Context.call` does for one (it takes nothing from
    the context: the _loop_vars/_block_vars arguments dropped, a StopIteration answered with an
    undefined value), without its attribute lookups that fail, one exception each, every call."""

    @internalcode
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own signature
        function = __obj.__func__ if type(__obj) is MethodType else __obj
        if type(function) is not FunctionType or "jinja_pass_arg" in function.__dict__:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


class _Environment(jinja2.Environment):
    """Jinja's Environment, `x.名称` of a plain dict (the input's data) read as its key without
    first failing as an attribute: what `Environment.getattr` gives (an attribute of dict itself,
    such as `items`, still wins), with one exception fewer per lookup."""

    context_class = _Context

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def environment(templates_dir: Path, bytecode_cache: jinja2.BytecodeCache | None = None,
                cls: type[jinja2.Environment] = _Environment) -> jinja2.Environment:
    env = cls(
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


def _undecodable(env: jinja2.Environment, name: str) -> str:
    """Which template file is not UTF-8 (`name` itself, or one it includes or imports)."""
    folders = [Path(p) for p in getattr(env.loader, "searchpath", [])]
    for folder in folders:
        candidates = [folder / name, *sorted(folder.rglob("*.j2"))]
        for path in candidates:
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                return str(path)
            except OSError:
                continue
    return name


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


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any],
                    named_at: Location | None = None) -> str:
    """Render one template; any fault is reported in Chinese at the template file and line
    where it happened (an included template or imported macro names its own file). A missing
    template itself is reported where the profile names it (`named_at`)."""
    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateNotFound as e:
        missing = e.name if e.name and e.name != name else name
        itself = missing == name and named_at is not None
        raise UserError([error("template-missing", f"找不到模板文件 {missing}",
                               location=named_at if itself else _where(e, name, env),
                               expected=f"模板文件夹 {_folder(env)} 中的文件" if itself else "")]) from e
    except jinja2.UndefinedError as e:
        m = re.match(r"^'([^']+)' is undefined$", e.message or "")
        hint = ("在被导入的宏里使用模板函数时，请写 {% from \"…\" import … with context %}"
                if m and m.group(1) in context else
                "请检查输入是否缺少该项，或模板是否写错了名称（可用的写法见 docs/模板配置.md）")
        raise UserError([error("template-undefined", f"模板用到了没有的数据：{undefined_message(e.message)}",
                               location=_where(e, name, env), hint=hint)]) from e
    except ProfileFormulaError as e:
        raise UserError([error("template-figure", f"模板引用的数有误：{e}", location=_where(e, name, env),
                               hint="请检查模板中引用的表名、行和列名称")]) from e
    except TemplateVocabularyError as e:
        raise UserError([error("template-vocabulary", f"模板写法有误：{e}", location=_where(e, name, env),
                               hint="可用的写法见 docs/模板配置.md")]) from e
    except jinja2.TemplateSyntaxError as e:  # TemplateAssertionError too (an unknown filter or test)
        raise UserError([error("template-syntax", f"模板语法错误：{syntax_message(e.message)}",
                               location=Location(file=_relative(e.filename, env) or e.name or name,
                                                 line=e.lineno), hint=_SYNTAX_HINT)]) from e
    except UnicodeDecodeError as e:
        raise UserError([error("template-encoding", "模板文件不是 UTF-8 编码，无法读取",
                               location=Location(file=_undecodable(env, name)),
                               hint="请用记事本或 VS Code 打开这个模板，“另存为”时编码选 UTF-8")]) from e
    except UserError:
        raise
    except jinja2.TemplateError as e:  # at run time: an unknown test, a bad {% include %} …
        raise UserError([error("template-runtime", f"模板写法有误：{syntax_message(e.message)}",
                               location=_where(e, name, env), hint=_SYNTAX_HINT)]) from e
    except Exception as e:  # noqa: BLE001 - any other fault of a template is reported, in Chinese, at its line
        raise UserError([error("template-call", f"模板中的函数调用有误：{_call_message(e)}",
                               location=_where(e, name, env),
                               hint="请核对函数名和参数（可用的写法见 docs/模板配置.md）")]) from e


_SYNTAX_HINT = "请检查这一行的 {{ }}、{% %} 是否成对、写法是否正确（见 docs/模板配置.md“说明文字的模板语言”）"
_UNDEFINED = [
    (r"^'([^']+)' is undefined$", "“{0}”未定义（既不是模板函数，也不是输入中的键）"),
    (r"^'([^']+) object' has no attribute '([^']+)'$", "{0}中没有“{1}”"),
    (r"^'([^']+)' has no attribute '([^']+)'$", "“{0}”中没有“{1}”"),
    (r"^(.+?) has no element (.+)$", "{0}中没有第 {1} 项（从 0 数起）"),
]
_OBJECT_WORDS = {"dict": "这组数据", "Row": "表格行", "list": "列表", "str": "文字", "NoneType": "空值",
                 "None": "空值（没有填写的项）", "Decimal": "数", "int": "数", "float": "数", "bool": "真假值",
                 "tuple": "列表", "Undefined": "未定义的值", "StrictUndefined": "未定义的值", "Macro": "宏",
                 "function": "函数", "method": "函数", "builtin_function_or_method": "函数"}
# Jinja's names of tokens, as a template writer sees them
_TOKENS = {"end of print statement": "}}", "end of statement block": "%}", "end of template": "模板结尾",
           "name": "名称", "integer": "整数", "float": "小数", "string": "文字", "begin of print statement": "{{",
           "begin of statement block": "{%", "end of comment": "#}", "operator": "运算符"}
_SYNTAX = [
    (r"^unexpected '([^']*)', expected '([^']*)'$", "此处应为“{1}”，实际为“{0}”"),
    (r"^unexpected '(.+)'$", "此处不应出现“{0}”"),
    (r"^Unexpected end of template\..*", "模板在语句结束前就结束了（缺少 endif / endfor / endmacro？）"),
    (r"^Encountered unknown tag '([^']+)'\..*", "不认识的语句“{0}”（或缺少与之配对的开始语句）"),
    (r"^expected token '([^']+)', got '([^']+)'$", "此处应为“{0}”，实际为“{1}”"),
    (r"^Expected an expression, got '([^']+)'$", "此处应有一个值或表达式，实际为“{0}”"),
    (r"^unexpected char '(.+)' at \d+$", "不认识的字符“{0}”"),
    (r"^unexpected end of template, expected '(.+)'\.$", "模板意外结束，缺少“{0}”"),
    (r"^No filter named '([^']+)'.*", "没有名为“{0}”的过滤器（| 后面的词；可用的过滤器见 docs/模板配置.md）"),
    (r"^No test named '([^']+)'.*", "没有名为“{0}”的测试（is 后面的词）"),
    (r"^tag name expected$", "{% 后面应为语句名（if、for、set 等）"),
    (r"^(?:can't|cannot) assign to .*", "这里不能赋值（set 的左边应为一个名称）"),
    (r"^Block '([^']+)' defined twice$", "块“{0}”定义了两次"),
    (r"^missing end of comment tag$", "注释 {# 没有对应的 #}"),
    (r"^unexpected end of template$", "模板意外结束（缺少 }} 或 %}？）"),
]
_SYNTAX_FALLBACK = "这一行的写法不符合模板语言"


def _translated(message: str | None, patterns, word, fallback: str) -> str:
    """The Chinese words of the first pattern matching Jinja's English message, each group put in
    through `word`; the fallback when none matches. (The patterns are compiled when first
    needed, by re's own cache: only a faulty template needs them.)"""
    text = message or ""
    for pattern, words in patterns:
        m = re.match(pattern, text)
        if m:
            return words.format(*(word(g) for g in m.groups()))
    return fallback


def undefined_message(message: str | None) -> str:
    """Jinja's English words about a missing value, in Chinese."""
    return _translated(message, _UNDEFINED, _object_word, "模板取了一个不存在的值")


def _object_word(word: str) -> str:
    word = word.rsplit(".", 1)[-1]
    bare = word[: -len(" object")] if word.endswith(" object") else word
    return _OBJECT_WORDS.get(word, _OBJECT_WORDS.get(bare, word))


def syntax_message(message: str | None) -> str:
    return _translated(message, _SYNTAX, lambda g: _TOKENS.get(g, g), _SYNTAX_FALLBACK)


_CALLS = [
    (r"^(\S+)\(\) got an unexpected keyword argument '([^']+)'$", "参数名“{1}”不对"),
    (r"^(\S+)\(\) missing \d+ required (?:positional|keyword-only) arguments?.*", "缺少参数"),
    (r"^(\S+)\(\) takes .* but \d+ (?:were|was) given$", "参数个数不对"),
    (r"^(\S+)\(\) got multiple values for argument '([^']+)'$", "参数“{1}”写了两次"),
    (r"^macro '([^']+)' takes not more than (\d+) argument\(s\)$", "宏“{0}”最多有 {1} 个参数，多写了"),
    (r"^macro '([^']+)' takes no keyword argument '([^']+)'$", "宏“{0}”没有名为“{1}”的参数"),
    (r"^macro '([^']+)' was invoked with two values for the special caller argument.*",
     "宏“{0}”的 caller 参数写了两次"),
    (r"^'([^']+)' object is not callable$", "{0}不是函数，不能在后面加括号调用"),
    (r"^'([^']+)' object is not iterable$", "{0}不能逐项列举（for 循环的对象应为列表）"),
    (r"^'([^']+)' object is not subscriptable$", "{0}不能用 [ ] 取其中的项"),
    (r"^unsupported operand type\(s\) for ([^:]+): '([^']+)' and '([^']+)'$",
     "不能对{1}和{2}做“{0}”运算（文字与数不能相加；连接文字请用 ~）"),
    (r"^bad operand type for unary (.+): '([^']+)'$", "不能对{1}做“{0}”运算"),
    (r"^'(.+)' not supported between instances of '([^']+)' and '([^']+)'$",
     "不能比较{1}与{2}的大小（“{0}”）"),
    (r"^can only concatenate (\w+) \(not \"?'?(\w+)'?\"?\) to (\w+)$", "{0}只能与{0}相加（连接文字与数请用 ~）"),
    (r"^type (\S+) doesn't define __round__ method$", "不能对{0}取整"),
    (r"^invalid literal for int\(\) with base \d+: '?(.*?)'?$", "“{0}”不是整数"),
    (r"^could not convert string to float: '?(.*?)'?$", "“{0}”不是数"),
    (r"^(?:float |integer |decimal )?division(?: or modulo)? by zero$", "除数为 0"),
]
_EXCEPTION_WORDS = {"TypeError": "数据类型不对（如把文字当作数、对不是函数的值加了括号）",
                    "ValueError": "值不对（如把不是数的文字当作数）", "AttributeError": "取了不存在的属性",
                    "IndexError": "列表中没有这一项", "RecursionError": "宏或模板循环调用了自己",
                    "OverflowError": "数太大", "InvalidOperation": "无法计算的数（如 0 除以 0）"}


def _call_message(e: BaseException) -> str:
    words = _translated(str(e), _CALLS, _object_word, "")
    if words:
        return words
    if isinstance(e, ZeroDivisionError):
        return "除数为 0"
    if isinstance(e, KeyError):
        return f"没有“{e.args[0] if e.args else ''}”"
    return _EXCEPTION_WORDS.get(type(e).__name__, "模板运行时出错")


def _where(e: BaseException, name: str, env: jinja2.Environment) -> Location:
    """The innermost template frame of the traceback: the file and line the fault is in."""
    file, line = name, None
    tb = e.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            file, line = _relative(filename, env) or name, tb.tb_lineno
        tb = tb.tb_next
    if line is None and isinstance(e, jinja2.TemplateNotFound):
        return Location(file=name)
    return Location(file=file, line=line)


def _folder(env: jinja2.Environment) -> str:
    """The templates folder(s) a template name is looked up in."""
    return "、".join(str(root) for root in getattr(env.loader, "searchpath", []))


def _relative(filename: str | None, env: jinja2.Environment) -> str | None:
    """A template's file as the profile names it ("决算/情况说明-2023.md.j2")."""
    if not filename:
        return None
    loader = env.loader
    for root in getattr(loader, "searchpath", []):
        try:
            return Path(filename).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            continue
    return filename


def blocks_from_markup(text: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = _HEADING.match(line) if line[0] == "#" else None
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
        if not _ANY_RESIDUE.search(text):
            continue
        for pattern, what in _RESIDUE:
            m = pattern.search(text)
            if m:
                found.append(f"{where}：{what}“{m.group(0)}”出现在：{text[:60]}")
    return found
