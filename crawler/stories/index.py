"""What the persistent story index holds of an article, and its bounds.

The index itself (tables ``stories``, ``story_articles``, ``story_keys``, ``story_facts``,
``story_df``, ``story_merges``) and the story assignment live in the store
(``crawler/store_stories.py``: ``Store.place_in_story``, called by ``Store.save_article``); this
module says which facts get an inverted-index posting and how far a lookup goes.
"""
from __future__ import annotations

from crawler.stories.match import Profile

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


_RANK = {k: i for i, k in enumerate(INDEXED_KINDS)}


def postings(p: Profile) -> list[str]:
    """The facts of an article that get an inverted-index posting (most specific kinds first)."""
    chosen = []
    for f in p.facts:
        k = f.split(":", 1)[0]  # match.kind, inlined: called for every fact of every article
        rank = _RANK.get(k)
        if rank is not None and not (k == "num" and _small(f)):
            chosen.append((rank, f))
    chosen.sort()
    return [f for _, f in chosen[:MAX_POSTINGS]]


def _small(fact: str) -> bool:
    try:
        return float(fact.split(":")[1]) < 10
    except ValueError:
        return True
