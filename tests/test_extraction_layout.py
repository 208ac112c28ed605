"""The house rules of issue 8, checked on the source: extraction is framework-free core code, spiders
and pipelines never import each other, and no module of the library grows past the hard limit."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "crawler" / "extraction"
#: Modules past this many lines hold several concerns (the house's hard limit; aim for ~400).
MAX_LINES = 600


def imported(path: Path) -> set[str]:
    """Top-level names of every module that ``path`` imports, at any depth of the file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package,other", [("spiders", "pipelines"), ("pipelines", "spiders")])
def test_spiders_and_pipelines_never_import_each_other(package: str, other: str) -> None:
    for path in (ROOT / package).glob("*.py"):
        bad = {m for m in imported(path) if m == other or m.startswith(other + ".")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_extraction_library_is_framework_free() -> None:
    for path in LIBRARY.glob("*.py"):
        bad = {m for m in imported(path) if m.split(".")[0] in ("scrapy", "twisted", "spiders", "pipelines")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_no_extraction_module_passes_the_hard_limit() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in LIBRARY.glob("*.py")}
    assert len(sizes) >= 10
    assert max(sizes.values()) <= MAX_LINES, sizes
