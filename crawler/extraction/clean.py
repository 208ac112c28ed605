"""The one cleaner: whatever chose the body, it ends here, as text blocks passed through the vocabulary.

A body chosen as markup (scored content, a site selector) first loses the elements the DOM rules
name; a body known only as text (JSON-LD ``articleBody``, the trafilatura fallback) is split into
paragraphs. Both then go through the same block text rules and sequence rules, and a last sweep
checks every block of the final body against the text rules again.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from crawler.extraction.boxes import counter_before, is_action_link_line, shaped_boxes
from crawler.extraction.chrome import (
    is_embedded_teaser,
    is_link_row,
    repeated_quotes,
    teaser_list_box,
    trailing_credit,
)
from crawler.extraction.page import is_hidden
from crawler.extraction.sequence import (
    LINK_BLOCK_SHARE,
    MAX_RULE_BLOCK,
    MAX_TEASER,
    Block,
    is_clock_stamp,
    prune_sequence,
    rule_text,
)
from crawler.extraction.vocabulary import Rules, load_rules, widget_bases

#: Tags that start a new text block.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
#: A class/id rule does not remove an element holding more than this share of the fragment text.
MAX_CLASS_RULE_SHARE = 0.5


# ---------------------------------------------------------------- DOM rules

def _text_len(el: Any) -> int:
    return len(el.text_content())


def _class_key(el: Any) -> str:
    cls = " ".join((el.get("class") or "").split())
    ident = el.get("id") or ""
    if not cls and not ident:
        return ""
    return f"{cls} {ident}".lower().replace("_", "-").strip()


def _widget_group(el: Any, rules: Rules) -> str | None:
    """The group of a known widget that el is a part or wrapper of ("sharedaddy__title", "mc4wp-form-wrapper")."""
    cls = el.get("class")
    if not cls or not rules.widgets:
        return None
    for token in cls.split():
        for base in widget_bases(token):
            name = rules.widgets.get(base)
            if name is not None:
                return name
    return None


def _selector_hits(root: Any, elements: list[Any], rules: Rules) -> dict[Any, str]:
    """Element -> first group one of whose CSS selectors matches it; only selectors whose subject
    (id, class, attribute, tag) occurs in the fragment are evaluated."""
    present: dict[str, set[str]] = {"any": {""}, "tag": {el.tag for el in elements}, "id": set(), "class": set(),
                                    "attr": set()}
    ids, classes, attrs = present["id"], present["class"], present["attr"]
    by_class: dict[str, list[Any]] = {}  # class token -> elements: a bare ".name" selector needs no XPath
    for el in elements:
        for name, value in el.items():  # one call for all attributes; most elements have none
            attrs.add(name.lower())
            if name == "class":
                for token in _XML_SPACE.split(value):  # the tokens CSS sees (normalize-space)
                    if token:
                        by_class.setdefault(token, []).append(el)
            elif name == "id" and value:
                ids.add(value)
    classes.update(by_class)
    hits: dict[Any, str] = {}
    for group, sel in rules.selectors_for(present):
        for el in (by_class[sel.bare] if sel.bare is not None else sel.compiled(root)):
            hits.setdefault(el, group)
    return hits


_XML_SPACE = re.compile(r"[ \t\r\n]+")


def apply_dom_rules(root: Any, rules: Rules, stats: Counter | None = None) -> None:
    """Drop the elements the rules name, in place; the root itself is never dropped.

    CSS selectors are precise and always apply. Class/id patterns and widget parts are fuzzier:
    they never take an element holding most of the fragment's text (the article itself).
    """
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    selected = _selector_hits(root, elements, rules)
    class_groups = any(g.classes is not None or g.text_classes is not None for g in rules.groups)
    hits: list[tuple[Any, str, bool]] = []
    for el in elements:
        if el is root:
            continue
        name = selected.get(el)
        if name is not None:
            hits.append((el, name, True))
            continue
        if is_hidden(el) or el.tag == "time" and _alone(el):
            hits.append((el, "structure", True))  # hidden, or a time stamp on its own line (live-blog updates)
            continue
        name = _widget_group(el, rules)
        if name is None and class_groups:
            key = _class_key(el)
            if key:
                name = rules.class_group(key) or rules.text_class_hit(key, el.text_content)
        if name is not None:
            hits.append((el, name, False))
        elif el.tag == "a" and _SHARE_LINK.search(el.get("href") or ""):
            hits.append((el, "share", True))  # "Share this post with a colleague": its text is no article text
        elif el.tag in ("ul", "ol") and (box := teaser_list_box(el, root, _is_link_list(el))) is not None:
            hits.append((box, "related", True))  # other stories' headlines (with bylines), and the box's title
        elif el.tag == "a" and _is_teaser_card(el):
            hits.append((el, "related", True))
        elif el.tag in ("p", "div") and _is_follow_prompt(el):
            hits.append((el, "share", True))
        elif el.tag in ("p", "div") and (_is_tool_row(el) or is_link_row(el, BLOCK_TAGS)):
            hits.append((el, "print_email", True))
        elif el.tag in ("p", "div") and is_action_link_line(el):
            hits.append((el, "print_email", True))
        elif el.tag in ("p", "div") and _ends_with_credit(el, rules):
            hits.append((el, "media", True))
        elif el.tag in ("div", "aside", "section") and is_embedded_teaser(el):
            hits.append((el, "related", True))  # another story embedded in the body, with its label
        elif el.tag in ("p", "div", "aside", "section") and _is_call_to_action(el):
            hits.append((el, "promo", True))
        elif len(el) >= MIN_CARDS and is_card_list(el):
            hits.append((el, "promo", True))
    hits += [(box, "structure", True) for box in _stamp_boxes(root)]
    hits += shaped_boxes(root)  # key points, players, meta boxes, author boxes, an intro printed twice
    hits += [(quote, "media", True) for quote in repeated_quotes(root)]  # a pull quote: the text said again
    # Comment and sign-up form boxes the content step marked (a page-wide ASP.NET <form> hides them).
    hits += [(el, "structure", True) for el in elements if el.get("data-defwatch-form-box") is not None]
    # The "Read more:" label of a link list goes with the list.
    hits += [(label, name, True) for el, name, _ in list(hits) if name == "related"
             for label in (_label_before(el),) if label is not None]
    # So does a comment section's counter or heading ("Comments (0)", "कुल प्रतिक्रिया: ०") before its form.
    hits += [(title, "comments", True) for el, name, _ in list(hits) if name == "comments"
             for title in (counter_before(el),) if title is not None]
    if not hits:
        return
    total = None
    removed: set[Any] = set()  # dropped elements and everything under them
    emptied: dict[Any, str] = {}  # containers that lost a widget -> its group
    for el, name, precise in hits:
        if el in removed:
            continue
        if not precise:
            if (el.get("itemprop") or "").lower() in _OWN_TEXT:
                continue  # the page marks it as the article's own text ("teaser-text" holding the lead)
            if total is None:
                total = max(1, _text_len(root))
            if total > 300 and _text_len(el) > MAX_CLASS_RULE_SHARE * total:
                continue  # a class rule never takes the article with it
        parent = el.getparent()
        removed.update(el.iter())
        el.drop_tree()
        if parent is not None and parent is not root and parent.tag not in _CONTAINERS and \
                not (parent.text or "").strip() and len(parent) == 0:
            parent = parent.getparent()  # the line that held only the widget ("<p><a rel=next>…</a></p>")
        while parent is not None and parent is not root and parent.tag in _TABLE_PARTS:
            parent = parent.getparent()  # a legacy layout: the table around the widget holds its title
        if parent is not None and parent is not root and parent.tag in _CONTAINERS:
            emptied.setdefault(parent, name)
        if stats is not None:
            stats[f"boilerplate/{name}"] += 1
    for box, name in emptied.items():
        if box not in removed and _only_a_title(box):
            removed.update(box.iter())
            box.drop_tree()  # the widget's own title, left alone once the widget went ("Key events")
            if stats is not None:
                stats[f"boilerplate/{name}"] += 1


#: Microdata naming the article's own text: a fuzzy class rule never removes such an element.
_OWN_TEXT = frozenset({"articlebody", "description", "abstract", "text"})
#: Elements that hold a widget and its title.
_CONTAINERS = frozenset({"div", "section", "aside", "header", "footer", "nav", "figure", "details", "table"})
_TABLE_PARTS = frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"})
#: A title left alone: this many words at most, no sentence.
TITLE_WORDS = 6


def _only_a_title(box: Any) -> bool:
    """Whether what is left of a container is a short label, not text of the article."""
    words = box.text_content().split(None, TITLE_WORDS)  # what is left may be the whole article: not all split
    return 0 < len(words) <= TITLE_WORDS and not words[-1].endswith((".", "!", "?")) and \
        next(box.iter("h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "p", "div"), None) is not None


def _alone(el: Any) -> bool:
    """Whether no text sits beside el in its parent (the element is a line of its own)."""
    if (el.tail or "").strip():
        return False
    prev = el.getprevious()
    before = prev.tail if prev is not None else (el.getparent().text if el.getparent() is not None else None)
    return not (before or "").strip()


def _is_teaser_card(a: Any) -> bool:
    """A link wrapping another story's headline and lead as blocks: a teaser card set inside the body."""
    href = a.get("href") or ""
    return bool(href) and not href.startswith("#") and \
        any(c.tag in ("h2", "h3", "h4", "h5", "h6", "p") for c in a if isinstance(c.tag, str))


