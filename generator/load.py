"""Read an input file into plain data plus the location of every value.

The YAML node tree is walked by hand (rather than `yaml.safe_load`) so that:
- every value keeps its line and column for error messages;
- numbers keep their literal text (2627.63 stays Decimal("2627.63"), never a float);
- mapping keys stay text (a code 2010301 is the string "2010301");
- duplicate keys, aliases (the "billion laughs" bomb) and absurd sizes are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .chars import INPUT_REFUSED
from .document import copied
from .errors import Location, Problem, UserError, error, os_reason, warning

# The one list of input suffixes: YAML is read here, workbooks by load_xlsx.py (combine.load_input
# dispatches by suffix), other spreadsheet formats are refused with advice.
YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
INPUT_SUFFIXES = YAML_SUFFIXES + WORKBOOK_SUFFIXES
_EXCEL_SUFFIXES = (".xls", ".et", ".csv", ".ods")
# Characters that are invisible, break Word/Excel XML, or cannot be encoded (lone surrogates).
_BAD_CHARS = INPUT_REFUSED
# Longer literals are typing accidents; they also exceed Python's int-conversion limit.
MAX_NUMBER_DIGITS = 40

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000

Path_ = tuple[str, ...]

_STR_TAG = "tag:yaml.org,2002:str"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_INT_TAG = "tag:yaml.org,2002:int"
_NON_FINITE = {".nan": "NaN", ".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity"}


class _Unreadable:
    """A value the workbook reader could not take (a merged amount cell, a table's missing or
    unreadable sheet), kept in the data where it belongs: its problem is reported where it was
    found, and the checks that need it are skipped (figures.py spoils the figure)."""

    def __repr__(self) -> str:
        return "UNREADABLE"


UNREADABLE = _Unreadable()


@dataclass
class Source:
    """Loaded data and where each value came from (keyed by its path of mapping keys)."""

    data: dict[str, Any]
    file: str
    locations: dict[Path_, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # the reader's warnings, reported with the rest

    def loc(self, path: Path_) -> Location:
        """The location of `path`, or of its nearest located ancestor."""
        p = tuple(path)
        while p:
            if p in self.locations:
                return self.locations[p]
            p = p[:-1]
        return Location(file=self.file)


def read_text(path: Path) -> str:
    """The file's text, or a located Chinese error for anything unreadable."""
    name = str(path)
    if not path.exists():
        raise UserError([error("file-missing", "找不到输入文件", location=Location(file=name),
                               hint="请检查文件名和所在文件夹")])
    if path.is_dir():
        raise UserError([error("file-is-dir", "这是一个文件夹，不是输入文件",
                               location=Location(file=name), hint="请指定文件夹中的某个 .yaml 输入文件")])
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError([error("file-too-large",
                                   f"文件过大（{size // 1024} KB），超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限",
                                   location=Location(file=name),
                                   hint="一个部门一年的数据不会这么大，请确认选对了文件")])
        raw = path.read_bytes()
    except OSError as e:
        raise UserError([error("file-unreadable", f"无法读取文件（{os_reason(e)}）",
                               location=Location(file=name))]) from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise UserError([error("not-utf8", "文件不是 UTF-8 编码",
                               location=Location(file=name, line=line),
                               hint="请用记事本或 WPS 将文件“另存为”UTF-8 编码（可能当前是 GBK 编码）")]) from e
    if not text.strip():
        raise UserError([error("file-empty", "输入文件是空的", location=Location(file=name))])
    return text


def check_suffix(path: Path) -> None:
    """YAML is read here; .xlsx/.xlsm workbooks go to load_xlsx.py (combine.load_input
    dispatches by suffix). Anything else is refused before its bytes are parsed."""
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return
    where = Location(file=str(path))
    expected = "扩展名为 .yaml、.yml 的输入文件或 .xlsx 录入表"
    if suffix in _EXCEL_SUFFIXES:
        raise UserError([error("unsupported-excel", f"不能直接读取 {suffix} 文件",
                               location=where, expected=expected, found=f"扩展名为 {suffix} 的文件",
                               hint="请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx），"
                                    "或用 gen-report init 生成录入表后填写")])
    raise UserError([error("unsupported-file-type", "不支持这种输入文件",
                           location=where, expected=expected,
                           found=f"扩展名为 {suffix} 的文件" if suffix else "没有扩展名的文件",
                           hint="输入文件应是按 data/examples/ 中示例填写的 .yaml 文件，或 Excel 录入表（.xlsx）")])


