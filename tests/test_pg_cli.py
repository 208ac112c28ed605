"""``--db postgresql://...`` on the command line: a server URL, never a file path."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, write_sites_file

from crawler.store import Store

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", ["crawl", "status", "export"])
def test_db_url_is_not_a_file_path(tmp_path, command):
    url = "postgresql://defwatch:secret@127.0.0.1:1/defwatch"
    result = subprocess.run([sys.executable, "-m", "crawler", command, "--db", url], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert result.returncode == 3, result.stderr
    assert "store error" in result.stderr and "secret" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no folder named "postgresql:" (nor anything else) appeared


def _crawl_export(web, tmp_path, db, sites_toml) -> list[str]:
    run = run_cli("crawl", "--sites", sites_toml, "--db", db, "--no-progress")
    assert run.returncode == 0, run.stderr[-2000:]
    out = tmp_path / f"export-{'pg' if isinstance(db, str) else 'sqlite'}.jsonl"
    run = run_cli("export", "--db", db, "--out", out)
    assert run.returncode == 0, run.stderr[-2000:]
    return out.read_text().splitlines()


def test_every_command_runs_on_postgresql_as_on_sqlite(pg_url, fresh_web_dev, web_dev_sites, tmp_path):
    """crawl, export, status and a second writer on a PostgreSQL store; the export equals SQLite's."""
    only = ["defencetalks", "navalnews"]
    sites_toml = write_sites_file(tmp_path / "sites.toml", fresh_web_dev, web_dev_sites, only=only)
    pg_lines = _crawl_export(fresh_web_dev, tmp_path, pg_url, sites_toml)
    sqlite_lines = _crawl_export(fresh_web_dev, tmp_path, tmp_path / "db.sqlite3", sites_toml)
    # The stored content must be the same. Not compared: when a page was fetched, and what depends
    # on the order in which concurrent pages arrive (which copy of a story came first; a page
    # listed by two feeds with different dates can be saved as version 1 then 2).
    same = ("id", "url", "site", "title", "authors", "published", "lang", "tags", "body", "content_hash")
    strip = [[{k: json.loads(line).get(k) for k in same} for line in lines] for lines in (pg_lines, sqlite_lines)]
    assert len(pg_lines) >= 5 and strip[0] == strip[1]

    fresh_web_dev.clear_log()
    run = run_cli("crawl", "--sites", sites_toml, "--db", pg_url, "--no-progress")  # nothing new: 304s only
    assert run.returncode == 0, run.stderr[-2000:]
    assert {e["status"] for e in fresh_web_dev.log() if e["path"] != "/robots.txt"} == {304}

    status = run_cli("status", "--db", pg_url, "--json")
    assert status.returncode == 0, status.stderr[-2000:]
    assert "defencetalks" in status.stdout

    with Store(pg_url, writer=True):  # a daemon holds the store
        run = run_cli("crawl", "--sites", sites_toml, "--db", pg_url, "--no-progress")
    assert run.returncode == 3 and "in use by another defwatch writer" in run.stderr


def test_daemon_on_postgresql(pg_url, fresh_web_dev, web_dev_sites, tmp_path):
    """The daemon on a PostgreSQL store: records out, a second writer refused, SIGTERM ends it promptly."""
    import signal
    import subprocess
    import sys
    import time

    sites = write_sites_file(tmp_path / "sites.toml", fresh_web_dev, web_dev_sites, only=["defencetalks"])
    out = tmp_path / "out.jsonl"
    daemon = subprocess.Popen([sys.executable, "-m", "crawler", "daemon", "--sites", str(sites), "--db", pg_url,
                               "--out", str(out), "--interval", "2"], cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (out.exists() and len(out.read_text().splitlines()) >= 3):
            time.sleep(0.2)
        assert out.exists() and len(out.read_text().splitlines()) >= 3
        second = run_cli("crawl", "--sites", sites, "--db", pg_url, "--no-progress")
        assert second.returncode == 3 and "in use by another defwatch writer" in second.stderr
    finally:
        started = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=30)
    assert code == 0 and time.monotonic() - started < 10, daemon.stderr.read()[-2000:]
