"""The headline: JSON-LD, <h1>, microdata, og:title and <title> compared, the site name cut off."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from crawler.extraction.page import Page, css, ld_text, norm_space, text_of
from crawler.text import words as words_of

_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—:·•»«›‹~/]|::)\s+|:\s+")


def site_names(page: Page, site: Any = None) -> list[str]:
    """Names the site goes by (og:site_name, JSON-LD publisher, the registry, the host name)."""
    known = page.memo.get("site_names")  # the title and the authors both ask
    if known is not None and known[0] is site:
        return list(known[1])
    names = _site_names(page, site)
    page.memo["site_names"] = (site, tuple(names))
    return names


def _site_names(page: Page, site: Any) -> list[str]:
    names = page.all_meta("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
    for obj in page.ld_of_type(("WebSite", "Organization", "NewsMediaOrganization")):
        name = ld_text(obj.get("name"))
        if name:
            names.append(name)
    art = page.article_ld()
    if art:
        pub = page.resolve(art.get("publisher"))
        if isinstance(pub, dict) and ld_text(pub.get("name")):
            names.append(ld_text(pub.get("name")))
    if site is not None and getattr(site, "name", None):
        names.append(site.name)
    host = urlsplit(page.url).hostname or ""
    if host:
        names.append(host.removeprefix("www."))
    return [n.lstrip("@") for n in names if n]


_NOT_ALNUM = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """Lower-case letters and digits only (for comparing names)."""
    return _NOT_ALNUM.sub("", text.lower())


def is_site_part(part: str, names: list[str], strict: bool = False) -> bool:
    """Whether a title segment names the site (its name, or words of its host name).

    ``strict`` is for a segment joined by a colon ("Field notes: ...", "Analysis: ..."): a colon
    usually introduces a headline label, so only the site's full name (or full host name) counts,
    never a part of it.
    """
    s = squash(part)
    if not s:
        return False
    squashed = [squash(n) for n in names if squash(n)]
    if strict:
        if any(s == n for n in squashed):
            return True
    elif any(s == n or s in n or (n in s and len(s) <= len(n) + 5) for n in squashed):
        return True
    # A host name ("news.defence-weekly.co.uk") also names the site: "Defence Weekly" is in it.
    hosts = [".".join(n.lower().split(".")[:-1]) for n in names if re.fullmatch(r"[\w-]+(\.[\w-]+)+", n)]
    words = [w for w in words_of(part.lower()) if len(w) >= 2]
    if strict:
        return any(s == squash(h) or sorted(words) == sorted(words_of(h)) for h in hosts)
    hosts = [squash(h) for h in hosts]
    return 0 < len(words) <= 4 and any(len(w) >= 3 for w in words) and \
        any(all(w in h for w in words) for h in hosts)


_TITLE_SEPARATOR_SPLIT = re.compile(f"({_TITLE_SEPARATORS.pattern})")


def _strip_site_suffix(title: str, names: list[str]) -> str:
    pieces = _TITLE_SEPARATOR_SPLIT.split(title)
    parts, seps = pieces[0::2], pieces[1::2]   # parts[k] and parts[k + 1] are joined by seps[k]
    if len(parts) < 2:
        return title
    start, end = 0, len(parts)
    # Drop site-name segments at either end.
    while end - start > 1 and is_site_part(parts[end - 1], names, strict=seps[end - 2].strip() == ":"):
        end -= 1
    while end - start > 1 and is_site_part(parts[start], names, strict=seps[start].strip() == ":"):
        start += 1
    if (start, end) == (0, len(parts)):
        return title
    return (parts[start] + "".join(seps[k] + parts[k + 1] for k in range(start, end - 1))).strip()


def _title_similarity(a: str, b: str) -> float:
    ta, tb = set(words_of(a.lower())), set(words_of(b.lower()))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / max(len(ta), len(tb))


#: A lone <h1> sharing this share of its words with the metadata's title is the same story's headline.
SAME_STORY = 0.25
#: ... and has at least this many words (a site or section heading in an <h1> has fewer).
HEADLINE_WORDS = 4


def extract_title(page: Page, site: Any = None) -> str | None:
    """The headline, without the site's name."""
    if site is not None and site.selectors.title:
        for el in css(page.doc, site.selectors.title):
            t = text_of(el)
            if t:
                return t
    names = site_names(page, site)
    art = page.article_ld()
    ld_headline = ld_text(art.get("headline") or art.get("name")) if art else None
    og = norm_space(page.first_meta("og:title", "twitter:title")) or None
    title_el = page.doc.find(".//title")
    doc_title = text_of(title_el) if title_el is not None else ""
    micro = None
    for el in page.index.with_attr("itemprop", "headline"):
        micro = norm_space(el.get("content")) or text_of(el)
        if micro:
            break
    references = [t for t in (ld_headline, og, doc_title, micro) if t]
    h1s = [text_of(h) for h in page.body.iter("h1")]
    h1s = [h for h in h1s if 3 <= len(h) <= 400]
    best_h1 = None
    if h1s and references:
        stripped = [_strip_site_suffix(r, names) for r in references]
        scored = [(max(_h1_match(h, r) for r in stripped), -i, h) for i, h in enumerate(h1s)]
        score, _, h = max(scored)
        # The visible headline is the title; the metadata's may be a social or SEO variant of it
        # ("$1.2B next-gen ... deal", "Analysis: ..."): a lone <h1> on the same story wins over it.
        if score >= 0.6 or len(h1s) == 1 and score >= SAME_STORY and not is_site_part(h, names) and \
                (len(h.split()) >= HEADLINE_WORDS or len(h) >= 2 * HEADLINE_WORDS and " " not in h):
            best_h1 = h
    for candidate in (best_h1, ld_headline, micro):
        if candidate:
            return _strip_site_suffix(candidate, names)
    # No headline agrees with the page's <title>/og:title: a headline-classed <h1> in the article is
    # the page's own title ("Home | Site" titles on some CMS themes), unless it is the site name.
    for h in page.body.xpath('//article//h1 | //main//h1 | //h1[contains(@class, "title") or '
                             'contains(@class, "headline") or @itemprop="name"]'):
        t = text_of(h)
        if 3 <= len(t) <= 400 and not is_site_part(t, names):
            return t
    heading = _heading_segment([t for t in (og, doc_title) if t], page, names)
    if heading:
        return heading
    for candidate in (og, doc_title):
        if candidate:
            return _strip_site_suffix(candidate, names)
    return h1s[0] if h1s else None


