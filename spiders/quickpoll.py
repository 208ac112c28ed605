"""Quick conditional GETs of known feeds: a small HTTP/1.1 client on the crawl's own event loop.

An idle pass is a thousand ``If-None-Match`` requests answered ``304``. Through Scrapy each costs
about 0.8 ms of CPU before our code runs (engine, scheduler, ~20 middlewares, signals, Twisted's
HTTP client; measured in bench/README.md, "Idle passes"), so the pass could not cost less than
the naive script's full GETs. This module sends those requests itself, under the same rules, and
gives Scrapy everything that is not a plain ``304``:

* only feeds with validators (ETag or Last-Modified) from an earlier poll, only when no proxy is
  configured and ``DOWNLOAD_DELAY`` is 0;
* robots.txt is asked through the crawl's own ``RobotsTxtMiddleware`` (fetched by Scrapy, cached
  as usual); a feed it forbids, or a host whose robots.txt is unreachable or sets a Crawl-delay,
  goes to Scrapy, which records the outcome;
* hosts held by ``Retry-After`` (this crawl or an earlier one) go to Scrapy; so do hosts the
  address guard does not list as configured; the address connected to is checked like the guard's
  ``process_response`` does;
* at most the host's download-slot concurrency (``concurrent_per_host``) requests in flight per
  host; a host's Scrapy requests (its other feeds, replays and what they lead to) start only
  after its quick requests ended, so the two never add up on one host. Quick requests and
  robots.txt fetches are ``CONCURRENT_REQUESTS`` at a time; Scrapy's requests to hosts already
  done may run beside them;
* every complete answer other than 304 (200, redirects, 4xx, 5xx, 429 with Retry-After) is
  handed to Scrapy as a prefetched response (``crawler/middlewares/prefetched.py``): it passes
  through every downloader middleware's ``process_response`` (redirects, retries, Retry-After,
  decompression, the address guard) without a second request. A timeout is handed over as
  Scrapy's ``DownloadTimeoutError``. Anything else (refused, reset, TLS failure, a malformed,
  truncated or oversized answer) sends the feed, and the rest of its host, to Scrapy, which
  requests it again under its own retry rules.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any

from spiders.quickhttp import Answer, HostClient, Target, Unusual, get_request, poll_host, proxies_configured

if TYPE_CHECKING:
    from scrapy.http import Request

    from crawler.state import FeedState

logger = logging.getLogger(__name__)


def _find(crawler: Any, path: str) -> Any:
    """The crawl's instance of the downloader middleware class ``path`` (None if not enabled)."""
    from scrapy.utils.misc import load_object

    cls = load_object(path)
    return next((m for m in crawler.engine.downloader.middleware.middlewares if isinstance(m, cls)), None)


