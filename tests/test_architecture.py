"""The package's shape: families as folders, small modules, no import cycles.

The import graph is read from the source with :mod:`ast` (nothing is imported):
an edge ``a -> b`` is an ``import`` of migecon module ``b`` written in module
``a``, at module level or inside a function (both run), but not under
``if TYPE_CHECKING:`` (which never runs). Parent packages imported implicitly by
Python are not edges: a package ``__init__`` that re-exports its modules is the
one-way facade, not a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "migecon"
MAX_MODULES_PER_FOLDER = 12
MAX_LINES_PER_MODULE = 800


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, here: str, known: set[str]) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative import
                pkg = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join([*pkg, node.module])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                # `from pkg import module` imports the module (pkg only implicitly);
                # `from module import name` imports the module itself
                found.add(sub if sub in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(here)
    return found & known


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(ast.parse(path.read_text()), name, known)
            for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_cycle_finder_sees_a_cycle():
    # the checker itself: a known three-module cycle and a clean chain
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycles():
    cycles = _cycles(import_graph())
    assert not cycles, "import cycles between migecon modules:\n" + "\n".join(
        " <-> ".join(c) for c in cycles)


def test_core_does_not_import_its_helpers_back():
    graph = import_graph()
    assert "migecon.panel.transform" not in graph["migecon.panel.core"]
    assert "migecon.panel.stata" not in graph["migecon.panel.core"]


@pytest.mark.parametrize("folder", sorted({p.parent for p in PACKAGE.rglob("*.py")}),
                         ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_folder_size(folder: Path):
    modules = [p.name for p in folder.glob("*.py") if p.name != "__init__.py"]
    assert len(modules) <= MAX_MODULES_PER_FOLDER, (
        f"{folder} holds {len(modules)} modules (at most {MAX_MODULES_PER_FOLDER}): "
        "split it into families")


def test_module_length():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES_PER_MODULE}
    assert not long, f"modules over {MAX_LINES_PER_MODULE} lines: {long}"


def test_estimate_is_laid_out_by_family():
    estimate = PACKAGE / "estimate"
    for family in ("linear", "gmm", "diagnostics", "heterogeneous"):
        assert (estimate / family / "__init__.py").exists(), family
    # names inside a family lose their prefix
    assert not list((estimate / "gmm").glob("gmm_*.py"))
    assert not list(estimate.glob("gmm_*.py"))


def test_public_api_is_lazy_and_complete():
    import importlib
    import subprocess
    import sys

    mg = importlib.import_module("migecon")
    for name in mg.__all__:
        assert getattr(mg, name) is not None, name
    # `import migecon` alone loads none of the heavy stacks
    code = ("import sys, migecon; heavy = [m for m in ('scipy', 'matplotlib', 'statsmodels', "
            "'linearmodels', 'pandas', 'migecon.estimate') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]", out


def test_type_checking_block_matches_exports():
    # the names static checkers see are the names the lazy loader serves
    import migecon

    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    seen: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    seen.update(a.asname or a.name for a in stmt.names)
    lazy = set(migecon._EXPORTS) | set(migecon._MODULES)
    assert seen == lazy
    assert set(migecon.__all__) == lazy | {"__version__"}


def test_public_function_survives_its_subpackage_import():
    # mg.replicate (a function) shares its name with the migecon.replicate subpackage
    import subprocess
    import sys

    code = ("import migecon.replicate.runner, migecon as mg; from migecon import replicate; "
            "print(callable(mg.replicate), callable(replicate))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "True True"
