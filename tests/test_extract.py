"""Per-field extraction tests on saved pages (tests/fixtures/sites/<site-id>/<slug>.html + .json).

The .json next to each page is the truth (mockweb truth format); ``feed_entry``, when present,
is the feed entry the crawler would pass along; ``charset`` is how the page is served.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from crawler.config import Boilerplate, Selectors, Site
from crawler.extraction import ExtractError, extract_page
from crawler.extraction.authors import clean_author
from crawler.extraction.dates import combine_with_entry, parse_when
from crawler.extraction.lang import detect_lang
from crawler.extraction.page import Page
from crawler.extraction.title import _strip_site_suffix
from crawler.items import FeedEntry

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sites"
BASE = "http://127.0.0.5:8765"
FIELDS = ("url", "title", "authors", "published", "updated", "lang", "tags", "body", "kind")


def _fixtures() -> list[tuple[str, str]]:
    return sorted((p.parent.name, p.stem) for p in FIXTURES.glob("*/*.json"))


def load_fixture(site_id: str, slug: str) -> tuple[bytes, dict, FeedEntry | None]:
    truth = json.loads((FIXTURES / site_id / f"{slug}.json").read_text(encoding="utf-8"))
    html = (FIXTURES / site_id / f"{slug}.html").read_text(encoding="utf-8").replace("{{BASE}}", BASE)
    data = html.encode(truth.get("charset") or "utf-8", errors="xmlcharrefreplace")
    fe = truth.get("feed_entry")
    entry = None
    if fe:
        entry = FeedEntry(feed_url=BASE + fe["feed_url"], link=BASE + truth["path"], published=fe.get("published"),
                          authors=tuple(fe.get("authors", ())))
    return data, truth, entry


_CACHE: dict[tuple[str, str], tuple] = {}


def extracted(site_id: str, slug: str):
    key = (site_id, slug)
    if key not in _CACHE:
        data, truth, entry = load_fixture(site_id, slug)
        stats: Counter = Counter()
        _CACHE[key] = (extract_page(data, BASE + truth["path"], entry=entry, stats=stats), truth, stats)
    return _CACHE[key]


def _expected(truth: dict, field: str):
    if field == "url":
        return BASE + truth["path"]
    if field == "kind":
        return "article" if truth.get("is_article", True) else None
    return truth[field]


def _field_cases() -> list[tuple[str, str, str]]:
    """Every fixture x field, except the body of non-article pages (they have no body truth)."""
    cases = []
    for s, g in _fixtures():
        is_article = load_fixture(s, g)[1].get("is_article", True)
        cases += [(s, g, f) for f in FIELDS if is_article or f != "body"]
    return cases


@pytest.mark.parametrize("site_id,slug,field", _field_cases(),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None)
def test_field(site_id: str, slug: str, field: str) -> None:
    ex, truth, _ = extracted(site_id, slug)
    want = _expected(truth, field)
    got = getattr(ex, field)
    if field == "kind" and want is None:
        assert got != "article", f"{site_id}/{slug} is not an article"
        return
    assert got == want


@pytest.mark.parametrize("site_id,slug", _fixtures())
def test_no_boilerplate_left(site_id: str, slug: str) -> None:
    ex, truth, _ = extracted(site_id, slug)
    for phrase in truth.get("must_not_contain", []):
        assert phrase not in ex.body, f"{site_id}/{slug}: kept boilerplate {phrase!r}"


def test_seed_page_defencetalks() -> None:
    """The page of examples/naive-scrape-defencetalks.txt: 17 paragraphs, no boilerplate."""
    ex, truth, stats = extracted("defencetalks",
                                 "russia-ready-to-ratify-defense-agreement-with-north-korea-south-korea-issue-a-warning")
    paragraphs = ex.body.split("\n\n")
    assert len(paragraphs) == 17
    assert paragraphs == truth["body"].split("\n\n")
    for phrase in ("See also", "Discover more from", "Leave a Reply", "Share this:", "Like this:",
                   "Follow us on Telegram", "Putin establishes a nuclear boundary for West"):
        assert phrase not in ex.body
    # each boilerplate family was seen and counted under its group name
    for group in ("related", "subscribe", "share", "ads", "media"):
        assert stats[f"boilerplate/{group}"] > 0, group


def test_windows_1252_page_is_decoded() -> None:
    ex, truth, _ = extracted("armyrecognition",
                             "french-army-receives-first-serval-armored-vehicles-in-voa-artillery-observation-version")
    assert "\ufffd" not in ex.body
    assert ex.body == truth["body"]


def test_byline_time_takes_the_feed_entry_offset() -> None:
    data, truth, entry = load_fixture("armyrecognition",
                                      "russian-army-deploys-upgraded-t-90m-tanks-with-improved-protection-against-fpv-drones")
    with_entry = extract_page(data, BASE + truth["path"], entry=entry)
    assert with_entry.published == "2024-10-22T10:05:00+02:00"
    without = extract_page(data, BASE + truth["path"])
    # Without the feed, only the page's language tag tells the zone ("en-gb": the United Kingdom's,
    # a guess; a record's time is never naive).
    assert without.published == "2024-10-22T10:05:00+01:00"


def test_site_selectors_and_rules_win() -> None:
    data, truth, _ = load_fixture("defensenews", "air-force-moves-to-speed-up-collaborative-drone-wingmen-after-flight-tests")
    site = Site(id="defensenews", name="Defense News", url=BASE + "/", feeds=(BASE + "/rss/",),
                selectors=Selectors(title="h2.a-subheadline", authors=".c-byline a:first-child"),
                boilerplate=Boilerplate(patterns=(r"Collaborative Combat Aircraft are meant.*",)))
    stats: Counter = Counter()
    ex = extract_page(data, BASE + truth["path"], site=site, stats=stats)
    assert ex.title.startswith("The service wants a production decision")
    assert ex.authors == ["Aria Whitfield"]
    assert "Collaborative Combat Aircraft are meant" not in ex.body
    assert stats["boilerplate/site"] == 1


def test_feed_entry_fills_missing_fields() -> None:
    html = "<html><head><title>Plain page</title></head><body><article>" + "<p>Some text of the story, long enough.</p>" * 8 + "</article></body></html>"
    entry = FeedEntry(feed_url="http://x.test/feed", link="http://x.test/a", published="2024-10-22T08:05:00+00:00",
                      authors=("Jane Roe",), tags=("Navy",))
    ex = extract_page(html, "http://x.test/a", entry=entry)
    assert ex.published == "2024-10-22T08:05:00+00:00"
    assert ex.authors == ["Jane Roe"]
    assert ex.tags == ["Navy"]
    assert ex.url == "http://x.test/a"


# ---------------------------------------------------------------- single fields

@pytest.mark.parametrize("raw,names", [
    ("By John Doe", ["John Doe"]),
    ("Written by Luc Verhaegen", ["Luc Verhaegen"]),
    ("Sgt. Maj. (ret.) John Doe", ["John Doe"]),
    ("Lt. Col. Jane Smith", ["Jane Smith"]),
    ("John Doe, Tallinn", ["John Doe"]),
    ("By Aria Whitfield and Ellen Park", ["Aria Whitfield", "Ellen Park"]),
    ("Lauren Pike & Ethan Brooks", ["Lauren Pike", "Ethan Brooks"]),
    ("AFP", ["AFP"]),
    ("Defence Talks", []),
    ("Staff Reporter", []),
    ("https://www.facebook.com/someone", []),
    ("par Julien Marchand", ["Julien Marchand"]),
])
def test_clean_author(raw: str, names: list[str]) -> None:
    assert clean_author(raw, banned=["Defence Talks"]) == names


@pytest.mark.parametrize("raw,iso", [
    ("2024-10-24T14:05:00+00:00", "2024-10-24T14:05:00+00:00"),
    ("2024-10-22T21:14:03.000Z", "2024-10-22T21:14:03+00:00"),
    ("2024-10-22", "2024-10-22"),
    ("2024-10-22T10:05:00+0200", "2024-10-22T10:05:00+02:00"),
    ("Posted On Tuesday, 22 October 2024 10:05", "2024-10-22T10:05:00"),
    ("Posted: Nov 3, 2026", "2026-11-03"),
    ("22 Oct 2024 10:05 MSK", "2024-10-22T10:05:00+03:00"),
    ("1729584000", "2024-10-22T08:00:00+00:00"),
    ("20241022", "2024-10-22"),
    ("not a date", None),
    ("", None),
])
def test_parse_when(raw: str, iso: str | None) -> None:
    got = parse_when(raw)
    assert (got.iso() if got else None) == iso


def test_combine_with_entry_never_shifts_an_aware_time() -> None:
    page = parse_when("2024-10-22T10:05:00+03:00")
    assert combine_with_entry(page, "2024-10-22T10:05:00+00:00").iso() == "2024-10-22T10:05:00+03:00"
    naive = parse_when("22 October 2024 10:05")
    assert combine_with_entry(naive, "2024-10-22T08:05:00+00:00").iso() == "2024-10-22T10:05:00+02:00"
    # an entry time that is not the same instant in any whole offset leaves the page time alone
    assert combine_with_entry(naive, "2024-10-22T08:12:00+00:00").iso() == "2024-10-22T10:05:00"


@pytest.mark.parametrize("title,expected", [
    ("Russia ready to ratify - Defence Talks | Defense News Military Pictures", "Russia ready to ratify"),
    ("Navy frigate slips | Defense News", "Navy frigate slips"),
    ("Defense News: Navy frigate slips", "Navy frigate slips"),
    ("Trump - Biden debate: what to expect", "Trump - Biden debate: what to expect"),
])
def test_title_suffix(title: str, expected: str) -> None:
    assert _strip_site_suffix(title, ["Defence Talks | Defense News Military Pictures", "Defense News"]) == expected


@pytest.mark.parametrize("text,lang", [
    ("The army said on Tuesday that it will buy more tanks and that the first of them are due in 2026.", "en"),
    ("La marine a annoncé que la frégate sera livrée dans les prochains mois et que les essais sont en cours.", "fr"),
    ("Die Bundeswehr hat mit der Auslieferung der neuen Panzer begonnen, die für das Heer bestimmt sind und nicht für den Export.", "de"),
    ("Too short", None),
])
def test_detect_lang(text: str, lang: str | None) -> None:
    assert detect_lang(text) == lang


def test_lang_detected_when_not_declared() -> None:
    html = "<html><body><article>" + "<p>La marine a annoncé que la frégate sera livrée dans les prochains mois, et que les essais sont en cours.</p>" * 5 + "</article></body></html>"
    assert extract_page(html, "http://x.test/a").lang == "fr"


def test_canonical_url_resolved_against_final_url() -> None:
    html = '<html><head><link rel="canonical" href="/news/story/"></head><body><p>x</p></body></html>'
    assert extract_page(html, "https://site.test/news/story/?utm_source=rss").url == "https://site.test/news/story/"
    html = '<html><head><meta property="og:url" content="https://site.test/b/"></head><body></body></html>'
    assert extract_page(html, "https://site.test/redirected/").url == "https://site.test/b/"
    assert extract_page("<html><body><p>hi</p></body></html>", "https://site.test/c/").url == "https://site.test/c/"


def test_jsonld_graph_and_ids_are_resolved() -> None:
    html = """<html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[
      {"@type":"NewsArticle","headline":"Graph headline","author":{"@id":"#p1"},"datePublished":"2024-10-01T10:00:00+02:00",
       "keywords":"Navy, Frigates","inLanguage":"de-DE"},
      {"@type":"Person","@id":"#p1","name":"Erika Mustermann"}]}</script></head><body><h1>Graph headline</h1></body></html>"""
    ex = extract_page(html, "http://x.test/a")
    assert (ex.title, ex.authors, ex.published, ex.tags, ex.lang) == (
        "Graph headline", ["Erika Mustermann"], "2024-10-01T10:00:00+02:00", ["Navy", "Frigates"], "de")


def test_article_with_embedded_video_is_still_an_article() -> None:
    paras = "".join(f"<p>Paragraph {i} of a long news story about the navy, with enough words to count as text.</p>" for i in range(12))
    html = f'<html><body><article>{paras}<iframe src="https://www.youtube.com/embed/x"></iframe></article></body></html>'
    assert extract_page(html, "http://x.test/video/a-story/").kind == "article"


def test_jsonld_video_page_is_video() -> None:
    html = '<html><head><script type="application/ld+json">{"@type":"VideoObject","name":"Clip","uploadDate":"2024-10-01"}</script></head><body><p>Short.</p></body></html>'
    assert extract_page(html, "http://x.test/v/").kind == "video"


@pytest.mark.parametrize("data", [
    b"", b"   ", bytes(range(256)) * 50, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"plain text, no markup", None, 42,
])
def test_unreadable_input_raises_extract_error_only(data) -> None:
    with pytest.raises(ExtractError):
        extract_page(data, "http://x.test/a")


@pytest.mark.parametrize("data", [
    b"<html><body>" + b"<div>" * 20000 + b"<p>deep, deep text.</p>" + b"</div>" * 20000 + b"</body></html>",
    b"<html><body><p>" + b"word " * 1_000_000 + b"</p></body></html>",
    b"<p>unclosed <b>tags <div> everywhere",
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
    "<html><body><p>h\u00e9llo</p></body></html>".encode("utf-16"),
    b"<table>" * 5000 + b"x" + b"</table>" * 5000,
])
def test_hostile_input_never_raises_anything_else(data) -> None:
    try:
        ex = extract_page(data, "http://x.test/a")
    except ExtractError:
        return
    assert isinstance(ex.body, str)


def test_page_collects_meta_and_jsonld_once() -> None:
    page = Page.parse(b'<html lang="en"><head><meta property="og:title" content="T">'
                      b'<script type="application/ld+json">[{"@type":"Article","headline":"H"}]</script></head></html>',
                      "http://x.test/")
    assert page.first_meta("og:title") == "T"
    assert page.article_ld()["headline"] == "H"
