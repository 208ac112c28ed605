#!/usr/bin/env python3
"""The extraction workers' own cost, task by task: record a crawl's worker tasks, replay them.

    .venv/bin/python bench/worker_tasks.py record OUT.pickle [--sites 20] [--articles 100]
    .venv/bin/python bench/worker_tasks.py replay OUT.pickle [--runs 3] [--profile N] [--check GOLDEN.pickle]
    .venv/bin/python bench/worker_tasks.py pages OUT.pickle DIR...
    .venv/bin/python bench/worker_tasks.py golden OUT.pickle GOLDEN.pickle

``record`` crawls the web of bench/e2e.py (bench/genweb.py, served by mockweb) cold, and saves
every task the crawl sent to its worker pool (``crawler.offload.extract_in_worker`` and its
arguments, as sent). ``replay`` runs those tasks in this one process (after the fork server's
warm-up, ``crawler.offload.warm_up``), as a worker does: per task, the CPU of the call and of
pickling its arguments and result (the pipe's cost on both sides); the median of ``--runs``.
``pages`` makes one task of every ``*.html`` and ``*.html.gz`` file under the directories (no
site, no feed entry): a varied set of pages for ``golden``/``--check``. ``--profile N`` prints cProfile's top N functions of one more pass. ``golden`` saves the results
(records, stats and story signals, in a form that compares across processes); ``replay --check`` fails when
any result differs from the golden one: a speed change must not change an output.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

#: Runs ``crawler.cli.main`` with ``WorkerPool.run`` recording each task before running it.
_RECORDER = """
import atexit, os, pickle, sys
from crawler import pool
tasks, original = [], pool.WorkerPool.run

async def run(self, fn, *args, **kwargs):
    tasks.append((fn, args, kwargs))
    return await original(self, fn, *args, **kwargs)

pool.WorkerPool.run = run

def done():
    from crawler.offload import extract_in_worker
    with open(os.environ["WORKER_TASKS_OUT"], "wb") as fh:
        pickle.dump([t for t in tasks if t[0] is extract_in_worker], fh)

atexit.register(done)
from crawler.cli import main
sys.argv = ["defwatch", *sys.argv[1:]]
sys.exit(main())
"""


def record(out: Path, sites: int, articles: int) -> None:
    from e2e import SHARED, become_subreaper, reap_all

    sys.path.insert(0, str(SHARED / "mockweb"))
    sys.path.insert(0, str(SHARED / "tools"))
    import mockweb
    import score_crawl
    from genweb import generate

    become_subreaper()
    with tempfile.TemporaryDirectory(prefix="defwatch-tasks-") as tmp:
        work = Path(tmp)
        root = generate(work / "web", sites=sites, articles=articles)
        truth = score_crawl.load_sites(root)
        with mockweb.start(str(root), port=0) as web:
            toml = work / "sites.toml"
            score_crawl.write_sites_toml(toml, truth, web.sites)
            env = {**os.environ, "WORKER_TASKS_OUT": str(out.resolve())}
            subprocess.run([sys.executable, "-c", _RECORDER, "crawl", "--sites", str(toml), "--db",
                            str(work / "db.sqlite3"), "--out", str(work / "out.jsonl")], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, check=True)
        reap_all()
    n = len(pickle.loads(out.read_bytes()))
    print(f"recorded {n} tasks in {out}")


def pages(out: Path, dirs: list[Path]) -> None:
    import gzip

    from crawler.offload import extract_in_worker

    tasks = []
    for d in dirs:
        for path in sorted([*d.rglob("*.html"), *d.rglob("*.html.gz")]):
            body = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            url = "https://example.com/" + path.relative_to(d).as_posix().removesuffix(".gz")
            tasks.append((extract_in_worker, (body, url, None, None, "text/html"), {}))
    out.write_bytes(pickle.dumps(tasks))
    print(f"{len(tasks)} pages in {out}")


def load(path: Path) -> list[tuple]:
    return pickle.loads(path.read_bytes())


def replay_once(tasks: list[tuple]) -> tuple[float, float, list[tuple]]:
    """CPU seconds of the calls, CPU seconds of the pickling, and each result (``canonical``)."""
    call = pipe = 0.0
    results = []
    for fn, args, kwargs in tasks:
        t0 = time.process_time()
        sent = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        fn, args, kwargs = pickle.loads(sent)
        t1 = time.process_time()
        result = fn(*args, **kwargs)
        t2 = time.process_time()
        back = pickle.dumps((True, result), protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(back)
        t3 = time.process_time()
        call += t2 - t1
        pipe += (t1 - t0) + (t3 - t2)
        results.append(canonical(result))
    return call, pipe, results


def canonical(result: tuple) -> tuple:
    """A result in a form that compares across processes (sets sorted, arrays as lists)."""
    extracted, error, stats, signals = result
    sig = None
    if signals is not None:
        sig = (signals.title, signals.body, signals.sig.dtype.str, signals.sig.tolist(), sorted(signals.facts),
               sorted(signals.lead))
    return (None if extracted is None else dataclasses.asdict(extracted), error, sorted(stats.items()), sig)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out", type=Path)
    rec.add_argument("--sites", type=int, default=20)
    rec.add_argument("--articles", type=int, default=100)
    rep = sub.add_parser("replay")
    rep.add_argument("tasks", type=Path)
    rep.add_argument("--runs", type=int, default=3)
    rep.add_argument("--profile", type=int, default=0)
    rep.add_argument("--check", type=Path)
    pag = sub.add_parser("pages")
    pag.add_argument("out", type=Path)
    pag.add_argument("dirs", type=Path, nargs="+")
    gold = sub.add_parser("golden")
    gold.add_argument("tasks", type=Path)
    gold.add_argument("out", type=Path)
    args = ap.parse_args()
    if args.cmd == "record":
        record(args.out, args.sites, args.articles)
        return 0
    if args.cmd == "pages":
        pages(args.out, args.dirs)
        return 0
    t0 = time.process_time()
    import crawler.workerinit  # noqa: F401 - the fork server's imports and warm-up
    start = time.process_time() - t0
    tasks = load(args.tasks)
    if args.cmd == "golden":
        _, _, results = replay_once(tasks)
        args.out.write_bytes(pickle.dumps(results))
        print(f"saved {len(results)} results in {args.out}")
        return 0
    print(f"imports and warm-up: {start * 1000:.0f} ms CPU")
    runs = [replay_once(tasks) for _ in range(args.runs)]
    calls = statistics.median(r[0] for r in runs)
    pipes = statistics.median(r[1] for r in runs)
    n = len(tasks)
    print(f"{n} tasks: call {calls * 1000 / n:.3f} ms/task  pickling {pipes * 1000 / n:.3f} ms/task "
          f"(median of {args.runs})")
    if args.check:
        golden = pickle.loads(args.check.read_bytes())
        diff = [i for i, (a, b) in enumerate(zip(golden, runs[0][2], strict=True)) if a != b]
        print(f"check: {len(diff)} of {n} results differ from {args.check}" + (f" (first: {diff[:5]})" if diff else ""))
        if diff:
            return 1
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        replay_once(tasks)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
