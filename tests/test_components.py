"""Every pipeline and our store-backed middlewares, each built alone from settings with
``get_crawler`` + ``from_crawler``, against a real SQLite store in ``tmp_path``. No spider runs."""
from __future__ import annotations

import asyncio
import inspect
import time
from dataclasses import replace
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from crawler.config import AppConfig, Site
from crawler.items import ArticlePage, ExtractedPage, FailedPage, FeedEntry, FetchedPage
from crawler.middlewares import OutcomeIgnored
from crawler.middlewares.address_guard import AddressGuardMiddleware
from crawler.middlewares.retry_after import RetryAfterMiddleware
from crawler.settings import build_settings
from crawler.store import Store
from pipelines.dedupe import DedupePipeline
from pipelines.extract import ExtractPipeline
from pipelines.normalize import NormalizePipeline
from pipelines.outcome import OutcomePipeline, PageOutcome
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline

FIXTURE = next((Path(__file__).parent / "fixtures" / "sites" / "defencetalks").glob("*.html"))
SITE = Site(id="defencetalks", name="Defence Talks", url="https://defencetalks.com/",
            feeds=("https://defencetalks.com/feed/",))
PAGE_URL = "https://defencetalks.com/" + FIXTURE.stem + "/"
ENTRY = FeedEntry(feed_url=SITE.feeds[0], link=PAGE_URL, guid="https://defencetalks.com/?p=1", stamp="2024-10-01|ab")


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "s.sqlite3"


def make(component, db: Path | None = None, **overrides):
    settings = build_settings(AppConfig(), store=db, sites=[SITE], **overrides)
    crawler = get_crawler(settings_dict=settings)
    return crawler, component.from_crawler(crawler)


def fetched(body: bytes | None = None, url: str = PAGE_URL) -> FetchedPage:
    page = FIXTURE.read_bytes().replace(b"{{BASE}}", b"https://defencetalks.com")
    return FetchedPage(site=SITE.id, url=url, body=page if body is None else body,
                       content_type="text/html", entry=ENTRY, keys=["defencetalks.com/" + FIXTURE.stem],
                       feed_url=SITE.feeds[0])


def process(component, item):
    """``component.process_item(item)``, awaited when it is a coroutine (ExtractPipeline's is)."""
    result = component.process_item(item)
    return asyncio.run(result) if inspect.iscoroutine(result) else result


def through(item, *components):
    for component in components:
        item = process(component, item)
    return item


def drop(crawler, item, exc: PageOutcome) -> None:
    """What Scrapy does when a pipeline raises DropItem: send item_dropped."""
    crawler.signals.send_catch_log(signals.item_dropped, item=item, response=None, exception=exc, spider=None)


# ---------------------------------------------------------------- not configured

@pytest.mark.parametrize("component", [OutcomePipeline, StorePipeline])
def test_store_components_need_a_store(component):
    with pytest.raises(NotConfigured):
        component.from_crawler(get_crawler(settings_dict=build_settings(AppConfig())))


@pytest.mark.parametrize("component", [ExtractPipeline, NormalizePipeline])
def test_site_components_need_the_sites(component):
    with pytest.raises(NotConfigured):
        component.from_crawler(get_crawler(settings_dict=build_settings(AppConfig())))


def test_settings_survive_scrapys_deep_copy(db):
    crawler, _ = make(ValidatePipeline, db)
    assert crawler.settings["DEFWATCH_SITES"][0] is SITE          # frozen: the copy is the object
    assert crawler.settings["DEFWATCH_STORE"] == str(db)


# ---------------------------------------------------------------- the article pipelines

def test_extract_normalize_validate_store(db):
    _, extract = make(ExtractPipeline, db)
    _, normalize = make(NormalizePipeline, db)
    _, validate = make(ValidatePipeline, db)
    _, dedupe = make(DedupePipeline, db)
    crawler, store_pipeline = make(StorePipeline, db)
    item = through(fetched(), extract)
    assert isinstance(item, ExtractedPage) and item.extracted.title
    item = through(item, normalize, validate, dedupe)
    assert isinstance(item, ArticlePage)
    article = item.article
    assert article.site == SITE.id and article.feed_url == SITE.feeds[0] and len(article.id) == 16
    assert item.keys[-1] == "defencetalks.com/" + FIXTURE.stem
    store_pipeline.process_item(item)
    store_pipeline.close_spider()
    assert crawler.stats.get_value("defwatch/store/new") == 1
    assert crawler.stats.get_value(f"defwatch/site/{SITE.id}/new") == 1
    with Store(db) as store:
        (stored,) = list(store.latest_records())
        # The store puts the record in its story (issue 10): a story of one, its own.
        assert (stored.story, stored.story_first_url, stored.story_size) == (article.id, article.url, 1)
        assert replace(stored, story=None, story_first_url=None, story_first_site=None, story_first_published=None,
                       story_size=0) == article
        assert store.page(item.keys[0]).outcome == "stored"
        assert store.known_entry([f"guid:{SITE.id}|{ENTRY.guid}"]).page_key == item.keys[0]


def test_extract_drops_unreadable_and_huge_pages(db):
    _, extract = make(ExtractPipeline, db)
    with pytest.raises(PageOutcome) as err:
        process(extract, fetched(b"\x00\x01\x02" * 10))
    assert err.value.outcome == "parse-error" and err.value.retry
    with pytest.raises(PageOutcome) as err:
        process(extract, fetched(b"<html><body>" + b"<p>filler text</p>" * 200_000 + b"</body></html>"))
    assert err.value.outcome == "too-large" and not err.value.retry


