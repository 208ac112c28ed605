"""The quick conditional GETs of known feeds (spiders/quickpoll.py) keep every guarantee.

One mock web, crawled at epoch 0 (full GETs: validators stored), then at epoch 1, when each
site's feeds do something else: unchanged (304s, slowed to show the per-host limit), changed,
redirected, 503 with Retry-After, reset, tarpit, newly forbidden by robots.txt. Checked in the
mock web's request log and the store: the same requests and outcomes Scrapy alone gives.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

RSS = ('<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title><link>{{{{BASE}}}}/</link>'
       '{items}</channel></rss>')
ITEM = ('<item><title>{t}</title><link>{{{{BASE}}}}/{slug}/</link><guid>{{{{BASE}}}}/{slug}/</guid>'
        '<pubDate>Mon, 07 Dec 2026 10:00:00 GMT</pubDate></item>')
PAGE = ('<html><head><title>{t}</title></head><body><article><h1>{t}</h1>'
        + "<p>The ministry signed the contract for new armoured vehicles on Monday, officials said.</p>" * 8
        + '</article></body></html>')
CALM_FEEDS = [f"/feed/{i}/" for i in range(6)]


def feed(title: str, slugs: list[str]) -> str:
    return RSS.format(title=title, items="".join(ITEM.format(t=f"Story {s}", slug=s) for s in slugs))


def make_site(root: Path, sid: str, feeds: dict[str, str | list[str]], pages: list[str], **extra) -> None:
    """A site whose ``feeds`` map a path to its XML, or to one XML per epoch."""
    files = root / sid / "files"
    (root / sid / "truth").mkdir(parents=True)
    epochs = {}
    for path, xml in feeds.items():
        folder = files / path.strip("/")
        folder.mkdir(parents=True, exist_ok=True)
        if isinstance(xml, list):
            for n, text in enumerate(xml):
                (folder / f"e{n}.xml").write_text(text)
            epochs[path] = [f"{path.strip('/')}/e{n}.xml" for n in range(len(xml))]
        else:
            (folder / "index.xml").write_text(xml)
    for slug in pages:
        (files / slug).mkdir(parents=True, exist_ok=True)
        (files / slug / "index.html").write_text(PAGE.format(t=f"Story {slug}"))
    site = {"name": sid, "feeds": [p for p in feeds if not p.startswith("/x")], "epochs": epochs,
            "robots_txt": "User-agent: *\nAllow: /\n", **extra}
    (root / sid / "site.json").write_text(json.dumps(site))


def make_web(root: Path) -> None:
    later = {"from_epoch": 1}
    make_site(root, "calm", {p: feed(f"calm {p}", [f"calm{i}"]) for i, p in enumerate(CALM_FEEDS)}
              | {"/feed/changing/": [feed("changing", ["calm0"]), feed("changing", ["calm0", "calm-new"])],
                 "/feed/late/": feed("late", ["calm1"])},
              [f"calm{i}" for i in range(6)] + ["calm-new"], hidden_until={"/feed/late/": 1},
              faults=[{"path_prefix": "/feed/", "delay_s": 0.3, **later}])
    make_site(root, "moved", {"/feed/": feed("moved", ["m1"]), "/xnew/feed/": feed("moved", ["m1", "m2"])},
              ["m1", "m2"], faults=[{"path": "/feed/", "redirect_to": "/xnew/feed/", **later}])
    make_site(root, "busy", {"/feed/": feed("busy", ["b1"])}, ["b1"],
              faults=[{"path": "/feed/", "responses": [{"status": 503, "headers": {"Retry-After": "1"}}],
                       "then": "serve", **later}])
    make_site(root, "broken", {"/feed/": feed("broken", ["k1"])}, ["k1"],
              faults=[{"path": "/feed/", "reset": True, **later}])
    make_site(root, "tarpit", {"/feed/": feed("tarpit", ["t1"])}, ["t1"],
              faults=[{"path": "/feed/", "trickle_bps": 5, **later}])
    make_site(root, "closed", {"/feed/": feed("closed", ["c1"])}, ["c1"],
              faults=[{"path": "/robots.txt", "status": 200, "body": "User-agent: *\nDisallow: /feed/\n", **later}])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    import mockweb

    tmp = tmp_path_factory.mktemp("quick")
    make_web(tmp / "web")
    web = mockweb.start(str(tmp / "web"), port=0)
    try:
        sites = tmp / "sites.toml"
        lines = []
        for sid in sorted(web.sites):
            site = json.loads((tmp / "web" / sid / "site.json").read_text())
            base = web.sites[sid]
            lines += ["[[sites]]", f'id = "{sid}"', f'name = "{sid}"', f'url = "{base}/"',
                      "feeds = " + json.dumps([base + f for f in site["feeds"]]), ""]
        sites.write_text("\n".join(lines))
        (tmp / "app.toml").write_text("download_timeout = 3\n")
        cmd = ("--config", tmp / "app.toml", "-vv", "crawl", "--sites", sites, "--db", tmp / "db.sqlite3")
        first = run_cli(*cmd)
        assert first.returncode == 0, first.stderr[-2000:]
        web.clear_log()
        web.set_epoch(1)
        second = run_cli(*cmd)
        log = web.log()
        status = json.loads(run_cli("status", "--db", tmp / "db.sqlite3", "--json").stdout)
        yield {"log": log, "second": second, "feeds": {f["url"]: f for f in status["feeds"]}, "sites": web.sites}
    finally:
        web.stop()


def requests(crawled, site: str, path: str | None = None) -> list[dict]:
    return [e for e in crawled["log"] if e["site"] == site and (path is None or e["path"] == path)]


def feed_state(crawled, site: str, path: str) -> dict:
    return crawled["feeds"][crawled["sites"][site] + path]


def test_unchanged_feeds_answered_304_by_the_quick_path_once_each(crawled):
    for path in CALM_FEEDS:
        assert [e["status"] for e in requests(crawled, "calm", path)] == [304], path
        assert requests(crawled, "calm", path)[0]["headers"]["If-None-Match"]
    quick = [line for line in crawled["second"].stderr.splitlines() if "(quick poll)" in line]
    assert len(quick) == len(CALM_FEEDS)  # busy's retry after its 503 is a Scrapy request


def test_a_changed_feed_is_fetched_once_and_its_new_article_stored(crawled):
    assert [e["status"] for e in requests(crawled, "calm", "/feed/changing/")] == [200]
    assert [e["status"] for e in requests(crawled, "calm", "/calm-new/")] == [200]
    assert feed_state(crawled, "calm", "/feed/changing/")["last_result"] == "200"


def test_a_feed_without_validators_waits_for_its_hosts_quick_requests(crawled):
    late = requests(crawled, "calm", "/feed/late/")  # 404 at the first crawl: no validators
    assert [e["status"] for e in late] == [200]
    quick_ends = [e["ts"] + e["duration"] for p in CALM_FEEDS for e in requests(crawled, "calm", p)]
    assert late[0]["ts"] >= max(quick_ends) - 0.01


def test_per_host_limit_holds_on_the_quick_path(crawled):
    spans = sorted((e["ts"], e["ts"] + e["duration"]) for e in requests(crawled, "calm") if e["path"].startswith("/feed/"))
    peak = max(sum(1 for a, b in spans if a <= t < b - 0.01) for t, _ in spans)
    assert 1 <= peak <= 2


def test_redirected_feed_followed_by_scrapy(crawled):
    assert [e["status"] for e in requests(crawled, "moved", "/feed/")] == [301]
    assert [e["status"] for e in requests(crawled, "moved", "/xnew/feed/")] == [200]
    assert [e["status"] for e in requests(crawled, "moved", "/m2/")] == [200]


def test_retry_after_honoured_after_a_quick_503(crawled):
    answers = requests(crawled, "busy", "/feed/")
    assert [e["status"] for e in answers] == [503, 304]
    assert answers[1]["ts"] - answers[0]["ts"] >= 0.9


def test_reset_feed_left_to_scrapy_and_recorded(crawled):
    answers = requests(crawled, "broken", "/feed/")
    assert len(answers) >= 2 and all(e["status"] == 0 for e in answers)  # quick try, then Scrapy's own
    state = feed_state(crawled, "broken", "/feed/")
    assert state["last_result"] == "error" and "connection-error" in state["last_error"]


def test_tarpit_feed_times_out_once(crawled):
    assert len(requests(crawled, "tarpit", "/feed/")) == 1  # the quick timeout is Scrapy's outcome, not a retry
    state = feed_state(crawled, "tarpit", "/feed/")
    assert state["last_result"] == "error" and state["last_error"].startswith("timeout")


def test_robots_checked_before_a_quick_request(crawled):
    assert requests(crawled, "closed", "/feed/") == []
    assert [e["status"] for e in requests(crawled, "closed", "/robots.txt")] == [200]
    state = feed_state(crawled, "closed", "/feed/")
    assert state["last_result"] == "error" and "robots-denied" in state["last_error"]
