#!/usr/bin/env python3
"""CPU per article of the crawl process's own item pipelines, without Scrapy, the network or noise.

    .venv/bin/python bench/store_cost.py [--sites 20] [--articles 100] [--runs 3] [--hold 0.25]

Generates the web of bench/e2e.py, extracts every article page once in this process (the worker's
work, not measured), then, per run, feeds the pages through the crawl's pipelines after extraction
(normalize, validate, template, store) into a fresh SQLite store on the asyncio loop, and prints
the process CPU per article of each stage (``loop``: the rest of the loop's CPU, the group
commits that ran on their timer included), the SQL statements per article (a sqlite3 trace
callback; an ``executemany`` counts one per row) and the commits. ``--hold 0`` commits each
transaction alone (as before group commit); the default holds commits as ``run_cycle`` does.
"""
from __future__ import annotations

import argparse
import asyncio
import copy
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from genweb import generate  # noqa: E402

STAGES = ("normalize", "validate", "template", "store")


def pages(root: Path, base: str = "http://127.0.0.1:8000") -> tuple[list, list]:
    """The sites and every article page of a generated web, extracted (as the workers would)."""
    from crawler.config import site_from_dict
    from crawler.items import ExtractedPage, FetchedPage
    from crawler.offload import extract_in_worker
    from crawler.urls import url_key

    sites, items = [], []
    for n, site_dir in enumerate(sorted(p for p in root.iterdir() if p.is_dir())):
        url = f"http://127.0.0.{n + 2}:8000/"
        site = site_from_dict({"id": site_dir.name, "name": site_dir.name, "url": url, "feeds": [url + "feed/"]},
                              root / "sites.toml", site_dir.name)
        sites.append(site)
        for page in sorted((site_dir / "files" / "2024").rglob("index.html")):
            link = url + str(page.parent.relative_to(site_dir / "files")) + "/"
            body = page.read_bytes()
            extracted, error, _, signals = extract_in_worker(body, link, site, None, "text/html")
            assert extracted is not None, error
            fetched = FetchedPage(site=site.id, url=link, body=body, content_type="text/html", entry=None,
                                  keys=[url_key(link)], feed_url=url + "feed/")
            items.append(ExtractedPage(page=fetched, extracted=extracted, signals=signals))
    return sites, items


def run(sites: list, items: list, db: Path, hold: float) -> dict[str, float]:
    from scrapy.utils.test import get_crawler

    from crawler.config import AppConfig
    from crawler.settings import build_settings
    from pipelines.normalize import NormalizePipeline
    from pipelines.store import StorePipeline
    from pipelines.template import TemplatePipeline
    from pipelines.validate import ValidatePipeline

    crawler = get_crawler(settings_dict=build_settings(AppConfig(), store=db, sites=sites))
    stages = [NormalizePipeline(crawler), ValidatePipeline(crawler), TemplatePipeline(crawler), StorePipeline(crawler)]
    spent = dict.fromkeys(STAGES, 0.0)
    statements: list[str] = []

    async def crawl() -> int:
        store = stages[-1].store
        if hold:
            store.db.hold_commits(hold)
        store.db.conn.set_trace_callback(statements.append)
        for item in items:
            for name, stage in zip(STAGES, stages, strict=True):
                started = time.process_time()
                item = stage.process_item(item)
                spent[name] += time.process_time() - started
            await asyncio.sleep(0)
        if hold:
            store.db.release_commits()
        return getattr(store.db, "group_commits", 0)

    looped = time.process_time()
    groups = asyncio.run(crawl())
    looped = time.process_time() - looped
    # What the loop spent outside every stage: the event loop, and the group commits that ran on
    # their timer (a commit that falls due inside a stage is counted in that stage).
    spent["loop"] = looped - sum(spent.values())
    started = time.process_time()
    stages[2].close_spider()
    stages[3].close_spider()
    spent["close"] = time.process_time() - started
    kinds = Counter(s.split()[0] for s in statements)
    n = len(items)
    return {**{k: 1000 * v / n for k, v in spent.items()}, "statements": len(statements) / n,
            "commits": kinds["COMMIT"], "groups": groups}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--hold", type=float, default=0.25, help="group commit window (0: each transaction commits)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="defwatch-storecost-") as tmp:
        work = Path(tmp)
        root = generate(work / "web", sites=args.sites, articles=args.articles)
        sites, items = pages(root)
        results = []
        for i in range(args.runs):
            for f in work.glob("db*.sqlite3*"):
                f.unlink()
            r = run(sites, copy.deepcopy(items), work / f"db{i}.sqlite3", args.hold)
            results.append(r)
            print(f"run {i}: " + "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in r.items()),
                  flush=True)
        med = {k: statistics.median(r[k] for r in results) for k in results[0]}
        parts = (*STAGES, "loop", "close")
        total = statistics.median(sum(r[k] for k in parts) for r in results)
        print(f"median of {args.runs}, {len(items)} articles, hold {args.hold}s: {total:.3f} ms CPU per article "
              f"(" + ", ".join(f"{k} {med[k]:.3f}" for k in parts) + f"), "
              f"{med['statements']:.1f} statements per article, {med['commits']:.0f} commits")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
