"""RedirectMiddleware and MetaRefreshMiddleware that end loops and long chains as an outcome.

Scrapy's redirect handling loses a URL in two ways: a redirect back to a URL already requested
is dropped by the duplicate filter without any error (a loop ``/a -> /a`` just vanishes), and a
redirect to a non-http scheme (``file:``, ``javascript:``) hands the 3xx to the spider as an
error. Here every redirect ends in one of:

* followed (``dont_filter`` set on the new request, so the duplicate filter cannot drop it);
* ``redirect-limit``: the target was already visited in this chain (a loop), or the chain is
  longer than ``REDIRECT_MAX_TIMES``;
* ``address-denied``: the target's scheme is not http or https.

Stats: ``defwatch/redirect/loop``, ``defwatch/redirect/too_many``, ``defwatch/redirect/scheme``.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as ScrapyRedirect
from scrapy.http import Request, Response
from w3lib.url import safe_url_string

from crawler.middlewares import OutcomeIgnored
from crawler.urls import canonical_url

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class GuardedRedirectMixin:
    crawler: Any
    max_redirect_times: int

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        stats = self.crawler.stats
        if canonical_url(redirected.url) in {canonical_url(u) for u in chain}:
            stats.inc_value("defwatch/redirect/loop")
            raise OutcomeIgnored("redirect-limit", "redirect loop: " + " -> ".join([*chain, redirected.url])[-400:])
        if len(chain) > self.max_redirect_times:
            stats.inc_value("defwatch/redirect/too_many")
            raise OutcomeIgnored("redirect-limit", f"more than {self.max_redirect_times} redirects, "
                                                   f"from {chain[0]} to {redirected.url}")
        result = super()._redirect(redirected, request, reason)  # type: ignore[misc]
        result.dont_filter = True
        return result


class RedirectMiddleware(GuardedRedirectMixin, ScrapyRedirect):
    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        location = response.headers.get(b"Location")
        if (location and response.status in REDIRECT_STATUSES and not request.meta.get("dont_redirect")
                and response.status not in request.meta.get("handle_httpstatus_list", ())):
            target = urljoin(request.url, safe_url_string(location))
            scheme = urlsplit(target).scheme.lower()
            if scheme not in ("http", "https"):
                self.crawler.stats.inc_value("defwatch/redirect/scheme")
                raise OutcomeIgnored("address-denied", f"redirect to a {scheme or 'scheme-less'} URL refused: "
                                                       f"{target[:200]}")
        return super().process_response(request, response)


class MetaRefreshMiddleware(GuardedRedirectMixin, ScrapyMetaRefresh):
    pass
