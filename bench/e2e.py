#!/usr/bin/env python3
"""End to end against the naive peer: the same generated web, the same machine, back to back.

    .venv/bin/python bench/e2e.py [--sites 20] [--articles 100] [--runs 3] [--idle-sites 20]
                                  [--idle-feeds 50] [--json OUT] [--defwatch-arg=--workers=2 ...]

**Cold crawl.** bench/genweb.py makes ``--sites`` x ``--articles`` articles, served by mockweb
in this process (its CPU is not counted). Each run starts both tools cold on a fresh output:
``bench/naive.py`` (feedparser + trafilatura, sequential) and ``defwatch crawl --out`` on a fresh
store; the order alternates between runs. Per tool: articles/min (expected articles / wall time
of the process), CPU seconds (user + sys of the whole process tree; this process is a subreaper, so
the workers of a fork server count too), peak memory (PSS summed over the process tree, sampled
from /proc every 50 ms, so pages shared by forked workers count once), and the judge's scoring
(shared/tools/score_crawl.py): coverage, duplicates and boilerplate leaks.

**Idle pass.** A second web of ``--idle-sites`` sites x ``--idle-feeds`` feeds (20 x 50 =
1,000 feeds) with nothing new: each tool runs once to warm up (untimed), then ``--runs`` more
times; per pass: CPU seconds, wall, share of feed requests answered 304 and page requests made
(from the mockweb request log). Medians of the runs are reported, with defwatch/naive ratios.
"""
from __future__ import annotations

import argparse
import ctypes
import errno
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DEFWATCH_SHARED", ROOT.parent / "shared")).resolve()
sys.path.insert(0, str(SHARED / "mockweb"))
sys.path.insert(0, str(SHARED / "tools"))
sys.path.insert(0, str(ROOT / "bench"))