def _is_link_list(el: Any) -> bool:
    """A list whose items are nearly all links (related stories, "more from", tag lists)."""
    items = [li for li in el if li.tag == "li"]
    if len(items) < 2:
        return False
    linked = 0
    for li in items:
        text = len(" ".join(li.text_content().split()))
        link = sum(len(" ".join(a.text_content().split())) for a in li.iter("a"))
        if text and link >= 0.8 * text:
            linked += 1
    return linked >= 0.8 * len(items)


#: A link that shares the page: a share action in its query, a sharer endpoint, a tweet intent.
_SHARE_LINK = re.compile(r"[?&](?:action|utm_content|share)=share\b|/share(?:r|article)?(?:\.php)?(?:[/?]|$)|"
                         r"intent/tweet|/sharer\b|^mailto:\?", re.I)
#: A card list has at least this many cards of one class; a card holds at most this much text.
MIN_CARDS, CARD_CHARS = 3, 400
_SENTENCE = re.compile(r"[.!?…][\"'”»)]?(?:\s|$)")


def is_card_list(el: Any) -> bool:
    """A box of product or teaser cards (a retailer's deals box, a "more stories" grid): several
    children of one class, each a short text with a link and a picture or a price, none of them
    a sentence. The article's own paragraphs, list items and live-blog posts are prose."""
    counts: dict[tuple[str, str], int] = {}
    for child in el:
        cls = child.get("class") if isinstance(child.tag, str) else None
        if cls:
            key = (child.tag, cls)
            counts[key] = counts.get(key, 0) + 1
    key = next((k for k, n in counts.items() if n >= MIN_CARDS), None)
    if key is None:
        return False
    cards = [c for c in el if isinstance(c.tag, str) and (c.tag, c.get("class")) == key]
    for card in cards:
        text = " ".join(card.text_content().split())
        if not text or len(text) > CARD_CHARS or next(card.iter("a"), None) is None:
            return False
        if next(card.iter("img", "picture"), None) is None and not _PRICE.search(text):
            return False
        if any(_SENTENCE.search(" ".join(p.split())) for p in card.itertext() if len(p.split()) >= 6):
            return False
    return True


