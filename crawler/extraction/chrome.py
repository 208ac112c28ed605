"""Body chrome found by its shape, in any language: teaser lists with bylines, bare link rows, a
source credit closing the body, a pull quote that repeats the text.

Each test reads markup a CMS emits around the article's own text (a Joomla "articles category"
module, a SharePoint web part, a NetCat tool row, a Quintype quote card), never the wording, so it
holds on a site in a language that the vocabulary does not know.
"""
from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from crawler.text import word_count

#: Inline elements that carry a teaser's metadata beside its headline link (a byline, a date).
_META_TAGS = frozenset({"span", "time", "small", "em", "i", "b", "strong", "cite", "abbr", "a", "br", "img", "picture"})
#: Characters that may sit between a teaser's parts outside any element.
_SEPARATORS = " \t\r\n\u00a0|·•/,;–—-"
#: A teaser's headline has at least this many words; its metadata at most this many characters.
HEADLINE_MIN_WORDS, TEASER_META_CHARS = 2, 120
#: A box's title (what the box holds beside its teaser list): at most this many words.
BOX_TITLE_WORDS = 6
#: Containers climbed from a teaser list to the box whose title names it.
BOX_LEVELS = 3
_BOX_TAGS = frozenset({"div", "section", "aside", "nav", "figure", "details"})


def _words(el: Any) -> list[str]:
    return el.text_content().split()


def _is_teaser_item(li: Any) -> bool:
    """An item that holds one headline link and only metadata in its own inline elements around it
    ("<a>Headline</a> <span>Idazlea: X</span> <span>2024ko urriaren 2a</span>", "<time>2 Oct</time>
    <a>Headline</a>", a thumbnail): no words of its own."""
    if (li.text or "").strip(_SEPARATORS):
        return False
    headline = False
    meta = 0
    for child in li:
        if not isinstance(child.tag, str):
            continue
        if child.tag not in _META_TAGS or (child.tail or "").strip(_SEPARATORS):
            return False
        words = " ".join(_words(child))
        if not headline and child.tag == "a" and len(words.split()) >= HEADLINE_MIN_WORDS:
            headline = True
        else:
            meta += len(words)
    return headline and meta <= TEASER_META_CHARS


def _box_title(box: Any, inner: Any) -> bool:
    """Whether ``box`` holds ``inner`` and, beside it, only a short title in an element of its own."""
    rest = len(_words(box)) - len(_words(inner))
    if not 1 <= rest <= BOX_TITLE_WORDS or (box.text or "").strip():
        return False
    texts = [" ".join(_words(c)) for c in box if isinstance(c.tag, str) and c is not inner and not _holds(c, inner)]
    titles = [t for t in texts if t]
    return len(titles) == 1 and not titles[0].endswith((".", "!", "?", "…", "।", "。"))


def _holds(el: Any, inner: Any) -> bool:
    return any(node is el for node in inner.iterancestors())


def teaser_list_box(el: Any, root: Any, linked_list: bool) -> Any:
    """The element to drop for a list of other stories inside the body, or None: the titled box
    around it ("Irakurri ere", "Maqaallo la xiriira") when there is one, else the list itself when it
    has two items or more. ``linked_list``: the list is already known to be nearly all links."""
    items = [li for li in el if isinstance(li.tag, str)]
    if not items or any(li.tag != "li" for li in items):
        return None
    if linked_list and len(items) >= 2:
        return el  # a plain link list: a title left alone goes after it (``clean.apply_dom_rules``)
    if not linked_list and not all(_is_teaser_item(li) for li in items):
        return None
    inner = el
    for _ in range(BOX_LEVELS):
        box = inner.getparent()
        if box is None or box is root or box.tag not in _BOX_TAGS:
            break
        if _box_title(box, el):
            return box
        if len(_words(box)) != len(_words(el)):
            break  # the box holds text other than one title: the article, or something else
        inner = box
    return el if len(items) >= 2 else None


#: A link row's links: at most this many words each; the row at most this many characters.
ROW_LINK_WORDS, ROW_CHARS = 5, 160
_ROW_MARK = re.compile(r"[|·•/]")


def is_link_row(el: Any, block_tags: frozenset[str]) -> bool:
    """A line of short links with only separators between them ("Версія для друку | Паведаміць пра
    памылку", "Tisk | Nahlásit chybu"): the article's tools or a list of sections, never its prose."""
    if any(isinstance(c.tag, str) and c.tag in block_tags for c in el):
        return False  # a box of lines (the article's text box among them), not one line: not searched
    links = list(el.iter("a"))
    if len(links) < 2:
        return False
    text = " ".join(_words(el))
    if not text or len(text) > ROW_CHARS:
        return False
    outside = text
    for a in links:
        label = " ".join(_words(a))
        if not label or len(label.split()) > ROW_LINK_WORDS:
            return False
        outside = outside.replace(label, " ", 1)
    return not outside.strip(_SEPARATORS) and len(_ROW_MARK.findall(outside)) >= len(links) - 1


