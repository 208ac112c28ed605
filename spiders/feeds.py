"""FeedSpider: due feeds -> new entries -> article pages -> ``FetchedPage`` items for the pipelines.

The spider is thin: it asks the store which feeds are due, sends conditional requests, hands the
bytes to ``spiders.feedparse``, applies ``crawler.decisions`` (when to poll next, whether an
entry's page is fetched) and yields one ``FetchedPage`` per fetched article, or a
``FailedPage`` naming the outcome of a page that could not be fetched (gone, timeout,
connection-error, robots-denied, ...). ``pipelines/outcome.py`` records those; ``pipelines/store.py``
stores the articles. Data for the callbacks travels in ``cb_kwargs`` as typed values.

Settings (see ``crawler/settings.py``): ``DEFWATCH_STORE`` (path of the store), ``DEFWATCH_SITES``
(the sites to poll), ``DEFWATCH_APP`` (the application config), ``DEFWATCH_INTERVAL``
(``--interval``). Spider arguments: ``force`` (refetch what the store knows) and ``all_feeds``
(poll every feed now, whatever its schedule says).
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.config import AppConfig, Site
from crawler.dates import iso_timestamp
from crawler.decisions import PollBounds, PollResult, decide_entry, plan_poll
from crawler.items import FailedPage, FeedEntry, FetchedPage, PageTarget, entry_keys
from crawler.pool import WorkerLost, WorkerPool, crawl_pool
from crawler.schedule import WEEK, entries_per_week, stamp_time
from crawler.state import FeedState
from crawler.store import Store
from crawler.urls import canonical_url, url_key
from spiders import gaps
from spiders.failures import classify_failure
from spiders.feedparse import FeedError, ParsedFeed, parse_feed_outcome
from spiders.quickpoll import Answer, QuickPoll

logger = logging.getLogger(__name__)

#: Statuses handed to our callbacks instead of being filtered by HttpErrorMiddleware
#: (3xx are still followed by RedirectMiddleware, 5xx still retried by RetryMiddleware first).
HANDLED_STATUSES = [304, 400, 401, 403, 404, 405, 406, 410, 429, 451, 500, 501, 502, 503, 504, 520, 521, 522, 524]
GONE_STATUSES = (404, 410)
#: Outcomes of a page that no later crawl would change: not retried.
FINAL_FAILURES = ("robots-denied", "address-denied", "ignored")


class FeedSpider(scrapy.Spider):
    name = "feeds"
    #: Opened from ``DEFWATCH_STORE`` in ``from_crawler``, closed in ``closed``.
    store: Store
    #: The process's worker pool (``crawler.pool``), shared with the extraction pipeline.
    pool: WorkerPool | None = None

    def __init__(self, *, force: bool = False, all_feeds: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.force = force          # refetch everything, ignoring what the store knows
        self.all_feeds = all_feeds  # poll every feed now, whatever its schedule says
        self.sites: dict[str, Site] = {}
        self.app = AppConfig()
        self.fixed_interval: float | None = None
        self.deferred_validators: dict[str, dict[str, str | None]] = {}
        self.cycle_started = time.time()  # --interval counts from poll start to poll start (issue 9)
        #: (page key, site id, entry) of entries whose page another feed claimed in this crawl.
        self.duplicates: list[tuple[str, str, FeedEntry]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FeedSpider:
        spider: FeedSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.sites = {site.id: site for site in settings.get("DEFWATCH_SITES") or ()}
        spider.app = settings.get("DEFWATCH_APP") or AppConfig()
        interval = settings.get("DEFWATCH_INTERVAL")
        spider.fixed_interval = float(interval) if interval is not None else None
        spider.store = Store(settings["DEFWATCH_STORE"])
        # Feed parsing is CPU work: it goes to the extraction workers, the reactor only does I/O.
        spider.pool = crawl_pool(spider.app)
        return spider

    # ------------------------------------------------------------ helpers
    def count(self, site: str, key: str, n: int = 1) -> None:
        """Count a per-site event for the crawl summary (``defwatch/site/<id>/<key>``)."""
        self.stat(f"site/{site}/{key}", n)

    def stat(self, key: str, n: int = 1) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"defwatch/{key}", n)

    def bounds(self, site: Site) -> PollBounds:
        return PollBounds(min_interval=site.poll.min_interval or self.app.min_interval,
                          max_interval=site.poll.max_interval or self.app.max_interval,
                          max_new_entries=site.poll.max_new_entries or self.app.max_new_entries,
                          factor=self.app.interval_factor, jitter=self.app.jitter,
                          fixed_interval=self.fixed_interval)

    # ------------------------------------------------------------ start
    async def start(self) -> AsyncIterator[scrapy.Request]:
        # Known feeds get their conditional GET from the quick path (spiders/quickpoll.py); what
        # is not a plain 304 comes back here as Scrapy requests, host by host.
        now = time.time()
        quick = QuickPoll(self.crawler, self.feed_request, self.not_modified)
        async for requests in quick.run(self.due_feeds(now)):
            for request in requests:
                yield request
        for request in self.retry_requests(now):
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        now = time.time()
        for state in self.due_feeds(now):
            yield self.feed_request(state)
        yield from self.retry_requests(now)

    def due_feeds(self, now: float) -> list[FeedState]:
        self.store.ensure_feeds((site.id, url) for site in self.sites.values() for url in site.feeds)
        feed_urls = {url for site in self.sites.values() for url in site.feeds}
        return [state for state in self.store.due_feeds(feed_urls, now, every=self.force or self.all_feeds)
                if state.site in self.sites and state.url in self.sites[state.site].feeds]

    def retry_requests(self, now: float) -> Iterator[scrapy.Request]:
        # A one-off crawl retries every failed page (the user asked for a crawl now); the daemon
        # waits for each page's backoff. Hosts that sent Retry-After are held by the middleware.
        # A timed-out page (a tarpit costs a whole deadline) keeps its backoff in both.
        retry_horizon = float("inf") if self.all_feeds else now
        for page in self.store.due_retries(retry_horizon, sites=self.sites):
            if page.outcome == "timeout" and (page.retry_at or 0) > now:
                continue
            request = self.page_request(self.sites[page.site], page.url, page.feed_entry, page.feed_url)
            if request:
                yield request

    def feed_request(self, state: FeedState) -> scrapy.Request:
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        self.stat("feeds/scheduled")
        return scrapy.Request(state.url, callback=self.parse_feed, errback=self.feed_failed, headers=headers,
                              dont_filter=True, priority=10, cb_kwargs={"site_id": state.site, "feed_url": state.url},
                              meta={"handle_httpstatus_list": HANDLED_STATUSES})

    # ------------------------------------------------------------ feeds
    async def parse_feed(self, response: Response, site_id: str, feed_url: str) -> AsyncIterator[scrapy.Request]:
        site = self.sites[site_id]
        self.count(site.id, "feeds")
        gaps.note_poll_start(self.store, feed_url, response.meta.get("download_latency"))
        headers = {k.decode("latin-1").lower(): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        if response.status == 304:
            self.stat("feeds/not_modified")
            self.finish_feed(site, feed_url, "304", headers=headers)
            return
        if response.status != 200:
            kind = "gone" if response.status in GONE_STATUSES else f"http-{response.status}"
            self.stat(f"feeds/error/{kind}")
            self.finish_feed(site, feed_url, "error", error=f"HTTP {response.status}", headers=headers)
            return
        body = response.body
        body_hash = hashlib.sha256(body).hexdigest()[:32]
        state = self.store.feed(feed_url)
        validators = {"etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
                      "body_hash": body_hash}
        if state is not None and body_hash == state.body_hash and not self.force:
            self.stat("feeds/unchanged")
            self.finish_feed(site, feed_url, "200-unchanged", headers=headers, **validators)
            return
        try:
            parsed = await self.parse_document(body, headers, response.url)
        except FeedError as exc:
            self.stat(f"feeds/error/{exc.outcome}")
            logger.info("feed %s: %s", feed_url, exc)
            self.finish_feed(site, feed_url, "error", error=f"{exc.outcome}: {exc}", headers=headers)
            return
        self.stat("feeds/parsed")
        if parsed.bozo:
            self.stat("feeds/bozo")
            logger.info("feed %s is malformed (%s); using the %d entries it still yields",
                        feed_url, parsed.bozo, len(parsed.entries))
        cap = self.bounds(site).max_new_entries
        new = 0
        fresh = gaps.unseen(self.store, site, parsed.entries)
        for entry in parsed.entries:
            try:
                request = self.entry_request(site, entry)
            except Exception:  # one bad entry never stops the others
                logger.exception("feed %s: entry %s failed", feed_url, entry.link)
                self.stat("entries/error")
                continue
            if request is None:
                continue
            if new >= cap:
                self.stat("entries/over_cap")
                continue
            new += 1
            yield request
        if new:
            self.stat("entries/new", new)
        if gaps.watch(self.store, site, feed_url, parsed.entries, fresh) is not None:
            self.stat("feeds/gap")
        self.finish_feed(site, feed_url, "200", headers=headers, new_items=new, ttl=parsed.ttl_seconds,
                         entries=parsed.entries, error=f"bozo: {parsed.bozo}" if parsed.bozo else None, **validators)

    def not_modified(self, answers: list[tuple[FeedState, Answer]]) -> None:
        """Record the 304s the quick path received for one host (as ``parse_feed`` does for Scrapy's).

        One transaction for the host's feeds, not four per feed: an idle pass is mostly these.
        """
        def record() -> None:
            with self.store.transaction():
                for state, answer in answers:
                    gaps.note_poll_start(self.store, state.url, time.time() - answer.sent_at)
                    headers: dict[str, str] = {}
                    for key, value in answer.headers:
                        headers.setdefault(key.decode("latin-1").lower(), value.decode("latin-1"))
                    self.finish_feed(self.sites[state.site], state.url, "304", headers=headers)

        self.store.db.retrying(record)  # the whole batch again if PostgreSQL ends it for a conflict
        for state, _ in answers:
            self.count(state.site, "feeds")
            self.stat("feeds/not_modified")

    async def parse_document(self, body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
        """``spiders.feedparse.parse_feed`` in a worker process; raises FeedError as it does."""
        if self.pool is None:
            parsed, error = parse_feed_outcome(body, headers, url)
        else:
            try:
                parsed, error = await self.pool.run(parse_feed_outcome, body, headers, url)
            except WorkerLost as exc:
                raise FeedError("parse-error", str(exc)) from None
        if error is not None:
            raise FeedError(*error)
        assert parsed is not None
        return parsed

    def feed_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        site_id, feed_url = request.cb_kwargs["site_id"], request.cb_kwargs["feed_url"]
        outcome, detail = classify_failure(failure)
        self.count(site_id, "feeds")
        gaps.note_poll_start(self.store, feed_url, None)
        self.stat(f"feeds/error/{outcome}")
        logger.info("feed %s: %s", feed_url, detail)
        self.finish_feed(self.sites[site_id], feed_url, "error", error=f"{outcome}: {detail}")

    def finish_feed(self, site: Site, feed_url: str, status: str, *, error: str | None = None,
                    headers: dict[str, str] | None = None, new_items: int = 0, ttl: float | None = None,
                    entries: Iterable[FeedEntry] | None = None, etag: str | None = None,
                    last_modified: str | None = None, body_hash: str | None = None) -> None:
        """Record a poll's result and schedule the feed's next poll (``crawler.decisions.plan_poll``).

        ``entries`` are the parsed entries (their dates give the entry rate); a 304 or an
        unchanged body uses the stamps of the entries stored for the feed.
        """
        now = time.time()
        state = self.store.feed(feed_url) or FeedState(url=feed_url, site=site.id)
        if status == "error":
            self.count(site.id, "feed_errors")
        rate = None
        if self.fixed_interval is None:
            if entries is not None:
                rate = entries_per_week((iso_timestamp(e.published or e.updated) for e in entries), now)
            else:
                rate = entries_per_week((stamp_time(s) for s in self.store.entry_stamps(feed_url)), now)
            if rate is None:  # undated entries: count the entries first seen in the last week
                rate = self.store.entries_since(feed_url, now - WEEK) + new_items
        result = PollResult(status, error, headers or {}, new_items, ttl, rate, etag, last_modified, body_hash)
        plan = plan_poll(state, result, now, self.bounds(site), cycle_started=self.cycle_started)
        if plan.deferred:
            self.deferred_validators[feed_url] = dict(plan.deferred)
        self.store.record_poll(plan.state, error)

    def closed(self, reason: str) -> None:
        """Store the validators deferred by ``finish_feed`` once every page of the crawl is done."""
        if reason == "finished":
            for feed_url, fresh in self.deferred_validators.items():
                self.store.commit_validators(feed_url, fresh)
        self.deferred_validators.clear()
        self.remember_duplicates()
        self.store.close()

    def remember_duplicates(self) -> None:
        """Let a dated feed watch a post fetched in this crawl for an undated feed (issue 9).

        The same post in a dated feed and an undated one (RSS 0.92) is fetched once, for the
        feed parsed first; when that was the undated one, the dated entry's stamp is recorded
        now, so that feed's next change of date or content is seen, and the undated one's never
        refetches the page.
        """
        for page_key, site_id, entry in self.duplicates:
            page = self.store.page(page_key)
            if not page or page.outcome != "stored" or not (entry.stamp or "").split("|", 1)[0]:
                continue
            keys = entry_keys(site_id, entry)
            known = self.store.known_entry(keys)
            if known is not None and not (known.updated or "").split("|", 1)[0]:
                self.store.remember_entries(site_id, keys, known.page_key, entry.stamp, entry.feed_url)
                self.store.restamp_entries(keys, entry.stamp, entry.feed_url)
        self.duplicates.clear()

    # ------------------------------------------------------------ entries -> pages
    def entry_request(self, site: Site, entry: FeedEntry) -> scrapy.Request | None:
        """The request for a feed entry's page, or None when the store already has its answer."""
        keys = entry_keys(site.id, entry)
        link_key = url_key(entry.link)
        known = self.store.known_entry(keys)
        page = self.store.page(known.page_key if known else link_key)
        decision = decide_entry(known, page, entry, time.time(), link_key=link_key, force=self.force)
        if decision.stat:
            self.stat(f"entries/{decision.stat}")
        if decision.action == "remember":
            self.store.remember_entries(site.id, keys, decision.page_key, decision.stamp, entry.feed_url)
            if decision.restamp:
                self.store.restamp_entries(keys, entry.stamp, entry.feed_url)
            return None
        if decision.action == "skip":
            return None
        return self.page_request(site, entry.link, entry, entry.feed_url, refetch=decision.refetch)

    def page_request(self, site: Site, url: str, entry: FeedEntry | None, feed_url: str | None, *,
                     refetch: bool = False) -> scrapy.Request | None:
        target = canonical_url(url)
        key = url_key(target)
        if not self.store.claim(key):
            # Already requested in this crawl (the same post in two feeds). Its identities are not
            # remembered here: only a stored outcome may mark an entry handled, or a kill before
            # the page is stored would lose the article.
            self.stat("entries/duplicate_in_run")
            if entry is not None:
                self.duplicates.append((key, site.id, entry))
            return None
        self.stat("pages/scheduled")
        page = PageTarget(site=site.id, url=target, key=key, entry=entry, feed_url=feed_url, refetch=refetch)
        return scrapy.Request(target, callback=self.parse_page, errback=self.page_failed, priority=0,
                              cb_kwargs={"target": page}, meta={"handle_httpstatus_list": HANDLED_STATUSES})

    # ------------------------------------------------------------ pages
    def parse_page(self, response: Response, target: PageTarget) -> Iterator[FetchedPage | FailedPage]:
        keys = page_keys(target, response)
        status = response.status
        if status in GONE_STATUSES:
            yield failed(target, keys, response.url, "gone", f"HTTP {status}", status)
            return
        if status != 200:
            yield failed(target, keys, response.url, "http-error-after-retries", f"HTTP {status}", status, retry=True)
            return
        ctype = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower().decode("latin-1")
        if not response.body.strip():
            yield failed(target, keys, response.url, "parse-error", "empty body", status)
            return
        yield FetchedPage(site=target.site, url=response.url, body=response.body, content_type=ctype,
                          entry=target.entry, keys=keys, feed_url=target.feed_url, refetch=target.refetch,
                          http_status=status, found_via=target.found_via, window=target.window,
                          sitemap_date=target.sitemap_date)

    def page_failed(self, failure: Failure) -> Iterator[FailedPage]:
        request = failure.request  # type: ignore[attr-defined]
        target: PageTarget = request.cb_kwargs["target"]
        outcome, detail = classify_failure(failure)
        yield failed(target, [target.key], request.url, outcome, detail, None, retry=outcome not in FINAL_FAILURES)


def page_keys(target: PageTarget, response: Response) -> list[str]:
    """URL keys of a fetched page: the requested URL, every redirect hop, the final URL."""
    keys = [target.key]
    for url in response.meta.get("redirect_urls", []) or []:
        keys.append(url_key(url))
    keys.append(url_key(response.url))
    return list(dict.fromkeys(keys))


def failed(target: PageTarget, keys: list[str], url: str, outcome: str, detail: str | None,
           status: int | None, *, retry: bool = False) -> FailedPage:
    return FailedPage(site=target.site, url=url, keys=keys, entry=target.entry, feed_url=target.feed_url,
                      outcome=outcome, detail=detail, http_status=status, retry=retry)
