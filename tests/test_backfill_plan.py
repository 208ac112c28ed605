"""Backfill planning without a crawl: windows, sitemap kinds, partition names, URL dates, gaps."""
from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
from scrapy.http import Request, Response

from crawler.backfill import (
    Window,
    classify,
    detect_gap,
    is_article_url,
    partition_span,
    sitemap_worth_walking,
    skip_sitemap,
)
from crawler.dates import parse_iso_arg
from pipelines.window import window_rejection
from spiders.sitemaps import DatedSitemap, archive_next, sitemap_body

UTC = UTC
OCT = Window(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))


@pytest.mark.parametrize(("url", "start", "end"), [
    ("https://x.com/sitemap-2026-10.xml", "2026-10-01", "2026-11-01"),
    ("https://x.com/sitemaps/2026/10/", "2026-10-01", "2026-11-01"),
    ("https://x.com/sitemap.xml?yyyy=2026&mm=10", "2026-10-01", "2026-11-01"),
    ("https://x.com/sitemap.xml?yyyy=2026&mm=12&dd=31", "2026-12-31", "2027-01-01"),
    ("https://x.com/sitemap-2026-10-05.xml", "2026-10-05", "2026-10-06"),
    ("https://x.com/post-sitemap-2026.xml", "2026-01-01", "2027-01-01"),
    ("https://x.com/sitemap_2026_12.xml.gz", "2026-12-01", "2027-01-01"),
])
def test_partition_span_reads_dates_from_names(url, start, end):
    span = partition_span(url)
    assert span == (parse_iso_arg(start), parse_iso_arg(end))


@pytest.mark.parametrize("url", ["https://x.com/post-sitemap2.xml", "https://x.com/sitemap.xml",
                                 "https://x.com/wp-sitemap-posts-post-2.xml", "https://x.com/news-sitemap.xml"])
def test_page_numbers_are_not_partitions(url):
    assert partition_span(url) is None


@pytest.mark.parametrize(("url", "skip"), [
    ("https://x.com/wp-sitemap-posts-post-1.xml", False),
    ("https://x.com/wp-sitemap-posts-news-1.xml", False),  # a custom post type of articles
    ("https://x.com/wp-sitemap-posts-attachment-1.xml", True),
    ("https://x.com/post-sitemap2.xml", False),
    ("https://x.com/sitemaps/posts-1.xml.gz", False),
    ("https://x.com/news-sitemap.xml", False),
    ("https://x.com/sitemap-2026-10.xml", False),
    ("https://x.com/wp-sitemap-posts-page-1.xml", True),
    ("https://x.com/wp-sitemap-taxonomies-category-1.xml", True),
    ("https://x.com/wp-sitemap-users-1.xml", True),
    ("https://x.com/category-sitemap.xml", True),
    ("https://x.com/post_tag-sitemap.xml", True),
    ("https://x.com/author-sitemap.xml", True),
    ("https://x.com/page-sitemap.xml", True),
    ("https://x.com/video-sitemap.xml", True),
])
def test_sitemap_kinds(url, skip):
    assert skip_sitemap(url) is skip


@pytest.mark.parametrize(("url", "article"), [
    ("https://x.com/2026/10/05/navy-orders-frigates/", True),
    ("https://x.com/news/navy-orders-frigates/", True),
    ("https://x.com/navy-orders-frigates/", True),
    ("https://x.com/", False),
    ("https://x.com/news/", False),
    ("https://x.com/tag/frigates/", False),
    ("https://x.com/category/navy/", False),
    ("https://x.com/author/anna-keller/", False),
    ("https://x.com/video/briefing-week-2/", False),
    ("https://x.com/wp-content/uploads/2026/10/photo.jpg", False),
    ("https://x.com/feed/", False),
])
def test_article_urls(url, article):
    assert is_article_url(url, "https://x.com/") is article


