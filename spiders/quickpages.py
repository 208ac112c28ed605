"""Quick fetches of article pages: a feed entry's page fetched and handed to the pipelines without
going through Scrapy's scheduler, engine and middleware chains.

A cold crawl is a few feeds and thousands of article pages. Through Scrapy each page costs about
1 ms of the crawl process's CPU before our code runs (scheduler, ~12 downloader middlewares each
way, the engine's deferreds and signals, the spider middlewares around ``parse_page``: measured in
bench/README.md, "The crawl process's Scrapy costs"), and the crawl process is the critical path.
``QuickPagesMiddleware`` (a spider middleware, outermost, so the Referer and URL-length
middlewares have seen the request) takes the page requests of ``FeedSpider.parse_page`` and
``QuickPages`` fetches them under the same rules, giving Scrapy anything that is not plain:

* only GETs to hosts the address guard lists as configured, with no proxy configured and no
  ``DOWNLOAD_DELAY``; not once the crawl's time budget is spent; not to a host held by
  Retry-After or paced by a Crawl-delay; the duplicate filter sees each request first, as the
  scheduler's would;
* the request gets the headers and timeout Scrapy's middlewares would give it; robots.txt is
  asked through the crawl's own ``RobotsTxtMiddleware``, only once it is known for the host (a
  forbidden page, or one of a host whose robots.txt is not fetched yet, goes to Scrapy);
* one quick page at a time per host, holding a place in the host's download slot while it is
  fetched (``slot.transferring`` and the downloader's ``active``, which Scrapy's own requests
  count too), so the per-host and total limits are shared, and the first answer that makes a
  host Scrapy's (below) is read before any other quick request to it is sent; it is sent by
  the quick download handler's client
  (``crawler/middlewares/quickfetch.py``: same connections, same unusual hosts);
* a ``200`` whose body is plain or one whole gzip member (within ``DOWNLOAD_MAXSIZE`` and
  ``DOWNLOAD_WARNSIZE``), with no meta refresh, goes through ``parse_page`` and the item
  pipelines as Scrapy would send it; any other answer, or a timeout, is handed to Scrapy as a
  prefetched response (``crawler/middlewares/prefetched.py``: every ``process_response`` runs on
  it: redirects, retries, Retry-After, decompression, the guard); an unusual failure hands the
  request to Scrapy to be sent again.

The engine does not close the spider while a quick page is queued, fetched or in the pipelines
(its requests are in the downloader's or the scraper's active sets). ``DEFWATCH_QUICK_PAGES =
False`` (or ``DEFWATCH_QUICK_PAGES=0`` in the environment) sends every page through Scrapy.
Stats: ``defwatch/quickpages/fetched``, ``defwatch/quickpages/handed_over``.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from ipaddress import ip_address
from time import monotonic
from typing import Any
from weakref import WeakKeyDictionary

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, HtmlResponse
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils._download_handlers import make_response
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.middlewares.compression import gunzip_whole
from crawler.middlewares.prefetched import PREFETCHED
from crawler.middlewares.redirect import may_refresh
from spiders.quickhttp import StaleConnection, Unusual, proxies_configured

logger = logging.getLogger(__name__)

#: Pages fetched and not yet through the pipelines, at most (their bodies wait for a worker).
MAX_PENDING_ITEMS = 64
_UNKNOWN = object()


def _find(crawler: Any, path: str) -> Any:
    from scrapy.utils.misc import load_object

    cls = load_object(path)
    return next((m for m in crawler.engine.downloader.middleware.middlewares if isinstance(m, cls)), None)


class QuickPages:
    """The quick page path of one crawl."""

    def __init__(self, crawler: Any):
        from scrapy.downloadermiddlewares.httpcompression import ACCEPTED_ENCODINGS

        from crawler.middlewares.quickfetch import QuickDownloadHandler

        self.crawler = crawler
        self.engine = crawler.engine
        self.downloader = crawler.engine.downloader
        self.settings = settings = crawler.settings
        self.stats = crawler.stats
        self.robots = _find(crawler, "crawler.middlewares.robots.RobotsTxtMiddleware")
        self.guard = _find(crawler, "crawler.middlewares.address_guard.AddressGuardMiddleware")
        self.retry_after = _find(crawler, "crawler.middlewares.retry_after.RetryAfterMiddleware")
        replay = _find(crawler, "crawler.middlewares.prefetched.PrefetchedMiddleware")
        self.handlers = {scheme: self.downloader.handlers._get_handler(scheme) for scheme in ("http", "https")}
        self.enabled = (settings.getbool("DEFWATCH_QUICK_PAGES", True) and os.environ.get("DEFWATCH_QUICK_PAGES") != "0"
                        and settings.getfloat("DOWNLOAD_DELAY") <= 0 and not proxies_configured()
                        and None not in (self.robots, self.guard, self.retry_after, replay)
                        and all(isinstance(h, QuickDownloadHandler) and h.enabled for h in self.handlers.values()))
        headers = dict(settings.getdict("DEFAULT_REQUEST_HEADERS"))
        if ua := settings.get("USER_AGENT"):
            headers["User-Agent"] = ua
        if settings.getbool("COMPRESSION_ENABLED", True):
            headers["Accept-Encoding"] = b", ".join(ACCEPTED_ENCODINGS).decode()
        self.headers = headers
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        self.maxsize = settings.getint("DOWNLOAD_MAXSIZE")
        self.warnsize = settings.getint("DOWNLOAD_WARNSIZE")
        self.queues: dict[str, deque[Request]] = {}
        #: What ``take`` built to send for each queued request (the h11 request: the dearest part of
        #: taking one), used by its fetch; nothing touches a queued request's headers meanwhile.
        self.targets: WeakKeyDictionary[Request, Any] = WeakKeyDictionary()
        #: Answers being replayed through Scrapy's middlewares, per host: its queue waits for them.
        self.replaying: dict[str, int] = {}
        #: Hosts with a quick page in flight: one at a time, so that the first answer that makes a
        #: host Scrapy's (a 503 with Retry-After, a redirect) comes before any other quick request.
        self.inflight: set[str] = set()
        self.pending = 0  # fetched pages not yet through the pipelines
        self.tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------ taking requests
    def take(self, request: Request) -> bool:
        """Queue ``request`` for a quick fetch; False when it is Scrapy's to send."""
        if not self.enabled or self.engine._slot is None or self.engine._slot.closing is not None:
            return False
        if (request.method != "GET" or request.body or request.meta.keys() & {"proxy", "bindaddress", PREFETCHED}
                or request.meta.get("dont_obey_robotstxt")):
            return False
        deadline = getattr(self.downloader, "deadline", None)
        if deadline is not None and monotonic() >= deadline:
            return False
        handler = self.handlers.get(urlparse_cached(request).scheme)
        if handler is None or self.guard.policy.check_url(request.url) is not None:
            return False
        # robots.txt already known for the host (else Scrapy fetches it, and this page, first): asked
        # here, before the page holds a place in the slot its robots.txt request would need.
        parser = self.robots._parsers.get(urlparse_cached(request).netloc, _UNKNOWN)
        if parser is _UNKNOWN or isinstance(parser, Deferred):
            return False
        try:
            self.robots.process_request_2(parser, request)
        except IgnoreRequest:
            return False  # Scrapy refuses it again and records the outcome
        self.robots._apply_crawl_delay(parser, request)
        key, slot = self.downloader._get_slot(request)
        ra = self.retry_after
        if slot.delay > 0 or key in ra.gave_up or ra.closed_until.get(key, 0.0) > time.time():
            return False
        for name, value in self.headers.items():  # what DefaultHeaders, UserAgent and compression set
            request.headers.setdefault(name, value)
        request.meta.setdefault("download_timeout", self.timeout)
        target = handler.target(request)
        if target is None or (target.host, target.port, target.tls) in handler.unusual:
            return False
        scheduler = self.engine._slot.scheduler
        if not request.dont_filter and scheduler.df.request_seen(request):
            scheduler.df.log(request, self.crawler.spider)  # dropped, as the scheduler drops it
            return True
        self.targets[request] = target
        self.queues.setdefault(key, deque()).append(request)
        self.pump(key)
        return True

    def busy(self) -> bool:
        """Whether a page is queued, fetched or in the pipelines (the spider must not close)."""
        return self.pending > 0 or any(self.queues.values())

    def pump(self, key: str) -> None:
        """Start queued fetches of the host ``key`` while its slot and the crawl have room."""
        queue = self.queues.get(key)
        if not queue:
            return
        downloader = self.downloader
        slot = downloader.slots.get(key)
        if slot is None:
            _, slot = downloader._get_slot(queue[0])
        while (queue and key not in self.inflight and slot.free_transfer_slots() > 0
               and self.pending < MAX_PENDING_ITEMS and len(downloader.active) < downloader.total_concurrency):
            deadline = getattr(downloader, "deadline", None)
            if (slot.latercall is not None or slot.delay > 0 or self._unusual(queue[0])
                    or (deadline is not None and monotonic() >= deadline)):
                # Held meanwhile (Retry-After) or unusual: Scrapy paces the host, once the
                # answer that made it so has been through Scrapy's middlewares (its hold is
                # set). Past the time budget: Scrapy's downloader records them as left for the
                # next crawl.
                if self.replaying.get(key):
                    return
                while queue:
                    self.hand_over(queue.popleft())
                return
            request = queue.popleft()
            slot.transferring.add(request)  # counted by Scrapy's per-host and total limits
            slot.active.add(request)
            downloader.active.add(request)
            self.inflight.add(key)
            self.pending += 1
            task = asyncio.ensure_future(self.fetch(key, slot, request))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    def _unusual(self, request: Request) -> bool:
        url = urlparse_cached(request)
        handler = self.handlers[url.scheme]
        return (url.hostname, url.port or (443 if url.scheme == "https" else 80), url.scheme == "https") in handler.unusual

    def pump_all(self) -> None:
        for key in [k for k, q in self.queues.items() if q]:
            self.pump(key)

    # ------------------------------------------------------------ one page
    async def fetch(self, key: str, slot: Any, request: Request) -> None:
        try:
            response = await self._fetch(request)
        except BaseException:
            self._release(key, slot, request)
            self.pending -= 1
            raise
        if isinstance(response, _HandOver):
            self.pending -= 1
            if response.requeue:  # back to the host's queue, handed over with it (see ``pump``)
                self.queues.setdefault(key, deque()).appendleft(request)
                self._release(key, slot, request)
                return
            # Handed over before the slot is freed (and the host's queue with it): a replayed
            # answer's process_response (a Retry-After hold) comes before any other request of
            # the host. Scrapy's downloader counts the request anew.
            self.downloader.active.discard(request)
            self.hand_over(request, response.answer, key=key)
            self._release(key, slot, request, active=False)
            return
        self._release(key, slot, request)
        scraper = self.engine.scraper
        if scraper.slot is None or scraper.slot.closing is not None:  # the crawl is closing: left for the next
            self.pending -= 1
            return
        scraper.slot.active.add(request)  # neither the engine nor the scraper is idle meanwhile
        try:
            self.stats.inc_value("defwatch/quickpages/fetched")
            for item in self.crawler.spider.parse_page(response, **request.cb_kwargs):
                await scraper.start_itemproc_async(item, response=response)
        finally:
            scraper.slot.active.discard(request)
            scraper._check_if_closing()  # a closing scraper waits for its active pages
            self.pending -= 1
            self.pump_all()
            if self.engine._slot is not None:
                self.engine._slot.nextcall.schedule()  # the engine checks whether the spider is idle

    def _release(self, key: str, slot: Any, request: Request, *, active: bool = True) -> None:
        self.inflight.discard(key)
        slot.transferring.discard(request)
        slot.active.discard(request)
        if active:
            self.downloader.active.discard(request)
        slot.lastseen = monotonic()
        self.downloader._process_queue(slot)  # Scrapy's requests waiting for this host's slot
        self.pump(key)

    async def _fetch(self, request: Request) -> Any:
        """The page's response when it is plain, else what to hand over to Scrapy."""
        handler = self.handlers[urlparse_cached(request).scheme]
        target = self.targets.pop(request, None) or handler.target(request)
        if target is None:
            return _HandOver()
        key = (target.host, target.port, target.tls)
        _, slot = self.downloader._get_slot(request)
        if key in handler.unusual or slot.latercall is not None:
            # Another answer of the host, read since this page was queued, made it Scrapy's
            # (a 503 with Retry-After on the other connection): nothing more is sent from here.
            return _HandOver(requeue=True)
        try:
            answer = await handler.client(target).fetch(target, timeout=request.meta.get("download_timeout"),
                                                        maxsize=request.meta.get("download_maxsize", self.maxsize) or 2**62,
                                                        stale_retry=False)
        except StaleConnection:
            return _HandOver()
        except Unusual as exc:
            logger.debug("quick fetch of %s left to Scrapy: %s", request.url, exc)
            handler.unusual.add(key)
            return _HandOver()
        request.meta["download_latency"] = answer.latency
        if answer.timeout is not None or answer.status != 200:
            # A 429/503 may carry Retry-After, a 3xx moves the site: the host is Scrapy's from now on.
            handler.unusual.add(key)
            return _HandOver(answer)
        headers = Headers()
        for name, value in answer.headers:
            headers.appendlist(name, value)
        body, encodings = answer.body, [e.strip().lower() for v in headers.getlist(b"Content-Encoding") for e in v.split(b",")]
        if encodings == [b"gzip"] or encodings == [b"x-gzip"]:
            plain = gunzip_whole(body, request.meta.get("download_maxsize", self.maxsize))
            if plain is None:
                return _HandOver(answer)
            body = plain
            del headers[b"Content-Encoding"]
        elif encodings:
            return _HandOver(answer)
        warnsize = request.meta.get("download_warnsize", self.warnsize)
        if warnsize and len(body) >= warnsize:
            return _HandOver(answer)  # Scrapy says so in its log
        response = make_response(url=request.url, status=200, headers=headers, body=body,
                                 ip_address=ip_address(answer.ip) if answer.ip else None, protocol=answer.protocol)
        response.request = request
        if isinstance(response, HtmlResponse) and may_refresh(response):
            return _HandOver(answer)
        if self.guard.process_response(request, response) is not response:  # pragma: no cover - it raises
            return _HandOver(answer)
        return response

    def hand_over(self, request: Request, answer: Any = None, *, key: str | None = None) -> None:
        """Give ``request`` to Scrapy: to send through its scheduler, or to replay ``answer``.

        An answer is replayed at once, past the scheduler, as the engine starts a scheduled
        request: its ``process_response`` chain (a Retry-After hold, a redirect) runs before any
        request of the host that Scrapy has queued meanwhile is sent.
        """
        self.stats.inc_value("defwatch/quickpages/handed_over")
        request.dont_filter = True  # the duplicate filter has already seen it
        engine = self.engine
        if engine._slot is None or engine._slot.closing is not None:
            return
        if answer is None:
            engine.crawl(request)
            return
        request.meta[PREFETCHED] = answer
        if key is not None:
            self.replaying[key] = self.replaying.get(key, 0) + 1
        d = engine._download(request)
        if key is not None:
            d.addBoth(self._replayed, key)
        d.addBoth(engine._handle_downloader_output, request)
        d.addBoth(engine._remove_request, request=request)
        d.addBoth(lambda _: engine._slot.nextcall.schedule() if engine._slot is not None else None)
        d.addErrback(lambda f: logger.info("replaying %s failed: %s", request.url, f.value))

    def _replayed(self, result: Any, key: str) -> Any:
        """A replayed answer has been through the downloader middlewares: the host's queue may go."""
        self.replaying[key] -= 1
        self.pump(key)
        return result

    def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        self.queues.clear()


