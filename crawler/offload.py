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
#: (``spiders.feedparse.parse_feed_outcome``, run by the feed spider) and the story signals.
PRELOAD = ["crawler.extraction", "feedparser", "spiders.feedparse", "crawler.stories.match", "crawler.offload"]
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