def _lean(loader: type[yaml.BaseLoader] | None) -> type[yaml.BaseLoader] | None:
    """libyaml's loader with the hooks it calls back into Python for every node made cheap.
    No path resolver is registered (yaml.add_path_resolver), so descending into and ascending
    out of a node record nothing: builtins that do nothing stand in for the Python methods that
    return at once. A plain scalar's implicit tag is looked up by its first character in the
    loader's implicit resolvers (as Resolver.resolve does, without rebuilding the list each
    time); tests/test_fast_paths.py compares every tag with Resolver.resolve's."""
    if loader is None or loader.yaml_path_resolvers:
        return loader
    everywhere = tuple(loader.yaml_implicit_resolvers.get(None, ()))
    by_first = {first: tuple(resolvers) + everywhere
                for first, resolvers in loader.yaml_implicit_resolvers.items() if first is not None}
    scalar, default = yaml.ScalarNode, loader.DEFAULT_SCALAR_TAG
    # with no path resolver, Resolver.resolve's answer for a quoted scalar (its default tag)
    # and for a collection (by its kind)
    collections = {yaml.SequenceNode: loader.DEFAULT_SEQUENCE_TAG, yaml.MappingNode: loader.DEFAULT_MAPPING_TAG}

    class Lean(loader):  # type: ignore[valid-type,misc]
        descend_resolver = {}.get  # called with (parent, index): returns index, records nothing
        ascend_resolver = tuple  # called with (): returns (), records nothing

        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str | None:
            if kind is scalar:
                if implicit[0]:
                    for tag, regexp in by_first.get(value[:1], everywhere):
                        if regexp.match(value):
                            return tag
                return default
            return collections.get(kind)

    return Lean


_FAST_LOADER = _lean(getattr(yaml, "CSafeLoader", None))


def _compose(text: str) -> list[yaml.Node]:
    """libyaml's parser when available (several times faster: profiles, catalogues and large
    inputs), the pure-Python one otherwise and whenever the file has an error, so the
    messages and positions reported are always those of one parser."""
    if _FAST_LOADER is not None:
        try:
            return list(yaml.compose_all(text, Loader=_FAST_LOADER))
        except yaml.YAMLError:
            pass
    return list(yaml.compose_all(text, Loader=yaml.SafeLoader))


