#!/usr/bin/env python3
"""Benchmark defwatch's extract_page against trafilatura, in one process, on two corpora.

    .venv/bin/python bench/extraction.py [--shared ../shared] [--only bench|webdev] [--worst N] [--json OUT]

(a) ``shared/bench/extraction``: 88 real pages with hand-made article bodies, scored with that
    folder's ``score.py`` (4-token shingles, per-page normalised P/R, F1 of the means).
(b) ``shared/mockweb/web-dev``: the truth pages of the offline web (``{{BASE}}`` replaced, the
    page as served at the truth's latest epoch, in its served charset), scored like
    ``shared/tools/score_crawl.py``: body F1, leaks (``must_not_contain`` kept), title, authors,
    published (±60 s; the day for date-only), lang.

Every extractor gets the same HTML; timings are wall-clock per page on one core.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extraction import ExtractError, extract_page  # noqa: E402
from crawler.items import FeedEntry  # noqa: E402

DEFAULT_SHARED = ROOT.parent / "shared"
BASE = "http://127.0.0.2:8765"


def _load_module(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- corpora

def load_bench(shared: Path) -> list[dict]:
    folder = shared / "bench" / "extraction"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for pid, item in sorted(truth.items()):
        html = gzip.open(folder / "html" / f"{pid}.html.gz", "rt", encoding="utf-8").read()
        pages.append({"id": pid, "url": item.get("url") or f"https://example.invalid/{pid}",
                      "html": html, "truth": item["articleBody"]})
    return pages


def _served_file(site_dir: Path, site: dict, path: str) -> Path | None:
    """The file mockweb serves for ``path`` at the site's last epoch."""
    epochs = site.get("epochs", {})
    if path in epochs:
        files = [f for f in epochs[path] if f]
        if files:
            return site_dir / "files" / files[-1]
    rel = path.lstrip("/")
    for cand in (site_dir / "files" / rel / "index.html", site_dir / "files" / rel):
        if cand.is_file():
            return cand
    return None


def feed_entries(site_dir: Path, site: dict, base: str) -> dict[str, FeedEntry]:
    """Feed entries by link path, read with feedparser the way the crawler hands them over."""
    import feedparser

    out: dict[str, FeedEntry] = {}
    files = []
    for feed in site.get("feeds", []):
        files += site.get("epochs", {}).get(feed, [])
        plain = site_dir / "files" / feed.lstrip("/")
        files += [str(p.relative_to(site_dir / "files")) for p in (plain / "index.xml", plain) if p.is_file()]
    for rel in files:
        path = site_dir / "files" / rel
        if not path.is_file():
            continue
        parsed = feedparser.parse(path.read_text(encoding="utf-8").replace("{{BASE}}", base))
        for e in parsed.entries:
            link = e.get("link") or ""
            key = link.replace(base, "").split("?")[0]
            out[key] = FeedEntry(
                feed_url=base + "/" + rel, link=link, guid=e.get("id"), title=e.get("title"),
                published=_iso(e.get("published_parsed")),
                updated=_iso(e["updated_parsed"]) if "updated" in e and "updated_parsed" in e else None,
                authors=tuple(a.get("name") for a in e.get("authors", []) if a.get("name")),
                tags=tuple(t.get("term") for t in e.get("tags", []) if t.get("term")),
                summary=e.get("summary"))
    return out


def _iso(parsed: Any) -> str | None:
    if not parsed:
        return None
    return datetime(*parsed[:6], tzinfo=UTC).isoformat()


def load_webdev(shared: Path, base: str = BASE, articles_only: bool = True) -> list[dict]:
    web = shared / "mockweb" / "web-dev"
    pages = []
    for site_json in sorted(web.glob("*/site.json")):
        site_dir = site_json.parent
        site = json.loads(site_json.read_text(encoding="utf-8"))
        entries = feed_entries(site_dir, site, base)
        for truth_file in sorted((site_dir / "truth").glob("*.json")):
            truth = json.loads(truth_file.read_text(encoding="utf-8"))
            if articles_only and not truth.get("is_article", True):
                continue
            file = _served_file(site_dir, site, truth["path"])
            if file is None:
                continue
            text = file.read_text(encoding="utf-8").replace("{{BASE}}", base)
            charset = site.get("charset", {}).get(truth["path"])
            html = text.encode(charset, errors="xmlcharrefreplace") if charset else text.encode("utf-8")
            pages.append({"id": f"{site_dir.name}{truth['path']}", "site": site_dir.name, "site_name": site.get("name"),
                          "url": base + truth["path"], "html": html, "truth": truth,
                          "entry": entries.get(truth["path"])})
    return pages