#: Separators of a title's segments, with the portals' unspaced "_" ("Headline_Channel_Site").
_SEGMENT_SPLIT = re.compile(f"{_TITLE_SEPARATORS.pattern}|_")


def _heading_segment(references: list[str], page: Page, names: list[str]) -> str | None:
    """The first segment of a multi-part <title> when a heading on the page states it alone (and no
    other segment): the headline of a portal's "Headline_Channel_Site" title."""
    headings = {text_of(h) for h in page.body.iter("h1", "h2", "h3")}
    for ref in references:
        segments = [seg.strip() for seg in _SEGMENT_SPLIT.split(ref)]
        if len(segments) < 2 or len(segments[0]) < 4 or is_site_part(segments[0], names):
            continue
        if segments[0] in headings and not any(seg in headings for seg in segments[1:]):
            return segments[0]
    return None


def _h1_match(h1: str, reference: str) -> float:
    """How well an <h1> matches a title reference; a fuller h1 containing the reference matches too."""
    score = _title_similarity(h1, reference)
    hw, rw = set(words_of(h1.lower())), set(words_of(reference.lower()))
    if len(rw) >= 3 and len(rw & hw) >= 0.9 * len(rw) and len(hw) <= 2.5 * len(rw):
        score = max(score, 0.6)
    return score

