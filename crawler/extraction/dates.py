"""Publication and update times: structured data first, then <time> elements and visible datelines.

A time is never given an offset it does not state; the feed entry's instant can supply one, and
failing that the page's other time or its country's zone (``zones.py``): a record's times are instants.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from crawler.extraction.clock import day_period_to_24h, parse_local_date
from crawler.extraction.page import COMMENT_TYPES, Page, css, ld_types, norm_space, text_of, text_over
from crawler.extraction.zones import local_offset
from crawler.text import UNSPACED_SCRIPTS

_DATE_LABEL = re.compile(r"^\s*(?:(?:first\s+|last\s+)?(?:posted|published|updated|modified|created|date|le|publié|mis à jour|"
                         r"veröffentlicht|aktualisiert|publicado|actualizado|pubblicato)\b\s*(?:on|at|:)?\s*:?\s*)+",
                         re.I)
_DIGITS = re.compile(r"^\d{8}$|^\d{10}(?:\.\d+)?$|^\d{13}$")


@dataclass(frozen=True)
class When:
    """A parsed time: ``value`` as read; ``aware`` when it carries an offset; ``date_only``."""

    value: datetime
    aware: bool
    date_only: bool = False

    def iso(self) -> str:
        """ISO 8601: the date alone when only the day is known."""
        if self.date_only:
            return self.value.date().isoformat()
        return self.value.replace(microsecond=0).isoformat()


def parse_when(raw: Any, lang: str | None = None) -> When | None:
    """Read a date or time string without guessing an offset it does not state."""
    if raw is None:
        return None
    text = norm_space(str(raw))
    if not text or len(text) > 120:
        return None
    if _DIGITS.match(text):
        if len(text) == 8:
            try:
                return When(datetime.strptime(text, "%Y%m%d"), False, True)
            except ValueError:
                return None
        secs = float(text) / (1000 if len(text) == 13 else 1)
        if 946684800 <= secs <= 2524608000:  # 2000..2050: an epoch timestamp, UTC by definition
            return When(datetime.fromtimestamp(secs, tz=UTC), True)
        return None
    iso = text.replace("Z", "+00:00").replace("z", "+00:00") if re.match(r"^\d{4}-\d\d-\d\d", text) else None
    if iso:
        iso = re.sub(r"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*([+-]\d\d)(\d\d)$", r"\1\2:\3", iso)
        iso = re.sub(r"^(\d{4}-\d\d-\d\d) (\d)", r"\1T\2", iso)
        try:
            dt = datetime.fromisoformat(iso)
        except ValueError:
            dt = None
        if dt is not None:
            date_only = len(iso) <= 10
            return When(dt, dt.tzinfo is not None, date_only)
    return _parse_human(text, lang)


_MONTH_NUMBERS = {name: i for i, names in enumerate((
    "jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
    "sep sept september", "oct october", "nov november", "dec december"), 1) for name in names.split()}
_WEEKDAY_NAMES = ("mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|"
                  "sun|sunday")
_CLOCK = r"(?P<H>\d{1,2}):(?P<M>\d\d)(?::(?P<S>\d\d))?\s*(?P<ampm>[ap]\.?m\.?)?"
#: Zone abbreviations with the offsets dateparser gives them (its IST is Israel's).
_NAMED_ZONES = {"EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480,
                "PDT": -420, "BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "JST": 540,
                "KST": 540, "IST": 120, "AEST": 600, "AEDT": 660, "HKT": 480, "SGT": 480}
_ZONE = rf"(?P<tz>GMT|UTC|Z|[+-]\d\d:?\d\d|{'|'.join(_NAMED_ZONES)})\b"
_TAIL = rf"(?:,?\s+(?:at\s+|-\s+)?{_CLOCK})?(?:\s*{_ZONE})?"
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
#: The formats most bylines use, read without dateparser (~1-30 ms a call): "October 22, 2024, 9:02 AM",
#: "Tue, 22 Oct 2024 10:05:00 +0200", "22 October 2024 14:05 GMT", "2024-10-22 14:05:00 UTC".
_COMMON_DATES = (
    re.compile(rf"(?:(?:{_WEEKDAY_NAMES})\.?,?\s+)?{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}}){_TAIL}", re.I),
    re.compile(rf"(?:(?:{_WEEKDAY_NAMES})\.?,?\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+{_MONTH},?\s+(?P<y>\d{{4}}){_TAIL}", re.I),
    re.compile(rf"(?P<y>\d{{4}})-(?P<mon>\d\d)-(?P<d>\d\d)[ T]{_CLOCK}\s*{_ZONE}", re.I),
    # "01:38:07 PM IST Nov 20, 2019", "Fri 6:45 PM, Feb 16, 2018": the time first.
    re.compile(rf"(?:(?:{_WEEKDAY_NAMES})\.?,?\s+)?{_CLOCK}(?:\s*{_ZONE})?,?\s+{_MONTH}\s+(?P<d>\d{{1,2}})"
               rf"(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I),
)


def _parse_common(text: str) -> When | None:
    """A date in one of the common English formats, exactly as dateparser would read it; else None."""
    for rx in _COMMON_DATES:
        m = rx.fullmatch(text)
        if m is None:
            continue
        mon = m.group("mon")
        month = int(mon) if mon.isdigit() else _MONTH_NUMBERS.get(mon.lower())
        if month is None:
            return None
        hour = minute = second = 0
        has_time = m.group("H") is not None
        if has_time:
            hour, minute, second = int(m.group("H")), int(m.group("M")), int(m.group("S") or 0)
            ampm = (m.group("ampm") or "").lower()[:1]
            if ampm and not 1 <= hour <= 12:
                return None
            if ampm == "p" and hour < 12:
                hour += 12
            elif ampm == "a" and hour == 12:
                hour = 0
        tz = m.group("tz")
        tzinfo = None
        if tz:
            if not has_time:
                return None
            if tz.upper() in ("GMT", "UTC", "Z"):
                tzinfo = UTC
            elif tz.upper() in _NAMED_ZONES:
                tzinfo = timezone(timedelta(minutes=_NAMED_ZONES[tz.upper()]))
            else:
                sign = -1 if tz[0] == "-" else 1
                digits = tz[1:].replace(":", "")
                tzinfo = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        try:
            dt = datetime(int(m.group("y")), month, int(m.group("d")), hour, minute, second, tzinfo=tzinfo)
        except ValueError:
            return None
        if not 1990 <= dt.year <= 2100:
            return None
        return When(dt, True) if tzinfo is not None else When(dt, False, not has_time)
    return None


#: Words after a date that may name its zone ("ET", "Eastern Time"): such a line is left to dateparser.
_ZONE_ABBR, _ZONE_NAME = re.compile(r"[A-Z]{1,5}\b"), re.compile(r".*\b(?:time|standard|daylight|zone)\b", re.I)


def _parse_common_then_words(text: str) -> When | None:
    """A common-format date at the start of ``text`` followed by words only, no digits and no zone
    ("November 19, 2019, 9:02 AM Associated Press"): the date part, without asking dateparser."""
    for rx in _COMMON_DATES:
        m = rx.match(text)
        if m is None or m.end() == len(text):
            continue
        rest = text[m.end():]
        if rest[0].isalnum() or any(c.isdigit() for c in rest):
            return None
        rest = rest.strip(" ,;|-–—·•")
        if not rest or _ZONE_ABBR.match(rest) or _ZONE_NAME.match(rest):
            return None
        return _parse_common(m.group(0))
    return None


#: dateparser is only asked about strings up to this long; longer ones are cut to where the date starts.
DATEPARSER_MAX_CHARS = 60


def _shorten(text: str) -> str:
    """At most ``DATEPARSER_MAX_CHARS`` of text, cut at a space (dateparser's time grows with length)."""
    if len(text) <= DATEPARSER_MAX_CHARS:
        return text
    cut = text.rfind(" ", 0, DATEPARSER_MAX_CHARS + 1)
    return text[:cut if cut > 0 else DATEPARSER_MAX_CHARS]


#: A clock word before a time, with the time written with a dot ("kl. 14.32", "klo 14.32", "ore 14.32",
#: "saat 14.32"), or any short word after a year ("2026. у 16:00", "2026 pukul 10.20"): read as "14:32".
_CLOCK_WORD = re.compile(r"(?<=\d{4})\.?(?:,?\s+(?:kl|klo|kello|ore|ora|saat|um|at|à|às|o|[^\W\d_]{1,5})\.?)?,?\s+"
                         r"(\d{1,2})[.:h](\d\d)\b", re.I)


#: A numeric date, words before it only, an optional clock time after it ("Julkaistu 4.11.2026 14:32",
#: "Datum: 04.11.2026", "22/10/2024 - 14:05", "4. 12. 2026." with CLDR's spaces after the dots).
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?:(?P<dot>\.)\s?|(?P<sep>[/-]))(?P<b>\d{1,2})(?(dot)\.\s?|(?P=sep))(?P<y>\d{4})\.?"
                      r"(?:,?\s*(?:-\s*)?(?P<H>\d{1,2}):(?P<M>\d\d)(?::(?P<S>\d\d))?)?")


