"""Every branch of a profile's templates, for `gen-report profiles --check` (profile_check.py).

Made-up data takes the usual side of each `{% if %}`, but a typo in a branch no data reaches
(the `{% else %}` of a paragraph every example fills, the second `elif`) would pass until some
department reaches it. A `BranchEnvironment` rewrites each template as it is parsed:

- each arm of an `{% if %}…{% elif %}…{% else %}` chain and of an inline `a if c else b`
  records that it ran (`_gr_hit`), and its test asks whether the check forces the chain to
  one arm (`_gr_natural` / `_gr_forced`) before evaluating the template's own condition;
- each `{% for %}` body records that it ran (loops cannot be forced: the made-up data fills
  every list with one entry);
- each `{% include %}` and `{% import %}` is noted with the arms it sits in, so an arm of an
  included template is reached by forcing the arms on the way to the include.

`Branches` holds what was found and run; `path_to(arm)` is the set of arms to force to reach
an arm. Rendering is otherwise unchanged: the instrumented templates print the same text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes

ArmKey = tuple[str, int]  # (chain id, arm index)

_NATURAL, _FORCED, _HIT, _PASS = "_gr_natural", "_gr_forced", "_gr_hit", "_gr_pass"


@dataclass(frozen=True)
class Arm:
    template: str
    line: int
    chain: str
    index: int
    kind: str  # if / elif / else / inline / loop
    ancestors: tuple[ArmKey, ...]  # the arms (in this template) this one sits in
    last: int = 0  # the arm's last line: its body spans line … last

    def holds(self, template: str, line: int | None) -> bool:
        """Whether a fault at `template`, `line` is in this arm's own body."""
        return template == self.template and line is not None and self.line <= line <= max(self.last, self.line)

    @property
    def key(self) -> ArmKey:
        return (self.chain, self.index)


@dataclass
class Branches:
    """The arms of every template parsed so far, the arms run, and the arms forced now."""

    arms: dict[ArmKey, Arm] = field(default_factory=dict)
    hits: set[ArmKey] = field(default_factory=set)
    force: dict[str, int] = field(default_factory=dict)  # chain → arm to take
    # included or imported template → the (template, arms) of each place that loads it
    loaded_from: dict[str, list[tuple[str, tuple[ArmKey, ...]]]] = field(default_factory=dict)
    _counter: int = 0

    def functions(self) -> dict[str, Any]:
        def natural(chain: str, index: int) -> bool:
            return chain not in self.force

        def forced(chain: str, index: int) -> bool:
            return self.force.get(chain) == index

        def hit(chain: str, index: int) -> str:
            self.hits.add((chain, index))
            return ""

        def passing(chain: str, index: int, value: Any) -> Any:
            self.hits.add((chain, index))
            return value

        return {_NATURAL: natural, _FORCED: forced, _HIT: hit, _PASS: passing}

    def missed(self) -> list[Arm]:
        return [a for k, a in self.arms.items() if k not in self.hits]

    def path_to(self, arm: Arm) -> dict[str, int] | None:
        """The arms to force so that `arm` runs: its own, those it sits in, and those on the
        way to a place that includes its template (None when there is no such way: it sits in
        a loop no data entered)."""
        return self._reach(arm.template, (*arm.ancestors, arm.key), frozenset())

    def _reach(self, template: str, stack: tuple[ArmKey, ...], seen: frozenset[str]) -> dict[str, int] | None:
        forced: dict[str, int] = {}
        for key in stack:
            if self.arms[key].kind == "loop":
                if key not in self.hits:
                    return None
                continue
            forced[key[0]] = key[1]
        sites = self.loaded_from.get(template)
        if not sites:
            return forced  # a template rendered by itself (the profile's 概况, 情况说明)
        for site, site_stack in sites:
            if site in seen:
                continue
            outer = self._reach(site, site_stack, seen | {template})
            if outer is not None:
                return {**outer, **forced}
        return None

    def new_chain(self, template: str) -> str:
        self._counter += 1
        return f"{template}#{self._counter}"


class BranchEnvironment(jinja2.Environment):
    """An environment whose templates record and obey `branches` (set after construction)."""

    branches: Branches

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        _Instrument(self.branches, name or "").visit_list(tree.body, ())
        tree.set_environment(self)
        return tree


