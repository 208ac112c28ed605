"""FeedSpider: due feeds -> new entries -> article pages -> items for the pipelines.

The spider is thin: it asks the store which feeds are due, sends conditional requests, hands the
bytes to ``spiders.feedparse``, decides per entry whether the page is new (or changed), and
yields one raw-page item per fetched article. Every scheduled URL ends in one recorded outcome
(stored by the pipelines, or recorded here: not-modified, gone, http-error-after-retries,
timeout, connection-error, robots-denied, ...).
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict
from typing import Any

import scrapy
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.http import Response
from twisted.internet.error import (ConnectionLost, ConnectionRefusedError, DNSLookupError, TCPTimedOutError,
                                    TimeoutError as TxTimeoutError)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.config import AppConfig, Site
from crawler.items import FeedEntry
from crawler.middlewares import BUDGET_SPENT, OutcomeIgnored
from crawler.schedule import WEEK, cache_hint, entries_per_week, next_interval, parse_time, stamp_time
from crawler.store import RETRY_OUTCOMES, Store
from crawler.urls import canonical_url, url_key
from spiders.feedparse import FeedError, parse_feed
from spiders import gaps

logger = logging.getLogger(__name__)

#: Statuses handed to our callbacks instead of being filtered by HttpErrorMiddleware
#: (3xx are still followed by RedirectMiddleware, 5xx still retried by RetryMiddleware first).
HANDLED_STATUSES = [304, 400, 401, 403, 404, 405, 406, 410, 429, 451, 500, 501, 502, 503, 504, 520, 521, 522, 524]
GONE_STATUSES = (404, 410)
PAGE_MAX_ATTEMPTS = 5
GONE_MAX_ATTEMPTS = 3
PAGE_RETRY_BASE = 600.0
HTML_TYPES = (b"text/html", b"application/xhtml", b"text/plain", b"")


def entry_keys(site: Site, entry: FeedEntry) -> list[str]:
    """Identities of a feed entry: its link's URL key and its GUID (per site)."""
    keys = ["link:" + url_key(entry.link)]
    if entry.guid:
        keys.append(f"guid:{site.id}|{entry.guid.strip()}")
    return keys


def _causes(exc: BaseException | None):
    """``exc`` and the exceptions it was raised from (Scrapy wraps Twisted's errors)."""
    seen = 0
    while exc is not None and seen < 8:
        yield exc
        exc = exc.__cause__ or exc.__context__
        seen += 1


def stamp_moved(known: dict[str, Any], entry: FeedEntry) -> bool:
    """Whether a known entry changed since it was handled: its dates or content moved.

    The same post in a second feed (a category feed with excerpts instead of full text) only
    counts as changed when its dates move; content is compared within the feed that recorded it.
    Across feeds, an undated side (RSS 0.92) has no date to compare: it never says that the
    post changed, whichever feed recorded it first. One change, one fetch (issue 9).
    """
    if entry.stamp is None or known["updated"] in (None, entry.stamp):
        return False
    if known.get("feed_url") and known["feed_url"] != entry.feed_url:
        date, before = entry.stamp.split("|", 1)[0], known["updated"].split("|", 1)[0]
        return bool(date and before) and before != date
    return True


def dated_over_undated(known: dict[str, Any], entry: FeedEntry) -> bool:
    """Whether a dated feed now lists a post that an undated feed recorded: the dated feed
    should watch it from now on (its dates and content tell edits; issue 9)."""
    if not entry.stamp or not known.get("feed_url") or known["feed_url"] == entry.feed_url:
        return False
    return bool(entry.stamp.split("|", 1)[0]) and not (known["updated"] or "").split("|", 1)[0]


def classify_failure(failure: Failure) -> tuple[str, str]:
    """Map a download failure to (outcome, detail).

    Our middlewares and the guarded resolver say the outcome themselves (``.outcome``); Scrapy's
    and Twisted's exceptions are mapped by type, with the message only as a last resort.
    """
    exc = failure.value
    detail = f"{type(exc).__name__}: {exc}"[:300]
    for cause in _causes(exc):
        outcome = getattr(cause, "outcome", None)
        if isinstance(outcome, str) and outcome:
            return outcome, detail
    names = {type(c).__name__ for c in _causes(exc)}
    if isinstance(exc, HttpError):
        return "http-error-after-retries", detail
    if "_DecompressionMaxSizeExceeded" in names or "DownloadCancelledError" in names:
        # The handler cancels a body larger than DOWNLOAD_MAXSIZE (announced or streamed);
        # HttpCompressionMiddleware stops inflating at the same limit.
        return "too-large", detail
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots.txt" in text:
            return "robots-denied", detail
        if "redirect" in text:
            return "redirect-limit", detail
        if "size" in text or "decompress" in text:
            return "too-large", detail
        return "ignored", detail
    if (isinstance(exc, (TxTimeoutError, TCPTimedOutError, DownloadTimeoutError))
            or any("timeout" in n.lower() or "timedout" in n.lower() for n in names)):
        return "timeout", detail
    if isinstance(exc, (DNSLookupError, ConnectionRefusedError, ConnectionLost, ResponseFailed,
                        ResponseNeverReceived)):
        return "connection-error", detail
    return "connection-error", detail


