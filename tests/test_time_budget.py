"""A crawl ends within its time budget however slow a site is; what it could not finish is
recorded and comes in the next crawl."""
from __future__ import annotations

import json
import time

from conftest import run_cli
from test_crawl_delay import make_web


def test_crawl_stops_at_its_budget_and_resumes(tmp_path):
    import mockweb

    make_web(tmp_path / "web", "0")
    site_json = tmp_path / "web" / "politesite" / "site.json"
    site = json.loads(site_json.read_text())
    site["robots_txt"] = "User-agent: *\nAllow: /\n"
    site["faults"] = [{"path_prefix": "/p", "delay_s": 10, "until_epoch": 1}]
    site_json.write_text(json.dumps(site))
    (tmp_path / "app.toml").write_text("crawl_time_budget = 3\ndownload_timeout = 20\n")
    web = mockweb.start(str(tmp_path / "web"), port=0)
    try:
        base = web.sites["politesite"]
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[[sites]]\nid = "politesite"\nname = "Polite"\nurl = "{base}/"\nfeeds = ["/feed/"]\n')
        db = tmp_path / "db.sqlite3"
        started = time.monotonic()
        first = run_cli("--config", tmp_path / "app.toml", "crawl", "--sites", sites, "--db", db)
        elapsed = time.monotonic() - started
        assert elapsed < 3 + 10 + 5, elapsed  # the budget, one request in flight, start-up (no budget: > 20 s)
        assert "Traceback" not in first.stderr
        web.set_epoch(1)                       # the site is fast again
        second = run_cli("--config", tmp_path / "app.toml", "crawl", "--sites", sites, "--db", db)
        assert second.returncode == 0, second.stderr[-2000:]
        out = run_cli("export", "--db", db)
        assert len(out.stdout.splitlines()) == 4  # nothing lost: the rest came in the next crawl
    finally:
        web.stop()
