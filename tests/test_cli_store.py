"""Bad local input around the store: locked by another writer, not SQLite, missing."""
from __future__ import annotations

import sys
import time

from conftest import run_cli

from crawler.store import Store


def sites_file(tmp_path):
    path = tmp_path / "sites.toml"
    # A site on a loopback port nobody listens on: the crawl fails fast and fetches nothing.
    path.write_text('[[sites]]\nid = "a"\nname = "A"\nurl = "http://127.0.0.1:9/"\nfeeds = ["/feed/"]\n')
    return path


def test_second_writer_is_refused_with_exit_3(tmp_path):
    db = tmp_path / "db.sqlite3"
    holder = Store(db)
    holder.lock()
    try:
        run = run_cli("crawl", "--sites", sites_file(tmp_path), "--db", db)
    finally:
        holder.close()
    assert run.returncode == 3
    assert "in use by another defwatch writer" in run.stderr


def test_not_a_database_is_a_clear_error(tmp_path):
    db = tmp_path / "db.sqlite3"
    db.write_bytes(b"garbage" * 1000)
    for args in (("crawl", "--sites", sites_file(tmp_path), "--db", db), ("export", "--db", db), ("status", "--db", db)):
        run = run_cli(*args)
        assert run.returncode == 3, (args, run.stderr)
        assert "store" in run.stderr and "Traceback" not in run.stderr


def test_nothing_fetched_exits_1_with_per_site_error(tmp_path):
    run = run_cli("crawl", "--sites", sites_file(tmp_path), "--db", tmp_path / "db.sqlite3")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "a " in run.stdout and "feeds polled 1, failed 1" in run.stdout


OPEN_AT_ONCE = """
import sys, time
from pathlib import Path
from crawler.store import Store, StoreLocked
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
try:
    store = Store(sys.argv[1], writer=True)
except StoreLocked:
    print("locked")
else:
    time.sleep(0.5)
    print("ok", store.schema_version)
    store.close()
"""


def test_two_writers_opening_a_new_store_at_once(tmp_path):
    """Issue 12: the second of two writers racing on a new store is told "locked", never a
    half-migrated schema ("table feeds already exists")."""
    import subprocess

    from conftest import REPO

    from crawler.store import MIGRATIONS

    for round_ in range(3):
        db, go = tmp_path / f"race{round_}.sqlite3", tmp_path / f"go{round_}"
        procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, str(db), str(go)], cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        time.sleep(1.0)  # both have imported the store and wait for the signal
        go.touch()
        outs = [p.communicate(timeout=60) for p in procs]
        assert all(not err for _, err in outs), outs
        assert sorted(out.strip() for out, _ in outs) == ["locked", f"ok {len(MIGRATIONS)}"]


def test_two_crawls_started_together_on_a_new_store(tmp_path):
    import subprocess

    from conftest import REPO

    sites = sites_file(tmp_path)
    for round_ in range(2):
        db = tmp_path / f"crawl{round_}.sqlite3"
        cmd = [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites), "--db", str(db)]
        procs = [subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        runs = [(p.wait(timeout=120), *p.communicate()) for p in procs]
        for rc, _out, err in runs:
            assert "already exists" not in err and "Traceback" not in err, err
            assert rc in (1, 3), (rc, err)  # 1: nothing could be fetched; 3: locked by the other crawl
            if rc == 3:
                assert "in use by another defwatch writer" in err
