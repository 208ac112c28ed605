"""AddressGuardMiddleware: no SSRF. A URL found in a feed or a page is fetched only over http(s)
and only from a public address, unless the configuration allows the host or network.

Three checks, so that neither a URL string nor a DNS answer can lead the crawler to a private,
loopback, link-local (169.254.169.254), multicast, reserved or unspecified address:

* ``process_request`` (before robots.txt, so not even ``/robots.txt`` is asked of such a host):
  the scheme must be http or https, and an IP-literal host (``10.0.0.1``, ``[::1]``,
  ``2130706433``) must be allowed; redirects pass through here again.
* the ``GuardedResolver`` this middleware installs on the reactor while the spider runs: a host
  name is connected to only if the address it resolves to is allowed (checked at connect time:
  the connection goes to exactly the address checked).
* ``process_response``: the peer address of the response is checked once more (defence in depth).

Refusals raise ``OutcomeIgnored("address-denied")`` and count ``defwatch/address/denied_<why>``.

Settings: ``DEFWATCH_ALLOW_NETWORKS`` (from ``allow_networks``), ``DEFWATCH_ALLOWED_HOSTS``
(extra host names); the hosts of every site, feed and sitemap URL of ``DEFWATCH_SITES`` are
always allowed.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from scrapy import signals
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.config import Site
from crawler.middlewares import OutcomeIgnored
from crawler.middlewares.netpolicy import AddressPolicy, parse_ip
from crawler.middlewares.resolver import AddressDenied, GuardedResolver

logger = logging.getLogger(__name__)


def configured_urls(sites: Iterable[Site]) -> list[str]:
    """Every URL the registry names for ``sites`` (site, feeds, sitemaps)."""
    urls: list[str] = []
    for site in sites:
        urls.append(site.url)
        urls.extend(site.feeds)
        urls.extend(getattr(site, "sitemaps", ()) or ())
    return urls


class AddressGuardMiddleware:
    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stats = crawler.stats
        self.policy = AddressPolicy(crawler.settings.getlist("DEFWATCH_ALLOWED_HOSTS"),
                                    crawler.settings.getlist("DEFWATCH_ALLOW_NETWORKS"))
        # One Request per distinct scheme and host, not per feed: a registry of 1,000 feeds
        # names a few dozen hosts.
        seen: set[str] = set()
        for url in configured_urls(crawler.settings.get("DEFWATCH_SITES") or ()):
            origin = url.split("/", 3)[:3]
            if len(origin) == 3 and "@" not in origin[2]:
                if (token := "/".join(origin)) in seen:
                    continue
                seen.add(token)
            self.policy.allow_host(urlparse_cached(Request(url)).hostname or "")
        self.resolver: GuardedResolver | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressGuardMiddleware:
        return cls(crawler)

    # ------------------------------------------------------------ lifecycle
    def spider_opened(self) -> None:
        from twisted.internet import reactor  # installed by now; never import it at module level

        self.resolver = GuardedResolver.from_crawler(self.crawler, reactor)
        self.resolver.policy = self.policy
        self.resolver.install_on_reactor()

    def spider_closed(self) -> None:
        if self.resolver is not None:
            self.resolver.uninstall()
            self.resolver = None

    # ------------------------------------------------------------ checks
    def deny(self, request: Request, why: str, reason: str) -> OutcomeIgnored:
        self.stats.inc_value(f"defwatch/address/denied_{why}")
        logger.info("refused %s: %s", request.url, reason)
        return OutcomeIgnored("address-denied", f"refused {request.url}: {reason}")

    async def process_request(self, request: Request, spider: Any = None) -> None:
        reason = self.policy.check_url(request.url)
        if reason is not None:
            raise self.deny(request, "scheme" if reason.startswith("scheme") else "ip", reason)
        host = urlparse_cached(request).hostname or ""
        if self.resolver is not None and parse_ip(host) is None and not self.policy.host_allowed(host):
            # Resolve now (the answer is cached for the connection) so that a refused name ends
            # here, as address-denied, before robots.txt or a retry is tried for it. The connect-
            # time check in the resolver stays the one that cannot be bypassed.
            from scrapy.utils.defer import maybe_deferred_to_future

            try:
                await maybe_deferred_to_future(self.resolver.getHostByName(host))
            except AddressDenied as exc:
                raise self.deny(request, "dns", str(exc)) from None
            except Exception:  # noqa: BLE001 - other DNS failures are the download's to report
                pass
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        peer = getattr(response, "ip_address", None)
        if peer is not None:
            ip = parse_ip(str(peer))
            host = urlparse_cached(request).hostname
            if ip is not None and not self.policy.address_allowed(ip, host):
                raise self.deny(request, "peer", f"connected to {ip}, which is not a public address")
        return response
