"""A site's template learned from its own pages (issue 8): the rule, the store, and a real crawl.

The crawl test builds a small site whose every story carries a promo line that no vocabulary
rule knows (in a made-up wording), and one story with a short line of its own: after one crawl,
no record keeps the promo, and every record keeps its own text.
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import run_cli, write_sites_file
from crawler.extraction.template import fingerprint, is_template, learnable, normalise, strip_template
from crawler.store import Store

PROMO = "Join the Harbour Watch club for weekly briefings and members' evenings"


def test_normalise_ignores_case_spaces_digits_and_edge_punctuation() -> None:
    assert normalise("  Join our 12 club — now! ") == normalise("join our 7 club — now")
    assert fingerprint("Join our 12 club") == fingerprint("JOIN OUR 3 CLUB.")


def test_only_short_blocks_of_a_few_words_are_learnable() -> None:
    long = "word " * 60
    # a background paragraph a site repeats word for word in a series of stories is reporting
    background = ("The contract, worth an undisclosed sum, includes spare parts, simulators and a support "
                  "package for the first decade of service.")
    got = learnable([PROMO, "Yes.", "Two words", long.strip(), background, PROMO])
    assert list(got.values()) == [PROMO]


@pytest.mark.parametrize("seen_on,pages,template", [
    (2, 2, False),    # never on two pages only
    (3, 3, True),
    (3, 20, False),   # a quote repeated in three follow-ups of one story on a large site
    (8, 20, True),
])
def test_template_needs_pages_and_a_share_of_the_site(seen_on: int, pages: int, template: bool) -> None:
    assert is_template(seen_on, pages) is template


def test_strip_template_keeps_the_body_and_its_margin() -> None:
    para = ("The ministry said the first ships would be delivered in 2028, and that the crews were already "
            "in training at the naval base, officials added on Tuesday.")
    body = f"{para}\n\n{PROMO}\n\n{para} Again."
    counts = {fingerprint(PROMO): 4}
    assert strip_template(body, counts, 5) == (f"{para}\n\n{para} Again.", [PROMO])
    assert strip_template(body, {fingerprint(PROMO): 1}, 5) == (body, [])      # seen on one page: kept
    # a template that would take most of the body takes nothing
    assert strip_template(f"{PROMO}\n\nShort line here.", counts, 5) == (f"{PROMO}\n\nShort line here.", [])


def test_store_migrates_to_v6_and_counts_distinct_pages(tmp_path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.schema_version >= 6
        fp = fingerprint(PROMO)
        for page in ("a", "b", "b", "c"):
            store.learn_template("site", page, {fp: PROMO})
        store.learn_template("other", "z", {fp: PROMO})
        assert store.template_counts("site", [fp, "nothing"]) == ({fp: 3}, 3)
        assert store.site_template("site", 3) == [(PROMO, 3)]
    tables = {r[0] for r in sqlite3.connect(tmp_path / "s.db").execute("SELECT name FROM sqlite_master")}
    assert {"template_blocks", "template_pages"} <= tables


def test_pipeline_from_settings_strips_and_sweeps(tmp_path) -> None:
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from crawler.config import AppConfig
    from crawler.items import Article, ArticlePage, FetchedPage
    from crawler.settings import build_settings
    from pipelines.template import TemplatePipeline

    with pytest.raises(NotConfigured):
        TemplatePipeline.from_crawler(get_crawler(settings_dict=build_settings(AppConfig())))
    db = tmp_path / "s.db"
    crawler = get_crawler(settings_dict=build_settings(AppConfig(), store=db))
    pipe = TemplatePipeline.from_crawler(crawler)
    para = "The port authority said the new berths would open next year, officials said on {day}."
    items = []
    for i, day in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday")):
        article = Article(id=f"a{i}", url=f"https://x.test/{i}", site="x", title="T", authors=[], published=None,
                          updated=None, lang="en", tags=[], body=f"{para.format(day=day)}\n\n{para.format(day=day)} "
                          f"More.\n\n{PROMO}", fetched_at="2026-12-07T10:00:00+00:00")
        page = FetchedPage(site="x", url=article.url, body=b"", content_type="text/html", entry=None, keys=[],
                           feed_url=None)
        items.append(pipe.process_item(ArticlePage(page=page, kind="article", article=article, keys=[])))
    # the 3rd and 4th pages meet the margin while passing; the first two are stored as they were
    assert [PROMO in it.article.body for it in items] == [True, True, False, False]
    with Store(db) as store:
        for it in items[:2]:
            store.save_article(it.article, page_keys=[it.article.id])
    pipe.close_spider()   # the sweep corrects the unexported first pages
    with Store(db) as store:
        assert all(PROMO not in store.article(f"a{i}").body for i in range(2))
    assert crawler.stats.get_value("defwatch/template/swept") == 2


# ---------------------------------------------------------------- a real crawl

def _article(slug: str, title: str, paras: list[str], extra: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title} | Harbour Post</title>"
            f"<link rel='canonical' href='{{{{BASE}}}}/news/{slug}/'></head><body>"
            f"<header><nav><a href='{{{{BASE}}}}/'>Home</a></nav></header><main><article><h1>{title}</h1>"
            f"<p class='byline'>By Ada Lindqvist</p>"
            f"<div class='story-text'>{body}{extra}<p class='club-line'>{PROMO}</p></div>"
            f"</article></main><footer><p>Harbour Post</p></footer></body></html>")


def _web(root) -> dict[str, list[str]]:
    site = root / "harbourpost"
    (site / "files" / "news").mkdir(parents=True)
    (site / "truth").mkdir()
    stories = {}
    items = []
    for i in range(4):
        slug = f"story-{i}"
        place, thing = ["Aberdeen", "Bergen", "Cork", "Dundee"][i], ["berths", "cranes", "piers", "locks"][i]
        paras = [f"In {place}, the port authority said new {thing} would open next year, and that dredging of "
                 f"the {side} channel would finish before the winter storms, officials said."
                 for side in ("outer", "inner", "northern", "southern")]
        # one story carries a short line of its own: seen on one page only, it is never template
        extra = "<p>Own line of this story only, kept.</p>" if i == 0 else ""
        stories[slug] = paras + (["Own line of this story only, kept."] if i == 0 else [])
        page = site / "files" / "news" / slug
        page.mkdir()
        (page / "index.html").write_text(_article(slug, f"Harbour story number {i}", paras, extra))
        items.append(f"<item><title>Harbour story number {i}</title><link>{{{{BASE}}}}/news/{slug}/</link>"
                     f"<guid>{{{{BASE}}}}/news/{slug}/</guid><pubDate>Tue, 0{i + 1} Dec 2026 10:00:00 +0000</pubDate></item>")
    (site / "files" / "feed.xml").write_text(
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Harbour Post</title>"
        f"<link>{{{{BASE}}}}/</link>{''.join(items)}</channel></rss>")
    (site / "site.json").write_text(json.dumps({"name": "Harbour Post", "lang": "en", "feeds": ["/feed.xml"]}))
    return stories


def test_a_first_crawl_learns_the_site_template(tmp_path) -> None:
    import mockweb

    root = tmp_path / "web"
    stories = _web(root)
    web = mockweb.start(str(root), port=0)
    try:
        sites_file = write_sites_file(tmp_path / "sites.toml", web, {"harbourpost": {"feeds": ["/feed.xml"]}})
        db, out = tmp_path / "db.sqlite3", tmp_path / "out.jsonl"
        run = run_cli("crawl", "--sites", sites_file, "--db", db, timeout=240)
        assert run.returncode == 0, run.stderr[-3000:]
        run = run_cli("export", "--db", db, "--out", out)
        assert run.returncode == 0, run.stderr
    finally:
        web.stop()
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 4
    for rec in records:
        slug = rec["url"].rstrip("/").rsplit("/", 1)[-1]
        assert PROMO not in rec["body"], slug          # even the pages fetched before the template was known
        assert rec["body"].split("\n\n") == stories[slug]
