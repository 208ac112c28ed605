"""Whether two articles report the same event: text similarity, fact agreement and conflict.

Text similarity alone fails both ways: rewrites and translations share little text, and
look-alike events (two HIMARS sales, two missile launches in one week) share a lot. So:

1. **Conflict vetoes.** Two articles that both give an amount of money in one currency, a
   distance, a calibre, a tonnage, a calendar date or a weekday, and share none of them
   (numbers within 2 %), report different events. So do two whose opening (title and first
   ``LEAD_WORDS`` words) name places and each names one the other does not. A veto holds at
   any text similarity: a look-alike is a template with different facts.
2. **Near copies** (estimated Jaccard of 3-word shingles >= ``NEAR``) are one story.
3. **Rewrites** (Jaccard >= ``REWRITE``) are one story when they also share facts worth
   ``REWRITE_FACTS``.
4. **Translations and heavy rewrites** (any text similarity) are one story when they share
   facts worth ``SHARED_FACTS`` (at least ``SHARED_SHARE`` of the poorer side's), among them a
   name (person, organisation, designator), and facts of the event itself: numbers or dates worth
   ``EVENT_FACTS``, or the date or weekday both openings give.

A fact's worth is its kind's weight (``KIND_WEIGHT``: an amount of money says more than a
weekday) times its rarity in the store (an inverse document frequency scaled to 0..1), so
"NATO" or "2024" in every other article add little.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np

from crawler.dates import iso_timestamp
from crawler.items import Article
from crawler.stories.facts import date_facts, number_facts
from crawler.stories.names import name_facts, place_facts
from crawler.stories.signals import band_keys, jaccard, signature

NEAR = 0.5
REWRITE = 0.2
REWRITE_FACTS = 3.0
SHARED_FACTS = 5.0
SHARED_SHARE = 0.6
EVENT_FACTS = 2.0
LEAD_WORDS = 60
#: Facts are read in the title and the first FACT_WORDS words, shingles in the first
#: SHINGLE_WORDS: an event's facts and a copy's text are at the top, and the cost of a long
#: analysis piece stays bounded (real articles run to 750 words on average).
FACT_WORDS = 350
SHINGLE_WORDS = 600
#: Stories open within this window: an article is compared with stored articles at most
#: this far from it in time (published, or fetched when the page gives no date).
WINDOW_DAYS = 4.0
#: A later article whose opening names the day an earlier one was published (a weekly round-up,
#: a free rewrite: "signed on Wednesday, Sept. 17") is compared with it up to this far apart.
DATED_WINDOW_DAYS = 7.0
#: Numbers closer than this (relative) agree: "$1.6bn" and "$1.62 billion", "680 miles" and "1,100 km".
TOLERANCE = 0.03

KIND_WEIGHT = {"money": 2.5, "km": 2.0, "nmi": 2.0, "t": 1.5, "mm": 1.0, "pct": 1.0, "num": 1.0, "date": 1.5,
               "wd": 0.5, "year": 0.1, "id": 1.5, "ac": 1.0, "nm": 1.0, "nm2": 1.5, "pl": 0.7}
#: Kinds whose disagreement means "different event" (both sides give one; none agree).
CONFLICT_KINDS = ("money", "km", "nmi", "mm", "t", "date", "wd")
NAME_KINDS = frozenset({"id", "ac", "nm", "nm2"})
NUMBER_KINDS = frozenset({"money", "km", "nmi", "mm", "t", "pct", "num", "date"})


@dataclass(frozen=True)
class Profile:
    """What matching needs to know about one article."""

    sig: np.ndarray
    facts: frozenset[str]
    lead: frozenset[str]
    ts: float

    @cached_property
    def bands(self) -> list[int]:
        """The LSH band keys of the signature (looked up, then indexed: computed once)."""
        return band_keys(self.sig)

    @cached_property
    def dims(self) -> dict[str, set[str]]:
        """The facts that can conflict, by dimension (``money:usd``, ``km``, ``date``, ...)."""
        return _dims(self.facts)

    @cached_property
    def lead_sets(self) -> tuple[frozenset[str], frozenset[str]]:
        """The opening's dates and weekdays, and its places (``conflict`` compares them pair after pair)."""
        return (frozenset(f for f in self.lead if kind(f) in ("date", "wd")),
                frozenset(f for f in self.lead if kind(f) == "pl"))