def load_yaml(path: Path, allow_aliases: bool = False) -> Source:
    """Load one YAML file. Aliases are refused in officers' inputs (see _Walker) but
    allowed in the shipped profiles, which are trusted and use them to share row lists."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        check_suffix(path)
    text = read_text(path)
    name = str(path)
    try:
        nodes = _compose(text)
    except RecursionError as e:  # a composer (libyaml's, or the pure-Python one) recursed once per level
        raise UserError([_too_deep(_deepest_place(text, name))]) from e
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if mark and (cause := _full_width_cause(text, mark.line, name)):
            raise UserError([cause]) from e
        loc = Location(file=name, line=mark.line + 1 if mark else None,
                       column=mark.column + 1 if mark else None)
        raise UserError([error("yaml-syntax", f"YAML 格式错误：{_yaml_reason(e)}", location=loc,
                               hint="常见原因：冒号后缺空格、缩进不一致、引号未闭合、用了制表符缩进")]) from e
    except yaml.YAMLError as e:
        raise UserError([error("yaml-syntax", "YAML 格式错误，文件无法解析", location=Location(file=name),
                               hint="请对照 data/examples/ 中的示例检查文件格式")]) from e
    if not nodes:
        raise UserError([error("file-empty", "输入文件是空的（只有注释）", location=Location(file=name))])
    if len(nodes) != 1:
        raise UserError([error("yaml-documents", "文件应只包含一个 YAML 文档（不要使用“---”分隔多个文档）",
                               location=Location(file=name))])
    root = nodes[0]
    if allow_aliases:  # an officer's input refuses aliases: its depth is checked while it is walked
        _check_depth(root, name)
    walker = _Walker(name, allow_aliases, text, root)
    data = walker.walk(root, ())
    if walker.skipped and not allow_aliases:  # values under refused keys were not walked
        _check_depth(root, name)
    if any(p.severity == "错误" for p in walker.problems):
        raise UserError(walker.problems)
    if not isinstance(data, dict):
        raise UserError([error("not-mapping", "文件顶层应为“键: 值”形式的键值表",
                               location=walker.loc_of(root))])
    return Source(data=data, file=name, locations=walker.locations, problems=walker.problems)


# A key typed with a full-width colon (“部门名称：示例”) is plain text to YAML, which then fails
# on a later line; the cause is found on the failing line or the lines just above it.
_FULL_WIDTH_KEY = re.compile(r"^(\s*(?:-\s+)?)([^\s#:：'\"\[\]{}][^:：#]{0,30}?)\s*：")
_FULL_WIDTH_SPACE = re.compile(r"^( *\u3000[ \u3000]*)\S|^[^#]*?:(\u3000)")


def _full_width_cause(text: str, error_line: int, name: str) -> Problem | None:
    lines = text.split("\n")
    for i in range(min(error_line, len(lines) - 1), max(-1, error_line - 4), -1):
        line = lines[i]
        if line.lstrip().startswith("#"):
            continue
        if (m := _FULL_WIDTH_SPACE.search(line)) is not None:
            column = (m.start(2) if m.group(2) else line.index("\u3000")) + 1
            return error("full-width-space", "这里用了全角空格“　”，YAML 只认半角空格",
                         location=Location(file=name, line=i + 1, column=column),
                         hint="请把全角空格换成半角空格（输入法切换到英文或半角状态后再输入）")
        if ":" not in line.split("#")[0] and (m := _FULL_WIDTH_KEY.match(line)) is not None:
            return error("full-width-colon", f"“{m.group(2).strip()}”后面用了全角冒号“：”，键与值之间应为半角冒号加空格“: ”",
                         location=Location(file=name, line=i + 1, column=m.end(0)),
                         hint=f"请改为：{m.group(1)}{m.group(2).strip()}: {line[m.end(0):].strip()}")
    return None


MAX_DEPTH = 40  # an input nests a handful of levels; 1,000 "[" in 2 KB must not exhaust the stack


def _too_deep(where: Location) -> Problem:
    return error("too-deep", f"嵌套层次过深（超过 {MAX_DEPTH} 层），文件无法处理", location=where,
                 hint="输入文件只需几层缩进；请检查是否误写了大量“[”“{”或层层缩进的“键:”")


def _deepest_place(text: str, name: str) -> Location:
    """Where nesting first passes MAX_DEPTH, from the parser's event stream (the parser keeps a
    stack of states instead of recursing, so this works where composing the tree did not)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return Location(file=name, line=mark.line + 1, column=mark.column + 1)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return Location(file=name)


def _check_depth(root: yaml.Node, name: str) -> None:
    """Refuse absurd nesting before anything walks the tree recursively (iteratively here).
    An alias is the anchored node itself, so a node is walked again only when reached deeper
    than before (at most MAX_DEPTH times): a "billion laughs" file takes no longer than its text."""
    stack = [(root, 1)]
    deepest: dict[int, int] = {}
    while stack:
        node, depth = stack.pop()
        if deepest.get(id(node), 0) >= depth:
            continue
        deepest[id(node)] = depth
        if depth > MAX_DEPTH:
            mark = node.start_mark
            raise UserError([_too_deep(Location(file=name, line=mark.line + 1, column=mark.column + 1))])
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((value, depth + 1) for _, value in node.value)


