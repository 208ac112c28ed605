"""Alerts through the CLI contract: `crawl --watchlists` over the mock web (epochs 0 -> 1 -> 2)
with a jsonl sink and a webhook sink pointing at a real receiver that answers 200, then 503,
then refuses connections, then recovers; and the daemon killed with SIGKILL at random moments.

The expected alerts come from the truth files (title and body as written by the web's author),
matched with the same watchlists: (watchlist, site/path, kind) triples, where kind is ``first``
(the article's ``new`` or ``also-reported``: which one depends on story clustering, issue 10) or
``updated``; and at most one ``new`` per (watchlist, story).
"""
from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import time
from collections import Counter

import pytest
from alerts_receiver import Receiver
from conftest import expected_articles, run_cli, write_sites_file
from test_daemon import INTERVAL, catch_up, edited_articles, read_jsonl, record_key, start_daemon, stop, wait_for

from crawler.watchlists import load_watchlists

WATCHLISTS = """
[[watchlists]]
id = "frigates"
name = "Frigates"
terms = ["frigate", "frégate"]
exclude = ["Constellation"]
fields = ["title"]

[[watchlists]]
id = "keen-sword"
name = "Keen Sword exercise"
terms = ["Keen Sword"]

[[watchlists]]
id = "k2-poland"
name = "K2 tanks for Poland"
terms = ["K2", "K2PL", "Black Panther"]
all = ["Poland"]

[[watchlists]]
id = "himars-fr"
name = "HIMARS in French"
terms = ["HIMARS", "frégate"]
langs = ["fr"]

[[sinks]]
kind = "jsonl"
path = "alerts.jsonl"

[[sinks]]
kind = "webhook"
url = "{url}"
timeout = 2
max_backoff = 0.5

[[sinks]]
kind = "jsonl"
path = "new-only.jsonl"
events = ["new"]
"""


def expected_alerts(web_dev_sites: dict, watch, *, optional: bool = False) -> set[tuple[str, tuple[str, str], str]]:
    """(watchlist, (site, path), event) the truth says a crawl of epochs 0-2 must alert.

    ``optional``: the ``updated`` alerts of edits no feed signals (a crawl may or may not refetch
    those pages), which are allowed but not required.
    """
    out = set()
    signalled = set(edited_articles(web_dev_sites))
    edited = {(sid, path.rstrip("/")) for sid, site in web_dev_sites.items()
              for path, files in site.get("epochs", {}).items() if len(set(filter(None, files))) > 1}
    for key, truth in expected_articles(web_dev_sites, [0, 1, 2]).items():
        rec = {"site": key[0], "title": truth["title"], "body": truth["body"], "lang": truth.get("lang")}
        for wl, _ in watch.matches(rec):
            if not optional:
                out.add((wl.id, key, "first"))
            if key in (edited - signalled if optional else signalled):
                out.add((wl.id, key, "updated"))
    return out


def triples(web, alerts: list[dict]) -> list[tuple[str, tuple[str, str], str]]:
    return [(a["watchlist"], record_key(web.sites, a), "updated" if a["event"] == "updated" else "first")
            for a in alerts]


