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

MetaRefreshMiddleware first looks for ``refre`` in the raw bytes of the page's head: Scrapy's
check decodes the page and runs w3lib's parser on it, 2 % of the crawl process's CPU on pages of
which almost none has a meta refresh (``may_refresh``).
"""
from __future__ import annotations

import codecs
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as ScrapyRedirect
from scrapy.http import HtmlResponse, Request, Response
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
    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        if isinstance(response, HtmlResponse) and not may_refresh(response):
            return response
        return super().process_response(request, response)


#: Scrapy reads a meta refresh in the first 4,096 characters of the text; no supported encoding
#: spends more than 8 bytes on a character (UTF-7 and ISO-2022 shifts included).
HEAD_BYTES = 8 * 4096
#: Encodings in which every ASCII letter of the text is the same single byte in the body.
ASCII_LETTERS_AS_IS = frozenset({
    "ascii", "utf-8", "latin-1", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256",
    "cp1257", "cp1258", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "shift_jis", "cp932", "euc_jp",
    "euc_kr", "cp949", "koi8-r", "koi8-u", "mac-roman", "tis-620", "cp874",
    *(f"iso8859-{n}" for n in range(1, 17)),
})


@cache
def _letters_as_is(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in ASCII_LETTERS_AS_IS
    except LookupError:
        return False


def may_refresh(response: HtmlResponse) -> bool:
    """False only when the page surely has no meta refresh for Scrapy to follow.

    w3lib's pattern needs ``refresh`` (any case) in the text, and "refre" has no letter that
    Unicode case folding matches with another character (unlike the "s" of "refresh", which
    matches the long s). So when the head of the body has no ``refre`` in any case, and the
    page's encoding writes ASCII letters as themselves (no NUL byte, as UTF-16 and UTF-32 have;
    a declared encoding from the list above, or none, when Scrapy infers UTF-8 or cp1252), the
    decoded text has none either.
    """
    head = response.body[:HEAD_BYTES]
    if b"\x00" in head or b"refre" in head.lower():
        return True
    declared = response._declared_encoding()
    return declared is not None and not _letters_as_is(declared)