def _yaml_reason(e: yaml.MarkedYAMLError) -> str:
    reasons = {
        "found character '\\t' that cannot start any token": "不能用制表符（Tab）缩进",
        "found a tab character": "不能用制表符（Tab）缩进",
        "expected ',' or ']'": "方括号“[ ]”列表未闭合或缺少逗号",
        "expected ',' or '}'": "花括号“{ }”未闭合或缺少逗号",
        "found unexpected end of stream": "引号或括号未闭合",
        "found unknown escape character": "双引号中的反斜杠“\\”用法不对（文件路径请用单引号括起来）",
        "found character": "出现了不能作为开头的字符（如 @、` 或 %）",
        "expected alphabetic or numeric character": "锚点或别名的写法不对",
        "found duplicate anchor": "锚点重复",
        "found unhashable key": "键必须是简单文字",
        "while scanning a quoted scalar": "引号未闭合",
        "did not find expected key": "缩进不一致或缺少“键:”",
        "did not find expected '-' indicator": "列表缩进不一致",
        "did not find expected node content": "缺少内容",
        "expected a comment or a line break": "内容后面多了字符（如引号后还有文字）",
        "mapping values are not allowed here": "此处不能出现“键: 值”（可能缺少缩进或冒号后缺空格）",
        "could not find expected ':'": "缺少冒号“:”",
        "found undefined alias": "使用了未定义的别名",
        "expected <block end>, but found": "缩进不一致",
    }
    for text in (e.problem or "", e.context or ""):
        for k, v in reasons.items():
            if text.startswith(k):
                return v
    return "文件格式不对，无法解析"


# A key-like start of a text ("单位构成：…"): a nested key typed with a full-width colon
_KEYLIKE_START = re.compile(r"^\s*(?:-\s+)?([^\s#:：'\"\[\]{}，。；、（）()“”]{2,20})\s*：")


_NOWHERE = Location()


def _located(file: str, line: int, column: int) -> Location:
    """`Location(file, line, column)`, made by `copied` (the walk makes one for every value)."""
    return copied(_NOWHERE, file=file, line=line, column=column)


