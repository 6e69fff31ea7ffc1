"""The arrows point down: no import cycles in ``cleantext``, and the core imports no I/O.

The import graph is read from the source (every ``import`` the interpreter can run: at module
level and inside functions; not those under ``if TYPE_CHECKING:``, which only annotate), plus
the modules :mod:`cleantext.io.registry` finds at run time (every format module).
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import cleantext
from cleantext.io import registry

PACKAGE = Path(cleantext.__file__).parent

#: The core: cleaning text, with nothing of reading or writing files.
CORE = ("cleantext.pipeline", "cleantext.rules", "cleantext.actions", "cleantext.classify")
CORE += ("cleantext.matcher", "cleantext.options")
#: What the core may not import, even through another module: I/O, the engines, the CLI,
#: the record layer, the integrations and the authoring tools.
EDGE = ("cleantext.io", "cleantext.records", "cleantext.dumps", "cleantext.distributed")
EDGE += ("cleantext.cli", "cleantext.integrations", "cleantext.pages", "cleantext.authoring")
#: The tools for writing rules: only the command line (and they themselves) use them.
AUTHORING = ("cleantext.authoring",)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _known(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            origin = ".".join([*base, node.module] if node.module else base)
            if node.level == 0:
                origin = node.module or ""
            targets = [
                f"{origin}.{a.name}" if f"{origin}.{a.name}" in MODULES else origin
                for a in node.names
            ]
        found |= {t for name in targets if (t := _known(name)) and t != module}
    return found


def _graph() -> dict[str, set[str]]:
    graph = {module: _imports(module) for module in MODULES}
    discovered = {type(fmt).__module__ for fmt in registry.all_formats().values()}
    graph[registry.__name__] |= discovered
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_the_core_imports_no_io_engine_or_cli() -> None:
    graph = _graph()
    for start in (m for m in graph if _under(m, CORE)):
        seen, todo = {start}, [start]
        while todo:
            for child in graph[todo.pop()] - seen:
                assert not _under(child, EDGE), f"{start} imports {child} (through {seen})"
                seen.add(child)
                todo.append(child)


def test_only_the_command_line_imports_the_authoring_tools() -> None:
    # I/O reads documents for ``cleantext mine`` without importing the miner: ``Document``
    # is a value of cleantext.document.
    users = {
        module
        for module, imported in _graph().items()
        if any(_under(name, AUTHORING) for name in imported)
    }
    assert {m for m in users if not _under(m, ("cleantext.cli", *AUTHORING))} == set()
    assert "cleantext.cli.rules" in users and "cleantext.cli.mine" in users


def test_the_built_in_steps_are_steps_not_rules() -> None:
    # The classifier, the mined lines and the headline are named in edits as rules are, but
    # are no Rule objects with empty examples standing in for rule files.
    from cleantext.pipeline import Cleaner, PlanStep
    from cleantext.pipeline.steps import ClassifierStep, MinedLinesStep
    from cleantext.rules import Rule

    cleaner = Cleaner(drop_lines={"example.org": ["harbour gazette: more local news"]})
    steps = cleaner.planner.plan(())[1]
    builtin = [type(step) for step in steps if not isinstance(step, PlanStep)]
    assert builtin == [MinedLinesStep, ClassifierStep]
    named = {
        name.qualified_id: type(name)
        for step in steps
        if isinstance(step, PlanStep)
        for name in step.names
    }
    assert all(kind is Rule for kind in named.values())
    edits = cleaner.explain(
        "Storm hits the coast overnight.\nHarbour Gazette: more local news",
        url="https://example.org/a",
    )
    assert [edit.rule for edit in edits.edits][-1:] == ["mined/example.org"]


def test_every_module_of_the_graph_is_importable() -> None:
    # The graph is read from files; the names must be the modules Python imports.
    assert "cleantext.io.formats.jsonl" in MODULES and "cleantext.io.registry" in MODULES
    assert {m for m in sys.modules if m.startswith("cleantext.io.formats.")} <= set(MODULES)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_names_reached(module: str, source: str) -> list[str]:
    """Private names of other cleantext modules that ``module``'s source imports or reads.

    Both ``from cleantext.x import _name`` and ``x._name`` on a cleantext module bound by an
    import count; a private submodule (``_build``) is a module of the package, not a name
    hidden inside another module, and may be imported. What the checked module defines itself
    is its own business.
    """
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    reached: list[str] = []
    module_aliases: dict[str, str] = {}
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                origin = node.module or ""
            else:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, node.module] if node.module else base)
            if not _under(origin, ("cleantext",)):
                continue
            for alias in node.names:
                target = f"{origin}.{alias.name}"
                if target in MODULES:
                    module_aliases[alias.asname or alias.name] = target
                elif _is_private(alias.name) and origin != module:
                    reached.append(f"line {node.lineno}: from {origin} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _under(alias.name, ("cleantext",)) and alias.asname:
                    module_aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            owner = ast.unparse(node.value)
            head, _, rest = owner.partition(".")
            if head in module_aliases:
                target = ".".join(filter(None, (module_aliases[head], rest)))
            elif head == "cleantext":
                target = owner
            else:
                continue
            if target in MODULES and target != module and f"{target}.{node.attr}" not in MODULES:
                reached.append(f"line {node.lineno}: {target}.{node.attr}")
    return reached


def test_no_module_reaches_for_another_modules_private_names() -> None:
    found = {
        module: reached
        for module, path in sorted(MODULES.items())
        if (reached := _private_names_reached(module, path.read_text(encoding="utf-8")))
    }
    assert found == {}, "promote what is shared to a public name, or move the helper"


def test_the_private_name_check_sees_both_spellings() -> None:
    source = (
        "from ..rules import _hidden, Rule\n"
        "from .. import rules as r\n"
        "from .. import _build\n"
        "import cleantext.rules\n"
        "r._other(cleantext.rules._third, _build.load_extension)\n"
    )
    reached = _private_names_reached("cleantext.cli.rules", source)
    assert reached == [
        "line 1: from cleantext.rules import _hidden",
        "line 5: cleantext.rules._other",
        "line 5: cleantext.rules._third",
    ]


def test_no_public_name_of_the_package_is_also_one_of_its_modules() -> None:
    # ``cleantext.explain`` was both a function and a module: which one a user got depended on
    # what was imported first.
    modules = {name.rpartition(".")[2] for name in MODULES if name.count(".") == 1}
    assert modules & set(cleantext.__all__) == set()


def test_no_subpackage_binds_a_name_of_one_of_its_modules() -> None:
    # ``cleantext.matcher.translate`` was the function its package re-exported, not the module.
    clashes = []
    for name in MODULES:
        if MODULES[name].name != "__init__.py":
            continue
        package = importlib.import_module(name)
        for module in MODULES:
            parent, _, short = module.rpartition(".")
            if parent == name and module != name:
                importlib.import_module(module)
                if not isinstance(getattr(package, short), types.ModuleType):
                    clashes.append(module)
    assert clashes == []


def test_explain_is_the_function_whatever_was_imported_first() -> None:
    code = (
        "import cleantext.explain_view, cleantext.cli.explain, cleantext\n"
        "assert callable(cleantext.explain) and cleantext.explain.__module__ == 'cleantext'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
