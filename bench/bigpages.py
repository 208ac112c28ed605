#!/usr/bin/env python3
"""Extraction on pages much bigger than the benchmark's: does any step grow faster than the page?

    .venv/bin/python bench/bigpages.py [--pages 4] [--scales 1,2,4,8] [--peer] [--excerpts]
    .venv/bin/python bench/bigpages.py --nesting 500,1000,2000

Real pages are bigger than the dev benchmark's (many scripts, inline JSON, mega menus, long
footers, comment threads, related-story grids: 300 KB - 2 MB of HTML). Each of ``--pages``
benchmark pages gets synthetic chrome of that kind around its own markup, ``scale`` times over
(scale 1 is ~250 KB of chrome), and ``extract_page`` runs on every size in this process (warm:
imports and the vocabulary are paid before timing). A step that is linear in the page keeps its
time per MB flat from scale to scale; a quadratic one doubles it at each doubling. The body must
stay the article's: its F1 against the page's own truth is printed too. ``--peer`` times
trafilatura on the same pages.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = ROOT.parent / "shared" / "bench" / "extraction"

from crawler.extraction import extract_page  # noqa: E402

#: Cards of the related grid with a 25-word excerpt paragraph each (``--excerpts``). Both extractors
#: then take the grid for the article on most pages (it outscores a short story): a quality
#: problem, not a speed one, so the default grid has headlines only.
EXCERPTS = False
WORDS = ("defence ministry contract frigate missile procurement budget army navy air force drone radar "
         "exercise brigade command officials said report program system delivery upgrade").split()


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def chrome(scale: int, seed: int = 7) -> tuple[str, str]:
    """(head extras, body chrome) of about ``scale`` x 250 KB: scripts with inline JSON, a mega menu,
    a related-stories grid, a comment thread, a long footer, cookie and newsletter boxes."""
    rng = random.Random(seed)
    head = []
    for i in range(6 * scale):
        state = {"id": i, "items": [{"k": f"item{i}-{j}", "v": _words(rng, 8), "n": j} for j in range(120)]}
        head.append(f'<script>window.__STATE_{i}__ = {json.dumps(state)};</script>')
        head.append(f'<script src="/static/chunk-{i}.js" async></script>')
    head.append('<style>' + "".join(f".c{i}{{margin:{i}px}}" for i in range(400 * scale)) + '</style>')
    menu = ['<header class="site-header"><nav class="mega-menu"><ul class="menu">']
    for i in range(30 * scale):
        menu.append(f'<li class="menu-item menu-item-{i}"><a href="/section/{i}">{_words(rng, 2)}</a><ul class="sub-menu">')
        menu.extend(f'<li class="menu-item"><a href="/section/{i}/{j}">{_words(rng, 3)}</a></li>' for j in range(12))
        menu.append('</ul></li>')
    menu.append('</ul></nav></header>')
    related = ['<section class="related-posts"><h2>Related stories</h2><div class="grid">']
    for i in range(40 * scale):
        excerpt = f'<p class="excerpt">{_words(rng, 25)}</p>' if EXCERPTS else ""
        related.append(f'<div class="card post-item"><a href="/news/{i}"><img src="/i/{i}.jpg" alt="">'
                       f'<h3 class="card-title">{_words(rng, 8)}</h3></a>{excerpt}'
                       f'<span class="kicker">{_words(rng, 2)}</span>'
                       f'<time datetime="2026-11-{1 + i % 28:02d}">Nov {1 + i % 28}, 2026</time></div>')
    related.append('</div></section>')
    comments = ['<section id="comments" class="comments-area"><h2>Comments</h2><ol class="comment-list">']
    for i in range(60 * scale):
        comments.append(f'<li class="comment" id="comment-{i}"><div class="comment-author vcard">'
                        f'<span class="fn">Reader {i}</span></div><div class="comment-meta"><time>Nov 3, 2026 '
                        f'{i % 24}:{i % 60:02d}</time></div><div class="comment-content"><p>{_words(rng, 30)}</p>'
                        f'</div><div class="reply"><a class="comment-reply-link" href="#r{i}">Reply</a></div></li>')
    comments.append('</ol><div id="respond"><form><textarea name="c"></textarea><input type="email" name="e">'
                    '<button>Post comment</button></form></div></section>')
    footer = ['<footer class="site-footer"><div class="footer-widgets">']
    for i in range(10 * scale):
        footer.append(f'<div class="widget widget_links"><h4>{_words(rng, 2)}</h4><ul>')
        footer.extend(f'<li><a href="/f/{i}/{j}">{_words(rng, 3)}</a></li>' for j in range(15))
        footer.append('</ul></div>')
    footer.append('<div class="site-info">© 2026 Example Media. All rights reserved.</div>'
                  '<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>'
                  '<div class="newsletter-signup"><p>Never miss a story: subscribe to our free briefing.</p>'
                  '<form><input type="email"><button>Subscribe</button></form></div></footer>')
    return "".join(head), "".join(menu), "".join(related) + "".join(comments) + "".join(footer)


def inflate(html: str, scale: int) -> str:
    """The page with the chrome added: scripts at the end of <head>, the menu at the start of <body>,
    the rest at its end."""
    head, menu, tail = chrome(scale)
    html = re.sub(r"</head>", lambda m: head + m.group(0), html, count=1, flags=re.I)
    html = re.sub(r"<body[^>]*>", lambda m: m.group(0) + menu, html, count=1, flags=re.I)
    return re.sub(r"</body>", lambda m: tail + m.group(0), html, count=1, flags=re.I)


#: Deep or long structures around a short story (``--nesting``): the opening and closing markup of
#: one level, repeated n times. Each row must grow linearly with n.
NESTINGS = {
    "date-box wrappers": ('<div class="post-meta-wrap">', "</div>"),
    "byline wrappers": ('<div class="author-byline">', "</div>"),
    "time boxes": ('<div class="meta"><time datetime="2026-11-02T10:00">10:00</time>', "</div>"),
    "comment wrappers": ('<div class="comment-body">', "</div>"),
    "link lists": ('<ul><li><a href="/x">Read more about this story and others</a>', "</li></ul>"),
    "sections": ('<section class="entry-content">', "</section>"),
}
#: Long flat runs (``--nesting`` too): a live blog's stamped entries, a form's fields.
RUNS = {
    "live-blog entries": lambda i: (f'<div class="entry"><div class="meta"><span>Update</span> <time datetime='
                                    f'"2026-11-02T{i % 24:02d}:{i % 60:02d}">{i % 24:02d}:{i % 60:02d} GMT</time></div>'
                                    f'<p>The ministry said the frigate program, worth billions, would move ahead after '
                                    f'review number {i}.</p></div>'),
    "form fields": lambda i: f'<div class="f"><label>Field {i}</label><input type="text" name="f{i}"></div>',
}
STORY = "".join(f"<p>The army, the navy and the air force said the contract, worth a lot, was signed on day {i}.</p>"
                for i in range(20))


def nesting(sizes: list[int]) -> None:
    """Seconds of extract_page per structure and size (CPU time, this process)."""
    print("| structure | " + " | ".join(f"n={n}" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name, (open_, close) in NESTINGS.items():
        cells = []
        for n in sizes:
            html = "<html><body><h1>Title</h1>" + open_ * n + STORY + close * n + "</body></html>"
            start = time.process_time()
            extract_page(html, "https://example.com/a")
            cells.append(f"{time.process_time() - start:.3f}")
        print(f"| {name} (nested) | " + " | ".join(cells) + " |", flush=True)
    for name, item in RUNS.items():
        cells = []
        for n in sizes:
            html = ('<html lang="en"><body><form id="aspnetForm"><article><h1>Title</h1>' + STORY
                    + "".join(item(i) for i in range(n)) + "</article></form></body></html>")
            start = time.process_time()
            extract_page(html, "https://example.com/a")
            cells.append(f"{time.process_time() - start:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


def _f1(counts: tuple[float, float, float]) -> float:
    tp, fp, fn = counts
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=4)
    ap.add_argument("--scales", default="1,2,4,8")
    ap.add_argument("--peer", action="store_true", help="time trafilatura.extract on the same pages")
    ap.add_argument("--excerpts", action="store_true", help="related cards with excerpt paragraphs")
    ap.add_argument("--nesting", metavar="SIZES", help="instead: deep and long structures, e.g. 500,1000,2000")
    a = ap.parse_args()
    global EXCERPTS
    EXCERPTS = a.excerpts
    if a.nesting:
        extract_page("<html><body><p>warm up</p></body></html>", "https://example.com/")
        nesting([int(n) for n in a.nesting.split(",")])
        return 0
    sys.path.insert(0, str(PAGES))
    from score import page_counts  # noqa: E402  (the corpus's own scorer)

    truth = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:: max(1, len(truth) // a.pages)][: a.pages]
    scales = [int(s) for s in a.scales.split(",")]
    extract_page("<html><body><p>warm up</p></body></html>", "https://example.com/")
    if a.peer:
        import trafilatura
    print("| scale | HTML MB (mean) | elements (mean) | defwatch s/page | s per MB | body F1 |"
          + (" trafilatura s/page | its F1 |" if a.peer else ""))
    print("|---|---|---|---|---|---|" + ("---|---|" if a.peer else ""))
    for scale in scales:
        sizes, counts, took, peer, f1s, peer_f1s = [], [], [], [], [], []
        for pid in ids:
            html = gzip.open(PAGES / "html" / f"{pid}.html.gz", "rt", encoding="utf-8").read()
            big = inflate(html, scale)
            sizes.append(len(big.encode("utf-8")) / 1e6)
            counts.append(big.count("<") - big.count("</"))
            start = time.process_time()
            ex = extract_page(big, truth[pid].get("url") or "https://example.com/a")
            took.append(time.process_time() - start)
            f1s.append(_f1(page_counts(truth[pid]["articleBody"], ex.body or "")))
            if a.peer:
                start = time.process_time()
                text = trafilatura.extract(big, include_comments=False) or ""
                peer.append(time.process_time() - start)
                peer_f1s.append(_f1(page_counts(truth[pid]["articleBody"], text)))
        n = len(ids)
        row = (f"| {scale} | {sum(sizes) / n:.2f} | {sum(counts) // n:,} | {sum(took) / n:.3f} | "
               f"{sum(took) / sum(sizes):.3f} | {sum(f1s) / n:.3f} |")
        if a.peer:
            row += f" {sum(peer) / n:.3f} | {sum(peer_f1s) / n:.3f} |"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