class _Walker:
    def __init__(self, file: str, allow_aliases: bool = False, text: str = "", root: yaml.Node | None = None) -> None:
        self.file = file
        self.root = root
        self.skipped = False  # a mapping entry refused (a bad or repeated key): its value not walked
        self.lines = text.split("\n")
        # No refused character in the text, and no escape ("\\") that could make one: then no key
        # or value has one (libyaml's line folding only makes spaces and line breaks).
        self.clean = bool(text) and not allow_aliases and not _BAD_CHARS.search(text) and "\\" not in text
        self.allow_aliases = allow_aliases
        self.locations: dict[Path_, Location] = {}
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.count = 0

    def loc_of(self, node: yaml.Node) -> Location:
        m = node.start_mark
        return Location(file=self.file, line=m.line + 1, column=m.column + 1)

    def refuse(self, problem: Problem) -> UserError:
        """A file this walk stops at: a file also nested too deep is refused for that first,
        as when the depth was checked before the walk (an alias's expansion included)."""
        if self.root is not None and not self.allow_aliases:
            _check_depth(self.root, self.file)
        return UserError([problem])

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.refuse(error("too-many-nodes", f"文件内容过多（超过 {MAX_NODES} 项）",
                                    location=self.loc_of(node)))
        if id(node) in self.seen and not self.allow_aliases:
            # An alias: refuse rather than expand (expansion is how alias bombs explode).
            raise self.refuse(error("yaml-alias", "不支持 YAML 锚点与别名（& 和 *），请把内容直接写出",
                                    location=self.loc_of(node)))
        self.seen.add(id(node))
        if len(path) >= MAX_DEPTH:  # the root is at depth 1 (_check_depth)
            raise self.refuse(_too_deep(self.loc_of(node)))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        locations, file = self.locations, self.file
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(error("bad-key", "键必须是简单文字", location=self.loc_of(key_node)))
                    self.skipped = True
                    continue
                text = key_node.value
                if ("\u3000" in text or "：" in text) and (problem := self.full_width_key(key_node)) is not None:
                    self.problems.append(problem)
                    self.skipped = True
                    continue
                key = text.strip()
                if not self.clean and _BAD_CHARS.search(key):
                    self.problems.append(self.bad_chars(key_node))
                    self.skipped = True
                    continue
                mark = key_node.start_mark
                if (isinstance(value_node, yaml.ScalarNode) and not value_node.style
                        and value_node.start_mark.line > mark.line):
                    self.full_width_value(key_node, value_node)
                here = (*path, key)
                if key in out:
                    first = locations.get(here)
                    self.problems.append(error(
                        "duplicate-key", f"键“{key}”重复出现" + (f"（首次出现在第{first.line}行）" if first else ""),
                        location=self.loc_of(key_node), hint="同一个键只能写一次，否则前面的数会被悄悄覆盖"))
                    self.skipped = True
                    continue
                locations[here] = _located(file, mark.line + 1, mark.column + 1)
                out[key] = self.walk(value_node, here)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                here = (*path, str(i))
                mark = item.start_mark
                locations[here] = _located(file, mark.line + 1, mark.column + 1)
                items.append(self.walk(item, here))
            return items
        return self.scalar(node)

    def full_width_key(self, node: yaml.ScalarNode) -> Problem | None:
        """A key with a full-width space (“　部门名称”, meant as indentation) or a full-width
        colon (“财政拨款收入：100” in braces): YAML reads it as part of the key."""
        m = node.start_mark
        single = node.end_mark.line == m.line
        if "\u3000" in node.value:
            return error("full-width-space", "这里用了全角空格“　”，YAML 只认半角空格",
                         location=Location(file=self.file, line=m.line + 1,
                                           column=m.column + 1 + (node.value.index("\u3000") if single else 0)),
                         hint="请把全角空格换成半角空格（输入法切换到英文或半角状态后再输入）")
        if "：" in node.value:
            before, _, after = node.value.partition("：")
            return error("full-width-colon", f"“{before.strip()}”后面用了全角冒号“：”，键与值之间应为半角冒号加空格“: ”",
                         location=Location(file=self.file, line=m.line + 1,
                                           column=m.column + 1 + (len(before) if single else 0)),
                         hint=f"请改为：{before.strip()}: {after.strip()}")
        return None

    def full_width_value(self, key: yaml.ScalarNode, value: yaml.Node) -> None:
        """A text on the lines under its key that starts like a key with a full-width colon
        (“概况:” then “  单位构成：…”) was meant as a nested key; it parses as text, and the
        schema's complaint would not mention the colon: said here, at its line."""
        if not isinstance(value, yaml.ScalarNode) or value.style or value.start_mark.line <= key.start_mark.line:
            return
        line = self.lines[value.start_mark.line] if value.start_mark.line < len(self.lines) else ""
        m = _KEYLIKE_START.match(line)
        if m is None:
            return
        self.problems.append(warning(
            "full-width-colon", f"“{m.group(1)}”后面用了全角冒号“：”；如果“{m.group(1)}”是键，键与值之间应为半角冒号加空格“: ”",
            location=Location(file=self.file, line=value.start_mark.line + 1, column=m.end(0)),
            hint=f"请改为：{m.group(1)}: {line[m.end(0):].strip()}"))

    def bad_chars(self, node: yaml.Node) -> Problem:
        return error("bad-characters", "含有不可见的控制字符或无效字符",
                     location=self.loc_of(node),
                     found=_BAD_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", node.value)[:80],
                     hint="请删除这些字符后重新输入（常见于从网页或其他软件复制来的文字）")

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if not self.clean and isinstance(node.value, str) and _BAD_CHARS.search(node.value):
            self.problems.append(self.bad_chars(node))
            return node.value
        if node.tag == _STR_TAG:
            return node.value
        if (node.tag in (_FLOAT_TAG, _INT_TAG) and len(node.value) > MAX_NUMBER_DIGITS
                and sum(c.isdigit() for c in node.value) > MAX_NUMBER_DIGITS):
            return node.value  # absurdly long: keep the text; the amount check reports it
        if node.tag == _FLOAT_TAG:
            text = node.value.replace("_", "")
            special = _NON_FINITE.get(text.lower())
            try:
                return Decimal(special) if special else Decimal(text)
            except ArithmeticError:
                return node.value  # 1:30.5 (sexagesimal) and the like — the schema will object
        if node.tag == _INT_TAG:
            text = node.value.replace("_", "")
            if text.lstrip("+-").isdigit():
                return int(text)
            return node.value  # 0x…, 0o…, 1:30 — keep the text; the schema will object
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates stay text: "2020-12-31"
        if node.tag == "tag:yaml.org,2002:bool":  # as yaml's SafeConstructor.construct_yaml_bool
            return yaml.constructor.SafeConstructor.bool_values[node.value.lower()]
        if node.tag == "tag:yaml.org,2002:null":
            return None
        return node.value
