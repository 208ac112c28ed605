"""Page analysis as one pure library: HTML in, an ``Extracted`` record out.

Framework-free core code (lxml, cssselect, w3lib, dateparser and trafilatura; no Scrapy, no
Twisted): the crawl's pipeline, ``defwatch extract`` and the benchmarks all call
``extract_page``, and a saved HTML file is all a test needs.

    page.py        decoding and the parsed ``Page`` (meta tags, JSON-LD, text helpers)
    index.py       one pass over the page: elements by class/id key and by microdata/rel value
    needs.py       the literals a regular expression needs: exact substring prefilters
    content.py     the main content element(s), by scoring
    vocabulary.py  the boilerplate vocabulary, compiled
    clean.py       the one cleaner (DOM rules, block text rules, last sweep)
    sequence.py    rules over the block sequence
    title.py, authors.py, dates.py, lang.py, meta.py (tags, description, image), kind.py
    bylines.py     whose name a byline-like element gives (a teaser's, a photo's, an organisation's)
    names.py       the words around names in a byline: labels, the language's "and", desk and role parts
    header.py      the header zone: from the headline to its dateline
    clock.py       dates and times written the local way (CLDR day periods and month names)
    zones.py       the offset of a time shown without one (the page's country, CLDR and zone.tab)
    article.py     ``extract_page``: the fields, and the body chosen among its voices
"""
from __future__ import annotations

from crawler.extraction.article import ExtractError, extract_page

__all__ = ["ExtractError", "extract_page"]
