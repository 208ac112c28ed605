#!/usr/bin/env python3
"""Score defwatch's story clusters on a story web, through the CLI contract only.

    python bench/score_stories.py --web DIR [--exe .venv/bin/defwatch] [--epochs 0,1,2] [--json OUT]

Serves the web root with mockweb, writes a sites file of id, name, url and feeds, runs
``defwatch crawl`` once per epoch, then ``defwatch export``, and compares each record's ``story``
with the truth's ``story`` label (``DIR/stories.json`` gives look-alike pairs, first reporters and
the French story):

* pairwise precision / recall / F1 over pairs of the exported truth articles;
* look-alike pairs merged (a pair of different events sharing one story id): must be 0;
* first-reporter accuracy over records of multi-outlet stories (``story_first_url``);
* late copies joined (a copy published first but found last shares its story's id);
* the French story: its original and English versions under one story id.

``--require KEY>=X`` (repeatable) makes the exit code 1 when a figure falls short.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DEFWATCH_SHARED", REPO.parent / "shared")).resolve()
sys.path.insert(0, str(SHARED / "mockweb"))


def load_truth(web: Path) -> tuple[dict[str, dict], dict]:
    """Truth articles by "site/path" (path without its leading slash), and stories.json."""
    truth = {}
    for path in sorted(web.glob("*/truth/*.json")):
        t = json.loads(path.read_text())
        truth[f"{path.parent.parent.name}/{t['path'].lstrip('/')}"] = t
    return truth, json.loads((web / "stories.json").read_text())


def write_sites(path: Path, web: Path, bases: dict[str, str]) -> None:
    lines = []
    for site_json in sorted(web.glob("*/site.json")):
        sid = site_json.parent.name
        site = json.loads(site_json.read_text())
        base = bases[sid]
        lines += ["[[sites]]", f"id = {json.dumps(sid)}", f"name = {json.dumps(site.get('name', sid))}",
                  f"url = {json.dumps(base + '/')}", "feeds = " + json.dumps([base + f for f in site.get("feeds", [])]),
                  ""]
    path.write_text("\n".join(lines))


def key_of(url: str | None, host_site: dict[str, str]) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    site = host_site.get(parts.netloc)
    return f"{site}/{parts.path.lstrip('/')}" if site else None


def _norm(key: str) -> str:
    return key.rstrip("/")


def score(records: list[dict], truth: dict[str, dict], meta: dict, host_site: dict[str, str]) -> dict:
    truth_n = {_norm(k): v for k, v in truth.items()}
    got: dict[str, dict] = {}
    unknown = 0
    for r in records:
        k = key_of(r.get("url"), host_site)
        if k and _norm(k) in truth_n:
            got[_norm(k)] = r
        else:
            unknown += 1
    keys = sorted(got)
    tp = fp = fn = 0
    for a, b in itertools.combinations(keys, 2):
        same_true = truth_n[a]["story"] == truth_n[b]["story"]
        same_pred = got[a].get("story") is not None and got[a].get("story") == got[b].get("story")
        tp += same_true and same_pred
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    by_label: dict[str, list[str]] = {}
    for k in keys:
        by_label.setdefault(truth_n[k]["story"], []).append(k)
    pred_of = {k: got[k].get("story") for k in keys}

    merged_pairs = []
    for a, b in meta.get("lookalike_pairs", []):
        sa = {pred_of[k] for k in by_label.get(a, [])}
        sb = {pred_of[k] for k in by_label.get(b, [])}
        if sa & sb - {None}:
            merged_pairs.append(f"{a} + {b}")

    first_ok = first_n = 0
    first_wrong = []
    for label, members in by_label.items():
        if len(meta["stories"].get(label, [])) < 2:
            continue
        want = _norm(meta["first_reporter"][label])
        for k in members:
            first_n += 1
            have = key_of(got[k].get("story_first_url"), host_site)
            if have and _norm(have) == want:
                first_ok += 1
            else:
                first_wrong.append(f"{k}: {have} (want {want})")

    late = [k for k in keys if "late" in (truth_n[k].get("copy_kind") or "")]
    late_joined = [k for k in late
                   if any(pred_of[o] == pred_of[k] for o in by_label[truth_n[k]["story"]] if o != k)]
    french = by_label.get(meta.get("french_story", ""), [])
    french_ok = len(french) > 1 and len({pred_of[k] for k in french}) == 1
    split = [f"{label}: {len({pred_of[k] for k in ks})} ids" for label, ks in by_label.items()
             if len({pred_of[k] for k in ks}) > 1]
    return {
        "records": len(records), "truth_articles": len(truth), "scored_articles": len(keys),
        "unmatched_records": unknown,
        "pairwise_precision": precision, "pairwise_recall": recall, "pairwise_f1": f1,
        "true_pairs": tp + fn, "predicted_pairs": tp + fp,
        "lookalikes_merged": len(merged_pairs), "lookalike_pairs": len(meta.get("lookalike_pairs", [])),
        "first_reporter_acc": first_ok / first_n if first_n else 1.0, "first_reporter_records": first_n,
        "late_copies": len(late), "late_copies_joined": len(late_joined),
        "french_story_one_id": int(french_ok), "french_story_articles": len(french),
        "predicted_stories": len({pred_of[k] for k in keys}), "true_stories": len(by_label),
        "_merged": merged_pairs, "_split": split, "_first_wrong": first_wrong,
        "_late_missed": [k for k in late if k not in late_joined],
    }


def run(web: Path, exe: list[str], epochs: list[int], timeout: float) -> tuple[list[dict], dict[str, str]]:
    import mockweb

    handle = mockweb.start(str(web), port=0)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            sites, db, out = tmp / "sites.toml", tmp / "defwatch.sqlite3", tmp / "export.jsonl"
            write_sites(sites, web, handle.sites)
            for e in epochs:
                handle.set_epoch(e)
                run = subprocess.run([*exe, "crawl", "--sites", str(sites), "--db", str(db)], capture_output=True,
                                     text=True, timeout=timeout)
                if run.returncode != 0:
                    raise SystemExit(f"defwatch crawl failed at epoch {e} (exit {run.returncode}):\n{run.stderr[-3000:]}")
            run = subprocess.run([*exe, "export", "--db", str(db), "--out", str(out)], capture_output=True, text=True,
                                 timeout=timeout)
            if run.returncode != 0:
                raise SystemExit(f"defwatch export failed (exit {run.returncode}):\n{run.stderr[-3000:]}")
            records = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
        host_site = {urlsplit(base).netloc: sid for sid, base in handle.sites.items()}
    finally:
        handle.stop()
    return records, host_site


def check(metrics: dict, requires: list[str]) -> list[str]:
    failed = []
    for req in requires:
        for op in (">=", "<="):
            if op in req:
                key, value = (x.strip() for x in req.split(op))
                got = metrics[key]
                if not (got >= float(value) if op == ">=" else got <= float(value)):
                    failed.append(f"{key}={got:.3f} (needs {op}{value})")
    return failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--web", type=Path, required=True, help="story web root (with stories.json)")
    ap.add_argument("--exe", default=str(REPO / ".venv" / "bin" / "defwatch"), help="the defwatch command (split like a shell would)")
    ap.add_argument("--epochs", default="0,1,2")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--require", action="append", default=[])
    args = ap.parse_args()
    truth, meta = load_truth(args.web)
    records, host_site = run(args.web, shlex.split(args.exe), [int(e) for e in args.epochs.split(",")], args.timeout)
    metrics = score(records, truth, meta, host_site)
    for k, v in metrics.items():
        if k.startswith("_"):
            for item in v:
                print(f"{k[1:]}: {item}")
        else:
            print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(metrics, indent=2))
    failed = check(metrics, args.require)
    print(("FALLS SHORT: " + "; ".join(failed) + " | " if failed else "")
          + f"pairwise P/R/F1 {metrics['pairwise_precision']:.2f}/{metrics['pairwise_recall']:.2f}/"
            f"{metrics['pairwise_f1']:.2f}, look-alikes merged {metrics['lookalikes_merged']} of "
            f"{metrics['lookalike_pairs']}, first reporter {metrics['first_reporter_acc']:.2f}, late copies joined "
            f"{metrics['late_copies_joined']}/{metrics['late_copies']}, French story one id "
            f"{bool(metrics['french_story_one_id'])}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
