"""`defwatch status`: per-feed state from the store; failing feeds are shown with the reason."""
from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from conftest import run_cli

from crawler.status import error_kind, feed_rows, show_status
from crawler.store import Store

OK = "https://ok.example/feed/"
GONE = "https://gone.example/feed/"
SLOW = "https://slow.example/rss"
NEW = "https://new.example/atom"


@pytest.fixture
def store(tmp_path):
    now = time.time()
    with Store(tmp_path / "s.sqlite3") as s:
        s.ensure_feeds([("ok", OK), ("gone", GONE), ("slow", SLOW), ("new", NEW)])
        s.record_poll(replace(s.feed(OK), last_poll_at=now - 60, last_status="304", failures=0, next_poll_at=now + 240,
                              interval=300.0, last_new_at=now - 3600, items_total=42, polls=17))
        s.record_poll(replace(s.feed(GONE), last_poll_at=now - 10, last_status="error", last_error="HTTP 410", failures=3,
                              next_poll_at=now + 2400, interval=2400.0, polls=5))
        s.record_poll(replace(s.feed(SLOW), last_poll_at=now - 10, last_status="error", failures=1, next_poll_at=now + 600,
                              last_error="timeout: TimeoutError: Getting https://slow.example/rss took longer than 30 s",
                              interval=600.0, polls=2))
        yield s


@pytest.mark.parametrize(("status", "error", "kind"), [
    ("304", None, None),
    ("200", "bozo: mismatched tag", None),
    ("error", "HTTP 410", "http-410"),
    ("error", "HTTP 503", "http-503"),
    ("error", "timeout: TimeoutError: took longer than 30 s", "timeout"),
    ("error", "connection-error: ConnectionRefusedError", "connection-error"),
    ("error", "not-a-feed: no entries", "not-a-feed"),
    ("error", None, "error"),
])
def test_error_kind(status, error, kind):
    assert error_kind(status, error) == kind


def test_rows_carry_every_field(store):
    rows = {r["url"]: r for r in feed_rows(store)}
    assert set(rows) == {OK, GONE, SLOW, NEW}
    ok = rows[OK]
    for key in ("site", "url", "last_poll", "last_result", "error_kind", "last_error", "consecutive_failures",
                "last_new_item", "items_total", "next_poll"):
        assert key in ok, key
    assert ok["last_result"] == "304" and ok["items_total"] == 42 and ok["consecutive_failures"] == 0
    assert ok["last_new_item"] and ok["next_poll"] > ok["last_poll"]
    assert rows[GONE]["error_kind"] == "http-410" and rows[GONE]["consecutive_failures"] == 3
    assert rows[SLOW]["reason"] == "timed out after 30 s" and rows[GONE]["reason"] == "HTTP 410"
    assert rows[SLOW]["error_kind"] == "timeout"
    assert rows[NEW]["last_poll"] is None and rows[NEW]["next_poll"] is None  # never polled: due now


def test_json_output(store, capsys):
    assert show_status(store, as_json=True) == 0
    data = json.loads(capsys.readouterr().out)
    assert {f["url"] for f in data["feeds"]} == {OK, GONE, SLOW, NEW}
    assert data["counts"]["feeds"] == 4


def test_table_names_failing_feeds_and_why(store, capsys):
    assert show_status(store) == 0
    out = capsys.readouterr().out
    assert "2 feed(s) failing" in out
    assert f"{GONE}: 3 failure(s) in a row, last: HTTP 410" in out
    assert "timeout" in out and "never" in out


def test_cli_status_json(store, tmp_path):
    run = run_cli("status", "--db", store.path, "--json", timeout=60)
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)["feeds"]) == 4


def test_cli_status_without_store(tmp_path):
    run = run_cli("status", "--db", tmp_path / "missing.sqlite3", timeout=60)
    assert run.returncode == 3 and "no such store" in run.stderr
