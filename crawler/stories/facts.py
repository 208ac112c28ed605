"""Facts of one article that a rewrite or a translation keeps and a different event changes.

Numbers with their units, dates and weekdays, read in English, French, German and Spanish with
no translation: "$1.6bn", "1,6 milliard de dollars", "1,6 Milliarden Dollar" and "1.600 millones
de dólares" are all ``money:usd:1.6e+09``; "1,100 km", "1 100 km" and "1.100 Kilometer" are all
``km:1100``. Names, places and designators are in ``names.py``.

A fact is a string ``kind:value``. Kinds:

=========  ===========================================  ==================
kind       example                                      from
=========  ===========================================  ==================
money      ``money:usd:1.6e+09``                        $1.6bn
km         ``km:1100``                                  1,100 km (miles -> km)
mm         ``mm:155``                                   155mm (calibre)
t          ``t:60``                                     60 tonnes
pct        ``pct:15``                                   15 %
num        ``num:180``                                  180 tanks (a count)
year       ``year:2024``                                2024
date       ``date:03-15``                               March 15, 15 mars
wd         ``wd:1``                                     Tuesday, mardi
=========  ===========================================  ==================
"""
from __future__ import annotations

import re
from functools import lru_cache

from crawler.stories.signals import fold
from crawler.text import words as text_words

# Thousands groups of exactly three digits after "," "." or a (narrow) space; anything else
# after "," or "." is a decimal part ("1,6" in French, "1.6" in English).
#: A number: "1,100", "1.100,5", "1 100", "2.5", "42"; not inside a word or after "F-" ("F-35").
_NUMBER_PLAIN = re.compile(r"(?<![\w.,])(?<![a-z]-)(\d{1,3}(?:(?:[,.]|[ \u00a0\u202f])\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
                           r"(?![.,]?\d)")
#: The same matches, its first digit read before the look-behinds (which then look one character
#: further back): a pattern that opens with a digit lets ``re`` skip to the digits of the text
#: instead of trying two look-behinds at every position.
_NUMBER = re.compile(r"(\d(?<![\w.,]\d)(?<![a-z]-\d)(?:\d{0,2}(?:(?:[,.]|[ \u00a0\u202f])\d{3})+(?:[.,]\d+)?|\d*(?:[.,]\d+)?))"
                     r"(?![.,]?\d)")

_SCALES = [
    (r"(?:mil\s+millones|milliards?|milliarden?|mrd\.?|md|billions?|bn|bln|b)", 1e9),
    (r"(?:millions?|millionen|millones|mill[oó]n|mio\.?|mln|mn|m)", 1e6),
    (r"(?:thousand|tausend|mille|mil|k)", 1e3),
    (r"(?:trillions?|billones|billion(?=\s+de\s+dollars?))", 1e12),
]
_CURRENCIES = [
    (r"(?:us\s?\$|\$|usd|us-?dollars?|dollars?|d[oó]lares|dollar)", "usd"),
    (r"(?:€|eur|euros?)", "eur"),
    (r"(?:£|gbp|pounds?(?:\s+sterling)?|livres?\s+sterling|pfund)", "gbp"),
    (r"(?:zł|zl|pln|zlotys?|zlotych|złotych)", "pln"),
    (r"(?:₩|krw|won)", "krw"),
    (r"(?:¥|jpy|yen)", "jpy"),
    (r"(?:₹|inr|rupees?|roupies?)", "inr"),
    (r"(?:a\$|aud)", "aud"),
    (r"(?:c\$|cad)", "cad"),
    (r"(?:nok|sek|dkk|kronor|kroner|couronnes)", "kr"),
    (r"(?:chf)", "chf"),
]
_UNITS = [
    (r"(?:km|kilomet(?:er|re)s?|kilom[eè]tres?|kilometern?|kil[oó]metros?)(?!\s?/\s?h|\s+(?:per|an|a|pro|por)\s+(?:hour|heure|stunde|hora))", "km", 1.0),
    (r"(?:mi|miles|millas|meilen)", "km", 1.609),
    (r"(?:nm|nautical\s+miles|milles?\s+nautiques|seemeilen|millas\s+n[aá]uticas)", "nmi", 1.0),
    (r"(?:mm|millimet(?:er|re)s?|millim[eè]tres?|mil[ií]metros?)", "mm", 1.0),
    (r"(?:tonnes?|tons?|tonnen|toneladas|t)", "t", 1.0),
    (r"(?:%|percent|per\s+cent|pour\s+cent|prozent|por\s+ciento)", "pct", 1.0),
]
_SCALE_RE = [(re.compile(p + r"(?!\w)"), v) for p, v in _SCALES]
_CUR_RE = [(re.compile(p + r"(?![a-z])"), c) for p, c in _CURRENCIES]
# The same patterns as one alternation each, a named branch per pattern in list order: ``match``
# takes the first branch that matches, as the loop over the list took the first pattern (one call
# instead of up to 11, for every number of every article).
_CUR_ANY = re.compile("|".join(f"(?P<c{i}>{p}(?![a-z]))" for i, (p, _) in enumerate(_CURRENCIES)))
_UNIT_ANY = re.compile("|".join(f"(?P<u{i}>{p}(?![a-z]))" for i, (p, _, _) in enumerate(_UNITS)))
_PREFIX_CUR = re.compile(r"(us\s?\$|a\$|c\$|\$|€|£|₩|¥|₹|usd|eur|gbp|pln|krw|jpy|inr|aud|cad|sek|nok|dkk|chf)\s?$")
_JOIN = re.compile(r"^[\s\u00a0\u202f-]*(?:de\s+|d['’]\s*|of\s+)?")

