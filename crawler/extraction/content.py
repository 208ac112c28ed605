"""The main content: the element(s) holding the article body, found by readability-style scoring.

Paragraphs give points to their parent and grandparents; class and id names, link density and
hidden markup take them away. The site's own selector, when it has one, comes first.
"""
from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from crawler.extraction.boxes import PLAYER_MARK, player_boxes
from crawler.extraction.needs import canonical, may_match, needs
from crawler.extraction.page import Page, class_id, css, is_hidden, spaced_len, text_len, text_of, text_over
from crawler.text import UNSPACED_SCRIPTS

#: Subtrees never scored as article text (they are removed again, by name, when the body is cleaned).
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "nav", "aside", "footer",
                       "header", "select", "button", "iframe", "figcaption", "textarea", "head", "menu",
                       "dialog", "object", "embed", "canvas", "video", "audio", "map"})
_NEGATIVE = re.compile(
    r"comment|disqus|respond|\bmeta\b|-meta|footer|footnote|related|share|sharing|social|sidebar|widget|"
    r"\bnav|menu|breadcrumb|promo|sponsor|advert|\bads?\b|\bad-|newsletter|subscri|popular|trending|"
    r"recommend|author-?(bio|box|info)|cookie|consent|banner|masthead|login|paywall|outbrain|taboola|"
    r"\brail\b|-rail|caption|gallery|modal|popup|tag-?cloud|\btags\b|read-?next|more-?stories|pagination",
    re.I)
_POSITIVE = re.compile(r"article|body|content|entry|main|post|story|text|blog|prose|rich-?text|markdown|single|"
                       r"page-?content|news-?item", re.I)
_BLOCKISH = frozenset({"p", "div", "section", "article", "main", "td", "pre", "blockquote", "li", "ul", "ol",
                       "table", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "figure", "center", "tr", "tbody"})
_TAG_WEIGHT = {"div": 5, "article": 8, "main": 5, "section": 3, "pre": 3, "td": 3, "blockquote": 3,
               "address": -3, "ol": -3, "ul": -3, "dl": -3, "dd": -3, "dt": -3, "li": -3, "form": -3,
               "h1": -5, "h2": -5, "h3": -5, "h4": -5, "h5": -5, "h6": -5, "th": -5}
#: Containers that CMSs use for the article body (tried as one signal among others).
CONTENT_HINTS = (
    '[itemprop="articleBody"]', ".entry-content", ".post-content", ".article-body", ".article-content",
    ".article__body", ".article__content", ".story-body", ".story-content", ".c-articleBody",
    ".td-post-content", ".field--name-body", ".field-name-body", ".post-body", ".gh-content",
    ".single-content", ".content-inner", ".entry-body", ".articleBody", ".article-text", ".rich-text",
    ".body-text", ".text-content", ".post-entry", ".jeg_post_content", ".content-body",
)


#: How many of the best raw-scored candidates get the (costly) link-density correction.
TOP_CANDIDATES = 12


#: A page builder's layout boxes, around every widget of the page, the body's too: no hint either way.
_LAYOUT_TOKENS = re.compile(r"(?<![\w-])elementor-(?:widget-wrap|widget-container|column-wrap|element-populated)(?![\w-])")


@lru_cache(maxsize=16384)
def _class_signs(key: str) -> tuple[bool, bool]:
    """(negative, positive) class/id hints; memoised, as theme class names repeat on every page."""
    if "elementor-" in key:
        key = _LAYOUT_TOKENS.sub(" ", key)
    canon = canonical(key)  # most keys hold none of the literals the patterns need: no search then
    return (may_match(_NEGATIVE_NEEDS, canon) and _NEGATIVE.search(key) is not None,
            may_match(_POSITIVE_NEEDS, canon) and _POSITIVE.search(key) is not None)


_NEGATIVE_NEEDS, _POSITIVE_NEEDS = needs(_NEGATIVE), needs(_POSITIVE)


