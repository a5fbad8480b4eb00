"""The floor plan (README "Architecture"), checked from the imports of the product modules:
arrows point down only, and there is no import circle.

    ui (cli, web, accounts)  -> ingest, rag, evals (ui/cli only)
    evals                    -> ingest, rag
    ingest                   -> rag.core, rag.index, rag.embedding (the ground floor)
    rag (the reader)         -> the ground floor
    rag.vision               -> the ground floor (siblings: reader and vision never meet)
    rag.index, rag.embedding -> the ground floor; rag.core -> nothing of the project

Every import counts, also one inside a function or under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("rag", "ingest", "ui", "evals")
GROUND = ("rag.core", "rag.index", "rag.embedding")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _in(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Product module -> the product modules it imports (`from a import b` counts a.b if that
    is a module, else a)."""
    files = {_module(p): p for pkg in PACKAGES for p in (root / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in files}
    for mod, path in files.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{a.name}" for a in node.names]
                names = [s for s in subs if s in files] or [node.module]
            graph[mod] |= {n for n in names if n in files and n != mod}
    return graph


def wrong_arrows(graph: dict[str, set[str]]) -> list[str]:
    """Imports that point up or sideways across floors."""
    bad = []
    for src, targets in graph.items():
        for dst in targets:
            if _in(dst, "ui") and not _in(src, "ui"):
                bad.append(f"{src} -> {dst} (only the faces use ui)")
            elif _in(dst, "evals") and not _in(src, "evals", "ui.cli"):
                bad.append(f"{src} -> {dst} (only evals and the CLI use evals)")
            elif _in(src, "rag") and _in(dst, "ingest"):
                bad.append(f"{src} -> {dst} (the reader never uses the writer)")
            elif _in(src, "ingest") and _in(dst, "rag") and not _in(dst, *GROUND):
                bad.append(f"{src} -> {dst} (ingest uses only the ground floor of rag)")
            elif _in(src, "rag") and _in(dst, "rag.vision") and not _in(src, "rag.vision"):
                bad.append(f"{src} -> {dst} (the reader does not use the Vision-Werkstatt)")
            elif _in(src, "rag.vision") and not _in(dst, "rag.vision", *GROUND):
                bad.append(f"{src} -> {dst} (the Vision-Werkstatt uses the ground floor only)")
            elif _in(src, *GROUND) and not _in(dst, *GROUND):
                bad.append(f"{src} -> {dst} (the ground floor stands on nothing above it)")
            elif _in(src, "rag.core") and not _in(dst, "rag.core"):
                bad.append(f"{src} -> {dst} (rag.core imports nothing of the project)")
    return sorted(bad)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), ignoring a package
    that only re-exports its own submodules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            nested = all(any(_in(o, x) or _in(x, o) for o in comp if o != x) for x in comp)
            if len(comp) > 1 and not nested:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_arrows_point_down_only() -> None:
    assert wrong_arrows(import_graph()) == []


def test_no_import_circle() -> None:
    assert circles(import_graph()) == []


def test_the_checks_catch_a_wrong_arrow_and_a_circle() -> None:
    graph = {
        "ingest.pipeline": {"rag.service"},
        "rag.service": {"rag.answer"},
        "rag.answer": {"rag.service"},
        "rag.core.text": {"rag.index.schema"},
        "rag.index.schema": set(),
        "rag.vision": {"rag.vision.workshop"},
        "rag.vision.workshop": {"rag.vision"},
    }
    assert wrong_arrows(graph) == [
        "ingest.pipeline -> rag.service (ingest uses only the ground floor of rag)",
        "rag.core.text -> rag.index.schema (rag.core imports nothing of the project)",
    ]
    assert circles(graph) == [["rag.answer", "rag.service"]]
