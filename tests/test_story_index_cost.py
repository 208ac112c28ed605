"""The story index's cheaper paths give what the plain ones gave (issue 12, the crawl process's CPU).

* the postings statement (one join on a table of values) follows exactly the facts the rule says,
  on SQLite and on PostgreSQL, against a reference computed in Python;
* ``story_df`` increments held until the group commits (``crawler/db_held.py``) leave the same
  counts as one upsert per fact, are seen by placements inside the group, and roll back with
  their transaction;
* the band keys and postings computed with the signals (in the workers) are those of the plain
  functions, and a stored candidate's cached facts derive what a fresh profile would.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import struct

import numpy as np
import pytest
from stories_samples import (
    HIMARS_PL,
    HIMARS_PL_COPY,
    HIMARS_PL_DE,
    HIMARS_PL_FR,
    HIMARS_RO,
    NK_FRI,
    NK_TUE,
    UNRELATED,
    rec,
)

from crawler.store import Store
from crawler.store_stories import _postings_sql, _stored_facts
from crawler.stories.index import POSTINGS_CAP, postings
from crawler.stories.match import Profile, profile, text_signals
from crawler.stories.signals import BANDS, ROWS, band_keys, signature

DAY = 86400.0


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    return tmp_path / "s.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")


# ---------------------------------------------------------------- the postings statement

def test_postings_statement_follows_exactly_the_rare_facts(db):
    """Facts by (total held, held in the window): a fact held by more than the cap in all is
    followed only when the window holds at most the cap; the others always."""
    t0 = 1_700_000_000.0
    lo, hi = t0 - 7 * DAY, t0 + 7 * DAY
    layout = {101: (5, 5), 102: (45, 45), 103: (45, 30), 104: (41, 41), 105: (41, POSTINGS_CAP), 106: (3, 0)}
    rows, rid = [], 0
    for fact, (total, inside) in layout.items():
        for j in range(total):
            rid += 1
            ts = t0 + (j % 13) * 3600 if j < inside else t0 + 30 * DAY + j
            rows.append((fact, ts, rid))
    with Store(db) as s:
        with s.transaction():
            s.db.executemany("INSERT INTO story_facts(fact, ts, rid) VALUES (?,?,?)", rows)
        asked = [102, 101, 103, 104, 105, 106]  # in the order of their rarity rank, as the store asks
        params: list = []
        for i, fact in enumerate(asked):
            params += (i, fact, int(layout[fact][0] > POSTINGS_CAP))
        params += (lo, hi, lo, hi, POSTINGS_CAP)
        got = [tuple(r) for r in s.db.execute(_postings_sql(len(asked)), params)]
    want = []
    for i, fact in enumerate(asked):
        inside = sorted((ts, r) for f, ts, r in rows if f == fact and lo <= ts <= hi)
        if layout[fact][0] > POSTINGS_CAP and len(inside) > POSTINGS_CAP:
            continue
        want += [(i, r) for _, r in inside]
    assert got == want
    assert {i for i, _ in got} == {1, 2, 4}  # 101, 103 and 105; 102 and 104 are not rare here, 106 has none


# ---------------------------------------------------------------- held story_df counts

SEQUENCE = [("pl1", HIMARS_PL, "2024-03-12T15:00:00+00:00", "a"), ("ro1", HIMARS_RO, "2024-03-14T15:00:00+00:00", "a"),
            ("plfr", HIMARS_PL_FR, "2024-03-12T18:00:00+00:00", "b"), ("nk1", NK_TUE, "2024-03-12T16:00:00+00:00", "b"),
            ("nk2", NK_FRI, "2024-03-15T16:00:00+00:00", "c"), ("rh", UNRELATED, "2024-03-13T16:00:00+00:00", "c"),
            ("early", HIMARS_PL_COPY, "2024-03-12T09:00:00+00:00", "c"), ("plde", HIMARS_PL_DE, "2024-03-12T20:00:00+00:00", "d")]


def _save_sequence(store: Store) -> None:
    for aid, sample, when, site in SEQUENCE:
        store.save_article(rec(aid, sample, when, site), page_keys=[f"{site}/{aid}"])
    # New texts for two placed articles: their old facts are counted down, the new ones up.
    store.save_article(rec("rh", (UNRELATED[0], UNRELATED[1].split(".")[0] + ". It will cost EUR 300 million."),
                           SEQUENCE[5][2], "c"), page_keys=["c/rh"])
    store.save_article(rec("nk1", (NK_TUE[0], NK_TUE[1] + " Seoul said 2 missiles flew 800 km."), SEQUENCE[3][2], "b"),
                       page_keys=["b/nk1"])


def _index_state(store: Store) -> dict:
    q = store.db.execute
    return {"df": [tuple(r) for r in q("SELECT fact, n FROM story_df ORDER BY fact")],
            "articles": [tuple(r) for r in q("SELECT rid, article_id, story, ts FROM story_articles ORDER BY rid")],
            "stories": [tuple(r) for r in q("SELECT id, first_article, first_url, size, first_ts, last_ts FROM stories ORDER BY id")],
            "records": [(r[0], r[1], {k: v for k, v in json.loads(r[2]).items() if k.startswith("story")})
                        for r in q("SELECT id, version, record FROM articles ORDER BY id")]}


def test_held_df_counts_leave_what_one_upsert_per_fact_left(tmp_path):
    with Store(tmp_path / "alone.sqlite3") as store:  # no event loop: each transaction commits alone
        _save_sequence(store)
        alone = _index_state(store)

    async def grouped() -> tuple[dict, int]:
        with Store(tmp_path / "group.sqlite3") as store:
            store.db.hold_commits(60)
            _save_sequence(store)
            held = sum(1 for k, _ in alone["df"] if store.db.pending_count("story_df", k))
            store.db.release_commits()
            return _index_state(store), held

    together, held = asyncio.run(grouped())
    assert held > 0  # the counts were held in the group, not written article by article
    assert together == alone
    assert any(n == 0 for _, n in alone["df"])  # a count taken down by a new text stays a row


def test_held_counts_roll_back_with_their_transaction_and_go_out_with_the_commit(tmp_path):
    path = tmp_path / "s.sqlite3"

    async def crawl() -> None:
        with Store(path) as store:
            db = store.db
            db.hold_commits(60)
            with db.transaction():
                db.execute("INSERT INTO story_df(fact, n) VALUES (7, 4)")
            with db.transaction():
                held = db.held_counts("story_df", "fact", "n")
                assert held is not None
                held.add([1, 2, 2, 7])
                assert db.pending_count("story_df", 2) == 2
            with pytest.raises(RuntimeError):
                with db.transaction():
                    db.held_counts("story_df", "fact", "n").add([1, 1, 3])
                    raise RuntimeError("a bug in the middle of a placement")
            with db.transaction():
                db.held_counts("story_df", "fact", "n").add([7, 7, 9], -1)  # 9: no row, none is made
            assert [db.pending_count("story_df", k) for k in (1, 2, 3, 7, 9)] == [1, 2, 0, -1, -1]
            assert db.execute("SELECT count(*) FROM story_df").fetchone()[0] == 1  # nothing written yet
            db.release_commits()
            assert db.pending_count("story_df", 2) == 0

    asyncio.run(crawl())
    with Store(path, readonly=True) as store:
        assert [tuple(r) for r in store.db.execute("SELECT fact, n FROM story_df ORDER BY fact")] == [(1, 1), (2, 2), (7, 3)]


def test_outside_a_group_increments_are_written_at_once(tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        with store.transaction():
            assert store.db.held_counts("story_df", "fact", "n") is None


# ---------------------------------------------------------------- computed with the signals

def _plain_band_keys(sig: np.ndarray) -> list[int]:
    """The band keys as the first version computed them (a numpy slice per band)."""
    raw = sig.astype("<u4")
    return [struct.unpack("<q", hashlib.blake2b(bytes([band]) + raw[band * ROWS:(band + 1) * ROWS].tobytes(),
                                                digest_size=8).digest())[0] for band in range(BANDS)]


def test_band_keys_are_those_of_the_plain_code():
    rng = np.random.default_rng(12)
    sigs = [rng.integers(0, 2 ** 32, 64, dtype=np.uint64).astype(np.uint32) for _ in range(300)]
    sigs += [signature(HIMARS_PL[1]), signature(""), np.frombuffer(signature(NK_TUE[1]).astype("<u4").tobytes(), "<u4")]
    for sig in sigs:
        assert band_keys(sig) == _plain_band_keys(sig)


def test_signals_carry_the_index_keys_of_their_profile():
    for aid, sample, when, site in SEQUENCE:
        record = rec(aid, sample, when, site)
        signals = text_signals(record.title or "", record.body or "")
        p = profile(record, signals)
        plain = Profile(sig=p.sig, facts=p.facts, lead=p.lead, ts=p.ts)  # nothing cached
        assert p.bands == band_keys(plain.sig) and signals.bands == tuple(p.bands)
        assert p.__dict__["_postings"] == postings(plain) and signals.posted == tuple(postings(plain))
        assert postings(plain), aid  # every sample has facts worth a posting: the test can fail


def test_a_stored_candidates_cached_facts_derive_what_a_fresh_profile_does():
    for _, sample, _, _ in SEQUENCE:
        s = text_signals(*sample)
        text = json.dumps([sorted(s.facts), sorted(s.lead)], ensure_ascii=False)
        facts, lead, derived = _stored_facts(text)
        fresh = Profile(sig=s.sig, facts=frozenset(s.facts), lead=frozenset(s.lead), ts=0.0)
        assert (facts, lead) == (fresh.facts, fresh.lead)
        assert derived == {"dims": fresh.dims, "lead_sets": fresh.lead_sets}
        assert _stored_facts(text) is _stored_facts(text)
