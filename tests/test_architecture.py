"""The import graph of the project has no cycle, at the level of single modules.

``lint-imports`` (``.importlinter``) checks the layers and forbids cycles
between the sibling packages or modules of one parent at any depth; this test
adds what a sibling check cannot see: a cycle through a package's own
``__init__`` (``a`` imports ``a.b`` which imports ``a``). It uses grimp,
import-linter's own graph library.
"""

import grimp

ROOTS = ("asnportal", "districts", "training")


def module_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Return the strongly connected groups of two or more modules (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_module_cycles_are_found():
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg", imported="pkg.a")
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg")
    graph.add_import(importer="pkg.c", imported="pkg.a")

    assert module_cycles(graph) == [["pkg", "pkg.a", "pkg.b"]]


def test_project_has_no_import_cycle():
    graph = grimp.build_graph(*ROOTS, cache_dir=None)

    assert module_cycles(graph) == []