class _HandOver:
    """What ``QuickPages._fetch`` gives Scrapy: a complete answer to replay, or None (send it);
    ``requeue``: back to the host's queue, which goes to Scrapy as a whole."""

    def __init__(self, answer: Any = None, *, requeue: bool = False):
        self.answer = answer
        self.requeue = requeue


class QuickPagesMiddleware(BaseSpiderMiddleware):
    """Spider middleware: the feed spider's page requests go to ``QuickPages`` when they qualify."""

    def __init__(self, crawler: Any):
        super().__init__(crawler)
        self.quick: QuickPages | None = None
        from scrapy import signals

        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def get_processed_request(self, request: Request, response: Any) -> Request | None:
        from spiders.feeds import FeedSpider

        spider = self.crawler.spider
        if response is None or type(spider) is not FeedSpider or getattr(request.callback, "__func__", None) is not FeedSpider.parse_page:
            return request
        if self.quick is None:
            self.quick = QuickPages(self.crawler)
            self.crawler.engine.downloader.on_slot_free = self.quick.pump_all
        return None if self.quick.take(request) else request

    def spider_idle(self) -> None:
        from scrapy.exceptions import DontCloseSpider

        if self.quick is not None and self.quick.busy():
            raise DontCloseSpider

    def spider_closed(self) -> None:
        if self.quick is not None:
            self.quick.close()
