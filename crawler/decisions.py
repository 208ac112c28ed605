"""The crawl's decisions as pure functions: when to poll a feed, whether to fetch an entry's page,
when to retry a failed page, and what version a stored record becomes.

A leaf module (standard library only): every function takes the store's typed rows and the
time, and returns a value; the spider, the pipelines and the store apply them.
"""
from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from crawler.items import Article, FeedEntry
from crawler.schedule import cache_hint, next_interval
from crawler.state import PAGE_MAX_ATTEMPTS, RETRY_OUTCOMES, EntryState, FeedState, PageState

#: A page that answered 404/410 is asked again on a later change of its entry, this many times
#: in all (posts are listed before their page is live).
GONE_MAX_ATTEMPTS = 3
#: Backoff of a failed page: BASE * 2 ** (attempts - 1) seconds.
PAGE_RETRY_BASE = 600.0
#: Outcomes of a page that a changed entry does not bring back.
SETTLED_OUTCOMES = frozenset({"gone", "not-an-article", "robots-denied", "address-denied"})
#: Outcomes that make a new entry pointing at the page "already handled".
HANDLED_OUTCOMES = SETTLED_OUTCOMES | {"stored", "duplicate"}


# ---------------------------------------------------------------- entries

def stamp_moved(known: EntryState, entry: FeedEntry) -> bool:
    """Whether a known entry changed since it was handled: its dates or content moved.

    The same post in a second feed (a category feed with excerpts instead of full text) only
    counts as changed when its dates move; content is compared within the feed that recorded it.
    Across feeds, an undated side (RSS 0.92) has no date to compare: it never says that the
    post changed, whichever feed recorded it first. One change, one fetch (issue 9).
    """
    if entry.stamp is None or known.updated in (None, entry.stamp):
        return False
    assert known.updated is not None
    if known.feed_url and known.feed_url != entry.feed_url:
        date, before = entry.stamp.split("|", 1)[0], known.updated.split("|", 1)[0]
        return bool(date and before) and before != date
    return True


def dated_over_undated(known: EntryState, entry: FeedEntry) -> bool:
    """Whether a dated feed now lists a post that an undated feed recorded: the dated feed
    watches it from now on (its dates and content tell edits; issue 9)."""
    if not entry.stamp or not known.feed_url or known.feed_url == entry.feed_url:
        return False
    return bool(entry.stamp.split("|", 1)[0]) and not (known.updated or "").split("|", 1)[0]


def retry_pending(page: PageState, now: float) -> bool:
    """Whether a failed page waits for its own retry (or has used up its attempts)."""
    return page.attempts >= PAGE_MAX_ATTEMPTS or (page.retry_at or 0) > now


@dataclass(frozen=True)
class Decision:
    """What to do with one feed entry."""

    #: "fetch" the page, "remember" the entry's identities as handled, or "skip" it for now.
    action: Literal["fetch", "remember", "skip"]
    #: The page key the entry leads to.
    page_key: str
    #: Fetch although the page was seen before (the entry changed).
    refetch: bool = False
    #: The stamp to remember with the entry's identities.
    stamp: str | None = None
    #: The stat to count (``defwatch/entries/<stat>``), if any.
    stat: str | None = None
    #: Hand the entry's identities to this entry's (dated) feed, with its stamp (``Store.restamp_entries``).
    restamp: bool = False


def decide_entry(known: EntryState | None, page: PageState | None, entry: FeedEntry, now: float, *,
                 link_key: str, force: bool = False) -> Decision:
    """Decide what a feed entry asks for, from what the store knows of it and of its page.

    Called only when the feed's body changed. A page that was gone (404/410) is asked again on
    such a change, up to ``GONE_MAX_ATTEMPTS`` times, never on an idle poll.
    """
    page_key = known.page_key if known else link_key
    if page and page.outcome == "gone" and page.attempts < GONE_MAX_ATTEMPTS and not retry_pending(page, now):
        return Decision("fetch", page_key, stat="gone_recheck")
    if known is not None:
        if not force and not stamp_moved(known, entry):
            # Already handled; remember any new identity (a changed GUID, a second feed).
            return Decision("remember", page_key, stamp=known.updated, stat="known",
                            restamp=dated_over_undated(known, entry))
        if page and page.outcome in SETTLED_OUTCOMES:
            return Decision("remember", page_key, stamp=entry.stamp)
        return Decision("fetch", page_key, refetch=True, stat="changed")
    if page and page.outcome in HANDLED_OUTCOMES:
        return Decision("remember", page_key, stamp=entry.stamp, stat="known")
    if page and page.outcome in RETRY_OUTCOMES and retry_pending(page, now):
        return Decision("skip", page_key)  # a failing page is retried on its own schedule
    return Decision("fetch", page_key)


def retry_time(attempts: int, now: float, *, budget_spent: bool = False,
               fixed_interval: float | None = None) -> float | None:
    """When a failed page is due again after ``attempts`` tries (None: give up)."""
    if attempts >= PAGE_MAX_ATTEMPTS:
        return None
    if budget_spent:
        return now  # never sent: due again in the next crawl or cycle
    if fixed_interval is not None:
        return now + fixed_interval
    return now + PAGE_RETRY_BASE * (2.0 ** (attempts - 1))