# ---------------------------------------------------------------- extractors

def defwatch(page: dict) -> dict:
    try:
        ex = extract_page(page["html"], page["url"], entry=page.get("entry"))
    except ExtractError:
        return {"body": ""}
    return {"body": ex.body, "title": ex.title, "authors": ex.authors, "published": ex.published, "lang": ex.lang,
            "kind": ex.kind}


def _trafilatura(**options: Any) -> Callable[[dict], dict]:
    import trafilatura

    def run(page: dict) -> dict:
        html = page["html"]
        if isinstance(html, bytes):
            html = html.decode("utf-8", errors="replace") if b"charset=utf" in html[:2000].lower() else html
        text = trafilatura.extract(html, include_comments=False, **options) or ""
        return {"body": text}
    return run


def _trafilatura_meta(page: dict) -> dict:
    import trafilatura

    html = page["html"].decode("utf-8", errors="replace") if isinstance(page["html"], bytes) else page["html"]
    doc = trafilatura.bare_extraction(html, url=page["url"], include_comments=False, with_metadata=True)
    if doc is None:
        return {"body": ""}
    doc = doc.as_dict() if hasattr(doc, "as_dict") else doc
    authors = [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()]
    return {"body": doc.get("text") or "", "title": doc.get("title"), "authors": authors,
            "published": doc.get("date"), "lang": doc.get("language")}


def extractors() -> dict[str, Callable[[dict], dict]]:
    return {
        "defwatch": defwatch,
        "trafilatura": _trafilatura(),
        "trafilatura-precision": _trafilatura(favor_precision=True),
    }


def run(pages: list[dict], fn: Callable[[dict], dict]) -> tuple[list[dict], list[float]]:
    outs, times = [], []
    for page in pages:
        t0 = time.perf_counter()
        out = fn(page)
        times.append(time.perf_counter() - t0)
        outs.append(out)
    return outs, times


def timing(times: list[float]) -> dict[str, float]:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return {"pages_per_s": len(ms) / (sum(ms) / 1000) if ms else 0.0, "median_ms": statistics.median(ms),
            "p95_ms": p95}


# ---------------------------------------------------------------- scoring

def score_bench(pages: list[dict], outs: list[dict], scorer: Any) -> dict[str, float]:
    counts = [scorer.page_counts(p["truth"], o["body"]) for p, o in zip(pages, outs, strict=True)]
    exact = [scorer.tokens(p["truth"]) == scorer.tokens(o["body"]) for p, o in zip(pages, outs, strict=True)]
    agg = scorer.aggregate(counts, exact)
    agg["empty"] = sum(1 for o in outs if not scorer.tokens(o["body"]))
    return agg


def score_webdev(pages: list[dict], outs: list[dict], sc: Any) -> dict[str, Any]:
    triples, leaks, leak_list = [], 0, []
    ok = Counter()
    for page, out in zip(pages, outs, strict=True):
        t = page["truth"]
        body = out.get("body") or ""
        triples.append(sc.shingle_prf(t["body"], body))
        for s in t.get("must_not_contain", []):
            if sc.norm_text(s) and sc.norm_text(s) in sc.norm_text(body):
                leaks += 1
                leak_list.append(f"{page['id']}: {s!r}")
        if "title" in out:
            ok["title"] += sc.norm_text(out.get("title")) == sc.norm_text(t["title"])
            want = sorted(sc.norm_text(a).lower() for a in t.get("authors", []))
            got = sorted(sc.norm_text(a).lower() for a in (out.get("authors") or []))
            ok["authors"] += want == got
            ok["published"] += sc.same_time(out.get("published"), t.get("published"))
            ok["lang"] += (out.get("lang") or "")[:2] == (t.get("lang") or "")[:2]
    n = max(1, len(pages))
    res: dict[str, Any] = dict(sc.prf_summary(triples))
    res["leaks"] = leaks
    res["_leaks"] = leak_list
    for key in ("title", "authors", "published", "lang"):
        res[key] = ok[key] / n if ok or key == "title" else None
    if not any(k in outs[0] for k in ("title",)) if outs else True:
        for key in ("title", "authors", "published", "lang"):
            res[key] = None
    return res


