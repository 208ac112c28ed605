"""Boxes beside the article's text, told by their shape in any language and CMS.

A key-points summary above the body (a short label and one list of short points, before the first
paragraph of prose), an audio player's label (a control with a few words and a duration beside it),
a meta box around a marked-up time (the date, an "updated" stamp, a reading time, a view counter:
short fields, no sentence), a single action link on its own line (report an error, a form page
primed with this article), an author box (an avatar, the name, a short bio), and the lead that a
CMS shows twice (an intro field printed above a body field that starts with the same paragraphs).
The vocabulary names the same boxes by class where a CMS emits one; these rules need no class.
"""
from __future__ import annotations

import re
from typing import Any

#: A label: at most this many words, no sentence.
LABEL_WORDS = 5
#: A key point: at most this many words; a summary box has at least two.
POINT_WORDS, MIN_POINTS = 30, 2
#: A paragraph of prose: this long, with a sentence end in it.
PROSE_CHARS = 50
_SENTENCE_END = re.compile(r"[.!?।॥။።。！？](?:[\"'”»)\]]?)(?:\s|$)")
_LABEL_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "span", "div", "header", "summary"})


def _text(el: Any) -> str:
    return " ".join(el.text_content().split())


def _loose_text(el: Any) -> bool:
    """Whether el holds text outside its child elements."""
    return bool((el.text or "").strip()) or any((c.tail or "").strip() for c in el)


def _kids(el: Any) -> list[Any]:
    return [c for c in el if isinstance(c.tag, str)]


def _is_label(el: Any) -> bool:
    text = _text(el)
    return el.tag in _LABEL_TAGS and 0 < len(text.split()) <= LABEL_WORDS and not _SENTENCE_END.search(text)


def _is_summary_box(el: Any) -> bool:
    """A short label and one list of short points, nothing else ("Key points", "Kernpunte", "要点")."""
    kids = _kids(el)
    if len(kids) != 2 or _loose_text(el) or not _is_label(kids[0]) or kids[1].tag not in ("ul", "ol"):
        return False
    points = [li for li in kids[1] if isinstance(li.tag, str)]
    if len(points) < MIN_POINTS or any(li.tag != "li" for li in points):
        return False
    if not all(0 < len(_text(li).split()) <= POINT_WORDS for li in points):
        return False
    linked = sum(len(_text(a)) for a in kids[1].iter("a"))
    return linked < 0.5 * len(_text(kids[1]))  # a list of links is a related box, its own rules' business


def summary_boxes(root: Any) -> list[Any]:
    """Key-points boxes above the body: before the first paragraph of prose, a box that holds only a
    short label and a list of short points. A list the body opens with sits beside its paragraphs."""
    boxes = []
    for el in root.iter("p", "div", "section", "aside", "details"):
        if el.tag == "p":
            text = _text(el)
            if len(text) >= PROSE_CHARS and _SENTENCE_END.search(text):
                break  # the body has begun
            continue
        if el is not root and _is_summary_box(el) and not any(b in boxes for b in el.iterancestors()):
            boxes.append(el)
    return boxes


# ---------------------------------------------------------------- audio players

#: The words a player shows beside its controls ("Listen to this article 3:12").
PLAYER_WORDS = 8
#: A control's box is one of these; it never climbs through the article's own lines (a heading, a list item).
_PLAYER_TAGS = frozenset({"div", "p", "span", "section", "figure", "aside"})
#: Attribute that marks a player's box in the copied fragment for the cleaner (its controls are pruned first).
PLAYER_MARK = "data-defwatch-player"


def _controls(root: Any) -> list[Any]:
    return [*root.iter("audio", "button"), *root.iterfind(".//*[@role='button']")]


def player_boxes(root: Any) -> list[Any]:
    """The boxes of audio players and buttons with a short label, in any language ("▶ Listen to this
    article 3:12", "Мэдээг сонсох"): a control (<audio>, <button>, a link acting as a button) and at
    most a few words beside it, no sentence. Found before the controls are pruned: without them the
    label looks like text."""
    boxes: list[Any] = []
    controls = _controls(root)
    if not controls:
        return boxes
    inside = set(controls)
    for control in controls:
        box = None
        node = control.getparent()
        while node is not None and node is not root and node.tag in _PLAYER_TAGS and node not in inside:
            label = _text(node)
            for c in node.iter():
                if c in inside:
                    label = label.replace(" ".join(c.text_content().split()), " ", 1)
            if len(label.split()) > PLAYER_WORDS or _SENTENCE_END.search(label):
                break
            box = node if label.strip() else box
            node = node.getparent()
        if box is not None and box not in boxes:
            boxes.append(box)
    return boxes


