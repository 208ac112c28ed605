"""The house rules of issue 13, checked on the source: module size, import directions, a leaf core
without frameworks, no component reaching through the spider, no import cycles, no unused
dependency."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "spiders", "pipelines")
#: The leaf core: standard library and other leaf modules only.
LEAF = {"crawler/config.py", "crawler/items.py", "crawler/urls.py", "crawler/store.py", "crawler/export.py",
        "crawler/schedule.py", "crawler/text.py", "crawler/decisions.py", "crawler/state.py",
        "crawler/dates.py", "crawler/humane.py", "crawler/store_backfill.py", "crawler/backfill.py",
        "crawler/store_stories.py", "crawler/store_alerts.py", "crawler/store_templates.py",
        "crawler/db.py", "crawler/store_fleet.py", "crawler/db_sql.py", "crawler/store_exports.py"}
MAX_LINES = 600


def modules() -> dict[str, Path]:
    return {str(p.relative_to(REPO)): p for pkg in PACKAGES for p in sorted((REPO / pkg).rglob("*.py"))}


def module_name(rel: str) -> str:
    return rel[:-3].replace("/", ".").removesuffix(".__init__")


def imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """Modules imported by ``path`` (absolute names); ``top_level_only``: not inside functions."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    if top_level_only:  # module level, including `if TYPE_CHECKING:`-free try/if blocks
        nodes = [n for stmt in tree.body for n in ast.walk(stmt)
                 if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                 and not (isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test))]
        for stmt in tree.body:  # class bodies run at import time, their methods do not
            if isinstance(stmt, ast.ClassDef):
                nodes += [n for n in stmt.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


@pytest.mark.parametrize("rel", sorted(modules()))
def test_no_module_over_600_lines(rel):
    assert len(modules()[rel].read_text().splitlines()) <= MAX_LINES


@pytest.mark.parametrize("rel", sorted(modules()))
def test_spiders_and_pipelines_do_not_import_each_other(rel):
    other = {"spiders": "pipelines", "pipelines": "spiders"}.get(rel.split("/")[0])
    if other:
        assert not [m for m in imports(modules()[rel]) if m.split(".")[0] == other]


@pytest.mark.parametrize("rel", sorted(LEAF))
def test_leaf_core_uses_the_standard_library_only(rel):
    leaf_names = {module_name(r) for r in LEAF}
    for name in imports(REPO / rel, top_level_only=True):
        root = name.split(".")[0]
        assert root in sys.stdlib_module_names or name in leaf_names or module_name(name) in leaf_names \
            or name.rsplit(".", 1)[0] in leaf_names, f"{rel} imports {name}"


@pytest.mark.parametrize("rel", sorted(r for r in modules() if r.startswith(("pipelines/", "crawler/middlewares/"))))
def test_no_component_reaches_through_the_spider(rel):
    text = modules()[rel].read_text()
    assert not re.search(r"\bcrawler\.spider\b|\bspider\.(store|sites|app|record|count)\b", text)


def test_no_import_cycles():
    names = {module_name(rel): path for rel, path in modules().items()}
    graph = {name: {m for m in imports(path, top_level_only=True) if m in names and m != name}
             for name, path in names.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in graph:
        if name not in state:
            visit(name)


def test_every_declared_dependency_is_imported():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    import_names = {"beautifulsoup4": "bs4", "scrapy": "scrapy", "apscheduler": "apscheduler"}
    used = {name.split(".")[0] for path in modules().values() for name in imports(path)}
    for requirement in project["dependencies"]:
        dist = re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0].lower()
        assert import_names.get(dist, dist.replace("-", "_")) in used, f"{dist} is declared but never imported"