MONTHS = {
    1: "january jan janvier janv januar jänner janner enero ene",
    2: "february feb fevrier fev fevr februar febrero",
    3: "march mar mars marz maerz marzo",
    4: "april apr avril avr abril",
    5: "may mai mayo",
    6: "june jun juin juni junio",
    7: "july jul juillet juil juli julio",
    8: "august aug aout agosto ago",
    9: "september sept sep septembre septiembre setiembre",
    10: "october oct octobre oktober octubre",
    11: "november nov novembre noviembre",
    12: "december dec decembre dezember diciembre dic",
}
WEEKDAYS = {
    0: "monday lundi montag lunes",
    1: "tuesday mardi dienstag martes",
    2: "wednesday mercredi mittwoch miercoles",
    3: "thursday jeudi donnerstag jueves",
    4: "friday vendredi freitag viernes",
    5: "saturday samedi samstag sonnabend sabado",
    6: "sunday dimanche sonntag domingo",
}
_MONTH = {w: n for n, ws in MONTHS.items() for w in ws.split()}
_WEEKDAY = {w: n for n, ws in WEEKDAYS.items() for w in ws.split()}
_MONTH_ORDER = sorted(_MONTH, key=len, reverse=True)
_MONTH_ALT = "|".join(_MONTH_ORDER)
# "March 15", "15 March", "15th of March", "15 mars", "15. März", "15 de marzo", "1er mars".
_DATE_MD = re.compile(rf"\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![.,]?\d{{3}})")
_DATE_DM = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?({_MONTH_ALT})\b")
_DATE_ISO = re.compile(r"\b(20\d\d|19\d\d)-(\d\d)-(\d\d)\b")
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(sorted(_WEEKDAY, key=len, reverse=True)) + r")s?\b")


