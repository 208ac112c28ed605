"""RetryAfterMiddleware: honour ``Retry-After`` and back off between retries.

Scrapy's RetryMiddleware retries at once and ignores ``Retry-After`` (scrapy/scrapy#3849). This
middleware sits just outside it (``process_response`` sees the answer before RetryMiddleware
builds the retry request; ``process_request`` sees the retry before it is queued):

* A 429 or 503 with ``Retry-After`` (delay-seconds or an HTTP-date) closes the host: no request
  to that host is sent before the time has passed. The downloader slot of the host is held
  (``slot.latercall``, the hook Scrapy's own ``DOWNLOAD_DELAY`` uses), so requests that already
  passed the middlewares and wait in the slot's queue are held as well, not only new ones.
* When the host asks for more than ``DEFWATCH_RETRY_AFTER_MAX`` seconds, the crawl does not wait:
  that answer is not retried and every later request to the host in this crawl ends as
  ``http-error-after-retries`` without being sent (the store retries them in a later cycle).
* A Retry-After is written to the store (``hosts`` table) when ``DEFWATCH_STORE`` names one,
  and the holds still running are loaded when the next crawl opens: a host that asked for two
  minutes gets two minutes, across crawls, daemon cycles and restarts.
* Retries for a timeout, a connection reset or refusal, or an HTTP error without
  ``Retry-After`` wait ``DEFWATCH_RETRY_BACKOFF`` * 2**(n-1) seconds (+-25 %, at most
  ``DEFWATCH_RETRY_BACKOFF_MAX``) before the n-th retry is sent.

Stats: ``defwatch/retry_after/received``, ``.../held_seconds``, ``.../gave_up``,
``defwatch/retry/backoff``.
"""
from __future__ import annotations

import logging
import random
import time
from typing import Any

from scrapy import signals
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object

from crawler.dates import parse_retry_after
from crawler.middlewares import OutcomeIgnored
from crawler.store import Store

logger = logging.getLogger(__name__)

RETRY_AFTER_CODES = (429, 503)
_NOT_BEFORE = "dw_retry_not_before"


