"""Every way of choosing a body ends in the same cleaner (issue 8).

One representative widget per vocabulary group is injected into each path that can choose the
body: the scored content element, a site's body selector, JSON-LD ``articleBody`` and the
trafilatura fallback. Nothing of it may survive, the article's own paragraphs must, and the
path must report the rules that fired.
"""
from __future__ import annotations

import json
import tomllib
from collections import Counter

import pytest

from crawler.config import Selectors, Site
from crawler.extraction import extract_page
from crawler.extraction.vocabulary import RULES_FILE

PARAS = [
    "The navy ordered four frigates from the national yard on Tuesday, officials said in a statement.",
    "Deliveries start next year, and the second batch follows in 2027, the ministry added on Wednesday.",
    "The ships will replace older vessels that have served since the 1980s in the northern fleet.",
    "Each frigate carries a helicopter, a towed sonar and vertical launch cells for air defence missiles.",
]
PARA_HTML = "".join(f"<p>{p}</p>" for p in PARAS)
TITLE = "Navy orders four frigates"

#: (group, the widget as a plugin or theme emits it, its text lines as they reach a text-only body)
WIDGETS = [
    ("structure", '<a class="skip-link screen-reader-text" href="#main">Skip to content</a>', ["Skip to content"]),
    ("comments", '<div id="respond" class="comment-respond"><h3 class="comment-reply-title">Leave a Reply</h3>'
                 '<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>'
                 '</div>',
     ["Leave a Reply", "Your email address will not be published. Required fields are marked *"]),
    ("subscribe", '<div class="wp-block-jetpack-subscriptions__container"><p>Subscribe to get the latest posts '
                  'sent to your email.</p><p>Type your email…</p><p>Subscribe</p></div>',
     ["Subscribe to get the latest posts sent to your email.", "Type your email…", "Subscribe"]),
    ("share", '<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul>'
              '<li><a href="/s?f">Facebook</a></li><li><a href="/s?x">X</a></li><li><a href="/s?l">LinkedIn</a></li>'
              '</ul></div>',
     ["Share this:", "Facebook", "X", "LinkedIn"]),
    ("likes", '<div class="jetpack-likes-widget-wrapper"><h3>Like this:</h3><p>Like Loading...</p></div>',
     ["Like this:", "Like Loading..."]),
    ("related", '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">Related</h3>'
                '<p><a href="/a">Army tests a new rifle</a></p><p><a href="/b">Air force picks a trainer jet</a></p></div>',
     ["Related", "Army tests a new rifle", "Air force picks a trainer jet"]),
    ("author_box", '<div class="author-box"><h4>About the author</h4><p><a href="/author/jane">More articles by '
                   'Jane Roe</a></p></div>',
     ["About the author", "More articles by Jane Roe"]),
    ("tags", '<div class="tags-links">Tags: <a rel="tag" href="/t/navy">Navy</a>, <a rel="tag" href="/t/f">Frigates</a>'
             '</div>', ["Tags: Navy, Frigates"]),
    ("ads", '<div class="ad-wrapper"><span class="ad-label">Advertisement</span></div>', ["Advertisement"]),
    ("consent", '<div class="cookie-notice"><p>We use cookies to give you the best experience on our website.</p>'
                '<p>Accept all cookies</p></div>',
     ["We use cookies to give you the best experience on our website.", "Accept all cookies"]),
    ("paywall", '<div class="paywall"><p>Subscribe to continue reading this article.</p>'
                '<p>Already a subscriber? Sign in.</p></div>',
     ["Subscribe to continue reading this article.", "Already a subscriber? Sign in."]),
    ("print_email", '<div class="print-link"><a href="/print">Print this article</a></div>', ["Print this article"]),
    ("media", '<figure><img src="/f.jpg" alt=""><figcaption>Photo: Navy Press Office</figcaption></figure>',
     ["Photo: Navy Press Office"]),
    ("footer", '<p class="copyright">© 2026 Naval Example. All rights reserved.</p>',
     ["© 2026 Naval Example. All rights reserved."]),
    ("donate", '<div class="support-box"><p>Support our journalism today.</p></div>', ["Support our journalism today."]),
    ("disclosure", "<p>This post contains affiliate links.</p>", ["This post contains affiliate links."]),
    ("promo", "<p>Click here to download the full report.</p>", ["Click here to download the full report."]),
]


def test_every_vocabulary_group_has_a_widget() -> None:
    groups = set(tomllib.loads(RULES_FILE.read_text(encoding="utf-8")))
    assert groups == {g for g, _, _ in WIDGETS}


def _page(path: str, widget: str, lines: list[str]) -> tuple[str, Site | None]:
    head = f"<title>{TITLE}</title>"
    if path == "score":
        return f"<html><head>{head}</head><body><article><h1>{TITLE}</h1>{PARA_HTML}{widget}</article></body></html>", None
    if path == "site":
        site = Site(id="x", name="X", url="http://x.test/", feeds=("http://x.test/feed",),
                    selectors=Selectors(body="div.story-x"))
        return (f"<html><head>{head}</head><body><h1>{TITLE}</h1><div class='story-x'>{PARA_HTML}{widget}</div>"
                "</body></html>"), site
    if path == "jsonld":
        ld = {"@type": "NewsArticle", "headline": TITLE, "articleBody": "\n".join(PARAS + lines)}
        return (f'<html><head>{head}<script type="application/ld+json">{json.dumps(ld)}</script></head><body>'
                f"<article><h1>{TITLE}</h1><p>{PARAS[0]}</p></article></body></html>"), None
    # A body our scorer refuses (a "widget" wrapper) but trafilatura takes: the fallback path.
    plain = "".join(f"<p>{line}</p>" for line in lines)
    return (f"<html><head>{head}</head><body><h1>{TITLE}</h1><div class='widget'>{PARA_HTML}{plain}</div>"
            "</body></html>"), None


@pytest.mark.parametrize("path", ["score", "site", "jsonld", "fallback"])
@pytest.mark.parametrize("group,widget,lines", WIDGETS, ids=[g for g, _, _ in WIDGETS])
def test_no_widget_survives_any_path(path: str, group: str, widget: str, lines: list[str]) -> None:
    html, site = _page(path, widget, lines)
    stats: Counter = Counter()
    body = extract_page(html, "http://x.test/2026/navy-frigates", site=site, stats=stats).body
    assert body.split("\n\n") == PARAS, body
    assert stats[f"extract/body/{path}"] == 1, dict(stats)
    assert sum(n for k, n in stats.items() if k.startswith("boilerplate/")) >= 1, dict(stats)


def test_boilerplate_hits_name_the_group_on_a_text_path() -> None:
    html, _ = _page("jsonld", "", ["Subscribe to get the latest posts sent to your email."])
    stats: Counter = Counter()
    extract_page(html, "http://x.test/a", stats=stats)
    assert stats["boilerplate/subscribe"] == 1 and stats["extract/body/jsonld"] == 1
