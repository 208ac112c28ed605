"""Watchlists as data: a TOML file of ``[[watchlists]]`` and ``[[sinks]]``, and term matching.

A leaf module (standard library only). Errors name the file and the key (``ConfigError``, exit 2).

Matching rules (what an analyst means by "this term appears"):

* a term matches as a whole word or phrase, never inside a longer word (PrSM is not "prism");
* case and accents are ignored: text and terms are folded with Unicode NFKD, combining marks
  dropped, then ``casefold`` (Jēkabpils = Jekabpils, Straße = STRASSE);
* hyphen and space variants are one: between the parts of a term (words, and letters next to
  digits) any run of spaces and hyphens, or none, may stand (F-35 = F35 = F 35 = f‑35);
* ``all``: each of these terms must match too; ``exclude``: a match on any of them vetoes;
  ``sites`` / ``langs``: only these site ids / languages (``en`` also covers ``en-GB``);
* ``fields``: the record fields searched, ``title`` and ``body`` by default.

Each term is compiled once into a regular expression, indexed by the first piece of its first
word; a field's text is folded once per record and only the terms whose first piece starts one of
its words are run (see :class:`Terms`).
"""
from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.config import ConfigError

SINK_KINDS = ("jsonl", "webhook", "apprise")
EVENTS = ("new", "also-reported", "updated")
#: Record fields a watchlist may search (strings, or lists of strings).
FIELDS = ("title", "body", "description", "tags", "authors", "url")
#: Other names people give those fields (a feed's summary is the record's description).
FIELD_ALIASES = {"summary": "description", "text": "body", "tag": "tags", "author": "authors"}
SNIPPET_CHARS = 80  # on each side of the first match

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")  # as site ids
# Spaces and the hyphens and dashes people type between the parts of a designation.
_SEP_CHARS = "\\s\\-\u00ad\u2010\u2011\u2012\u2013\u2014\u2212"
_SEP = f"[{_SEP_CHARS}]*"
# What NFKD leaves alone: typographic apostrophes, letters with a stroke (Łask = Lask, Ørsted,
# Diyarbakır) and ligatures; invisible characters inside words (soft hyphen, zero-width) vanish.
_EXTRA_FOLDS = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d",
                "Đ": "d", "ı": "i", "ħ": "h", "Ħ": "h", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ð": "d",
                "Ð": "d", "þ": "th", "Þ": "th", "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "",
                "\u2060": "", "\ufeff": ""}
_TERM_PART = re.compile(r"(\d+|[^\W\d_]+)|([" + _SEP_CHARS + r"_]+)|(.)", re.S)


# ---------------------------------------------------------------- folding

def _fold_char(ch: str) -> str:
    if ch in _EXTRA_FOLDS:
        return _EXTRA_FOLDS[ch]
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).casefold()


class _FoldTable(dict):
    """``str.translate`` table that folds each character once, then from C at dict speed."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Fold ``text`` for matching: NFKD without combining marks, case-folded."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


def _origin(text: str, index: int) -> int:
    """The offset in ``text`` of the character that folded into position ``index`` of ``fold(text)``."""
    if text.isascii():
        return index
    pos = 0
    for i, ch in enumerate(text):
        pos += len(_FOLD[ord(ch)])
        if pos > index:
            return i
    return len(text)


def term_pattern(term: str) -> str:
    """The regular expression of one term (matched against folded text)."""
    folded = fold(term.strip())
    parts: list[str] = []
    last_word = False
    for m in _TERM_PART.finditer(folded):
        word, sep, other = m.groups()
        if word:
            if last_word:
                parts.append(_SEP)  # a letter run next to a digit run: F35 = F-35 = F 35
            parts.append(re.escape(word))
            last_word = True
        elif sep:
            if parts:
                parts.append(_SEP)
            last_word = False
        else:
            parts.append(f"\\s*{re.escape(other)}\\s*")
            last_word = False
    while parts and parts[-1] == _SEP:
        parts.pop()
    body = "".join(parts)
    # Whole words only: no word character may touch a term that begins or ends with one.
    head = "(?<!\\w)" if folded[:1].isalnum() else ""
    tail = "(?!\\w)" if folded.rstrip(" -")[-1:].isalnum() else ""
    return head + body + tail


_PIECE = re.compile(r"\d+|[^\W\d_]+")
_WORD_START = re.compile(r"(?<!\w)(?:\d+|[^\W\d_]+)")


@dataclass(frozen=True)
class Text:
    """One field's text, folded, with the first piece (letters or digits) of each of its words."""

    raw: str
    folded: str
    starts: frozenset[str]

    @classmethod
    def of(cls, raw: str) -> Text:
        folded = fold(raw)
        return cls(raw, folded, frozenset(_WORD_START.findall(folded)))


