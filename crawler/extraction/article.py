"""One HTML page in, one ``Extracted`` record out: the fields, and the body chosen among several voices.

Voices for the body: the site's selector or the scored content element, JSON-LD ``articleBody``
when the markup body covers little of it, and trafilatura as a fallback when our own body is weak.
Whichever wins, its blocks have passed the same cleaner (``clean.py``), and a last sweep checks
the final body against the vocabulary's text rules. ``ExtractError`` is the only exception raised,
for pages that cannot be read at all.
"""
from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from crawler.extraction.authors import ROLE_WORDS, extract_authors
from crawler.extraction.clean import MIN_CARDS, clean_blocks, clean_text_body, is_card_list, sweep
from crawler.extraction.content import find_content, fragment, ld_article_body
from crawler.extraction.dates import extract_dates
from crawler.extraction.header import without_header_lines
from crawler.extraction.honorifics import tidy_authors
from crawler.extraction.kind import detect_kind
from crawler.extraction.lang import extract_lang
from crawler.extraction.meta import extract_description, extract_image, extract_tags
from crawler.extraction.needs import canonical
from crawler.extraction.page import Page, declared_canonical, is_hidden
from crawler.extraction.sequence import Block
from crawler.extraction.signature import signature_after, signed_off
from crawler.extraction.source import PageError
from crawler.extraction.title import extract_title
from crawler.extraction.vocabulary import Rules, load_rules
from crawler.items import Extracted, FeedEntry
from crawler.text import word_count, words

#: Below this many words, our own body is "weak" and trafilatura is asked too.
WEAK_BODY_WORDS = 60
#: JSON-LD articleBody replaces the DOM body when the DOM body covers less of it than this.
LD_COVERAGE = 0.7
#: The headline repeated at the top of the content (a kicker or "BREAKING:" prefix added) is dropped
#: from the first blocks when it shares this share of its words with the title.
TITLE_ECHO_BLOCKS, TITLE_ECHO_SHARE = 3, 0.85


class ExtractError(ValueError):
    """The page cannot be read (not HTML, empty, binary, unparsable)."""


def extract_page(html: bytes | str, url: str, *, site: Any = None, entry: FeedEntry | None = None,
                 stats: Counter | None = None, headers: Mapping[Any, Any] | None = None) -> Extracted:
    """Fields of one fetched page. ``url`` is the final URL after redirects; ``headers`` the HTTP
    response headers when known (their Content-Type charset decodes the bytes)."""
    stats = stats if stats is not None else Counter()
    try:
        page = Page.parse(html, url, _content_type(headers))
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


def _content_type(headers: Mapping[Any, Any] | None) -> str | None:
    """The Content-Type header, whatever the mapping's key case and value type (Scrapy gives bytes)."""
    if not headers:
        return None
    for key, value in headers.items():
        name = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if name.lower() == "content-type":
            if isinstance(value, (list, tuple)):
                value = value[0] if value else None
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            return value
    return None


def _extract(page: Page, url: str, site: Any, entry: FeedEntry | None, stats: Counter) -> Extracted:
    title = extract_title(page, site) or (entry.title if entry is not None else None)
    authors = tidy_authors(extract_authors(page, site, entry))
    content = find_content(page, site)
    rules = load_rules(site=site)
    blocks, hits, how = _choose_body(page, content, rules, title, authors, stats)
    blocks = sweep(blocks, rules, hits)
    blocks, authors = signed_off(blocks, authors, page.body, _declared_lang(page), hits)
    if not authors:
        authors = signature_after(content.elements if content else None, _declared_lang(page))
    stats.update(hits)
    stats[f"extract/body/{how}"] += 1
    body = "\n\n".join(b.text for b in blocks)
    elements = content.elements if content else None
    lang = extract_lang(page, body, site, elements)
    published, updated = extract_dates(page, site, entry, lang)
    tags = extract_tags(page, site)
    if not tags and entry is not None and entry.tags:
        tags = list(entry.tags)
    kind = detect_kind(page, url, title, body, elements)
    stats[f"extract/kind/{kind}"] += 1
    return Extracted(
        url=declared_canonical(page), title=title, authors=authors, published=published, updated=updated,
        lang=lang, tags=tags, body=body, kind=kind, description=extract_description(page),
        image=extract_image(page),
    )


def _declared_lang(page: Page) -> str | None:
    """The language the page's root element declares, if any."""
    root = page.doc.getroot() if hasattr(page.doc, "getroot") else page.doc
    return (root.get("lang") or "").strip() or None


def _choose_body(page: Page, content: Any, rules: Rules, title: str | None, authors: list[str],
                 stats: Counter) -> tuple[list[Block], Counter, str]:
    """The body's cleaned blocks, the rules that fired on them, and which voice chose them."""
    drop = [title or ""]

    def finish(found: list[Block], hits: Counter) -> list[Block]:
        """The blocks without the byline and without the headline repeated at the top."""
        return [b for i, b in enumerate(found) if not _is_byline(b.text, authors, hits)
                and not ((i < TITLE_ECHO_BLOCKS or i >= len(found) - 2) and _is_role_byline(b.text, authors, hits))
                and not (i >= len(found) - 2 and i > 0 and _is_author_bio(b.text, authors, hits))
                and not (i < TITLE_ECHO_BLOCKS and _echoes(b.text, title, hits))]

    hits: Counter = Counter()
    blocks: list[Block] = []
    how = "none"
    if content is not None:
        elements = without_header_lines(content.elements, page.body)
        blocks = finish(clean_blocks(fragment(elements, hits), rules, hits, drop_texts=drop), hits)
        how = content.how
        stats[f"extract/content/{content.how}"] += 1
    body = _text(blocks)

    ld_body = ld_article_body(page)
    if ld_body and len(ld_body) > 200 and _coverage(ld_body, body) < LD_COVERAGE:
        ld_hits: Counter = Counter()
        ld_blocks = finish(clean_text_body(ld_body, rules, ld_hits, drop), ld_hits)
        if word_count(_text(ld_blocks)) > word_count(body) * 0.8:
            blocks, hits, how, body = ld_blocks, ld_hits, "jsonld", _text(ld_blocks)
            stats["extract/jsonld_body"] += 1

    if word_count(body) < WEAK_BODY_WORDS:
        fallback = _trafilatura_body(page, stats)
        if fallback and word_count(fallback) > max(WEAK_BODY_WORDS, 2 * word_count(body)):
            fb_hits: Counter = Counter()
            blocks, hits, how = finish(clean_text_body(fallback, rules, fb_hits, drop), fb_hits), fb_hits, "fallback"
            stats["extract/fallback"] += 1
    return blocks, hits, how


