"""Bad local input around the store: locked by another writer, not SQLite, missing."""
from __future__ import annotations

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
