"""Unit tests of the downloader components in crawler/middlewares/ (no network, no reactor run)."""
from __future__ import annotations

import time
from email.utils import formatdate

import pytest
from scrapy.exceptions import CannotResolveHostError, DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost
from twisted.python.failure import Failure

from crawler.config import AppConfig
from crawler.middlewares import OutcomeIgnored
from crawler.middlewares.netpolicy import AddressPolicy, is_public, parse_ip
from crawler.middlewares.redirect import RedirectMiddleware
from crawler.middlewares.resolver import AddressDenied, GuardedResolver
from crawler.middlewares.retry_after import RetryAfterMiddleware, parse_retry_after
from crawler.middlewares.robots import RobotsTxtMiddleware, Unreachable
from crawler.settings import build_settings
from spiders.failures import classify_failure


def crawler(**overrides):
    return get_crawler(settings_dict=build_settings(AppConfig(), **overrides))


# ------------------------------------------------------------------ address policy

FORBIDDEN = ["127.0.0.1", "127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
             "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "239.255.255.250", "255.255.255.255",
             "240.0.0.1", "192.0.2.1", "::1", "::", "fe80::1", "fd00::1", "fc00::1", "ff02::1", "::ffff:10.0.0.1",
             "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1", "2001:db8::1", "fec0::1"]
PUBLIC = ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "2002:808:808::1"]  # (v4-mapped: always refused)


@pytest.mark.parametrize("address", FORBIDDEN)
def test_forbidden_addresses(address):
    assert not is_public(parse_ip(address))
    assert AddressPolicy().check_url(f"http://{'[' + address + ']' if ':' in address else address}/x") is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address):
    assert is_public(parse_ip(address))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/", "data:,x",
                                 "gopher://example.com/", "http:///nohost"])
def test_schemes_other_than_http_refused(url):
    assert AddressPolicy().check_url(url) is not None


def test_configured_hosts_and_allowed_networks():
    policy = AddressPolicy(["127.0.0.2", "intranet.corp"], ["10.20.0.0/16", "not a network"])
    assert policy.check_url("http://127.0.0.2:8765/feed/") is None
    assert policy.check_url("http://127.0.0.3:8765/feed/") is not None  # the neighbour is not configured
    assert policy.check_url("http://10.20.3.4/") is None
    assert policy.check_url("http://10.21.0.1/") is not None
    assert policy.check_url("http://example.com/") is None  # names are checked when resolved
    assert parse_ip("example.com") is None


def test_resolver_refuses_forbidden_answers():
    resolver = GuardedResolver(None, 0, 5.0, AddressPolicy(["feeds.corp"], ["10.9.0.0/16"]))
    assert resolver.check("93.184.216.34", "news.example") == "93.184.216.34"
    with pytest.raises(AddressDenied) as err:
        resolver.check("10.0.0.1", "public-looking.example")
    assert err.value.outcome == "address-denied"
    with pytest.raises(AddressDenied):
        resolver.check("169.254.169.254", "metadata.example")
    assert resolver.check("10.9.1.1", "build.example") == "10.9.1.1"  # allow_networks
    assert resolver.check("10.0.0.7", "feeds.corp") == "10.0.0.7"     # a configured host
    assert resolver.check("10.0.0.7", "other.corp") == "10.0.0.7"     # ... and the address it resolved to


# ------------------------------------------------------------------ Retry-After

def test_parse_retry_after():
    now = time.time()
    assert parse_retry_after(b"120") == 120
    assert parse_retry_after("0") == 0
    assert abs(parse_retry_after(formatdate(now + 30, usegmt=True), now=now) - 30) <= 1
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


class FakeSlot:
    def __init__(self):
        self.latercall = None


def test_retry_after_closes_the_host_and_long_waits_give_up():
    c = crawler(DEFWATCH_RETRY_AFTER_MAX=30)
    mw = RetryAfterMiddleware.from_crawler(c)
    request = Request("http://127.0.0.2/a", meta={"download_slot": "127.0.0.2"})
    mw.process_response(request, Response(request.url, status=503, headers={"Retry-After": "2"}), None)
    assert 1.9 < mw.closed_until["127.0.0.2"] - time.time() <= 2.2
    assert "dont_retry" not in request.meta
    other = Request("http://127.0.0.3/b", meta={"download_slot": "127.0.0.3"})
    mw.process_response(other, Response(other.url, status=429, headers={"Retry-After": formatdate(
        time.time() + 3600, usegmt=True)}), None)
    assert other.meta["dont_retry"] is True  # not retried, not waited for
    with pytest.raises(OutcomeIgnored) as err:
        import asyncio

        asyncio.run(mw.process_request(Request("http://127.0.0.3/c", meta={"download_slot": "127.0.0.3"}), None))
    assert err.value.outcome == "http-error-after-retries"


