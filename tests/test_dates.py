"""The one ISO 8601 reader and the one Retry-After reader (crawler/dates.py)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from crawler.dates import iso_timestamp, parse_iso, parse_iso_arg, parse_retry_after

NOON = datetime(2024, 10, 28, 12, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2024-10-28T12:00:00+00:00", "2024-10-28T14:00:00+02:00", "2024-10-28T12:00:00Z",
                                  "2024-10-28 12:00:00Z", "2024-10-28T12:00:00"])
def test_iso_times(text):
    assert parse_iso(text) == NOON and iso_timestamp(text) == NOON.timestamp()


def test_naive_times_and_dates():
    assert parse_iso("2024-10-28T12:00:00", assume_utc=False).tzinfo is None
    assert parse_iso("2024-10-28") == datetime(2024, 10, 28, tzinfo=UTC)
    assert parse_iso("2024-10-28T12:00:00+05:30").utcoffset() == timedelta(hours=5, minutes=30)


@pytest.mark.parametrize("text", [None, "", "yesterday", "28/10/2024", "2024-13-01"])
def test_unreadable(text):
    assert parse_iso(text) is None and iso_timestamp(text) is None


def test_command_line_dates_say_when_unreadable():
    assert parse_iso_arg(None) is None
    assert parse_iso_arg("2024-10-28") == datetime(2024, 10, 28, tzinfo=UTC)
    with pytest.raises(ValueError, match="not an ISO 8601"):
        parse_iso_arg("last week")


def test_retry_after_seconds_and_dates():
    assert parse_retry_after("120") == 120 and parse_retry_after(b"1.5") == 1.5 and parse_retry_after("-3") == 0
    assert parse_retry_after("soon") is None and parse_retry_after("nan") is None and parse_retry_after(None) is None
    when = datetime.now(UTC) + timedelta(hours=1)
    assert parse_retry_after(format_datetime(when, usegmt=True)) == pytest.approx(3600, abs=5)
    assert parse_retry_after(format_datetime(NOON, usegmt=True)) == 0  # in the past: no wait