#: A price: a currency sign or code beside an amount ("$499", "499 €", "EUR 1.299,00").
_PRICE = re.compile(r"(?:[$€£¥₹₽₴]|\b(?:usd|eur|gbp|chf|pln|zł|kr|r\$))\s?\d|\d(?:[\d.,\s]*\d)?\s?(?:[$€£¥₹₽₴]|\b(?:usd|eur|gbp|chf|pln|zł|kr)\b)",
                    re.I)


#: Hosts of social and news platforms a site asks readers to follow it on.
_PLATFORM_HOST = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:news\.google\.com|t\.me|telegram\.me|facebook\.com|fb\.com|twitter\.com|x\.com|"
    r"instagram\.com|youtube\.com|whatsapp\.com|wa\.me|linkedin\.com|tiktok\.com|threads\.net|bsky\.app|"
    r"vk\.com|ok\.ru|dzen\.ru|line\.me|viber\.com|flipboard\.com|mastodon\.social)(?:/|$)", re.I)
#: A link to one post or video on such a platform is a citation, not a follow link.
_PLATFORM_POST = re.compile(r"/(?:status|statuses|posts?|p|reel|reels|watch|videos?|photos?|story|permalink)\b|/\d+/?$",
                            re.I)
#: A follow prompt is one short line.
FOLLOW_WORDS = 30


