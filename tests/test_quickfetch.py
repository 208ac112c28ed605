"""The crawl's cheaper per-page paths keep Scrapy's outcomes: the quick download handler
(crawler/middlewares/quickfetch.py), the one-call gzip inflate (crawler/middlewares/compression.py)
and the meta-refresh pre-check (crawler/middlewares/redirect.py). The hostile-web suite
(tests/test_hostile.py) runs through all three as well."""
from __future__ import annotations

import gzip
import os
import re
import zlib

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip
from scrapy.utils.test import get_crawler

from crawler.middlewares.compression import HttpCompressionMiddleware, gunzip_whole
from crawler.middlewares.redirect import MetaRefreshMiddleware, may_refresh

PAGE = b"<html><head><title>t</title></head><body>" + b"<p>The ministry signed the contract.</p>" * 200 + b"</body></html>"
MEMBER = gzip.compress(PAGE)


def _corrupt_crc(data: bytes) -> bytes:
    out = bytearray(data)
    out[-6] ^= 0xFF
    return bytes(out)


@pytest.mark.parametrize("body", [MEMBER, MEMBER + MEMBER, MEMBER[:-4], MEMBER[: len(MEMBER) // 2], MEMBER + b"junk",
                                  _corrupt_crc(MEMBER), gzip.compress(b""), gzip.compress(os.urandom(3000))])
@pytest.mark.parametrize("max_size", [0, len(PAGE), len(PAGE) - 1, 10])
def test_gzip_decodes_exactly_as_scrapys_gunzip(body, max_size):
    """Whatever the body (whole, two members, truncated, trailing bytes, bad CRC, empty, over
    the limit), the middleware's decoding gives what Scrapy's gives, or the same error."""
    def outcome(fn):
        try:
            return fn()
        except _DecompressionMaxSizeExceeded:
            return "too-large"
        except (OSError, EOFError, zlib.error) as exc:
            return type(exc).__name__

    ours = outcome(lambda: HttpCompressionMiddleware._decode(body, b"gzip", max_size))
    assert ours == outcome(lambda: gunzip(body, max_size=max_size))


def test_one_whole_member_is_inflated_in_one_call_and_nothing_else():
    assert gunzip_whole(MEMBER, 0) == PAGE
    assert gunzip_whole(MEMBER, len(PAGE)) == PAGE
    for other in (MEMBER + MEMBER, MEMBER[:-4], MEMBER + b"x", _corrupt_crc(MEMBER), b"not gzip"):
        assert gunzip_whole(other, 0) is None
    assert gunzip_whole(MEMBER, len(PAGE) - 1) is None  # over the limit: Scrapy's gunzip raises


def html(body: bytes, content_type: bytes = b"text/html") -> HtmlResponse:
    return HtmlResponse("https://example.com/a/", body=body, headers={"Content-Type": content_type},
                        request=Request("https://example.com/a/"))


REFRESH = b'<html><head><META HTTP-EQUIV="Refresh" content="0; url=/b/"></head><body>moved</body></html>'


@pytest.mark.parametrize(("response", "expected"), [
    (html(PAGE), False),
    (html(PAGE, b"text/html; charset=windows-1252"), False),
    (html(PAGE, b"text/html; charset=Shift_JIS"), False),
    (html(REFRESH), True),
    (html(REFRESH.lower()), True),
    (html(REFRESH.decode().encode("utf-16")), True),              # NUL bytes: Scrapy decides
    (html(PAGE, b"text/html; charset=cp500"), True),              # EBCDIC: letters are other bytes
    (html(b"<p>refreshing news</p>" + PAGE), True),               # the word alone: Scrapy decides
])
def test_meta_refresh_precheck_only_skips_pages_that_surely_have_none(response, expected):
    assert may_refresh(response) is expected


def test_meta_refresh_is_still_followed_and_plain_pages_pass():
    crawler = get_crawler(settings_dict={"METAREFRESH_ENABLED": True})
    mw = MetaRefreshMiddleware.from_crawler(crawler)
    page = html(PAGE)
    assert mw.process_response(page.request, page) is page
    moved = html(REFRESH)
    redirected = mw.process_response(moved.request, moved)
    assert isinstance(redirected, Request) and redirected.url == "https://example.com/b/"


def test_crawl_stores_the_same_records_through_each_path(fresh_web_dev, web_dev_sites, tmp_path):
    """A crawl of the dev web fetches its pages on the quick page path (spiders/quickpages.py), or
    with it off through Scrapy and the quick download handler, or with both off through Twisted's
    client (switched off in the environment); the stats in the -vv log say which, and the stored
    records are the same."""
    from conftest import run_cli, write_sites_file

    sites = write_sites_file(tmp_path / "sites.toml", fresh_web_dev, web_dev_sites, only=["defencetalks"])
    runs = {}
    for name, env in (("pages", {}), ("handler", {"DEFWATCH_QUICK_PAGES": "0"}),
                      ("twisted", {"DEFWATCH_QUICK_PAGES": "0", "DEFWATCH_QUICK_FETCH": "0"})):
        fresh_web_dev.reset()
        out = tmp_path / f"{name}.jsonl"
        run = run_cli("-vv", "crawl", "--sites", sites, "--db", tmp_path / f"{name}.sqlite3", "--out", out, env=env)
        assert run.returncode == 0, run.stderr[-2000:]
        stats = {key: int(n) for key, n in re.findall(r"'defwatch/(quick\w+/\w+)': (\d+)", run.stderr)}
        records = sorted((r["url"], r["content_hash"]) for r in map(_json, out.read_text().splitlines()))
        runs[name] = (stats, records)
    pages, handler, twisted = runs["pages"], runs["handler"], runs["twisted"]
    assert len(pages[1]) >= 3 and pages[0].get("quickpages/fetched", 0) >= len(pages[1])
    assert "quickpages/fetched" not in handler[0] and handler[0].get("quickfetch/sent", 0) >= len(handler[1])
    assert not any(k.startswith(("quickpages", "quickfetch")) for k in twisted[0])
    assert pages[1] == handler[1] == twisted[1]


def _json(line: str) -> dict:
    import json

    return json.loads(line)
