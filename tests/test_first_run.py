"""A first crawl that cannot reach anything speaks to people: one line per site, in words."""
from __future__ import annotations

import json
import socket

import pytest
from conftest import run_cli

from crawler.humane import NOTHING_REACHED, explain


@pytest.mark.parametrize(("error", "reason", "reached"), [
    ("robots-unavailable: OutcomeIgnored: robots.txt of x.org is unreachable (CannotResolveHostError: DNS lookup "
     "failed: no results for hostname lookup: x.org.): the site is not crawled", "DNS lookup failed (no network?)", False),
    ("connection-error: ConnectionRefusedError: Connection was refused by other side: 111", "connection refused", False),
    ("timeout: TimeoutError: Getting https://slow.example/rss took longer than 30.0 seconds.", "timed out after 30 s",
     False),
    ("HTTP 503", "HTTP 503", True),
    ("robots-unavailable: OutcomeIgnored: robots.txt of x.org is unreachable (HTTP 503): the site is not crawled",
     "robots.txt answered HTTP 503", True),
    ("parse-error: an HTML page where a feed was expected", "not a feed (an HTML page)", True),
    ("http-error-after-retries: OutcomeIgnored: x asked to wait 120 s (HTTP 503 Retry-After), more than the 30 s "
     "this crawl waits; not sent", "asked to wait 120 s (Retry-After); left for a later crawl", True),
])
def test_explain(error, reason, reached):
    assert explain(error, timeout=30) == explain(error) and explain(error).reason == reason
    assert explain(error).reached is reached


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unreachable_sites(tmp_path):
    port = closed_port()
    path = tmp_path / "sites.toml"
    path.write_text(f'[[sites]]\nid = "refusing"\nname = "Refusing"\nurl = "http://127.0.0.1:{port}/"\n'
                    f'feeds = ["/feed/"]\n\n'
                    '[[sites]]\nid = "nowhere"\nname = "Nowhere"\nurl = "http://nowhere.invalid/"\nfeeds = ["/feed/"]\n')
    return path


def test_offline_crawl_says_what_failed_in_words(tmp_path, unreachable_sites):
    run = run_cli("crawl", "--sites", unreachable_sites, "--db", tmp_path / "db.sqlite3", timeout=120)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert sorted(lines[:-1]) == ["127.0.0.1: connection refused", "nowhere.invalid: DNS lookup failed (no network?)"]
    assert lines[-1] == NOTHING_REACHED, run.stderr
    # The summary says it in words too, whole (the error column was once cut mid-word).
    assert "connection refused" in run.stdout and "DNS lookup failed (no network?)" in run.stdout
    assert "Error" not in run.stdout
    assert "feeds polled 2, failed 2" in run.stdout


def test_details_under_verbose_and_in_json_logs(tmp_path, unreachable_sites):
    verbose = run_cli("-v", "crawl", "--sites", unreachable_sites, "--db", tmp_path / "v.sqlite3", timeout=120)
    assert "ConnectionRefusedError" in verbose.stderr or "DownloadConnectionRefusedError" in verbose.stderr
    logged = run_cli("crawl", "--log-json", "--sites", unreachable_sites, "--db", tmp_path / "j.sqlite3", timeout=120)
    events = [json.loads(line) for line in logged.stderr.splitlines() if line.startswith("{")]
    failed = {e["site"]: e["reason"] for e in events if e.get("event") == "site failed"}
    assert failed == {"refusing": "connection refused", "nowhere": "DNS lookup failed (no network?)"}
    assert any("Refused" in e["msg"] for e in events)  # the technical detail is in the log


def test_version():
    run = run_cli("--version")
    assert run.returncode == 0 and run.stdout.startswith("defwatch ")