def _is_follow_prompt(el: Any) -> bool:
    """A short line whose links all go to the site's own channel on a social or news platform
    ("<a href=news.google.com/publications/…>Ikuti kami di Google News</a> untuk …", "Follow us on
    <a>Telegram</a>"), in any language; a link to one post there is a citation and stays."""
    links = list(el.iter("a"))  # the cheap tests first: most lines have no link, or links elsewhere
    if not links:
        return False
    for a in links:
        href = a.get("href") or ""
        if not _PLATFORM_HOST.match(href) or _PLATFORM_POST.search(href.split("?")[0]):
            return False
    if any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in el):
        return False
    text = " ".join(el.text_content().split())
    if not text or len(text.split()) > FOLLOW_WORDS:
        return False
    first = " ".join(links[0].text_content().split())
    return len(first.split()) >= 2 or text.startswith(first)


#: A link that acts on this page rather than leading to another: print, e-mail, share (its query carries
#: the page's URL: "add.php?link=https://…", "sharer.php?u=…"), a script.
_ACTION_HREF = re.compile(r"^(?:mailto:|javascript:|sms:|whatsapp:|tg:)|[?&][\w.-]+=(?:https?(?::|%3a)|%2f%2f)|"
                          r"[?&](?:print|printable|share)=|/(?:share|sharer|print)(?:\.php)?(?:[/?]|$)|intent/tweet", re.I)
#: A tool row's words outside its links: labels, separators and a counter at most.
TOOL_ROW_CHARS = 60


def _is_tool_row(el: Any) -> bool:
    """A row of the article's tools in any language ("Print · E-mail · Share: Facebook X", "Dibaca 2,417
    kali | Cetak | E-mel"): at least two links, all acting on this page, and little text beside them."""
    links = [a for a in el.iter("a")]
    if len(links) < 2 or not all(_ACTION_HREF.search(a.get("href") or "") for a in links):
        return False
    if any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in el):
        return False
    text = " ".join(el.text_content().split())
    linked = sum(len(" ".join(a.text_content().split())) for a in links)
    return len(text) - linked <= TOOL_ROW_CHARS


#: Inline elements that hold a caption's credit at its end ("… di Gemas <small>Foto: Bernama</small>").
_CREDIT_TAGS = frozenset({"small", "span", "em", "i", "cite", "b", "strong", "sub"})
#: A caption is short.
CAPTION_CHARS = 300


def _ends_with_credit(el: Any, rules: Rules) -> bool:
    """A caption outside <figcaption>: a short block whose last element, with nothing after it, is a
    picture credit in the vocabulary's words ("Foto: X", "Photo: X", "Фото: X"); or a short block right
    under a picture whose text ends with such a credit ("<img><p>Kapal di Lumut Foto: Bernama</p>")."""
    if _text_len(el) > CAPTION_CHARS:
        return False
    last = el[-1] if len(el) else None
    if last is not None and isinstance(last.tag, str) and last.tag in _CREDIT_TAGS and not (last.tail or "").strip():
        credit = " ".join(last.text_content().split())
        if credit and len(credit) <= 80 and rules.text_group(rule_text(credit), False) == "media":
            return True
    prev = el.getprevious()
    if prev is None or prev.tag not in ("img", "picture") or (prev.tail or "").strip():
        return False
    text = " ".join(el.text_content().split())
    colon = text.rfind(":")
    start = text.rfind(" ", 0, colon) + 1 if colon > 0 else -1
    return 0 < start and rules.text_group(rule_text(text[start:]), False) == "media"


#: A call to action's link: one path segment without digits ("/join", "keahlian.html", "/sadasyata/"),
#: a section of the site, not a story.
_SECTION_HREF = re.compile(r"^(?:https?://[^/]+)?/?[^\W\d_]+(?:[-_][^\W\d_]+)*(?:\.html?|\.php|\.aspx?)?/?(?:\?[^/]*)?$")
#: A link styled as a button, and a path of the site of a few words and no digits ("/shop/membership").
_BUTTON = re.compile(r"\b(?:btn|button)\b", re.IGNORECASE)
_SITE_PATH = re.compile(r"^(?:https?://[^/]+)?(?:/[^\W\d_]+(?:[-_][^\W\d_]+)*){1,3}/?$")
#: Its words at most, and the box's length.
CTA_LINK_WORDS, CTA_CHARS = 3, 300


