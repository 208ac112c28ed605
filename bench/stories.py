#!/usr/bin/env python3
"""What story clustering costs: its share of a crawl's CPU, and assignment latency at 100,000 articles.

    .venv/bin/python bench/stories.py crawl [--web DIR|real]...
    .venv/bin/python bench/stories.py latency [--articles 100000] [--probe 500] [--db PATH] [--seed 10]

``crawl``
    Serves each web root with mockweb and runs ``defwatch crawl`` over it once per epoch (0, 1, 2),
    each in its own process in which ``Store._join_story`` (everything clustering does for one
    article, from the first import of numpy/datasketch to the story rows and the refreshed
    members) is wrapped in a CPU-time counter. Reports the processes' whole CPU time (user +
    system, interpreter start included) and the clustering share of it. ``real`` is a one-site
    web of the 88 real news pages of ../shared/bench/extraction (page sizes and article lengths
    of the real web; the mock webs' pages are a few kB, so a crawl of them costs little per article).

``latency``
    Builds a store of ``--articles`` synthetic articles (kept at ``--db`` for reuse), then saves
    ``--probe`` new ones through ``Store.save_article`` and reports the time of each call (the
    article, its story and its members in one transaction) and of its story placement alone:
    p50 / p95 / p99, as wall time and as this process's CPU time (on a shared machine the wall
    time includes waiting for a core; the CPU time does not). An article is 8 to 30 sentences drawn from the story web's and
    web-dev's truth bodies with every name, designator and number replaced by random ones (so
    facts and vocabulary have a realistic density); they are spread over 365 days (~270 a day)
    and one in five is a rewrite of a recent article, so stories and candidates exist.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DEFWATCH_SHARED", REPO.parent / "shared")).resolve()
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(SHARED / "mockweb"))
sys.path.insert(0, str(REPO / "bench"))


# ---------------------------------------------------------------- crawl share
def child(argv: list[str]) -> None:
    """One ``defwatch crawl`` in this process with clustering's CPU time counted."""
    from crawler import cli
    from crawler.store import Store

    spent = [0.0, 0, 0.0]
    original = Store._join_story

    def counted(self, record):
        t0 = time.process_time()
        if not spent[1]:  # what the first article imports, counted apart too (only crawls that store pay it)
            import crawler.stories.index  # noqa: F401
            spent[2] = time.process_time() - t0
        try:
            return original(self, record)
        finally:
            spent[0] += time.process_time() - t0
            spent[1] += 1

    Store._join_story = counted
    code = cli.main(argv)
    imports = spent[2]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"exit": code, "cpu": usage.ru_utime + usage.ru_stime, "stories_cpu": spent[0],
                      "imports_cpu": imports,
                      "placed": spent[1]}), file=sys.stderr)


