"""When a feed is polled next: crawler.schedule (pure) and FeedSpider.finish_feed (with a store)."""
from __future__ import annotations

import random
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import pytest

from crawler.config import AppConfig, Poll, Site
from crawler.daemon import tick_seconds
from crawler.items import FeedEntry
from crawler.schedule import (DAY, WEEK, cache_hint, entries_per_week, next_interval, parse_time, poll_interval,
                              stamp_time)
from crawler.store import Store

MIN, MAX = 300.0, 86400.0


# ---------------------------------------------------------------- the formula (miniflux)

@pytest.mark.parametrize(("per_week", "expected"), [
    (0, MAX),                 # nothing in a week: the maximum
    (1, MAX),                 # 7 days, clamped to 24 h
    (7, MAX),                 # one a day -> 24 h
    (14, WEEK / 14),          # twice a day -> 12 h
    (168, 3600.0),            # hourly -> 1 h
    (10_000, MIN),            # very busy: clamped to the minimum
])
def test_interval_is_a_week_over_the_entry_count(per_week, expected):
    assert poll_interval(per_week, min_interval=MIN, max_interval=MAX) == pytest.approx(expected)


def test_factor_speeds_polling_up():
    assert poll_interval(168, min_interval=MIN, max_interval=MAX, factor=2) == pytest.approx(1800.0)


def test_hint_is_a_floor_capped_at_the_maximum():
    assert poll_interval(10_000, min_interval=MIN, max_interval=MAX, hint=3600) == 3600
    assert poll_interval(10_000, min_interval=MIN, max_interval=MAX, hint=10 * DAY) == MAX
    assert poll_interval(0, min_interval=MIN, max_interval=MAX, hint=60) == MAX


def test_errors_back_off_exponentially_up_to_the_maximum():
    steps = [poll_interval(500, min_interval=MIN, max_interval=MAX, failures=n) for n in range(1, 12)]
    assert steps[:4] == [600, 1200, 2400, 4800]
    assert steps == sorted(steps) and steps[-1] == MAX
    assert poll_interval(500, min_interval=MIN, max_interval=MAX, failures=10_000) == MAX  # no overflow


def test_retry_after_wins_over_backoff():
    assert poll_interval(0, min_interval=MIN, max_interval=MAX, failures=1, hint=7200) == 7200


def test_jitter_spreads_but_never_goes_below_the_hint():
    rng = random.Random(1)
    values = [next_interval(168, min_interval=MIN, max_interval=MAX, jitter=0.1, rng=rng) for _ in range(500)]
    assert min(values) >= 3240 and max(values) <= 3960 and len(set(values)) > 400
    hinted = [next_interval(10_000, min_interval=MIN, max_interval=MAX, jitter=0.5, hint=3600, rng=rng)
              for _ in range(200)]
    assert min(hinted) >= 3600


# ---------------------------------------------------------------- entry rate from entry dates

NOW = datetime(2024, 10, 28, 12, 0, tzinfo=timezone.utc).timestamp()


def ago(**kw) -> float:
    return NOW - timedelta(**kw).total_seconds()


def test_rate_counts_entries_of_the_last_week():
    times = [ago(days=d) for d in (1, 2, 3, 6, 8, 20, 30)]
    assert entries_per_week(times, NOW) == 4


def test_rate_of_a_short_feed_is_extrapolated_over_its_span():
    # 20 entries, one every 2 h, the feed holds nothing older: about 88 a week.
    times = [ago(hours=2 * i) for i in range(20)]
    assert entries_per_week(times, NOW) == pytest.approx(20 * 168 / 38)


def test_a_burst_is_not_read_as_a_flood():
    times = [ago(minutes=m) for m in (1, 5, 10)]
    assert entries_per_week(times, NOW) == pytest.approx(3 * 7)  # the span counts as at least one day


def test_rate_of_an_old_or_undated_feed():
    assert entries_per_week([ago(days=400), ago(days=500)], NOW) == 0
    assert entries_per_week([None, None], NOW) is None
    assert entries_per_week([], NOW) is None


def test_parse_time_and_stamps():
    assert parse_time("2024-10-28T12:00:00+00:00") == NOW
    assert parse_time("2024-10-28T14:00:00+02:00") == NOW
    assert parse_time("2024-10-28T12:00:00Z") == NOW
    assert parse_time("2024-10-28T12:00:00") == NOW  # naive is UTC
    assert parse_time("yesterday") is None and parse_time(None) is None
    assert stamp_time("2024-10-28T12:00:00+00:00|abcd") == NOW
    assert stamp_time("|abcd") is None and stamp_time(None) is None


# ---------------------------------------------------------------- server hints

@pytest.mark.parametrize(("headers", "hint"), [
    ({}, None),
    ({"cache-control": "public, max-age=600"}, 600),
    ({"cache-control": "s-maxage=900"}, None),          # not max-age
    ({"cache-control": "s-max-age=900"}, 900),
    ({"cache-control": "no-cache, max-age=600"}, None),  # no-cache: max-age says nothing
    ({"cache-control": "max-age=0"}, None),
    ({"retry-after": "120"}, 120),
    ({"retry-after": "120", "cache-control": "max-age=600"}, 600),
    ({"retry-after": "soon"}, None),
])
def test_cache_hint(headers, hint):
    assert cache_hint(headers) == hint


