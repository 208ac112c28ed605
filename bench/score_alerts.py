#!/usr/bin/env python3
"""Score defwatch's watchlist alerts on a story web with hand-labelled watchlists (issue 11).

    .venv/bin/python bench/score_alerts.py --web DIR [--exe .venv/bin/defwatch] [--epochs 0,1,2] [--json OUT]
    .venv/bin/python bench/score_alerts.py --web DIR --daemon-kills 20     # the daemon, killed 20 times

The web root holds mockweb sites plus ``watchlists.toml`` and ``alerts-truth.json`` (``{"pairs":
[[watchlist, "site/path"], ...]}``: the pairs that must alert). The script serves the web with
mockweb, writes a sites file with only id, name, url and feeds (the CLI contract), copies the
watchlists with two sinks of its own (a jsonl file, and a webhook to a real receiver on
127.0.0.1), runs ``defwatch crawl --watchlists`` once per epoch, and scores:

* precision / recall / F1 over (watchlist, article) pairs of the jsonl sink;
* false positives (alerts on look-alikes that ``all``/``exclude``/``langs``/``sites``/``fields``
  rule out, or any other unwanted pair) and misses, listed;
* ``new`` alerts per (watchlist, story id) (at most 1), and per (watchlist, truth story label):
  the latter is 1 only when story clustering (issue 10) puts the copies in one story;
* that the webhook receiver (deduplicating by Idempotency-Key) saw the same alerts, none twice.

``--daemon-kills N`` runs ``defwatch daemon --watchlists`` instead of one crawl per epoch: it is
killed with SIGKILL N times at seeded random moments spread over the epochs, while the receiver
flaps between 200, 503 and refused connections; then one daemon runs until both sinks hold every
truth pair and the same alerts, plus one idle round, and stops with SIGTERM. Same metrics.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(SHARED / "mockweb"))
sys.path.insert(0, str(ROOT / "tests"))

import mockweb  # noqa: E402
from alerts_receiver import Receiver  # noqa: E402


def load_sites(root: Path) -> dict[str, dict]:
    sites = {}
    for site_json in sorted(root.glob("*/site.json")):
        site = json.loads(site_json.read_text())
        site["truth"] = [json.loads(p.read_text()) for p in sorted((site_json.parent / "truth").glob("*.json"))]
        sites[site_json.parent.name] = site
    return sites


def write_sites(path: Path, sites: dict[str, dict], bases: dict[str, str]) -> None:
    lines = []
    for sid, site in sites.items():
        base = bases[sid]
        lines += ["[[sites]]", f"id = {json.dumps(sid)}", f"name = {json.dumps(site.get('name', sid))}",
                  f"url = {json.dumps(base + '/')}", "feeds = " + json.dumps([base + f for f in site.get("feeds", [])]),
                  ""]
    path.write_text("\n".join(lines))


def web_epochs(sites: dict[str, dict]) -> list[int]:
    """Every epoch a web defines (its longest ``epochs`` list; 0, 1, 2 when none says)."""
    n = max((len(files) for s in sites.values() for files in s.get("epochs", {}).values()), default=3)
    return list(range(max(n, 1)))


def load_truth(path: Path) -> set[tuple[str, str]]:
    """(watchlist, "site/path") pairs: ``{"pairs": [[w, p], ...]}`` or a bare list, of pairs or objects."""
    raw = json.loads(path.read_text())
    pairs = raw["pairs"] if isinstance(raw, dict) else raw
    out = set()
    for pair in pairs:
        w, p = (pair["watchlist"], pair.get("article") or pair["path"]) if isinstance(pair, dict) else pair
        out.add((w, p.rstrip("/")))
    return out


def _toml_value(value) -> str:
    # JSON strings and arrays of strings are valid TOML basic strings and arrays.
    return json.dumps(value, ensure_ascii=False)


def write_watchlists(path: Path, source: Path, jsonl: Path, hook_url: str) -> None:
    """The web's watchlists, with this script's two sinks instead of the file's own."""
    raw = tomllib.loads(source.read_text())
    lines = []
    for wl in raw["watchlists"]:
        lines.append("[[watchlists]]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in wl.items()]
        lines.append("")
    # A short backoff cap: the crash run flaps the receiver and then waits for the queue to drain.
    lines += ["[[sinks]]", 'kind = "jsonl"', f"path = {_toml_value(str(jsonl))}", "",
              "[[sinks]]", 'kind = "webhook"', f"url = {_toml_value(hook_url)}", "timeout = 5", "max_backoff = 2", ""]
    path.write_text("\n".join(lines))


def site_path(bases: dict[str, str], url: str) -> str:
    host_to_site = {urlsplit(b).netloc: sid for sid, b in bases.items()}
    parts = urlsplit(url)
    return f"{host_to_site.get(parts.netloc, '?')}{parts.path}".rstrip("/")


def score(alerts: list[dict], hooked: list[dict], truth_pairs: set[tuple[str, str]], bases: dict[str, str],
          labels: dict[str, str]) -> dict:
    got = [(a["watchlist"], site_path(bases, a["url"])) for a in alerts]
    pairs = set(got)
    tp = len(pairs & truth_pairs)
    precision = tp / len(pairs) if pairs else (1.0 if not truth_pairs else 0.0)
    recall = tp / len(truth_pairs) if truth_pairs else 1.0
    news = [a for a in alerts if a["event"] == "new"]
    per_story = Counter((a["watchlist"], a["story"]) for a in news)
    per_label = Counter((a["watchlist"], labels.get(site_path(bases, a["url"]), "?")) for a in news)
    firsts = Counter((a["watchlist"], site_path(bases, a["url"])) for a in alerts if a["event"] in ("new", "also-reported"))
    lines = Counter(a["alert_id"] for a in alerts)
    hooked_ids = Counter(a["alert_id"] for a in hooked)
    return {
        "alerts": len(alerts),
        "pairs": len(pairs),
        "truth_pairs": len(truth_pairs),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "false_positives": len(pairs - truth_pairs),
        "misses": len(truth_pairs - pairs),
        "events": dict(Counter(a["event"] for a in alerts)),
        "new_per_story_max": max(per_story.values(), default=0),
        "new_per_truth_story_max": max(per_label.values(), default=0),
        "first_alerts_per_article_max": max(firsts.values(), default=0),
        "duplicate_lines": sum(n - 1 for n in lines.values()),
        "webhook_alerts": len(hooked_ids),
        "webhook_differs": len(set(hooked_ids) ^ set(lines)),
        "_false_positive": sorted(f"{w} {p}" for w, p in pairs - truth_pairs),
        "_miss": sorted(f"{w} {p}" for w, p in truth_pairs - pairs),
        "_story_with_several_new": sorted(f"{w} {s} x{n}" for (w, s), n in per_label.items() if n > 1),
    }


def crash_daemon(args, tmp: Path, web, receiver: Receiver, epochs: list[int], jsonl: Path,
                 truth_pairs: set[tuple[str, str]]) -> dict:
    """Kill -9 the daemon ``--daemon-kills`` times, then run one until every alert is out."""
    rng = random.Random(args.seed)
    cmd = [args.exe, "daemon", "--sites", str(tmp / "sites.toml"), "--db", str(tmp / "db"), "--out",
           str(tmp / "out.jsonl"), "--interval", "2", "--tick", "0.25", "--watchlists", str(tmp / "watchlists.toml")]
    n = args.daemon_kills
    for i in range(n):
        web.set_epoch(epochs[min(len(epochs) - 1, i * len(epochs) // n)])
        mode = rng.choice(["ok", "ok", "503", "down"])
        if mode == "down":
            receiver.down()
        else:
            receiver.up()
            receiver.mode = mode
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 4.0))
        proc.kill()
        proc.wait()
    receiver.up()
    receiver.mode = "ok"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def pairs() -> set[tuple[str, str]]:
        if not jsonl.exists():
            return set()
        return {(a["watchlist"], site_path(web.sites, a["url"])) for a in map(json.loads, jsonl.read_text().splitlines())}

    started = time.monotonic()
    while time.monotonic() - started < 120:
        jsonl_ids = {json.loads(line)["alert_id"] for line in jsonl.read_text().splitlines()} if jsonl.exists() else set()
        if pairs() >= truth_pairs and jsonl_ids == {a["alert_id"] for a in receiver.alerts()}:
            break
        time.sleep(0.5)
    caught_up = time.monotonic() - started
    time.sleep(3)  # one more idle round: nothing may be appended or posted twice
    proc.terminate()
    code = proc.wait(timeout=30)
    return {"kills": n, "catch_up_seconds": round(caught_up, 1), "daemon_exit": code,
            "torn_or_nul": int(jsonl.exists() and (b"\x00" in jsonl.read_bytes() or not jsonl.read_bytes().endswith(b"\n"))),
            "webhook_posts": len(receiver.posts)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--web", type=Path, required=True, help="story web root with watchlists.toml and alerts-truth.json")
    ap.add_argument("--exe", default=str(ROOT / ".venv" / "bin" / "defwatch"), help="the defwatch command")
    ap.add_argument("--epochs", default=None, help="epochs to crawl, e.g. 0,1,2 (default: every epoch of the web)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--json", type=Path, help="also write the metrics here")
    ap.add_argument("--daemon-kills", type=int, default=0, metavar="N",
                    help="run the daemon instead, kill -9 it N times at random moments over the epochs (the "
                         "receiver flapping between 200, 503 and refused), then let one daemon catch up")
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--keep", type=Path, help="keep the store, sites, watchlists and alerts in this folder")
    args = ap.parse_args()
    sites = load_sites(args.web)
    epochs = [int(e) for e in args.epochs.split(",")] if args.epochs else web_epochs(sites)
    truth_pairs = load_truth(args.web / "alerts-truth.json")
    labels = {f"{sid}{t['path']}".rstrip("/"): t.get("story", "?") for sid, s in sites.items() for t in s["truth"]}
    web = mockweb.start(str(args.web), port=0)
    receiver = Receiver()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                tmp = args.keep.resolve()
            write_sites(tmp / "sites.toml", sites, web.sites)
            jsonl = tmp / "alerts.jsonl"
            write_watchlists(tmp / "watchlists.toml", args.web / "watchlists.toml", jsonl, receiver.url)
            started = time.monotonic()
            if args.daemon_kills:
                kills = crash_daemon(args, tmp, web, receiver, epochs, jsonl, truth_pairs)
            for epoch in epochs if not args.daemon_kills else ():
                web.set_epoch(epoch)
                run = subprocess.run([args.exe, "crawl", "--sites", str(tmp / "sites.toml"), "--db", str(tmp / "db"),
                                      "--watchlists", str(tmp / "watchlists.toml"), "--no-progress"],
                                     capture_output=True, text=True, timeout=args.timeout)
                if run.returncode != 0:
                    print(run.stdout[-2000:], run.stderr[-3000:], sep="\n")
                    print(f"defwatch crawl failed at epoch {epoch} with exit code {run.returncode}")
                    return 1
            seconds = time.monotonic() - started
            alerts = [json.loads(line) for line in jsonl.read_text().splitlines()] if jsonl.exists() else []
            metrics = score(alerts, receiver.alerts(), truth_pairs, web.sites, labels)
            metrics["crawl_seconds"] = round(seconds, 1)
            if args.daemon_kills:
                metrics.update(kills)
    finally:
        receiver.stop()
        web.stop()
    for key, value in metrics.items():
        if key.startswith("_"):
            for item in value:
                print(f"{key[1:]} -> {item}")
        else:
            print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    if args.json:
        args.json.write_text(json.dumps(metrics, indent=2))
    ok = metrics["precision"] >= 0.95 and metrics["recall"] >= 0.95 and metrics["new_per_story_max"] <= 1 \
        and metrics["duplicate_lines"] == 0 and metrics["webhook_differs"] == 0
    print(("OK" if ok else "FALLS SHORT") + f": P {metrics['precision']:.3f} R {metrics['recall']:.3f} "
          f"false positives {metrics['false_positives']}, new per story <= {metrics['new_per_story_max']}, "
          f"per truth story <= {metrics['new_per_truth_story_max']}, webhook differs {metrics['webhook_differs']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
