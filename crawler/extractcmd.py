"""``defwatch extract``: the extraction path alone, on pages given by the user or a scorer.

``--jsonl`` reads ``{"id","url","html"}`` lines and writes one JSON line per input, in input
order; a page that cannot be read gives a line with an ``error`` field, never a crash.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from crawler.config import AppConfig, Site
from crawler.urls import canonical_url, is_http, readable_url

OUTPUT_FIELDS = ("url", "title", "authors", "published", "updated", "lang", "tags", "description", "kind", "body")


def extract_record(html: bytes | str, url: str, site: Site | None = None,
                   headers: dict[str, str] | None = None) -> dict[str, Any]:
    from crawler.extraction import extract_page

    stats: Counter[str] = Counter()
    ex = extract_page(html, url, site=site, stats=stats, headers=headers)
    out = {name: getattr(ex, name) for name in OUTPUT_FIELDS}
    out["url"] = readable_url(canonical_url(ex.url)) if ex.url and is_http(ex.url) else url
    out["authors"] = list(out["authors"] or [])
    out["tags"] = list(out["tags"] or [])
    out["body"] = out["body"] or ""
    out["boilerplate_hits"] = {k.split("/", 1)[1]: v for k, v in sorted(stats.items()) if k.startswith("boilerplate/")}
    return out


def extract_jsonl(stdin: BinaryIO, stdout: TextIO, site: Site | None = None) -> int:
    """Write one JSON line per input line, in order; a bad line gives a record with an ``error``."""
    for raw in stdin:
        if not raw.strip():
            continue
        page_id: Any = None
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("a line must hold a JSON object")
            page_id = data.get("id")
            html = data.get("html")
            if not isinstance(html, str):
                raise ValueError("missing or non-string 'html'")
            url = data.get("url") if isinstance(data.get("url"), str) else ""
            out = {"id": page_id, **extract_record(html, url or "http://localhost/", site)}
            if not url:
                out["url"] = None
        except Exception as exc:  # the contract: one line per input, never a crash
            out = {"id": page_id, "error": f"{type(exc).__name__}: {exc}"[:500], "title": None, "authors": [],
                   "published": None, "body": ""}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def extract_one(source: str, *, url: str | None, site: Site | None, app: AppConfig) -> int:
    headers: dict[str, str] = {}
    if is_http(source):
        import urllib.request  # only a URL argument fetches: --jsonl and files do not pay for the import

        request = urllib.request.Request(source, headers={"User-Agent": app.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=app.download_timeout) as resp:
                html = resp.read(app.max_body_bytes + 1)
                url = url or resp.geturl()
                if resp.headers.get("Content-Type"):
                    headers["Content-Type"] = resp.headers["Content-Type"]  # its charset decodes the page
        except OSError as exc:
            print(f"defwatch extract: cannot fetch {source}: {exc}", file=sys.stderr)
            return 1
        if len(html) > app.max_body_bytes:
            print(f"defwatch extract: {source} is larger than {app.max_body_bytes} bytes", file=sys.stderr)
            return 1
    else:
        path = Path(source)
        try:
            html = path.read_bytes()
        except OSError as exc:
            print(f"defwatch extract: cannot read {source}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        url = url or path.resolve().as_uri()
    try:
        record = extract_record(html, url, site, headers)
    except Exception as exc:
        print(json.dumps({"url": url, "error": f"{type(exc).__name__}: {exc}"}, indent=2))
        return 1
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0
