"""PrefetchedMiddleware: a feed answer the quick poll already received enters Scrapy here.

``spiders/quickpoll.py`` sends the conditional GETs of known feeds itself and keeps the 304s;
any other answer is given to Scrapy in the request's ``meta[PREFETCHED]``. This middleware sits
last, where the download handler would be called: every other middleware's ``process_request``
has run (robots.txt, the address guard, Retry-After, headers), and what it returns passes
through every ``process_response`` (redirects, retries, Retry-After, decompression, the address
guard's peer check) exactly as a downloaded response, with no second request. A timed-out quick
request raises Scrapy's ``DownloadTimeoutError`` instead (through every ``process_exception``).
The meta key is removed first, so a redirect or retry built from this request downloads anew.
Stats: ``defwatch/quickpoll/replayed``.
"""
from __future__ import annotations

from ipaddress import ip_address
from typing import Any

from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

PREFETCHED = "dw_prefetched"


class PrefetchedMiddleware:
    def __init__(self, crawler: Any):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrefetchedMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> Response | None:
        answer = request.meta.pop(PREFETCHED, None)
        if answer is None:
            return None
        self.stats.inc_value("defwatch/quickpoll/replayed")
        request.meta["download_latency"] = answer.latency
        if answer.timeout is not None:
            raise DownloadTimeoutError(f"Getting {request.url} took longer than {answer.timeout} seconds.")
        headers = Headers(answer.headers)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=answer.body)
        return cls(url=request.url, status=answer.status, headers=headers, body=answer.body, request=request,
                   ip_address=ip_address(answer.ip) if answer.ip else None, protocol="HTTP/1.1")
