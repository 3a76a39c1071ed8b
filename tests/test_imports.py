"""The generator's modules are stages whose imports point one way (README, 代码结构):

    base → load → inputs → compute → render → write → build → commands

A module may import modules of its own stage or of earlier stages, never of a later one, and
no import (at module level, inside a function, or under TYPE_CHECKING) may close a cycle.
An import inside a function is allowed only as a deliberate start-up saving, marked
`# lazy: why` on its line or on the comment line just above its import block.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "generator"

STAGES: list[tuple[str, set[str]]] = [
    ("base", {"__init__", "chars", "errors", "amounts", "resources", "options", "document", "model", "phrases",
              "stored"}),
    ("load", {"load", "validation", "facts", "profile_patch", "profiles", "excel_layout", "load_xlsx", "combine"}),
    ("inputs", {"inputs"}),
    ("compute", {"ledger", "figures", "baselines", "fact_rules", "optional", "performance", "last_year",
                 "plausibility", "compute"}),
    ("render", {"tables", "rows", "narrative", "text", "charts", "assemble"}),
    ("write", {"writers", "readback", "yaml_out", "diff"}),
    ("build", {"build"}),
    ("commands", {"batch", "convert", "schema", "verify", "diff_command", "profile_check", "template_branches", "serve",
                  "cli"}),
]


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return ".".join(rel.parts)


def _stage(module: str) -> int:
    """A package (writers, readback) is one stage: its modules share the package's."""
    top = module.split(".")[0]
    for i, (_, names) in enumerate(STAGES):
        if top in names or module in names:
            return i
    raise AssertionError(f"generator/{module.replace('.', '/')}.py has no stage: add it to STAGES in "
                         "tests/test_imports.py (and to README's 代码结构)")


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom | ast.Import, known: dict[str, Path]) -> list[str]:
    """The generator modules an import names (submodules included: `from .writers import docx`)."""
    if isinstance(node, ast.Import):
        bases = [a.name for a in node.names]
        return [b.removeprefix("generator.") for b in bases if b == "generator" or b.startswith("generator.")]
    if node.level:
        package = module.split(".")[:-1] if not known[module].name == "__init__.py" else module.split(".")
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, node.module] if node.module else package)
    elif node.module and (node.module == "generator" or node.module.startswith("generator.")):
        base = node.module.removeprefix("generator").lstrip(".")
    else:
        return []
    out = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}" if base else alias.name
        if candidate in known:
            out.append(candidate)
        elif base in known or f"{base}.__init__" in known:
            out.append(base if base in known else f"{base}.__init__")
        elif base:
            out.append(base)
    return [m.removesuffix(".__init__") if m != "__init__" else m for m in out]


def _edges() -> list[tuple[str, str, int, bool, bool]]:
    """(importer, imported, line, inside a function, marked lazy) for every generator import."""
    known = _modules()
    out = []
    for module, path in known.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        function_nodes = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                          for n in ast.walk(f)}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            inside = id(node) in function_nodes
            for target in _resolve(module, node, known):
                out.append((module, target, node.lineno, inside, _marked(lines, node.lineno)))
            if inside and not _resolve(module, node, known):
                out.append((module, "", node.lineno, inside, _marked(lines, node.lineno)))
    return out


def _marked(lines: list[str], lineno: int) -> bool:
    i = lineno - 1
    if "# lazy" in lines[i]:
        return True
    i -= 1
    while i >= 0 and lines[i].strip().startswith(("from ", "import ", "matplotlib.use")):
        if "# lazy" in lines[i]:
            return True
        i -= 1
    return i >= 0 and lines[i].strip().startswith("# lazy")


def test_every_module_has_a_stage() -> None:
    for module in _modules():
        _stage(module)


def test_imports_never_point_up_the_stages() -> None:
    upward = [f"generator/{a.replace('.', '/')}.py:{line} imports {b} "
              f"({STAGES[_stage(a)][0]} → {STAGES[_stage(b)][0]})"
              for a, b, line, _, _ in _edges() if b and _stage(b) > _stage(a)]
    assert not upward, "imports pointing up the stage order:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for a, b, *_ in _edges():
        if b and b != a:
            graph.setdefault(a, set()).add(b)
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [node, nxt] if nxt in trail else [node, nxt])
            elif not state.get(nxt):
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [])
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


def test_imports_inside_functions_are_deliberate() -> None:
    hidden = [f"generator/{a.replace('.', '/')}.py:{line}" for a, _, line, inside, marked in _edges()
              if inside and not marked]
    assert not hidden, ("imports inside functions without a `# lazy: why` mark (move them to the top, "
                        "or mark a deliberate start-up saving):\n" + "\n".join(sorted(set(hidden))))


@pytest.mark.parametrize("bad", ["from .build import prepare", "from ..build import render"])
def test_the_check_sees_an_upward_import(bad: str) -> None:
    """The test above must not pass vacuously: an upward import in a low module is found."""
    module = "ledger" if bad.startswith("from .b") else "writers.docx"
    known = _modules()
    node = ast.parse(bad).body[0]
    assert isinstance(node, ast.ImportFrom)
    targets = _resolve(module, node, known)
    assert targets and all(_stage(t) > _stage(module) for t in targets)


def _sources_except(*allowed: str) -> dict[str, str]:
    return {f"generator/{m.replace('.', '/')}.py": p.read_text(encoding="utf-8")
            for m, p in _modules().items() if m not in allowed}


def test_python_docx_private_api_is_used_in_one_module_only() -> None:
    """python-docx is pinned to the range tested; what an upgrade may break is in one place."""
    private = re.compile(r"\._(body|p|parent|element)\b|_ContentTypesItem|oxml_parser|serialize_part_xml"
                         r"|docx\.opc\.pkgwriter")
    found = [f"{path}: {m.group()}" for path, text in _sources_except("writers.docx_private").items()
             for m in private.finditer(text)]
    assert not found, "python-docx internals outside writers/docx_private.py:\n" + "\n".join(found)


def test_every_zip_is_written_by_the_deterministic_zip_helper() -> None:
    writing = re.compile(r"""ZipFile\([^)]*["']w["']|ZipInfo\(""")
    found = [path for path, text in _sources_except("writers.zipfix").items() if writing.search(text)]
    assert not found, "zips written outside writers/zipfix.py: " + ", ".join(found)


def test_one_filter_of_characters_xml_forbids() -> None:
    pattern = re.compile(r"\\x0e-\\x1f|\\ufffe|\\x0b\\x0c")
    found = [path for path, text in _sources_except("chars").items() if pattern.search(text)]
    assert not found, "character filters outside generator/chars.py: " + ", ".join(found)