def parse_number(text: str) -> float | None:
    """The value of a number as written in any of the four languages."""
    s = text.replace("\u00a0", " ").replace("\u202f", " ")
    groups = re.split(r"[ ,.]", s)
    seps = re.findall(r"[ ,.]", s)
    if not seps:
        return float(s)
    # The last separator is decimal unless exactly three digits follow it and it is a
    # thousands separator ("1,100", "1.100", "1 100"): then every separator is one.
    last = groups[-1]
    if len(last) == 3 and (seps[-1] == " " or len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        return float("".join(groups))
    if seps[-1] == " ":
        return float("".join(groups))
    return float("".join(groups[:-1]) + "." + last)


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def number_facts(text: str) -> set[str]:
    """Numbers with their units and currencies (see the module table)."""
    facts: set[str] = set()
    low = text.casefold()
    for m in _NUMBER.finditer(low):
        try:
            value = parse_number(m.group(1))
        except ValueError:
            continue
        if value is None:
            continue
        before = low[max(0, m.start() - 6):m.start()]
        after = low[m.end():m.end() + 40]
        facts.update(_classify(value, m.group(1), before, after))
    return facts


def _classify(value: float, raw: str, before: str, after: str) -> list[str]:
    rest = after
    currency = None
    pm = _PREFIX_CUR.search(before)
    if pm:
        currency = _currency(pm.group(1))
    rest = rest.lstrip(" \u00a0\u202f-")
    scale = 1.0
    for rx, v in _SCALE_RE:
        sm = rx.match(rest)
        if sm and not (sm.group(0) in ("m", "b", "k", "md") and currency is None and not _CUR_AFTER(rest[sm.end():])):
            scale = v
            rest = rest[sm.end():]
            break
    if currency is None:
        jm = _JOIN.match(rest)
        tail = rest[jm.end():] if jm else rest
        cm = _CUR_ANY.match(tail)
        if cm:
            currency = _CURRENCIES[_branch(cm)][1]
    if currency:
        return [f"money:{currency}:{_fmt(value * scale):s}"]
    if scale != 1.0:
        return [f"num:{_fmt(value * scale)}"]
    rest = rest.lstrip(" \u00a0\u202f-")
    um = _UNIT_ANY.match(rest)
    if um:
        _, unit, factor = _UNITS[_branch(um)]
        if not (unit == "t" and um.group(0) == "t" and rest[1:2] not in ("", " ", ".", ",", ")")):
            v = value * factor
            return [f"{unit}:{_fmt(round(v, -1) if factor != 1.0 else v)}"]
    if "." not in raw and "," not in raw and 1900 <= value <= 2100 and len(raw) == 4:
        return [f"year:{int(value)}"]
    if value < 2 and value == int(value):
        return []  # "1 of the", "0" carry nothing
    return [f"num:{_fmt(value)}"]


def _branch(m: re.Match[str]) -> int:
    """The list index of the ``_CUR_ANY`` / ``_UNIT_ANY`` branch that matched."""
    assert m.lastgroup is not None  # every branch is a named group, and nothing else is
    return int(m.lastgroup[1:])


def _currency(token: str) -> str | None:
    token = token.strip()
    for rx, cur in _CUR_RE:
        if rx.fullmatch(token):
            return cur
    return None


def _CUR_AFTER(rest: str) -> bool:
    """Whether a currency follows a scale word ("1.6 m dollars" vs "1.6 m" of length)."""
    jm = _JOIN.match(rest)
    tail = rest[jm.end():] if jm else rest
    return _CUR_ANY.match(tail) is not None


#: Weekday -> number, with each name's plural ("mondays"); a name that is itself a listed name
#: ending in "s" keeps its own number (as ``_WEEKDAY_RE`` tries the longest name first).
_WEEKDAY_FORMS = {**{w + "s": n for w, n in _WEEKDAY.items()}, **_WEEKDAY}


@lru_cache(maxsize=1024)
def _date_patterns(months: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """``_DATE_MD`` and ``_DATE_DM`` with only these month names: where they match, the month is a
    whole word of the text, so the names the text lacks cannot take part in any match, and the
    search tries a few names at each position instead of all sixty.

    Each pattern also opens with a character rather than ``\\b`` (``re`` then skips to the
    positions where that character is): a ``\\b`` before a word character is a ``(?<!\\w)`` before
    it, checked once the character is read, by a look-behind one character longer.
    """
    names = [w for w in _MONTH_ORDER if w in months]
    opening = "|".join(f"{re.escape(w)}(?<!\\w{re.escape(w)})" for w in names)
    month_day = _DATE_MD.pattern.replace(f"\\b({_MONTH_ALT})", f"((?:{opening}))")
    day_month = _DATE_DM.pattern.replace(r"\b(\d{1,2})", r"(\d(?<!\w\d)\d?)").replace(f"({_MONTH_ALT})",
                                                                                    f"({'|'.join(names)})")
    return re.compile(month_day), re.compile(day_month)


#: ``_DATE_ISO``, its year's first two digits read before the look-behind that stands for its ``\\b``.
_DATE_ISO_FAST = re.compile(_DATE_ISO.pattern.replace(r"\b(20\d\d|19\d\d)", r"((?:20|19)(?<!\w\d\d)\d\d)"))


def date_facts(text: str) -> set[str]:
    """Calendar dates as ``date:MM-DD`` and weekdays as ``wd:N`` (Monday = 0)."""
    low = fold(text)
    facts: set[str] = set()
    # A month or weekday the patterns match is a whole \w+ word of the text (a \b or a space
    # before it, a \b, a space or a dot after it): the text's words say which patterns can match.
    tokens = set(text_words(low))
    months = tokens & _MONTH.keys()
    if months:
        month_day, day_month = _date_patterns(frozenset(months))
        for m in month_day.finditer(low):
            day = int(m.group(2))
            if 1 <= day <= 31:
                facts.add(f"date:{_MONTH[m.group(1)]:02d}-{day:02d}")
        for m in day_month.finditer(low):
            day = int(m.group(1))
            if 1 <= day <= 31:
                facts.add(f"date:{_MONTH[m.group(2)]:02d}-{day:02d}")
    for m in _DATE_ISO_FAST.finditer(low):
        facts.add(f"date:{m.group(2)}-{m.group(3)}")
    facts.update(f"wd:{_WEEKDAY_FORMS[w]}" for w in tokens & _WEEKDAY_FORMS.keys())  # = _WEEKDAY_RE's matches
    return facts