def real_pages_web(root: Path) -> Path:
    """A one-site web root serving the 88 real news pages of ../shared/bench/extraction, all in one feed."""
    import gzip

    site = root / "realpages"
    items = []
    for i, page in enumerate(sorted((SHARED / "bench" / "extraction" / "html").glob("*.html.gz"))):
        path = f"/news/{page.name[:16]}/"
        target = site / "files" / path.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(gzip.decompress(page.read_bytes()))
        when = datetime(2024, 10, 1, tzinfo=UTC) + timedelta(hours=i)
        items.append(f"<item><title>Page {i}</title><link>{{{{BASE}}}}{path}</link><guid>{path}</guid>"
                     f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>")
    (site / "files" / "feed").mkdir(parents=True, exist_ok=True)
    (site / "files" / "feed" / "index.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Real pages</title>'
        "<link>{{BASE}}/</link><description>x</description>" + "".join(items) + "</channel></rss>")
    (site / "site.json").write_text(json.dumps({"name": "Real pages", "lang": "en", "feeds": ["/feed/"]}))
    return root


def crawl_share(webs: list[Path]) -> int:
    import mockweb
    from score_stories import write_sites

    rows = []
    keep = tempfile.TemporaryDirectory()
    webs = [real_pages_web(Path(keep.name)) if str(w) == "real" else w for w in webs]
    for web in webs:
        handle = mockweb.start(str(web), port=0)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                sites, db = Path(tmp) / "sites.toml", Path(tmp) / "db.sqlite3"
                write_sites(sites, web, handle.sites)
                total = stories = placed = imports = 0.0
                for epoch in (0, 1, 2):
                    handle.set_epoch(epoch)
                    run = subprocess.run([sys.executable, __file__, "_child", "crawl", "--sites", str(sites),
                                          "--db", str(db), "--no-progress"], capture_output=True, text=True,
                                         timeout=600)
                    m = json.loads(run.stderr.strip().splitlines()[-1])
                    if m["exit"] != 0:
                        raise SystemExit(f"crawl failed at epoch {epoch}: {run.stderr[-2000:]}")
                    total, stories, placed = total + m["cpu"], stories + m["stories_cpu"], placed + m["placed"]
                    imports += m["imports_cpu"]
        finally:
            handle.stop()
        rows.append(("real pages (88, ../shared/bench/extraction)" if web.parent == Path(keep.name).parent
                     and web.name == Path(keep.name).name else web.name, int(placed), total, stories, imports))
    print("| web | articles placed | crawl CPU (3 processes) | clustering CPU (of which imports) | a placement | share |")
    print("|---|---|---|---|---|---|")
    for name, placed, total, stories, imports in rows:
        print(f"| {name} | {placed} | {total:.2f} s | {stories:.3f} s ({imports:.3f} s) | "
              f"{(stories - imports) / max(placed, 1) * 1000:.1f} ms | {stories / total * 100:.1f} % |")
    return 0


# ---------------------------------------------------------------- latency at scale
_CAPS = re.compile(r"\b[A-Z][\w-]*\b")
_NUM = re.compile(r"\d[\d,.]*")


def corpus() -> dict[str, list[str]]:
    """Titles and sentences of the story web's and web-dev's truth articles."""
    titles, sentences = [], []
    for root in (REPO / "tests" / "fixtures" / "web-stories", SHARED / "mockweb" / "web-dev"):
        for path in sorted(root.glob("*/truth/*.json")):
            t = json.loads(path.read_text())
            if t.get("is_article", True) and t.get("body"):
                titles.append(t["title"])
                sentences += [x for x in re.split(r"(?<=[.!?])\s+", t["body"]) if len(x.split()) > 4]
    return {"titles": titles, "sentences": sentences}


def synthesize(rng: random.Random, base: dict[str, list[str]], names: list[str]) -> tuple[str, str]:
    """A new article: 8 to 30 sentences drawn from the whole corpus, every name and number replaced."""
    mapping: dict[str, str] = {}

    def name(m: re.Match) -> str:
        word = m.group(0)
        if word not in mapping:
            pick = rng.choice(names)
            mapping[word] = pick + str(rng.randint(2, 99)) if any(c.isdigit() for c in word) else pick
        return mapping[word]

    def number(m: re.Match) -> str:
        return f"{rng.randint(2, 9999):,}"

    def swap(text: str) -> str:
        return _NUM.sub(number, _CAPS.sub(name, text))

    body = " ".join(rng.choice(base["sentences"]) for _ in range(rng.randint(8, 30)))
    return swap(rng.choice(base["titles"])), swap(body)


def rewrite(rng: random.Random, title: str, body: str) -> tuple[str, str]:
    words = body.split()
    for _ in range(len(words) // 8):
        i = rng.randrange(len(words))
        words[i] = rng.choice(words)
    return "Update: " + title, " ".join(words)


def build(db: Path, n: int, seed: int) -> None:
    from crawler.items import Article
    from crawler.store import Store

    rng = random.Random(seed)
    bases = corpus()
    names = sorted({"".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))
                            ).capitalize() for _ in range(30000)})
    start = datetime(2024, 1, 1, tzinfo=UTC)
    recent: list[tuple[str, str, datetime]] = []
    with Store(db) as store:
        done = store.db.execute("SELECT count(*) FROM story_articles").fetchone()[0]
        t0 = time.monotonic()
        for i in range(done, n):
            when = start + timedelta(seconds=i * 365 * 86400 / n)
            fresh = [r for r in recent[-300:] if (when - r[2]).total_seconds() < 2 * 86400]
            if fresh and rng.random() < 0.2:  # a rewrite of an article of the last two days
                title, body, _ = rng.choice(fresh)
                title, body = rewrite(rng, title, body)
            else:
                title, body = synthesize(rng, bases, names)
                recent.append((title, body, when))
            record = synthetic_record(f"s{i:07d}", title, body, when)
            if i % 2000 == 0:
                store.db.execute("BEGIN IMMEDIATE")
            record.update(store.story_fields(store.place_in_story(Article.from_dict(record)).story))
            store.db.execute(
                "INSERT INTO articles(id, site, url, version, content_hash, published, fetched_at, record) "
                "VALUES (?,?,?,1,?,?,?,?)", (record["id"], record["site"], record["url"], record["content_hash"],
                                             record["published"], record["fetched_at"], json.dumps(record)))
            if i % 2000 == 1999 or i == n - 1:
                store.db.execute("COMMIT")
                print(f"  built {i + 1} articles in {time.monotonic() - t0:.0f} s", file=sys.stderr)