import mockweb  # noqa: E402
import score_crawl  # noqa: E402
from genweb import generate  # noqa: E402

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Adopt orphaned descendants, so their CPU is counted too.

    A process pool started by a fork server has workers that are not the tool's own children: when
    the tool exits, the fork server and its workers would be reparented to init and their CPU lost.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def reap_all(timeout: float = 30) -> None:
    """Wait for every remaining descendant (adopted fork servers and workers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        except OSError as exc:
            if exc.errno == errno.ECHILD:
                return
            raise
        if pid == 0:
            time.sleep(0.02)
    print("warning: descendants still running after the tool exited", file=sys.stderr)


def tree_pids(root_pid: int) -> list[int]:
    """``root_pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def tree_memory(root_pid: int) -> int:
    """Proportional set size (bytes) of a process tree: forked workers' shared pages count once."""
    total = 0
    for pid in tree_pids(root_pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def measure(cmd: list[str], *, env: dict[str, str] | None = None) -> dict:
    """Run ``cmd``; return wall seconds, CPU seconds of its process tree, peak tree RSS, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, tree_memory(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, _ = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    reap_all()
    # Every descendant has been waited for, by its parent or by us (the subreaper): RUSAGE_CHILDREN
    # now holds the whole tree's CPU.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        print(f"warning: {' '.join(cmd[:3])} exited {proc.returncode}: {err[-500:]}", file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    return {"wall": wall, "cpu": cpu, "peak_rss_mb": peak / 2**20,
            "exit": proc.returncode}


def tool_cmd(tool: str, args: argparse.Namespace, sites: Path, out: Path, db: Path) -> list[str]:
    if tool == "naive":
        return [sys.executable, str(ROOT / "bench" / "naive.py"), "--sites", str(sites), "--out", str(out)]
    return [args.exe, "crawl", "--sites", str(sites), "--db", str(db), "--out", str(out), *args.defwatch_arg]


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def cold(args: argparse.Namespace, work: Path) -> dict[str, list[dict]]:
    root = generate(work / "web", sites=args.sites, articles=args.articles)
    truth = score_crawl.load_sites(root)
    results: dict[str, list[dict]] = {"naive": [], "defwatch": []}
    with mockweb.start(str(root), port=0) as web:
        sites = work / "sites.toml"
        score_crawl.write_sites_toml(sites, truth, web.sites)
        for run in range(args.runs):
            order = ["naive", "defwatch"] if run % 2 == 0 else ["defwatch", "naive"]
            for tool in order:
                web.reset()
                out, db = work / f"{tool}-{run}.jsonl", work / f"{tool}-{run}.sqlite3"
                m = measure(tool_cmd(tool, args, sites, out, db))
                s = score_crawl.score(read_jsonl(out), truth, web.sites, [0], web.log())
                m.update(articles=s["found"], expected=s["expected"], coverage=s["coverage"],
                         duplicates=s["duplicate_records"], leaks=s["leaks"], body_f1=s["body_f1"],
                         per_min=s["expected"] / m["wall"] * 60 if s["coverage"] == 1 else
                         s["found"] / m["wall"] * 60)
                m["cpu_per_article_ms"] = m["cpu"] / max(1, s["found"]) * 1000
                results[tool].append(m)
                print(f"cold run {run} {tool:8s} {m['per_min']:8.0f} art/min  wall {m['wall']:.2f}s  "
                      f"cpu {m['cpu']:.2f}s  rss {m['peak_rss_mb']:.0f}MB  coverage {m['coverage']:.3f}  "
                      f"dups {m['duplicates']}  leaks {m['leaks']}  exit {m['exit']}", flush=True)
    return results


def idle(args: argparse.Namespace, work: Path) -> dict[str, list[dict]]:
    root = generate(work / "idle-web", sites=args.idle_sites, articles=20, feeds=args.idle_feeds)
    truth = score_crawl.load_sites(root)
    feed_paths = {sid: set(site["feeds"]) for sid, site in truth.items()}
    results: dict[str, list[dict]] = {"naive": [], "defwatch": []}
    with mockweb.start(str(root), port=0) as web:
        sites = work / "idle-sites.toml"
        score_crawl.write_sites_toml(sites, truth, web.sites)
        for tool in ("naive", "defwatch"):
            out, db = work / f"idle-{tool}.jsonl", work / f"idle-{tool}.sqlite3"
            measure(tool_cmd(tool, args, sites, out, db))  # warm-up: the first, full pass
            for run in range(args.runs):
                web.clear_log()
                m = measure(tool_cmd(tool, args, sites, out, db))
                log = web.log()
                feeds = [e for e in log if e["path"] in feed_paths.get(e["site"], ())]
                m.update(feed_requests=len(feeds), share_304=sum(e["status"] == 304 for e in feeds) / max(1, len(feeds)),
                         page_requests=sum(1 for e in log if e not in feeds and e["path"] != "/robots.txt"))
                results[tool].append(m)
                print(f"idle run {run} {tool:8s} cpu {m['cpu']:.2f}s  wall {m['wall']:.2f}s  "
                      f"feeds {m['feed_requests']}  304 {m['share_304']:.0%}  pages {m['page_requests']}  "
                      f"exit {m['exit']}", flush=True)
    return results


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def summary(cold_runs: dict[str, list[dict]], idle_runs: dict[str, list[dict]]) -> dict:
    out: dict = {"cold": {}, "idle": {}}
    for tool, runs in cold_runs.items():
        out["cold"][tool] = {k: median(runs, k) for k in ("per_min", "wall", "cpu", "cpu_per_article_ms",
                                                          "peak_rss_mb", "coverage", "duplicates", "leaks")}
    for tool, runs in idle_runs.items():
        if not runs:
            continue
        out["idle"][tool] = {k: median(runs, k) for k in ("cpu", "wall", "share_304", "page_requests",
                                                          "feed_requests")}
    n, d = out["cold"]["naive"], out["cold"]["defwatch"]
    out["ratios"] = {"articles_per_min": d["per_min"] / n["per_min"], "cpu": d["cpu"] / n["cpu"],
                     "peak_rss": d["peak_rss_mb"] / n["peak_rss_mb"]}
    if idle_runs["naive"]:
        out["ratios"]["idle_cpu"] = out["idle"]["defwatch"]["cpu"] / out["idle"]["naive"]["cpu"]
    return out


def print_table(s: dict, runs: int) -> None:
    n, d = s["cold"]["naive"], s["cold"]["defwatch"]
    print(f"\n| measure (median of {runs}) | naive script | defwatch | ratio |\n|---|---|---|---|")
    print(f"| end to end (articles/min) | {n['per_min']:,.0f} | {d['per_min']:,.0f} | "
          f"{s['ratios']['articles_per_min']:.2f}x |")
    print(f"| CPU for the crawl | {n['cpu']:.1f} s | {d['cpu']:.1f} s | {s['ratios']['cpu']:.2f}x |")
    print(f"| CPU per article | {n['cpu_per_article_ms']:.1f} ms | {d['cpu_per_article_ms']:.1f} ms | |")
    print(f"| peak memory (PSS of the process tree) | {n['peak_rss_mb']:.0f} MB | {d['peak_rss_mb']:.0f} MB | "
          f"{s['ratios']['peak_rss']:.2f}x |")
    print(f"| coverage / duplicates / leaks | {n['coverage']:.3f} / {n['duplicates']:.0f} / {n['leaks']:.0f} | "
          f"{d['coverage']:.3f} / {d['duplicates']:.0f} / {d['leaks']:.0f} | |")
    if s["idle"].get("naive"):
        ni, di = s["idle"]["naive"], s["idle"]["defwatch"]
        print(f"| idle pass over {di['feed_requests']:.0f} unchanged feeds: CPU | {ni['cpu']:.2f} s | "
              f"{di['cpu']:.2f} s | {s['ratios']['idle_cpu']:.2f}x |")
        print(f"| idle pass: share of 304 / page requests | {ni['share_304']:.0%} / {ni['page_requests']:.0f} | "
              f"{di['share_304']:.0%} / {di['page_requests']:.0f} | |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--idle-sites", type=int, default=20)
    ap.add_argument("--idle-feeds", type=int, default=50, help="feeds per site in the idle web (0: no idle pass)")
    ap.add_argument("--exe", default=str(ROOT / ".venv" / "bin" / "defwatch"))
    ap.add_argument("--defwatch-arg", action="append", default=[], help="extra argument for `defwatch crawl`")
    ap.add_argument("--json", type=Path, help="write every run and the summary here")
    args = ap.parse_args()
    become_subreaper()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; defwatch args {args.defwatch_arg}", flush=True)
    with tempfile.TemporaryDirectory(prefix="defwatch-e2e-") as tmp:
        work = Path(tmp)
        cold_runs = cold(args, work)
        idle_runs = idle(args, work) if args.idle_feeds else {"naive": [], "defwatch": []}
    s = summary(cold_runs, idle_runs)
    print_table(s, args.runs)
    if args.json:
        args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)}, "cold": cold_runs,
                                         "idle": idle_runs, "summary": s}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