def _parse_numeric(text: str, lang: str | None) -> When | None:
    """A numeric date read day first, as everywhere but in US English; a dotted date is never month
    first. Slashed or dashed dates on an English (or unknown) page are left to dateparser (M/D/Y there)."""
    m = _NUMERIC.search(text)
    if m is None or m.end() != len(text) or any(c.isdigit() for c in text[:m.start()]):
        return None
    if not m.group("dot") and (not lang or lang.split(",")[0].startswith("en")):
        return None
    day, month = int(m.group("a")), int(m.group("b"))
    has_time = m.group("H") is not None
    try:
        dt = datetime(int(m.group("y")), month, day, int(m.group("H") or 0), int(m.group("M") or 0),
                      int(m.group("S") or 0))
    except ValueError:
        return None
    return When(dt, False, not has_time) if 1990 <= dt.year <= 2100 else None


#: An ISO date (and clock time) inside a meta line: "时间:2026-11-04 14:32 来源：X 作者：Y".
_ISO_IN_LINE = re.compile(r"(?<!\d)(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?)?(?![\d:+-])")


def _parse_iso_in_line(text: str) -> When | None:
    """The one ISO date of a line with other fields around it (two dates are left to dateparser)."""
    found = _ISO_IN_LINE.findall(text)
    if len(found) != 1:
        return None
    y, mo, d, hh, mm, ss = found[0]
    try:
        dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None
    return When(dt, False, not hh) if 1990 <= dt.year <= 2100 else None


