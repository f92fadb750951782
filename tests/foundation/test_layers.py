"""The house's arrows point one way (shared/DESIGN.md): no import circle between
sentirec's modules, nor between its packages, and the services never reach up into the
tasks or the feed (they announce through ``sentirec.events`` and ``sentirec.queueing``)."""

from __future__ import annotations

from tests.imports import import_graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            if len(group) > 1:
                found.append(sorted(group))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def package_of(module: str) -> str:
    """``sentirec.feeds.cache`` -> ``sentirec.feeds``; a top-level module is its own."""
    return ".".join(module.split(".")[:2])


def test_no_module_imports_itself_back():
    assert circles(import_graph()) == []


def test_no_two_packages_import_each_other():
    packages: dict[str, set[str]] = {}
    for module, imports in import_graph().items():
        mine = package_of(module)
        packages.setdefault(mine, set()).update(
            package_of(m) for m in imports if package_of(m) != mine
        )
    assert circles(packages) == []


def test_the_services_import_neither_the_tasks_nor_the_feed():
    upward = {
        (module, imported)
        for module, imports in import_graph().items()
        if module.startswith("sentirec.services.")
        for imported in imports
        if imported == "sentirec.tasks" or imported.startswith("sentirec.feeds")
    }
    assert upward == set()


def test_the_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