def _unlikely(el: Any) -> bool:
    cls, ident = el.get("class"), el.get("id")
    if not cls and not ident or el.tag in ("body", "html", "article", "main"):
        return False
    key = f"{cls or ''} {ident or ''}".strip()
    if not key:
        return False
    if el.get("itemprop") == "articleBody":
        return False
    negative, positive = _class_signs(key)
    return negative and not positive


@dataclass
class Candidate:
    """An element that paragraphs gave points to."""
    el: Any
    score: float = 0.0
    text_len: int = 0       # paragraph text under it (scored paragraphs only)
    own: float = 0.0        # the points of its own paragraphs (its children)
    paragraphs: int = 0     # how many of its children gave points


@dataclass
class Content:
    """The main content: the chosen element(s), and how they were found."""

    elements: list[Any]
    how: str
    score: float = 0.0
    text_len: int = 0


def _walk(root: Any, skip: set[Any] | frozenset = frozenset(), keep: set[Any] | frozenset = frozenset()
          ) -> Iterator[Any]:
    """Elements under root in document order, skipping never-content subtrees and boxes with
    unlikely class names (sidebar, advert ...) unless they are in ``keep`` (iterative)."""
    walker = etree.iterwalk(root, events=("start",))
    for _, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if el is not root and (tag in SKIP_TAGS or _unlikely(el) and el not in keep or is_hidden(el) or el in skip):
            walker.skip_subtree()
            continue
        yield el


def _own_text_len(el: Any) -> int:
    """Text directly in el and in its inline children (not in block children)."""
    n = len((el.text or "").strip())
    for child in el:
        if not isinstance(child.tag, str):
            n += len((child.tail or "").strip())
            continue
        if child.tag not in _BLOCKISH and child.tag not in SKIP_TAGS:
            n += text_len(child)
        n += len((child.tail or "").strip())
    return n


def _own_link_len(el: Any, memo: dict[Any, int] | None = None) -> int:
    """Link text among the text that ``_own_text_len`` counts (inline children only)."""
    n = 0
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _BLOCKISH or tag in SKIP_TAGS:
            continue
        if tag == "a":
            n += _memo_len(child, memo) if memo is not None else text_len(child)
        else:
            n += _link_len(child, memo)
    return n


def _link_len(el: Any, memo: dict[Any, int] | None = None) -> int:
    if memo is None:
        return sum(text_len(a) for a in el.iter("a"))
    return sum(_memo_len(a, memo) for a in el.iter("a"))


def _memo_len(el: Any, memo: dict[Any, int]) -> int:
    """``text_len`` once per element: nested candidates share their links and subtrees."""
    n = memo.get(el)
    if n is None:
        n = memo[el] = text_len(el)
    return n


#: A form box (the container of a text field) holds at most this much text: a comment or sign-up form.
FORM_BOX_CHARS = 400
#: Attribute that marks a form box in the copied fragment for the cleaner.
FORM_BOX_MARK = "data-defwatch-form-box"
_TEXT_INPUTS = frozenset({"text", "email", "url", "tel", "search", "password", ""})


def form_boxes(root: Any, fields: tuple[str, ...] = ("textarea", "input")) -> list[Any]:
    """The containers of text fields (a textarea, a text input), each the largest ancestor below root
    with little text: comment and sign-up forms, even when the whole page sits in one ASP.NET <form>."""
    boxes: list[Any] = []
    seen: set[Any] = set()
    for field in root.iter(*fields):
        if field.tag == "input" and (field.get("type") or "").lower() not in _TEXT_INPUTS:
            continue
        box = None
        node = field.getparent()
        while node is not None and node is not root and not _text_over(node, FORM_BOX_CHARS):
            if node.tag not in ("span", "label", "td", "tr", "tbody", "p"):
                box = node
            node = node.getparent()
        if box is not None and box not in seen:
            seen.add(box)
            boxes.append(box)
    return boxes