def _parse_local(text: str, lang: str | None) -> When | None:
    """A date with a month name of the page's language, any inflection (CLDR month names)."""
    found = parse_local_date(text, lang) if lang else None
    if found is None:
        return None
    year, month, day, hour, minute, second = found
    try:
        dt = datetime(year, month, day, hour or 0, minute, second)
    except ValueError:
        return None
    return When(dt, False, hour is None)


def _undoubled(text: str) -> str:
    """One copy of a line written twice ("A. Roe Nov 19, 2019 A. Roe Nov 19, 2019": a responsive
    theme's two bylines in one box), which no date parser reads as a date."""
    tokens = text.split()
    half = len(tokens) // 2
    if half and len(tokens) % 2 == 0 and tokens[:half] == tokens[half:]:
        return " ".join(tokens[:half])
    return text


@lru_cache(maxsize=4096)
def _parse_human(text: str, lang: str | None) -> When | None:
    text = _DATE_LABEL.sub("", text).strip(" ,.|-–—")
    if lang:
        text = day_period_to_24h(text, lang)  # "3:45 petang" -> "15:45" (CLDR day periods)
    text = _CLOCK_WORD.sub(r" \1:\2", text)
    if not text or not re.search(r"\d", text):
        return None
    text = _undoubled(text)
    common = _parse_common(text) or _parse_numeric(text, lang) or _parse_iso_in_line(text) or _parse_local(text, lang)
    if common is not None:
        return common
    # "Submitted by Jane Roe on Tue, 10/22/2024 - 14:05": the part from where the date starts.
    m = _VISIBLE_DATE.search(text)
    tail = text[m.start():] if m is not None and m.start() > 0 else None
    if tail is not None and not any(c.isdigit() for c in text[:m.start()]):
        # Only words before the date (no time, no day): the date part alone says the same.
        common = _parse_common(tail) or _parse_common_then_words(tail)
        if common is not None:
            return common
    try:
        import dateparser  # slow to import: only when a human-written date must be read
    except ImportError:  # pragma: no cover
        return None
    # Default timezone handling: aware only when the text names a zone ("MSK", "+03:00").
    settings = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"],
                "PREFER_DATES_FROM": "past"}
    languages = _dateparser_languages(lang)

    def read(value: str) -> datetime | None:
        return dateparser.parse(value, languages=languages, settings=settings)

    dt = None
    try:
        text = _shorten(text)
        dt = read(text)
        if dt is None and tail is not None:
            text = _shorten(tail)
            dt = read(text)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if dt is None or not 1990 <= dt.year <= 2100:
        return None
    has_time = bool(re.search(r"\d{1,2}(?:[:h.]|\s*[時시]\s*)\d\d|\d\s*(?:am|pm)\b", text, re.I))
    if dt.tzinfo is not None:
        return When(dt, True)
    return When(dt, False, not has_time)


