"""The store's story transitions (issue 10): a mixin of ``crawler.store.Store``.

A leaf module at import time (standard library only); the matching library ``crawler.stories``
(MinHash, facts, the decision) is imported when an article is first placed. Tables (migration v4):

* ``stories``        one row per live story: its id (the id of the story's first stored record,
                     never changed), its first reporter (earliest published member), size, times;
* ``story_articles`` one row per article: its story, time, MinHash signature and facts;
* ``story_keys``     LSH band key -> article, by time (``signals.BANDS`` rows per article);
* ``story_facts``    fact -> article, by time: the inverted index on rare facts that finds
                     rewrites and translations sharing little text;
* ``story_df``       how many articles hold each fact (its rarity);
* ``story_merges``   a story that was merged into an older one, when and by which article.

A new article is compared only with the candidates these indexes return within the time window
(``match.WINDOW_DAYS``; ``DATED_WINDOW_DAYS`` for a later article that names the earlier one's
day), never with the whole store. Every write happens inside the caller's transaction
(``save_article``: the article's own).
"""
from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from crawler.dates import iso_timestamp
from crawler.db import POSTGRESQL, Database, Migration
from crawler.items import Article
from crawler.state import Story, StoryMember

if TYPE_CHECKING:
    from crawler.stories.match import Profile, Verdict

logger = logging.getLogger("defwatch.stories")

_V4 = """
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        first_article TEXT,
        first_url TEXT,
        first_site TEXT,
        first_published TEXT,
        first_ts REAL,
        size INTEGER NOT NULL DEFAULT 0,
        last_ts REAL,
        created_at REAL NOT NULL
    );
    CREATE INDEX stories_last ON stories(last_ts);
    CREATE TABLE story_articles (
        rid INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL UNIQUE,
        story TEXT NOT NULL,
        ts REAL NOT NULL,
        sig BLOB NOT NULL,
        facts TEXT NOT NULL,
        url TEXT,
        site TEXT,
        published TEXT
    );
    CREATE INDEX story_articles_story ON story_articles(story, ts);
    CREATE TABLE story_keys (key INTEGER NOT NULL, ts REAL NOT NULL, rid INTEGER NOT NULL,
                             PRIMARY KEY (key, ts, rid)) WITHOUT ROWID;
    CREATE TABLE story_facts (fact INTEGER NOT NULL, ts REAL NOT NULL, rid INTEGER NOT NULL,
                              PRIMARY KEY (fact, ts, rid)) WITHOUT ROWID;
    CREATE TABLE story_df (fact INTEGER PRIMARY KEY, n INTEGER NOT NULL);
    CREATE TABLE story_merges (
        merged TEXT PRIMARY KEY,
        into_story TEXT NOT NULL,
        at REAL NOT NULL,
        by_article TEXT
    );
"""
#: ``rid INTEGER PRIMARY KEY`` is SQLite's rowid, numbered on insert; PostgreSQL needs an identity
#: (``crawler.db.pg_ddl`` turns BLOB into BYTEA and drops WITHOUT ROWID).
MIGRATION_V4 = Migration(sqlite=_V4, postgresql=_V4.replace(
    "rid INTEGER PRIMARY KEY,", "rid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"))

_MARK_SQL = "SELECT coalesce(max(rid), 0) FROM story_articles"
#: The postings of the looked-up facts in a time window, in one statement: each fact's (its rank,
#: its key, whether it is common) is a row of ``w``; a common fact's postings are sent only when
#: the window holds at most the cap (no row past it), and that check runs once per fact (it
#: depends on ``w`` alone). A join on a table of values, not a UNION ALL arm per fact: 2x less CPU
#: in SQLite. The row count goes in with ``_postings_sql``.
_POSTINGS_SQL = ("WITH w(i, k, c) AS (VALUES {rows}) SELECT w.i, f.rid FROM w "
                 "JOIN story_facts f ON f.fact = w.k AND f.ts BETWEEN ? AND ? "
                 "WHERE w.c = 0 OR NOT EXISTS (SELECT 1 FROM story_facts g WHERE g.fact = w.k "
                 "AND g.ts BETWEEN ? AND ? LIMIT 1 OFFSET ?) ORDER BY w.i, f.ts, f.rid")
