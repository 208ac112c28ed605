"""RobotsTxtMiddleware: robots.txt as RFC 9309 says, replacing Scrapy's.

Scrapy's middleware parses whatever answer ``/robots.txt`` gives (a 503 error page becomes an
empty, allow-all rule set) and treats a download error as "allow all". RFC 9309 section 2.3.1
says otherwise, and so does this middleware:

* 2xx: the rules are parsed and obeyed (``robots-denied`` for a disallowed URL);
* 4xx other than 429 ("unavailable"): the crawler may access any resource;
* 5xx, 429, a timeout or a connection error ("unreachable"): the site is not crawled at all.
  Every request to that host ends as ``robots-unavailable`` (retried with backoff in a later
  cycle, whose fresh robots.txt fetch decides again);
* more redirects than ``REDIRECT_MAX_TIMES``: unavailable, so allowed (RFC 9309 2.3.1.2).

The robots.txt request itself goes through the other downloader middlewares: Retry-After and
retries with backoff (so a flapping 503 gets its retries), the address guard, the size limit.
A daemon runs a new crawler every cycle; the rules a host gave (2xx or 4xx, never an
unreachable answer) are kept for the process for ``DEFWATCH_ROBOTS_TTL`` seconds (default one
hour; RFC 9309 allows up to 24 hours), so an idle cycle does not ask every robots.txt again.
A ``Crawl-delay`` for our user agent becomes the host's download delay, up to
``DEFWATCH_MAX_CRAWL_DELAY`` seconds (default 3: a larger value would stretch one crawl of a
busy site past any sensible bound; the feed schedule already keeps the request rate low).
Stats: ``robotstxt/crawl_delay``, ``robotstxt/forbidden``, ``robotstxt/unreachable``, ``robotstxt/unavailable``,
``robotstxt/cached``.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.middlewares import OutcomeIgnored

logger = logging.getLogger(__name__)

#: netloc -> (expires at, parser or None for "allow all"), shared by the crawlers of one process.
_PROCESS_CACHE: dict[str, tuple[float, Any]] = {}


class Unreachable:
    """The robots.txt of a host could not be fetched (5xx, 429, timeout, connection error)."""

    def __init__(self, reason: str):
        self.reason = reason

    def allowed(self, url: str, user_agent: Any) -> bool:
        return False


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    def __init__(self, crawler: Any):
        super().__init__(crawler)
        self._ttl = crawler.settings.getfloat("DEFWATCH_ROBOTS_TTL", 3600.0)
        self._max_crawl_delay = crawler.settings.getfloat("DEFWATCH_MAX_CRAWL_DELAY", 3.0)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return
        if urlparse_cached(request).scheme not in ("http", "https"):
            return
        rp = await self.robot_parser(request)
        self.process_request_2(rp, request)

    def process_request_2(self, rp: Any, request: Request) -> None:
        if isinstance(rp, Unreachable):
            self._stats.inc_value("robotstxt/denied_unreachable")
            raise OutcomeIgnored("robots-unavailable", f"robots.txt of {urlparse_cached(request).netloc} "
                                                       f"is unreachable ({rp.reason}): the site is not crawled")
        if rp is None:
            return
        useragent = self._robotstxt_useragent or request.headers.get(b"User-Agent", self._default_useragent)
        if not rp.allowed(request.url, useragent):
            self._stats.inc_value("robotstxt/forbidden")
            raise OutcomeIgnored("robots-denied", "Forbidden by robots.txt")

    async def robot_parser(self, request: Request) -> Any:
        url = urlparse_cached(request)
        netloc = url.netloc
        cached = _PROCESS_CACHE.get(netloc)
        if netloc not in self._parsers and cached and cached[0] > time.monotonic():
            self._stats.inc_value("robotstxt/cached")
            self._parsers[netloc] = cached[1]
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots_request = Request(f"{url.scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                                     meta={"dont_obey_robotstxt": True, "dw_robots": True}, callback=NO_CALLBACK)
            try:
                response = await self.crawler.engine.download_async(robots_request)
            except Exception as exc:  # noqa: BLE001 - every failure has a meaning here
                self._robots_failed(exc, netloc)
            else:
                await self._parse_robots(response, netloc, request)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            parser = await maybe_deferred_to_future(parser)
        self._apply_crawl_delay(parser, request)
        return parser

    def _apply_crawl_delay(self, parser: Any, request: Request) -> None:
        """Slow the host's download slot to its robots.txt Crawl-delay (capped)."""
        crawl_delay = getattr(parser, "crawl_delay", None)
        if crawl_delay is None or self._max_crawl_delay <= 0:
            return
        useragent = self._robotstxt_useragent or request.headers.get(b"User-Agent", self._default_useragent)
        try:
            delay = crawl_delay(useragent)
            downloader = self.crawler.engine.downloader
            _, slot = downloader._get_slot(request)
        except Exception:  # noqa: BLE001 - a bad value or Scrapy's private API moved: no delay
            return
        if delay and delay > 0 and slot.delay < min(delay, self._max_crawl_delay):
            slot.delay = min(float(delay), self._max_crawl_delay)
            self._stats.set_value("robotstxt/crawl_delay", slot.delay)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if response.status >= 500 or response.status == 429:
            self._settle(netloc, Unreachable(f"HTTP {response.status}"))
            return
        if response.status >= 300:
            # 4xx: unavailable, anything may be fetched. 3xx here is a redirect not followed
            # (e.g. to another scheme): unavailable as well.
            self._stats.inc_value("robotstxt/unavailable")
            self._settle(netloc, None)
            return
        await super()._parse_robots(response, netloc, request)
        parser = self._parsers.get(netloc)
        if self._ttl > 0 and not isinstance(parser, (Deferred, Unreachable)):
            _PROCESS_CACHE[netloc] = (time.monotonic() + self._ttl, parser)

    def _robots_failed(self, exc: Exception, netloc: str) -> None:
        outcome = getattr(exc, "outcome", None)
        text = str(exc).lower()
        if isinstance(exc, IgnoreRequest) and (outcome == "redirect-limit" or "redirect" in text):
            self._stats.inc_value("robotstxt/unavailable")
            self._settle(netloc, None)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc).__name__}")
        logger.info("robots.txt of %s is unreachable (%s: %s); its pages are not crawled this time",
                       netloc, type(exc).__name__, str(exc)[:200])
        self._settle(netloc, Unreachable(f"{type(exc).__name__}: {str(exc)[:120]}"))

    def _settle(self, netloc: str, parser: Any) -> None:
        if isinstance(parser, Unreachable):
            self._stats.inc_value("robotstxt/unreachable")
        elif self._ttl > 0:
            _PROCESS_CACHE[netloc] = (time.monotonic() + self._ttl, parser)
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred):
            pending.callback(parser)

