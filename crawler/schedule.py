"""When to poll a feed next: adaptive, after miniflux's entry-frequency scheduler.

A leaf module (standard library only)::

    interval = 7 days / (entries published in the last week * factor), clamped to [min, max]
    no entry in the last week: max
    errors:    min * 2 ** failures, capped at max (exponential backoff)
    then +/- jitter (so feeds polled together drift apart), and
    never below the server's hint: RSS <ttl>, Cache-Control max-age, Retry-After (capped at max)

The entry rate comes from the entries' own dates (published, else updated), as miniflux counts
``published_at >= now() - 1 week``. A feed whose dated entries all lie within the last week shows
only part of its rate, so the count is extrapolated over the span it covers (at least one day,
so a burst of three posts in an hour does not read as 500 a week).
"""
from __future__ import annotations

import random
import re
import time
from collections.abc import Iterable, Mapping

from crawler.dates import iso_timestamp, parse_retry_after

DAY = 24 * 3600.0
WEEK = 7 * DAY
MAX_BACKOFF_DOUBLINGS = 20


def poll_interval(entries_last_week: float, *, min_interval: float, max_interval: float, factor: float = 1.0,
                  hint: float | None = None, failures: int = 0) -> float:
    """Seconds until the next poll, before jitter (see the module docstring)."""
    max_interval = max(max_interval, min_interval)
    if failures > 0:
        interval = min_interval * (2.0 ** min(failures, MAX_BACKOFF_DOUBLINGS))
    elif entries_last_week <= 0:
        interval = max_interval
    else:
        interval = WEEK / (entries_last_week * max(factor, 1e-6))
    interval = max(min_interval, min(max_interval, interval))
    if hint:
        interval = max(interval, min(hint, max_interval))
    return interval


def with_jitter(interval: float, jitter: float, rng: random.Random | None = None) -> float:
    """``interval`` scaled by a uniform factor in ``[1 - jitter, 1 + jitter]``."""
    if jitter <= 0:
        return interval
    r = (rng or random).uniform(-jitter, jitter)
    return max(0.0, interval * (1 + r))


def next_interval(entries_last_week: float, *, min_interval: float, max_interval: float, factor: float = 1.0,
                  hint: float | None = None, failures: int = 0, jitter: float = 0.0,
                  rng: random.Random | None = None) -> float:
    """The interval with jitter applied; jitter never takes it below the server's hint."""
    interval = with_jitter(poll_interval(entries_last_week, min_interval=min_interval, max_interval=max_interval,
                                         factor=factor, hint=hint, failures=failures), jitter, rng)
    if hint:
        interval = max(interval, min(hint, max(max_interval, min_interval)))
    return interval


def stamp_time(stamp: str | None) -> float | None:
    """Unix time of a feed entry's stamp (``"<ISO updated or published>|<digest>"``)."""
    return iso_timestamp((stamp or "").split("|", 1)[0])


def entries_per_week(times: Iterable[float | None], now: float | None = None) -> float | None:
    """Entries per week from the entries' dates; None when no entry has a date.

    Counts the entries of the last week; when the oldest dated entry is younger than a week the
    feed does not reach back that far, so the count is scaled to a week over the span covered
    (at least one day). Entries dated in the future count as now.
    """
    now = time.time() if now is None else now
    dated = [min(t, now) for t in times if t is not None]
    if not dated:
        return None
    recent = [t for t in dated if t >= now - WEEK]
    if not recent:
        return 0.0
    oldest = min(dated)
    if oldest >= now - WEEK:
        return len(recent) * WEEK / max(now - oldest, DAY)
    return float(len(recent))


def cache_hint(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait: Cache-Control max-age or Retry-After (seconds or date).

    ``headers`` has lower-case names. ``no-cache``/``no-store`` make ``max-age`` meaningless for
    polling and are ignored (they give no hint).
    """
    hint = None
    cc = headers.get("cache-control") or ""
    m = re.search(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", cc, re.IGNORECASE)
    if m and not re.search(r"no-(?:cache|store)", cc, re.IGNORECASE):
        hint = float(m.group(1))
    wait = parse_retry_after(headers.get("retry-after"), now)
    if wait is not None:
        hint = max(hint or 0.0, wait)
    return hint if hint and hint > 0 else None