#: The first row of ``w`` says its column types (PostgreSQL infers them from it).
_POSTINGS_FIRST = "(CAST(? AS INTEGER), CAST(? AS BIGINT), CAST(? AS INTEGER))"


def _postings_sql(n: int) -> str:
    return _POSTINGS_SQL.format(rows=",".join([_POSTINGS_FIRST, *["(?,?,?)"] * (n - 1)]))


#: The advisory lock under which a PostgreSQL store's story index is written (``Database.lock``).
STORIES_LOCK = "defwatch-stories"
#: The record fields a story gives (``Article.story*``).
STORY_FIELDS = ("story", "story_first_url", "story_first_site", "story_first_published", "story_size")


@dataclass
class _Plan:
    """A placement decided from reads: the article's current (rid, story), or the stories it joins."""

    existing: tuple[int, str] | None = None
    #: The largest story row id when the plan was made (``_place_concurrently``).
    mark: int | None = None
    joinable: list[str] = field(default_factory=list)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    #: What the judgement read: each candidate's row id -> (story, time), each story looked at -> its span.
    seen: dict[int, tuple[str, float]] = field(default_factory=dict)
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass
class Placement:
    """Where an article went: its story and the stories merged into it."""

    story: str
    joined: bool
    merged: list[str] = field(default_factory=list)
    #: The story's record fields (``Article.story*``) as the placement left them.
    fields: dict[str, Any] = field(default_factory=dict)


def _postings(p: Profile) -> list[str]:
    """``stories.index.postings(p)``, computed once per profile (looked up, then indexed)."""
    cached = p.__dict__.get("_postings")
    if cached is None:
        from crawler.stories.index import postings

        cached = p.__dict__["_postings"] = postings(p)
    return cached


@lru_cache(maxsize=64)
def _marks(n: int) -> str:
    return ",".join("?" * n)


@lru_cache(maxsize=1024)
def _stored_facts(text: str) -> tuple[frozenset[str], frozenset[str], dict[str, Any]]:
    """A stored article's facts and lead facts (``story_articles.facts``), and what a decision
    derives from them (``Profile.dims``, ``Profile.lead_sets``): the same candidates come back
    article after article, and their facts never change without their text."""
    import numpy as np

    from crawler.stories.match import Profile

    facts, lead = json.loads(text)
    p = Profile(sig=np.zeros(0, dtype="<u4"), facts=frozenset(facts), lead=frozenset(lead), ts=0.0)
    return p.facts, p.lead, {"dims": p.dims, "lead_sets": p.lead_sets}


