#!/usr/bin/env python3
"""A fleet of ``defwatch crawl --fleet`` workers on one PostgreSQL store: 1, 2 and 3 workers.

    .venv/bin/python bench/fleet.py [--sites 20] [--articles 100] [--workers 1,2,3] [--json OUT]

bench/genweb.py makes the web (served by mockweb in this process); tests/pg.py starts a
throwaway PostgreSQL server. For each worker count: a fresh database, the web reset, N workers
started together; wall time until the last exits, articles/min, CPU of all the workers' process
trees per article (this process is a subreaper), and the fleet's guarantees from the mock web's
request log: pages fetched more than once, feeds polled more than once, the most requests in
flight to one host, and the export's count and duplicates.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DEFWATCH_SHARED", ROOT.parent / "shared")).resolve()
for extra in (SHARED / "mockweb", SHARED / "tools", ROOT / "bench", ROOT / "tests"):
    sys.path.insert(0, str(extra))

import mockweb  # noqa: E402
import score_crawl  # noqa: E402
from e2e import become_subreaper, reap_all  # noqa: E402
from genweb import generate  # noqa: E402
from pg import create_database, throwaway_server  # noqa: E402


def in_flight(log: list[dict]) -> int:
    """The most requests one host had in flight at once."""
    worst = 0
    for site in {e["site"] for e in log}:
        events = sorted([(e["ts"], 1) for e in log if e["site"] == site]
                        + [(e["ts"] + e["duration"], -1) for e in log if e["site"] == site])
        level = 0
        for _, step in events:
            level += step
            worst = max(worst, level)
    return worst


def run(n: int, url: str, sites: Path, web, expected: int, logs: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    errs = [open(logs / f"worker{n}-{i}.log", "w") for i in range(n)]
    workers = [subprocess.Popen([str(ROOT / ".venv" / "bin" / "defwatch"), "-v", "crawl", "--fleet", "--sites",
                                 str(sites), "--db", url, "--no-progress"], stdout=subprocess.DEVNULL, stderr=err)
               for err in errs]
    codes = [w.wait() for w in workers]
    for err in errs:
        err.close()
    wall = time.perf_counter() - started
    reap_all()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    log = web.log()
    pages = Counter((e["site"], e["path"]) for e in log if e["path"] != "/robots.txt" and "/feed/" not in e["path"])
    feeds = Counter((e["site"], e["path"]) for e in log if "/feed/" in e["path"])
    export = subprocess.run([str(ROOT / ".venv" / "bin" / "defwatch"), "export", "--db", url, "--out", "-"],
                            capture_output=True, text=True, check=True)
    ids = [json.loads(line)["id"] for line in export.stdout.splitlines()]
    status = subprocess.run([str(ROOT / ".venv" / "bin" / "defwatch"), "status", "--db", url, "--json"],
                            capture_output=True, text=True, check=True)
    fleet = json.loads(status.stdout)
    return {"jobs_left": fleet.get("fleet_jobs"), "sites_done": [w["sites_done"] for w in fleet.get("fleet", [])],
            "pages": len(pages), "page_outcomes": fleet.get("page_outcomes"),"workers": n, "exit": codes, "wall": wall, "per_min": expected / wall * 60, "cpu": cpu,
            "cpu_per_article_ms": cpu / max(1, len(ids)) * 1000, "records": len(ids),
            "duplicates": len(ids) - len(set(ids)), "pages_twice": sum(1 for v in pages.values() if v > 1),
            "feeds_twice": sum(1 for v in feeds.values() if v > 1), "max_in_flight_per_host": in_flight(log)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--workers", default="1,2,3")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--logs", type=Path, default=Path(tempfile.gettempdir()), help="folder for the workers' logs")
    args = ap.parse_args()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="defwatch-fleet-") as tmp, throwaway_server() as server:
        # After the server is up: its daemonised postmaster must not become our child to wait for.
        become_subreaper()
        root = generate(Path(tmp) / "web", sites=args.sites, articles=args.articles)
        truth = score_crawl.load_sites(root)
        with mockweb.start(str(root), port=0) as web:
            sites = Path(tmp) / "sites.toml"
            score_crawl.write_sites_toml(sites, truth, web.sites)
            for n in (int(x) for x in args.workers.split(",")):
                url = create_database(server, f"fleet{n}")
                web.reset()
                r = run(n, url, sites, web, args.sites * args.articles, args.logs)
                results.append(r)
                print(f"{n} worker(s): {r['per_min']:,.0f} articles/min  wall {r['wall']:.1f}s  cpu {r['cpu']:.1f}s "
                      f"({r['cpu_per_article_ms']:.1f} ms/article)  records {r['records']} dups {r['duplicates']}  "
                      f"pages twice {r['pages_twice']}  feeds twice {r['feeds_twice']}  "
                      f"max in flight/host {r['max_in_flight_per_host']}  exit {r['exit']}  sites per worker "
                      f"{r['sites_done']}  jobs left {r['jobs_left']}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