def _is_call_to_action(el: Any) -> bool:
    """A membership or sign-up appeal in any language: a short box of sentences closed by one short link
    to a section of the site ("Jadi ahli … laporan khas. <a href=keahlian.html>Daftar sekarang</a>"), or
    by a button deeper into it ("<a class='btn' href='/shop/membership'>Become a member</a>")."""
    last = el[-1] if len(el) else None
    if last is None or last.tag != "a" or (last.tail or "").strip() or _text_len(el) > CTA_CHARS:
        return False
    if sum(1 for _ in el.iter("a")) != 1:
        return False
    label = " ".join(last.text_content().split())
    if not label or len(label.split()) > CTA_LINK_WORDS or any(c.isdigit() for c in label):
        return False
    href = last.get("href") or ""
    # A button may lead deeper into the site ("/shop/membership"), still no story (no digits, words only).
    if not _SECTION_HREF.match(href) and not (_BUTTON.search(last.get("class") or "") and _SITE_PATH.match(href)):
        return False
    before = " ".join(el.text_content().split())[:-len(label)].rstrip()
    return bool(before) and before.endswith((".", "!", "?", "…", "।"))


def _stamp_boxes(root: Any) -> list[Any]:
    """Blocks that only hold a marked-up time and a short label: live-blog update stamps
    (``<div class="meta"><span>Pinned</span> <time>01:15 GMT</time></div>``). A time written as a
    plain paragraph ("<p>4:14 p.m.</p>", AP's "The Latest") is the story's own text and stays."""
    boxes: dict[Any, None] = {}  # ordered, and a membership test in O(1) (a live blog has thousands)
    for el in root.iter("time"):
        box = el
        while box.getparent() is not None and box.getparent() is not root and box.tag not in BLOCK_TAGS:
            box = box.getparent()
        if box is not root and box not in boxes and is_clock_stamp(" ".join(box.text_content().split())):
            boxes[box] = None
    return list(boxes)


#: A label is a short lead-in: at most this many words, ending in a colon.
LABEL_WORDS = 5


def _label_before(el: Any) -> Any:
    """The element just before el when it is only a short label ending in a colon ("Read more:",
    "Lees ook:"): dropping el's list orphans it."""
    prev = el.getprevious()
    if prev is None or not isinstance(prev.tag, str) or (prev.tail or "").strip() or prev.tag not in BLOCK_TAGS:
        return None
    text = " ".join(prev.text_content().split())
    return prev if text.endswith((":", "：")) and 1 <= len(text.split()) <= LABEL_WORDS else None


# ---------------------------------------------------------------- blocks

def iter_blocks(root: Any) -> list[Block]:
    """Paragraphs, headings, list items, quotes ... as blocks (``<br>`` also ends a block); iterative."""
    blocks: list[Block] = []
    parts: list[str] = []
    link_chars = 0
    current: tuple[Any, int] | None = None  # (block owner, breaks): the owner is held, so identity is safe
    current_tag = "p"
    breaks = 0
    # (block owner, its tag, inside a link?) of each open element, innermost last.
    stack: list[tuple[Any, str, bool]] = []

    def flush() -> None:
        nonlocal parts, link_chars
        text = " ".join("".join(parts).split())
        if text:
            blocks.append(Block(text, min(link_chars, len(text)), current_tag))
        parts, link_chars = [], 0

    def emit(text: str, state: tuple[Any, str, bool]) -> None:
        nonlocal current, current_tag, link_chars
        if current is None or current[0] is not state[0] or current[1] != breaks:
            flush()
            current, current_tag = (state[0], breaks), state[1]
        parts.append(text)
        if state[2]:
            link_chars += len(text.strip())

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if not stack:
                state = (el, tag if isinstance(tag, str) else "div", False)
            else:
                owner, name, linked = stack[-1]
                if isinstance(tag, str):
                    if tag in BLOCK_TAGS:
                        owner, name = el, tag
                    linked = linked or tag == "a"
                state = (owner, name, linked)
            stack.append(state)
            if tag in ("br", "hr"):
                breaks += 1
            if isinstance(tag, str) and el.text:
                emit(el.text, state)
        else:
            stack.pop()
            if stack and isinstance(tag, str) and tag not in BLOCK_TAGS and _CSS_MODULE.search(el.get("class") or ""):
                parts.append(" ")  # a CSS-module element is styled as its own box: its text is a word apart
            if stack and el.tail:
                emit(el.tail, stack[-1])
    flush()
    return blocks


#: A CSS-module class name ("InlineRelated_label__w6XyZ"): component, element, generated hash.
_CSS_MODULE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z][A-Za-z0-9]*__[A-Za-z0-9_-]{4,}\b")


def match_text_rule(block: Block, rules: Rules) -> str | None:
    """The group whose text rule matches the whole block, or None."""
    if len(block.text) > MAX_RULE_BLOCK:
        return None
    text = rule_text(block.text)
    if not text:
        return "structure"
    linky = block.link_density >= LINK_BLOCK_SHARE
    return rules.text_group(text, linky)


