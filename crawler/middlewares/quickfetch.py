"""QuickDownloadHandler: Scrapy's http(s) download handler, with plain GETs sent by the quick client.

A cold crawl is mostly GETs of article pages on the configured sites, and Twisted's HTTP/1.1
client (its agent, connection pool, protocol state machines and deferred chains) was the largest
part of the crawl process's CPU per page after the store (bench/README.md, "Where the crawl
process's CPU goes"). This handler sends such a GET with the small h11 client of the quick feed
poll (``spiders/quickhttp.py``, keep-alive connections on the crawl's own event loop) and gives
everything else to Scrapy's own ``HTTP11DownloadHandler``, so the rules stay where they are:

* it is a download handler: every downloader middleware's ``process_request`` has run (robots.txt,
  the address guard, Retry-After holds, headers) and every ``process_response`` runs on what it
  returns (redirects, retries, decompression, the guard's peer check); the request holds its
  place in its download slot meanwhile, so the per-host limit and download delays are Scrapy's;
* only GETs without a body, proxy or bind address, to hosts the address guard lists as
  configured, and only when no proxy is configured; the address connected to is checked like the
  guard's ``process_response`` does, before anything is sent;
* a complete answer (any status) is returned as the Twisted handler would return it (same
  response class, headers, ``ip_address``, ``download_latency``); a timeout raises the same
  ``DownloadTimeoutError``; anything unusual (refused, reset, TLS failure, a malformed, truncated
  or oversized answer) sends the request to the Twisted handler, which requests it again and
  fails or succeeds under its own rules; so do all later requests to that host in this crawl
  (a failing host costs one extra request, not one per retry).

Registered for ``http`` and ``https`` in ``DOWNLOAD_HANDLERS`` (``crawler/settings.py``);
``DEFWATCH_QUICK_FETCH = False`` (or ``DEFWATCH_QUICK_FETCH=0`` in the environment, a switch for
operators and for the tests that compare both) sends everything through Twisted. Stats:
``defwatch/quickfetch/sent``, ``defwatch/quickfetch/left``.
"""
from __future__ import annotations

import logging
import os
from ipaddress import ip_address
from typing import Any

import h11
from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Headers, Response
from scrapy.utils._download_handlers import get_warnsize_msg, make_response
from scrapy.utils.httpobj import urlparse_cached

from spiders.quickhttp import HostClient, StaleConnection, Target, Unusual, proxies_configured

logger = logging.getLogger(__name__)


class QuickDownloadHandler(BaseDownloadHandler):
    def __init__(self, crawler: Any):
        super().__init__(crawler)
        self.fallback = HTTP11DownloadHandler(crawler)
        settings = crawler.settings
        self.enabled = (settings.getbool("DEFWATCH_QUICK_FETCH", True) and os.environ.get("DEFWATCH_QUICK_FETCH") != "0"
                        and not proxies_configured())
        self.maxsize = settings.getint("DOWNLOAD_MAXSIZE")
        self.warnsize = settings.getint("DOWNLOAD_WARNSIZE")
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        self.stats = crawler.stats
        self.clients: dict[tuple[str, int, bool], HostClient] = {}
        #: Hosts that gave an unusual answer or failure: Twisted's for the rest of the crawl.
        self.unusual: set[tuple[str, int, bool]] = set()
        self._policy: Any = None

    def policy(self) -> Any:
        """The address guard's policy (None when the guard is not enabled: then nothing is quick)."""
        if self._policy is None:
            from crawler.middlewares.address_guard import AddressGuardMiddleware

            engine = self.crawler.engine
            middlewares = engine.downloader.middleware.middlewares if engine is not None else ()
            guard = next((m for m in middlewares if isinstance(m, AddressGuardMiddleware)), None)
            self._policy = guard.policy if guard is not None else False
        return self._policy or None

    async def download_request(self, request: Request) -> Response:
        target = self.target(request) if self.enabled else None
        if target is None:
            return await self.fallback.download_request(request)
        key = (target.host, target.port, target.tls)
        if key in self.unusual:
            return await self.fallback.download_request(request)
        client = self.client(target)
        maxsize = request.meta.get("download_maxsize", self.maxsize) or 2**62
        try:
            answer = await client.fetch(target, timeout=request.meta.get("download_timeout") or self.timeout,
                                        maxsize=maxsize, stale_retry=False)
        except StaleConnection as exc:  # a kept connection the server closed: Twisted asks once more
            logger.debug("quick fetch of %s left to Twisted: %s", request.url, exc)
            self.stats.inc_value("defwatch/quickfetch/left")
            return await self.fallback.download_request(request)
        except Unusual as exc:
            logger.debug("quick fetch of %s left to Twisted: %s", request.url, exc)
            self.unusual.add(key)
            self.stats.inc_value("defwatch/quickfetch/left")
            return await self.fallback.download_request(request)
        self.stats.inc_value("defwatch/quickfetch/sent")
        request.meta["download_latency"] = answer.latency
        if answer.timeout is not None:
            raise DownloadTimeoutError(f"Getting {target.url} took longer than {answer.timeout} seconds.")
        warnsize = request.meta.get("download_warnsize", self.warnsize)
        if warnsize and len(answer.body) >= warnsize:
            logger.warning(get_warnsize_msg(len(answer.body), warnsize, request, expected=False))
        headers = Headers()
        for key, value in answer.headers:  # repeated names keep every value, as Twisted's do
            headers.appendlist(key, value)
        return make_response(url=request.url, status=answer.status, headers=headers, body=answer.body,
                             ip_address=ip_address(answer.ip) if answer.ip else None, protocol=answer.protocol)

    def target(self, request: Request) -> Target | None:
        """What to send for ``request``, or None when it is for the Twisted handler."""
        if request.method != "GET" or request.body or "proxy" in request.meta or "bindaddress" in request.meta:
            return None
        url = urlparse_cached(request)
        host = url.hostname or ""
        policy = self.policy()
        if (policy is None or url.scheme not in ("http", "https") or "@" in url.netloc or not host
                or not policy.host_allowed(host)):
            return None
        path = (url.path or "/") + (";" + url.params if url.params else "") + ("?" + url.query if url.query else "")
        raw = [(b"Host", url.netloc.encode("latin-1"))]
        raw.extend((key, value) for key, values in request.headers.items() for value in values)
        try:
            get = h11.Request(method=b"GET", target=path.encode("latin-1"), headers=raw)
        except (UnicodeEncodeError, h11.LocalProtocolError):
            return None
        return Target(host=host, port=url.port or (443 if url.scheme == "https" else 80), tls=url.scheme == "https",
                      request=get, url=request.url)

    def client(self, target: Target) -> HostClient:
        key = (target.host, target.port, target.tls)
        client = self.clients.get(key)
        if client is None:
            from crawler.middlewares.netpolicy import parse_ip

            policy, host = self.policy(), target.host

            def address_ok(ip: str) -> bool:
                parsed = parse_ip(ip)
                return parsed is not None and policy.address_allowed(parsed, host)

            client = self.clients[key] = HostClient(target.host, target.port, target.tls, timeout=self.timeout,
                                                    maxsize=self.maxsize or 2**62, address_ok=address_ok)
        return client

    async def close(self) -> None:
        for client in self.clients.values():
            client.close()
        self.clients.clear()
        await self.fallback.close()
