"""The spider's pure decisions: entry identities, when a known entry counts as changed."""
from crawler.config import Site
from crawler.items import FeedEntry
from spiders.feeds import entry_keys, stamp_moved

SITE = Site(id="ex", name="Ex", url="https://ex.com/", feeds=("https://ex.com/feed/",))


def entry(feed="https://ex.com/feed/", stamp="2024-10-01T10:00:00+00:00|aaaa", guid="https://ex.com/?p=1"):
    return FeedEntry(feed_url=feed, link="https://ex.com/post/?utm_source=rss", guid=guid, stamp=stamp)


def test_entry_keys_link_and_guid():
    assert entry_keys(SITE, entry()) == ["link:ex.com/post", "guid:ex|https://ex.com/?p=1"]
    assert entry_keys(SITE, entry(guid=None)) == ["link:ex.com/post"]


def test_stamp_moved_within_the_recording_feed():
    known = {"updated": "2024-10-01T10:00:00+00:00|aaaa", "feed_url": "https://ex.com/feed/"}
    assert not stamp_moved(known, entry())
    assert stamp_moved(known, entry(stamp="2024-10-01T10:00:00+00:00|bbbb"))   # content edited
    assert stamp_moved(known, entry(stamp="2024-10-02T08:00:00+00:00|aaaa"))   # date moved


def test_second_feed_with_other_content_is_not_a_change():
    known = {"updated": "2024-10-01T10:00:00+00:00|aaaa", "feed_url": "https://ex.com/feed/"}
    category = "https://ex.com/category/army/feed/"
    assert not stamp_moved(known, entry(feed=category, stamp="2024-10-01T10:00:00+00:00|cccc"))
    assert stamp_moved(known, entry(feed=category, stamp="2024-10-03T10:00:00+00:00|cccc"))
    assert not stamp_moved({"updated": None, "feed_url": None}, entry())