class FeedSpider(scrapy.Spider):
    name = "feeds"

    def __init__(self, *, sites: list[Site], store: Store, app: AppConfig, force: bool = False,
                 all_feeds: bool = False, interval: float | None = None, summary: dict[str, dict[str, int]] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.sites = {s.id: s for s in sites}
        self.store = store
        self.app = app
        self.force = force          # refetch everything, ignoring what the store knows
        self.all_feeds = all_feeds  # poll every feed now, whatever its schedule says
        self.fixed_interval = interval
        self.summary = summary if summary is not None else {}
        self.scheduled: set[str] = set()
        self.cycle_started = time.time()  # --interval counts from poll start to poll start (issue 9)
        for site in sites:
            self.summary.setdefault(site.id, {"feeds": 0, "feed_errors": 0, "new": 0, "updated": 0, "errors": 0})

    # ------------------------------------------------------------ helpers
    def count(self, site: str, key: str, n: int = 1) -> None:
        self.summary.setdefault(site, {}).setdefault(key, 0)
        self.summary[site][key] += n

    def stat(self, key: str, n: int = 1) -> None:
        if self.crawler and self.crawler.stats:
            self.crawler.stats.inc_value(f"defwatch/{key}", n)

    # ------------------------------------------------------------ start
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterable[scrapy.Request]:
        now = time.time()
        self.store.ensure_feeds((site.id, url) for site in self.sites.values() for url in site.feeds)
        for state in self.store.feeds(self.sites):
            site = self.sites[state["site"]]
            if state["url"] not in site.feeds:
                continue
            if not (self.force or self.all_feeds) and state["next_poll_at"] > now:
                continue
            headers = {}
            if state["etag"]:
                headers["If-None-Match"] = state["etag"]
            if state["last_modified"]:
                headers["If-Modified-Since"] = state["last_modified"]
            self.stat("feeds/scheduled")
            yield scrapy.Request(
                state["url"], callback=self.parse_feed, errback=self.feed_failed, headers=headers,
                dont_filter=True, priority=10,
                meta={"dw": {"kind": "feed", "site": site.id, "feed_url": state["url"]},
                      "handle_httpstatus_list": HANDLED_STATUSES})
        # A one-off crawl retries every failed page (the user asked for a crawl now); the daemon
        # waits for each page's backoff. Hosts that sent Retry-After are held by the middleware.
        # A timed-out page (a tarpit costs a whole deadline) keeps its backoff in both.
        retry_horizon = float("inf") if self.all_feeds else now
        for row in self.store.due_retries(retry_horizon, PAGE_MAX_ATTEMPTS, sites=self.sites):
            if row["outcome"] == "timeout" and (row["retry_at"] or 0) > now:
                continue
            site = self.sites[row["site"]]
            entry = FeedEntry(**_entry_args(row["entry"])) if row["entry"] else None
            request = self.page_request(site, row["url"], entry, row["feed_url"], retry=True)
            if request:
                yield request

    # ------------------------------------------------------------ feeds
    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        meta = response.meta["dw"]
        site = self.sites[meta["site"]]
        feed_url = meta["feed_url"]
        self.count(site.id, "feeds")
        gaps.note_poll_start(self.store, feed_url, response)
        state = self.store.feed(feed_url) or {}
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
        validators = {"etag": headers.get("etag"), "last_modified": headers.get("last-modified"), "body_hash": body_hash}
        if body_hash == state.get("body_hash") and not self.force:
            self.stat("feeds/unchanged")
            self.finish_feed(site, feed_url, "200-unchanged", headers=headers, **validators)
            return
        try:
            parsed = parse_feed(body, headers, response.url)
        except FeedError as exc:
            self.stat(f"feeds/error/{exc.outcome}")
            logger.warning("feed %s: %s", feed_url, exc)
            self.finish_feed(site, feed_url, "error", error=f"{exc.outcome}: {exc}", headers=headers)
            return
        self.stat("feeds/parsed")
        if parsed.bozo:
            self.stat("feeds/bozo")
            logger.warning("feed %s is malformed (%s); using the %d entries it still yields",
                           feed_url, parsed.bozo, len(parsed.entries))
        cap = site.poll.max_new_entries or self.app.max_new_entries
        new = 0
        fresh = gaps.unseen(self.store, entry_keys, site, parsed.entries)
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
        hint = max(filter(None, [parsed.ttl_seconds, cache_hint(headers)]), default=None)
        self.finish_feed(site, feed_url, "200", headers=headers, new_items=new, hint=hint, entries=parsed.entries,
                         error=f"bozo: {parsed.bozo}" if parsed.bozo else None, **validators)

    def feed_failed(self, failure: Failure) -> None:
        meta = failure.request.meta["dw"]
        outcome, detail = classify_failure(failure)
        self.count(meta["site"], "feeds")
        gaps.note_poll_start(self.store, meta["feed_url"], None)
        self.stat(f"feeds/error/{outcome}")
        logger.warning("feed %s: %s", meta["feed_url"], detail)
        self.finish_feed(self.sites[meta["site"]], meta["feed_url"], "error", error=f"{outcome}: {detail}")

    def finish_feed(self, site: Site, feed_url: str, result: str, *, error: str | None = None,
                    headers: dict[str, str] | None = None, new_items: int = 0, hint: float | None = None,
                    entries: Iterable[FeedEntry] | None = None, **validators: Any) -> None:
        """Record a poll's result and schedule the feed's next poll (see ``crawler.schedule``).

        ``hint`` is the <ttl>/max-age the caller read from a parsed feed; ``entries`` are the
        parsed entries (their dates give the entry rate). A 304 or unchanged body reuses the
        stored hint and the stored entries' dates.
        """
        now = time.time()
        state = self.store.feed(feed_url) or {}
        failures = state.get("failures", 0) + 1 if result == "error" else 0
        if result == "error":
            self.count(site.id, "feed_errors")
        server_hint = cache_hint(headers or {}, now)
        if result == "error":
            # Retry-After (or max-age) applies to this wait only; the feed's <ttl> hint is kept.
            hint, kept_hint = server_hint, state.get("min_interval_hint")
        elif result == "200":
            hint = kept_hint = max(filter(None, [hint, server_hint]), default=None)
        else:  # 304 / 200-unchanged: the <ttl> was read at the last parse
            hint = kept_hint = max(filter(None, [hint, server_hint, state.get("min_interval_hint")]), default=None)
        if self.fixed_interval is not None:
            # --interval: the same fixed pace for every feed; a failing feed still backs off.
            interval = self.fixed_interval * (2 ** min(failures, 20))
            interval = min(interval, max(self.fixed_interval, site.poll.max_interval or self.app.max_interval))
        else:
            if entries is not None:
                rate = entries_per_week((parse_time(e.published or e.updated) for e in entries), now)
            else:
                rate = entries_per_week((stamp_time(s) for s in self.store.entry_stamps(feed_url)), now)
            if rate is None:  # undated entries: count the entries first seen in the last week
                rate = self.store.entries_since(feed_url, now - WEEK) + new_items
            interval = next_interval(
                rate, min_interval=site.poll.min_interval or self.app.min_interval,
                max_interval=site.poll.max_interval or self.app.max_interval,
                factor=self.app.interval_factor, hint=hint, failures=failures, jitter=self.app.jitter)
            if new_items >= (site.poll.max_new_entries or self.app.max_new_entries):
                # The per-poll cap left entries behind: come back soon for the rest.
                interval = min(interval, site.poll.min_interval or self.app.min_interval)
        values: dict[str, Any] = {
            "last_poll_at": now, "last_status": result, "last_error": error, "failures": failures,
            "next_poll_at": self.poll_base(state, interval, now) + interval,
            "interval": interval, "min_interval_hint": kept_hint,
            "polls": state.get("polls", 0) + 1,
        }
        if new_items:
            values["last_new_at"] = now
            values["items_total"] = state.get("items_total", 0) + new_items
        fresh = {key: validators.get(key) for key in ("etag", "last_modified", "body_hash")
                 if validators.get(key) is not None or (key in validators and result.startswith("200"))}
        if new_items and fresh:
            # Crash safety: the validators of a feed with new entries are stored only once the crawl
            # has finished (``closed``). Stored now, a kill -9 before the pages are fetched would
            # make the next poll a 304 and the entries would be lost. Until then the old validators
            # stay, so the next poll is a full GET whose known entries cost nothing. A poll that
            # hit the per-poll cap keeps the old validators for good: the rest comes next poll.
            if new_items < (site.poll.max_new_entries or self.app.max_new_entries):
                self._deferred_validators[feed_url] = fresh
        else:
            values.update(fresh)
        self.store.update_feed(feed_url, **values)
        self.store.log_outcome(site.id, feed_url, "feed", result, error)

    def poll_base(self, state: dict[str, Any], interval: float, now: float) -> float:
        """What the next poll is counted from: with ``--interval``, the time this poll was due when
        the cycle started on time (a fixed grid of poll starts, no drift), else the cycle's start;
        adaptive polling counts from now."""
        if self.fixed_interval is None:
            return now
        due = state.get("next_poll_at") or 0.0
        return due if 0.0 <= self.cycle_started - due < interval else self.cycle_started

    @property
    def _deferred_validators(self) -> dict[str, dict[str, Any]]:
        return self.__dict__.setdefault("_deferred", {})

    def closed(self, reason: str) -> None:
        """Store the validators deferred by ``finish_feed`` once every page of the crawl is done."""
        if reason == "finished":
            for feed_url, fresh in self._deferred_validators.items():
                self.store.update_feed(feed_url, **fresh)
        self._deferred_validators.clear()
        self.remember_duplicates()

    def remember_duplicates(self) -> None:
        """Let a dated feed watch a post fetched in this crawl for an undated feed (issue 9).

        The same post in a dated feed and an undated one (RSS 0.92) is fetched once, for the
        feed parsed first; when that was the undated one, the dated entry's stamp is recorded
        now, so that feed's next change of date or content is seen, and the undated one's never
        refetches the page.
        """
        for page_key, site_id, entry in self.__dict__.pop("_duplicates", []):
            page = self.store.page(page_key)
            if not page or page["outcome"] != "stored" or not (entry.stamp or "").split("|", 1)[0]:
                continue
            keys = entry_keys(self.sites[site_id], entry)
            known = self.store.known_entry(keys)
            if known is not None and not (known["updated"] or "").split("|", 1)[0]:
                self.store.remember_entries(site_id, keys, known["page_key"], entry.stamp, entry.feed_url)
                self.store.restamp_entries(keys, entry.stamp, entry.feed_url)

    # ------------------------------------------------------------ entries -> pages
    def entry_request(self, site: Site, entry: FeedEntry) -> scrapy.Request | None:
        """The request for a feed entry's page, or None when the store already has its answer.

        Called only when the feed's body changed. A page that was gone (404/410) is asked
        again on such a change, up to ``GONE_MAX_ATTEMPTS`` times (posts listed before their
        page is live), never on an idle poll.
        """
        keys = entry_keys(site, entry)
        known = self.store.known_entry(keys)
        page_key = known["page_key"] if known else url_key(entry.link)
        page = self.store.page(page_key)
        if page and page["outcome"] == "gone" and page["attempts"] < GONE_MAX_ATTEMPTS and not self.pending_retry(page):
            self.stat("entries/gone_recheck")
            return self.page_request(site, entry.link, entry, entry.feed_url)
        if known is not None:
            if not self.force and not stamp_moved(known, entry):
                # Already handled; remember any new identity (a changed GUID, a second feed).
                self.store.remember_entries(site.id, keys, page_key, known["updated"], entry.feed_url)
                if dated_over_undated(known, entry):
                    self.store.restamp_entries(keys, entry.stamp, entry.feed_url)
                self.stat("entries/known")
                return None
            if page and page["outcome"] in ("gone", "not-an-article", "robots-denied", "address-denied"):
                self.store.remember_entries(site.id, keys, page_key, entry.stamp, entry.feed_url)
                return None
            self.stat("entries/changed")
            return self.page_request(site, entry.link, entry, entry.feed_url, refetch=True)
        if page and page["outcome"] in ("stored", "gone", "not-an-article", "duplicate", "robots-denied",
                                        "address-denied"):
            self.store.remember_entries(site.id, keys, page_key, entry.stamp, entry.feed_url)
            self.stat("entries/known")
            return None
        if page and page["outcome"] in RETRY_OUTCOMES and self.pending_retry(page):
            return None  # failing page: retried by its own schedule (start_requests), not by every poll
        return self.page_request(site, entry.link, entry, entry.feed_url)

    @staticmethod
    def pending_retry(page: dict[str, Any]) -> bool:
        return page["attempts"] >= PAGE_MAX_ATTEMPTS or (page["retry_at"] or 0) > time.time()

    def page_request(self, site: Site, url: str, entry: FeedEntry | None, feed_url: str | None, *,
                     refetch: bool = False, retry: bool = False) -> scrapy.Request | None:
        target = canonical_url(url)
        key = url_key(target)
        if key in self.scheduled:
            # Already requested in this crawl (the same post in two feeds). Its identities are not
            # remembered here: only a stored outcome may mark an entry handled, or a kill before
            # the page is stored would lose the article (``closed`` remembers them once it is).
            self.stat("entries/duplicate_in_run")
            if entry is not None:
                self.__dict__.setdefault("_duplicates", []).append((key, site.id, entry))
            return None
        self.scheduled.add(key)
        self.stat("pages/scheduled")
        meta = {"kind": "page", "site": site.id, "feed_url": feed_url, "refetch": refetch, "retry": retry,
                "entry": asdict(entry) if entry else None,
                "entry_keys": entry_keys(site, entry) if entry else [], "page_key": key}
        return scrapy.Request(target, callback=self.parse_page, errback=self.page_failed, priority=0,
                              meta={"dw": meta, "handle_httpstatus_list": HANDLED_STATUSES})

    # ------------------------------------------------------------ pages
    def parse_page(self, response: Response) -> Iterable[dict[str, Any]]:
        meta = response.meta["dw"]
        site = self.sites[meta["site"]]
        keys = self.page_keys(response)
        if response.status in GONE_STATUSES:
            self.record(meta, keys, response.url, "gone", f"HTTP {response.status}", response.status)
            return
        if response.status != 200:
            self.record(meta, keys, response.url, "http-error-after-retries", f"HTTP {response.status}",
                        response.status, retry=True)
            return
        ctype = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
        if not ctype.startswith(HTML_TYPES) and ctype not in HTML_TYPES:
            self.record(meta, keys, response.url, "not-an-article", f"content type {ctype.decode('latin-1')}",
                        response.status)
            return
        if not response.body.strip():
            self.record(meta, keys, response.url, "parse-error", "empty body", response.status)
            return
        yield {
            "site": site.id,
            "url": response.url,
            "request_url": (response.request.meta.get("redirect_urls") or [response.url])[0],
            "body": response.body,
            "encoding": getattr(response, "encoding", None),
            "entry": meta["entry"],
            "entry_keys": meta["entry_keys"],
            "page_keys": keys,
            "feed_url": meta["feed_url"],
            "refetch": meta["refetch"],
        }

    def page_failed(self, failure: Failure) -> None:
        meta = failure.request.meta["dw"]
        outcome, detail = classify_failure(failure)
        retry = outcome not in ("robots-denied", "address-denied", "ignored")
        self.record(meta, [meta["page_key"]], failure.request.url, outcome, detail, None, retry=retry)

    def page_keys(self, response: Response) -> list[str]:
        meta = response.meta["dw"]
        keys = [meta["page_key"]]
        for url in response.meta.get("redirect_urls", []) or []:
            keys.append(url_key(url))
        keys.append(url_key(response.url))
        return list(dict.fromkeys(keys))

    def record(self, meta: dict[str, Any], keys: list[str], url: str, outcome: str, detail: str | None,
               status: int | None, *, retry: bool = False) -> None:
        self.stat(f"pages/{outcome}")
        if outcome not in ("gone", "not-an-article"):
            self.count(meta["site"], "errors")
        logger.info("page %s: %s (%s)", url, outcome, detail)
        entry = meta.get("entry") or {}
        self.store.record_outcome(
            site=meta["site"], url=url, page_keys=keys, outcome=outcome, detail=detail, http_status=status,
            entry_keys=meta.get("entry_keys", []), entry_updated=entry.get("stamp"), feed_url=meta.get("feed_url"),
            entry=entry or None, retry_at=(lambda attempts: self.retry_time(attempts, detail)) if retry else None)

    def retry_time(self, attempts: int, detail: str | None) -> float | None:
        """When a failed page is due again after ``attempts`` tries (None: give up)."""
        if attempts >= PAGE_MAX_ATTEMPTS:
            return None
        if detail and BUDGET_SPENT in detail:
            return time.time()  # never sent: due again in the next crawl or cycle
        if self.fixed_interval is not None:
            return time.time() + self.fixed_interval
        return time.time() + PAGE_RETRY_BASE * (2 ** (attempts - 1))

def _entry_args(text: str) -> dict[str, Any]:
    import json

    data = json.loads(text)
    data["authors"] = tuple(data.get("authors") or ())
    data["tags"] = tuple(data.get("tags") or ())
    return data