@lru_cache(maxsize=64)
def _dateparser_languages(lang: str | None) -> list[str]:
    """The page's languages ("de" or "de,en": the body's, then the template's) that dateparser knows,
    and English, the lingua franca of datelines.

    Never all locales: unrestricted, dateparser compiles the patterns of every language it knows
    (seconds per process), and reads numbers in one language as dates in another.
    """
    from dateparser.data.languages_info import language_order

    wanted = [code for code in (lang or "").split(",") if code in language_order and code != "en"]
    return list(dict.fromkeys(wanted)) + ["en"]


def combine_with_entry(page_when: When | None, entry_value: str | None) -> When | None:
    """A page time without offset gets the offset that makes it the feed entry's instant."""
    entry_when = parse_when(entry_value) if entry_value else None
    if page_when is None:
        return entry_when
    if page_when.aware or entry_when is None or not entry_when.aware:
        return page_when
    if page_when.date_only:
        local = entry_when.value
        return page_when if local.date() != page_when.value.date() else entry_when
    utc = entry_when.value.astimezone(UTC).replace(tzinfo=None)
    delta = page_when.value - utc
    minutes = delta.total_seconds() / 60
    if abs(minutes) <= 14 * 60 and abs(minutes - round(minutes / 15) * 15) < 1.01:
        offset = timedelta(minutes=round(minutes / 15) * 15)
        return When(page_when.value.replace(tzinfo=timezone(offset)), True)
    return page_when


_PUBLISHED_META = ("article:published_time", "og:published_time", "og:article:published_time",
                   "datepublished", "published_time", "pubdate", "publishdate", "publish-date",
                   "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date",
                   "dcterms.date", "date", "article.published", "cxenseparse:recs:publishtime")
_UPDATED_META = ("article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
                 "modified_time", "last-modified", "dcterms.modified", "article.updated", "revised")

#: Where a written date starts: ISO, "4 november 2026", "4. listopadu 2026", "12 Kasım 2026",
#: "4 Νοεμβρίου 2026", "Nov. 4, 2026", "04.11.2026" (month names in any alphabet), year first too.
_MONTH_WORD = r"[^\W\d_][^\s\d,.]{2,}"  # a letter, then letters or combining marks ("दिसंबर", "ธันวาคม")
_VISIBLE_DATE = re.compile(
    rf"(?:\d{{4}}-\d\d-\d\d|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+{_MONTH_WORD}\.?,?\s+\d{{4}}|"
    rf"{_MONTH_WORD}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}[./]\s?\d{{1,2}}[./]\s?\d{{2,4}}|"
    # year first: "2026. november 4.", "2026年11月4日", "2026년 11월 4일", "2026/11/04"
    rf"\d{{4}}\.?\s+{_MONTH_WORD}\.?\s+\d{{1,2}}|\d{{4}}\s*[年년/.]\s*\d{{1,2}}\s*[月월/.]\s*\d{{1,2}})")


#: A date line is short.
DATE_LINE_CHARS = 80


def looks_like_date(text: str, lang: str | None) -> bool:
    """Whether a short line is only a date in the page's language ("4 दिसंबर 2026", "2 ธันวาคม 2569"),
    read by the fast formats only (this asks about every short line under a headline)."""
    if len(text) > DATE_LINE_CHARS or len(text.split()) > 8 or _VISIBLE_DATE.search(text) is None:
        return False
    text = _DATE_LABEL.sub("", norm_space(text)).strip(" ,.|-–—")
    return bool(text) and (_parse_common(text) or _parse_numeric(text, lang) or _parse_local(text, lang)) is not None


def _time_elements(page: Page, content: Any) -> Iterator[tuple[str, str, Any]]:
    """(role, value, element) of <time> and date-classed elements near the article."""
    for el in page.body.iter("time"):
        # A <time> without a machine value still states the date in its text.
        value = el.get("datetime") or el.get("content") or (text_of(el) if len(el) == 0 else None)
        if value and not page.in_comments(el):
            yield _date_role(el), value, el


