"""The crawl's pure decisions: entry identities, entries, retries and versions (crawler/decisions.py)."""
from __future__ import annotations

from crawler.decisions import GONE_MAX_ATTEMPTS, PAGE_RETRY_BASE, decide_entry, next_version, retry_time, stamp_moved
from crawler.items import Article, FeedEntry, entry_keys
from crawler.state import PAGE_MAX_ATTEMPTS, EntryState, PageState

NOW = 1_730_000_000.0
FEED = "https://ex.com/feed/"


def entry(feed=FEED, stamp="2024-10-01T10:00:00+00:00|aaaa", guid="https://ex.com/?p=1"):
    return FeedEntry(feed_url=feed, link="https://ex.com/post/?utm_source=rss", guid=guid, stamp=stamp)


def known(updated="2024-10-01T10:00:00+00:00|aaaa", feed_url=FEED):
    return EntryState(key="link:ex.com/post", site="ex", page_key="ex.com/post", updated=updated, feed_url=feed_url)


def page(outcome, attempts=1, retry_at=None):
    return PageState(key="ex.com/post", site="ex", url="https://ex.com/post/", outcome=outcome, attempts=attempts,
                     retry_at=retry_at)


def test_entry_keys_link_and_guid():
    assert entry_keys("ex", entry()) == ["link:ex.com/post", "guid:ex|https://ex.com/?p=1"]
    assert entry_keys("ex", entry(guid=None)) == ["link:ex.com/post"]


def test_stamp_moved_within_the_recording_feed():
    assert not stamp_moved(known(), entry())
    assert stamp_moved(known(), entry(stamp="2024-10-01T10:00:00+00:00|bbbb"))   # content edited
    assert stamp_moved(known(), entry(stamp="2024-10-02T08:00:00+00:00|aaaa"))   # date moved


def test_second_feed_with_other_content_is_not_a_change():
    category = "https://ex.com/category/army/feed/"
    assert not stamp_moved(known(), entry(feed=category, stamp="2024-10-01T10:00:00+00:00|cccc"))
    assert stamp_moved(known(), entry(feed=category, stamp="2024-10-03T10:00:00+00:00|cccc"))
    assert not stamp_moved(known(updated=None, feed_url=None), entry())


def test_one_change_one_fetch_across_feeds():
    """Issue 9: across feeds an undated side never marks a post changed, and a dated feed takes
    over a post an undated feed recorded; a date that moved is an edit, even a backdated one."""
    category = "https://ex.com/category/army/feed/"
    assert not stamp_moved(known(), entry(feed=category, stamp="|cccc"))   # RSS 0.92: no date
    dated = entry(feed=category, stamp="2024-10-03T10:00:00+00:00|cccc")
    undated = known(updated="|aaaa")  # recorded through an undated feed
    assert not stamp_moved(undated, dated)
    stored = PageState(key="ex.com/post", site="ex", url="https://ex.com/post/", outcome="stored", attempts=1)
    decision = decide_entry(undated, stored, dated, NOW, link_key="ex.com/post")
    assert (decision.action, decision.restamp) == ("remember", True)
    assert not decide_entry(known(), stored, entry(feed=category), NOW, link_key="ex.com/post").restamp
    assert stamp_moved(known(), dated)


def decide(k, p, e=None, force=False):
    return decide_entry(k, p, e or entry(), NOW, link_key="ex.com/post", force=force)


def test_new_entry_is_fetched():
    d = decide(None, None)
    assert (d.action, d.page_key, d.refetch) == ("fetch", "ex.com/post", False)


def test_known_unchanged_entry_is_remembered_not_fetched():
    d = decide(known(), page("stored"))
    assert (d.action, d.stamp, d.stat) == ("remember", known().updated, "known")
    assert decide(known(), page("stored"), force=True).action == "fetch"


def test_changed_entry_is_refetched_unless_the_page_is_settled():
    moved = entry(stamp="2024-10-05T10:00:00+00:00|aaaa")
    d = decide(known(), page("stored"), moved)
    assert (d.action, d.refetch, d.stat) == ("fetch", True, "changed")
    assert decide(known(), page("not-an-article"), moved).action == "remember"


def test_new_identity_of_a_stored_page_is_remembered():
    d = decide(None, page("stored"))
    assert (d.action, d.stamp) == ("remember", entry().stamp)


def test_failing_page_waits_for_its_own_retry():
    assert decide(None, page("timeout", retry_at=NOW + 60)).action == "skip"
    assert decide(None, page("timeout", retry_at=NOW - 60)).action == "fetch"
    assert decide(None, page("timeout", attempts=PAGE_MAX_ATTEMPTS, retry_at=NOW - 60)).action == "skip"


def test_gone_page_is_rechecked_a_few_times_on_a_change():
    assert decide(None, page("gone", attempts=1)).stat == "gone_recheck"
    assert decide(None, page("gone", attempts=GONE_MAX_ATTEMPTS)).action == "remember"


def test_retry_time_backs_off_then_gives_up():
    assert retry_time(1, NOW) == NOW + PAGE_RETRY_BASE
    assert retry_time(3, NOW) == NOW + 4 * PAGE_RETRY_BASE
    assert retry_time(2, NOW, fixed_interval=5.0) == NOW + 5.0
    assert retry_time(2, NOW, budget_spent=True) == NOW
    assert retry_time(PAGE_MAX_ATTEMPTS, NOW) is None


def article(body="Body.", **kw):
    base = dict(id="a1", url="https://ex.com/a1", site="ex", title="T", authors=[], published="2024-10-01",
                updated=None, lang="en", tags=[], body=body, fetched_at="2024-10-02T00:00:00+00:00",
                content_hash=f"h-{body}")
    return Article(**{**base, **kw})


def test_next_version():
    action, first = next_version(None, article())
    assert (action, first.version) == ("new", 1)
    action, same = next_version(first, article(fetched_at="2024-10-03T00:00:00+00:00"))
    assert (action, same) == ("unchanged", first)
    action, second = next_version(first, article(body="Edited.", published=None, fetched_at="2024-10-04T00:00:00+00:00"))
    assert (action, second.version) == ("updated", 2)
    assert second.published == "2024-10-01"                   # kept from the first version
    assert second.updated == "2024-10-04T00:00:00+00:00"       # a new version says when it changed


def test_entry_without_stamp_never_moves():
    assert not stamp_moved(known(), entry(stamp=None))