def _text(blocks: list[Block]) -> str:
    return "\n\n".join(b.text for b in blocks)


_BYLINE_WORDS = re.compile(r"\b(?:written|posted|reported|story|text|words|photos?|and|by|par|por|von|di|with|"
                           r"reporting|additional|contributed|contributing|from|staff|writer|reporter|"
                           r"correspondent|editor|follow|following|folgen|suivre|seguir|volgen)\b|[\W\d_]+", re.I)


#: The longest "and" between two names that a byline line may keep.
AND_CHARS = 3


def _is_byline(text: str, authors: list[str], stats: Counter) -> bool:
    """A short block that only names the authors ("Written by A and B")."""
    if not authors or len(text) > 160 or not _names_any(text, authors):
        return False
    rest = text
    for name in authors:
        rest = re.sub(re.escape(name), " ", rest, flags=re.I)
    if rest == text:
        return False
    rest = " ".join(w for w in rest.split() if w.strip(".,;:()").lower() not in ROLE_WORDS)  # "Contributing Analyst"
    left = _BYLINE_WORDS.sub(" ", rest).split()
    # Between names, a short word is the language's "and" ("A at B", "A და B", "A và B").
    if len("".join(left)) <= 2 or len(left) < len(authors) and all(len(w) <= AND_CHARS for w in left):
        stats["boilerplate/byline"] += 1
        return True
    return False


def _names_any(text: str, authors: list[str]) -> bool:
    """Whether any author name occurs in the text, in any case (most blocks name nobody: no regex then)."""
    canon = canonical(text)
    return any(canonical(name) in canon for name in authors)


#: A byline's role after the name: at most this many words ("officière de presse de la Marine").
ROLE_PHRASE_WORDS = 8


def _is_role_byline(text: str, authors: list[str], stats: Counter) -> bool:
    """A byline naming an author and the author's role, in any language: at most one short word
    before the name ("Par", "Von"), then ", <role>" with no sentence in it."""
    if not authors or len(text) > 160 or text.rstrip().endswith((".", "!", "?")) or not _names_any(text, authors):
        return False
    for name in authors:
        m = re.match(rf"^(?:[^\W\d_]{{1,4}}\.?\s+)?{re.escape(name)}\s*(?:,\s*(.*))?$", text.strip(), re.I)
        if m is not None and len((m.group(1) or "").split()) <= ROLE_PHRASE_WORDS:
            stats["boilerplate/byline"] += 1
            return True
    return False


#: An author's note at the end: short, the name first, a role word within its first words.
BIO_CHARS, BIO_ROLE_WORDS = 400, 6


def _is_author_bio(text: str, authors: list[str], stats: Counter) -> bool:
    """The author's bio closing the body, in any language: "<Name> is a Senior Fellow at …"."""
    if not authors or len(text) > BIO_CHARS:
        return False
    for name in authors:
        if text[:len(name)].lower() == name.lower():
            head = [w.strip(".,;:()").lower() for w in text[len(name):].split()[:BIO_ROLE_WORDS]]
            if any(w in ROLE_WORDS for w in head):
                stats["boilerplate/byline"] += 1
                return True
    return False


def _echoes(text: str, title: str | None, stats: Counter) -> bool:
    """A block that is the headline again, perhaps with a kicker ("BREAKING NEWS: ...")."""
    if not title or len(text) > 2 * len(title) + 40:
        return False
    a, b = set(words(text.lower())), set(words(title.lower()))
    if not a or not b or len(a & b) < TITLE_ECHO_SHARE * len(b) or len(a & b) < TITLE_ECHO_SHARE * len(a) - 2:
        return False
    stats["boilerplate/title"] += 1
    return True


def _coverage(reference: str, text: str) -> float:
    ref = words(reference.lower())
    if not ref:
        return 1.0
    have = Counter(words(text.lower()))
    hit = 0
    for w in ref:
        if have[w] > 0:
            have[w] -= 1
            hit += 1
    return hit / len(ref)


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
    doc = copy.deepcopy(page.doc)
    # Hidden elements and card boxes (deals, teaser grids) are never body, whoever chooses it.
    for el in [el for el in doc.iter() if isinstance(el.tag, str) and el.tag not in ("html", "body") and
               (is_hidden(el) or len(el) >= MIN_CARDS and is_card_list(el))]:
        if el.getparent() is not None:
            el.drop_tree()
    try:
        text = trafilatura.extract(doc, url=page.url,
                                   include_comments=False, include_tables=True, favor_precision=True)
    except Exception:  # trafilatura may fail on odd pages; the fallback is then empty
        return None
    if not text:
        return None
    return "\n\n".join(p.strip() for p in text.split("\n") if p.strip())
