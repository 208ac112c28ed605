"""Site registry and application settings, loaded from TOML into frozen dataclasses.

A leaf module: standard library only. Every error names the file and the key, so a user can fix
a registry of dozens of files without guessing (`ConfigError`, exit code 2 in the CLI).

Two shapes of ``--sites PATH`` are accepted:

* a folder of ``<id>.toml`` files, one site each (the file stem is the site id);
* one TOML file holding ``[[sites]]`` tables with the same keys plus ``id``.
"""
from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "config"
DEFAULT_SITES = CONFIG_DIR / "sites"
DEFAULT_APP = CONFIG_DIR / "app.toml"

_SITE_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


class ConfigError(Exception):
    """A registry or settings file that cannot be used; the message names file and key."""

    def __init__(self, path: Path | str, key: str | None, problem: str):
        self.path, self.key, self.problem = str(path), key, problem
        where = f"{self.path}: {key}" if key else self.path
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Selectors:
    """CSS selectors a site may give to override generic extraction (all optional)."""

    body: str | None = None
    title: str | None = None
    authors: str | None = None
    published: str | None = None
    updated: str | None = None
    tags: str | None = None


@dataclass(frozen=True)
class Boilerplate:
    """Extra boilerplate rules of one site, added to the global vocabulary.

    ``selectors``: CSS selectors of elements to drop; ``patterns``: regular expressions that
    drop a block of text when they match the whole block (case-insensitive).
    """

    selectors: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Poll:
    """Polling bounds in seconds; ``None`` means the application default."""

    min_interval: float | None = None
    max_interval: float | None = None
    max_new_entries: int | None = None


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    url: str
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...] = ()
    lang: str | None = None
    region: str | None = None
    cms: str | None = None
    enabled: bool = True
    notes: str | None = None
    selectors: Selectors = field(default_factory=Selectors)
    boilerplate: Boilerplate = field(default_factory=Boilerplate)
    poll: Poll = field(default_factory=Poll)

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    def __deepcopy__(self, memo: dict[int, Any]) -> Site:
        # Frozen, all the way down: a copy is the same value. Scrapy deep-copies its settings
        # for every crawler, and the sites travel in them (DEFWATCH_SITES).
        return self


@dataclass(frozen=True)
class AppConfig:
    """Application-wide settings (``config/app.toml``), every value with a safe default."""

    user_agent: str = "defwatch/0.1 (+https://github.com/defwatch/defwatch; news monitor)"
    min_interval: float = 300.0
    max_interval: float = 86400.0
    interval_factor: float = 1.0
    jitter: float = 0.1
    max_new_entries: int = 200
    download_timeout: float = 30.0
    crawl_time_budget: float = 180.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 10
    retry_times: int = 2
    concurrent_requests: int = 16
    concurrent_per_host: int = 2
    download_delay: float = 0.0
    allow_networks: tuple[str, ...] = ()
    extract_workers: int = 0
    extract_worker_pages: int = 500
    fleet_lease: float = 240.0

    def __deepcopy__(self, memo: dict[int, Any]) -> AppConfig:
        # Frozen: a copy is the same value (it travels in the Scrapy settings as DEFWATCH_APP).
        return self


# ---------------------------------------------------------------- schema checking

_STR_LIST = "list of strings"


