"""The site registry (``config/sites/*.toml``): every file loads and describes a usable site.

Parametrised over the registry, one test id per file (fundus' publisher-registry tests), so a
broken site file fails alone and names itself. No test here touches the network.
"""
from __future__ import annotations

import re
import socket
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.config import DEFAULT_SITES, Site, load_sites, site_from_dict

SITE_FILES = sorted(DEFAULT_SITES.glob("*.toml"))

# Hosts that serve feeds for other sites.
FEED_HOSTS = {"feeds.feedburner.com", "feeds.feedblitz.com", "feedproxy.google.com"}
# A site that moved keeps its old feed URL, to watch the redirect (site id -> old domains).
OLD_DOMAINS = {"militarnyi": {"mil.in.ua"}}
REGIONS = {"US", "UK", "EU", "Asia", "Africa", "Intl", "MENA", "LatAm", "Oceania"}
CMS = {"wordpress", "arc", "drupal", "joomla", "custom", "blogger", "dnn"}
LANG = re.compile(r"[a-z]{2,3}")  # BCP 47 primary language subtag


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to open a connection."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("test_registry must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _load(path: Path) -> Site:
    with path.open("rb") as fh:
        return site_from_dict(tomllib.load(fh), path, site_id=path.stem)


def _domain(host: str) -> str:
    return host.removeprefix("www.")


def _on_site(host: str, site_host: str) -> bool:
    """Whether ``host`` is the site's host (with or without www.) or a subdomain of it."""
    host, site = _domain(host), _domain(site_host)
    return host == site or host.endswith("." + site)


def test_registry_loads() -> None:
    sites = load_sites(DEFAULT_SITES)
    assert len(sites) >= 30
    assert len(sites) == len(SITE_FILES)  # one site per file, no [[sites]] bundles here
    ids = [s.id for s in sites]
    assert len(ids) == len(set(ids))
    assert [s.id for s in sites if s.enabled], "every site is disabled"


def test_urls_unique() -> None:
    """Two files for one site would double its polling."""
    sites = load_sites(DEFAULT_SITES)
    homes = [s.url for s in sites]
    assert len(homes) == len(set(homes))
    feeds = [f for s in sites for f in s.feeds]
    assert len(feeds) == len(set(feeds))


def test_defencetalks() -> None:
    site = next(s for s in load_sites(DEFAULT_SITES) if s.id == "defencetalks")
    assert site.url == "https://defencetalks.com/"
    assert "https://defencetalks.com/feed/" in site.feeds
    assert site.cms == "wordpress"


def test_guesses_are_marked() -> None:
    """Feed URLs nobody was seen using say so in ``notes``, so a failing feed is read right."""
    sites = {s.id: s for s in load_sites(DEFAULT_SITES)}
    for sid in ("defencetalks", "defense-security-monitor", "joongangdaily", "dsca"):
        assert "GUESS" in (sites[sid].notes or ""), sid


@pytest.mark.parametrize("path", SITE_FILES, ids=[p.stem for p in SITE_FILES])
class TestSiteFile:
    def test_loads(self, path: Path) -> None:
        site = _load(path)
        assert site.id == path.stem
        assert site.name.strip()

    def test_https(self, path: Path) -> None:
        site = _load(path)
        for url in (site.url, *site.feeds, *site.sitemaps):
            assert urlsplit(url).scheme == "https", url
        assert site.url.endswith("/"), "the site URL is its home page, with a trailing slash"

    def test_feeds(self, path: Path) -> None:
        site = _load(path)
        assert site.feeds, "at least one feed"
        assert len(site.feeds) == len(set(site.feeds)), "a feed is listed twice"

    def test_feed_hosts(self, path: Path) -> None:
        site = _load(path)
        allowed = OLD_DOMAINS.get(site.id, set())
        for url in (*site.feeds, *site.sitemaps):
            host = urlsplit(url).hostname or ""
            assert (_on_site(host, site.host) or host in FEED_HOSTS
                    or any(_on_site(host, d) for d in allowed)), f"{url} is not on {site.host}"

    def test_metadata(self, path: Path) -> None:
        site = _load(path)
        assert site.lang and LANG.fullmatch(site.lang), f"lang {site.lang!r}"
        assert site.region in REGIONS, f"region {site.region!r}"
        assert site.cms is None or site.cms in CMS, f"cms {site.cms!r}"

