#!/usr/bin/env python3
"""The naive peer: a feedparser + trafilatura loop, one process, sequential, as a typical OSINT script.

    .venv/bin/python bench/naive.py --sites SITES.toml --out OUT.jsonl

For every feed of every site (the same sites file as ``defwatch crawl --sites``): fetch it with
urllib (no conditional GET), ``feedparser.parse`` the bytes, and for each entry whose link is not
yet in OUT (read at start, so a second run only fetches new links) fetch the page with urllib,
``trafilatura.extract`` it and append one JSON line. No robots.txt, no politeness, no retries.
"""
from __future__ import annotations

import argparse
import json
import tomllib
import urllib.request
from pathlib import Path

import feedparser
import trafilatura

UA = "naive-osint-script/1.0"


def fetch(url: str) -> bytes:
    """GET ``url``; return the body (b"" on any error, as such scripts do)."""
    req = urllib.request.Request(url, headers={"User-Agent": UA})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read()
    except OSError:
        return b""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    sites = tomllib.loads(args.sites.read_text())["sites"]
    seen: set[str] = set()
    if args.out.exists():
        seen = {json.loads(line)["url"] for line in args.out.read_text().splitlines() if line.strip()}
    with args.out.open("a", encoding="utf-8") as out:
        for site in sites:
            for feed_url in site["feeds"]:
                parsed = feedparser.parse(fetch(feed_url))
                for entry in parsed.entries:
                    link = entry.get("link")
                    if not link or link in seen:
                        continue
                    seen.add(link)
                    html = fetch(link)
                    if not html:
                        continue
                    doc = trafilatura.extract(html, url=link, output_format="json", with_metadata=True)
                    if not doc:
                        continue
                    meta = json.loads(doc)
                    record = {"url": link, "site": site["id"], "title": meta.get("title"),
                              "authors": [a.strip() for a in (meta.get("author") or "").split(";") if a.strip()],
                              "published": meta.get("date"), "lang": meta.get("language"),
                              "tags": [t for t in (meta.get("tags") or "").split(",") if t],
                              "body": meta.get("text") or "", "feed_url": feed_url}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
