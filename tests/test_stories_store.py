"""Stories in the store: joining in the article's transaction, first reporter corrections, merges,
restarts, and the CLI (stories, export --stories, status, schema); on SQLite and on PostgreSQL."""
from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import run_cli
from stories_samples import HIMARS_PL, HIMARS_PL_COPY, HIMARS_PL_FR, HIMARS_RO, NK_FRI, NK_TUE, UNRELATED, rec

from crawler.store import MIGRATIONS, Store


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """Where the store lives: a SQLite file, or a fresh database on the test PostgreSQL server."""
    return tmp_path / "s.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")


def save(store: Store, aid: str, sample, when: str, site: str = "ex") -> dict:
    store.save_article(rec(aid, sample, when, site), page_keys=[f"{site}/{aid}"])
    return stored(store, aid)


def stored(store: Store, aid: str) -> dict:
    return json.loads(store.db.execute("SELECT record FROM articles WHERE id=?", (aid,)).fetchone()[0])


def test_migration_v4_is_stories(db):
    assert len(MIGRATIONS) >= 4 and "CREATE TABLE story_keys" in MIGRATIONS[3].sqlite
    with Store(db) as s:
        assert s.schema_version >= 4


def test_copies_join_and_lookalikes_stay_apart(db):
    with Store(db) as s:
        first = save(s, "pl1", HIMARS_PL, "2024-03-12T15:00:00+00:00", "a")
        assert (first["story"], first["story_size"], first["story_first_site"]) == ("pl1", 1, "a")
        assert save(s, "ro1", HIMARS_RO, "2024-03-14T15:00:00+00:00", "a")["story"] == "ro1"
        fr = save(s, "plfr", HIMARS_PL_FR, "2024-03-12T18:00:00+00:00", "b")
        assert fr["story"] == "pl1" and fr["story_size"] == 2 and fr["story_first_url"] == "https://a.example/pl1"
        assert save(s, "nk1", NK_TUE, "2024-03-12T16:00:00+00:00", "b")["story"] == "nk1"
        assert save(s, "nk2", NK_FRI, "2024-03-15T16:00:00+00:00", "c")["story"] == "nk2"
        assert save(s, "rh", UNRELATED, "2024-03-13T16:00:00+00:00", "c")["story"] == "rh"
        # The first record's size is brought up to date in place: no new version to export.
        again = stored(s, "pl1")
        assert again["story_size"] == 2 and again["version"] == 1
        assert s.story_counts() == {"stories": 5, "multi_outlet_stories": 1, "story_merges": 0}


def test_earlier_copy_found_later_becomes_first_reporter_and_moves_versions(db):
    with Store(db) as s:
        save(s, "pl1", HIMARS_PL, "2024-03-12T15:00:00+00:00", "a")
        save(s, "plfr", HIMARS_PL_FR, "2024-03-12T18:00:00+00:00", "b")
        s.mark_exported([("pl1", 1), ("plfr", 1)])
        late = save(s, "early", HIMARS_PL_COPY, "2024-03-12T09:00:00+00:00", "c")
        assert late["story"] == "pl1"  # the story id never changes
        assert late["story_first_url"] == "https://c.example/early" and late["story_size"] == 3
        for aid in ("pl1", "plfr"):
            r = stored(s, aid)
            assert r["story_first_site"] == "c" and r["version"] == 2
        pending = {p.id: p.version for p in s.pending_exports()}
        assert pending == {"pl1": 2, "plfr": 2, "early": 1}  # re-exported with the corrected first reporter
        assert s.db.execute("SELECT count(*) FROM versions WHERE article_id='pl1'").fetchone()[0] == 2


def test_bridging_article_merges_stories_older_id_wins_and_merge_is_recorded(db):
    # Two copies 5 days apart (outside the window) open two stories; a copy between them joins
    # both, so the stories merge into the older one.
    with Store(db) as s:
        save(s, "old", HIMARS_PL, "2024-03-10T10:00:00+00:00", "a")
        young = save(s, "young", HIMARS_PL_COPY, "2024-03-15T10:00:00+00:00", "b")
        assert young["story"] == "young"
        mid = save(s, "mid", HIMARS_PL_COPY, "2024-03-12T22:00:00+00:00", "c")
        assert mid["story"] == "old" and mid["story_size"] == 3
        moved = stored(s, "young")
        assert moved["story"] == "old" and moved["version"] == 2
        assert [tuple(r) for r in s.db.execute("SELECT merged, into_story, by_article FROM story_merges")] == [
            ("young", "old", "mid")]
        assert s.story_counts()["story_merges"] == 1
        [story] = s.stories()
        assert story.id == "old" and story.merged == ("young",) and len(story.members) == 3


def test_new_version_keeps_its_story(db):
    with Store(db) as s:
        save(s, "pl1", HIMARS_PL, "2024-03-12T15:00:00+00:00", "a")
        save(s, "plfr", HIMARS_PL_FR, "2024-03-12T18:00:00+00:00", "b")
        edited = rec("plfr", (HIMARS_PL_FR[0], HIMARS_PL_FR[1] + " Mise à jour."), "2024-03-12T18:00:00+00:00", "b")
        assert s.save_article(edited, page_keys=["b/plfr"]) == ("updated", 2)
        assert stored(s, "plfr")["story"] == "pl1"
        assert s.db.execute("SELECT count(*) FROM story_articles").fetchone()[0] == 2