#: Elements that set a source credit apart from the text (italics, small print).
_CREDIT_MARKUP = frozenset({"i", "em", "small", "cite"})
#: A source credit: at most this many words, no digit, no sentence.
CREDIT_WORDS = 4
#: A word of a name: letters, joined by a hyphen or an apostrophe ("Ynet-News", "O’Neill").
_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def trailing_credit(root: Any) -> Any:
    """The body's last line when it is only a short source credit set apart in italics or small
    print ("<i>Паводле БелТА</i>", "<em>Según EFE</em>", "<small>Za PAP</small>"), or None. A dash
    opening it, or a comma in it ("Name, City"), makes it a signed byline, which the byline step reads."""
    last = None
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if (node.text or "").strip():
            last = node
        if node is not root and (node.tail or "").strip():
            last = node.getparent()
    if last is None or last is root or last.tag not in _CREDIT_MARKUP:
        return None
    text = " ".join(_words(last))
    words = text.split()
    if not 2 <= len(words) <= CREDIT_WORDS or ":" in text or "," in text or text.endswith((".", "!", "?", "…")) or \
            text[0] in "-–—(«\"“" or not all(_NAME_WORD.fullmatch(w) and w[0].isupper() for w in words[1:]):
        return None  # a credit names its source: "Паводле БелТА", "Según EFE"; not "With Post wires"
    prev = last.getprevious()
    before = prev.tail if prev is not None else last.getparent().text
    if (before or "").strip() or prev is not None and prev.tag != "br":
        return None  # inside a line of text: the line's end, not a credit of its own
    return last


#: A pull quote has at least this many words and at most this many; at most this many quote boxes
#: of a page are compared with its text (a live blog embeds hundreds of posts as blockquotes).
QUOTE_MIN_WORDS, QUOTE_MAX_WORDS, MAX_QUOTES = 5, 60, 20
_QUOTE_CLASS = re.compile(r"quote", re.I)
_QUOTE_TAGS = frozenset({"blockquote", "aside", "q"})
_TRIM = " \t\r\n\u00a0.,;:!?…\"'“”«»„‘’"


def _norm(text: str) -> str:
    return " ".join(text.split()).strip(_TRIM).lower()


def _said(quote: Any) -> str:
    """A quote's words without its source ("<cite>The director</cite>"), which the body does not repeat."""
    if next(quote.iter("cite", "footer", "figcaption"), None) is None:
        return str(quote.text_content())
    copy = deepcopy(quote)
    for source in list(copy.iter("cite", "footer", "figcaption")):
        if source is not copy:
            source.drop_tree()  # keeps its tail
    return str(copy.text_content())


def repeated_quotes(root: Any) -> list[Any]:
    """Pull quotes: a quote box (``<blockquote>``, ``<aside>``, a "…quote…" class) whose text is
    said again elsewhere in the body, where a reader already reads it."""
    candidates = [el for el in root.iter() if isinstance(el.tag, str) and el is not root and
                  (el.tag in _QUOTE_TAGS or _QUOTE_CLASS.search(el.get("class") or ""))][:MAX_QUOTES]
    found: list[Any] = []
    whole = None
    for el in candidates:
        if any(_holds(f, el) for f in found):
            continue  # inside a quote already taken
        text = _norm(_said(el))
        # Words as a reader counts them: a Lao or Thai quote has few spaces, yet many words.
        if not QUOTE_MIN_WORDS <= word_count(text) <= QUOTE_MAX_WORDS:
            continue
        if whole is None:
            whole = _norm(root.text_content())
        if whole.count(text) >= 2:
            found.append(el)
    return found


#: An embedded teaser's label has at most this many words, its lead at most this many characters.
EMBED_LABEL_WORDS, EMBED_LEAD_CHARS = 6, 250


def is_embedded_teaser(el: Any) -> bool:
    """Another story embedded in the body by the CMS: a short label, one link with the story's headline,
    at most a short lead ("<span>More on this</span><a href=…>Headline</a><p>Lead.</p>")."""
    kids = [c for c in el if isinstance(c.tag, str)]
    if not 2 <= len(kids) <= 3 or (el.text or "").strip() or any((c.tail or "").strip() for c in kids):
        return False
    links = list(el.iter("a"))
    if len(links) != 1 or (links[0].get("href") or "#").startswith("#"):
        return False
    link, holder = links[0], kids[1]
    headline = " ".join(link.text_content().split())
    if holder is not link and " ".join(holder.text_content().split()) != headline:
        return False  # the link, or a heading holding only it, comes second
    label = " ".join(kids[0].text_content().split())
    if not label or len(label.split()) > EMBED_LABEL_WORDS or label.endswith((".", "!", "?", "…")):
        return False
    if len(headline.split()) < 3:
        return False
    return len(kids) == 2 or len(" ".join(kids[2].text_content().split())) <= EMBED_LEAD_CHARS