class Terms:
    """A group of terms compiled once: one regular expression per term, indexed by the term's
    first piece, so that a text only runs the terms whose first word piece it holds (a watchlist
    of thousands of terms costs about what one costs)."""

    def __init__(self, terms: tuple[str, ...]):
        self.terms = terms
        self.patterns = [re.compile(term_pattern(t)) for t in terms]
        self.by_start: dict[str, list[int]] = {}
        self.always: list[int] = []
        for i, term in enumerate(terms):
            folded = fold(term.strip())
            first = _PIECE.match(folded)
            if first:
                self.by_start.setdefault(first.group(), []).append(i)
            else:
                self.always.append(i)  # begins with punctuation: no word start to look up
        self.starts = frozenset(self.by_start)

    def candidates(self, text: Text) -> list[int]:
        out = list(self.always)
        for start in self.starts & text.starts:
            out.extend(self.by_start[start])
        return sorted(out)  # term order, whatever the set's

    def first(self, text: Text) -> tuple[int, re.Match[str]] | None:
        """The leftmost match in ``text`` (the longer term on a tie), with its term's index."""
        best: tuple[int, re.Match[str]] | None = None
        for i in self.candidates(text):
            m = self.patterns[i].search(text.folded)
            if m and (best is None or (m.start(), -len(m.group())) < (best[1].start(), -len(best[1].group()))):
                best = (i, m)
        return best

    def found(self, text: Text) -> list[int]:
        """Every term that matches ``text``."""
        return [i for i in self.candidates(text) if self.patterns[i].search(text.folded)]


# ---------------------------------------------------------------- the data

@dataclass(frozen=True)
class Sink:
    """Where alerts go: ``jsonl`` (a file), ``webhook`` (a URL) or ``apprise`` (an apprise URL)."""

    kind: str
    target: str
    """The file path (absolute) or the URL."""
    events: tuple[str, ...] = EVENTS
    timeout: float = 5.0
    """Seconds one delivery call may take."""
    max_backoff: float = 300.0
    """Upper bound, in seconds, of the wait between two failed delivery attempts."""

    @property
    def key(self) -> str:
        """The sink's identity in the store's delivery queue."""
        return f"{self.kind}:{self.target}"


@dataclass(frozen=True)
class Match:
    """Why a record alerts: the matched terms (in term order) and a snippet around the first."""

    terms: tuple[str, ...]
    snippet: str


@dataclass(frozen=True)
class Watchlist:
    id: str
    name: str
    terms: tuple[str, ...]
    all: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    fields: tuple[str, ...] = ("title", "body")
    _any: Terms | None = field(default=None, repr=False, compare=False)
    _all: tuple[Terms, ...] = field(default=(), repr=False, compare=False)
    _exclude: Terms | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_any", Terms(self.terms))
        object.__setattr__(self, "_all", tuple(Terms((t,)) for t in self.all))
        object.__setattr__(self, "_exclude", Terms(self.exclude))

    def match(self, record: dict[str, Any], cache: dict[str, Text] | None = None) -> Match | None:
        """The match of ``record`` against this watchlist, or None when it does not alert.

        ``cache`` keeps the folded text of each field across watchlists.
        """
        if self.sites and record.get("site") not in self.sites:
            return None
        if self.langs:
            lang = (record.get("lang") or "").lower()
            if not any(lang == want or lang.startswith(want + "-") for want in self.langs):
                return None
        cache = {} if cache is None else cache
        texts = []
        for raw in _field_texts(record, self.fields):
            if raw not in cache:
                cache[raw] = Text.of(raw)
            texts.append(cache[raw])
        if any(self._exclude.found(t) for t in texts):
            return None
        if not all(any(group.found(t) for t in texts) for group in self._all):
            return None
        found: set[int] = set()
        snippet = ""
        for text in texts:
            found.update(self._any.found(text))
            if found and not snippet:
                _, m = self._any.first(text)
                raw = text.raw
                snippet = _snippet(raw, _origin(raw, m.start()), _origin(raw, m.end() - 1) + 1)
        if not found:
            return None
        return Match(tuple(self.terms[i] for i in sorted(found)), snippet)


