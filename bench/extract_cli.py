#!/usr/bin/env python3
"""Benchmark ``defwatch extract --jsonl`` as a user runs it, against trafilatura run the same way.

    .venv/bin/python bench/extract_cli.py [--pages ../shared/bench/extraction] [--runs 3] [--json OUT] [--also NAME=EXE]

Each run is one cold process over all pages: start-up, imports and every page included, timed as
the wall time of the whole command. defwatch reads ``{"id","url","html"}`` lines on stdin; the peer
is a cold ``python -c`` process that reads the same lines and calls ``trafilatura.extract`` on
each page (``include_comments=False``, as an analyst would). The median of ``--runs`` runs gives
pages/s; both outputs are scored with the corpus's own ``score.py`` (4-token shingles, F1 of the
per-page means). The runs alternate between the two commands, so load on the machine hits both;
the CPU time of each process (user + system) is reported too, as it depends far less on that load.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = ROOT.parent / "shared" / "bench" / "extraction"

#: The peer: one cold process, same input, same output shape as ``defwatch extract --jsonl``.
TRAFILATURA = """
import json, sys
import trafilatura
for line in sys.stdin.buffer:
    page = json.loads(line)
    try:
        text = trafilatura.extract(page["html"], url=page["url"], include_comments=False) or ""
    except Exception:
        text = ""
    sys.stdout.write(json.dumps({"id": page["id"], "body": text}, ensure_ascii=False) + "\\n")
"""


def build_input(pages: Path, out: Path) -> int:
    """One ``{"id","url","html"}`` line per page of the corpus; the number of pages."""
    truth = json.loads((pages / "ground-truth.json").read_text(encoding="utf-8"))
    with out.open("w", encoding="utf-8") as fh:
        for page_id, item in sorted(truth.items()):
            html = gzip.open(pages / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8").read()
            fh.write(json.dumps({"id": page_id, "url": item.get("url") or "", "html": html}, ensure_ascii=False) + "\n")
    return len(truth)


def timed_run(cmd: list[str], stdin: Path, stdout: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one cold run of ``cmd``.

    On a shared machine the wall time swings with other processes' load; the CPU time much less.
    """
    with stdin.open("rb") as fin, stdout.open("wb") as fout:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, stdin=fin, stdout=fout, stderr=subprocess.DEVNULL, check=True, cwd=tempfile.gettempdir())
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def to_predictions(output: Path, predictions: Path) -> None:
    """The score.py input (``{"id","text"}``) from a ``--jsonl`` output (``{"id","body"}``)."""
    with output.open(encoding="utf-8") as fin, predictions.open("w", encoding="utf-8") as fout:
        for line in fin:
            rec = json.loads(line)
            fout.write(json.dumps({"id": rec["id"], "text": rec.get("body") or ""}, ensure_ascii=False) + "\n")


def score(pages: Path, predictions: Path) -> dict:
    run = subprocess.run([sys.executable, str(pages / "score.py"), str(pages / "ground-truth.json"), str(predictions),
                          "--json", "--missing-as-empty"], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="corpus: ground-truth.json, html/, score.py")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--exe", default=str(Path(sys.executable).with_name("defwatch")))
    ap.add_argument("--also", action="append", default=[], metavar="NAME=EXE",
                    help="another defwatch build timed in the same runs (e.g. main before a change)")
    ap.add_argument("--json", type=Path, help="write the results here too")
    a = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="extract-cli-") as tmp:
        tmpdir = Path(tmp)
        pages_in = tmpdir / "pages.jsonl"
        n = build_input(a.pages, pages_in)
        commands = {"defwatch": [a.exe, "extract", "--jsonl"],
                    "trafilatura": [sys.executable, "-c", TRAFILATURA]}
        for extra in a.also:
            name, _, exe = extra.partition("=")
            commands[name] = [exe, "extract", "--jsonl"]
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(a.runs):
            for name, cmd in commands.items():
                wall, used = timed_run(cmd, pages_in, tmpdir / f"{name}.out")
                times[name].append(wall)
                cpu[name].append(used)
        results = {}
        for name in commands:
            preds = tmpdir / f"{name}.pred.jsonl"
            to_predictions(tmpdir / f"{name}.out", preds)
            s = score(a.pages, preds)
            wall = statistics.median(times[name])
            results[name] = {"pages": n, "wall_s": round(wall, 3), "runs_s": [round(t, 3) for t in times[name]],
                             "pages_per_s": round(n / wall, 1), "cpu_s": round(statistics.median(cpu[name]), 3),
                             "f1": round(s["f1"], 4),
                             "precision": round(s["precision"], 4), "recall": round(s["recall"], 4)}
    ratio = results["defwatch"]["pages_per_s"] / results["trafilatura"]["pages_per_s"]
    cpu_ratio = results["trafilatura"]["cpu_s"] / results["defwatch"]["cpu_s"]
    print(f"## {a.pages} ({n} pages), one cold process per run, median of {a.runs} runs (cpus: {os.cpu_count()})\n")
    print("| command | F1 | P | R | wall s (median) | runs s | pages/s | CPU s (median) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['f1']:.3f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['wall_s']:.2f} | "
              f"{', '.join(f'{t:.2f}' for t in r['runs_s'])} | {r['pages_per_s']:.1f} | {r['cpu_s']:.2f} |")
    print(f"\npages/s ratio defwatch / trafilatura: {ratio:.2f}x (wall); {cpu_ratio:.2f}x (CPU time)")
    for extra in a.also:
        name = extra.partition("=")[0]
        print(f"pages/s ratio {name} / trafilatura: "
              f"{results[name]['pages_per_s'] / results['trafilatura']['pages_per_s']:.2f}x (wall); "
              f"{results['trafilatura']['cpu_s'] / results[name]['cpu_s']:.2f}x (CPU time)")
    if a.json:
        a.json.write_text(json.dumps({"results": results, "ratio": round(ratio, 3), "cpu_ratio": round(cpu_ratio, 3)},
                                     indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
