"""The public extraction API: one HTML page in, one ``Extracted`` record out.

    extract_page(html, url, site=site, entry=entry, stats=crawler.stats_counter) -> Extracted

Page-wide analysis (metadata, main-content choice) is lxml work in ``spiders/extract.py``; the
small content fragment is cleaned with beautifulsoup4 and the boilerplate vocabulary in
``pipelines/clean.py``. Several voices decide the body: the site's selector, the scored content
element, JSON-LD ``articleBody`` when it is complete, and trafilatura only as a fallback when
our own signals are weak. ``ExtractError`` is the only exception raised, for pages that cannot
be read at all.
"""
from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

from crawler.items import Extracted, FeedEntry
from pipelines.clean import Block, clean_blocks, load_rules, match_text_rule
from spiders.extract import (ROLE_WORDS, Page, PageError, canonical_url, detect_kind, detect_lang, extract_authors,
                             extract_dates, extract_description, extract_image, extract_lang, extract_tags,
                             extract_title, find_content, fragment_html, ld_article_body)

#: Below this many words, our own body is "weak" and trafilatura is asked too.
WEAK_BODY_WORDS = 60
#: JSON-LD articleBody replaces the DOM body when the DOM body covers less of it than this.
LD_COVERAGE = 0.7
_WORD = re.compile(r"\w+")
#: The headline repeated at the top of the content (a kicker or "BREAKING:" prefix added) is dropped
#: from the first blocks when it shares this share of its words with the title.
TITLE_ECHO_BLOCKS, TITLE_ECHO_SHARE = 3, 0.85


class ExtractError(ValueError):
    """The page cannot be read (not HTML, empty, binary, unparsable)."""


def extract_page(html: bytes | str, url: str, *, site: Any = None, entry: FeedEntry | None = None,
                 stats: Counter | None = None) -> Extracted:
    """Fields of one fetched page. ``url`` is the final URL after redirects."""
    stats = stats if stats is not None else Counter()
    try:
        page = Page.parse(html, url)
    except PageError as exc:
        stats["extract/unreadable"] += 1
        raise ExtractError(str(exc)) from None
    except (RecursionError, MemoryError, ValueError, TypeError) as exc:  # lxml on pathological input
        stats["extract/unreadable"] += 1
        raise ExtractError(f"cannot parse page: {exc}") from None
    try:
        return _extract(page, url, site, entry, stats)
    except (RecursionError, MemoryError) as exc:
        stats["extract/unreadable"] += 1
        raise ExtractError(f"page too deep or too large: {exc}") from None


def _extract(page: Page, url: str, site: Any, entry: FeedEntry | None, stats: Counter) -> Extracted:
    title = extract_title(page, site) or (entry.title if entry is not None else None)
    canonical = canonical_url(page)
    authors = extract_authors(page, site, entry)
    content = find_content(page, site)
    rules = load_rules(site=site)
    blocks: list[Block] = []
    if content is not None:
        blocks = clean_blocks(fragment_html(content.elements, stats), rules, stats, drop_texts=[title or ""])
        blocks = [b for i, b in enumerate(blocks)
                  if not _is_byline(b.text, authors, stats) and not (i < TITLE_ECHO_BLOCKS and _echoes(b.text, title, stats))]
        stats[f"extract/content/{content.how}"] += 1
    body = "\n\n".join(b.text for b in blocks)

    ld_body = ld_article_body(page)
    if ld_body and len(ld_body) > 200 and _coverage(ld_body, body) < LD_COVERAGE:
        ld_blocks = [b for b in _split_paragraphs(ld_body) if match_text_rule(Block(b), rules) is None]
        candidate = "\n\n".join(ld_blocks)
        if len(_WORD.findall(candidate)) > len(_WORD.findall(body)) * 0.8:
            body = candidate
            stats["extract/jsonld_body"] += 1

    if len(_WORD.findall(body)) < WEAK_BODY_WORDS:
        fallback = _trafilatura_body(page, stats)
        if fallback and len(_WORD.findall(fallback)) > max(WEAK_BODY_WORDS, 2 * len(_WORD.findall(body))):
            body = fallback
            stats["extract/fallback"] += 1

    lang = extract_lang(page, body, site, content.elements if content else None)
    published, updated = extract_dates(page, site, entry, lang)
    tags = extract_tags(page, site)
    if not tags and entry is not None and entry.tags:
        tags = list(entry.tags)
    kind = detect_kind(page, url, title, body, content.elements if content else None)
    stats[f"extract/kind/{kind}"] += 1
    return Extracted(
        url=canonical, title=title, authors=authors, published=published, updated=updated, lang=lang,
        tags=tags, body=body, kind=kind, description=extract_description(page), image=extract_image(page),
    )