def synthetic_record(aid: str, title: str, body: str, when: datetime) -> dict:
    return {"id": aid, "url": f"https://synthetic.example/{aid}", "site": f"site{sum(map(ord, aid)) % 50}",
            "title": title, "authors": [], "published": when.isoformat(), "updated": None, "lang": "en", "tags": [],
            "body": body, "fetched_at": when.isoformat(), "version": 1, "content_hash": aid}


def latency(n: int, probes: int, db: Path, seed: int) -> int:
    from crawler.items import Article
    from crawler.store import Store
    from crawler.store_stories import StoriesStore

    build(db, n, seed)
    rng = random.Random(seed + 1)
    bases = corpus()
    names = ["Probe" + "".join(rng.choice("aeioukrt") for _ in range(5)) for _ in range(2000)]
    end = datetime(2024, 12, 31, tzinfo=UTC)
    saves, places, save_cpu, place_cpu, joined = [], [], [], [], 0
    with Store(db) as store:
        size = store.db.execute("SELECT count(*) FROM story_articles").fetchone()[0]
        original = StoriesStore.place_in_story

        def timed(self, record):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return original(self, record)
            finally:
                places.append(time.perf_counter() - t0)
                place_cpu.append(time.process_time() - c0)

        StoriesStore.place_in_story = timed
        for i in range(probes):
            if i % 3 == 0:  # a copy of a stored article of the last days: candidates to score
                row = store.db.execute("SELECT article_id FROM story_articles WHERE ts > ? ORDER BY random() LIMIT 1",
                                       ((end - timedelta(days=3)).timestamp(),)).fetchone()
                art = store.article(row[0]) if row else None
                title, body = (art.title, art.body) if art else synthesize(rng, bases, names)
                title, body = rewrite(rng, title, body)
            else:
                title, body = synthesize(rng, bases, names)
            record = synthetic_record(f"p{seed}-{i:05d}", title, body, end - timedelta(hours=rng.random() * 48))
            t0, c0 = time.perf_counter(), time.process_time()
            store.save_article(Article.from_dict(record), page_keys=[record["id"]])
            saves.append(time.perf_counter() - t0)
            save_cpu.append(time.process_time() - c0)
            saved = store.article(record["id"])
            joined += bool(saved and saved.story_size > 1)
        StoriesStore.place_in_story = original

    def pct(values: list[float], q: float) -> float:
        return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000

    print(f"store: {size} articles placed before the probes ({db}, {db.stat().st_size / 1e6:.0f} MB)")
    print("| measure | p50 | p95 | p99 | max |")
    print("|---|---|---|---|---|")
    for name, values in (("save_article (article + story, one transaction), wall", saves),
                         ("save_article, CPU of this process", save_cpu),
                         ("story placement alone, wall", places), ("story placement alone, CPU", place_cpu)):
        print(f"| {name} | {pct(values, .5):.1f} ms | {pct(values, .95):.1f} ms | {pct(values, .99):.1f} ms | "
              f"{max(values) * 1000:.1f} ms |")
    print(f"probes: {probes}, joined an existing story: {joined}; mean save {statistics.mean(saves) * 1000:.1f} ms; "
          f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        child(sys.argv[2:])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("crawl")
    p.add_argument("--web", type=Path, action="append")
    p = sub.add_parser("latency")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--probe", type=int, default=500)
    p.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "defwatch-stories-bench.sqlite3")
    p.add_argument("--seed", type=int, default=10)
    args = ap.parse_args()
    if args.cmd == "crawl":
        return crawl_share(args.web or [REPO / "tests" / "fixtures" / "web-stories", SHARED / "mockweb" / "web-dev",
                                        Path("real")])
    return latency(args.articles, args.probe, args.db, args.seed)


if __name__ == "__main__":
    sys.exit(main())
