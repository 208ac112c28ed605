#!/usr/bin/env python3
"""Backfill, gap recovery and daemon cadence, measured through the CLI over a mock web.

    .venv/bin/python bench/backfill.py [WEB_ROOT] [--since 2026-10-25] [--until 2026-11-25]
                                       [--interval 10] [--dwell 25] [--only backfill|gaps|daemon]

WEB_ROOT defaults to tests/fixtures/web-sitemaps (seven sitemap layouts, feeds of 5 posts).

1. backfill: ``defwatch backfill`` at the last epoch; in-window articles expected (truth, not
   robots-disallowed) vs. collected; article pages fetched, of which outside the window (split
   into pages the sitemaps dated and undated ones); robots violations; article pages a re-run
   fetches.
2. gaps: ``defwatch crawl`` at every epoch; posts published after the first crawl, how many the
   feeds listed (what a feed-only loop gets), how many defwatch collected, gaps and recovered
   per ``status``; article pages older than the previous crawl's newest entry that were fetched.
3. daemon: ``defwatch daemon --interval S`` through the epochs; per new post the seconds from the
   epoch change to its record in the live output (p50/p95/max), the measured cadence (median
   seconds between poll starts of each feed), and article requests in idle cycles.
"""
from __future__ import annotations

import argparse
import itertools
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO.parent / "shared" / "mockweb"), str(REPO / "tests")]

import mockweb  # noqa: E402
from conftest import load_web, write_sites_file  # noqa: E402

CLI = [sys.executable, "-m", "crawler"]


def cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], cwd=REPO, capture_output=True, text=True, timeout=900)


def truths(sites: dict) -> dict[tuple[str, str], dict]:
    return {(sid, t["path"]): t for sid, s in sites.items() for t in s["truth"]}


def when(t: dict) -> datetime:
    return datetime.fromisoformat(t["published"])


def record_keys(web, path: Path) -> list[tuple[str, str]]:
    hosts = {b.split("//")[1]: sid for sid, b in web.sites.items()}
    out = []
    for line in path.read_text().splitlines():
        url = json.loads(line)["url"]
        out.append((hosts[url.split("/")[2]], "/" + url.split("/", 3)[3]))
    return out


def bench_backfill(root: Path, since: str, until: str) -> dict:
    sites, web = load_web(root), mockweb.start(str(root), port=0)
    t_since = datetime.fromisoformat(since).replace(tzinfo=UTC)
    t_until = datetime.fromisoformat(until).replace(tzinfo=UTC)
    truth = truths(sites)
    try:
        web.set_epoch(max(len(v) for s in sites.values() for v in s.get("epochs", {}).values()) - 1)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            sf = write_sites_file(tmp / "sites.toml", web, sites)
            started = time.monotonic()
            run = cli("backfill", "--sites", sf, "--db", tmp / "db", "--since", since, "--until", until,
                      "--out", tmp / "out.jsonl", "--no-progress")
            seconds = time.monotonic() - started
            assert run.returncode == 0, run.stderr[-2000:]
            log = web.log()
            web.clear_log()
            rerun = cli("backfill", "--sites", sf, "--db", tmp / "db", "--since", since, "--until", until,
                        "--no-progress")
            assert rerun.returncode == 0, rerun.stderr[-2000:]
            relog = web.log()
            got = record_keys(web, tmp / "out.jsonl")
    finally:
        web.stop()
    expected = {k for k, t in truth.items() if t_since <= when(t) < t_until and not t.get("robots_disallowed")
                and t.get("is_article", True)}
    fetched = [(e["site"], e["path"]) for e in log if (e["site"], e["path"]) in truth]
    outside = [k for k in fetched if not t_since <= when(truth[k]) < t_until]
    return {
        "window": f"{since}..{until}", "expected": len(expected), "collected": len(set(got) & expected),
        "extra": len(set(got) - expected), "duplicates": sum(n - 1 for n in Counter(got).values()),
        "article_pages_fetched": len(fetched), "fetched_outside_window": len(outside),
        "of_which_dated_by_sitemap": sum(1 for k in outside if truth[k].get("sitemap_date")),
        "robots_violations": sum(1 for k in fetched if truth[k].get("robots_disallowed")),
        "requests": len(log), "rerun_article_pages": sum(1 for e in relog if (e["site"], e["path"]) in truth),
        "seconds": round(seconds, 1),
    }


