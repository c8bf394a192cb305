"""What ``crm/controllers`` writes into the journal, found by reading its source (``ast``).

Every entry goes through :func:`crm.controllers.journal.record`, often through a small
helper that passes the action on (``_record(session, actor, "accept", row, …)``). The
scan starts at ``journal.record`` and follows such parameters back to the callers, so
a helper added tomorrow is followed too. It collects:

- the actions: string literals, ``a if … else b``, local variables assigned literals,
  tuples unpacked from a local function's ``return``;
- the entities: every ``entity="…"`` keyword in the controllers, and the defaults of
  parameters named ``entity``;
- the changed fields: the keys of the ``changes`` dictionaries — literal dicts,
  :func:`crm.controllers.journal.diff` of dicts, snapshots built from tuples of names,
  and snapshots built from a directory's ``columns`` (every ``Column("field", …)``
  of :mod:`crm.controllers.directories`).

Whatever it cannot follow is reported in ``unresolved`` (``module:line``), so that a
new way of passing an action fails the test instead of slipping past it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTROLLERS = ROOT / "crm" / "controllers"
RECORD = "crm.controllers.journal.record"
COLUMN = "crm.controllers.directories.records.Column"
DIFF = "crm.controllers.journal.diff"
#: A keyword-only parameter has no position.
KEYWORD_ONLY = -1


class _Unknown:
    """A value the scan cannot follow (kept apart from any real value)."""


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class Parameter:
    """A parameter of a function that carries an action or the changes on."""

    function: str  # qualified: crm.controllers.schedule.booking.record
    position: int
    name: str


@dataclass
class Found:
    """What the scan found."""

    actions: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)
    unresolved: list[str] = field(default_factory=list)


class Module:
    """One parsed module with its imports and top-level functions."""

    def __init__(self, path: Path) -> None:
        relative = path.relative_to(ROOT).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
            package = ".".join(parts)
        else:
            package = ".".join(parts[:-1])
        self.name = ".".join(parts)
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.aliases: dict[str, str] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = alias.name
        self.functions = {
            node.name: node
            for node in self.tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        self.constants: dict[str, ast.expr] = {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.constants[target.id] = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if node.value is not None:
                    self.constants[node.target.id] = node.value
        self.parents: dict[ast.AST, ast.AST] = {
            child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)
        }

    def target(self, func: ast.expr) -> str | None:
        """The qualified name a call goes to (``crm.controllers.journal.record``)."""
        if isinstance(func, ast.Name):
            if func.id in self.functions:
                return f"{self.name}.{func.id}"
            return self.aliases.get(func.id)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            base = self.aliases.get(func.value.id)
            return f"{base}.{func.attr}" if base else None
        return None

    def enclosing(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The innermost function around ``node``."""
        parent = self.parents.get(node)
        while parent is not None and not isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef):
            parent = self.parents.get(parent)
        return parent

    def where(self, node: ast.AST) -> str:
        return f"{self.name}:{getattr(node, 'lineno', '?')}"


Function = ast.FunctionDef | ast.AsyncFunctionDef


def _parameter(module: Module, function: Function | None, name: str) -> Parameter | None:
    if function is None:
        return None
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    qualified = f"{module.name}.{function.name}"
    if name in positional:
        return Parameter(qualified, positional.index(name), name)
    if name in [a.arg for a in function.args.kwonlyargs]:
        return Parameter(qualified, KEYWORD_ONLY, name)
    return None


def _default(function: Function, name: str) -> ast.expr | None:
    """The default value of parameter ``name`` of ``function``, if it has one."""
    arguments = function.args
    pairs = list(zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True))
    positional = arguments.posonlyargs + arguments.args
    skipped = len(positional) - len(arguments.defaults)
    pairs += list(zip(positional[skipped:], arguments.defaults, strict=True))
    return next((default for argument, default in pairs if argument.arg == name), None)


def _assignments(function: Function | None, module: Module, name: str) -> Iterator[tuple]:
    """How ``name`` gets its values in ``function`` (or at module level when the function
    does not assign it): ``("value", expr, index)`` for ``name = expr`` (``index``: its
    place in an unpacked tuple), ``("each", expr, None)`` for ``for name in expr``."""
    scope: ast.AST = function if function is not None else module.tree
    found = False
    for node in ast.walk(scope):
        if isinstance(node, ast.For | ast.comprehension):
            if isinstance(node.target, ast.Name) and node.target.id == name:
                found = True
                yield "each", node.iter, None
            continue
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id == name:
                found = True
                yield "value", node.value, None
            elif isinstance(target, ast.Tuple):
                for index, element in enumerate(target.elts):
                    if isinstance(element, ast.Name) and element.id == name:
                        found = True
                        yield "value", node.value, index
    if not found and function is not None and name in module.constants:
        yield "value", module.constants[name], None


