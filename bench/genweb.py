#!/usr/bin/env python3
"""Generate a mock web (shared/mockweb FORMAT.md) of N sites x M articles for the scale benches.

    .venv/bin/python bench/genweb.py OUT [--sites 20] [--articles 100] [--feeds 1] [--seed 12]

Each site is WordPress-like: article pages with a few paragraphs, a byline, JSON-LD and
``article:*`` dates, tags, and the usual boilerplate around the text (menu, cookie banner,
share bar, related posts, newsletter box, comment form, footer), each boilerplate string listed in
the truth file's ``must_not_contain``. ``/feed/`` lists every article of the site; ``--feeds F``
adds F - 1 category feeds (``/category/cK/feed/``), each listing five of the site's articles, for
idle passes over many feeds. robots.txt disallows ``/wp-admin/``. Deterministic for a seed.
"""
from __future__ import annotations

import argparse
import html
import json
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

WORDS = (
    "army navy air force defence ministry contract frigate destroyer submarine missile radar drone "
    "brigade battalion procurement budget exercise alliance deployment capability programme upgrade "
    "delivery prototype production industry officials said report announced according statement "
    "fleet squadron helicopter tank artillery ammunition logistics training readiness border coastal "
    "satellite cyber command systems vehicle armoured infantry engine sensor launcher interceptor "
    "the a of to in and for with on that by from will has was this its new first second last year "
    "week month during under after before over more than while which their would could also"
).split()
PLACES = ["Poland", "Japan", "Norway", "India", "Brazil", "Australia", "Canada", "Turkey", "Korea", "Greece"]
THINGS = ["frigates", "tanks", "radars", "drones", "submarines", "howitzers", "jets", "missiles", "trucks"]
AUTHORS = ["Anna Kowalska", "John Miller", "Priya Natarajan", "Lars Eriksen", "Maria Santos", "Kenji Sato",
           "Claire Dubois", "Tom O'Neill"]
TAGS = ["Procurement", "Navy", "Army", "Air Force", "Industry", "Exercises", "Europe", "Asia-Pacific"]