# ---------------------------------------------------------------- feeds

@dataclass(frozen=True)
class PollBounds:
    """The schedule settings of one feed's site (seconds)."""

    min_interval: float
    max_interval: float
    max_new_entries: int
    factor: float = 1.0
    jitter: float = 0.0
    #: ``--interval``: the same pace for every feed (a failing feed still backs off).
    fixed_interval: float | None = None


@dataclass(frozen=True)
class PollResult:
    """What one poll of a feed found."""

    #: "200" (parsed), "200-unchanged" (same body hash), "304" or "error".
    status: str
    error: str | None = None
    #: Response headers, lower-case names (for Cache-Control and Retry-After).
    headers: Mapping[str, str] = field(default_factory=dict)
    new_items: int = 0
    #: The feed's <ttl> in seconds (parsed polls only).
    ttl: float | None = None
    #: Entries per week (None: the entries carry no dates).
    rate: float | None = None
    #: The new ETag, Last-Modified and body hash (None: leave the stored one).
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass(frozen=True)
class PollPlan:
    """The feed's state after a poll, and the validators to store once the crawl is done."""

    state: FeedState
    #: Validators stored only when the crawl finishes (a kill before that keeps the old ones).
    deferred: Mapping[str, str | None] = field(default_factory=dict)


def poll_base(state: FeedState, interval: float, now: float, bounds: PollBounds, cycle_started: float | None) -> float:
    """What the next poll is counted from: with ``--interval``, the time this poll was due when
    the cycle started on time (a fixed grid of poll starts, no drift), else the cycle's start;
    adaptive polling counts from now (issue 9)."""
    if bounds.fixed_interval is None or cycle_started is None:
        return now
    due = state.next_poll_at or 0.0
    return due if 0.0 <= cycle_started - due < interval else cycle_started


def plan_poll(state: FeedState, result: PollResult, now: float, bounds: PollBounds, *,
              rng: random.Random | None = None, cycle_started: float | None = None) -> PollPlan:
    """The feed's next state after ``result``: its schedule (see ``crawler.schedule``) and validators.

    A 304 or an unchanged body reuses the stored <ttl> hint. Validators of a poll that found new
    entries wait for the crawl to end; those of a poll that hit the per-poll cap are never stored
    (the next poll is a full GET for the rest).
    """
    error = result.status == "error"
    failures = state.failures + 1 if error else 0
    server_hint = cache_hint(result.headers, now)
    if error:
        # Retry-After (or max-age) applies to this wait only; the feed's <ttl> hint is kept.
        hint, kept_hint = server_hint, state.min_interval_hint
    elif result.status == "200":
        hint = kept_hint = max(filter(None, [result.ttl, server_hint]), default=None)
    else:
        hint = kept_hint = max(filter(None, [result.ttl, server_hint, state.min_interval_hint]), default=None)
    capped = result.new_items >= bounds.max_new_entries
    if bounds.fixed_interval is not None:
        interval = bounds.fixed_interval * (2.0 ** min(failures, 20))
        interval = min(interval, max(bounds.fixed_interval, bounds.max_interval))
    else:
        interval = next_interval(result.rate or 0.0, min_interval=bounds.min_interval,
                                 max_interval=bounds.max_interval, factor=bounds.factor, hint=hint,
                                 failures=failures, jitter=bounds.jitter, rng=rng)
        if capped:
            # The per-poll cap left entries behind: come back soon for the rest.
            interval = min(interval, bounds.min_interval)
    fresh: dict[str, str | None] = {}
    if result.status.startswith("200"):
        fresh = {"etag": result.etag, "last_modified": result.last_modified, "body_hash": result.body_hash}
    else:
        fresh = {k: v for k, v in (("etag", result.etag), ("last_modified", result.last_modified),
                                   ("body_hash", result.body_hash)) if v is not None}
    new_state = replace(
        state, last_poll_at=now, last_status=result.status, last_error=result.error, failures=failures,
        next_poll_at=poll_base(state, interval, now, bounds, cycle_started) + interval, interval=interval, min_interval_hint=kept_hint, polls=state.polls + 1)
    if result.new_items:
        new_state = replace(new_state, last_new_at=now, items_total=state.items_total + result.new_items)
    deferred: dict[str, str | None] = {}
    if result.new_items and fresh:
        # Crash safety: stored now, a kill -9 before the pages are fetched would make the next
        # poll a 304 and the entries would be lost. A capped poll keeps the old ones for good.
        if not capped:
            deferred = fresh
    else:
        new_state = replace(new_state, **fresh)  # type: ignore[arg-type]
    return PollPlan(new_state, deferred)


# ---------------------------------------------------------------- versions

def next_version(previous: Article | None, record: Article) -> tuple[str, Article]:
    """The record to store and what it is: ``"new"``, ``"updated"`` or ``"unchanged"``.

    An unchanged content hash keeps the stored version. A changed one is version + 1; it keeps
    the first version's publication date when the page lost it, and always says when it changed.
    """
    if previous is None:
        return "new", replace(record, version=1)
    if previous.content_hash == record.content_hash:
        return "unchanged", previous
    return "updated", replace(record, version=previous.version + 1,
                              published=record.published or previous.published,
                              updated=record.updated or record.fetched_at)