@dataclass(frozen=True)
class Verdict:
    same: bool
    reason: str
    jaccard: float = 0.0
    shared: float = 0.0


def record_time(record: Article) -> float:
    """Unix time of a record: published, else fetched.

    A date without a time counts as the end of that day (UTC): of several copies published that
    day, one with a known time is more likely the first reporter than one that could be any time.
    """
    for value in (record.published, record.fetched_at):
        stamp = iso_timestamp(value)
        if stamp is not None and value is not None:
            return stamp + 86399 if len(value.strip()) <= 10 else stamp
    return 0.0


def extract_facts(text: str) -> set[str]:
    facts = number_facts(text) | date_facts(text) | name_facts(text)
    # A day of the month is already in its date fact; as a bare number it would be noise.
    days = {str(int(f[-2:])) for f in facts if f.startswith("date:")}
    return {f for f in facts if not (f.startswith("num:") and f[4:] in days)}


def _head(text: str, words: int) -> str:
    r"""The first ``words`` words of a text, its line breaks kept.

    What ``re.match(r"(?:\S+\s+){0,words}", text)`` matches (each word with the spaces after it,
    so a last word with none after it is left out), found by ``str.split`` (same spaces) in C.
    """
    if not text or text[0].isspace():
        return ""
    parts = text.split(None, words)
    if len(parts) > words:  # the text goes on: up to where the next word starts
        return text[:len(text) - len(parts[words])]
    return text if text[-1].isspace() else text[:len(text) - len(parts[-1])]


@dataclass(frozen=True)
class TextSignals:
    """The part of a ``Profile`` read from the title and body alone.

    Most of a profile's cost (names, numbers, dates, the MinHash); the extraction workers compute
    it beside the page they extract (``crawler.offload``), so the crawl's own process, which
    stores one article at a time, only looks it up.
    """

    title: str
    body: str
    sig: np.ndarray
    facts: frozenset[str]
    lead: frozenset[str]
    #: What the store indexes of them, computed here too (so in the workers): the signature's LSH
    #: band keys and the facts that get postings (``Profile.bands``, ``stories.index.postings``).
    bands: tuple[int, ...] | None = None
    posted: tuple[str, ...] | None = None


def text_signals(title: str, body: str) -> TextSignals:
    """The signature, facts and lead facts of a title and body."""
    from crawler.stories.index import postings

    lead_text = title + ".\n\n" + _head(body, LEAD_WORDS)
    lead = frozenset(place_facts(lead_text) | date_facts(lead_text))
    sig = signature(f"{title}\n\n{_head(body, SHINGLE_WORDS)}")
    facts = frozenset(extract_facts(f"{title}.\n\n{_head(body, FACT_WORDS)}"))
    return TextSignals(title=title, body=body, sig=sig, facts=facts, lead=lead, bands=tuple(band_keys(sig)),
                       posted=tuple(postings(Profile(sig=sig, facts=facts, lead=lead, ts=0.0))))


def profile(record: Article, signals: TextSignals | None = None) -> Profile:
    """The signature, facts, lead facts and time of a record (``signals``: already computed for
    its text; used only when they were computed for this very title and body)."""
    title = record.title or ""
    body = record.body or ""
    if signals is None or signals.title != title or signals.body != body:
        signals = text_signals(title, body)
    p = Profile(sig=signals.sig, facts=signals.facts, lead=signals.lead, ts=record_time(record))
    if signals.bands is not None:
        p.__dict__["bands"] = list(signals.bands)  # the cached_property's slot: not computed again
    if signals.posted is not None:
        p.__dict__["_postings"] = list(signals.posted)  # read by the store (``store_stories._postings``)
    return p


def kind(fact: str) -> str:
    return fact.split(":", 1)[0]


_VALUE = re.compile(r"^(.*):([-0-9.e+]+)$")


