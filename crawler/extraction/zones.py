"""The offset of a time that a page shows without one ("입력 2026.11.16 09:12"), from the zone data.

A record's times are instants (ISO 8601 with an offset). When neither the page nor its feed states
an offset, the page's own language tag names the country ("en-AU"), or CLDR's most likely country
for the language does ("ko" -> KR, "ja" -> JP); the tz database's zone for that country then gives
the offset on that date, summer time included. No table of languages is kept here: both come from
the CLDR data that Babel ships and the tz database's ``zone.tab``.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, ZoneInfoNotFoundError

_REGION = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{4})?[-_]([A-Za-z]{2})\b")


def _zone_tab() -> str:
    for folder in TZPATH:
        path = Path(folder) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:  # no system tz database (Windows, slim containers): the one that zoneinfo falls back on
        import tzdata
        return (Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ImportError, OSError):
        return ""


@lru_cache(maxsize=1)
def country_zones() -> dict[str, list[str]]:
    """Country code -> its zones, in ``zone.tab``'s order (the most populous region first)."""
    out: dict[str, list[str]] = {}
    for line in _zone_tab().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) >= 3:
            out.setdefault(cols[0].upper(), []).append(cols[2])
    return out


@lru_cache(maxsize=256)
def country_of(lang: str) -> str | None:
    """The country a language tag names ("en-AU" -> AU), else CLDR's most likely one ("ko" -> KR)."""
    m = _REGION.match(lang.strip())
    if m:
        return m.group(1).upper()
    base = lang.strip().lower().replace("_", "-").split("-")[0]
    if not base:
        return None
    try:
        from babel.core import get_global
        likely = get_global("likely_subtags").get(base)
    except (ImportError, KeyError, ValueError):
        return None
    region = likely.rsplit("_", 1)[-1] if likely else ""
    return region.upper() if len(region) == 2 and region.isalpha() else None


def local_offset(naive: datetime, langs: list[str]) -> timezone | None:
    """The offset in force at ``naive`` in the first of ``langs`` whose country the zone data knows."""
    for lang in langs:
        country = country_of(lang) if lang else None
        zones = country_zones().get(country or "")
        if not zones:
            continue
        try:
            offset = ZoneInfo(zones[0]).utcoffset(naive)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        if offset is not None:
            return timezone(offset)
    return None
