"""FeedSpider built alone from settings (get_crawler + from_crawler) against a real store: what it
asks for, and what it hands to the pipelines. No reactor, no network."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from crawler.config import AppConfig, Site
from crawler.items import FailedPage, FeedEntry, FetchedPage
from crawler.settings import build_settings
from crawler.store import Store
from spiders.feeds import FeedSpider

SITE = Site(id="ex", name="Ex", url="https://ex.com/", feeds=("https://ex.com/feed/", "https://ex.com/cat/feed/"))
RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Ex</title>
<item><title>One</title><link>https://ex.com/one/?utm_source=rss</link><guid>https://ex.com/?p=1</guid>
<pubDate>Mon, 28 Oct 2024 12:00:00 GMT</pubDate></item>
<item><title>Two</title><link>https://ex.com/two/</link><pubDate>Mon, 28 Oct 2024 13:00:00 GMT</pubDate></item>
</channel></rss>"""


def collect(results):
    """The requests of a callback: ``parse_feed`` is an async generator (it awaits the worker pool)."""
    async def gather():
        return [r async for r in results]

    return asyncio.run(gather())


@pytest.fixture
def spider(tmp_path):
    settings = build_settings(AppConfig(jitter=0.0), store=tmp_path / "s.sqlite3", sites=[SITE])
    crawler = get_crawler(FeedSpider, settings_dict=settings)
    crawler.spider = spider = FeedSpider.from_crawler(crawler, all_feeds=True)
    crawler.stats.open_spider()
    yield spider
    spider.store.close()


def feed_response(request: Request, body: bytes = RSS, status: int = 200, **headers: str) -> Response:
    return Response(request.url, status=status, body=body, headers=headers, request=request)


def test_polls_every_feed_with_its_validators(spider):
    spider.store.ensure_feeds([("ex", url) for url in SITE.feeds])
    spider.store.record_poll(replace(spider.store.feed(SITE.feeds[0]), etag='"e1"', last_modified="Mon"))
    requests = {r.url: r for r in spider.start_requests()}
    assert set(requests) == set(SITE.feeds)
    first = requests[SITE.feeds[0]]
    assert first.headers[b"If-None-Match"] == b'"e1"' and first.headers[b"If-Modified-Since"] == b"Mon"
    assert first.cb_kwargs == {"site_id": "ex", "feed_url": SITE.feeds[0]}


def test_new_entries_become_page_requests_once_per_crawl(spider):
    spider.store.ensure_feeds([("ex", url) for url in SITE.feeds])
    feed = next(r for r in spider.start_requests() if r.url == SITE.feeds[0])
    pages = collect(spider.parse_feed(feed_response(feed), **feed.cb_kwargs))
    assert [p.url for p in pages] == ["https://ex.com/one/", "https://ex.com/two/"]  # tracking removed
    target = pages[0].cb_kwargs["target"]
    assert target.entry.guid == "https://ex.com/?p=1" and target.feed_url == SITE.feeds[0]
    other = next(r for r in spider.start_requests() if r.url == SITE.feeds[1])
    assert collect(spider.parse_feed(feed_response(other), **other.cb_kwargs)) == []  # claimed already
    assert spider.crawler.stats.get_value("defwatch/entries/duplicate_in_run") == 2
    state = spider.store.feed(SITE.feeds[0])
    assert state.last_status == "200" and state.items_total == 2 and state.etag is None  # deferred
    spider.closed("finished")
    spider.store = Store(spider.settings["DEFWATCH_STORE"])
    assert spider.store.feed(SITE.feeds[0]).body_hash  # validators stored once the crawl finished


def test_a_304_and_a_feed_error(spider):
    spider.store.ensure_feeds([("ex", url) for url in SITE.feeds])
    feeds = {r.url: r for r in spider.start_requests()}
    first, second = feeds[SITE.feeds[0]], feeds[SITE.feeds[1]]
    assert collect(spider.parse_feed(feed_response(first, b"", 304), **first.cb_kwargs)) == []
    assert spider.store.feed(SITE.feeds[0]).last_status == "304"
    failure = Failure(DNSLookupError("no such host"))
    failure.request = second
    spider.feed_failed(failure)
    state = spider.store.feed(SITE.feeds[1])
    assert state.last_status == "error" and state.failures == 1 and "DNSLookupError" in state.last_error
    assert spider.crawler.stats.get_value("defwatch/site/ex/feed_errors") == 1


def test_pages_become_typed_items(spider):
    entry = FeedEntry(feed_url=SITE.feeds[0], link="https://ex.com/one/", stamp="s1")
    request = spider.page_request(SITE, entry.link, entry, entry.feed_url)
    response = HtmlResponse("https://ex.com/2024/one/", body=b"<html><p>x</p></html>", request=request,
                            headers={"Content-Type": "text/html; charset=utf-8"})
    response.meta["redirect_urls"] = ["https://ex.com/one/"]
    (page,) = spider.parse_page(response, **request.cb_kwargs)
    assert isinstance(page, FetchedPage) and page.entry == entry and page.content_type == "text/html"
    assert page.keys == ["ex.com/one", "ex.com/2024/one"]
    gone = HtmlResponse(request.url, status=410, body=b"", request=request)
    (failed,) = spider.parse_page(gone, **request.cb_kwargs)
    assert isinstance(failed, FailedPage) and (failed.outcome, failed.retry) == ("gone", False)
    failure = Failure(DNSLookupError("no such host"))
    failure.request = request
    (failed,) = spider.page_failed(failure)
    assert (failed.outcome, failed.retry, failed.entry) == ("connection-error", True, entry)
