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


def test_crawl_fetches_pages_through_the_quick_handler_with_the_same_records(fresh_web_dev, web_dev_sites, tmp_path):
    """A crawl of the dev web sends its plain GETs through the quick client (stats in the -vv
    log), and stores what Twisted's client gives (DEFWATCH_QUICK_FETCH off, via the environment)."""
    from conftest import run_cli, write_sites_file

    sites = write_sites_file(tmp_path / "sites.toml", fresh_web_dev, web_dev_sites, only=["defencetalks"])
    runs = {}
    for name, env in (("quick", {}), ("twisted", {"DEFWATCH_QUICK_FETCH": "0"})):
        fresh_web_dev.reset()
        out = tmp_path / f"{name}.jsonl"
        run = run_cli("-vv", "crawl", "--sites", sites, "--db", tmp_path / f"{name}.sqlite3", "--out", out, env=env)
        assert run.returncode == 0, run.stderr[-2000:]
        sent = re.search(r"'defwatch/quickfetch/sent': (\d+)", run.stderr)
        runs[name] = (sent and int(sent.group(1)), sorted((r["url"], r["content_hash"]) for r in map(_json, out.read_text().splitlines())))
    assert runs["quick"][0] and runs["quick"][0] >= len(runs["quick"][1]) >= 3
    assert runs["twisted"][0] is None
    assert runs["quick"][1] == runs["twisted"][1]


def _json(line: str) -> dict:
    import json

    return json.loads(line)
