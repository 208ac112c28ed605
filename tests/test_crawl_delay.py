"""robots.txt Crawl-delay slows the host (capped), checked in the mock web's request log."""
from __future__ import annotations

import json

from conftest import run_cli


def make_web(root, crawl_delay: str):
    site = root / "politesite"
    (site / "files" / "feed").mkdir(parents=True)
    (site / "truth").mkdir()
    items = "".join(f"<item><title>P{i}</title><link>{{{{BASE}}}}/p{i}/</link><guid>{{{{BASE}}}}/p{i}/</guid></item>"
                    for i in range(4))
    (site / "files" / "feed" / "index.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title><link>{{{{BASE}}}}/</link>{items}</channel></rss>')
    for i in range(4):
        (site / "files" / f"p{i}").mkdir()
        (site / "files" / f"p{i}" / "index.html").write_text(
            f"<html lang='en'><head><title>Post {i}</title></head><body><article><h1>Post number {i}</h1>"
            + "".join(f"<p>Paragraph {j} of post {i} says something about naval procurement in detail.</p>"
                      for j in range(8)) + "</article></body></html>")
    (site / "site.json").write_text(json.dumps({
        "name": "Polite", "feeds": ["/feed/"], "robots_txt": f"User-agent: *\nCrawl-delay: {crawl_delay}\nAllow: /\n"}))


def test_crawl_delay_spaces_requests_to_the_host(tmp_path):
    import mockweb

    make_web(tmp_path / "web", "0.6")
    web = mockweb.start(str(tmp_path / "web"), port=0)
    try:
        base = web.sites["politesite"]
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[[sites]]\nid = "politesite"\nname = "Polite"\nurl = "{base}/"\nfeeds = ["/feed/"]\n')
        run = run_cli("crawl", "--sites", sites, "--db", tmp_path / "db.sqlite3")
        assert run.returncode == 0, run.stderr[-2000:]
        pages = sorted(e["ts"] for e in web.log() if e["path"].startswith("/p"))
        assert len(pages) == 4
        gaps = [b - a for a, b in zip(pages, pages[1:], strict=False)]
        # Scrapy randomises the delay between 0.5x and 1.5x.
        assert min(gaps) >= 0.6 * 0.5 - 0.05, gaps
    finally:
        web.stop()
