"""Work done in the worker processes (``crawler.pool``), free of Scrapy and Twisted.

The fork server imports ``PRELOAD`` once and every worker is a fork of it, so a worker holds the
extraction library, the feed parser and the story signals, not the crawler around them. This
module itself stays light (the extraction library is imported on the first call), so the crawl's
own process can name these tasks without importing what they run: a crawl whose feeds all answer
304 never imports the extraction library.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from crawler.config import Site
from crawler.items import Extracted, FeedEntry

#: What the fork server imports before forking workers: the extraction library, the feed parser
#: (``spiders.feedparse.parse_feed_outcome``, run by the feed spider), the story signals, the
#: worker loop (``crawler.pool``), ``crawler.cli``, and ``crawler.workerinit``, which warms them up
#: (``warm_up``). ``crawler.cli`` because multiprocessing runs the parent's main script again in
#: every new worker (as ``__mp_main__``; its forkserver "__main__" preload never takes effect on
#: Python 3.11), and the ``defwatch`` script imports it: 20 ms a worker when it is not there yet.
PRELOAD = ["crawler.extraction", "feedparser", "spiders.feedparse", "crawler.stories.match", "crawler.offload",
           "crawler.pool", "crawler.cli", "crawler.workerinit"]
#: Page kinds whose story signals are worth computing beside the extraction (the others are
#: dropped before the store; see ``pipelines.validate.ARTICLE_KINDS``).
SIGNAL_KINDS = frozenset({"article", "live"})


def extract_in_worker(body: bytes, url: str, site: Site, entry: FeedEntry | None,
                      content_type: str | None) -> tuple[Extracted | None, str | None, Counter[str], Any]:
    """Extract one page: the record or the reason it cannot be read, the extraction stats, and
    the story signals of its text (``crawler.stories.match.TextSignals``, or None)."""
    from crawler.extraction import ExtractError, extract_page

    stats: Counter[str] = Counter()
    try:
        extracted = extract_page(body, url, site=site, entry=entry, stats=stats,
                                 headers={"Content-Type": content_type})
    except ExtractError as exc:  # sent back as text: the worker's exception need not pickle
        return None, str(exc), stats, None
    return extracted, None, stats, story_signals(extracted, entry)


def story_signals(extracted: Extracted, entry: FeedEntry | None) -> Any:
    """The story signals of the record ``pipelines.normalize.build_record`` will make of
    ``extracted`` (same title fallback, same body); the store checks they still match."""
    if extracted.kind not in SIGNAL_KINDS or not extracted.body:
        return None
    from crawler.stories.match import text_signals

    title = (extracted.title or (entry.title if entry else None) or "").strip()
    return text_signals(title, extracted.body)



_SAMPLE_PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Navy orders frigates - Example</title>
<meta property="article:published_time" content="2024-03-12T10:00:00+00:00"></head><body>
<header><nav><a href="/">Home</a> <a href="/about/">About</a></nav></header>
<main><article><h1>Navy orders four frigates</h1><p class="byline">By Jane Smith</p>
<p>The Navy signed a $1.2 billion contract with Example Shipbuilding on Tuesday for four new frigates, the
ministry said in a statement. Deliveries of the first ship are planned for 2027, officials said.</p>
<p>The ships will carry a new radar and a vertical launch system, and will replace older vessels that entered
service in the 1990s. The programme is part of a wider fleet renewal announced last year by the government.</p>
</article></main><footer>All rights reserved.</footer></body></html>"""
_SAMPLE_FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Example</title><link>https://example.com/</link>
<item><title>Navy orders four frigates</title><link>https://example.com/navy-frigates/</link>
<pubDate>Tue, 12 Mar 2024 10:00:00 GMT</pubDate></item></channel></rss>"""


def warm_up() -> None:
    """Extract a sample page and parse a sample feed, so the lazy state (the language model, parser
    and pattern caches) is built once in the fork server and every worker forked from it starts
    warm: a worker's first page cost about 50 ms more than the next ones, and workers are
    replaced every ``extract_worker_pages`` pages."""
    from crawler.config import Site
    from spiders.feedparse import parse_feed_outcome

    site = Site(id="warm-up", name="Warm-up", url="https://example.com/", feeds=("https://example.com/feed/",))
    # As served, and without its declared language (so the language model is loaded too).
    for page in (_SAMPLE_PAGE, _SAMPLE_PAGE.replace(b' lang="en"', b"")):
        extract_in_worker(page, "https://example.com/navy-frigates/", site, None, "text/html")
    parse_feed_outcome(_SAMPLE_FEED, {"content-type": "application/rss+xml"}, "https://example.com/feed/")