# ---------------------------------------------------------------- report

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--only", choices=("bench", "webdev"))
    ap.add_argument("--worst", type=int, default=0, help="list the N worst defwatch pages per corpus")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-trafilatura", action="store_true", help="time and score defwatch only")
    args = ap.parse_args(argv)

    bench_scorer = _load_module("bench_score", args.shared / "bench" / "extraction" / "score.py")
    crawl_scorer = _load_module("score_crawl", args.shared / "tools" / "score_crawl.py")
    fns = {"defwatch": defwatch} if args.no_trafilatura else extractors()
    # Warm-up (imports, caches) outside the timings, on a page of each corpus.
    results: dict[str, Any] = {}
    corpora = []
    if args.only in (None, "bench"):
        corpora.append(("bench", load_bench(args.shared)))
    if args.only in (None, "webdev"):
        corpora.append(("webdev", load_webdev(args.shared)))
    from crawler.extraction.dates import parse_when
    # Imports dateparser and builds its timezone tables (once per process, ~0.3 s). Common formats
    # ("22 October 2024 10:05") no longer reach dateparser, so the warm-up uses one that does.
    parse_when("Posted on Tue, 10/22/2024 - 10:05 CET")
    for _, pages in corpora:
        for fn in fns.values():
            fn(pages[0])
    for corpus, pages in corpora:
        results[corpus] = {}
        for name, fn in fns.items():
            outs, times = run(pages, fn)
            if corpus == "webdev" and name.startswith("trafilatura"):
                # metadata as trafilatura reads it (bare_extraction), outside the timed run
                for out, page in zip(outs, pages, strict=True):
                    meta = _trafilatura_meta(page)
                    out.update({k: v for k, v in meta.items() if k != "body"})
            if corpus == "bench":
                sc = score_bench(pages, outs, bench_scorer)
            else:
                sc = score_webdev(pages, outs, crawl_scorer)
            sc.update(timing(times))
            results[corpus][name] = sc
            if name == "defwatch" and args.worst:
                _print_worst(corpus, pages, outs, bench_scorer if corpus == "bench" else crawl_scorer, args.worst)
    _print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


def _print_worst(corpus: str, pages: list[dict], outs: list[dict], sc: Any, n: int) -> None:
    rows = []
    for page, out in zip(pages, outs, strict=True):
        if corpus == "bench":
            tp, fp, fn = sc.page_counts(page["truth"], out["body"])
        else:
            tp, fp, fn = sc.shingle_prf(page["truth"]["body"], out["body"])
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        rows.append((2 * p * r / (p + r) if p + r else 0.0, p, r, page["id"]))
    rows.sort()
    print(f"worst {corpus} pages (f1 precision recall id):")
    for f, p, r, pid in rows[:n]:
        print(f"  {f:.3f} {p:.3f} {r:.3f} {pid}")


def _fmt(v: Any, spec: str = ".3f") -> str:
    return "-" if v is None else format(v, spec)


def _print_table(results: dict[str, Any]) -> None:
    for corpus, by_name in results.items():
        title = {"bench": "shared/bench/extraction (88 real pages)",
                 "webdev": "shared/mockweb/web-dev (article truth pages)"}[corpus]
        print(f"\n## {title}\n")
        cols = ["F1", "P", "R", "leaks", "title", "authors", "published", "lang", "pages/s", "median ms", "p95 ms"]
        print("| extractor | " + " | ".join(cols) + " |")
        print("|---" * (len(cols) + 1) + "|")
        for name, r in by_name.items():
            row = [_fmt(r["f1"]), _fmt(r["precision"]), _fmt(r["recall"]),
                   str(r["leaks"]) if "leaks" in r else "-",
                   _fmt(r.get("title"), ".2f"), _fmt(r.get("authors"), ".2f"), _fmt(r.get("published"), ".2f"),
                   _fmt(r.get("lang"), ".2f"), _fmt(r["pages_per_s"], ".1f"), _fmt(r["median_ms"], ".1f"),
                   _fmt(r["p95_ms"], ".1f")]
            print(f"| {name} | " + " | ".join(row) + " |")
        if "defwatch" in by_name and "trafilatura" in by_name:
            ratio = by_name["defwatch"]["pages_per_s"] / max(1e-9, by_name["trafilatura"]["pages_per_s"])
            print(f"\nspeed ratio defwatch / trafilatura (default): {ratio:.2f}x")
        leaks = by_name.get("defwatch", {}).get("_leaks") or []
        for leak in leaks[:20]:
            print(f"  leak: {leak}")


if __name__ == "__main__":
    sys.exit(main())
