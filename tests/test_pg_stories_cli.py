"""``crawl``, ``export`` and ``stories`` on ``--db postgresql://...`` over the mock web: the same
records and the same story clusters as on a SQLite store (issues 10 and 12)."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, write_sites_file


def _run(db: str | Path, sites_toml: Path, out: Path) -> tuple[list[dict], list[dict], dict]:
    """Crawl into ``db``, export its records, list its stories and read its status."""
    run = run_cli("crawl", "--sites", sites_toml, "--db", db, "--no-progress")
    assert run.returncode == 0, run.stderr[-2000:]
    run = run_cli("export", "--db", db, "--out", out)
    assert run.returncode == 0, run.stderr[-2000:]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    run = run_cli("stories", "--db", db, "--json")
    assert run.returncode == 0, run.stderr[-2000:]
    status = run_cli("status", "--db", db, "--json")
    assert status.returncode == 0, status.stderr[-2000:]
    return records, json.loads(run.stdout), json.loads(status.stdout)


def _clusters(stories: list[dict]) -> set[frozenset[str]]:
    return {frozenset(a["id"] for a in s["articles"]) for s in stories}


def test_crawl_export_stories_on_postgresql(pg_url, fresh_web_dev, web_dev_sites, tmp_path):
    sites_toml = write_sites_file(tmp_path / "sites.toml", fresh_web_dev, web_dev_sites,
                                  only=["defencetalks", "navalnews", "armyrecognition"])
    pg_records, pg_stories, pg_status = _run(pg_url, sites_toml, tmp_path / "pg.jsonl")
    fresh_web_dev.reset()
    sq_records, sq_stories, sq_status = _run(tmp_path / "db.sqlite3", sites_toml, tmp_path / "sqlite.jsonl")

    assert len(pg_records) >= 5
    assert sorted(r["id"] for r in pg_records) == sorted(r["id"] for r in sq_records)
    # Every record is in a story, and the stories hold exactly the stored articles.
    assert all(r["story"] and r["story_size"] >= 1 for r in pg_records)
    assert set().union(*_clusters(pg_stories)) == {r["id"] for r in pg_records}
    by_id = {r["id"]: r for r in pg_records}
    for s in pg_stories:
        assert s["size"] == len(s["articles"])
        assert all(by_id[a["id"]]["story"] == s["story"] for a in s["articles"])
    # The same clusters as SQLite (story ids may differ: a story is named after its first stored article).
    assert _clusters(pg_stories) == _clusters(sq_stories)
    assert pg_status["stories"] == sq_status["stories"]
    assert pg_status["stories"]["stories"] == len(pg_stories)

    stories_out = tmp_path / "stories.jsonl"
    run = run_cli("export", "--db", pg_url, "--stories", "--out", stories_out)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = [json.loads(line) for line in stories_out.read_text().splitlines()]
    assert _clusters(lines) == _clusters(pg_stories)