def news_per_story(alerts: list[dict]) -> Counter:
    return Counter((a["watchlist"], a["story"]) for a in alerts if a["event"] == "new")


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture(scope="module")
def crawled(web_dev, web_dev_sites, receiver, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("alerts-crawl")
    web_dev.reset()
    sites_file = write_sites_file(tmp / "sites.toml", web_dev, web_dev_sites)
    (tmp / "wl.toml").write_text(WATCHLISTS.format(url=receiver.url))
    db = tmp / "db.sqlite3"
    runs, status = [], {}
    # Epoch 0: the receiver answers 200; epoch 1: 503; epoch 2: it refuses connections; then it is back.
    for epoch, mode in ((0, "ok"), (1, "503"), (2, "down"), (2, "ok")):
        web_dev.set_epoch(epoch)
        if mode == "down":
            receiver.down()
        else:
            receiver.up()
            receiver.mode = mode
        time.sleep(0.6)  # past the sink's max_backoff: the queue's head is due again
        started = time.monotonic()
        runs.append((run_cli("crawl", "--sites", sites_file, "--db", db, "--watchlists", tmp / "wl.toml",
                             "--no-progress", timeout=300), time.monotonic() - started))
        st = run_cli("status", "--db", db, "--json", timeout=60)
        status[(epoch, mode)] = json.loads(st.stdout)["alerts"]
    return {"tmp": tmp, "db": db, "runs": runs, "status": status, "watch": load_watchlists(tmp / "wl.toml")}


def test_crawl_alerts_match_the_truth_in_every_sink(crawled, web_dev, web_dev_sites, receiver):
    for run, _ in crawled["runs"]:
        assert run.returncode == 0, run.stderr[-2000:]
    want = expected_alerts(web_dev_sites, crawled["watch"])
    assert {e for _, _, e in want} == {"first", "updated"}   # the fixture exercises edits too
    assert len(want) >= 8
    lines, clean = read_jsonl(crawled["tmp"] / "alerts.jsonl")
    got = triples(web_dev, lines)
    assert clean and len(got) == len(set(got)), "duplicate alert lines"
    allowed = want | expected_alerts(web_dev_sites, crawled["watch"], optional=True)
    assert want <= set(got) <= allowed, (sorted(want - set(got)), sorted(set(got) - allowed))
    hooked = triples(web_dev, receiver.alerts())
    assert sorted(hooked) == sorted(got)
    assert len(receiver.posts) == len(receiver.effects)   # and nothing was posted twice
    assert max(news_per_story(lines).values()) == 1
    assert set(news_per_story(lines)) == {(a["watchlist"], a["story"]) for a in lines}   # each story opens with one
    new_only = read_jsonl(crawled["tmp"] / "new-only.jsonl")[0]
    assert new_only == [a for a in lines if a["event"] == "new"]


def test_no_alert_on_look_alikes(crawled, web_dev):
    lines, _ = read_jsonl(crawled["tmp"] / "alerts.jsonl")
    titles = {a["title"] for a in lines}
    assert not any("Constellation" in t for t in titles)         # excluded
    french = [a for a in lines if a["watchlist"] == "himars-fr"]
    assert [a["url"].split("/")[3] for a in french] == ["fr"]    # the French article only (langs = ["fr"])
    k2 = [a for a in lines if a["watchlist"] == "k2-poland"]
    assert k2 and all("K2" in a["matched"] for a in k2)


def test_queue_waits_while_the_webhook_is_down_and_status_shows_it(crawled):
    st = crawled["status"]
    hook = lambda s: next(q for q in s["sinks"] if q["sink"].startswith("webhook:"))  # noqa: E731
    assert hook(st[(0, "ok")])["pending"] == 0
    during = hook(st[(1, "503")])
    assert during["pending"] > 0 and during["last_error"] == "HTTP 503" and during["oldest"]
    down = hook(st[(2, "down")])
    assert down["pending"] >= during["pending"] and down["last_error"].startswith("connection-error")
    assert hook(st[(2, "ok")])["pending"] == 0
    jsonl = next(q for q in st[(2, "down")]["sinks"] if q["sink"].endswith("/alerts.jsonl"))
    assert jsonl["pending"] == 0                    # one sink down does not hold the others
    # ... nor the crawl: a refused connection costs no waiting.
    assert crawled["runs"][2][1] < crawled["runs"][0][1] + 20


def test_alerts_and_watch_test_commands(crawled, web_dev):
    db, tmp = crawled["db"], crawled["tmp"]
    run = run_cli("alerts", "--db", db, "--format", "json", timeout=60)
    assert run.returncode == 0
    listed = [json.loads(line) for line in run.stdout.splitlines()]
    assert listed == read_jsonl(tmp / "alerts.jsonl")[0]
    run = run_cli("alerts", "--db", db, "--watchlist", "frigates", "--format", "markdown", "--watchlists",
                  tmp / "wl.toml", timeout=60)
    assert run.returncode == 0 and run.stdout.startswith("# defwatch alerts digest")
    assert "## Frigates (`frigates`)" in run.stdout and "Keen Sword" not in run.stdout
    run = run_cli("alerts", "--db", db, "--since", "2999-01-01", timeout=60)
    assert run.returncode == 0 and run.stdout == ""
    run = run_cli("watch", "test", tmp / "wl.toml", "--db", db, "--format", "json", timeout=60)
    assert run.returncode == 0
    dry = {(a["watchlist"], a["article_id"]) for a in map(json.loads, run.stdout.splitlines())}
    stored = {(a["watchlist"], a["article_id"]) for a in listed if a["event"] != "updated"}
    assert dry == stored
    assert run_cli("alerts", "--db", db, "--since", "yesterday", timeout=60).returncode == 2


# ---------------------------------------------------------------- kill -9

KILLS = 6
KILL_SEED = 20261207


def test_daemon_kill_9_and_a_flapping_webhook_lose_no_alert_and_duplicate_no_new(web_dev, web_dev_sites, tmp_path):
    web_dev.reset()
    receiver = Receiver()
    try:
        sites_file = write_sites_file(tmp_path / "sites.toml", web_dev, web_dev_sites)
        (tmp_path / "wl.toml").write_text(WATCHLISTS.format(url=receiver.url))
        watch = load_watchlists(tmp_path / "wl.toml")
        db, out, alerts_file = tmp_path / "db.sqlite3", tmp_path / "out.jsonl", tmp_path / "alerts.jsonl"
        rng = random.Random(KILL_SEED)
        catch_ups, live = [], 0
        for i in range(KILLS):
            epoch = min(2, i * 3 // KILLS)
            if epoch != live:
                # An edit alerts "updated" only if its older text was stored first; under load the
                # random kills of an epoch may store nothing (see test_daemon.catch_up).
                catch_ups.append(catch_up(web_dev, web_dev_sites, sites_file, db, out, live,
                                          "--watchlists", str(tmp_path / "wl.toml")))
            web_dev.set_epoch(live := epoch)
            # The receiver flaps too: 200, 503, refused connections.
            mode = ("ok", "503", "down")[i % 3]
            if mode == "down":
                receiver.down()
            else:
                receiver.up()
                receiver.mode = mode
            proc = start_daemon(sites_file, db, out, "--watchlists", tmp_path / "wl.toml")
            time.sleep(rng.uniform(1.0, 4.0))
            proc.kill()
            proc.wait()
        assert None not in catch_ups, f"an epoch's articles were never stored: {catch_ups}"
        receiver.up()
        receiver.mode = "ok"
        want = expected_alerts(web_dev_sites, watch)

        def converged() -> bool:
            got = set(triples(web_dev, read_jsonl(alerts_file)[0]))
            return got >= want and set(triples(web_dev, receiver.alerts())) >= want

        proc = start_daemon(sites_file, db, out, "--watchlists", tmp_path / "wl.toml", stderr=subprocess.PIPE)
        ok = wait_for(converged, timeout=60)
        time.sleep(INTERVAL)
        code, _ = stop(proc)
        assert ok is not None, proc.stderr.read()[-3000:]
        assert code == 0
        lines, clean = read_jsonl(alerts_file)
        assert clean and b"\x00" not in alerts_file.read_bytes()
        got = triples(web_dev, lines)
        allowed = want | expected_alerts(web_dev_sites, watch, optional=True)
        assert want <= set(got) <= allowed, (sorted(want - set(got)), sorted(set(got) - allowed))
        assert [k for k, n in Counter(got).items() if n > 1] == [], "an alert written twice"
        assert max(news_per_story(lines).values()) == 1
        assert sorted(triples(web_dev, receiver.alerts())) == sorted(got)   # effects: one per key
    finally:
        receiver.stop()


def test_a_hanging_webhook_slows_neither_the_daemon_nor_its_stop(web_dev, web_dev_sites, tmp_path):
    web_dev.reset()
    receiver = Receiver()
    receiver.mode, receiver.hang_seconds = "hang", 60
    try:
        sites_file = write_sites_file(tmp_path / "sites.toml", web_dev, web_dev_sites)
        (tmp_path / "wl.toml").write_text(WATCHLISTS.format(url=receiver.url).replace("timeout = 2", "timeout = 30"))
        out = tmp_path / "out.jsonl"
        proc = start_daemon(sites_file, tmp_path / "db.sqlite3", out, "--watchlists", tmp_path / "wl.toml")
        alerts_file = tmp_path / "alerts.jsonl"
        assert wait_for(lambda: alerts_file.exists() and read_jsonl(alerts_file)[0], timeout=30) is not None
        # The webhook holds a delivery for 30 s; the crawl goes on: epoch 1's posts are stored and exported.
        web_dev.set_epoch(1)
        epoch1 = set(expected_articles(web_dev_sites, [0, 1])) - set(expected_articles(web_dev_sites, [0]))
        seen = wait_for(lambda: {record_key(web_dev.sites, r) for r in read_jsonl(out)[0]} >= epoch1,
                        timeout=INTERVAL + 8)
        code, took = stop(proc)
        assert seen is not None, "the daemon stalled behind a hanging webhook"
        assert code == 0 and took < 10
        assert receiver.alerts() == []   # nothing answered, so nothing counted as delivered ...
        with sqlite3.connect(tmp_path / "db.sqlite3") as con:
            pending = con.execute("SELECT count(*) FROM deliveries WHERE sink LIKE 'webhook:%' "
                                  "AND delivered_at IS NULL").fetchone()[0]
        assert pending > 0               # ... and every alert waits for it in the store
    finally:
        receiver.stop()


def test_daemon_webhook_503_then_refused_then_back_with_default_backoff(web_dev, web_dev_sites, tmp_path):
    """The receiver answers 503, then refuses connections, then recovers; the daemon (default
    timeout and backoff) delivers every alert once it is back, each taking effect once."""
    web_dev.reset()
    receiver = Receiver()
    receiver.mode = "503"
    try:
        sites_file = write_sites_file(tmp_path / "sites.toml", web_dev, web_dev_sites)
        text = WATCHLISTS.format(url=receiver.url).replace("timeout = 2\nmax_backoff = 0.5\n", "")
        assert "max_backoff" not in text
        (tmp_path / "wl.toml").write_text(text)
        watch = load_watchlists(tmp_path / "wl.toml")
        proc = start_daemon(sites_file, tmp_path / "db.sqlite3", tmp_path / "out.jsonl",
                            "--watchlists", tmp_path / "wl.toml")
        alerts_file = tmp_path / "alerts.jsonl"
        assert wait_for(lambda: read_jsonl(alerts_file)[0], timeout=30) is not None
        time.sleep(4)
        refused = receiver.refused_503
        receiver.down()
        time.sleep(6)
        receiver.up()
        receiver.mode = "ok"
        want = {t for t in expected_alerts(web_dev_sites, watch) if t[2] == "first"}   # epoch 0 only here
        want = {t for t in want if t[1] in set(expected_articles(web_dev_sites, [0]))}
        took = wait_for(lambda: set(triples(web_dev, receiver.alerts())) >= want, timeout=45)
        code, _ = stop(proc)
        assert refused >= 2                       # it was asked, and answered 503, more than once
        assert took is not None, sorted(want - set(triples(web_dev, receiver.alerts())))
        assert code == 0
        assert len(receiver.posts) == len(receiver.effects)
        assert sorted(triples(web_dev, receiver.alerts())) == sorted(triples(web_dev, read_jsonl(alerts_file)[0]))
    finally:
        receiver.stop()