def _check(path: Path, key: str, value: Any, kind: Any) -> Any:
    """Return ``value`` converted to ``kind``, or raise ConfigError naming ``key``."""
    if kind is str:
        if not isinstance(value, str):
            raise ConfigError(path, key, f"expected a string, got {type(value).__name__}")
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(path, key, f"expected true or false, got {type(value).__name__}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(path, key, f"expected an integer, got {type(value).__name__}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(path, key, f"expected a number, got {type(value).__name__}")
        if value < 0:
            raise ConfigError(path, key, "must not be negative")
        return float(value)
    if kind == _STR_LIST:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(path, key, "expected a list of strings")
        return tuple(value)
    raise AssertionError(kind)


def _table(path: Path, prefix: str, raw: Any, schema: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(path, prefix.rstrip("."), "expected a table")
    out = {}
    for key, value in raw.items():
        if key not in schema:
            raise ConfigError(path, prefix + key, "unknown key (allowed: " + ", ".join(sorted(schema)) + ")")
        out[key] = _check(path, prefix + key, value, schema[key])
    return out


_SELECTORS = {f.name: str for f in fields(Selectors)}
_BOILERPLATE = {"selectors": _STR_LIST, "patterns": _STR_LIST}
_POLL = {"min_interval": float, "max_interval": float, "max_new_entries": int}
_SITE_SCALARS = {"id": str, "name": str, "url": str, "feeds": _STR_LIST, "sitemaps": _STR_LIST,
                 "lang": str, "region": str, "cms": str, "enabled": bool, "notes": str}
_SITE_TABLES: dict[str, tuple[dict[str, Any], type]] = {"selectors": (_SELECTORS, Selectors), "boilerplate": (_BOILERPLATE, Boilerplate),
                "poll": (_POLL, Poll)}


def _http_url(path: Path, key: str, url: str) -> str:
    parts = urlsplit(url)
    try:
        _ = parts.port  # urlsplit checks the port only when asked
    except ValueError:
        raise ConfigError(path, key, f"bad port in {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(path, key, f"expected an absolute http(s) URL, got {url!r}")
    return url


def site_from_dict(raw: dict[str, Any], path: Path, site_id: str | None = None, prefix: str = "") -> Site:
    """Validate one site table; ``site_id`` comes from the file stem for one-site files."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SITE_TABLES:
            schema, cls = _SITE_TABLES[key]
            values[key] = cls(**_table(path, f"{prefix}{key}.", value, schema))
        elif key in _SITE_SCALARS:
            values[key] = _check(path, prefix + key, value, _SITE_SCALARS[key])
        else:
            allowed = ", ".join(sorted([*_SITE_SCALARS, *_SITE_TABLES]))
            raise ConfigError(path, prefix + key, f"unknown key (allowed: {allowed})")
    if site_id is not None:
        if "id" in values and values["id"] != site_id:
            raise ConfigError(path, prefix + "id", f"must match the file name ({site_id!r})")
        values["id"] = site_id
    for key in ("id", "name", "url"):
        if key not in values:
            raise ConfigError(path, prefix + key, "missing required key")
    if "feeds" not in values and "sitemaps" not in values:
        raise ConfigError(path, prefix + "feeds", "missing required key")
    values.setdefault("feeds", ())
    if not values["name"].strip():
        raise ConfigError(path, prefix + "name", "must not be empty")
    poll = values.get("poll", Poll())
    if poll.min_interval is not None and poll.max_interval is not None and poll.min_interval > poll.max_interval:
        raise ConfigError(path, prefix + "poll.min_interval", "must not be larger than poll.max_interval")
    if poll.max_new_entries is not None and poll.max_new_entries < 1:
        raise ConfigError(path, prefix + "poll.max_new_entries", "must be at least 1")
    if not _SITE_ID.fullmatch(values["id"]):
        raise ConfigError(path, prefix + "id", f"{values['id']!r} is not a valid id ([a-z0-9_-])")
    parts = urlsplit(_http_url(path, prefix + "url", values["url"]))
    # The site URL is a folder: relative feed paths resolve under it.
    base = urlunsplit((parts.scheme, parts.netloc, parts.path if parts.path.endswith("/") else parts.path + "/",
                       parts.query, ""))
    values["url"] = base
    # Feeds and sitemaps may be absolute URLs or paths under the site URL.
    for key in ("feeds", "sitemaps"):
        if key in values:
            values[key] = tuple(_http_url(path, f"{prefix}{key}", urljoin(base, u)) for u in values[key])
    if not values["feeds"] and not values.get("sitemaps"):
        raise ConfigError(path, prefix + "feeds", "a site needs at least one feed or sitemap")
    for pattern in values.get("boilerplate", Boilerplate()).patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(path, prefix + "boilerplate.patterns", f"bad regular expression {pattern!r}: {exc}")
    return Site(**values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from None


def load_sites(path: Path | str) -> list[Site]:
    """Load a registry folder or a ``[[sites]]`` file; sites come back sorted by id."""
    path = Path(path)
    sites: list[Site] = []
    origin: dict[str, Path] = {}
    if path.is_dir():
        files = sorted(p for p in path.glob("*.toml") if not p.name.startswith((".", "#", "~")))
        if not files:
            raise ConfigError(path, None, "no <id>.toml site files in this folder")
        for file in files:
            raw = _read_toml(file)
            loaded = _load_many(file, raw) if isinstance(raw.get("sites"), list) else [
                site_from_dict(raw, file, site_id=file.stem)]
            for site in loaded:
                if site.id in origin:
                    raise ConfigError(file, "id", f"site id {site.id!r} is also defined in {origin[site.id]}")
                origin[site.id] = file
            sites.extend(loaded)
    elif path.exists():
        raw = _read_toml(path)
        if "sites" not in raw:
            raise ConfigError(path, "sites", "missing: expected [[sites]] tables")
        sites = _load_many(path, raw)
    else:
        raise ConfigError(path, None, "no such file or folder")
    seen: dict[str, int] = {}
    for i, site in enumerate(sites):
        if site.id in seen:
            raise ConfigError(path, f"sites[{i}].id", f"site id {site.id!r} is already used by sites[{seen[site.id]}]")
        seen[site.id] = i
    return sorted(sites, key=lambda s: s.id)


def _load_many(path: Path, raw: dict[str, Any]) -> list[Site]:
    extra = set(raw) - {"sites"}
    if extra:
        raise ConfigError(path, sorted(extra)[0], "unknown key (a sites file holds only [[sites]] tables)")
    if not isinstance(raw["sites"], list):
        raise ConfigError(path, "sites", "expected an array of tables ([[sites]])")
    out = []
    for i, table in enumerate(raw["sites"]):
        if not isinstance(table, dict):
            raise ConfigError(path, f"sites[{i}]", "expected a table")
        out.append(site_from_dict(table, path, prefix=f"sites[{i}]."))
    return out


_APP_SCHEMA = {f.name: (_STR_LIST if f.name == "allow_networks" else
                        {"str": str, "float": float, "int": int, "bool": bool}[str(f.type).split(" ")[0]])
               for f in fields(AppConfig)}


def load_app(path: Path | str | None = None, **overrides: Any) -> AppConfig:
    """Load ``config/app.toml`` (or ``path``); missing file means defaults."""
    path = Path(path) if path else DEFAULT_APP
    values: dict[str, Any] = {}
    if path.exists():
        values = _table(path, "", _read_toml(path), _APP_SCHEMA)
    values.update({k: v for k, v in overrides.items() if v is not None})
    for i, network in enumerate(values.get("allow_networks", ())):
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(path, f"allow_networks[{i}]", f"{network!r} is not an IP network (CIDR)") from None
    for key, least in (("extract_workers", 0), ("extract_worker_pages", 1), ("fleet_lease", 1)):
        if values.get(key, least) < least:
            raise ConfigError(path, key, f"must be at least {least}")
    return AppConfig(**values)
