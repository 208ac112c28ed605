"""The persistent story index: which story each article is in, and how to find candidates fast.

Tables (created by the store's migration v4):

* ``stories``        one row per live story: its id (the id of the story's first stored record,
                     never changed), its first reporter (earliest published member), size, times;
* ``story_articles`` one row per article: its story, time, MinHash signature and facts;
* ``story_keys``     LSH band key -> article, by time (``signals.BANDS`` rows per article);
* ``story_facts``    fact -> article, by time: the inverted index on rare facts that finds
                     rewrites and translations sharing little text;
* ``story_df``       how many articles hold each fact (its rarity);
* ``story_merges``   a story that was merged into an older one, when and by which article.

A new article is compared only with the candidates these indexes return within the time
window (``match.WINDOW_DAYS``), never with the whole store. All writes happen on the caller's
connection inside the caller's transaction (the article's own).
"""
from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from crawler.stories.match import KIND_WEIGHT, WINDOW_DAYS, Profile, Verdict, decide, idf, kind, profile
from crawler.stories.signals import band_keys, fact_key, from_blob, to_blob

logger = logging.getLogger("defwatch.stories")

#: Kinds worth an inverted-index posting: specific enough to find a rewrite by.
INDEXED_KINDS = ("id", "nm2", "money", "km", "nmi", "ac", "t", "mm", "date", "nm", "num")
#: At most this many postings per article (the most specific kinds first): bounds the index.
MAX_POSTINGS = 40
#: A fact held by more stored articles than this within the window is not rare: not followed.
POSTINGS_CAP = 40
#: A story spans at most this many days from its first to its last article.
STORY_SPAN_DAYS = 7
#: At most this many of an article's facts are looked up in the inverted index (the rarest).
MAX_QUERIES = 24
#: A fact candidate shares at least this many looked-up facts (one shared name is not a story).
MIN_SHARED = 2
#: At most this many fact candidates (by facts shared) are scored, on top of the LSH ones.
MAX_CANDIDATES = 30


@dataclass
class Placement:
    """Where an article went: its story and what changed for the other records."""

    story: str
    joined: bool
    merged: list[str] = field(default_factory=list)


def _postings(p: Profile) -> list[str]:
    order = {k: i for i, k in enumerate(INDEXED_KINDS)}
    chosen = [f for f in p.facts if kind(f) in order and not (kind(f) == "num" and _small(f))]
    chosen.sort(key=lambda f: (order[kind(f)], f))
    return chosen[:MAX_POSTINGS]


def _small(fact: str) -> bool:
    try:
        return float(fact.split(":")[1]) < 10
    except ValueError:
        return True