def test_index_survives_a_restart(db):
    with Store(db) as s:
        save(s, "pl1", HIMARS_PL, "2024-03-12T15:00:00+00:00", "a")
    with Store(db) as s:  # a new process: candidates come from the persisted bands and facts
        assert save(s, "copy", HIMARS_PL_COPY, "2024-03-12T16:00:00+00:00", "b")["story"] == "pl1"


def test_story_is_written_in_the_articles_transaction(db, monkeypatch):
    from crawler.store_stories import StoriesStore

    with Store(db) as s:
        save(s, "pl1", HIMARS_PL, "2024-03-12T15:00:00+00:00", "a")

        def boom(self, *a, **kw):
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(StoriesStore, "_refresh_story", boom)
        with pytest.raises(sqlite3.OperationalError):
            s.save_article(rec("copy", HIMARS_PL_COPY, "2024-03-12T16:00:00+00:00", "b"), page_keys=["b/copy"])
        # Neither the article nor any of its story rows were kept.
        assert s.article("copy") is None
        assert s.db.execute("SELECT count(*) FROM story_articles WHERE article_id='copy'").fetchone()[0] == 0
        assert s.db.execute("SELECT count(*) FROM stories").fetchone()[0] == 1


def test_cli_stories_export_status_schema(db, tmp_path):
    with Store(db) as s:
        save(s, "pl1", HIMARS_PL, "2024-03-12T15:00:00+00:00", "a")
        save(s, "plfr", HIMARS_PL_FR, "2024-03-12T18:00:00+00:00", "b")
        save(s, "nk1", NK_TUE, "2024-03-14T16:00:00+00:00", "b")
    out = run_cli("stories", "--db", db, "--json")
    assert out.returncode == 0, out.stderr
    stories = json.loads(out.stdout)
    assert [x["story"] for x in stories] == ["nk1", "pl1"]  # newest first
    assert stories[1]["sites"] == ["a", "b"] and stories[1]["first_site"] == "a" and stories[1]["size"] == 2
    only_a = json.loads(run_cli("stories", "--db", db, "--json", "--site", "a").stdout)
    assert [x["story"] for x in only_a] == ["pl1"]
    recent = json.loads(run_cli("stories", "--db", db, "--json", "--since", "2024-03-14").stdout)
    assert [x["story"] for x in recent] == ["nk1"]
    table = run_cli("stories", "--db", db)
    assert table.returncode == 0 and "pl1" in table.stdout and "https://a.example/pl1" in table.stdout

    target = tmp_path / "stories.jsonl"
    exp = run_cli("export", "--db", db, "--stories", "--out", target)
    assert exp.returncode == 0, exp.stderr
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(lines) == 2
    pl = next(x for x in lines if x["story"] == "pl1")
    assert [(a["id"], a["url"]) for a in pl["articles"]] == [("pl1", "https://a.example/pl1"),
                                                              ("plfr", "https://b.example/plfr")]

    status = json.loads(run_cli("status", "--db", db, "--json").stdout)
    assert status["stories"] == {"stories": 2, "multi_outlet_stories": 1, "story_merges": 0}
    assert "stories: 2 (1 with more than one article" in run_cli("status", "--db", db).stdout

    schema = json.loads(run_cli("schema").stdout)
    records = [json.loads(line) for line in run_cli("export", "--db", db).stdout.splitlines()]
    for field in ("story", "story_first_url", "story_first_site", "story_first_published", "story_size"):
        assert field in schema["properties"]
        assert all(field in r for r in records)
    assert schema["properties"]["story_size"]["type"] == "integer"


def test_a_story_spans_at_most_a_week(db):
    with Store(db) as s:
        save(s, "d0", HIMARS_PL, "2024-03-10T10:00:00+00:00", "a")
        assert save(s, "d3", HIMARS_PL_COPY, "2024-03-13T12:00:00+00:00", "b")["story"] == "d0"
        # Within 4 days of d3, but 7.4 days after the story opened: a new story.
        assert save(s, "d7", HIMARS_PL_COPY, "2024-03-17T20:00:00+00:00", "c")["story"] == "d7"


def test_records_stored_before_stories_get_one(db):
    with Store(db) as s:  # a store of v3: articles, no story tables
        with s.db.transaction():
            s.db.script("\n".join(f"DROP TABLE {t};" for t in (
                "stories", "story_articles", "story_keys", "story_facts", "story_df", "story_merges", "alerts",
                "deliveries", "template_pages", "template_blocks", "workers")))
            s.db._set_version(3)
        for aid, sample, when in (("pl1", HIMARS_PL, "2024-03-12T15:00:00+00:00"),
                                  ("nk1", NK_TUE, "2024-03-12T16:00:00+00:00")):
            s.db.execute("INSERT INTO articles(id, site, url, version, content_hash, published, fetched_at, record) "
                         "VALUES (?,?,?,1,?,?,?,?)", (aid, "a", f"https://a.example/{aid}", aid, when, when,
                                                       rec(aid, sample, when, "a").to_json()))
    with Store(db) as s:  # the upgrade: migration v4, then the next article places the older ones first
        assert s.schema_version >= 4
        new = save(s, "plfr", HIMARS_PL_FR, "2024-03-12T18:00:00+00:00", "b")
        assert new["story"] == "pl1" and new["story_size"] == 2
        assert stored(s, "pl1")["story"] == "pl1" and stored(s, "pl1")["version"] == 1
        assert stored(s, "nk1")["story"] == "nk1" and stored(s, "nk1")["story_size"] == 1
