#!/usr/bin/env python3
"""Benchmarks of ``defwatch daemon``: many feeds in one process, and kill -9 safety.

    .venv/bin/python bench/scheduler.py feeds [--feeds 10000] [--sites 50] [--interval 300] [--duration 420]
    .venv/bin/python bench/scheduler.py crash [--kills 20] [--seed 20241024]

``feeds``
    Generates an offline web root of ``--sites`` sites x ``feeds/sites`` RSS feeds (each feed
    lists its site's one article), serves it with mockweb in a separate process and runs ONE
    daemon over all the feeds with the adaptive scheduler pinned to ``--interval`` seconds
    (``min_interval = max_interval``, 10 % jitter; 300 s is the default minimum interval, so
    this is the busiest schedule the defaults allow). It samples the daemon's CPU time and RSS
    from /proc every second and the store's ``feeds`` table (read-only) every 0.5 s. The
    *lateness* of a poll is ``last_poll_at - next_poll_at`` it was due at (first polls, which
    have no due time, are left out): it covers the tick, the crawler start, robots.txt and the
    request. The *idle* window starts once the first poll of every feed is done: from then on
    every poll is a conditional GET answered 304, which is the daemon's steady state.

``crash``
    The daemon against web-dev over epochs 0 -> 1 -> 2 with ``--interval 2``, killed with
    SIGKILL at ``--kills`` seeded random moments spread over the epochs and restarted each time;
    then one last daemon until the output holds every expected article. Reports lost articles,
    duplicate records, torn lines, PRAGMA integrity_check (the checks of tests/test_daemon.py).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT.parent / "shared" / "mockweb"))

from test_daemon import stop  # noqa: E402  (SIGTERM, then SIGKILL after the timeout: -999)

TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- feeds bench

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{title}</title><link>{{{{BASE}}}}/</link><description>bench</description>
<item><title>The one article of {site}</title><link>{{{{BASE}}}}/a/</link><guid>{{{{BASE}}}}/a/</guid>
<pubDate>Thu, 24 Oct 2024 14:05:00 +0000</pubDate><description>Bench entry.</description></item>
</channel></rss>
"""
ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>The one article of {site}</title>
<meta property="article:published_time" content="2024-10-24T14:05:00+00:00"></head><body><article>
<h1>The one article of {site}</h1>
<p>This is the single article every feed of {site} lists; it is fetched once and never again.</p>
<p>A second paragraph so that the article is long enough to pass validation checks in the pipeline.</p>
<p>A third paragraph, because a real article has a few of them, and extraction wants some text.</p>
</article></body></html>
"""


def make_web(root: Path, n_sites: int, n_feeds: int) -> list[str]:
    ids = [f"s{i:03d}" for i in range(n_sites)]
    per_site = [n_feeds // n_sites + (1 if i < n_feeds % n_sites else 0) for i in range(n_sites)]
    for sid, count in zip(ids, per_site, strict=True):
        files = root / sid / "files"
        (files / "f").mkdir(parents=True)
        (files / "a").mkdir()
        feeds = [f"/f/{j}.xml" for j in range(count)]
        for j in range(count):
            (files / "f" / f"{j}.xml").write_text(RSS.format(title=f"{sid} feed {j}", site=sid))
        (files / "a" / "index.html").write_text(ARTICLE.format(site=sid))
        (root / sid / "site.json").write_text(json.dumps({"name": sid, "feeds": feeds,
                                                          "robots_txt": "User-agent: *\nDisallow: /private/\n"}))
    return ids


def proc_sample(pid: int) -> tuple[float, int]:
    """CPU seconds (user + system) and RSS bytes of a process."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    rss = 0
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
    return cpu, rss


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def bench_feeds(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="defwatch-bench-"))
    try:
        make_web(tmp / "web", args.sites, args.feeds)
        web = subprocess.Popen([PY, str(ROOT.parent / "shared" / "mockweb" / "mockweb.py"), "serve", "--root",
                                str(tmp / "web"), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
        bases = json.loads(web.stdout.readline())
        lines = []
        for sid, base in bases.items():
            feeds = json.loads((tmp / "web" / sid / "site.json").read_text())["feeds"]
            lines += ["[[sites]]", f'id = "{sid}"', f'name = "{sid}"', f'url = "{base}/"',
                      "feeds = " + json.dumps(feeds), ""]
        (tmp / "sites.toml").write_text("\n".join(lines))
        (tmp / "app.toml").write_text(f"min_interval = {args.interval}\nmax_interval = {args.interval}\n"
                                      f"jitter = 0.1\n")
        db = tmp / "store.sqlite3"
        err = open(tmp / "daemon.err", "w")
        started = time.time()
        daemon = subprocess.Popen([PY, "-m", "crawler", "--config", str(tmp / "app.toml"), "daemon", "--sites",
                                   str(tmp / "sites.toml"), "--db", str(db), "--out", str(tmp / "out.jsonl")],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        due: dict[str, float] = {}
        polled: dict[str, float] = {}
        lateness: list[float] = []
        samples: list[tuple[float, float, int]] = []
        all_first_polled = None
        next_db, next_proc = 0.0, 0.0
        while time.time() - started < args.duration:
            now = time.time()
            if now >= next_proc:
                next_proc = now + 1.0
                cpu, rss = proc_sample(daemon.pid)
                samples.append((now, cpu, rss))
            if now >= next_db and db.exists():
                next_db = now + 0.5
                try:
                    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
                    rows = con.execute("SELECT url, last_poll_at, next_poll_at FROM feeds").fetchall()
                    con.close()
                except sqlite3.OperationalError:
                    rows = []
                for url, last, nxt in rows:
                    if last is not None and last != polled.get(url):
                        if url in polled and url in due:
                            lateness.append(last - due[url])
                        polled[url] = last
                    if nxt:
                        due[url] = nxt
                if all_first_polled is None and len(polled) >= args.feeds:
                    all_first_polled = time.time()
            time.sleep(0.1)
        code, shutdown = stop(daemon, timeout=30)
        web.terminate()
        web.wait(10)
        err.close()
        idle = [s for s in samples if all_first_polled and s[0] >= all_first_polled + 5]
        idle_cpu = ((idle[-1][1] - idle[0][1]) / (idle[-1][0] - idle[0][0])) if len(idle) > 1 else float("nan")
        cycles = [json.loads("{" + ", ".join(f'"{k}": {json.dumps(v)}' for k, v in
                                             (kv.split("=", 1) for kv in line.split("crawler.daemon: ", 1)[1].split())
                                             ) + "}")
                  for line in (tmp / "daemon.err").read_text().splitlines() if "crawler.daemon: cycle=" in line]
        steady = [c for c in cycles if c.get("parsed") == "0"]
        return {
            "feeds": args.feeds, "sites": args.sites, "interval_s": args.interval, "duration_s": args.duration,
            "first_poll_of_all_feeds_s": round(all_first_polled - started, 1) if all_first_polled else None,
            "polls_after_first": len(lateness),
            "lateness_p50_s": round(pct(lateness, 50), 2), "lateness_p99_s": round(pct(lateness, 99), 2),
            "lateness_max_s": round(max(lateness), 2) if lateness else None,
            "idle_window_s": round(idle[-1][0] - idle[0][0], 1) if len(idle) > 1 else 0,
            "idle_cpu_share_of_one_core": round(idle_cpu, 3),
            "rss_idle_max_mb": round(max((s[2] for s in idle), default=0) / 2**20, 1),
            "rss_max_mb": round(max(s[2] for s in samples) / 2**20, 1),
            "cycles": len(cycles),
            "steady_cycles_feeds_median": statistics.median(int(c["feeds"]) for c in steady) if steady else 0,
            "steady_cycle_duration_p99_s": round(pct([float(c["duration"]) for c in steady], 99), 3),
            "steady_not_modified_share": round(sum(int(c["not_modified"]) for c in steady) /
                                               max(1, sum(int(c["feeds"]) for c in steady)), 4),
            "sigterm_exit_code": code, "sigterm_seconds": round(shutdown, 2),
        }
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}", file=sys.stderr)


# ---------------------------------------------------------------- crash bench

def bench_crash(args: argparse.Namespace) -> dict:
    import mockweb
    from conftest import WEB_DEV, expected_articles, load_web, run_cli, write_sites_file
    from test_daemon import INTERVAL, edited_articles, read_jsonl, record_key, start_daemon, wait_for

    sites = load_web(WEB_DEV)
    web = mockweb.start(str(WEB_DEV), port=0)
    tmp = Path(tempfile.mkdtemp(prefix="defwatch-crash-"))
    try:
        sites_file = write_sites_file(tmp / "sites.toml", web, sites)
        db, out = tmp / "store.sqlite3", tmp / "out.jsonl"
        rng = random.Random(args.seed)
        per_epoch = [args.kills // 3 + (1 if i < args.kills % 3 else 0) for i in range(3)]
        kills = []
        torn_seen = 0
        for epoch, n in enumerate(per_epoch):
            web.set_epoch(epoch)
            for _ in range(n):
                proc = start_daemon(sites_file, db, out)
                delay = rng.uniform(0.8, 4.0)
                time.sleep(delay)
                proc.kill()
                proc.wait()
                kills.append(round(delay, 2))
                if out.exists() and not out.read_bytes().endswith(b"\n") and out.stat().st_size:
                    torn_seen += 1  # a kill mid-write: the next run must cut it off
        expected = set(expected_articles(sites, [0, 1, 2]))
        edited = set(edited_articles(sites))

        def converged() -> bool:
            records = read_jsonl(out)[0]
            keys = {record_key(web.sites, r) for r in records}
            return keys >= expected and {record_key(web.sites, r) for r in records if r["version"] >= 2} >= edited

        proc = start_daemon(sites_file, db, out)
        took = wait_for(converged, timeout=90)
        time.sleep(INTERVAL)
        code, shutdown = stop(proc, timeout=30)
        raw = out.read_bytes()
        torn = 0
        records = []
        for line in raw.split(b"\n")[:-1]:
            try:
                records.append(json.loads(line))
            except ValueError:
                torn += 1
        dup = sum(n - 1 for n in Counter((r["id"], r["version"]) for r in records).values() if n > 1)
        keys = {record_key(web.sites, r) for r in records}
        export = run_cli("export", "--db", db, "--out", "-")
        exported = Counter(record_key(web.sites, json.loads(line)) for line in export.stdout.splitlines())
        with sqlite3.connect(db) as con:
            integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        return {
            "kills": len(kills), "seed": args.seed, "kill_delays_s": kills,
            "kills_that_left_a_torn_tail": torn_seen,
            "converged_after_restart_s": round(took, 1) if took is not None else None,
            "expected_articles": len(expected),
            "lost": len(expected - keys), "unexpected": len(keys - expected),
            "duplicate_records": dup, "torn_lines": torn + (0 if raw.endswith(b"\n") or not raw else 1),
            "export_lost": len(expected - set(exported)),
            "export_duplicates": sum(n - 1 for n in exported.values() if n > 1),
            "integrity_check": integrity, "sigterm_exit_code": code, "sigterm_seconds": round(shutdown, 2),
        }
    finally:
        web.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="bench", required=True)
    p = sub.add_parser("feeds", help="many feeds in one daemon: lateness, CPU, memory")
    p.add_argument("--feeds", type=int, default=10000)
    p.add_argument("--sites", type=int, default=50)
    p.add_argument("--interval", type=float, default=300.0)
    p.add_argument("--duration", type=float, default=420.0)
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    p = sub.add_parser("crash", help="kill -9 at random moments across web-dev epochs")
    p.add_argument("--kills", type=int, default=20)
    p.add_argument("--seed", type=int, default=20241024)
    args = parser.parse_args()
    result = bench_feeds(args) if args.bench == "feeds" else bench_crash(args)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
