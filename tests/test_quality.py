"""Quality gate: extract_page over every web-dev truth page may not fall below tests/quality_floor.json.

The floor is pinned from a measured run (bench/extraction.py prints the same figures). Raising it
is a one-line edit; lowering it needs a reason in the commit message (trafilatura's eval gate).
Leaks are a ceiling: ``must_not_contain`` strings kept in bodies may not increase.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
FLOOR = json.loads((Path(__file__).resolve().parent / "quality_floor.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(not (SHARED / "mockweb" / "web-dev").is_dir(),
                                reason="shared/ (mockweb web-dev) not beside the repository")


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def metrics() -> dict:
    bench = _module("defwatch_bench_extraction", ROOT / "bench" / "extraction.py")
    scorer = _module("score_crawl", SHARED / "tools" / "score_crawl.py")
    pages = bench.load_webdev(SHARED)
    outs = [bench.defwatch(page) for page in pages]
    result = bench.score_webdev(pages, outs, scorer)
    result["pages"] = len(pages)
    result["non_articles_flagged"] = _non_articles_flagged(bench, SHARED)
    return result


def _non_articles_flagged(bench, shared: Path) -> float:
    pages = [p for p in bench.load_webdev(shared, articles_only=False) if not p["truth"].get("is_article", True)]
    flagged = sum(bench.defwatch(p).get("kind") != "article" for p in pages)
    return flagged / len(pages) if pages else 1.0


def test_every_truth_page_is_measured(metrics: dict) -> None:
    assert metrics["pages"] >= FLOOR["pages"]


@pytest.mark.parametrize("key", ["f1", "precision", "recall", "title", "authors", "published", "lang",
                                 "non_articles_flagged"])
def test_not_below_floor(metrics: dict, key: str) -> None:
    assert metrics[key] >= FLOOR[key] - 1e-9, f"{key} fell to {metrics[key]:.4f} (floor {FLOOR[key]})"


def test_leaks_not_above_ceiling(metrics: dict) -> None:
    assert metrics["leaks"] <= FLOOR["leaks"], "\n".join(metrics["_leaks"][:20])
