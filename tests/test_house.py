"""The shape of the house: no import cycle among the project's modules, and no Dagster in the plain libraries.

The import graph is read with ``ast`` from the source, so a cycle is found without importing anything; imports
under ``if TYPE_CHECKING:`` are left out (they never run). An import inside a function still counts: it closes the
same cycle, only later.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "engines", "expectations", "publishing", "orchestration", "cli", "samples", "private_hooks",
            "bench")
PLAIN = ("ingest", "engines", "expectations", "publishing")  # libraries that run without Dagster
DAGSTER = ("dagster", "dagster_dbt", "dagster_webserver")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in sorted((REPO / package).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every module name ``module`` imports, as written (``from a import b`` gives ``a`` and ``a.b``)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph(modules: dict[str, Path] | None = None) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(project module → project modules it imports, project module → every top-level package it imports)."""
    modules = _modules() if modules is None else modules
    edges, tops = {}, {}
    for name, path in modules.items():
        names = _imports(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py")
        edges[name] = {n for n in names if n in modules and n != name}
        tops[name] = {n.split(".")[0] for n in names if n}
    return edges, tops


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first = last), or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        path.pop()
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_project_has_no_import_cycle():
    edges, _ = import_graph()
    assert len(edges) > 40  # the walk found the project
    assert find_cycle(edges) is None, " → ".join(find_cycle(edges))


@pytest.mark.parametrize("package", PLAIN)
def test_a_plain_library_never_imports_dagster_even_through_another_module(package):
    edges, tops = import_graph()
    for module in (m for m in edges if m.split(".")[0] == package):
        reached = _reachable(edges, module)
        culprits = sorted(m for m in reached if tops[m] & set(DAGSTER))
        assert not culprits, f"{module} reaches Dagster through {culprits}"


def test_the_cycle_finder_finds_a_cycle_written_in_a_function(tmp_path):
    """The check above can fail: two modules importing each other, one of them lazily, make a cycle."""
    (tmp_path / "ingest").mkdir()
    (tmp_path / "ingest" / "a.py").write_text("import ingest.b\n")
    (tmp_path / "ingest" / "b.py").write_text("def f():\n    from ingest.a import g\n")
    (tmp_path / "ingest" / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                              "    from ingest.a import g\n")
    modules = {f"ingest.{n}": tmp_path / "ingest" / f"{n}.py" for n in "abc"}
    edges, _ = import_graph(modules)
    assert edges["ingest.c"] == set()
    assert find_cycle(edges) == ["ingest.a", "ingest.b", "ingest.a"]