# ---------------------------------------------------------------- meta boxes

#: A meta box is short: at most this many characters and words, each field at most this many words.
META_CHARS, META_WORDS, FIELD_WORDS = 250, 30, 8
_META_TAGS = frozenset({"div", "p", "span", "td", "section", "header", "small", "footer"})
_NOT_META = ("ul", "ol", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "pre", "iframe")
#: A sentence inside a line: a word of four or more letters, then its end ("said.", not "Jr." or "சு.").
_INNER_SENTENCE = re.compile(r"\S{4,}[.!?।።。](?:\s|$)")


def _is_meta(el: Any) -> bool:
    """Short fields around a time, no sentence: "Updated: <time>", "<time> · 2 min read · 402 views"."""
    text = _text(el)
    if not text or len(text) > META_CHARS or len(text.split()) > META_WORDS:
        return False
    if _INNER_SENTENCE.search(text) or text.endswith((".", "!", "?", "।", "።", "。")):
        return False
    if next(el.iter(*_NOT_META), None) is not None:
        return False
    return all(len(piece.split()) <= FIELD_WORDS for piece in el.itertext())


#: Inline elements that hold one field of a meta row ("<span>2 min read</span>").
_FIELD_INLINE = frozenset({"span", "a", "time", "small", "b", "strong", "em", "i"})
_SEPARATOR = re.compile(r"^\s*[|•·/,–—-]?\s*$")


def _is_field_row(el: Any) -> bool:
    """A row of short inline fields, at least two with a number, only separators between them, no
    sentence ("<span>6 Dec 2026</span> · <span>2 min read</span> · <span>402 views</span>")."""
    kids = [c for c in el if isinstance(c.tag, str)]
    if len(kids) < 2 or any(c.tag not in _FIELD_INLINE for c in kids):
        return False
    if not _SEPARATOR.match(el.text or "") or not all(_SEPARATOR.match(c.tail or "") for c in kids):
        return False
    texts = [_text(c) for c in kids]
    if sum(1 for t in texts if any(ch.isdigit() for ch in t)) < 2:
        return False
    return all(len(t.split()) <= FIELD_WORDS and not _SENTENCE_END.search(t) for t in texts) and _is_meta(el)


def meta_boxes(root: Any) -> list[Any]:
    """The largest box around each marked-up time that holds only short fields, and rows of short
    numbered fields: a header's date, "updated" stamp, reading time and view counter, in any language.
    A time inside a sentence stays."""
    boxes: list[Any] = []
    for time in root.iter("time"):
        box = None
        node = time
        while node is not root and node is not None and (node is time or node.tag in _META_TAGS) and _is_meta(node):
            box = node
            node = node.getparent()
        if box is not None and box is not time and box not in boxes:
            boxes.append(box)
    boxes += [el for el in root.iter("div", "p") if el is not root and el not in boxes and _is_field_row(el)]
    return [b for b in boxes if not any(a in boxes for a in b.iterancestors())]


# ---------------------------------------------------------------- action links and author boxes

#: An action link's words at most ("Report an error", "Rapporteer ’n fout").
ACTION_WORDS = 6
#: A form page primed with this article: a section path without digits and a query; a mail link; a
#: script or an empty anchor (the link acts on the page).
_FORM_HREF = re.compile(r"^(?:(?:https?:)?//[^/]+)?/?[^\W\d_]+(?:[-_][^\W\d_]+)*(?:\.html?|\.php|\.aspx?)?/?\?[^/]*=|"
                        r"^mailto:|^javascript:|^#$")


def is_action_link_line(el: Any) -> bool:
    """A line that is one short link to a form page about this article ("<p><a href=/contact?
    subject=error&article=…>Report an error</a></p>"), no sentence: a tool, not text."""
    if len(el) != 1:  # the link alone, or in one inline wrapper: no walk over the subtree
        return False
    link = el[0]
    if link.tag != "a":
        if len(link) != 1 or link[0].tag != "a":
            return False
        link = link[0]
    if not _FORM_HREF.match(link.get("href") or ""):
        return False
    text, label = _text(el), _text(link)
    return bool(label) and text == label and len(label.split()) <= ACTION_WORDS and not _SENTENCE_END.search(label)


#: An author box is short; its name at most this many words.
AUTHOR_BOX_CHARS, NAME_WORDS = 600, 5
_AVATAR = re.compile(r"avatar|gravatar|author|profile|headshot|portrait|mugshot", re.I)
_NAME_TAGS = ("h2", "h3", "h4", "h5", "h6", "strong", "b", "a", "span", "cite")


#: An avatar's box is at most this many levels above it.
AUTHOR_BOX_LEVELS = 4


