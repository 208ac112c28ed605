#!/usr/bin/env python3
"""Memory of a long-running daemon: PSS of its process tree over N cycles (issue 12).

    .venv/bin/python bench/daemon_rss.py [--cycles 1000] [--interval 1] [--db postgresql://...]

``defwatch daemon --interval INTERVAL --log-json`` over web-dev (served by mockweb in this
process): the first cycle fetches and extracts every article (so the extraction workers exist),
then every cycle polls the feeds again (304s). The tree's PSS (daemon, fork server, workers) is
sampled at each cycle line of the log; the growth is the last sample against the sample at cycle
10 (after start-up and the first crawl).
"""
from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import WEB_DEV, load_web, write_sites_file  # noqa: E402
from e2e import tree_memory  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=1000)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--db", help="store (default: a SQLite file in a temporary folder)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    import mockweb

    with tempfile.TemporaryDirectory(prefix="defwatch-rss-") as tmp, mockweb.start(str(WEB_DEV), port=0) as web:
        sites = write_sites_file(Path(tmp) / "sites.toml", web, load_web(WEB_DEV))
        db = args.db or str(Path(tmp) / "db.sqlite3")
        daemon = subprocess.Popen([str(ROOT / ".venv" / "bin" / "defwatch"), "daemon", "--sites", str(sites),
                                   "--db", db, "--out", str(Path(tmp) / "out.jsonl"), "--interval",
                                   str(args.interval), "--log-json"], stderr=subprocess.PIPE, text=True)
        samples: list[tuple[int, int]] = []
        assert daemon.stderr is not None
        for line in daemon.stderr:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") != "cycle":
                continue
            samples.append((event["cycle"], tree_memory(daemon.pid)))
            if event["cycle"] in (1, 10) or event["cycle"] % 100 == 0:
                print(f"cycle {event['cycle']}: {samples[-1][1] / 2**20:.1f} MB", flush=True)
            if event["cycle"] >= args.cycles:
                break
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=30)
    base = next(m for c, m in samples if c >= 10)
    last = samples[-1][1]
    print(f"{len(samples)} cycles; PSS at cycle 10: {base / 2**20:.1f} MB, at cycle {samples[-1][0]}: "
          f"{last / 2**20:.1f} MB, growth {100 * (last - base) / base:+.1f} %; exit {code}")
    if args.json:
        args.json.write_text(json.dumps({"samples": samples, "exit": code}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