def test_classify_prefers_publication_date_then_path_day_then_lastmod():
    # news:publication_date is exact
    assert classify(OCT, published="2026-10-31T23:00:00+00:00", lastmod=None, url="https://x.com/a-b/")[0] == "due"
    assert classify(OCT, published="2026-11-01T00:00:00+00:00", lastmod=None, url="https://x.com/a-b/")[0] == "out"
    # lastmod before the window: published <= lastmod, so out, whatever the path says
    assert classify(OCT, published=None, lastmod="2026-09-30", url="https://x.com/2026/10/05/a-b/")[0] == "out"
    # a path day well inside the window wins over a later lastmod (edited after the window)
    assert classify(OCT, published=None, lastmod="2026-12-01", url="https://x.com/2026/10/05/a-b/")[0] == "due"
    # a path day outside the window
    assert classify(OCT, published=None, lastmod=None, url="https://x.com/2026/09/20/a-b/")[0] == "out"
    # on the edge, lastmod decides
    assert classify(OCT, published=None, lastmod="2026-11-01T05:00:00+00:00",
                    url="https://x.com/2026/11/01/a-b/")[0] == "out"
    assert classify(OCT, published=None, lastmod="2026-10-20T00:00:00+00:00", url="https://x.com/a-b/")[0] == "due"
    assert classify(OCT, published=None, lastmod=None, url="https://x.com/a-b/") == ("undated", None)
    # an RFC 822 lastmod (seen in the wild) still dates the page
    assert classify(OCT, published=None, lastmod="Mon, 28 Sep 2026 10:00:00 GMT", url="https://x.com/a-b/")[0] == "out"


def test_child_sitemaps_outside_the_window_are_not_walked():
    assert not sitemap_worth_walking(OCT, "https://x.com/sitemap-2026-09.xml", None)
    assert sitemap_worth_walking(OCT, "https://x.com/sitemap-2026-10.xml", None)
    assert not sitemap_worth_walking(OCT, "https://x.com/post-sitemap2.xml", "2026-09-01T00:00:00Z")
    assert sitemap_worth_walking(OCT, "https://x.com/post-sitemap2.xml", "2026-12-01T00:00:00Z")


def test_gap_rules():
    t = 1_000_000.0
    assert not detect_gap(known=False, known_newest=None, entries=[(True, t + 1)])  # first poll
    assert detect_gap(known=True, known_newest=t, entries=[(True, t + 5), (True, t + 1)])
    assert not detect_gap(known=True, known_newest=t, entries=[(True, t + 5), (False, t)])  # overlap
    assert not detect_gap(known=True, known_newest=t, entries=[(True, t + 5), (True, t - 1)])  # reaches back
    assert detect_gap(known=True, known_newest=None, entries=[(True, None), (True, None)])  # undated, all new
    assert not detect_gap(known=True, known_newest=None, entries=[(True, None), (False, None)])


def test_window_pipeline_rule():
    window = ["2026-10-01T00:00:00+00:00", "2026-11-01T00:00:00+00:00"]
    assert window_rejection("2026-10-05T10:00:00+02:00", window, None) is None
    assert window_rejection("2026-11-01T00:00:00+00:00", window, None).startswith("out-of-window")
    assert window_rejection(None, window, "2026-10-09") is None
    assert window_rejection(None, None, None) is None


def test_google_news_dates_and_gzip_sitemaps():
    xml = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.com/a-b/</loc>'
           b'<news:news><news:publication_date>2026-10-05T10:00:00Z</news:publication_date></news:news></url></urlset>')
    response = Response("https://x.com/news.xml.gz", body=gzip.compress(xml),
                        headers={"Content-Type": "application/gzip"}, request=Request("https://x.com/news.xml.gz"))
    entries = list(DatedSitemap(sitemap_body(response, 10_000_000)))
    assert entries == [{"loc": "https://x.com/a-b/", "news": "", "publication_date": "2026-10-05T10:00:00Z"}]


def test_archive_pages():
    wp = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    assert archive_next(wp, "https://x.com/feed/") == "https://x.com/feed/?paged=2"
    assert archive_next(wp, "https://x.com/feed/?paged=2") == "https://x.com/feed/?paged=3"
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><link rel="prev-archive" href="/archive/3.atom"/>'
            b'<link rel="current" href="/feed.atom"/></feed>')
    assert archive_next(atom, "https://x.com/archive/2.atom") == "https://x.com/archive/3.atom"
    oldest = b'<feed xmlns="http://www.w3.org/2005/Atom"><link rel="current" href="/feed.atom"/></feed>'
    assert archive_next(oldest, "https://x.com/archive/9.atom") is None