def bench_gaps(root: Path) -> dict:
    sites, web = load_web(root), mockweb.start(str(root), port=0)
    truth = truths(sites)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            sf = write_sites_file(tmp / "sites.toml", web, sites)
            logs = []
            for epoch in (0, 1, 2):
                web.set_epoch(epoch)
                web.clear_log()
                assert cli("crawl", "--sites", sf, "--db", tmp / "db").returncode == 0
                logs.append(web.log())
            cli("export", "--db", tmp / "db", "--out", tmp / "all.jsonl")
            got = set(record_keys(web, tmp / "all.jsonl"))
            status = json.loads(cli("status", "--db", tmp / "db", "--json").stdout)
    finally:
        web.stop()
    later = {k for k, t in truth.items() if sites[k[0]].get("hidden_until", {}).get(k[1], 0) >= 1
             and not t.get("robots_disallowed")}
    listed = {k for k in later if truth[k]["in_feeds"]}
    newest = {}
    for epoch in (0, 1):
        for sid in sites:
            dates = [when(t) for (s, _), t in truth.items() if s == sid and t["in_feeds"] and t["epoch"] <= epoch]
            newest[(sid, epoch)] = max(dates) if dates else None
    older = 0
    for epoch in (1, 2):
        for e in logs[epoch]:
            k = (e["site"], e["path"])
            if k in truth and not truth[k]["updated"] and newest[(k[0], epoch - 1)] and \
                    when(truth[k]) <= newest[(k[0], epoch - 1)]:
                older += 1
    return {"posts_after_first_crawl": len(later), "listed_by_feeds": len(listed), "collected": len(later & got),
            "gaps": {s: g["gaps"] for s, g in status["gaps"].items()},
            "recovered": {s: g["recovered"] for s, g in status["gaps"].items()},
            "fetched_older_than_previous_newest": older}


def bench_daemon(root: Path, interval: float, dwell: float) -> dict:
    sites, web = load_web(root), mockweb.start(str(root), port=0)
    truth = truths(sites)
    latencies: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            sf = write_sites_file(tmp / "sites.toml", web, sites)
            out = tmp / "out.jsonl"
            proc = subprocess.Popen([*CLI, "daemon", "--sites", str(sf), "--db", str(tmp / "db"), "--out", str(out),
                                     "--interval", str(interval)], cwd=REPO, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(dwell)
            for epoch in (1, 2):
                web.set_epoch(epoch)
                changed = time.monotonic()
                new = {k for k, t in truth.items() if t["in_feeds"] and t["epoch"] == epoch}
                seen: dict = {}
                while time.monotonic() - changed < dwell:
                    if out.exists():
                        for key in record_keys(web, out):
                            if key in new and key not in seen:
                                seen[key] = time.monotonic() - changed
                    time.sleep(0.1)
                latencies += list(seen.values()) + [float("inf")] * len(new - set(seen))
            idle_from = len(web.log())
            time.sleep(interval * 3)
            idle = web.log()[idle_from:]
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            status = json.loads(cli("status", "--db", tmp / "db", "--json").stdout)
            log = web.log()
            got = set(record_keys(web, out))
    finally:
        web.stop()
    scrolled_off = {k for k, t in truth.items() if not t["in_feeds"] and not t.get("robots_disallowed")
                    and sites[k[0]].get("hidden_until", {}).get(k[1], 0) >= 1}
    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)] if latencies else None
    per_feed = {}
    for feed in {(e["site"], e["path"]) for e in log if e["path"] in {f for s in sites.values() for f in s["feeds"]}}:
        starts = [e["ts"] for e in log if (e["site"], e["path"]) == feed]
        per_feed[feed] = statistics.median([b - a for a, b in itertools.pairwise(starts)]) if len(starts) > 2 else None
    cadences = [c for c in per_feed.values() if c]
    return {"interval": interval, "posts": len(latencies), "latency_p50": round(statistics.median(latencies), 2),
            "latency_p95": round(p95, 2), "latency_max": round(latencies[-1], 2),
            "cadence_median_of_feeds": round(statistics.median(cadences), 2),
            "cadence_status": sorted({f["cadence_s"] for f in status["feeds"]} - {None}),
            "scrolled_off_posts": len(scrolled_off), "scrolled_off_collected": len(scrolled_off & got),
            "gaps": {s: g["gaps"] for s, g in status["gaps"].items()},
            "idle_requests": len(idle), "idle_non_304": sum(1 for e in idle if e["status"] != 304),
            "idle_article_requests": sum(1 for e in idle if (e["site"], e["path"]) in truth),
            "article_pages_fetched_twice": sum(1 for n in Counter((e["site"], e["path"]) for e in log
                                                                  if (e["site"], e["path"]) in truth).values() if n > 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("web", type=Path, nargs="?", default=REPO / "tests" / "fixtures" / "web-sitemaps")
    ap.add_argument("--since", default="2026-10-25")
    ap.add_argument("--until", default="2026-11-25")
    ap.add_argument("--interval", type=float, default=10.0)
    ap.add_argument("--dwell", type=float, default=25.0)
    ap.add_argument("--only", choices=("backfill", "gaps", "daemon"), action="append",
                    help="run only these parts (repeatable; default: all three)")
    args = ap.parse_args()
    parts = args.only or ["backfill", "gaps", "daemon"]
    if "backfill" in parts:
        print(json.dumps({"backfill": bench_backfill(args.web, args.since, args.until)}))
    if "gaps" in parts:
        print(json.dumps({"gaps": bench_gaps(args.web)}))
    if "daemon" in parts:
        print(json.dumps({"daemon": bench_daemon(args.web, args.interval, args.dwell)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