def _text_over(el: Any, limit: int) -> bool:
    """Whether el holds more than ``limit`` characters of text (stops reading once it does)."""
    n = 0
    for piece in el.itertext():
        n += len(piece.strip())
        if n > limit:
            return True
    return False


def score_candidates(page: Page, memo: dict[Any, int] | None = None,
                     keep: set[Any] | frozenset = frozenset()) -> dict[Any, Candidate]:
    """Readability-style scores: paragraphs give points to their parent and grandparents
    (``memo``: text lengths already measured, filled in; ``keep``: see ``_walk``)."""
    cands: dict[Any, Candidate] = {}
    forms = set(form_boxes(page.body, ("textarea",)))  # a comment form can outscore a short story
    for el in _walk(page.body, forms, keep):
        tag = el.tag
        if tag in ("p", "pre", "td", "blockquote") or (tag in ("div", "section", "article", "span", "font", "li")):
            if tag in ("p", "pre"):
                text = el.text_content()  # its commas are those of its normalised text
                length = spaced_len(text)
                if length < 25:
                    continue
                link = _link_len(el, memo)
            else:
                length = _own_text_len(el)
                if length < 60:
                    continue
                text = (el.text or "") + " ".join((c.tail or "") for c in el)
                if _own_link_len(el, memo) > length * 0.6:
                    continue  # a teaser card (its headline a link): a grid of hundreds must not outscore the story
                link = 0
            if link > length * 0.6:
                continue
            points = 1 + clause_marks(text) + min(length // 100, 3)
            node = el.getparent()
            level = 0
            while node is not None and level < 4:
                cand = cands.get(node)
                if cand is None:
                    cand = cands[node] = Candidate(node, _initial_score(node))
                cand.score += points / (1 if level == 0 else level * 2 if level < 3 else level * 3)
                if level == 0:
                    cand.text_len += length - link
                    cand.own += points
                    cand.paragraphs += 1
                node = node.getparent()
                level += 1
                if node is None or node.tag in ("html",):
                    break
    _rescore_parts(cands)
    return cands


#: A part of a split body holds at least this many paragraphs; a teaser card holds one.
PART_PARAGRAPHS = 2
#: The points a class name gives (``_initial_score``).
CLASS_POINTS = 25


def _rescore_parts(cands: dict[Any, Candidate]) -> None:
    """Score a body split into parts (``<section>``s of paragraphs) as one, and take a teaser
    card's class points back: readability's weights give a grandparent half its paragraphs' points,
    so two sections of a short story lost to one card of an "Editor's picks" box whose class says
    "post", although the card holds one paragraph and its siblings are cards of the same class."""
    parts: dict[tuple[Any, str, str | None], list[Candidate]] = {}
    for cand in cands.values():
        el = cand.el
        if cand.paragraphs >= PART_PARAGRAPHS and (parent := el.getparent()) is not None:
            parts.setdefault((parent, el.tag, el.get("class")), []).append(cand)  # parts are of one kind
        elif cand.paragraphs == 1 and cand.own and _is_card(el):
            cand.score -= CLASS_POINTS
    for (parent, _, _), found in parts.items():
        whole = cands.get(parent)
        if len(found) >= 2 and whole is not None:
            whole.score += sum(c.own for c in found)


def _is_card(el: Any) -> bool:
    """A box with a positive class name beside boxes of the same tag and class, holding its one
    paragraph with other lines (a headline, a date): one card of a list. A page builder's box that
    holds one paragraph alone is a piece of the body."""
    cls = el.get("class")
    if not cls or not _class_signs(class_id(el))[1]:
        return False
    parent = el.getparent()
    if parent is None or sum(1 for c in parent if c.tag == el.tag and c.get("class") == cls) < 2:
        return False
    return sum(1 for c in el if isinstance(c.tag, str) and text_over(c, 0)) >= 2


#: Commas of the scripts that write them: Latin and Cyrillic, Arabic, CJK (full-width and enumeration), Myanmar.
_COMMAS = ("،", "，", "、", "၊")
#: Thai, Lao and Khmer mark a clause with a space between two letters, where others write a comma.
#: (A space beside a comma is that comma's.)
_CLAUSE_SPACE = re.compile(f"(?<=[{UNSPACED_SCRIPTS}])(?<![、၊]) (?![、၊])(?=[{UNSPACED_SCRIPTS}])")


def clause_marks(text: str) -> int:
    """The clause breaks of a paragraph, in any script: its commas, and in scripts written without
    word spaces, the spaces between clauses (a Khmer paragraph has no comma at all)."""
    n = text.count(",")
    if text.isascii():
        return n
    return n + sum(text.count(c) for c in _COMMAS) + len(_CLAUSE_SPACE.findall(text))


def _initial_score(el: Any) -> float:
    score = _TAG_WEIGHT.get(el.tag, 0)
    key = class_id(el)
    if key:
        negative, positive = _class_signs(key)
        score += CLASS_POINTS * positive - CLASS_POINTS * negative
    if el.get("itemprop") == "articleBody":
        score += 30
    return score


def _link_density(el: Any, memo: dict[Any, int] | None = None) -> float:
    if memo is None:
        total = text_len(el)
        return _link_len(el) / total if total else 1.0
    total = _memo_len(el, memo)
    return _link_len(el, memo) / total if total else 1.0


def find_content(page: Page, site: Any = None) -> Content | None:
    """The element(s) holding the article body, or None when the page has none."""
    if site is not None and site.selectors.body:
        found = [el for el in css(page.doc, site.selectors.body) if text_len(el)]
        if found:
            return Content(found[:1], "site")
    memo: dict[Any, int] = {}
    cands = score_candidates(page, memo)
    if not cands:
        # Nothing outside "unlikely" boxes: a theme may wrap the whole page, headline and story, in
        # one (an off-canvas "advertisement-...-pusher"). The boxes around the headline are let in.
        h1 = next(page.body.iter("h1"), None)
        if h1 is not None:
            cands = score_candidates(page, memo, keep=set(h1.iterancestors()))
    if not cands:
        return None
    # Link density needs the text of the whole subtree: only for the best raw scores.
    best = sorted(cands.values(), key=lambda c: c.score, reverse=True)[:TOP_CANDIDATES]
    ranked = [(c.score * (1 - _link_density(c.el, memo)) if c.score > 0 else c.score, c) for c in best]
    ranked.sort(key=lambda x: x[0], reverse=True)
    top_score, top = ranked[0]
    if top_score <= 0:
        return None
    top_el = top.el
    # A tiny top candidate inside a much richer container: climb (readability's "parent has most").
    parent = top_el.getparent()
    while parent is not None and parent.tag not in ("body", "html"):
        pc = cands.get(parent)
        if pc is None or pc.score * (1 - _link_density(parent, memo)) < top_score * 0.9 or _unlikely(parent):
            break
        top_el, top_score = parent, pc.score * (1 - _link_density(parent, memo))
        parent = top_el.getparent()
    elements = _with_siblings(_outer_wrapper(top_el), top_score, cands, memo)
    elements = _with_twins(elements, top_el, top_score, cands, memo)
    return Content(elements, "score", top_score, sum(cands[e].text_len if e in cands else 0 for e in elements))


#: Wrappers climbed at most from the top candidate to the box whose siblings are the body's other parts.
WRAPPER_LEVELS = 3


def _outer_wrapper(top: Any) -> Any:
    """The outermost wrapper holding nothing but the top element (``richtext > richtext__inner``):
    a body that ad slots split continues beside the wrapper, so its siblings are looked for there."""
    for _ in range(WRAPPER_LEVELS):
        parent = top.getparent()
        if parent is None or parent.tag in ("body", "html", "form") or _unlikely(parent) or \
                (parent.text or "").strip() or (top.tail or "").strip():
            break
        if any(c is not top and isinstance(c.tag, str) and (c.tag in ("img", "figure", "picture") or text_over(c, 0))
               for c in parent):
            break
        top = parent
    return top


#: Paragraph text a part must hold itself to join the body as the top's twin or wrapped sibling.
TWIN_TEXT = 80


def _inner_box(el: Any) -> Any:
    """The innermost box that el only wraps (the inverse of ``_outer_wrapper``)."""
    for _ in range(WRAPPER_LEVELS):
        if (el.text or "").strip():
            break
        kids = [c for c in el if isinstance(c.tag, str) and (c.tag in ("img", "figure", "picture") or text_over(c, 0))]
        if len(kids) != 1 or (kids[0].tail or "").strip() or kids[0].tag in SKIP_TAGS or _unlikely(kids[0]):
            break
        el = kids[0]
    return el


def _with_twins(elements: list[Any], top: Any, top_score: float, cands: dict[Any, Candidate],
                memo: dict[Any, int] | None = None) -> list[Any]:
    """Add the top element's twins: same tag and class elsewhere (a body split into several columns)."""
    cls = top.get("class")
    if not cls:
        return elements
    twins = [c.el for c in cands.values()
             if c.el is not top and c.el.tag == top.tag and c.el.get("class") == cls and c.text_len >= TWIN_TEXT]
    if not twins:
        return elements
    chosen = set(elements)
    extra = []
    for twin in twins:
        if twin in chosen or any(a in chosen for a in twin.iterancestors()) or \
           any(twin in set(e.iterancestors()) for e in chosen):
            continue
        if _link_density(twin, memo) < 0.3:
            extra.append(twin)
    if not extra:
        return elements
    order = {el: i for i, el in enumerate(top.getroottree().iter())}
    return sorted([*elements, *extra], key=lambda e: order.get(e, 0))


def _with_siblings(top: Any, top_score: float, cands: dict[Any, Candidate],
                   memo: dict[Any, int] | None = None) -> list[Any]:
    parent = top.getparent()
    if parent is None or parent.tag in ("html",):
        return [top]
    threshold = max(10.0, top_score * 0.2)
    top_class = top.get("class")
    out = []
    for sib in parent:
        if not isinstance(sib.tag, str):
            continue
        if sib is top:
            out.append(sib)
            continue
        if sib.tag in SKIP_TAGS or _unlikely(sib) or is_hidden(sib):
            continue
        bonus = top_score * 0.2 if top_class and sib.get("class") == top_class else 0
        cand = cands.get(sib)
        if cand is not None and cand.score * (1 - _link_density(sib, memo)) + bonus >= threshold:
            out.append(sib)
            continue
        inner = _inner_box(sib) if len(sib) else sib  # a part wrapped alone, as the top may be: its own score
        cand = cands.get(inner) if inner is not sib else None
        if cand is not None and cand.text_len >= TWIN_TEXT and \
                cand.score * (1 - _link_density(inner, memo)) + bonus >= threshold:
            out.append(sib)
            continue
        if sib.tag == "p":
            text = text_of(sib)
            density = _link_density(sib, memo) if text else 1
            if len(text) > 80 and density < 0.25:
                out.append(sib)
            elif 0 < len(text) <= 80 and density == 0 and re.search(r"\.( |$)", text):
                out.append(sib)
    return _fill_gaps(parent, out, top, memo)


#: What a page builder's container between two body containers may hold and still be body.
_GAP_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "table", "p"})