def parse_fragment(html: str) -> Any:
    """An HTML fragment under one ``<div>`` root."""
    return lxml_html.fragment_fromstring(html, create_parent="div")


def clean_block_list(blocks: Iterable[Block], rules: Rules, stats: Counter | None = None,
                     drop_texts: Iterable[str] = (), text_only: bool = False) -> list[Block]:
    """Blocks after the block text rules and the sequence rules (``drop_texts``: exact blocks to drop).

    ``text_only``: the blocks come from text without markup, so links are unknown; after a
    "Related" label, headline-like lines are its teasers.
    """
    drop = {_norm(t) for t in drop_texts if t}
    longest = max(map(len, drop), default=0)
    out = []
    teasers = False  # after a "Related"/"More stories" heading, its linked teasers go too
    for block in blocks:
        if drop and not _longer_than(block.text, longest) and _norm(block.text) in drop:
            continue
        if teasers and len(block.text) <= MAX_TEASER and (
                block.link_density >= LINK_BLOCK_SHARE or block.tag == "li" and block.link_chars > 0
                or text_only and _headline_like(block.text)):
            if stats is not None:
                stats["boilerplate/related"] += 1
            continue
        teasers = False
        group = match_text_rule(block, rules)
        if group is not None:
            if stats is not None and rule_text(block.text):
                stats[f"boilerplate/{group}"] += 1
            teasers = group == "related" and block.link_density < LINK_BLOCK_SHARE
            continue
        out.append(block)
    return prune_sequence(out, rules, stats)


def clean_blocks(html: str | Any, rules: Rules, stats: Counter | None = None,
                 drop_texts: Iterable[str] = ()) -> list[Block]:
    """A markup body's text blocks after the DOM rules, the block text rules and the sequence rules."""
    root = parse_fragment(html) if isinstance(html, str) else html
    apply_dom_rules(root, rules, stats)
    credit = trailing_credit(root)  # only now the last line: the tools and tags after it have gone
    if credit is not None:
        credit.drop_tree()
        if stats is not None:
            stats["boilerplate/credit"] += 1
    return clean_block_list(iter_blocks(root), rules, stats, drop_texts)


def text_blocks(text: str) -> list[Block]:
    """A body known only as text, as blocks: one per paragraph or line."""
    parts = re.split(r"\s*\n\s*", text or "")
    return [Block(" ".join(p.split())) for p in parts if p.strip()]


def clean_text_body(text: str, rules: Rules, stats: Counter | None = None,
                    drop_texts: Iterable[str] = ()) -> list[Block]:
    """A text-only body (JSON-LD ``articleBody``, the fallback) through the same block and sequence rules."""
    return clean_block_list(text_blocks(text), rules, stats, drop_texts, text_only=True)


def sweep(blocks: list[Block], rules: Rules, stats: Counter | None = None) -> list[Block]:
    """The last pass over the final body: no block that a text rule names survives, whichever path chose it."""
    out = []
    for block in blocks:
        group = match_text_rule(block, rules)
        if group is None:
            out.append(block)
        elif stats is not None:
            stats[f"boilerplate/{group}"] += 1
    return out


def clean_text(html: str | Any, rules: Rules | None = None, stats: Counter | None = None,
               drop_texts: Iterable[str] = ()) -> str:
    """Clean article text: blocks separated by one blank line."""
    rules = rules or load_rules()
    return "\n\n".join(b.text for b in clean_blocks(html, rules, stats, drop_texts))


#: A headline has at most this many words and no closing punctuation.
HEADLINE_WORDS = 16
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "”", "»", ")")


def _headline_like(text: str) -> bool:
    """A line that reads as a teaser headline, not a sentence of the article."""
    return len(text.split()) <= HEADLINE_WORDS and not text.rstrip().endswith(_SENTENCE_END)


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


#: ASCII whitespace bytes (``str.split``'s), deleted to count an ASCII text's other characters.
_ASCII_SPACES = bytes(c for c in range(128) if chr(c).isspace())


def _longer_than(text: str, limit: int) -> bool:
    """Whether ``_norm(text)`` is surely longer than ``limit``: an ASCII text has more non-space
    characters (which ``_norm`` keeps, one for one); decided without splitting a paragraph into words."""
    return len(text) > limit and text.isascii() and len(text.encode("ascii").translate(None, _ASCII_SPACES)) > limit
