"""The shape of roadmap/: its modules import each other without a cycle, and none imports Streamlit or the
app's pages, so the package runs in pytest, the command line and bench/ without a server."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "roadmap"
FORBIDDEN = ("streamlit", "ui", "app_pages")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, modules: set[str] = frozenset()) -> set[str]:
    """Return the absolute name of every module path imports.

    `from X import y` imports the module X.y when modules has it (X itself is then
    only where Python finds it, already loading), else X.
    """
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                found.add(f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin)
    return found


def import_graph() -> dict[str, set[str]]:
    """Return each module of roadmap/ and the modules of roadmap/ it imports."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py") if "versions" not in p.parts}
    return {name: {other for other in imported_names(path, set(modules)) if other in modules and other != name}
            for name, path in modules.items()}


def test_the_graph_sees_every_module_and_its_imports():
    graph = import_graph()
    assert "roadmap.store.plan_storage" in graph["roadmap.store"]
    assert "roadmap.cli.plans" in graph["roadmap.cli.main"]
    assert "roadmap.store.errors" in graph["roadmap.store.engine"]


def test_no_module_of_roadmap_imports_itself_back_through_others():
    graph = import_graph()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = path[path.index(name):] + [name]
            raise AssertionError(f"import cycle: {' -> '.join(cycle)}")
        if name in done:
            return
        for other in sorted(graph[name]):
            visit(other, path + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_no_module_of_roadmap_imports_streamlit_or_the_pages():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in imported_names(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, offenders
