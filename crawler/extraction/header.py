"""The article's header zone: from the headline to its dateline, labels and bylines, never body.

A page builder (Wix, Webflow) lays a programme or section label ("Defense & Technology Program"),
a byline and the date out as sibling text boxes of the same kind as the paragraphs, so the content
step can take the label with the body. Whatever short line sits between the <h1> and the first
dateline after it, with no paragraph in between, belongs to the header.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from crawler.extraction.clean import BLOCK_TAGS
from crawler.extraction.dates import looks_like_date
from crawler.extraction.sequence import is_dateline

#: Elements after the headline searched for its dateline.
HEADER_SPAN = 60
#: A header line has at most this many words; a paragraph of the body has more.
HEADER_WORDS = 8
_KEEP_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "table", "figure", "img"})


def _words(el: Any) -> list[str]:
    return " ".join(el.itertext()).split()


def header_zone(root: Any, lang: str | None = None) -> tuple[set[Any], str | None]:
    """(the elements between the page's first <h1> and the dateline right after it, that dateline);
    nothing when a paragraph of text, a list or a subheading comes first (there is no such zone)."""
    h1 = next(root.iter("h1"), None)
    if h1 is None:
        return set(), None
    lang = lang or (root.getroottree().getroot().get("lang") or "")[:2].lower() or None
    zone: set[Any] = set()
    for el in following(h1, HEADER_SPAN):
        if not isinstance(el.tag, str) or el.tag in _KEEP_TAGS:
            break
        if not any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in el):  # a line, not a box of lines
            words = _words(el)
            text = " ".join(words)
            if text and (is_dateline(text) or looks_like_date(text, lang)):
                return zone, text
            if len(words) > HEADER_WORDS or text.endswith((".", "!", "?")):
                break  # a paragraph before any date: the body has begun
        zone.add(el)
    return set(), None


def following(el: Any, limit: int) -> Iterator[Any]:
    """XPath's ``following::*[position() <= limit]``, lazily: the elements after ``el`` in document
    order, outside it (XPath builds the whole axis, to the end of the page, before taking the first)."""
    n = 0
    node = el
    while node is not None:
        for sibling in node.itersiblings():
            for found in sibling.iter(etree.Element):
                if n >= limit:
                    return
                n += 1
                yield found
        node = node.getparent()


def without_header_lines(elements: list[Any], root: Any) -> list[Any]:
    """The content's elements without the short lines of the header zone (a programme label)."""
    zone, _ = header_zone(root)
    if not zone:
        return elements
    return [el for el in elements if el not in zone or len(_words(el)) > HEADER_WORDS]