async def sleep(seconds: float) -> None:
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class RetryAfterMiddleware:
    def __init__(self, crawler: Any):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_wait = settings.getfloat("DEFWATCH_RETRY_AFTER_MAX", 30.0)
        self.margin = settings.getfloat("DEFWATCH_RETRY_AFTER_MARGIN", 0.05)
        self.backoff = settings.getfloat("DEFWATCH_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("DEFWATCH_RETRY_BACKOFF_MAX", 30.0)
        self.retry_codes = {int(c) for c in settings.getlist("RETRY_HTTP_CODES")}
        self.retry_exceptions = tuple(load_object(e) if isinstance(e, str) else e
                                      for e in settings.getlist("RETRY_EXCEPTIONS"))
        self.closed_until: dict[str, float] = {}   # slot key -> wall-clock time it reopens
        self.gave_up: dict[str, float] = {}        # slot key -> time the host asked for (beyond max_wait)
        self.reasons: dict[str, str] = {}          # slot key -> the answer that asked for it ("HTTP 429 ...")
        self.held: dict[int, float] = {}           # id(downloader slot) -> until when we hold it
        path = settings.get("DEFWATCH_STORE")
        self.store = Store(path) if path else None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_closed(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def spider_opened(self) -> None:
        """Take over the holds earlier crawls recorded."""
        if self.store is None:
            return
        now = time.time()
        for host, (until, reason) in self.store.host_holds(now).items():
            if until - now > self.max_wait:
                self.gave_up[host] = until - now
                self.reasons[host] = reason or "Retry-After"
            else:
                self.closed_until[host] = max(self.closed_until.get(host, 0.0), until)
            self.stats.inc_value("defwatch/retry_after/loaded")

    def remember(self, host: str, until: float, status: int) -> None:
        if self.store is not None and host:
            self.store.hold_host(host, until, f"HTTP {status} Retry-After")

    # ------------------------------------------------------------ helpers
    def slot_key(self, request: Request) -> str:
        key = request.meta.get("download_slot")
        if key is not None:
            return key
        downloader = getattr(self.crawler.engine, "downloader", None)
        if downloader is not None:
            return downloader.get_slot_key(request)
        return urlparse_cached(request).hostname or ""

    def hold_slot(self, request: Request, until: float) -> bool:
        """Keep the downloader slot of ``request`` from sending anything before ``until``."""
        try:
            from scrapy.utils.asyncio import call_later

            downloader = self.crawler.engine.downloader
            _, slot = downloader._get_slot(request)
        except Exception:  # noqa: BLE001 - private API: fall back to waiting in process_request
            return False
        wait = until - time.time()
        if wait <= 0:
            return True
        if slot.latercall is not None and self.held.get(id(slot), 0.0) >= until:
            return True
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(wait, downloader._latercall, slot)
        self.held[id(slot)] = until
        return True

    def backoff_delay(self, retry_number: int) -> float:
        base = min(self.backoff_max, self.backoff * (2 ** max(0, retry_number - 1)))
        return base * random.uniform(0.75, 1.25)  # noqa: S311 - jitter, not crypto

    def plan_backoff(self, request: Request) -> None:
        if self.backoff <= 0 or request.meta.get("dont_retry"):
            return
        delay = self.backoff_delay(request.meta.get("retry_times", 0) + 1)
        request.meta[_NOT_BEFORE] = time.time() + delay
        self.stats.inc_value("defwatch/retry/backoff")

    # ------------------------------------------------------------ hooks
    async def process_request(self, request: Request, spider: Any = None) -> None:
        key = self.slot_key(request)
        if key in self.gave_up:
            self.stats.inc_value("defwatch/retry_after/refused")
            raise OutcomeIgnored("http-error-after-retries",
                                 f"{key} asked to wait {self.gave_up[key]:.0f} s "
                                 f"({self.reasons.get(key, 'Retry-After')}), more than "
                                 f"the {self.max_wait:.0f} s this crawl waits; not sent")
        now = time.time()
        until = self.closed_until.get(key, 0.0)
        if until > now and not self.hold_slot(request, until):
            await self.wait(until - now)
        not_before = request.meta.pop(_NOT_BEFORE, None)
        if not_before is not None and not_before > time.time():
            await self.wait(not_before - time.time())
        return None

    async def wait(self, seconds: float) -> None:
        """Sleep without taking one of the CONCURRENT_REQUESTS places from other hosts."""
        downloader = getattr(self.crawler.engine, "downloader", None)
        bump = downloader is not None and downloader.total_concurrency > 0
        if bump:
            downloader.total_concurrency += 1
        try:
            await sleep(seconds)
        finally:
            if bump:
                downloader.total_concurrency -= 1

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if response.status in RETRY_AFTER_CODES:
            delay = parse_retry_after(response.headers.get(b"Retry-After"))
            if delay is not None:
                self.stats.inc_value("defwatch/retry_after/received")
                key = self.slot_key(request)
                if delay > self.max_wait:
                    self.stats.inc_value("defwatch/retry_after/gave_up")
                    logger.info("%s answered %d with Retry-After %.0f s (more than %.0f s): its requests "
                                   "are deferred to a later crawl", key, response.status, delay, self.max_wait)
                    self.gave_up[key] = delay
                    self.reasons[key] = f"HTTP {response.status} Retry-After"
                    self.remember(key, time.time() + delay, response.status)
                    request.meta["dont_retry"] = True
                    return response
                until = time.time() + delay + self.margin
                self.remember(key, until, response.status)
                if until > self.closed_until.get(key, 0.0):
                    self.closed_until[key] = until
                    self.stats.inc_value("defwatch/retry_after/held_seconds", round(delay))
                self.hold_slot(request, until)
                return response
        if response.status in self.retry_codes:
            self.plan_backoff(request)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        if not isinstance(exception, OutcomeIgnored):
            cause: BaseException | None = exception
            for _ in range(8):
                if cause is None:
                    break
                outcome = getattr(cause, "outcome", None)
                if isinstance(outcome, str) and outcome:
                    # A refusal (e.g. the guarded resolver's address-denied) is final: no retry.
                    raise OutcomeIgnored(outcome, f"{type(cause).__name__}: {cause}") from exception
                cause = cause.__cause__ or cause.__context__
        if isinstance(exception, self.retry_exceptions):
            self.plan_backoff(request)
        return None

