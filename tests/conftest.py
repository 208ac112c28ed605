"""Shared fixtures: the mock web (in-process), the CLI in a subprocess, a sites file for a web root."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DEFWATCH_SHARED", REPO.parent / "shared")).resolve()
MOCKWEB = SHARED / "mockweb"
WEB_DEV = MOCKWEB / "web-dev"
FIXTURES = REPO / "tests" / "fixtures"

sys.path.insert(0, str(MOCKWEB))


def load_web(root: Path) -> dict[str, dict]:
    """site.json of every site of a web root, with its truth files under "truth"."""
    sites = {}
    for site_json in sorted(root.glob("*/site.json")):
        site = json.loads(site_json.read_text())
        site["truth"] = [json.loads(p.read_text()) for p in sorted((site_json.parent / "truth").glob("*.json"))]
        sites[site_json.parent.name] = site
    return sites


def expected_articles(sites: dict, epochs: list[int]) -> dict[tuple[str, str], dict]:
    """The judge's rule (shared/tools/score_crawl.py): in a feed, an article, not robots-disallowed,
    live at one of the crawled ``epochs``. Keys are (site id, path without trailing slash)."""
    last, out = max(epochs), {}
    for sid, site in sites.items():
        for t in site["truth"]:
            if not t.get("is_article", True) or t.get("robots_disallowed") or not t.get("in_feeds"):
                continue
            first = max(t.get("epoch", 0), site.get("hidden_until", {}).get(t["path"], 0))
            gone = site.get("gone_from", {}).get(t["path"])
            if first <= last and [e for e in epochs if e >= first and (gone is None or e < gone)]:
                out[(sid, t["path"].rstrip("/"))] = t
    return out


def write_sites_file(path: Path, web, sites: dict[str, dict], only: list[str] | None = None) -> Path:
    """The minimal sites file of the CLI contract (id, name, url, feeds) for a running mock web."""
    lines = []
    for sid, site in sites.items():
        if only and sid not in only:
            continue
        base = web.sites[sid]
        lines += ["[[sites]]", f"id = {json.dumps(sid)}", f"name = {json.dumps(site.get('name', sid))}",
                  f"url = {json.dumps(base + '/')}", "feeds = " + json.dumps([base + f for f in site.get("feeds", [])]),
                  ""]
    path.write_text("\n".join(lines))
    return path


def run_cli(*args: str, timeout: float = 300, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, input=input, cwd=REPO, env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def web_dev():
    import mockweb

    handle = mockweb.start(str(WEB_DEV), port=0)
    yield handle
    handle.stop()


@pytest.fixture
def fresh_web_dev(web_dev):
    web_dev.reset()
    return web_dev


@pytest.fixture(scope="session")
def web_dev_sites() -> dict[str, dict]:
    return load_web(WEB_DEV)


# The throwaway PostgreSQL server (pg_server, pg_url) of tests/pg.py (issue 12).
pytest_plugins = ["pg"]
