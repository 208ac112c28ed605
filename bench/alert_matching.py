#!/usr/bin/env python3
"""Speed of watchlist matching, against a peer in the same run.

    .venv/bin/python bench/alert_matching.py [--web /work/blind/web-stories] [--rounds 20]

Records: the web's truth articles (title and body). Two workloads: the web's own
``watchlists.toml``, and 100 synthetic watchlists of 20 two-word terms each drawn from the
records' own words (every first word occurs in the texts: the index's worst case). Peer: the same
terms as ONE alternation regex per watchlist (one named group per term) over the same folded
text, the textbook way. Prints milliseconds per record for both and their ratio, and checks that
both find the same (watchlist, record) pairs.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.terms import fold, term_pattern  # noqa: E402
from crawler.watchlists import WatchConfig, Watchlist, load_watchlists  # noqa: E402


def records(web: Path) -> list[dict]:
    out = []
    for path in sorted(web.glob("*/truth/*.json")):
        truth = json.loads(path.read_text())
        out.append({"id": path.stem, "site": path.parent.parent.name, "lang": truth.get("lang"),
                    "title": truth.get("title") or "", "body": truth.get("body") or ""})
    return out


def peer_matches(config: WatchConfig, recs: list[dict]) -> set[tuple[str, str]]:
    """One alternation per term group; ``all``/``exclude``, ``sites``/``langs`` as in the watchlist."""
    compiled = []
    for wl in config.watchlists:
        def alt(terms: tuple[str, ...]) -> re.Pattern[str] | None:
            return re.compile("|".join(f"(?P<t{i}>{term_pattern(t)})" for i, t in enumerate(terms))) if terms else None
        compiled.append((wl, alt(wl.terms), [re.compile(term_pattern(t)) for t in wl.all], alt(wl.exclude)))
    out = set()
    for rec in recs:
        folded = [fold(rec[f]) for f in ("title", "body") if rec.get(f)]
        for wl, any_, all_, exclude in compiled:
            if wl.sites and rec["site"] not in wl.sites:
                continue
            if wl.langs and not any((rec.get("lang") or "").startswith(x) for x in wl.langs):
                continue
            texts = folded if wl.fields == ("title", "body") else [fold(rec.get(f) or "") for f in wl.fields]
            if exclude is not None and any(exclude.search(t) for t in texts):
                continue
            if not all(any(p.search(t) for t in texts) for p in all_):
                continue
            if any_ is not None and any(any_.search(t) for t in texts):
                out.add((wl.id, rec["id"]))
    return out


def ours(config: WatchConfig, recs: list[dict]) -> set[tuple[str, str]]:
    return {(wl.id, rec["id"]) for rec in recs for wl, _ in config.matches(rec)}


def timed(fn, config: WatchConfig, recs: list[dict], rounds: int) -> tuple[float, set]:
    best = float("inf")
    found: set = set()
    for _ in range(rounds):
        started = time.perf_counter()
        found = fn(config, recs)
        best = min(best, time.perf_counter() - started)
    return best / len(recs) * 1000, found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--web", type=Path, default=Path("/work/blind/web-stories"))
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    recs = records(args.web)
    rng = random.Random(20261207)
    words = sorted({w.strip(".,;:()\"'") for r in recs for w in r["body"].split() if len(w) > 3 and w.isalpha()})
    synthetic = WatchConfig(Path("synthetic"), tuple(
        Watchlist(id=f"w{i}", name=f"w{i}", terms=tuple(" ".join(rng.sample(words, 2)) for _ in range(20)))
        for i in range(100)))
    workloads = [("web watchlists", load_watchlists(args.web / "watchlists.toml")),
                 ("100 x 20 synthetic terms", synthetic)]
    ok = True
    for name, config in workloads:
        peer_ms, peer_found = timed(peer_matches, config, recs, args.rounds)
        our_ms, our_found = timed(ours, config, recs, args.rounds)
        same = peer_found == our_found
        ok &= same
        print(f"{name}: {len(recs)} records, {sum(len(w.terms) for w in config.watchlists)} terms; "
              f"defwatch {our_ms:.3f} ms/record, one-alternation peer {peer_ms:.3f} ms/record, "
              f"ratio {peer_ms / our_ms:.1f}x; same matches: {same} ({len(our_found)} pairs)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