class QuickPoll:
    """The quick path of one crawl: ``run(states)`` yields, host by host, the requests left to Scrapy.

    ``feed_request(state)`` builds a feed's Scrapy request; ``not_modified([(state, answer)])``
    records a host's 304s.
    """

    def __init__(self, crawler: Any, feed_request: Callable[[FeedState], Request],
                 not_modified: Callable[[list[tuple[FeedState, Answer]]], None]):
        from scrapy.downloadermiddlewares.httpcompression import ACCEPTED_ENCODINGS

        self.crawler = crawler
        self.settings = crawler.settings
        self.stats = crawler.stats
        self.feed_request, self.not_modified = feed_request, not_modified
        self.robots = _find(crawler, "crawler.middlewares.robots.RobotsTxtMiddleware")
        self.guard = _find(crawler, "crawler.middlewares.address_guard.AddressGuardMiddleware")
        self.retry_after = _find(crawler, "crawler.middlewares.retry_after.RetryAfterMiddleware")
        replay = _find(crawler, "crawler.middlewares.prefetched.PrefetchedMiddleware")
        self.enabled = (replay is not None and self.settings.getbool("DEFWATCH_QUICK_POLL", True)
                        and self.settings.getfloat("DOWNLOAD_DELAY") <= 0 and not proxies_configured())
        headers = dict(self.settings.getdict("DEFAULT_REQUEST_HEADERS"))
        if ua := self.settings.get("USER_AGENT"):
            headers["User-Agent"] = ua
        if self.settings.getbool("COMPRESSION_ENABLED", True):
            headers["Accept-Encoding"] = b", ".join(ACCEPTED_ENCODINGS).decode()
        self.headers = headers
        self.limit = asyncio.Semaphore(max(1, self.settings.getint("CONCURRENT_REQUESTS")))

    def target(self, state: FeedState, request: Request) -> Target | None:
        """What to send for ``state``, or None when the feed is not for the quick path."""
        from scrapy.utils.httpobj import urlparse_cached

        if not (state.etag or state.last_modified):
            return None
        url = urlparse_cached(request)
        host = url.hostname or ""
        if url.scheme not in ("http", "https") or "@" in url.netloc or not host:
            return None
        if self.guard is not None and (self.guard.policy.check_url(request.url) is not None
                                       or not self.guard.policy.host_allowed(host)):
            return None
        path = (url.path or "/") + (";" + url.params if url.params else "") + ("?" + url.query if url.query else "")
        headers = list(self.headers.items())
        if state.etag:
            headers.append(("If-None-Match", state.etag))
        if state.last_modified:
            headers.append(("If-Modified-Since", state.last_modified))
        try:
            get = get_request(path, url.netloc, headers)
        except Unusual:  # a stored validator h11 will not send (control characters, non-latin-1)
            return None
        return Target(host=host, port=url.port or (443 if url.scheme == "https" else 80), tls=url.scheme == "https",
                      request=get, url=request.url)

    async def run(self, states: Iterable[FeedState]) -> AsyncIterator[list[Request]]:
        downloader = self.crawler.engine.downloader
        hosts: dict[str, list[tuple[FeedState, Request, Target]]] = {}
        rest: dict[str, list[Request]] = {}
        for state in states:
            request = self.feed_request(state)
            target = self.target(state, request) if self.enabled else None
            key = downloader.get_slot_key(request)
            group = hosts.get(key)
            # One client per host: a feed on another port or scheme of that host goes to Scrapy.
            if target is None or (group and (group[0][2].port, group[0][2].tls) != (target.port, target.tls)):
                rest.setdefault(key, []).append(request)
            else:
                hosts.setdefault(key, []).append((state, request, target))
        # A host's other requests wait for its quick ones, so the two never add up on one host.
        if now := [r for key, requests in rest.items() if key not in hosts for r in requests]:
            yield now
        tasks = [asyncio.ensure_future(self.host(key, feeds, rest.get(key, []))) for key, feeds in hosts.items()]
        try:
            for done in asyncio.as_completed(tasks):
                yield await done
        finally:  # the crawl closed early (time budget, SIGTERM): its unfinished feeds stay due
            for task in tasks:
                task.cancel()

    async def host(self, key: str, feeds: list[tuple[FeedState, Request, Target]], after: list[Request]) -> list[Request]:
        """Poll one host's feeds; return the requests Scrapy still has to make or replay, then ``after``."""
        recorded: set[int] = set()  # feeds whose 304 is in the store
        try:
            return await self._host(key, feeds, recorded) + after
        except Exception:  # noqa: BLE001 - a bug here must not lose a feed: Scrapy polls the rest
            logger.exception("quick poll of %s failed; its feeds go through Scrapy", key)
            return [request for i, (_, request, _) in enumerate(feeds) if i not in recorded] + after

    async def _host(self, key: str, feeds: list[tuple[FeedState, Request, Target]], recorded: set[int]) -> list[Request]:
        from scrapy.exceptions import IgnoreRequest

        from crawler.middlewares.netpolicy import parse_ip
        from crawler.middlewares.prefetched import PREFETCHED

        first = feeds[0][1]
        ra = self.retry_after
        if ra is not None and (key in ra.gave_up or ra.closed_until.get(key, 0.0) > time.time()):
            return self._left(feeds, "held")
        quick: deque[tuple[Any, Target]] = deque()
        scrapy_requests: list[Request] = []
        if self.robots is not None:
            async with self.limit:  # a robots.txt request counts against CONCURRENT_REQUESTS too
                parser = await self.robots.robot_parser(first)
            for i, (_, request, target) in enumerate(feeds):
                try:
                    self.robots.process_request_2(parser, request)
                except IgnoreRequest:
                    scrapy_requests.append(request)  # Scrapy records robots-denied / -unavailable
                    self.stats.inc_value("defwatch/quickpoll/left/robots")
                else:
                    quick.append((i, target))
        else:
            quick.extend(enumerate(t for _, _, t in feeds))
        _, slot = self.crawler.engine.downloader._get_slot(first)
        if slot.delay > 0 or slot.latercall is not None:  # Crawl-delay or a hold: Scrapy paces the host
            return scrapy_requests + self._left([feeds[i] for i, _ in quick], "paced")
        deadline = getattr(self.crawler.engine.downloader, "deadline", None)
        target = feeds[0][2]
        policy = self.guard.policy if self.guard is not None else None

        def address_ok(ip: str) -> bool:
            parsed = parse_ip(ip)
            return policy is None or (parsed is not None and policy.address_allowed(parsed, target.host))

        client = HostClient(target.host, target.port, target.tls,
                            timeout=self.settings.getfloat("DOWNLOAD_TIMEOUT"),
                            maxsize=self.settings.getint("DOWNLOAD_MAXSIZE") or 2**62, address_ok=address_ok)
        answers, left = await poll_host(client, quick, slot.concurrency, self.limit, deadline)
        not_modified, done = [], []
        for i, answer in answers:
            state, request, _ = feeds[i]
            if answer.status == 304:
                logger.debug("Crawled (304) <GET %s> (quick poll)", request.url)
                not_modified.append((state, answer))
                done.append(i)
            else:
                request.meta[PREFETCHED] = answer
                scrapy_requests.append(request)
        if not_modified:
            self.not_modified(not_modified)
            recorded.update(done)
            self.stats.inc_value("defwatch/quickpoll/not_modified", len(not_modified))
        return scrapy_requests + self._left([feeds[i] for i in left], "unusual")

    def _left(self, feeds: list[tuple[FeedState, Request, Target]], why: str) -> list[Request]:
        if feeds:
            self.stats.inc_value(f"defwatch/quickpoll/left/{why}", len(feeds))
        return [request for _, request, _ in feeds]