def _date_role(el: Any) -> str:
    probe = " ".join(filter(None, [el.get("itemprop"), el.get("class"), el.get("id"),
                                   (el.getparent().get("class") if el.getparent() is not None else None)])).lower()
    if "modif" in probe or "updated" in probe and "published" not in probe and "entry-date" not in probe:
        return "updated"
    return "published"


#: Class or id tokens of byline and date containers, in any case ("documentByLine",
#: "documentPublished", "entry__date", "post-meta", "dateline", "tarih", Malay "tarikh", Indonesian "tanggal";
#: a portal's info line "info").
_DATE_BOX = re.compile(r"date|time|posted|publish|byline|meta|\binfo\b|updated|modified|submitted|tarih|datum|fecha|"
                       r"tarikh|tanggal|ngay|paivays|päiväys|dato\b", re.I)
#: A visible line that gives the update time: by its label in the page's language, or its box's class.
_UPDATED_LABEL = re.compile(
    r"\s*(?:last\s+)?(?:updated|modified|mis à jour|aktualisiert|actualizado|atualizado|actualizat|aggiornato|"
    r"bijgewerkt|gewijzigd|uppdaterad|oppdatert|opdateret|päivitetty|aktualizováno|aktualizowano|aktualizované|"
    r"güncellendi|güncelleme|güncellenme|ενημερώθηκε|ενημέρωση|оновлено|обновлено|frissítve)", re.I)
_UPDATED_BOX, _PUBLISH_BOX = re.compile(r"updat|modif", re.I), re.compile(r"publish", re.I)
#: Visible date lines read at most.
MAX_VISIBLE_DATES = 8


def _after_headline_first(page: Page, elements: list[Any]) -> list[Any]:
    """Elements after the headline first, then those before it: a site header's "today" date
    ("Monday, 7 December 2026") comes before the headline, the story's own date after it."""
    h1 = next(page.body.iter("h1"), None)
    if h1 is None:
        return elements
    order = {el: i for i, el in enumerate(page.body.iter())}
    at = order.get(h1, 0)
    return [el for el in elements if order.get(el, 0) > at] + [el for el in elements if order.get(el, 0) <= at]


#: A teaser's headline link has at least this many words (a byline's author link has fewer), or
#: this many characters in a script written without spaces.
TEASER_LINK_WORDS, TEASER_LINK_CHARS = 4, 12
_UNSPACED = re.compile(f"[{UNSPACED_SCRIPTS}]")
#: Ancestors of a date box searched for the teaser that holds it; a teaser card is short.
TEASER_DEPTH, TEASER_CHARS = 3, 400


def _in_teaser(el: Any) -> bool:
    """Whether a date box belongs to another story's teaser ("Most read", a page list): an ancestor
    near it, below the headline's own box, holds a link with a headline's words. A date in a list
    of other stories is never the article's."""
    node = el
    for _ in range(TEASER_DEPTH):
        node = node.getparent()
        if node is None or node.tag in ("body", "html", "article", "main") or text_over(node, TEASER_CHARS) \
                or next(node.iter("h1"), None) is not None:
            return False  # the story's own box, not a teaser card
        for a in node.iter("a"):
            href = a.get("href") or ""
            words = " ".join(a.itertext()).split()
            if href and not href.startswith(("#", "mailto:", "javascript:")) and \
                    (len(words) >= TEASER_LINK_WORDS or _UNSPACED.search(" ".join(words)) and
                     len("".join(words)) >= TEASER_LINK_CHARS):
                return True
    return False