class StoriesStore:
    """Story assignment and reading; mixed into ``Store`` (which gives ``db`` and the transactions)."""

    db: Database
    #: Stories larger than this get a new ``story_size`` in their stored records only when their
    #: first reporter or id moves: a size alone is not worth rewriting them on every copy.
    STORY_SYNC_SIZES = 50
    #: Records stored before stories existed are placed this many at a time, with each new article.
    STORY_CATCH_UP = 50
    _stories_caught_up = False
    #: Judgements made again under the stories lock because another placement committed meanwhile.
    story_replans = 0

    # ------------------------------------------------------------ placing an article
    def _join_story(self, record: Article, signals: Any = None) -> Article:
        """Place a record being saved in its story; return it with its story fields.

        Runs inside ``save_article``'s transaction. The other members' records are brought up to
        date: a new first reporter or a merge gives each a new version (so it is exported
        again); a new size alone is written in place.

        Several crawls on one PostgreSQL store place their articles one at a time, or two copies
        saved at once would each miss the other and start two stories: the story index is
        written under one transaction-level lock (``STORIES_LOCK``), held to the commit. The
        reading and judging before it (most of the work) runs outside the lock and is done
        again under it only when another placement committed meanwhile (``_place_concurrently``).
        """
        from crawler.stories.match import profile

        p = profile(record, signals)
        if self._stories_caught_up and self.db.dialect == POSTGRESQL:
            placement = self._place_concurrently(record, p)
        else:
            self.db.lock(STORIES_LOCK)
            if not self._stories_caught_up:
                self._stories_caught_up = self._place_older_records(record.id)
            placement = self._apply_story(record, p, self._plan_story(record, p))
        fields = placement.fields
        self._sync_story_records(placement.story, fields, skip=record.id)
        return replace(record, **fields)

    def _place_concurrently(self, record: Article, p: Profile) -> Placement:
        """Judge outside the stories lock, then place under it (PostgreSQL's concurrent writers).

        Every placement inserts its ``story_articles`` row under the lock, so row ids are
        committed in order and the largest one marks what a judgement saw: unchanged under the
        lock, and with the judged candidates still in the same stories and times, the judgement
        holds; otherwise it is made again, under the lock.
        """
        plan = self._plan_story(record, p, mark=True)
        self.db.lock(STORIES_LOCK)
        if not self._plan_holds(plan):
            self.story_replans += 1
            plan = self._plan_story(record, p)
        return self._apply_story(record, p, plan)

    def _story_mark(self) -> int:
        return int(self.db.execute(_MARK_SQL).fetchone()[0])

    def _plan_holds(self, plan: _Plan) -> bool:
        """Whether nothing was placed since the plan was made, and the candidates it judged are
        still in the same stories, times and spans."""
        # Both sent before either is read: one round trip in a pipeline.
        mark = self.db.execute(_MARK_SQL)
        rows = self.db.execute(
            f"SELECT s.rid, s.story, s.ts, t.first_ts, t.last_ts FROM story_articles s "
            f"LEFT JOIN stories t ON t.id = s.story WHERE s.rid IN ({_marks(len(plan.seen))})",
            list(plan.seen)) if plan.seen else None
        if int(mark.fetchone()[0]) != plan.mark:
            return False
        if rows is None:
            return True
        now: dict[int, tuple[str, float]] = {}
        spans: dict[str, tuple[float, float]] = {}
        for rid, story, ts, first, last in rows:
            now[rid] = (story, ts)
            spans[story] = (first, last)
        return now == plan.seen and all(spans.get(s) == span for s, span in plan.spans.items())

    def _place_older_records(self, skip: str) -> bool:
        """Place up to ``STORY_CATCH_UP`` records stored before stories existed (a store older than v4),
        oldest first, their story fields written in place; True when none is left."""
        rows = self.db.execute(
            "SELECT a.id, a.record FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id "
            "WHERE s.rid IS NULL AND a.id != ? ORDER BY COALESCE(a.published, a.fetched_at), a.id LIMIT ?",
            (skip, self.STORY_CATCH_UP + 1)).fetchall()
        for aid, text in rows[:self.STORY_CATCH_UP]:
            record = Article.from_json(text)
            placement = self.place_in_story(record)
            fields = placement.fields
            self._sync_story_records(placement.story, fields, skip=aid)
            # In place: the text did not change, nothing to export again.
            self.db.execute("UPDATE articles SET record=? WHERE id=?", (replace(record, **fields).to_json(), aid))
        return len(rows) <= self.STORY_CATCH_UP

    def place_in_story(self, record: Article, signals: Any = None) -> Placement:
        """Put a new or changed article in its story; returns the story and any merges.

        ``signals``: the ``TextSignals`` of its text, when the extraction worker computed them.
        """
        from crawler.stories.match import profile

        p = profile(record, signals)
        return self._apply_story(record, p, self._plan_story(record, p))

    def _plan_story(self, record: Article, p: Profile, *, mark: bool = False) -> _Plan:
        """Where an article goes, from reads only: its current story, or the stories it can join.

        ``mark``: note the largest story row id first (``_place_concurrently``).
        """
        # The first reads are sent together (one round trip in a pipeline); the index lookups are
        # wasted only on a new version of a placed article.
        mark_cur = self.db.execute(_MARK_SQL) if mark else None
        cur = self.db.execute("SELECT rid, story FROM story_articles WHERE article_id=?", (record.id,))
        probe = self._probe_story(p)
        plan = _Plan(mark=int(mark_cur.fetchone()[0]) if mark_cur is not None else None)
        row = cur.fetchone()
        if row is not None:
            plan.existing = (row[0], row[1])
            return plan
        vetoed: set[str] = set()
        for story, verdict in self._judge_story(p, plan, probe):
            if verdict.same:
                plan.reasons.setdefault(story, []).append(verdict.reason)
            elif verdict.reason.startswith("conflict"):
                vetoed.add(story)
        plan.joinable = self._open_stories([s for s in plan.reasons if s not in vetoed], p.ts, plan.spans)
        return plan

    def _apply_story(self, record: Article, p: Profile, plan: _Plan) -> Placement:
        """Write a plan: index the article in its story, merging the others it joins together."""
        aid = record.id
        if plan.existing is not None:
            # A new version keeps its story (a story id never changes silently); its signals move.
            rid, story = plan.existing
            self._unindex_story_article(rid)
            self._index_story_article(rid, record, story, p)
            return Placement(story, joined=False, fields=self._refresh_story(story))
        if not plan.joinable:
            # A new story: the article is its only member, so its row is written whole (what
            # ``_refresh_story`` would compute), not recomputed from the members.
            self.db.execute("INSERT INTO stories(id, first_article, first_url, first_site, first_published, first_ts, "
                            "size, last_ts, created_at) VALUES (?,?,?,?,?,?,1,?,?)",
                            (aid, aid, record.url, record.site, record.published, p.ts, p.ts, time.time()))
            self._index_story_article(None, record, aid, p)
            return Placement(aid, joined=False, fields=dict(zip(
                STORY_FIELDS, (aid, record.url, record.site, record.published, 1), strict=True)))
        target, *others = plan.joinable
        for other in others:
            self._merge_story(other, into=target, by=aid)
        logger.debug("article %s joins story %s (%s)%s", aid, target, ",".join(plan.reasons[target]),
                     f"; merged {', '.join(others)}" if others else "")
        self._index_story_article(None, record, target, p)
        return Placement(target, joined=True, merged=others, fields=self._refresh_story(target))

    def _probe_story(self, p: Profile) -> tuple[Any, Any, list[str], dict[int, str]]:
        """Send the first index lookups of a judgement (LSH band keys; the postings' counts)."""
        from crawler.stories.match import DATED_WINDOW_DAYS
        from crawler.stories.signals import fact_key

        window = DATED_WINDOW_DAYS * 86400
        keys = p.bands
        lsh = self.db.execute(
            f"SELECT DISTINCT rid FROM story_keys WHERE key IN ({_marks(len(keys))}) AND ts BETWEEN ? AND ?",
            (*keys, p.ts - window, p.ts + window))
        posted = _postings(p)
        asked = {fact_key(f): f for f in set(posted)}
        counts = self.db.execute(f"SELECT fact, n FROM story_df WHERE fact IN ({_marks(len(asked))})",
                                 list(asked)) if asked else None
        return lsh, counts, posted, asked

    def _judge_story(self, p: Profile, plan: _Plan | None = None,
                     probe: tuple[Any, Any, list[str], dict[int, str]] | None = None) -> list[tuple[str, Verdict]]:
        """The verdict on each candidate in the window, with the candidate's story (each candidate's
        row id, story and time are noted in ``plan.seen``)."""
        from crawler.stories.index import MAX_CANDIDATES, MAX_QUERIES, MIN_SHARED, POSTINGS_CAP
        from crawler.stories.match import DATED_WINDOW_DAYS, Profile, decide, in_window
        from crawler.stories.signals import fact_key, from_blob

        window = DATED_WINDOW_DAYS * 86400  # decide() narrows it to WINDOW_DAYS for most pairs
        lo, hi = p.ts - window, p.ts + window
        lsh, counts, posted, asked = probe or self._probe_story(p)
        cand: dict[int, int] = {}
        for (rid,) in lsh:
            cand[rid] = 1000  # an LSH hit is always scored
        # The postings' counts; other facts' counts are read when a decision weighs them.
        df: dict[str, int] = {asked[k]: n for k, n in counts} if counts is not None else {}
        pending = self.db.pending_count
        for k, f in asked.items():
            df[f] = df.get(f, 0) + pending("story_df", k)  # what the group holds (``held_counts``)
        shared: Counter[int] = Counter()
        # Only facts some stored article holds can find one; the rarest are asked first.
        held = sorted((f for f in posted if df.get(f)), key=lambda f: (df[f], f))
        queried = held[:MAX_QUERIES]
        if queried:
            # One statement (one round trip) for every queried fact's postings in the window. A fact
            # with more than POSTINGS_CAP there is not rare, and not followed: the server looks for
            # a posting past the cap (only for a fact held that often in all), and sends nothing.
            params: list[Any] = []
            for i, f in enumerate(queried):
                params += (i, fact_key(f), int(df[f] > POSTINGS_CAP))
            params += (lo, hi, lo, hi, POSTINGS_CAP)
            rows = self.db.execute(_postings_sql(len(queried)), params).fetchall()
            # Articles by facts shared, first met first (rows come by fact, time, row id). No fact
            # brings more than the cap (the statement's rule), unless the counts lag the postings.
            per_fact = Counter(map(itemgetter(0), rows))
            if per_fact and max(per_fact.values()) > POSTINGS_CAP:
                rows = [row for row in rows if per_fact[row[0]] <= POSTINGS_CAP]
            shared.update(map(itemgetter(1), rows))
        for r, n in sorted(shared.items(), key=lambda kv: -kv[1])[:MAX_CANDIDATES]:
            if n >= MIN_SHARED:
                cand.setdefault(r, n)
        if not cand:
            return []
        candidates = [(rid, story, ts, sig, _stored_facts(facts)) for rid, story, ts, sig, facts in self.db.execute(
            f"SELECT rid, story, ts, sig, facts FROM story_articles WHERE rid IN ({_marks(len(cand))})", list(cand))]
        others = []
        for rid, story, ts, sig, facts in candidates:
            if plan is not None:
                plan.seen[rid] = (story, ts)
            if abs(ts - p.ts) <= window:
                other = Profile(sig=from_blob(sig), facts=facts[0], lead=facts[1], ts=ts)
                other.__dict__.update(facts[2])  # its cached properties (``_stored_facts``)
                if in_window(p, other):
                    others.append((story, other))
        weight = self._story_weight(df, plan.mark if plan is not None else None)
        return [(story, decide(p, other, weight)) for story, other in others]

    def _story_df(self, facts: set[str] | frozenset[str], df: dict[str, int]) -> None:
        """Add to ``df`` how many stored articles hold each of ``facts`` not in it yet."""
        from crawler.stories.signals import fact_key

        keys = {fact_key(f): f for f in facts if f not in df}
        todo = list(keys)
        for i in range(0, len(todo), 500):
            chunk = todo[i:i + 500]
            for k, n in self.db.execute(f"SELECT fact, n FROM story_df WHERE fact IN ({_marks(len(chunk))})", chunk):
                df[keys[k]] = n
        pending = self.db.pending_count
        for k, f in keys.items():
            df[f] = df.get(f, 0) + pending("story_df", k)

    def _story_weight(self, df: dict[str, int], total: int | None = None) -> Callable[[str], float]:
        """A fact's worth: its kind's weight times its rarity among the stored articles.

        The candidates' own facts are looked up only when a decision needs their worth
        (``weight.load``, called by ``match.decide``): most decisions do not.
        """
        from crawler.stories.match import KIND_WEIGHT, idf, kind

        if total is None:
            total = self._story_mark()

        def weight(f: str) -> float:
            return KIND_WEIGHT.get(kind(f), 0.5) * idf(max(df.get(f, 0), 1), total)
        weight.load = lambda facts: self._story_df(facts, df)  # type: ignore[attr-defined]
        return weight

    def _open_stories(self, stories: list[str], ts: float,
                      spans: dict[str, tuple[float, float]] | None = None) -> list[str]:
        """The stories an article at ``ts`` can join, oldest first: together they must still span
        at most ``STORY_SPAN_DAYS`` (a chain of look-alike updates must not grow one endless story)."""
        from crawler.stories.index import STORY_SPAN_DAYS

        if not stories:
            return []
        rows = self.db.execute(
            f"SELECT id, first_ts, last_ts FROM stories WHERE id IN ({_marks(len(stories))}) ORDER BY created_at, id",
            stories).fetchall()
        out: list[str] = []
        lo, hi = ts, ts
        for story, first, last in rows:
            if spans is not None:
                spans[story] = (first, last)
            if max(hi, last) - min(lo, first) <= STORY_SPAN_DAYS * 86400:
                out.append(story)
                lo, hi = min(lo, first), max(hi, last)
        return out

    def _merge_story(self, story: str, *, into: str, by: str) -> None:
        """Fold ``story`` into the older ``into``; the merge is recorded, never silent."""
        self.db.execute("UPDATE story_articles SET story=? WHERE story=?", (into, story))
        self.db.execute("UPDATE story_merges SET into_story=? WHERE into_story=?", (into, story))
        self.db.execute("INSERT INTO story_merges(merged, into_story, at, by_article) VALUES (?,?,?,?) "
                        "ON CONFLICT(merged) DO UPDATE SET into_story=excluded.into_story, at=excluded.at, "
                        "by_article=excluded.by_article", (story, into, time.time(), by))
        self.db.execute("DELETE FROM stories WHERE id=?", (story,))

    # ------------------------------------------------------------ index maintenance
    def _index_story_article(self, rid: int | None, record: Article, story: str, p: Profile) -> int:
        from crawler.stories.signals import fact_key, to_blob

        facts = json.dumps([sorted(p.facts), sorted(p.lead)], ensure_ascii=False)
        values = (record.id, story, p.ts, to_blob(p.sig), facts, record.url, record.site, record.published)
        if rid is None:
            rid = int(self.db.execute(
                "INSERT INTO story_articles(article_id, story, ts, sig, facts, url, site, published) "
                "VALUES (?,?,?,?,?,?,?,?) RETURNING rid", values).fetchone()[0])
        else:
            self.db.execute("UPDATE story_articles SET article_id=?, story=?, ts=?, sig=?, facts=?, url=?, site=?, "
                            "published=? WHERE rid=?", (*values, rid))
        self.db.executemany("INSERT INTO story_keys(key, ts, rid) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                            [(k, p.ts, rid) for k in p.bands])
        self.db.executemany("INSERT INTO story_facts(fact, ts, rid) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                            [(fact_key(f), p.ts, rid) for f in _postings(p)])
        counted = sorted(fact_key(f) for f in p.facts)
        held = self.db.held_counts("story_df", "fact", "n")
        if held is not None:
            held.add(counted)  # summed over the group, written when it commits
        else:
            self.db.executemany("INSERT INTO story_df(fact, n) VALUES (?, 1) ON CONFLICT(fact) DO UPDATE SET n=story_df.n+1",
                                [(k,) for k in counted])
        return rid

    def _unindex_story_article(self, rid: int) -> None:
        from crawler.stories.index import postings
        from crawler.stories.match import Profile
        from crawler.stories.signals import fact_key, from_blob

        row = self.db.execute("SELECT sig, facts, ts FROM story_articles WHERE rid=?", (rid,)).fetchone()
        facts, lead = json.loads(row[1])
        old = Profile(sig=from_blob(row[0]), facts=frozenset(facts), lead=frozenset(lead), ts=row[2])
        self.db.executemany("DELETE FROM story_keys WHERE key=? AND ts=? AND rid=?",
                            [(k, old.ts, rid) for k in old.bands])
        self.db.executemany("DELETE FROM story_facts WHERE fact=? AND ts=? AND rid=?",
                            [(fact_key(f), old.ts, rid) for f in postings(old)])
        counted = [fact_key(f) for f in old.facts]
        held = self.db.held_counts("story_df", "fact", "n")
        if held is not None:
            held.add(counted, -1)
        else:
            self.db.executemany("UPDATE story_df SET n=n-1 WHERE fact=?", [(k,) for k in counted])

    def _refresh_story(self, story: str) -> dict[str, Any]:
        """Recompute a story's first reporter (earliest member; first stored on a tie) and size;
        return its record fields (``story_fields``). One statement: one round trip on a server."""
        row = self.db.execute(
            "UPDATE stories SET (first_article, first_url, first_site, first_published, first_ts) = "
            "(SELECT article_id, url, site, published, ts FROM story_articles WHERE story=? ORDER BY ts, rid LIMIT 1), "
            "size = (SELECT count(*) FROM story_articles WHERE story=?), "
            "last_ts = (SELECT max(ts) FROM story_articles WHERE story=?) "
            "WHERE id=? RETURNING id, first_url, first_site, first_published, size",
            (story, story, story, story)).fetchone()
        return dict(zip(STORY_FIELDS, tuple(row), strict=True))

    def _sync_story_records(self, story: str, fields: dict[str, Any], *, skip: str) -> None:
        """Bring the other members' stored records up to date with their story's fields."""
        if fields["story_size"] <= 1:
            return  # the article alone: no other member
        # The members' records in one statement (in story order), not one round trip each.
        rows = [r for r in self.db.execute(
            "SELECT a.id, a.version, a.record FROM story_articles s JOIN articles a ON a.id = s.article_id "
            "WHERE s.story=? ORDER BY s.ts, s.rid", (story,)) if r[0] != skip]
        big = len(rows) > self.STORY_SYNC_SIZES
        for aid, old_version, text in rows:
            record = Article.from_json(text)
            if all(getattr(record, k) == v for k, v in fields.items()):
                continue
            moved = any(getattr(record, k) != v for k, v in fields.items() if k != "story_size")
            if big and not moved:
                return  # only the size moved: not worth rewriting a big story's records on every copy
            version = old_version + 1 if moved else old_version
            record = replace(record, **fields, version=version)
            text = record.to_json()
            self.db.execute("UPDATE articles SET version=?, record=? WHERE id=?", (version, text, aid))
            if moved:
                self.db.execute("INSERT INTO versions(article_id, version, fetched_at, record) VALUES (?,?,?,?) "
                                "ON CONFLICT(article_id, version) DO UPDATE SET fetched_at=excluded.fetched_at, "
                                "record=excluded.record", (aid, version, record.fetched_at, text))

    # ------------------------------------------------------------ reading
    def story_fields(self, story: str) -> dict[str, Any]:
        """The story fields of a record in ``story`` (``Article.story*``)."""
        row = self.db.execute("SELECT id, first_url, first_site, first_published, size FROM stories WHERE id=?",
                              (story,)).fetchone()
        return dict(zip(STORY_FIELDS, tuple(row), strict=True))

    def story_members(self, story: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT article_id FROM story_articles WHERE story=? ORDER BY ts, rid",
                                              (story,))]

    def _has_stories(self) -> bool:
        # A store older than v4, opened read-only, has no story tables.
        return self.db.has_table("stories")

    def stories(self, *, since: str | None = None, sites: Iterable[str] | None = None) -> list[Story]:
        """Live stories, newest first (by their latest article), each with its members and merges."""
        if not self._has_stories():
            return []
        sql = ("SELECT s.*, a.article_id, a.url AS a_url, a.site AS a_site, a.published AS a_published "
               "FROM stories s JOIN story_articles a ON a.story = s.id")
        params: list[Any] = []
        since_ts = iso_timestamp(since)
        if since_ts is not None:
            sql += " WHERE s.last_ts >= ?"
            params.append(since_ts)
        sql += " ORDER BY s.last_ts DESC, s.id, a.ts, a.rid"
        merged: dict[str, list[str]] = {}
        for m, into in self.db.execute("SELECT merged, into_story FROM story_merges ORDER BY at"):
            merged.setdefault(into, []).append(m)
        rows: list[tuple[Any, list[StoryMember]]] = []
        for row in self.db.execute(sql, params):
            if not rows or rows[-1][0]["id"] != row["id"]:
                rows.append((row, []))
            rows[-1][1].append(StoryMember(row["article_id"], row["a_url"], row["a_site"], row["a_published"]))
        wanted = set(sites or ())
        return [Story(id=r["id"], first_article=r["first_article"], first_url=r["first_url"],
                      first_site=r["first_site"], first_published=r["first_published"], first_ts=r["first_ts"],
                      size=r["size"], last_ts=r["last_ts"], created_at=r["created_at"], members=tuple(members),
                      merged=tuple(merged.get(r["id"], ())))
                for r, members in rows if not wanted or wanted & {m.site for m in members}]

    def story_counts(self) -> dict[str, int]:
        if not self._has_stories():
            return {"stories": 0, "multi_outlet_stories": 0, "story_merges": 0}
        q = self.db.execute
        return {"stories": q("SELECT count(*) FROM stories").fetchone()[0],
                "multi_outlet_stories": q("SELECT count(*) FROM stories WHERE size > 1").fetchone()[0],
                "story_merges": q("SELECT count(*) FROM story_merges").fetchone()[0]}
