"""Dates and times: the one ISO 8601 reader and the one ``Retry-After`` reader.

A leaf module (standard library only). Extraction reads human dates on pages with its own
parser; everything else (feeds, schedules, export filters, HTTP headers) comes here.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_iso(value: str | None, *, assume_utc: bool = True) -> datetime | None:
    """Read an ISO 8601 date or time (``Z``, a space instead of ``T``, or a bare date allowed).

    A time without an offset is UTC when ``assume_utc``, else it is returned naive. None when
    ``value`` is empty or not ISO 8601.
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    if len(text) > 10 and text[10] == " ":
        text = text[:10] + "T" + text[11:]
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None and assume_utc:
        dt = dt.replace(tzinfo=UTC)
    return dt


def parse_iso_arg(value: str | None) -> datetime | None:
    """Read a command-line ISO 8601 date or time (naive means UTC); ValueError when unreadable."""
    if not value:
        return None
    dt = parse_iso(value)
    if dt is None:
        raise ValueError(f"not an ISO 8601 date or time: {value!r}")
    return dt


def iso_timestamp(value: str | None) -> float | None:
    """Unix time of an ISO 8601 string (naive means UTC); None when absent or unreadable."""
    dt = parse_iso(value)
    return dt.timestamp() if dt is not None else None


def parse_retry_after(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or HTTP-date), or None."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds and seconds != float("inf") else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))