class _Instrument:
    def __init__(self, branches: Branches, template: str) -> None:
        self.branches = branches
        self.template = template

    def _call(self, function: str, lineno: int, *args: nodes.Expr) -> nodes.Call:
        call = nodes.Call(nodes.Name(function, "load"), list(args), [], None, None)
        call.set_lineno(lineno)
        return call

    def _arm(self, chain: str, index: int, line: int, kind: str, stack: tuple[ArmKey, ...],
             body: list[nodes.Node] | nodes.Node | None = None) -> None:
        parts = body if isinstance(body, list) else [body] if body is not None else []
        last = max((n.lineno or 0 for part in parts for n in (part, *part.find_all(nodes.Node))), default=line)
        self.branches.arms[(chain, index)] = Arm(self.template, line, chain, index, kind, stack, last)

    def _test(self, chain: str, index: int, test: nodes.Expr, lineno: int) -> nodes.Expr:
        key = (nodes.Const(chain), nodes.Const(index))
        out = nodes.CondExpr(self._call(_NATURAL, lineno, *key), test, self._call(_FORCED, lineno, *key))
        out.set_lineno(lineno)
        return out

    def _hit(self, chain: str, index: int, lineno: int) -> nodes.Output:
        out = nodes.Output([self._call(_HIT, lineno, nodes.Const(chain), nodes.Const(index))])
        out.set_lineno(lineno)
        return out

    def visit_list(self, body: list[nodes.Node], stack: tuple[ArmKey, ...]) -> None:
        body[:] = [self.visit(n, stack) for n in body]

    def visit(self, node: nodes.Node, stack: tuple[ArmKey, ...]) -> nodes.Node:
        if isinstance(node, nodes.If):
            return self._if(node, stack)
        if isinstance(node, nodes.CondExpr):
            return self._inline(node, stack)
        if isinstance(node, nodes.For):
            return self._for(node, stack)
        if isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport)):
            name = node.template.value if isinstance(node.template, nodes.Const) else None
            if isinstance(name, str):
                self.branches.loaded_from.setdefault(name, []).append((self.template, stack))
        self._children(node, stack)
        return node

    def _children(self, node: nodes.Node, stack: tuple[ArmKey, ...]) -> None:
        for name in node.fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                value[:] = [self.visit(v, stack) if isinstance(v, nodes.Node) else v for v in value]
            elif isinstance(value, nodes.Node):
                setattr(node, name, self.visit(value, stack))

    def _if(self, node: nodes.If, stack: tuple[ArmKey, ...]) -> nodes.Node:
        chain = self.branches.new_chain(self.template)
        arms = [node, *node.elif_]
        for i, arm in enumerate(arms):
            self._arm(chain, i, arm.lineno, "if" if i == 0 else "elif", stack, arm.body)
            arm.test = self._test(chain, i, self.visit(arm.test, stack), arm.lineno)
            inner = (*stack, (chain, i))
            self.visit_list(arm.body, inner)
            arm.body.insert(0, self._hit(chain, i, arm.lineno))
        if node.else_:
            i = len(arms)
            line = node.else_[0].lineno or arms[-1].lineno
            self._arm(chain, i, line, "else", stack, node.else_)
            self.visit_list(node.else_, (*stack, (chain, i)))
            node.else_.insert(0, self._hit(chain, i, line))
        return node

    def _inline(self, node: nodes.CondExpr, stack: tuple[ArmKey, ...]) -> nodes.Node:
        chain = self.branches.new_chain(self.template)
        lineno = node.lineno
        node.test = self._test(chain, 0, self.visit(node.test, stack), lineno)
        self._arm(chain, 0, lineno, "inline", stack, node.expr1)
        node.expr1 = self._call(_PASS, lineno, nodes.Const(chain), nodes.Const(0),
                                self.visit(node.expr1, (*stack, (chain, 0))))
        if node.expr2 is not None:
            self._arm(chain, 1, lineno, "inline", stack, node.expr2)
            node.expr2 = self._call(_PASS, lineno, nodes.Const(chain), nodes.Const(1),
                                    self.visit(node.expr2, (*stack, (chain, 1))))
        return node

    def _for(self, node: nodes.For, stack: tuple[ArmKey, ...]) -> nodes.Node:
        chain = self.branches.new_chain(self.template)
        node.iter = self.visit(node.iter, stack)
        if node.test is not None:
            node.test = self.visit(node.test, stack)
        self._arm(chain, 0, node.lineno, "loop", stack)
        self.visit_list(node.body, (*stack, (chain, 0)))
        node.body.insert(0, self._hit(chain, 0, node.lineno))
        if node.else_:
            line = node.else_[0].lineno or node.lineno
            self._arm(chain, 1, line, "loop", stack)
            self.visit_list(node.else_, (*stack, (chain, 1)))
            node.else_.insert(0, self._hit(chain, 1, line))
        return node


def branch_environment(templates_dir: Path, make: Any) -> BranchEnvironment:
    """`make(templates_dir, cls=…)` is text.environment: the same settings, instrumented."""
    env: BranchEnvironment = make(templates_dir, cls=BranchEnvironment)
    env.branches = Branches()
    env.globals.update(env.branches.functions())
    return env


def load_all(env: BranchEnvironment, names: list[str]) -> None:
    """Parse `names` and every template they include or import, so the arms of a template
    only an untaken branch includes are known too."""
    todo = list(names)
    done: set[str] = set()
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        env.get_template(name)
        todo += [n for n in env.branches.loaded_from if n not in done]