#: Boilerplate strings on every page (and in every truth's must_not_contain).
BOILER = {
    "cookie": "We use cookies to improve your experience on our website.",
    "share": "Share this article on social media",
    "related": "Related Posts",
    "newsletter": "Subscribe to our daily defence newsletter",
    "comments": "Leave a Reply",
    "footer": "All rights reserved.",
}

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title_e} - {site_e}</title>
<link rel="canonical" href="{{{{BASE}}}}{path}">
<meta name="description" content="{desc_e}">
<meta property="og:type" content="article"><meta property="og:title" content="{title_e}">
<meta property="og:url" content="{{{{BASE}}}}{path}">
<meta property="article:published_time" content="{published}">
{tag_meta}
<script type="application/ld+json">{ld}</script>
<link rel="stylesheet" href="{{{{BASE}}}}/wp-content/themes/news/style.css">
</head><body class="post-template-default single single-post">
<div class="cookie-notice">{cookie} <button>Accept</button></div>
<header class="site-header"><a class="logo" href="{{{{BASE}}}}/">{site_e}</a>
<nav class="main-menu"><ul><li><a href="{{{{BASE}}}}/category/land/">Land</a></li><li><a href="{{{{BASE}}}}/category/sea/">Sea</a></li>
<li><a href="{{{{BASE}}}}/category/air/">Air</a></li><li><a href="{{{{BASE}}}}/about/">About us</a></li></ul></nav></header>
<main id="main"><article class="post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">{title_e}</h1>
<div class="entry-meta">By <a rel="author" class="author" href="{{{{BASE}}}}/author/{author_slug}/">{author_e}</a>
<time class="entry-date published" datetime="{published}">{published_h}</time></div></header>
<div class="entry-content">
{body_html}
<div class="sharedaddy sd-sharing"><h3>{share}</h3><a href="#">Twitter</a> <a href="#">Facebook</a> <a href="#">LinkedIn</a></div>
</div>
<footer class="entry-footer"><span class="tags-links">{tag_links}</span></footer>
</article>
<aside class="related-posts"><h3>{related}</h3><ul>{related_items}</ul></aside>
<div class="newsletter-box"><p>{newsletter}</p><form><input type="email" placeholder="Email"><button>Sign up</button></form></div>
<div id="comments" class="comments-area"><div id="respond"><h3 class="comment-reply-title">{comments}</h3>
<form class="comment-form"><p>Your email address will not be published.</p><textarea name="comment"></textarea>
<input type="submit" value="Post Comment"></form></div></div>
</main>
<footer class="site-footer"><p>&copy; 2024 {site_e}. {footer}</p><a href="{{{{BASE}}}}/privacy/">Privacy policy</a></footer>
</body></html>
"""


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def sentence(rnd: random.Random) -> str:
    """One plausible sentence: a named subject, then 12-24 words of vocabulary."""
    head = f"{rnd.choice(PLACES)} will buy {rnd.randint(2, 40)} {rnd.choice(THINGS)}"
    words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(12, 24)))
    return f"{head} {words}."


def article(rnd: random.Random, site_id: str, index: int, when: datetime) -> dict:
    """The truth of one article (FORMAT.md truth fields) plus its tags and paragraphs."""
    place, thing = rnd.choice(PLACES), rnd.choice(THINGS)
    title = f"{place} orders {rnd.randint(2, 60)} {thing} in {site_id} report {index}"
    slug = f"{place.lower()}-orders-{thing}-{index}"
    path = f"/{when:%Y/%m/%d}/{slug}/"
    blocks = [" ".join(sentence(rnd) for _ in range(rnd.randint(3, 5))) for _ in range(rnd.randint(4, 7))]
    if rnd.random() < 0.5:
        blocks.insert(2, f"What {place} gets")
    return {
        "path": path, "slug": slug, "epoch": 0, "in_feeds": ["/feed/"], "title": title,
        "authors": [rnd.choice(AUTHORS)], "published": when.isoformat(), "updated": None, "lang": "en",
        "tags": sorted(rnd.sample(TAGS, 2)), "blocks": blocks, "body": "\n\n".join(blocks),
        "must_not_contain": sorted(BOILER.values()), "robots_disallowed": False, "is_article": True,
    }


def page_html(site_name: str, art: dict, others: list[dict]) -> str:
    body_html = "\n".join(f"<h2>{esc(b)}</h2>" if len(b.split()) < 5 else f"<p>{esc(b)}</p>" for b in art["blocks"])
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": art["title"],
          "datePublished": art["published"], "dateModified": art["published"],
          "author": [{"@type": "Person", "name": a} for a in art["authors"]],
          "mainEntityOfPage": "{{BASE}}" + art["path"], "keywords": art["tags"]}
    author = art["authors"][0]
    return PAGE.format(
        title_e=esc(art["title"]), site_e=esc(site_name), path=art["path"], desc_e=esc(art["blocks"][0][:150]),
        published=art["published"], tag_meta="\n".join(f'<meta property="article:tag" content="{esc(t)}">'
                                                        for t in art["tags"]),
        ld=json.dumps(ld).replace("</", "<\\/"), author_slug=author.lower().replace(" ", "-").replace("'", ""),
        author_e=esc(author), published_h=datetime.fromisoformat(art["published"]).strftime("%B %d, %Y"),
        body_html=body_html, tag_links=", ".join(f'<a rel="tag" href="{{{{BASE}}}}/tag/{esc(t.lower())}/">{esc(t)}</a>'
                                                 for t in art["tags"]),
        related_items="".join(f'<li><a href="{{{{BASE}}}}{o["path"]}">{esc(o["title"])}</a></li>' for o in others),
        **BOILER)


def rss(title: str, arts: list[dict]) -> str:
    items = []
    for a in sorted(arts, key=lambda a: a["published"], reverse=True):
        when = format_datetime(datetime.fromisoformat(a["published"]))
        cats = "".join(f"<category>{esc(t)}</category>" for t in a["tags"])
        items.append(f"<item><title>{esc(a['title'])}</title><link>{{{{BASE}}}}{a['path']}</link>"
                     f"<guid isPermaLink=\"true\">{{{{BASE}}}}{a['path']}</guid><pubDate>{when}</pubDate>"
                     f"<dc:creator>{esc(a['authors'][0])}</dc:creator>{cats}"
                     f"<description>{esc(a['blocks'][0][:200])}</description></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>{esc(title)}</title><link>{{{{BASE}}}}/</link><description>{esc(title)}</description>"
            + "\n".join(items) + "</channel></rss>\n")


def generate(out: Path, *, sites: int = 20, articles: int = 100, feeds: int = 1, seed: int = 12) -> Path:
    """Write the web root into ``out`` (created) and return it."""
    rnd = random.Random(seed)
    start = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)
    for s in range(sites):
        sid, name = f"site{s:02d}", f"Defence Site {s:02d}"
        arts = [article(rnd, sid, i, start + timedelta(hours=7 * i + s)) for i in range(articles)]
        feed_paths = ["/feed/"] + [f"/category/c{k}/feed/" for k in range(1, feeds)]
        files = out / sid / "files"
        for k, fpath in enumerate(feed_paths):
            listed = arts if k == 0 else [arts[(k + 7 * j) % articles] for j in range(min(5, articles))]
            for a in listed:
                if fpath not in a["in_feeds"]:
                    a["in_feeds"].append(fpath)
            target = files / fpath.strip("/") / "index.xml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rss(f"{name} {fpath}", listed))
        for i, a in enumerate(arts):
            page = files / a["path"].strip("/") / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(page_html(name, a, [arts[(i + d) % articles] for d in (1, 2, 3)]))
        truth = out / sid / "truth"
        truth.mkdir(parents=True, exist_ok=True)
        for a in arts:
            record = {k: v for k, v in a.items() if k not in ("slug", "blocks")}
            (truth / f"{a['slug']}.json").write_text(json.dumps(record, indent=1))
        (files / "index.html").write_text(f"<html><body><h1>{esc(name)}</h1></body></html>")
        (out / sid / "site.json").write_text(json.dumps({
            "name": name, "cms": "wordpress", "lang": "en", "feeds": feed_paths,
            "robots_txt": "User-agent: *\nDisallow: /wp-admin/\n"}, indent=1))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--feeds", type=int, default=1, help="feeds per site (/feed/ + category feeds)")
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    generate(args.out, sites=args.sites, articles=args.articles, feeds=args.feeds, seed=args.seed)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
