"""When to poll a feed next: adaptive, after miniflux's entry-frequency scheduler.

A leaf module (standard library only)::

    interval = 7 days / (entries seen in the last week * factor), clamped to [min, max]
    interval = max(interval, hint)   # RSS <ttl>, Cache-Control max-age, Retry-After
    errors:    min * 2 ** failures, up to max
    then +/- jitter
"""
from __future__ import annotations

import random
import re

WEEK = 7 * 24 * 3600.0


def poll_interval(entries_last_week: int, *, min_interval: float, max_interval: float, factor: float = 1.0,
                  hint: float | None = None, failures: int = 0) -> float:
    if failures > 0:
        interval = min(max_interval, min_interval * (2 ** min(failures, 20)))
    elif entries_last_week <= 0:
        interval = max_interval
    else:
        interval = WEEK / (entries_last_week * max(factor, 1e-6))
    interval = max(min_interval, min(max_interval, interval))
    if hint:
        interval = max(interval, min(hint, max_interval))
    return interval


def with_jitter(interval: float, jitter: float, rng: random.Random | None = None) -> float:
    if jitter <= 0:
        return interval
    r = (rng or random).uniform(-jitter, jitter)
    return max(0.0, interval * (1 + r))


def cache_hint(headers: dict[str, str]) -> float | None:
    """Seconds the server asks us to wait: Cache-Control max-age or Retry-After (seconds or date)."""
    from email.utils import parsedate_to_datetime
    import time

    hint = None
    cc = headers.get("cache-control") or ""
    m = re.search(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*(\d+)", cc, re.IGNORECASE)
    if m:
        hint = float(m.group(1))
    ra = (headers.get("retry-after") or "").strip()
    if ra:
        if ra.isdigit():
            hint = max(hint or 0, float(ra))
        else:
            try:
                hint = max(hint or 0, parsedate_to_datetime(ra).timestamp() - time.time())
            except (TypeError, ValueError, IndexError):
                pass
    return hint