def _class_stems(tokens: set[str]) -> set[str]:
    """Class tokens without their last ``-``/``_`` part: the block family (``block-quote`` → ``block``)."""
    return {stem for t in tokens if len(stem := re.split(r"[-_](?=[^-_]*$)", t)[0].rstrip("-_")) >= 3 and stem != t}


def _fill_gaps(parent: Any, chosen: list[Any], top: Any, memo: dict[Any, int] | None = None) -> list[Any]:
    """Add the subheadings and lists lying between chosen siblings (page builders box each one alone)."""
    if len(chosen) < 2:
        return chosen
    kids = [k for k in parent if isinstance(k.tag, str)]
    where = {k: i for i, k in enumerate(kids)}
    first, last = where[chosen[0]], where[chosen[-1]]
    top_tokens = set((top.get("class") or "").split())
    top_stems = _class_stems(top_tokens)
    taken = set(chosen)
    for sib in kids[first + 1:last]:
        if sib in taken or sib.tag in SKIP_TAGS or _unlikely(sib) or is_hidden(sib) or not text_len(sib):
            continue
        # Same builder box as the top (one class token, or one block family such as StreamField's
        # "block-heading" beside "block-paragraph"), or a bare heading/list between paragraphs.
        sib_tokens = set((sib.get("class") or "").split())
        boxed = top_tokens & sib_tokens or top_stems & _class_stems(sib_tokens)
        box = _inner_box(sib) if boxed else sib
        inner = [c for c in box if isinstance(c.tag, str)]
        holds = (sib.tag in _GAP_TAGS and sib.tag != "p") or \
            bool(boxed and (box is not sib and box.tag in _GAP_TAGS or inner and all(c.tag in _GAP_TAGS for c in inner)))
        if holds and _link_density(sib, memo) < 0.25:
            taken.add(sib)
    return [k for k in kids if k in taken]


