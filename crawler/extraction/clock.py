"""Dates and times written the local way: "3:45 petang", "4. децембра 2026.", "2026. gada 4. decembrī".

A 12-hour clock followed by a day-period word is read through CLDR's day periods for the page's
language (Babel ships them): each word names a span of the day ("petang" = 14:00-19:00 in Malay), so
the hour is the one of h and h+12 that falls in that span. A month is read by its CLDR name's stem,
so inflected forms match too. No table of languages is kept here.
"""
from __future__ import annotations

import re
from functools import lru_cache

#: A day period word is at most this many words ("tengah hari", "öğleden sonra").
_PERIOD_WORDS = 3
_DAY = 86_400


@lru_cache(maxsize=64)
def _periods(lang: str) -> tuple[re.Pattern[str] | None, dict[str, tuple[tuple[int, int], ...]]]:
    """(a pattern of "h:mm <period>", period word -> its spans of the day in seconds) for ``lang``."""
    from babel import Locale, UnknownLocaleError
    try:
        locale = Locale.parse(lang.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None, {}
    try:
        rules = locale._data["day_period_rules"]
        rule = dict(rules.get(None) or rules.get("selection") or {})
    except (KeyError, AttributeError):
        rule = {}
    spans: dict[str, list[tuple[int, int]]] = {}

    def add(word: str, span: tuple[int, int]) -> None:
        word = " ".join(word.lower().split()).rstrip(".")
        if word and len(word.split()) <= _PERIOD_WORDS and not any(c.isdigit() for c in word):
            spans.setdefault(word, []).append(span)

    for context in locale.day_periods.values():
        for names in context.values():
            for period_id, word in dict(names).items():
                if period_id == "am":
                    add(word, (0, _DAY // 2))
                elif period_id == "pm":
                    add(word, (_DAY // 2, _DAY))
                else:
                    for r in rule.get(period_id, ()):
                        if "from" in r and "before" in r:
                            add(word, (int(r["from"]), int(r["before"])))
    if not spans:
        return None, {}
    words = "|".join(re.escape(w) for w in sorted(spans, key=len, reverse=True))
    pattern = re.compile(rf"\b(\d{{1,2}})[:.](\d\d)(?::(\d\d))?\s*({words})(?!\w)", re.I)
    return pattern, {w: tuple(s) for w, s in spans.items()}


def _in(seconds: int, span: tuple[int, int]) -> bool:
    start, end = span
    return start <= seconds < end if start < end else seconds >= start or seconds < end


def _hour(hour: int, minute: int, spans: tuple[tuple[int, int], ...]) -> int | None:
    """The 24-hour hour of a 12-hour ``hour`` said to fall in one of ``spans``."""
    if hour > 12:
        return hour
    for h in (hour % 12, hour % 12 + 12):
        if any(_in(h * 3600 + minute * 60, s) for s in spans):
            return h
    return None


_CLOCK_THEN_WORD = re.compile(r"\d[:.]\d\d(?::\d\d)?\s*[^\W\d_]")


def day_period_to_24h(text: str, langs: str | None) -> str:
    """``text`` with a clock time and its day-period word ("3:45 petang") as a 24-hour time ("15:45")."""
    if _CLOCK_THEN_WORD.search(text) is None:
        return text  # no word after a clock time: no locale data to load
    for lang in (langs or "").split(","):
        if not lang or lang.startswith("en"):
            continue  # English "PM" is read with the common formats
        pattern, spans = _periods(lang)
        if pattern is None:
            continue
        m = pattern.search(text)
        if m is None:
            continue
        hour = _hour(int(m.group(1)), int(m.group(2)), spans[" ".join(m.group(4).lower().split()).rstrip(".")])
        if hour is None:
            return text
        clock = f"{hour:02d}:{m.group(2)}" + (f":{m.group(3)}" if m.group(3) else "")
        return text[:m.start()] + clock + text[m.end():]
    return text


#: A clock time in a date line ("16:05", "16.05.00", "16h05"), after the day-period words were read.
_TIME = re.compile(r"(?<![\d.:])(\d{1,2})[:.h](\d\d)(?:[:.](\d\d))?(?![\d:])")
_NUMBER = re.compile(r"(?<![\d:.])\d{1,4}(?![\d:])|(?<![\d:.])\d{1,4}(?=\.(?:\s|$))")
_TOKEN = re.compile(r"[^\s\d.,:;/()\[\]|–—-]+\.?")
#: The years of the Thai solar calendar run 543 ahead ("2 ธันวาคม 2569" is 2 December 2026).
_BUDDHIST_ERA = {"th": 543}


@lru_cache(maxsize=64)
def _months(lang: str) -> tuple[tuple[str, int, int], ...]:
    """(name or stem, month, longest form) of the language's month names (CLDR: wide and abbreviated,
    both contexts); a long name is matched by its stem, so inflected forms ("децембра", "decembrī") match."""
    from babel import Locale, UnknownLocaleError
    try:
        locale = Locale.parse(lang.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return ()
    out: dict[str, tuple[int, int]] = {}
    for context in locale.months.values():
        for names in context.values():
            for month, name in dict(names).items():
                name = name.lower().rstrip(".")
                if len(name) < 2 or any(c.isdigit() for c in name):
                    continue
                stem = name[:max(3, len(name) - 2)] if len(name) >= 5 else name
                out.setdefault(stem, (month, len(name) + 3))
    return tuple((stem, month, longest) for stem, (month, longest) in out.items())


#: A month name spelled one letter apart from CLDR's is read when both are at least this long.
VARIANT_CHARS = 6


@lru_cache(maxsize=64)
def _wide_months(lang: str) -> tuple[tuple[str, int], ...]:
    """(wide name, month) of the language's long month names, both contexts (CLDR)."""
    from babel import Locale, UnknownLocaleError
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return ()
    return tuple(dict.fromkeys((name.lower(), month) for context in locale.months.values()
                               for month, name in dict(context["wide"]).items() if len(name) >= VARIANT_CHARS))


@lru_cache(maxsize=1024)
def _variant_month(token: str, lang: str) -> int | None:
    """The month whose CLDR name the token spells with one letter more, less or changed: sites
    write a long vowel single or a sound otherwise than CLDR ("Nofeembar" for "Noofeembar",
    "Nobiyembre" for "Nobyembre"). None unless exactly one month is that close."""
    months = {month for name, month in _wide_months(lang) if name[0] == token[0] and _one_edit(token, name)}
    return months.pop() if len(months) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by at most one inserted, deleted or replaced letter."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i + 1:] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1:]


def parse_local_date(text: str, langs: str | None) -> tuple[int, int, int, int | None, int, int] | None:
    """(year, month, day, hour or None, minute, second) of a date written with a month name of the page's
    language ("4. децембра 2026. у 16:00", "2026. gada 4. decembrī", "2026 m. gruodžio 4 d."); None
    unless exactly one month name, one year and one day are found."""
    for lang in (langs or "").split(","):
        base = lang.strip().lower().split("-")[0]
        if not base or base == "en":
            continue
        months = _months(lang.strip())
        if not months:
            continue
        found = set()
        for token in _TOKEN.findall(text.lower()):
            token = token.rstrip(".")
            hits = [(len(stem), month) for stem, month, longest in months
                    if token.startswith(stem) and len(token) <= longest]
            if hits:
                found.add(max(hits)[1])
            elif len(token) >= VARIANT_CHARS and (month := _variant_month(token, lang.strip())):
                found.add(month)
        if len(found) != 1:
            continue
        clock = _TIME.search(text)
        rest = text[:clock.start()] + " " + text[clock.end():] if clock else text
        numbers = [int(n) for n in _NUMBER.findall(rest)]
        era = _BUDDHIST_ERA.get(base, 0)
        years = [n - era if n - era >= 1990 else n for n in numbers if 1990 <= n - era <= 2100 or 1990 <= n <= 2100]
        days = [n for n in numbers if 1 <= n <= 31]
        if len(years) != 1 or len(days) != 1:
            continue
        hour = minute = second = None
        if clock:
            hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        return years[0], found.pop(), days[0], hour, minute or 0, second or 0
    return None
