#!/usr/bin/env python3
"""The daemon over a mock web it was not built on, scored like the judge scores a crawl.

    .venv/bin/python bench/daemon_held_out.py tests/fixtures/web-alt2 [--interval 2] [--dwell 12]

Serves the web root, starts ``defwatch daemon --interval N --out FILE`` on a sites file with
id, name, url and feeds only, moves the web through epochs 0, 1, 2 (``--dwell`` seconds each),
sends SIGTERM, then scores the latest version of each record in the live output with
``../shared/tools/score_crawl.py`` and checks the output for duplicate (id, version) lines.
"""
from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path[:0] = [str(SHARED / "mockweb"), str(SHARED / "tools"), str(REPO / "tests")]

import mockweb  # noqa: E402
import score_crawl  # noqa: E402
from conftest import write_sites_file  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("web", type=Path)
    ap.add_argument("--interval", type=float, default=2.0)
    ap.add_argument("--dwell", type=float, default=12.0)
    args = ap.parse_args()
    sites = score_crawl.load_sites(args.web)
    web = mockweb.start(str(args.web), port=0)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            write_sites_file(tmp / "sites.toml", web, sites)
            out = tmp / "out.jsonl"
            daemon = subprocess.Popen(
                [sys.executable, "-m", "crawler", "daemon", "--sites", str(tmp / "sites.toml"), "--db",
                 str(tmp / "db.sqlite3"), "--out", str(out), "--interval", str(args.interval)],
                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for epoch in (0, 1, 2):
                web.set_epoch(epoch)
                time.sleep(args.dwell)
            t0 = time.monotonic()
            daemon.send_signal(signal.SIGTERM)
            rc = daemon.wait(30)
            stop_s = time.monotonic() - t0
            stderr = daemon.stderr.read()
            records = [json.loads(line) for line in out.read_text().splitlines()]
            latest = {r["id"]: r for r in records}
            pairs = [(r["id"], r["version"]) for r in records]
            metrics = score_crawl.score(list(latest.values()), sites, web.sites, [0, 1, 2], web.log())
    finally:
        web.stop()
    print(f"exit {rc} {stop_s:.2f} s after SIGTERM; {len(records)} output lines, "
          f"{len(pairs) - len(set(pairs))} duplicate (id, version), tracebacks {stderr.count('Traceback')}")
    print(f"coverage {metrics['found']}/{metrics['expected']}, extra {metrics['extra_records']}, "
          f"body F1 {metrics['body_f1']:.3f}, leaks {metrics['leaks']}, title {metrics['title_acc']:.2f}, "
          f"authors {metrics['authors_acc']:.2f}, date {metrics['published_acc']:.2f}, "
          f"lang {metrics['lang_acc']:.2f}, robots violations {metrics['robots_violations']}")
    return 0 if rc == 0 and metrics["found"] == metrics["expected"] else 1


if __name__ == "__main__":
    sys.exit(main())