def _visible_dates(page: Page) -> Iterator[tuple[str, str]]:
    """(role, text) of short visible byline strings such as "Posted On Tuesday, 22 October 2024 10:05"
    or "gepubliceerd op woensdag 4 november 2026, 14:32", from date and byline boxes in document order."""
    count = 0
    seen: set[str] = set()
    boxes = page.classed(_DATE_BOX)
    # Wrappers of the story are not read in full: innermost first, an element holding a long one
    # is long too (nested "post-meta-wrap" wrappers made reading each one quadratic).
    long: set[Any] = set()
    for el in reversed(boxes):
        if any(child in long for child in el) or text_over(el, 120):
            long.add(el)
    for el in _after_headline_first(page, boxes):
        if el in long:
            continue
        key = f"{el.get('class') or ''} {el.get('id') or ''}"
        t = text_of(el)
        if not t or len(t) > 120 or t in seen or not _VISIBLE_DATE.search(t) or page.in_comments(el) \
                or _in_teaser(el):
            continue
        seen.add(t)
        updated = _UPDATED_LABEL.match(t) or (_UPDATED_BOX.search(key) and not _PUBLISH_BOX.search(key))
        yield ("updated" if updated else "published"), t
        count += 1
        if count >= MAX_VISIBLE_DATES:
            return


def extract_dates(page: Page, site: Any = None, entry: Any = None, lang: str | None = None,
                  content: Any = None) -> tuple[str | None, str | None]:
    """(published, updated) as ISO 8601; None when nothing can be read."""
    published: When | None = None
    updated: When | None = None
    # Datelines are written in the template's language, which may not be the article's.
    template = (page.doc.get("lang") or "")[:2].lower()
    if template and template != lang:
        lang = f"{lang},{template}" if lang else template

    def first(values: Iterable[Any]) -> When | None:
        for v in values:
            w = parse_when(v, lang)
            if w is not None:
                return w
        return None

    if site is not None:
        if site.selectors.published:
            published = first(el.get("datetime") or el.get("content") or text_of(el)
                              for el in css(page.doc, site.selectors.published))
        if site.selectors.updated:
            updated = first(el.get("datetime") or el.get("content") or text_of(el)
                            for el in css(page.doc, site.selectors.updated))
    art = page.article_ld()
    ld_objs = [art] if art else []
    ld_objs += [o for o in page.ld if o is not art and ("datePublished" in o or "uploadDate" in o)
                and not ld_types(o) & COMMENT_TYPES]
    if published is None:
        published = first(o.get("datePublished") or o.get("uploadDate") or o.get("dateCreated") for o in ld_objs)
    if updated is None:
        updated = first(o.get("dateModified") for o in ld_objs)
    if published is None:
        published = first(page.all_meta(*_PUBLISHED_META))
    if updated is None:
        updated = first(page.all_meta(*_UPDATED_META))
    if published is None or updated is None:
        times = list(_time_elements(page, content))
        if published is None:
            published = first(v for role, v, _ in times if role == "published") or first(v for _, v, _ in times)
        if updated is None:
            updated = first(v for role, v, _ in times if role == "updated")
    if published is None or (updated is None and published is not None):
        visible = list(_visible_dates(page))
        if published is None:
            published = first(t for role, t in visible if role == "published")
        if updated is None:
            cand = first(t for role, t in visible if role == "updated")
            if cand is not None:
                updated = cand
    entry_pub = getattr(entry, "published", None) if entry is not None else None
    entry_upd = getattr(entry, "updated", None) if entry is not None else None
    if published is None and not entry_pub:
        # The dateline right under the headline, in a box of no date class (a page builder's text box).
        from crawler.extraction.header import header_zone  # header reads dates: imported at call time
        line = header_zone(page.body, lang)[1]
        published = first([line]) if line and not _UPDATED_LABEL.match(line) else None
    # A feed with one date only (RSS 1.0 dc:date reads as "updated") still gives the page's time its offset.
    published = combine_with_entry(published, entry_pub) if entry_pub or published is None else \
        combine_with_entry(published, entry_upd)
    if updated is not None:
        updated = combine_with_entry(updated, entry_upd or entry_pub)
    elif entry_upd and entry_upd != entry_pub:
        updated = parse_when(entry_upd)
    published, updated = _localised(published, updated, [page.doc.get("lang") or "", *(lang or "").split(",")])
    return (published.iso() if published else None, updated.iso() if updated else None)


def _localised(published: When | None, updated: When | None, langs: list[str]) -> tuple[When | None, When | None]:
    """Times still without an offset get one: the other time's, else the zone of the page's country."""
    out = []
    for when, other in ((published, updated), (updated, published)):
        if when is not None and not when.aware and not when.date_only:
            offset = other.value.utcoffset() if other is not None and other.aware else None
            zone = timezone(offset) if offset is not None else local_offset(when.value, langs)
            if zone is not None:
                when = When(when.value.replace(tzinfo=zone), True)
        out.append(when)
    return out[0], out[1]