_BYLINE_WORDS = re.compile(r"\b(?:written|posted|reported|story|text|words|photos?|and|by|par|por|von|di|with|"
                           r"reporting|additional|contributed|contributing|from|staff|writer|reporter|"
                           r"correspondent|editor)\b|[\W\d_]+", re.I)


def _is_byline(text: str, authors: list[str], stats: Counter) -> bool:
    """A short block that only names the authors ("Written by A and B")."""
    if not authors or len(text) > 160:
        return False
    rest = text
    for name in authors:
        rest = re.sub(re.escape(name), " ", rest, flags=re.I)
    if rest == text:
        return False
    rest = " ".join(w for w in rest.split() if w.strip(".,;:()").lower() not in ROLE_WORDS)  # "Contributing Analyst"
    if len(_BYLINE_WORDS.sub("", rest)) <= 2:
        stats["boilerplate/byline"] += 1
        return True
    return False


def _echoes(text: str, title: str | None, stats: Counter) -> bool:
    """A block that is the headline again, perhaps with a kicker ("BREAKING NEWS: ...")."""
    if not title or len(text) > 2 * len(title) + 40:
        return False
    a, b = set(_WORD.findall(text.lower())), set(_WORD.findall(title.lower()))
    if not a or not b or len(a & b) < TITLE_ECHO_SHARE * len(b) or len(a & b) < TITLE_ECHO_SHARE * len(a) - 2:
        return False
    stats["boilerplate/title"] += 1
    return True


def _coverage(reference: str, text: str) -> float:
    ref = _WORD.findall(reference.lower())
    if not ref:
        return 1.0
    have = Counter(_WORD.findall(text.lower()))
    hit = 0
    for w in ref:
        if have[w] > 0:
            have[w] -= 1
            hit += 1
    return hit / len(ref)


def _split_paragraphs(text: str) -> list[str]:
    parts = re.split(r"\s*\n\s*\n\s*|\s*\n\s*", text)
    return [" ".join(p.split()) for p in parts if p.strip()]


#: trafilatura is not asked about pages deeper or bigger than this (its recursion is slow there).
FALLBACK_MAX_DEPTH = 120
FALLBACK_MAX_ELEMENTS = 30_000


def _tame(doc: Any) -> bool:
    """Whether the tree is of ordinary depth and size (an iterative walk, no recursion)."""
    stack = [(doc, 0)]
    seen = 0
    while stack:
        el, depth = stack.pop()
        seen += 1
        if depth > FALLBACK_MAX_DEPTH or seen > FALLBACK_MAX_ELEMENTS:
            return False
        stack.extend((child, depth + 1) for child in el)
    return True


def _trafilatura_body(page: Page, stats: Counter) -> str | None:
    """trafilatura as one voice among others, asked only when our own body is weak."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover
        return None
    if not _tame(page.doc):
        stats["extract/fallback_skipped"] += 1
        return None
    stats["extract/trafilatura_called"] += 1
    try:
        text = trafilatura.extract(copy.deepcopy(page.doc), url=page.url,
                                   include_comments=False, include_tables=True, favor_precision=True)
    except Exception:  # trafilatura may fail on odd pages; the fallback is then empty
        return None
    if not text:
        return None
    return "\n\n".join(p.strip() for p in text.split("\n") if p.strip())