class StoryIndex:
    """Story assignment over one SQLite connection (the store's)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    # ------------------------------------------------------------ placing an article
    def place(self, record: dict) -> Placement:
        """Put a new or changed article in its story; returns the story and any merges."""
        aid = record["id"]
        p = profile(record)
        row = self.db.execute("SELECT rid, story FROM story_articles WHERE article_id=?", (aid,)).fetchone()
        if row is not None:
            # A new version keeps its story (a story id never changes silently); its signals move.
            self._unindex(row[0])
            self._index(row[0], aid, row[1], record, p)
            self._refresh(row[1])
            return Placement(row[1], joined=False)
        verdicts = self._judge(p)
        stories: dict[str, list[str]] = {}
        vetoed: set[str] = set()
        for story, verdict in verdicts:
            if verdict.same:
                stories.setdefault(story, []).append(verdict.reason)
            elif verdict.reason.startswith("conflict"):
                vetoed.add(story)
        joinable = self._open([s for s in stories if s not in vetoed], p.ts)
        if not joinable:
            self.db.execute("INSERT INTO stories(id, created_at, size) VALUES (?,?,0)", (aid, time.time()))
            self._index(None, aid, aid, record, p)
            self._refresh(aid)
            return Placement(aid, joined=False)
        target, *others = joinable
        for other in others:
            self._merge(other, into=target, by=aid)
        logger.debug("article %s joins story %s (%s)%s", aid, target, ",".join(stories[target]),
                     f"; merged {', '.join(others)}" if others else "")
        self._index(None, aid, target, record, p)
        self._refresh(target)
        return Placement(target, joined=True, merged=others)

    def _judge(self, p: Profile) -> list[tuple[str, Verdict]]:
        """The verdict on each candidate in the window, with the candidate's story."""
        window = WINDOW_DAYS * 86400
        lo, hi = p.ts - window, p.ts + window
        cand: dict[int, int] = {}
        keys = band_keys(p.sig)
        for (rid,) in self.db.execute(
                f"SELECT DISTINCT rid FROM story_keys WHERE key IN ({','.join('?' * len(keys))}) AND ts BETWEEN ? AND ?",
                (*keys, lo, hi)):
            cand[rid] = 1000  # an LSH hit is always scored
        df: dict[str, int] = {}
        postings = _postings(p)
        self._df(set(postings), df)  # other facts' counts are read when a decision weighs them
        shared: dict[int, int] = {}
        # Only facts some stored article holds can find one; the rarest are asked first.
        held = sorted((f for f in postings if df.get(f)), key=lambda f: (df[f], f))
        for fact in held[:MAX_QUERIES]:
            rids = [r for (r,) in self.db.execute(
                "SELECT rid FROM story_facts WHERE fact=? AND ts BETWEEN ? AND ? LIMIT ?",
                (fact_key(fact), lo, hi, POSTINGS_CAP + 1))]
            if len(rids) > POSTINGS_CAP:
                continue
            for r in rids:
                shared[r] = shared.get(r, 0) + 1
        for r, n in sorted(shared.items(), key=lambda kv: -kv[1])[:MAX_CANDIDATES]:
            if n >= MIN_SHARED:
                cand.setdefault(r, n)
        if not cand:
            return []
        rows = self.db.execute(
            f"SELECT rid, story, ts, sig, facts FROM story_articles WHERE rid IN ({','.join('?' * len(cand))})",
            list(cand)).fetchall()
        others = []
        for rid, story, ts, sig, facts in rows:
            if abs(ts - p.ts) <= window:
                f, lead = json.loads(facts)
                others.append((story, Profile(sig=from_blob(sig), facts=frozenset(f), lead=frozenset(lead), ts=ts)))
        weight = self._weight(df)
        return [(story, decide(p, other, weight)) for story, other in others]

    def _df(self, facts: set[str] | frozenset[str], df: dict[str, int]) -> None:
        """Add to ``df`` how many stored articles hold each of ``facts`` not in it yet."""
        keys = {fact_key(f): f for f in facts if f not in df}
        todo = list(keys)
        for i in range(0, len(todo), 500):
            chunk = todo[i:i + 500]
            for k, n in self.db.execute(f"SELECT fact, n FROM story_df WHERE fact IN ({','.join('?' * len(chunk))})",
                                        chunk):
                df[keys[k]] = n
        for f in keys.values():
            df.setdefault(f, 0)

    def _weight(self, df: dict[str, int]) -> Callable[[str], float]:
        """A fact's worth: its kind's weight times its rarity among the stored articles.

        The candidates' own facts are looked up only when a decision needs their worth
        (``weight.load``, called by ``match.decide``): most decisions do not.
        """
        total = self.db.execute("SELECT coalesce(max(rid), 0) FROM story_articles").fetchone()[0]

        def weight(f: str) -> float:
            return KIND_WEIGHT.get(kind(f), 0.5) * idf(max(df.get(f, 0), 1), total)
        weight.load = lambda facts: self._df(facts, df)  # type: ignore[attr-defined]
        return weight

    def _open(self, stories: list[str], ts: float) -> list[str]:
        """The stories an article at ``ts`` can join, oldest first: together they must still span
        at most ``STORY_SPAN_DAYS`` (a chain of look-alike updates must not grow one endless story)."""
        if not stories:
            return []
        rows = self.db.execute(
            f"SELECT id, first_ts, last_ts FROM stories WHERE id IN ({','.join('?' * len(stories))}) "
            "ORDER BY created_at, id", stories).fetchall()
        out, lo, hi = [], ts, ts
        for story, first, last in rows:
            if max(hi, last) - min(lo, first) <= STORY_SPAN_DAYS * 86400:
                out.append(story)
                lo, hi = min(lo, first), max(hi, last)
        return out

    def _merge(self, story: str, *, into: str, by: str) -> None:
        """Fold ``story`` into the older ``into``; the merge is recorded, never silent."""
        self.db.execute("UPDATE story_articles SET story=? WHERE story=?", (into, story))
        self.db.execute("UPDATE story_merges SET into_story=? WHERE into_story=?", (into, story))
        self.db.execute("INSERT OR REPLACE INTO story_merges(merged, into_story, at, by_article) VALUES (?,?,?,?)",
                        (story, into, time.time(), by))
        self.db.execute("DELETE FROM stories WHERE id=?", (story,))

    # ------------------------------------------------------------ index maintenance
    def _index(self, rid: int | None, aid: str, story: str, record: dict, p: Profile) -> int:
        facts = json.dumps([sorted(p.facts), sorted(p.lead)], ensure_ascii=False)
        values = (aid, story, p.ts, to_blob(p.sig), facts, record.get("url"), record.get("site"),
                  record.get("published"))
        if rid is None:
            rid = self.db.execute(
                "INSERT INTO story_articles(article_id, story, ts, sig, facts, url, site, published) "
                "VALUES (?,?,?,?,?,?,?,?)", values).lastrowid
        else:
            self.db.execute("UPDATE story_articles SET article_id=?, story=?, ts=?, sig=?, facts=?, url=?, site=?, "
                            "published=? WHERE rid=?", (*values, rid))
        self.db.executemany("INSERT OR IGNORE INTO story_keys(key, ts, rid) VALUES (?,?,?)",
                            [(k, p.ts, rid) for k in band_keys(p.sig)])
        self.db.executemany("INSERT OR IGNORE INTO story_facts(fact, ts, rid) VALUES (?,?,?)",
                            [(fact_key(f), p.ts, rid) for f in _postings(p)])
        self.db.executemany("INSERT INTO story_df(fact, n) VALUES (?, 1) ON CONFLICT(fact) DO UPDATE SET n=n+1",
                            [(fact_key(f),) for f in p.facts])
        return rid

    def _unindex(self, rid: int) -> None:
        row = self.db.execute("SELECT sig, facts, ts FROM story_articles WHERE rid=?", (rid,)).fetchone()
        facts, lead = json.loads(row[1])
        old = Profile(sig=from_blob(row[0]), facts=frozenset(facts), lead=frozenset(lead), ts=row[2])
        self.db.executemany("DELETE FROM story_keys WHERE key=? AND ts=? AND rid=?",
                            [(k, old.ts, rid) for k in band_keys(old.sig)])
        self.db.executemany("DELETE FROM story_facts WHERE fact=? AND ts=? AND rid=?",
                            [(fact_key(f), old.ts, rid) for f in _postings(old)])
        self.db.executemany("UPDATE story_df SET n=n-1 WHERE fact=?", [(fact_key(f),) for f in old.facts])

    def _refresh(self, story: str) -> None:
        """Recompute a story's first reporter (earliest member; first stored on a tie) and size."""
        first = self.db.execute(
            "SELECT article_id, url, site, published, ts FROM story_articles WHERE story=? ORDER BY ts, rid LIMIT 1",
            (story,)).fetchone()
        size, last = self.db.execute("SELECT count(*), max(ts) FROM story_articles WHERE story=?", (story,)).fetchone()
        self.db.execute("UPDATE stories SET first_article=?, first_url=?, first_site=?, first_published=?, first_ts=?, "
                        "size=?, last_ts=? WHERE id=?", (*first, size, last, story))

    # ------------------------------------------------------------ reading
    def fields(self, story: str) -> dict:
        """The story fields of a record in ``story``."""
        row = self.db.execute("SELECT id, first_url, first_site, first_published, size FROM stories WHERE id=?",
                              (story,)).fetchone()
        return {"story": row[0], "story_first_url": row[1], "story_first_site": row[2],
                "story_first_published": row[3], "story_size": row[4]}

    def members(self, story: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT article_id FROM story_articles WHERE story=? ORDER BY ts, rid",
                                              (story,))]