#: Pruned from the copied fragment before the vocabulary runs (never text).
PRUNE_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas",
              "video", "audio", "map", "select", "textarea", "button", "input", "nav")


def fragment(elements: list[Any], stats: Counter | None = None) -> Any:
    """Copies of the chosen elements under one ``<div>``, pruned of scripts, forms, navigation and hidden parts."""
    root = lxml_html.html_parser.makeelement("div")
    for el in elements:
        el = copy.deepcopy(el)
        el.tail = None
        root.append(el)
    pruned = 0
    for box in form_boxes(root):  # marked before the fields go (they tell a form box from text);
        box.set(FORM_BOX_MARK, "1")  # the cleaner drops it after the named rules had their say
    for box in player_boxes(root):  # so is a player's label: its controls tell it from text
        box.set(PLAYER_MARK, "1")
    for junk in list(root.iter(*PRUNE_TAGS)):
        if junk.getparent() is not root:
            junk.drop_tree()
            pruned += 1
    for junk in list(root.iter()):
        if junk is root or not isinstance(junk.tag, str) or junk.getparent() is None or junk.getparent() is root:
            continue
        # Forms are comment boxes and sign-ups, unless the page wraps everything in one (ASP.NET).
        if is_hidden(junk) or junk.tag == "form" and sum(text_len(p) for p in junk.iter("p")) < 400 \
                or junk.tag == "span" and _is_hover_card(junk):
            junk.drop_tree()
            pruned += 1
    if stats is not None and pruned:
        stats["boilerplate/structure"] += pruned
    return root


def _is_hover_card(span: Any) -> bool:
    """An inline pop-up card inside a sentence: a picture and several links (people/topic rollovers)."""
    if next(span.iter("img"), None) is None:
        return False
    links = sum(1 for _ in span.iter("a"))
    return links >= 2 and any(a.tag in ("p", "li") for a in span.iterancestors())


def ld_article_body(page: Page) -> str | None:
    """The JSON-LD article's ``articleBody`` text, if it has one."""
    art = page.article_ld()
    body = art.get("articleBody") if art else None
    if isinstance(body, list):
        body = "\n\n".join(b for b in body if isinstance(b, str))
    return body.strip() if isinstance(body, str) and body.strip() else None