def test_retry_after_http_date():
    when = datetime.now(timezone.utc) + timedelta(hours=1)
    assert cache_hint({"retry-after": format_datetime(when, usegmt=True)}) == pytest.approx(3600, abs=5)


def test_tick_default():
    assert tick_seconds(None, None) == 1.0
    assert tick_seconds(0.5, None) == 0.5
    assert tick_seconds(60.0, None) == 1.0
    assert tick_seconds(60.0, 0.5) == 0.5


# ---------------------------------------------------------------- FeedSpider.finish_feed with a store

FEED = "https://example.test/feed/"


@pytest.fixture
def spider(tmp_path):
    from spiders.feeds import FeedSpider

    site = Site(id="ex", name="Example", url="https://example.test/", feeds=(FEED,),
                poll=Poll(min_interval=600.0, max_interval=7200.0, max_new_entries=5))
    store = Store(tmp_path / "s.sqlite3")
    store.ensure_feeds([("ex", FEED)])
    sp = FeedSpider(sites=[site], store=store, app=AppConfig(jitter=0.0))
    sp.site = site
    yield sp
    store.close()


def entry(hours_ago: float, n: int) -> FeedEntry:
    when = datetime.fromtimestamp(time.time() - hours_ago * 3600, timezone.utc).isoformat()
    return FeedEntry(feed_url=FEED, link=f"https://example.test/{n}/", published=when)


def test_per_site_bounds_and_entry_rate(spider):
    # 14 entries over the last week: 12 h, clamped to the site's 2 h maximum.
    entries = [entry(12 * i + 1, i) for i in range(14)]
    spider.finish_feed(spider.site, FEED, "200", entries=entries, etag='"a"', body_hash="h")
    state = spider.store.feed(FEED)
    assert state["interval"] == 7200 and state["last_status"] == "200" and state["etag"] == '"a"'
    # hourly entries: 1 h
    spider.finish_feed(spider.site, FEED, "200", entries=[entry(i + 0.5, i) for i in range(48)])
    assert spider.store.feed(FEED)["interval"] == pytest.approx(3600 * 47.5 / 48, rel=0.01)


def test_ttl_hint_is_kept_for_304s(spider):
    spider.finish_feed(spider.site, FEED, "200", entries=[entry(i / 10, i) for i in range(200)], hint=3000)
    assert spider.store.feed(FEED)["interval"] == 3000
    spider.finish_feed(spider.site, FEED, "304", headers={})
    state = spider.store.feed(FEED)
    assert state["interval"] >= 3000 and state["min_interval_hint"] == 3000


def test_failures_back_off_and_are_visible(spider):
    for n in range(1, 6):
        spider.finish_feed(spider.site, FEED, "error", error="HTTP 503", headers={"retry-after": "60"})
        state = spider.store.feed(FEED)
        assert state["failures"] == n and state["last_status"] == "error" and state["last_error"] == "HTTP 503"
        assert state["interval"] == min(600 * 2 ** n, 7200)
    spider.finish_feed(spider.site, FEED, "304", headers={})
    assert spider.store.feed(FEED)["failures"] == 0


def test_fixed_interval_still_backs_off_on_errors(spider):
    spider.fixed_interval = 2.0
    spider.finish_feed(spider.site, FEED, "304", headers={})
    assert spider.store.feed(FEED)["interval"] == 2.0
    spider.finish_feed(spider.site, FEED, "error", error="HTTP 410")
    spider.finish_feed(spider.site, FEED, "error", error="HTTP 410")
    assert spider.store.feed(FEED)["interval"] == 8.0


def test_validators_of_a_feed_with_new_entries_wait_for_the_crawl_to_finish(spider):
    """kill -9 between the feed poll and its pages must not turn the next poll into a 304."""
    spider.finish_feed(spider.site, FEED, "200", entries=[], etag='"old"', last_modified="Mon", body_hash="h0")
    spider.finish_feed(spider.site, FEED, "200", entries=[entry(1, 1)], new_items=1, etag='"new"',
                       last_modified="Tue", body_hash="h1")
    state = spider.store.feed(FEED)
    assert (state["etag"], state["last_modified"], state["body_hash"]) == ('"old"', "Mon", "h0")
    assert state["last_new_at"] and state["items_total"] == 1
    spider.closed("shutdown")  # stopped before the pages were done: keep the old validators
    assert spider.store.feed(FEED)["etag"] == '"old"'
    spider.finish_feed(spider.site, FEED, "200", entries=[entry(1, 1)], new_items=1, etag='"new"',
                       last_modified="Tue", body_hash="h1")
    spider.closed("finished")
    state = spider.store.feed(FEED)
    assert (state["etag"], state["last_modified"], state["body_hash"]) == ('"new"', "Tue", "h1")


def test_validators_of_a_capped_poll_are_never_stored(spider):
    spider.finish_feed(spider.site, FEED, "200", entries=[], etag='"old"', body_hash="h0")
    spider.finish_feed(spider.site, FEED, "200", entries=[], new_items=5, etag='"new"', body_hash="h1")
    spider.closed("finished")
    assert spider.store.feed(FEED)["etag"] == '"old"'  # the next poll is a full GET for the rest
