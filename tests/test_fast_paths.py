"""The crawl's cheap paths (issue 12): what a crawl of unchanged feeds loads, and the story signals
the extraction workers compute for the store.

A one-off ``crawl`` whose feeds all answer 304 is mostly start-up, so it must not import what only
a new page needs (the extraction library, feedparser, the story matching with numpy) nor what no
crawl uses (Scrapy's remote control with aiohttp, the cookies middleware with tldextract).
"""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
from conftest import REPO, write_sites_file

from crawler.items import Extracted, FeedEntry
from crawler.offload import story_signals
from crawler.stories.match import profile, text_signals
from pipelines.normalize import build_record

#: Modules only a fetched page needs, or that no crawl needs.
HEAVY = ("crawler.extraction", "feedparser", "numpy", "datasketch", "crawler.stories.match", "aiohttp",
         "tldextract", "trafilatura", "dateparser")

_RUN = """
import json, sys
from crawler.cli import main
sys.argv = ["defwatch", *sys.argv[1:]]
try:
    code = main()
finally:
    with open(OUT, "w") as fh:
        json.dump(sorted(m for m in HEAVY if m in sys.modules), fh)
sys.exit(code)
"""


def crawl_loading(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run ``defwatch crawl`` in a fresh interpreter; the heavy modules it had imported at the end."""
    out = tmp_path / "modules.json"
    code = f"OUT = {str(out)!r}\nHEAVY = {HEAVY!r}\n" + _RUN
    run = subprocess.run([sys.executable, "-c", code, "crawl", *args], capture_output=True, text=True,
                         timeout=300, cwd=REPO)
    return run, json.loads(out.read_text())


def test_crawl_of_unchanged_feeds_imports_nothing_heavy(fresh_web_dev, web_dev_sites, tmp_path):
    sites = write_sites_file(tmp_path / "sites.toml", fresh_web_dev, web_dev_sites)
    db = tmp_path / "store.sqlite3"
    first, loaded = crawl_loading(tmp_path, "--sites", str(sites), "--db", str(db))
    assert first.returncode == 0, first.stderr[-2000:]
    assert "crawler.extraction" in loaded  # new articles: pages are extracted in the crawl process while the worker pool starts
    start = len(fresh_web_dev.log())
    idle, loaded = crawl_loading(tmp_path, "--sites", str(sites), "--db", str(db))
    assert idle.returncode == 0, idle.stderr[-2000:]
    feeds = [e for e in fresh_web_dev.log(since=start) if e["path"] != "/robots.txt"]
    live = [e for e in feeds if e["status"] not in (404, 410)]
    assert live and all(e["status"] == 304 for e in live), [(e["path"], e["status"]) for e in live]
    assert loaded == []


def test_the_crawl_settings_do_not_name_unused_components():
    from crawler.config import AppConfig
    from crawler.settings import DOWNLOADER_MIDDLEWARES_BASE, EXTENSIONS_BASE, build_settings

    names = set(DOWNLOADER_MIDDLEWARES_BASE) | set(EXTENSIONS_BASE)
    assert not {n for n in names if "cookies" in n or "remote_control" in n or "stats.DownloaderStats" in n}
    assert "scrapy.downloadermiddlewares.retry.RetryMiddleware" in names  # the rest stays
    assert "scrapy.extensions.closespider.CloseSpider" in names
    assert not [k for k in build_settings(AppConfig()) if k.startswith("_")]


def _extracted(title: str | None, body: str) -> Extracted:
    return Extracted(url="https://example.com/a/1", title=title, body=body, published="2024-03-12T10:00:00+00:00")


BODY = ("Poland signed a $1.6 billion contract with Hanwha on Tuesday, March 12, for 96 K9 howitzers. "
        "The Ministry of National Defence said deliveries to the 18th Mechanised Division start in 2025.\n\n"
        "Deputy minister Pawel Bejda said the Krab programme continues.")


def test_worker_signals_are_the_store_profile_of_the_record():
    entry = FeedEntry(feed_url="https://example.com/feed/", link="https://example.com/a/1", title=" Feed title ")
    for title in ("Poland buys 96 K9 howitzers", None):  # no page title: the entry's, as the record has
        ex = _extracted(title, BODY)
        record = build_record(ex, site_id="ex", site_url="https://example.com/", fetched_url=ex.url, entry=entry)
        signals = story_signals(ex, entry)
        assert signals is not None and signals.title == (record.title or "")
        mine, theirs = profile(record, signals), profile(record)
        assert np.array_equal(mine.sig, theirs.sig)
        assert (mine.facts, mine.lead, mine.ts) == (theirs.facts, theirs.lead, theirs.ts)
        assert mine.sig is signals.sig  # used, not recomputed


def test_signals_of_another_text_are_not_used():
    ex = _extracted("Poland buys 96 K9 howitzers", BODY)
    record = build_record(ex, site_id="ex", site_url="https://example.com/", fetched_url=ex.url)
    stale = text_signals(record.title or "", BODY + "\n\nA template block the store took out.")
    p = profile(record, stale)
    assert p.sig is not stale.sig
    assert np.array_equal(p.sig, profile(record).sig)


def test_no_signals_for_pages_that_are_not_articles():
    assert story_signals(Extracted(url="https://example.com/v", title="A video", body=BODY, kind="video"), None) is None
    assert story_signals(_extracted("Empty", ""), None) is None


def test_the_warm_up_sample_exercises_extraction_and_feed_parsing():
    """The fork server's warm-up must go through the real extraction (language model included)
    and the feed parser, or workers would still build that state on their first page."""
    from crawler.config import Site
    from crawler.offload import _SAMPLE_FEED, _SAMPLE_PAGE, PRELOAD, extract_in_worker, warm_up
    from spiders.feedparse import parse_feed_outcome

    assert PRELOAD[-1] == "crawler.workerinit"
    site = Site(id="t", name="T", url="https://example.com/", feeds=("https://example.com/feed/",))
    extracted, error, _stats, signals = extract_in_worker(_SAMPLE_PAGE, "https://example.com/navy-frigates/",
                                                          site, None, "text/html")
    assert error is None and extracted is not None
    assert extracted.title and "frigates" in extracted.body and extracted.lang == "en"
    assert signals is not None and signals.facts
    parsed, failure = parse_feed_outcome(_SAMPLE_FEED, {"content-type": "application/rss+xml"},
                                         "https://example.com/feed/")
    assert failure is None and parsed is not None and len(parsed.entries) == 1
    warm_up()



_PROBE = """
import asyncio, sys

def state():
    from crawler.extraction import lang
    return "crawler.workerinit" in sys.modules, lang._identifier.cache_info().currsize

async def main():
    from crawler.offload import PRELOAD
    from crawler.pool import WorkerPool
    pool = WorkerPool(1, preload=PRELOAD)
    try:
        await pool.start()
        return await pool.run(state)
    finally:
        pool.close()

if __name__ == "__main__":
    print(asyncio.run(main()))
"""


def test_workers_are_forked_warm(tmp_path):
    """A worker comes from a fork server that imported ``crawler.workerinit``, so the language
    model is loaded before its first page (in a fresh process: a fork server, once running,
    keeps the preload it was started with)."""
    script = tmp_path / "probe.py"
    script.write_text(_PROBE)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "(True, 1)"