@dataclass(frozen=True)
class WatchConfig:
    """One watchlists file: the watchlists and the sinks their alerts go to."""

    path: Path
    watchlists: tuple[Watchlist, ...]
    sinks: tuple[Sink, ...] = ()

    def matches(self, record: dict[str, Any]) -> list[tuple[Watchlist, Match]]:
        """Every watchlist ``record`` alerts on, with its match."""
        out = []
        cache: dict[str, Text] = {}
        for wl in self.watchlists:
            m = wl.match(record, cache)
            if m is not None:
                out.append((wl, m))
        return out


def _field_texts(record: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    texts = []
    for name in names:
        value = record.get(name)
        if isinstance(value, str) and value:
            texts.append(value)
        elif isinstance(value, list):
            texts.extend(v for v in value if isinstance(v, str) and v)
    return texts


def _snippet(raw: str, start: int, end: int) -> str:
    """About ``SNIPPET_CHARS`` characters of ``raw`` on each side of a match, cut at spaces."""
    lo, hi = max(0, start - SNIPPET_CHARS), min(len(raw), end + SNIPPET_CHARS)
    if lo > 0:
        space = raw.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(raw):
        space = raw.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    text = " ".join(raw[lo:hi].split())
    return ("…" if lo > 0 else "") + text + ("…" if hi < len(raw) else "")


# ---------------------------------------------------------------- loading and checking

def _strings(path: Path, key: str, value: Any, *, nonempty: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, key, "expected a list of strings")
    if any(not v.strip() for v in value):
        raise ConfigError(path, key, "must not hold an empty string")
    if nonempty and not value:
        raise ConfigError(path, key, "must hold at least one term")
    for v in value:
        if not any(c.isalnum() for c in v):
            raise ConfigError(path, key, f"{v!r} has no letter or digit to match")
    return tuple(value)


def _string(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(path, key, f"expected a string, got {type(value).__name__}")
    return value


def _number(path: Path, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(path, key, "expected a positive number")
    return float(value)


_WATCHLIST_KEYS = ("id", "name", "terms", "all", "exclude", "sites", "langs", "fields")
_SINK_KEYS = ("kind", "path", "url", "events", "timeout", "max_backoff")


def _watchlist(path: Path, prefix: str, raw: Any) -> Watchlist:
    if not isinstance(raw, dict):
        raise ConfigError(path, prefix.rstrip("."), "expected a table")
    for key in raw:
        if key not in _WATCHLIST_KEYS:
            raise ConfigError(path, prefix + key, "unknown key (allowed: " + ", ".join(_WATCHLIST_KEYS) + ")")
    for key in ("id", "terms"):
        if key not in raw:
            raise ConfigError(path, prefix + key, "missing required key")
    wl_id = _string(path, prefix + "id", raw["id"])
    if not _ID.fullmatch(wl_id):
        raise ConfigError(path, prefix + "id", f"{wl_id!r} is not a valid id ([a-z0-9_-])")
    values: dict[str, Any] = {"id": wl_id, "name": _string(path, prefix + "name", raw.get("name", wl_id)),
                              "terms": _strings(path, prefix + "terms", raw["terms"], nonempty=True)}
    for key in ("all", "exclude"):
        if key in raw:
            values[key] = _strings(path, prefix + key, raw[key])
    for key in ("sites", "langs"):
        if key in raw:
            values[key] = tuple(v.lower() if key == "langs" else v for v in _strings(path, prefix + key, raw[key]))
    if "fields" in raw:
        names = tuple(dict.fromkeys(FIELD_ALIASES.get(n, n) for n in _strings(path, prefix + "fields", raw["fields"],
                                                                              nonempty=True)))
        unknown = [n for n in names if n not in FIELDS]
        if unknown:
            raise ConfigError(path, prefix + "fields", f"unknown field {unknown[0]!r} (allowed: {', '.join(FIELDS)})")
        values["fields"] = names
    return Watchlist(**values)


def _sink(path: Path, prefix: str, raw: Any) -> Sink:
    if not isinstance(raw, dict):
        raise ConfigError(path, prefix.rstrip("."), "expected a table")
    for key in raw:
        if key not in _SINK_KEYS:
            raise ConfigError(path, prefix + key, "unknown key (allowed: " + ", ".join(_SINK_KEYS) + ")")
    if "kind" not in raw:
        raise ConfigError(path, prefix + "kind", "missing required key")
    kind = _string(path, prefix + "kind", raw["kind"])
    if kind not in SINK_KINDS:
        raise ConfigError(path, prefix + "kind", f"unknown sink kind {kind!r} (allowed: {', '.join(SINK_KINDS)})")
    need, other = ("path", "url") if kind == "jsonl" else ("url", "path")
    if need not in raw:
        raise ConfigError(path, prefix + need, f"missing required key (a {kind} sink needs a {need})")
    if other in raw:
        raise ConfigError(path, prefix + other, f"not used by a {kind} sink")
    target = _string(path, prefix + need, raw[need])
    if kind == "jsonl":
        # Relative to the watchlists file, so a daemon started elsewhere writes the same file.
        target = os.path.abspath(path.parent / os.path.expanduser(target))
    elif kind == "webhook":
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(path, prefix + "url", f"expected an absolute http(s) URL, got {target!r}")
    elif "://" not in target:
        raise ConfigError(path, prefix + "url", f"expected an apprise URL (scheme://...), got {target!r}")
    values: dict[str, Any] = {"kind": kind, "target": target}
    if "events" in raw:
        events = _strings(path, prefix + "events", raw["events"], nonempty=True)
        unknown = [e for e in events if e not in EVENTS]
        if unknown:
            raise ConfigError(path, prefix + "events", f"unknown event {unknown[0]!r} (allowed: {', '.join(EVENTS)})")
        values["events"] = events
    for key in ("timeout", "max_backoff"):
        if key in raw:
            values[key] = _number(path, prefix + key, raw[key])
    return Sink(**values)


def load_watchlists(path: Path | str) -> WatchConfig:
    """Load and check a watchlists file; raise ConfigError naming the file and the key."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from None
    for key in raw:
        if key not in ("watchlists", "sinks"):
            raise ConfigError(path, key, "unknown key (a watchlists file holds [[watchlists]] and [[sinks]] tables)")
    tables = {}
    for key in ("watchlists", "sinks"):
        value = raw.get(key, [])
        if not isinstance(value, list):
            raise ConfigError(path, key, f"expected an array of tables ([[{key}]])")
        tables[key] = value
    if not tables["watchlists"]:
        raise ConfigError(path, "watchlists", "missing: expected at least one [[watchlists]] table")
    watchlists = [_watchlist(path, f"watchlists[{i}].", t) for i, t in enumerate(tables["watchlists"])]
    seen: dict[str, int] = {}
    for i, wl in enumerate(watchlists):
        if wl.id in seen:
            raise ConfigError(path, f"watchlists[{i}].id", f"id {wl.id!r} is already used by watchlists[{seen[wl.id]}]")
        seen[wl.id] = i
    sinks = [_sink(path, f"sinks[{i}].", t) for i, t in enumerate(tables["sinks"])]
    keys: dict[str, int] = {}
    for i, sink in enumerate(sinks):
        if sink.key in keys:
            raise ConfigError(path, f"sinks[{i}]", f"the same {sink.kind} target as sinks[{keys[sink.key]}]")
        keys[sink.key] = i
    return WatchConfig(path=path, watchlists=tuple(watchlists), sinks=tuple(sinks))


def default_watchlists_path() -> Path | None:
    """``$XDG_CONFIG_HOME/defwatch/watchlists.toml`` (``~/.config/...``) when that file exists."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    path = Path(base) / "defwatch" / "watchlists.toml"
    return path if path.is_file() else None