def test_backoff_is_planned_for_retried_failures():
    mw = RetryAfterMiddleware.from_crawler(crawler())
    request = Request("http://127.0.0.2/a", meta={"retry_times": 1})
    mw.process_exception(request, ConnectionLost("reset"), None)
    assert 1.4 <= request.meta["dw_retry_not_before"] - time.time() <= 2.6  # second retry: 2 s +-25 %
    with pytest.raises(OutcomeIgnored):  # a refusal carried by the cause is final, never retried
        try:
            raise CannotResolveHostError("x") from AddressDenied("h", "resolves to 10.0.0.1")
        except CannotResolveHostError as exc:
            mw.process_exception(Request("http://h/"), exc, None)


# ------------------------------------------------------------------ redirects

def redirect(mw, request, location, status=301):
    return mw.process_response(request, Response(request.url, status=status, headers={"Location": location}))


def test_redirect_loop_and_chain_end_as_redirect_limit():
    c = crawler(REDIRECT_MAX_TIMES=3)
    mw = RedirectMiddleware.from_crawler(c)
    first = Request("http://127.0.0.2/a")
    second = redirect(mw, first, "/b")
    assert isinstance(second, Request) and second.dont_filter  # never dropped by the dupe filter
    with pytest.raises(OutcomeIgnored) as err:
        redirect(mw, second, "/a")
    assert err.value.outcome == "redirect-limit" and "loop" in str(err.value)
    req = first
    with pytest.raises(OutcomeIgnored) as err:
        for n in range(10):
            req = redirect(mw, req, f"/chain/{n}")
    assert err.value.outcome == "redirect-limit" and n == 3


@pytest.mark.parametrize("location", ["file:///etc/passwd", "javascript:alert(1)", "ftp://10.0.0.1/"])
def test_redirect_to_other_schemes_refused(location):
    mw = RedirectMiddleware.from_crawler(crawler())
    with pytest.raises(OutcomeIgnored) as err:
        redirect(mw, Request("http://127.0.0.2/a"), location, 302)
    assert err.value.outcome == "address-denied"


# ------------------------------------------------------------------ robots.txt

def test_robots_unreachable_denies_the_site():
    mw = RobotsTxtMiddleware.from_crawler(crawler())
    with pytest.raises(OutcomeIgnored) as err:
        mw.process_request_2(Unreachable("HTTP 503"), Request("http://127.0.0.2/story/"))
    assert err.value.outcome == "robots-unavailable"
    mw.process_request_2(None, Request("http://127.0.0.2/story/"))  # 404: allowed


# ------------------------------------------------------------------ outcomes of failures

@pytest.mark.parametrize("exc,outcome", [
    (OutcomeIgnored("robots-denied"), "robots-denied"),
    (DownloadCancelledError(""), "too-large"),
    (IgnoreRequest("Ignored response because its body exceeded DOWNLOAD_MAXSIZE during decompression"), "too-large"),
    (DownloadTimeoutError("Getting x took longer than 5 seconds."), "timeout"),
    (ConnectionResetError(), "connection-error"),
])
def test_classify_failure(exc, outcome):
    failure = Failure(exc)
    failure.request = Request("http://127.0.0.2/")
    assert classify_failure(failure)[0] == outcome


def test_classify_failure_finds_the_outcome_of_a_cause():
    try:
        raise CannotResolveHostError("x") from AddressDenied("h", "resolves to 10.0.0.1")
    except CannotResolveHostError:
        assert classify_failure(Failure())[0] == "address-denied"


def test_robots_rules_cached_for_the_process_not_failures():
    """A daemon's next cycle reuses a host's robots.txt rules; an unreachable answer is not kept."""
    import asyncio

    from scrapy.http import Request, TextResponse
    from scrapy.utils.test import get_crawler
    from twisted.internet.defer import Deferred

    from crawler.middlewares import robots as robots_mod
    from crawler.middlewares.robots import RobotsTxtMiddleware, Unreachable

    robots_mod._PROCESS_CACHE.clear()
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
    mw = RobotsTxtMiddleware(crawler)
    request = Request("http://h.test/a")
    response = TextResponse("http://h.test/robots.txt", body=b"User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    mw._parsers["h.test"] = Deferred()  # as robot_parser() leaves it while the download is pending
    asyncio.run(mw._parse_robots(response, "h.test", request))
    assert "h.test" in robots_mod._PROCESS_CACHE
    mw._parsers["bad.test"] = Deferred()
    mw._settle("bad.test", Unreachable("HTTP 503"))
    assert "bad.test" not in robots_mod._PROCESS_CACHE
    second = RobotsTxtMiddleware(get_crawler(settings_dict={"ROBOTSTXT_OBEY": True}))
    parser = asyncio.run(second.robot_parser(Request("http://h.test/b")))
    assert not parser.allowed("http://h.test/private/x", "defwatch")
    assert parser.allowed("http://h.test/public", "defwatch")
