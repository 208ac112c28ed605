#!/usr/bin/env python3
"""Where a crawl's CPU goes: the crawl's own process against its whole process tree (the workers).

    .venv/bin/python bench/cpu_split.py [--sites 20] [--articles 100] [--idle-feeds 0] [--runs 1] [--sample] [--save-cpu]

Generates the web of bench/e2e.py (``--idle-feeds F``: the idle web of ``--sites`` x F feeds, one
warm-up pass, then ``--runs`` passes of unchanged feeds), serves it with mockweb in this process,
and runs ``defwatch crawl`` cold on a fresh store. Per run: wall, CPU of the whole process tree
(this process is a subreaper, so the fork server's workers count), and CPU of the crawl's own
process (``RUSAGE_SELF`` at its exit). ``--sample`` also samples the crawl process's stack on
every 2 ms of its CPU (``ITIMER_PROF``) and prints which of our components each sample was in,
outermost first ("scrapy/twisted/asyncio only": no frame of ours below the crawl loop), and the
innermost module: a profile without cProfile's distortion of small Python functions.
``--save-cpu`` also counts the CPU of the crawl process's ``Store.save_article`` calls (the
store pipeline's transaction: the record, its story placement and index rows).
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from e2e import SHARED, become_subreaper, reap_all  # noqa: E402

sys.path.insert(0, str(SHARED / "mockweb"))
sys.path.insert(0, str(SHARED / "tools"))

import mockweb  # noqa: E402
import score_crawl  # noqa: E402
from genweb import generate  # noqa: E402

#: Runs ``crawler.cli.main`` and writes the process's own CPU seconds (and the samples) at exit.
_WRAPPER = """
import atexit, collections, json, os, resource, signal, sys
out, sample = os.environ["CPU_SPLIT_OUT"], os.environ.get("CPU_SPLIT_SAMPLE")
outer, leaf = collections.Counter(), collections.Counter()

def on_tick(signum, frame):
    ours, f = [], frame
    while f is not None:
        name = f.f_code.co_filename
        if name.startswith(ROOT) and "/.venv/" not in name:
            ours.append(name[len(ROOT) + 1:] + ":" + f.f_code.co_name)
        f = f.f_back
    ours = [o for o in ours if not o.startswith("crawler/cli.py") and not o.endswith(":run_cycle")]
    outer[ours[-1] if ours else "scrapy/twisted/asyncio only"] += 1
    name = frame.f_code.co_filename
    leaf[name.split("site-packages/")[-1].rsplit("/", 1)[0] if "site-packages/" in name else name.rsplit("/", 1)[-1]] += 1

def done():
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(out, "w") as fh:
        json.dump({"self": usage.ru_utime + usage.ru_stime, "outer": outer, "leaf": leaf}, fh)

if sample:
    signal.signal(signal.SIGPROF, on_tick)
    signal.setitimer(signal.ITIMER_PROF, 0.002, 0.002)
atexit.register(done)
if os.environ.get("CPU_SPLIT_SAVE"):
    import time
    from crawler.store import Store
    plain, spent = Store.save_article, [0.0, 0]

    def timed(self, *args, **kwargs):
        started = time.process_time()
        try:
            return plain(self, *args, **kwargs)
        finally:
            spent[0] += time.process_time() - started
            spent[1] += 1
    Store.save_article = timed
    atexit.register(lambda: json.dump(spent, open(os.environ["CPU_SPLIT_SAVE"], "w")))
from crawler.cli import main
sys.argv = ["defwatch", *sys.argv[1:]]
sys.exit(main())
"""


def run(args: argparse.Namespace, sites: Path, work: Path, label: str) -> None:
    import json

    out = work / "split.json"
    code = f"ROOT = {str(ROOT)!r}\n" + _WRAPPER
    saves = work / "saves.json"
    env = {**os.environ, "CPU_SPLIT_OUT": str(out), **({"CPU_SPLIT_SAMPLE": "1"} if args.sample else {}),
           **({"CPU_SPLIT_SAVE": str(saves)} if getattr(args, "save_cpu", False) else {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, "crawl", "--sites", str(sites), "--db", str(work / "db.sqlite3"),
                           "--out", str(work / "out.jsonl")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    reap_all()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    tree = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    if proc.returncode != 0:
        print(f"warning: crawl exited {proc.returncode}: {proc.stderr[-500:]}", file=sys.stderr)
    data = json.loads(out.read_text())
    print(f"{label}: wall {wall:.2f}s  CPU of the tree {tree:.2f}s  of the crawl process {data['self']:.2f}s  "
          f"of the workers {tree - data['self']:.2f}s  load {os.getloadavg()[0]:.1f}", flush=True)
    if getattr(args, "save_cpu", False) and saves.exists():
        spent, calls = json.loads(saves.read_text())
        print(f"  Store.save_article: {1000 * spent / max(calls, 1):.3f} ms CPU a call, {calls} calls", flush=True)
    if args.sample:
        total = sum(data["outer"].values()) or 1
        for title, counts in (("outermost component of ours", data["outer"]), ("innermost module", data["leaf"])):
            print(f"  {title} ({total} samples):")
            for name, n in sorted(counts.items(), key=lambda kv: -kv[1])[:12]:
                print(f"    {100 * n / total:5.1f}%  {name}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--idle-feeds", type=int, default=0, help="feeds per site: measure idle passes instead")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--sample", action="store_true", help="sample the crawl process's stacks")
    ap.add_argument("--save-cpu", action="store_true", help="also time Store.save_article in the crawl process")
    args = ap.parse_args()
    become_subreaper()
    with tempfile.TemporaryDirectory(prefix="defwatch-split-") as tmp:
        work = Path(tmp)
        if args.idle_feeds:
            root = generate(work / "web", sites=args.sites, articles=20, feeds=args.idle_feeds)
        else:
            root = generate(work / "web", sites=args.sites, articles=args.articles)
        truth = score_crawl.load_sites(root)
        with mockweb.start(str(root), port=0) as web:
            sites = work / "sites.toml"
            score_crawl.write_sites_toml(sites, truth, web.sites)
            if args.idle_feeds:
                run(argparse.Namespace(sample=False), sites, work, "warm-up pass")
            for i in range(args.runs):
                if not args.idle_feeds:
                    for f in work.glob("db.sqlite3*"):
                        f.unlink()
                    (work / "out.jsonl").unlink(missing_ok=True)
                run(args, sites, work, f"{'idle' if args.idle_feeds else 'cold'} run {i}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