def _key_assignments(function: Function | None, name: str) -> Iterator[ast.expr]:
    """The keys of ``name[key] = …`` in ``function``."""
    if function is None:
        return
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == name
                ):
                    yield target.slice


Values = Iterator["str | Parameter | _Unknown"]


class Scanner:
    """Follows actions and changes from ``journal.record`` back to their literals."""

    def __init__(self) -> None:
        self.modules = [Module(path) for path in sorted(CONTROLLERS.rglob("*.py"))]
        self.by_name = {module.name: module for module in self.modules}
        self.found = Found()
        self._seen: set[tuple[int, str]] = set()
        #: The fields of every directory column (``Column("name", …)``).
        self.column_fields = {
            call.args[0].value
            for module in self.modules
            for call in ast.walk(module.tree)
            if isinstance(call, ast.Call)
            and module.target(call.func) == COLUMN
            and call.args
            and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[0].value, str)
        }

    def returns(self, module: Module, call: ast.Call) -> list[tuple[ast.expr, Module, Function]]:
        """The ``return`` values of the function of ours that ``call`` calls (none when it
        calls something else)."""
        target = module.target(call.func)
        if target is None:
            return []
        where, _, name = target.rpartition(".")
        callee_module = self.by_name.get(where)
        if callee_module is None or name not in callee_module.functions:
            return []
        function = callee_module.functions[name]
        return [
            (node.value, callee_module, function)
            for node in ast.walk(function)
            if isinstance(node, ast.Return) and node.value is not None
        ]

    # --- values of one expression -----------------------------------------------------

    def strings(
        self, module: Module, function: Function | None, expr: ast.expr, index: int | None = None
    ) -> Values:
        """The string values ``expr`` can have (``index``: the element of a tuple)."""
        if index is not None:
            if isinstance(expr, ast.Tuple):
                yield from self.strings(module, function, expr.elts[index])
            elif isinstance(expr, ast.Call) and self.returns(module, expr):
                for value, callee_module, callee in self.returns(module, expr):
                    yield from self.strings(callee_module, callee, value, index)
            else:
                yield UNKNOWN
        elif isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            yield expr.value
        elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            # settings.TICKET_FORMAT: a constant of another module of ours.
            owner = self.by_name.get(module.aliases.get(expr.value.id, ""))
            if owner is not None and expr.attr in owner.constants:
                yield from self.strings(owner, None, owner.constants[expr.attr])
            else:
                yield UNKNOWN
        elif isinstance(expr, ast.IfExp):
            yield from self.strings(module, function, expr.body)
            yield from self.strings(module, function, expr.orelse)
        elif isinstance(expr, ast.Call) and self.returns(module, expr):
            for value, callee_module, callee in self.returns(module, expr):
                yield from self.strings(callee_module, callee, value)
        elif isinstance(expr, ast.Name):
            parameter = _parameter(module, function, expr.id)
            if parameter is not None:
                yield parameter
                default = _default(function, expr.id) if function is not None else None
                if default is not None:  # what the callers that leave it out pass
                    yield from self.strings(module, function, default)
            assigned = list(_assignments(function, module, expr.id))
            for how, value, place in assigned:
                if how == "each":
                    yield from self.items(module, function, value)
                else:
                    yield from self.strings(module, function, value, place)
            if parameter is None and not assigned:
                yield UNKNOWN
        else:
            yield UNKNOWN

    def items(self, module: Module, function: Function | None, expr: ast.expr) -> Values:
        """The string items of the collection ``expr`` (a dictionary's keys)."""
        if isinstance(expr, ast.Tuple | ast.List | ast.Set):
            for element in expr.elts:
                yield from self.strings(module, function, element)
        elif isinstance(expr, ast.Attribute) and expr.attr == "columns":
            yield from sorted(self.column_fields)  # a directory's columns
        elif isinstance(expr, ast.Name) and _parameter(module, function, expr.id) is None:
            assigned = list(_assignments(function, module, expr.id))
            for how, value, place in assigned:
                if how == "value" and place is None:
                    yield from self.items(module, function, value)
                else:
                    yield from self.keys(module, function, value, place)
            if not assigned:
                yield UNKNOWN
        else:
            yield from self.keys(module, function, expr)

    def keys(
        self, module: Module, function: Function | None, expr: ast.expr, index: int | None = None
    ) -> Values:
        """The keys of the dictionary ``expr`` (the names a snapshot is built from)."""
        if index is not None:
            if isinstance(expr, ast.Tuple):
                yield from self.keys(module, function, expr.elts[index])
            elif isinstance(expr, ast.Call) and self.returns(module, expr):
                for value, callee_module, callee in self.returns(module, expr):
                    yield from self.keys(callee_module, callee, value, index)
            else:
                yield UNKNOWN
        elif isinstance(expr, ast.Dict):
            for key, value in zip(expr.keys, expr.values, strict=True):
                if key is None:  # **spread
                    yield from self.keys(module, function, value)
                elif not isinstance(key, ast.JoinedStr):  # f"consent_{…}": named by hand
                    yield from self.strings(module, function, key)
        elif isinstance(expr, ast.DictComp):
            yield from self.items(module, function, expr.generators[0].iter)
        elif isinstance(expr, ast.Call) and module.target(expr.func) == DIFF:
            for argument in expr.args:
                yield from self.keys(module, function, argument)
        elif isinstance(expr, ast.Call) and self.returns(module, expr):
            for value, callee_module, callee in self.returns(module, expr):
                yield from self.keys(callee_module, callee, value)
        elif isinstance(expr, ast.Name):
            parameter = _parameter(module, function, expr.id)
            if parameter is not None:
                yield parameter
                return
            assigned = list(_assignments(function, module, expr.id))
            for how, value, place in assigned:
                if how == "value":
                    yield from self.keys(module, function, value, place)
            for key in _key_assignments(function, expr.id):
                yield from self.strings(module, function, key)
            if not assigned:
                yield UNKNOWN
        elif isinstance(expr, ast.Constant) and expr.value is None:
            return
        else:
            yield UNKNOWN

    # --- following the calls ----------------------------------------------------------

    def scan(self) -> Found:
        """Walk every call of every recorder until no new recorder turns up."""
        actions: dict[str, Parameter] = {RECORD: Parameter(RECORD, 1, "action")}
        changes: dict[str, Parameter] = {RECORD: Parameter(RECORD, KEYWORD_ONLY, "changes")}
        grew = True
        while grew:
            grew = False
            for module in self.modules:
                for call in (n for n in ast.walk(module.tree) if isinstance(n, ast.Call)):
                    target = module.target(call.func)
                    for recorders, values, into in (
                        (actions, self.strings, self.found.actions),
                        (changes, self.keys, self.found.fields),
                    ):
                        if target in recorders:
                            grew |= self._follow(
                                module, call, recorders[target],
                                recorders=recorders, values=values, into=into,
                            )  # fmt: skip
        for module in self.modules:
            self._entities(module)
        return self.found

    def _follow(self, module, call, parameter, *, recorders, values, into) -> bool:
        if (id(call), parameter.name) in self._seen:
            return False
        self._seen.add((id(call), parameter.name))
        argument = None
        if 0 <= parameter.position < len(call.args):
            argument = call.args[parameter.position]
        for keyword in call.keywords:
            if keyword.arg == parameter.name:
                argument = keyword.value
        if argument is None:
            return False  # the parameter's default (checked where it is defined)
        grew = False
        for value in values(module, module.enclosing(call), argument):
            if isinstance(value, str):
                into.add(value)
            elif isinstance(value, Parameter):
                if value.function not in recorders:
                    recorders[value.function] = value
                    grew = True
            else:
                self.found.unresolved.append(module.where(call))
        return grew

    def _entities(self, module: Module) -> None:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "entity" and isinstance(keyword.value, ast.Constant):
                        if isinstance(keyword.value.value, str):
                            self.found.entities.add(keyword.value.value)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                default = _default(node, "entity")
                if isinstance(default, ast.Constant) and isinstance(default.value, str):
                    self.found.entities.add(default.value)


def scan() -> Found:
    """Everything the controllers journal."""
    return Scanner().scan()