def _dims(facts: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in facts:
        k = kind(f)
        if k in CONFLICT_KINDS:
            m = _VALUE.match(f)
            dim, value = (m.group(1), m.group(2)) if m and k not in ("date", "wd") else (k, f)
            out.setdefault(dim, set()).add(value)
    return out


def _agree(dim: str, a: set[str], b: set[str]) -> bool:
    if a & b:
        return True
    if dim.startswith(("date", "wd")):
        return False
    for x in a:
        for y in b:
            fx, fy = float(x), float(y)
            if abs(fx - fy) <= TOLERANCE * max(abs(fx), abs(fy)):
                return True
    return False


def _lead_names_day(later: Profile, earlier: Profile) -> bool:
    """Whether the later article's opening names the (UTC) day of the earlier one, +-1 day for
    time zones."""
    days = {f for f in later.lead if kind(f) == "date"}
    if not days:
        return False
    when = datetime.fromtimestamp(earlier.ts, tz=UTC)
    return any(f"date:{d:%m-%d}" in days for d in (when - timedelta(days=1), when, when + timedelta(days=1)))


def in_window(a: Profile, b: Profile) -> bool:
    """Whether two articles are close enough in time to be compared (see ``DATED_WINDOW_DAYS``)."""
    gap = abs(a.ts - b.ts)
    if gap <= WINDOW_DAYS * 86400:
        return True
    later, earlier = (a, b) if a.ts > b.ts else (b, a)
    return gap <= DATED_WINDOW_DAYS * 86400 and _lead_names_day(later, earlier)


def conflict(a: Profile, b: Profile) -> str | None:
    """The kind of fact on which two articles disagree, or None."""
    da, db = a.dims, b.dims
    for dim in da.keys() & db.keys():
        if not _agree(dim, da[dim], db[dim]):
            return dim
    for name, la, lb in (("lead-date", a.lead_sets[0], b.lead_sets[0]), ("place", a.lead_sets[1], b.lead_sets[1])):
        if la and lb and la - lb and lb - la and (name == "place" or not la & lb):
            return name
    return None


def idf(df: int, n: int) -> float:
    """Rarity of a fact held by ``df`` of ``n`` stored articles, 1.0 (unique) down to ~0."""
    if n <= 1 or df <= 1:
        return 1.0
    return max(0.05, math.log(1 + n / df) / math.log(1 + n))


def _same_event(a: Profile, b: Profile, shared: frozenset[str], weight: Callable[[str], float]) -> bool:
    """Whether two articles share facts of the event itself, not of its background: numbers or
    dates worth ``EVENT_FACTS``, or the date or weekday their openings give. Two events of one
    programme (the first frigate's sea trials, the second one's launch) share names and
    background numbers only."""
    numbers = sum(weight(f) for f in shared if kind(f) in NUMBER_KINDS and not _small_count(f))
    return numbers >= EVENT_FACTS or any(kind(f) in ("date", "wd") for f in a.lead & b.lead)


def _small_count(fact: str) -> bool:
    return kind(fact) == "num" and float(fact[4:]) < 10


def _worth(facts: Iterable[str], weight: Callable[[str], float]) -> float:
    return sum(weight(f) for f in facts)


def decide(a: Profile, b: Profile, weight: Callable[[str], float]) -> Verdict:
    """Whether ``a`` and ``b`` report the same event (``weight`` gives a fact's worth)."""
    if not in_window(a, b):
        return Verdict(False, "time")
    j = jaccard(a.sig, b.sig)
    why = conflict(a, b)
    if why:
        return Verdict(False, f"conflict:{why}", j)
    shared = a.facts & b.facts
    load = getattr(weight, "load", None)  # the store's weights read fact counts on demand
    if load:
        load(shared)
    worth = sum(weight(f) for f in shared)
    if j >= NEAR:
        return Verdict(True, "near-copy", j, worth)
    if j >= REWRITE and worth >= REWRITE_FACTS:
        return Verdict(True, "rewrite", j, worth)
    kinds = {kind(f) for f in shared}
    if worth >= SHARED_FACTS and kinds & NAME_KINDS and _same_event(a, b, shared, weight):
        # Share of the poorer side's facts that the other also holds: a rewrite keeps most
        # of them; another event on the same topic (same programme, same minister) far fewer.
        if load:
            load(a.facts | b.facts)  # the rarity of facts only one side holds
        smaller = min(_worth(a.facts, weight), _worth(b.facts, weight))
        if smaller and worth / smaller >= SHARED_SHARE:
            return Verdict(True, "shared-facts", j, worth)
    return Verdict(False, "weak", j, worth)
