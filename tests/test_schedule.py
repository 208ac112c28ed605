"""When a feed is polled next: crawler.schedule and crawler.decisions.plan_poll (both pure)."""
from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from crawler.daemon import tick_seconds
from crawler.dates import iso_timestamp as parse_time
from crawler.decisions import PollBounds, PollResult, plan_poll
from crawler.schedule import DAY, WEEK, cache_hint, entries_per_week, next_interval, poll_interval, stamp_time
from crawler.state import FeedState

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

NOW = datetime(2024, 10, 28, 12, 0, tzinfo=UTC).timestamp()


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
    when = datetime.now(UTC) + timedelta(hours=1)
    assert cache_hint({"retry-after": format_datetime(when, usegmt=True)}) == pytest.approx(3600, abs=5)


def test_tick_default():
    assert tick_seconds(None, None) == 1.0
    assert tick_seconds(0.5, None) == 0.5
    assert tick_seconds(60.0, None) == 1.0
    assert tick_seconds(60.0, 0.5) == 0.5


# ---------------------------------------------------------------- plan_poll: a feed's state after a poll

FEED = "https://example.test/feed/"
BOUNDS = PollBounds(min_interval=600.0, max_interval=7200.0, max_new_entries=5)


def poll(state: FeedState, status: str, bounds: PollBounds = BOUNDS, **kw) -> FeedState:
    plan = plan_poll(state, PollResult(status, **kw), time.time(), bounds)
    return plan.state


def fresh() -> FeedState:
    return FeedState(url=FEED, site="ex")


def test_per_site_bounds_and_entry_rate():
    # 14 entries over the last week: 12 h, clamped to the site's 2 h maximum.
    state = poll(fresh(), "200", rate=14.0, etag='"a"', body_hash="h")
    assert state.interval == 7200 and state.last_status == "200" and state.etag == '"a"' and state.polls == 1
    # hourly entries: 1 h
    assert poll(state, "200", rate=168.0).interval == pytest.approx(3600)


def test_ttl_hint_is_kept_for_304s():
    state = poll(fresh(), "200", rate=10_000.0, ttl=3000.0)
    assert state.interval == 3000
    state = poll(state, "304")
    assert state.interval >= 3000 and state.min_interval_hint == 3000


def test_failures_back_off_and_are_visible():
    state = fresh()
    for n in range(1, 6):
        state = poll(state, "error", error="HTTP 503", headers={"retry-after": "60"})
        assert state.failures == n and state.last_status == "error" and state.last_error == "HTTP 503"
        assert state.interval == min(600 * 2 ** n, 7200)
    assert poll(state, "304").failures == 0


def test_fixed_interval_still_backs_off_on_errors():
    bounds = PollBounds(min_interval=600.0, max_interval=7200.0, max_new_entries=5, fixed_interval=2.0)
    state = poll(fresh(), "304", bounds)
    assert state.interval == 2.0
    state = poll(poll(state, "error", bounds, error="HTTP 410"), "error", bounds, error="HTTP 410")
    assert state.interval == 8.0


def test_validators_of_a_feed_with_new_entries_wait_for_the_crawl_to_finish():
    """kill -9 between the feed poll and its pages must not turn the next poll into a 304."""
    state = poll(fresh(), "200", etag='"old"', last_modified="Mon", body_hash="h0")
    plan = plan_poll(state, PollResult("200", new_items=1, etag='"new"', last_modified="Tue", body_hash="h1"),
                     time.time(), BOUNDS)
    assert (plan.state.etag, plan.state.last_modified, plan.state.body_hash) == ('"old"', "Mon", "h0")
    assert plan.state.last_new_at and plan.state.items_total == 1
    assert plan.deferred == {"etag": '"new"', "last_modified": "Tue", "body_hash": "h1"}


def test_validators_of_a_capped_poll_are_never_stored():
    state = poll(fresh(), "200", etag='"old"', body_hash="h0")
    plan = plan_poll(state, PollResult("200", new_items=5, etag='"new"', body_hash="h1"), time.time(), BOUNDS)
    assert plan.state.etag == '"old"' and not plan.deferred  # the next poll is a full GET for the rest
    assert plan.state.interval == 600  # and it comes soon


def test_304_keeps_the_validators():
    state = poll(fresh(), "200", etag='"a"', last_modified="Mon", body_hash="h0")
    again = poll(state, "304")
    assert (again.etag, again.last_modified, again.body_hash) == ('"a"', "Mon", "h0")