def test_validate_drops_what_is_not_an_article(db):
    _, normalize = make(NormalizePipeline, db)
    crawler, validate = make(ValidatePipeline, db)
    _, extract = make(ExtractPipeline, db)
    item = through(fetched(b"<html><head><title>Video</title></head><body><p>Short.</p></body></html>"),
                   extract, normalize)
    with pytest.raises(PageOutcome) as err:
        validate.process_item(item)
    assert err.value.outcome == "not-an-article"
    assert crawler.stats.get_value("defwatch/validate/body") == 1


def test_dedupe_drops_a_second_route_within_the_crawl(db):
    _, extract = make(ExtractPipeline, db)
    _, normalize = make(NormalizePipeline, db)
    _, dedupe = make(DedupePipeline, db)
    first = through(fetched(), extract, normalize)
    second = through(fetched(url=PAGE_URL + "?utm_source=rss"), extract, normalize)
    dedupe.process_item(first)
    with pytest.raises(PageOutcome) as err:
        dedupe.process_item(second)
    assert err.value.outcome == "duplicate"


def test_pipelines_pass_other_items_through(db):
    failure = FailedPage(site=SITE.id, url=PAGE_URL, keys=["k"], entry=None, feed_url=None, outcome="gone")
    for component in (ExtractPipeline, NormalizePipeline, ValidatePipeline, DedupePipeline, StorePipeline):
        assert process(make(component, db)[1], failure) is failure


# ---------------------------------------------------------------- outcomes

def test_outcome_pipeline_records_failed_pages_with_their_retry(db):
    crawler, outcome = make(OutcomePipeline, db, interval=7.0)
    failure = FailedPage(site=SITE.id, url=PAGE_URL, keys=["k1"], entry=ENTRY, feed_url=SITE.feeds[0],
                         outcome="timeout", detail="TimeoutError: took longer than 30 s", retry=True)
    with pytest.raises(PageOutcome) as err:
        outcome.process_item(failure)
    before = time.time()
    drop(crawler, failure, err.value)
    with Store(db) as store:
        page = store.page("k1")
        assert page.outcome == "timeout" and page.attempts == 1
        assert before + 6 <= page.retry_at <= time.time() + 7.5         # --interval paces the retry
        assert page.feed_entry == ENTRY                                  # kept for the retry
        assert store.known_entry(["link:defencetalks.com/" + FIXTURE.stem]) is None  # retried, not handled
    assert crawler.stats.get_value("defwatch/pages/timeout") == 1
    assert crawler.stats.get_value(f"defwatch/site/{SITE.id}/errors") == 1


def test_outcome_pipeline_records_dropped_articles_and_remembers_duplicates(db):
    crawler, outcome = make(OutcomePipeline, db)
    _, extract = make(ExtractPipeline, db)
    item = process(extract, fetched())
    drop(crawler, item, PageOutcome("not-an-article", "video page"))
    with Store(db) as store:
        page = store.page(fetched().keys[0])
        assert (page.outcome, page.detail, page.retry_at) == ("not-an-article", "not-an-article: video page", None)
        assert store.known_entry([f"guid:{SITE.id}|{ENTRY.guid}"]) is not None  # final: the entry is handled
    other = fetched(url=PAGE_URL + "?p=1")
    other.keys = ["defencetalks.com/?p=1"]
    drop(crawler, other, PageOutcome("duplicate", "already stored in this crawl"))
    with Store(db) as store:
        assert store.page("defencetalks.com/?p=1") is None                # a route, not a page outcome
    assert crawler.stats.get_value("defwatch/pages/not-an-article") == 1
    assert crawler.stats.get_value(f"defwatch/site/{SITE.id}/errors") is None


# ---------------------------------------------------------------- middlewares

def test_retry_after_holds_are_kept_in_the_store(db):
    crawler, mw = make(RetryAfterMiddleware, db)
    request = Request("http://127.0.0.2/a", meta={"download_slot": "127.0.0.2"})
    mw.process_response(request, Response(request.url, status=503, headers={"Retry-After": "120"}))
    mw.spider_closed()
    with Store(db) as store:
        until, reason = store.host_holds()["127.0.0.2"]
        assert 110 < until - time.time() <= 121 and "503" in reason
    _, again = make(RetryAfterMiddleware, db)
    again.spider_opened()                                     # a later crawl takes the hold over
    assert again.gave_up["127.0.0.2"] > 30
    with pytest.raises(OutcomeIgnored):
        asyncio.run(again.process_request(Request("http://127.0.0.2/b", meta={"download_slot": "127.0.0.2"})))
    again.spider_closed()


def test_retry_after_works_without_a_store():
    mw = RetryAfterMiddleware.from_crawler(get_crawler(settings_dict=build_settings(AppConfig())))
    request = Request("http://127.0.0.2/a", meta={"download_slot": "127.0.0.2"})
    mw.process_response(request, Response(request.url, status=429, headers={"Retry-After": "2"}))
    assert mw.closed_until["127.0.0.2"] > time.time()


def test_address_guard_allows_the_configured_sites_only(db):
    site = Site(id="local", name="Local", url="http://127.0.0.1:8765/", feeds=("http://127.0.0.1:8765/feed",))
    crawler = get_crawler(settings_dict=build_settings(AppConfig(), store=db, sites=[site]))
    mw = AddressGuardMiddleware.from_crawler(crawler)
    asyncio.run(mw.process_request(Request("http://127.0.0.1:8765/post/")))  # a configured host
    with pytest.raises(OutcomeIgnored) as err:
        asyncio.run(mw.process_request(Request("http://169.254.169.254/latest/meta-data/")))
    assert err.value.outcome == "address-denied"
    assert crawler.stats.get_value("defwatch/address/denied_ip") == 1
