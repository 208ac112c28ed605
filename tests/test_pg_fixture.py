"""The PostgreSQL fixture's policy: without a server a test fails in CI, and skips with a reason elsewhere."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def run_pytest(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    (tmp_path / "test_needs_pg.py").write_text("def test_needs_pg(pg_url):\n    assert pg_url\n")
    environ = {k: v for k, v in os.environ.items() if k != "CI"}
    environ.update(env, PYTHONPATH=str(TESTS), DEFWATCH_PG_CTL=str(tmp_path / "no-such-pg_ctl"))
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "pg", "-c", os.devnull, "--rootdir", str(tmp_path),
                           "-rA", str(tmp_path / "test_needs_pg.py")],
                          capture_output=True, text=True, env=environ, cwd=tmp_path, timeout=120)


def test_missing_server_fails_in_ci(tmp_path):
    result = run_pytest(tmp_path, {"CI": "true"})
    assert result.returncode == 1, result.stdout
    assert "PostgreSQL test server unavailable: no pg_ctl found" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]


def test_missing_server_skips_with_reason_outside_ci(tmp_path):
    result = run_pytest(tmp_path, {})
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout.splitlines()[-1]
    assert "PostgreSQL tests skipped: no pg_ctl found" in result.stdout


def test_server_runs_unprivileged(pg_server):
    """The server never runs as root (PostgreSQL refuses to), even when the tests do."""
    import psycopg

    with psycopg.connect(host=pg_server.host, port=pg_server.port, user="postgres", dbname="postgres") as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        if not Path(f"/proc/{pid}").exists():
            pytest.fail("the server's backend process is not visible in /proc")
        assert os.stat(f"/proc/{pid}").st_uid != 0
