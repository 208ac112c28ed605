"""HttpCompressionMiddleware: Scrapy's, with a gzip body that is one whole member inflated in C.

Scrapy's ``gunzip`` reads through ``GzipFile`` in 64 KiB chunks so that it can stop at
``DOWNLOAD_MAXSIZE`` and keep what a truncated or corrupt body still gives; for the usual page
(one complete gzip member, a few KiB) that machinery cost more than the inflating itself (3.6 %
of the crawl process's CPU on the bench web of bench/e2e.py). Here such a body is inflated by one
``zlib`` call, bounded to ``DOWNLOAD_MAXSIZE + 1`` bytes; anything else (several members, trailing
bytes, a truncated stream, a bad CRC or length, a body over the limit) goes to Scrapy's
``gunzip`` as before, which keeps its exact outcomes (partial data, the too-large error).

Registered in place of Scrapy's in ``crawler/settings.py`` (same order, 590).
"""
from __future__ import annotations

import zlib

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware as ScrapyHttpCompression

GZIP = frozenset({b"gzip", b"x-gzip"})


def gunzip_whole(body: bytes, max_size: int) -> bytes | None:
    """``body`` inflated if it is exactly one intact gzip member of at most ``max_size`` bytes
    (0: no limit) once inflated; None otherwise."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, max_size + 1 if max_size else 0)
    except zlib.error:
        return None
    if not inflater.eof or inflater.unused_data or (max_size and len(out) > max_size):
        return None
    return out


class HttpCompressionMiddleware(ScrapyHttpCompression):
    @staticmethod
    def _decode(body: bytes, encoding: bytes, max_size: int) -> bytes:
        if encoding in GZIP and (out := gunzip_whole(body, max_size)) is not None:
            return out
        return ScrapyHttpCompression._decode(body, encoding, max_size)