def is_author_box(el: Any) -> bool:
    """An author box in any language: an avatar, the author's name (the avatar's alt text, or a link
    to the author's page) and a short bio, nothing more."""
    img = next(el.iter("img"), None)
    if img is None or not len(el):
        return False
    text = _text(el)
    if not text or len(text) > AUTHOR_BOX_CHARS or next(el.iter(*_NOT_META[:4]), None) is not None:
        return False
    alt = " ".join((img.get("alt") or "").split()).lower()
    avatar = _AVATAR.search(f"{img.get('class') or ''} {img.get('src') or ''}") is not None
    for node in el.iter(*_NAME_TAGS):
        name = _text(node)
        if not name or len(name.split()) > NAME_WORDS or name == text:
            continue
        if name.lower() == alt or avatar and (node.get("rel") == "author" or
                                              next(node.iter("a"), node).get("rel") == "author"):
            return True
    return False


def author_boxes(root: Any) -> list[Any]:
    """The largest author box above each picture (found from the pictures: most boxes hold none)."""
    boxes: list[Any] = []
    for img in root.iter("img"):
        box = None
        node = img.getparent()
        for _ in range(AUTHOR_BOX_LEVELS):
            if node is None or node is root:
                break
            if node.tag in ("div", "section", "aside"):
                if is_author_box(node):
                    box = node
                elif len(_text(node)) > AUTHOR_BOX_CHARS:
                    break
            node = node.getparent()
        if box is not None and box not in boxes:
            boxes.append(box)
    return [b for b in boxes if not any(a in boxes for a in b.iterancestors())]


# ---------------------------------------------------------------- a lead shown twice

#: A field printed twice holds at least this much text; the body field follows it within a few siblings.
REPEAT_CHARS, REPEAT_SIBLINGS = 60, 3
_FIELD_TAGS = ("div", "section", "p")
#: The body field is a container of paragraphs: a paragraph that a sibling paragraph continues is text.
_BODY_FIELDS = frozenset({"div", "section", "article"})


def _first_text(el: Any) -> str:
    return next((t.strip() for t in el.itertext() if t.strip()), "")


def repeated_fields(root: Any) -> list[Any]:
    """Intro (lead, teaser) fields that a CMS prints above a body field opening with the same text:
    a box (or a lead paragraph) whose whole text starts one of its next few sibling containers. The
    body field stays; paragraphs that repeat inside one field (an interview's questions, a recipe's
    steps) are not fields."""
    found = []
    for el in root.iter(*_FIELD_TAGS):
        if el is root:
            continue
        head = _first_text(el)
        if len(head) < 20:
            continue
        sib, hops = el.getnext(), 0
        while sib is not None and hops < REPEAT_SIBLINGS:
            if sib.tag in _BODY_FIELDS and _first_text(sib)[:20] == head[:20]:
                text, later = _text(el), _text(sib)
                if len(text) >= REPEAT_CHARS and len(later) > len(text) and later.startswith(text):
                    found.append(el)
                break
            sib, hops = sib.getnext(), hops + 1
    return found


# ---------------------------------------------------------------- a comment section's title

#: A section's title or counter: at most this many words.
COUNTER_WORDS = 5
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
#: A counter is a line of its own, before a comment section that is a box (not a word in a sentence).
_COUNTER_TAGS = frozenset({"div", "p", "table", "header", "section", *_HEADINGS})
_SECTION_TAGS = frozenset({"form", "ol", "ul", "aside", "article", "dl"})


def counter_before(el: Any) -> Any:
    """The element just before a comment section or form when it is only its heading or its counter
    ("Comments (0)", "Total comments: 0", "Оқырман пікірлері"): no sentence, a heading or a number."""
    prev = el.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    if prev is None or prev.tag not in _COUNTER_TAGS or el.tag not in _COUNTER_TAGS | _SECTION_TAGS or \
            (prev.tail or "").strip():
        return None
    text = _text(prev)
    if not text or len(text.split()) > COUNTER_WORDS or _SENTENCE_END.search(text):
        return None
    return prev if prev.tag in _HEADINGS or any(c.isdigit() for c in text) else None


def shaped_boxes(root: Any) -> list[tuple[Any, str, bool]]:
    """(box, vocabulary group, precise) of every box above found in the fragment: a box that is not
    precise (an author box) never takes most of the fragment's text with it."""
    hits = [(box, "structure", True) for box in meta_boxes(root)]
    hits += [(box, "structure", True) for box in summary_boxes(root)]
    hits += [(box, "structure", True) for box in repeated_fields(root)]
    hits += [(box, "author_box", False) for box in author_boxes(root)]
    hits += [(box, "media", True) for box in root.iterfind(f".//*[@{PLAYER_MARK}]")]
    return hits
