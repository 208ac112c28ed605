"""Gap recovery: `defwatch crawl` over web-sitemaps epochs 0 -> 1 -> 2, whose feeds hold 5 posts.

Between epochs 0 and 1 six or seven posts appear on three sites, so their feeds no longer list
every new post. The crawl must notice (every entry new, all newer than the newest known) and
collect the rest from the sitemaps, without fetching any page older than the previous crawl's
newest entry; ``status`` reports the gaps.
"""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from backfill_web import ARCHIVE_SITES, WEB_SITEMAPS, article_requests, load, truth_by_path
from conftest import run_cli, write_sites_file

GAP_SITES = {"alphadef", "bravonews", "deltayoast"}


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    import mockweb

    web = mockweb.start(str(WEB_SITEMAPS), port=0)
    sites = load()
    tmp = tmp_path_factory.mktemp("gaps")
    sites_file = write_sites_file(tmp / "sites.toml", web, sites)
    db = tmp / "db.sqlite3"
    runs, logs = [], []
    try:
        for epoch in (0, 1, 2):
            web.set_epoch(epoch)
            web.clear_log()
            run = run_cli("crawl", "--sites", sites_file, "--db", db)
            assert run.returncode == 0, run.stderr[-3000:]
            runs.append(run)
            logs.append(web.log())
        out = tmp / "all.jsonl"
        assert run_cli("export", "--db", db, "--out", out).returncode == 0
        status = json.loads(run_cli("status", "--db", db, "--json").stdout)
        records = [json.loads(line) for line in out.read_text().splitlines()]
        hosts = {b.split("//")[1]: sid for sid, b in web.sites.items()}
        keys = [(hosts[r["url"].split("/")[2]], "/" + r["url"].split("/", 3)[3]) for r in records]
    finally:
        web.stop()
    return {"sites": sites, "runs": runs, "logs": logs, "keys": keys, "records": records, "status": status}


def newest_listed(sites: dict, sid: str, epoch: int) -> datetime:
    """The newest post the site's feeds listed at ``epoch`` (what the crawl at that epoch knew)."""
    listed = [datetime.fromisoformat(t["published"]) for t in sites[sid]["truth"]
              if t["in_feeds"] and t["epoch"] <= epoch]
    return max(listed)


def scrolled_off(crawls, sid: str, truth: dict) -> bool:
    """A post published after the first crawl that no feed ever listed."""
    return not truth["in_feeds"] and crawls["sites"][sid].get("hidden_until", {}).get(truth["path"], 0) >= 1


def test_every_post_published_between_two_crawls_is_collected(crawls):
    sites, keys = crawls["sites"], set(crawls["keys"])
    for sid, site in sites.items():
        if sid in ARCHIVE_SITES:
            continue  # no sitemap: a gap there cannot be recovered (recovery never walks archives)
        for t in site["truth"]:
            if t["robots_disallowed"]:
                continue
            first = site.get("hidden_until", {}).get(t["path"], 0)
            if first >= 1:  # published after the first crawl
                assert (sid, t["path"]) in keys, f"{sid} {t['path']} (epoch {first}) was lost"
    # the posts that scrolled off the feeds are there too
    missed = [(sid, t["path"]) for sid in GAP_SITES for t in crawls["sites"][sid]["truth"] if scrolled_off(crawls, sid, t)]
    assert missed and set(missed) <= keys


def test_no_duplicates_and_found_via(crawls):
    assert len(crawls["keys"]) == len(set(crawls["keys"]))
    recovered = [r for r in crawls["records"] if r["found_via"] == "sitemap"]
    assert {r["site"] for r in recovered} == GAP_SITES
    assert all(r["found_via"] in ("feed", "sitemap") for r in crawls["records"])


def test_recovery_fetches_nothing_older_than_the_previous_newest_entry(crawls):
    sites = crawls["sites"]
    truths = truth_by_path(sites)
    for epoch in (1, 2):
        for sid, path in article_requests(crawls["logs"][epoch], truths):
            if truths[(sid, path)]["updated"]:
                continue  # an edited post, refetched because its feed entry changed
            published = datetime.fromisoformat(truths[(sid, path)]["published"])
            assert published > newest_listed(sites, sid, epoch - 1), (epoch, sid, path)


def test_gaps_reported_in_the_summary_and_status(crawls):
    second = crawls["runs"][1].stdout
    for sid in GAP_SITES:
        row = next(line for line in second.splitlines() if sid in line)
        cells = [c.strip() for c in row.split("│") if c.strip()]
        assert cells[5] == "1" and int(cells[6]) >= 1, row  # gaps, recovered
    gaps = crawls["status"]["gaps"]
    assert set(gaps) == GAP_SITES
    missed = {sid: sum(1 for t in crawls["sites"][sid]["truth"] if scrolled_off(crawls, sid, t)) for sid in GAP_SITES}
    assert {sid: g["recovered"] for sid, g in gaps.items()} == missed
    # no gap in the first crawl (nothing known yet) nor the third (two new posts, feeds overlap)
    for run in (crawls["runs"][0], crawls["runs"][2]):
        for sid in GAP_SITES:
            row = next(line for line in run.stdout.splitlines() if sid in line)
            assert [c.strip() for c in row.split("│") if c.strip()][5] == "0"
