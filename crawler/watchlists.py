"""Watchlists as data: a TOML file of ``[[watchlists]]`` and ``[[sinks]]``; what a record matches.

A leaf module (standard library only). Errors name the file and the key (``ConfigError``, exit 2).

Rules (how a term matches is in :mod:`crawler.terms`):

* ``terms``: any of these matches;
* ``all``: each of these terms must match too; ``exclude``: a match on any of them vetoes;
  ``sites`` / ``langs``: only these site ids / languages (``en`` also covers ``en-GB``);
* ``fields``: the record fields searched, ``title`` and ``body`` by default.

A field's text is folded once per record and shared by every watchlist.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.config import ConfigError
from crawler.terms import Terms, Text, origin
from crawler.terms import snippet as make_snippet

SINK_KINDS = ("jsonl", "webhook", "apprise")
EVENTS = ("new", "also-reported", "updated")
#: Record fields a watchlist may search (strings, or lists of strings).
FIELDS = ("title", "body", "description", "tags", "authors", "url")
#: Other names people give those fields (a feed's summary is the record's description).
FIELD_ALIASES = {"summary": "description", "text": "body", "tag": "tags", "author": "authors"}

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")  # as site ids


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
    max_backoff: float = 30.0
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
    _any: Terms = field(init=False, repr=False, compare=False)
    _all: tuple[Terms, ...] = field(init=False, repr=False, compare=False)
    _exclude: Terms = field(init=False, repr=False, compare=False)

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
                first = self._any.first(text)
                assert first is not None  # this text matched
                m, raw = first[1], text.raw
                snippet = make_snippet(raw, origin(raw, m.start()), origin(raw, m.end() - 1) + 1)
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
