"""Gap detection for FeedSpider: a poll whose entries are all new may have missed posts.

``crawler.backfill.detect_gap`` decides; this module reads and writes the store around it. A
detected gap is written to the store at once (``gaps``), so a cycle killed before its recovery
still recovers it next time (``crawler.runner.recover_gaps``).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from crawler.backfill import detect_gap
from crawler.dates import iso_timestamp
from crawler.items import entry_keys
from crawler.store import Store
from crawler.urls import url_key

if TYPE_CHECKING:
    from crawler.config import Site
    from crawler.items import FeedEntry

logger = logging.getLogger(__name__)

#: An undated feed's gap reaches back this far before the previous poll.
UNDATED_MARGIN = 3600.0


def unseen(store: Store, site: Site, entries: Sequence[FeedEntry]) -> list[bool]:
    """Per entry: whether neither the entry nor its page is known to the store (before this poll)."""
    flags = []
    for entry in entries:
        known = store.known_entry(entry_keys(site.id, entry))
        page = store.page(url_key(entry.link)) if known is None else None
        flags.append(known is None and (page is None or page.outcome not in ("stored", "duplicate")))
    return flags


def watch(store: Store, site: Site, feed_url: str, entries: Sequence[FeedEntry], fresh: Sequence[bool]) -> int | None:
    """Record the feed's newest entry; open a gap (returns its id) when this poll may have missed posts."""
    mark = store.feed_mark(feed_url)
    times = [iso_timestamp(e.published or e.updated) for e in entries]
    gap_id = None
    if mark is not None and detect_gap(known=True, known_newest=mark.newest_published,
                                       entries=list(zip(fresh, times, strict=True))):
        since = mark.newest_published if mark.newest_published is not None else mark.marked_at - UNDATED_MARGIN
        gap_id = store.add_gap(site.id, feed_url, since)
        logger.info("gap site=%s feed=%s: every entry is new; recovering since %s from sitemaps",
                    site.id, feed_url, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since)))
    store.mark_feed(feed_url, site.id, max((t for t in times if t is not None), default=None))
    return gap_id


def note_poll_start(store: Store, feed_url: str, latency: float | None) -> None:
    """Remember when a poll's request went out, ``latency`` seconds ago (the daemon's measured cadence)."""
    store.note_poll_start(feed_url, time.time() - float(latency or 0.0))
