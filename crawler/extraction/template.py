"""A site's template, learned from its own pages: short blocks whose text recurs across pages.

The vocabulary names the boilerplate that CMSs and plugins are known to emit; the template catches
the rest, in any language or wording: a follow prompt, a newsletter lure, a standard closing line
that the site repeats under every story. A block counts as template only with a margin:

* it is short (a widget line of 3 to 20 words, at most 120 characters; never a paragraph of
  reporting, not even a background paragraph a site repeats word for word in a series);
* its normalised text (case, spaces, digits and edge punctuation ignored) was seen on at least
  ``MIN_PAGES`` distinct pages of the site, and on at least ``MIN_SHARE`` of the site's pages
  (a quote repeated in three follow-ups of one story on a large site is not template);
* the body keeps most of its words: if the template would take more than ``MAX_BODY_SHARE`` of
  them, nothing is removed (a site whose pages really are near-identical is not stripped bare).

Pure functions only: the crawl keeps the counts per site in the store (``crawler/store.py``,
table ``template_blocks``) and ``pipelines/template.py`` applies them.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

#: Blocks longer than this, or of more words, are never template: a template line is a widget, not
#: reporting, and a site may repeat a background paragraph word for word in a series of stories.
MAX_TEMPLATE_CHARS, MAX_TEMPLATE_WORDS = 120, 20
#: ... nor shorter than this many words (single words are labels the vocabulary already handles,
#: and short list items repeat legitimately).
MIN_TEMPLATE_WORDS = 3
#: A block is template once seen on this many distinct pages of the site ...
MIN_PAGES = 3
#: ... and on at least this share of the site's known pages.
MIN_SHARE = 0.3
#: The template never removes more than this share of a body's words.
MAX_BODY_SHARE = 0.3

_EDGE = " \t\r\n\u00a0-–—|:•·*>»«<›‹/\\[](){}.…,;!?\"'“”‘’"


def normalise(text: str) -> str:
    """The block's text as compared across pages: lower case, one space, digits as 0, no edge punctuation."""
    text = re.sub(r"\d+", "0", " ".join(text.lower().split()))
    return text.strip(_EDGE)


def fingerprint(text: str) -> str:
    """A short stable key of a block's normalised text."""
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:16]


def blocks_of(body: str) -> list[str]:
    """The blocks of an exported body (one blank line between blocks)."""
    return [b for b in (body or "").split("\n\n") if b.strip()]


def learnable(blocks: Iterable[str]) -> dict[str, str]:
    """fingerprint -> text of the page's blocks that could be template (short, a few words), once each."""
    out: dict[str, str] = {}
    for block in blocks:
        text = normalise(block)
        if len(block) <= MAX_TEMPLATE_CHARS and MIN_TEMPLATE_WORDS <= len(text.split()) <= MAX_TEMPLATE_WORDS:
            out.setdefault(fingerprint(block), block)
    return out


def is_template(seen_on: int, site_pages: int) -> bool:
    """Whether a block seen on ``seen_on`` distinct pages of a site with ``site_pages`` known pages is template."""
    return seen_on >= MIN_PAGES and seen_on >= MIN_SHARE * site_pages


def strip_template(body: str, counts: Mapping[str, int], site_pages: int) -> tuple[str, list[str]]:
    """The body without its template blocks, and the blocks removed (none when the margin forbids it).

    ``counts`` maps a block fingerprint to the number of distinct pages of the site it was seen on.
    """
    blocks = blocks_of(body)
    drop = [i for i, b in enumerate(blocks)
            if len(b) <= MAX_TEMPLATE_CHARS and is_template(counts.get(fingerprint(b), 0), site_pages)]
    if not drop:
        return body, []
    total = sum(len(b.split()) for b in blocks) or 1
    if sum(len(blocks[i].split()) for i in drop) > MAX_BODY_SHARE * total:
        return body, []
    dropped = set(drop)
    return "\n\n".join(b for i, b in enumerate(blocks) if i not in dropped), [blocks[i] for i in drop]
