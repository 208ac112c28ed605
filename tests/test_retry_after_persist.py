"""A Retry-After longer than a crawl waits is remembered: the next crawl sends nothing to that
host before it passes (checked in the mock web's request log)."""
from __future__ import annotations

import json

from conftest import run_cli


def make_web(root):
    site = root / "slowsite"
    (site / "files" / "feed").mkdir(parents=True)
    (site / "truth").mkdir()
    (site / "files" / "feed" / "index.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>S</title><link>{{BASE}}/</link>'
        '<item><title>A</title><link>{{BASE}}/a/</link><guid>{{BASE}}/a/</guid></item></channel></rss>')
    (site / "site.json").write_text(json.dumps({
        "name": "Slow", "feeds": ["/feed/"], "robots_txt": "User-agent: *\nAllow: /\n",
        "faults": [{"path": "/feed/", "responses": [{"status": 503, "headers": {"Retry-After": "120"}}],
                    "then": "serve"}]}))


def test_long_retry_after_holds_the_host_across_crawls(tmp_path):
    import mockweb

    make_web(tmp_path / "web")
    web = mockweb.start(str(tmp_path / "web"), port=0)
    try:
        base = web.sites["slowsite"]
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[[sites]]\nid = "slowsite"\nname = "Slow"\nurl = "{base}/"\nfeeds = ["/feed/"]\n')
        db = tmp_path / "db.sqlite3"
        first = run_cli("crawl", "--sites", sites, "--db", db)
        assert first.returncode == 1  # the only feed failed
        answered = [e["status"] for e in web.log() if e["path"] == "/feed/"]
        assert answered == [503]      # not retried within the crawl: 120 s is more than it waits
        web.clear_log()
        second = run_cli("crawl", "--sites", sites, "--db", db)
        assert web.log() == []        # nothing sent to the host before its Retry-After passed
        assert "Retry-After" in second.stdout or "Retry-After" in second.stderr
        status = run_cli("status", "--db", db, "--json")
        feed = json.loads(status.stdout)["feeds"][0]
        assert feed["consecutive_failures"] == 2 and "Retry-After" in feed["last_error"]
    finally:
        web.stop()
