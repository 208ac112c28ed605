"""A signature closing the body ("— Name, City", "— Name၊ City"): whose article it is, and a line that is no body.

Blogs, regional papers and agencies sign at the end instead of under the headline: a dash, the
writer's name (a role word or a title may stand before it: "— reporter Name", "— Dr. Name"), and
after a comma the place or the writer's role. The line names the author when no byline did, and it
leaves the body either way; a line that names a desk ("— <Site> news desk") leaves it too, naming
nobody. The shape is read, not the words: a dash first, a few words, no sentence.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from crawler.extraction.authors import ROLE_WORDS
from crawler.extraction.bylines import is_organisation
from crawler.extraction.honorifics import without_title
from crawler.extraction.names import PATRONYMIC_ENDS, and_split, lower_initial, names_a_desk
from crawler.extraction.needs import canonical
from crawler.extraction.sequence import Block
from crawler.text import UNSPACED_SCRIPTS

#: A signature is one of the body's last blocks (a correction or a tool row may follow it).
SIGNATURE_BLOCKS = 3
#: It is short: at most this many characters and words, and the place or role after the comma fewer.
SIGNATURE_CHARS, SIGNATURE_WORDS, PLACE_WORDS = 90, 10, 4
#: Names in a signature, at most, and words in one name.
SIGNATURE_NAMES, NAME_WORDS = 3, 5
#: Small words inside one name at most ("ap", "van der"), and their length.
PARTICLES, PARTICLE_CHARS = 2, 5
#: Commas of the world's scripts: Latin, Arabic, CJK, Burmese "၊", Ethiopic "፣", N'Ko "߸".
COMMAS = ",،、，၊፣߸"
#: A dash opens the line: em, en, horizontal bar, or a hyphen before a space.
_OPENING = re.compile(r"^\s*(?:[—–―]|-{1,2}(?=\s))\s*")
#: Sentence ends of the world's scripts: a line ending so is a sentence, not a signature.
_SENTENCE_END = ("!", "?", "।", "॥", "။", "።", "؟", "。", "！", "？", "…")
#: Containers whose last line is a quotation's source, not the article's signature.
_QUOTE_TAGS = frozenset({"blockquote", "q", "cite", "figcaption", "li", "td", "th", "pre"})
#: Boxes of the page whose lines are a quote's or a picture's, never the article's signature.
_QUOTE_BOXES = ("blockquote", "q", "figure", "aside")
_UNSPACED = re.compile(f"[{UNSPACED_SCRIPTS}]")
_COMMA = re.compile(f"[{COMMAS}]")


def signature_names(text: str, lang: str | None = None) -> list[str] | None:
    """The names a signature line gives, [] for a desk's signature, None when the text is no signature."""
    opening = _OPENING.match(text)
    if opening is None:
        return None
    line = text[opening.end():].strip()
    if not line or len(line) > SIGNATURE_CHARS or len(line.split()) > SIGNATURE_WORDS or \
            line.endswith(_SENTENCE_END) or any(c.isdigit() for c in line):
        return None
    comma = _COMMA.search(line)
    who, where = (line[:comma.start()], line[comma.end():]) if comma else (line, "")
    if len(where.split()) > PLACE_WORDS or _COMMA.search(where):
        return None
    parts = [p.strip() for p in and_split(lang).split(who) if p and p.strip()]
    if not parts or len(parts) > SIGNATURE_NAMES:
        return None
    names: list[str] = []
    for part in parts:
        name = _person(part)
        if name is None:
            return None
        if name:
            names.append(name)
    return names


def _person(text: str) -> str | None:
    """The name in one signature part without its title or role word before it, "" for a desk, None
    when the part reads as no name (a phrase, a sentence's words)."""
    words = text.strip(" .").split()
    # A role word before the name ("reporter Name", "သတင်းထောက် Name"): a desk word that a name follows.
    while len(words) > 1 and (names_a_desk(words[0]) or words[0].lower() in ROLE_WORDS) \
            and not names_a_desk(" ".join(words[1:])):
        words.pop(0)
    name = without_title(" ".join(words))
    if names_a_desk(name) or is_organisation(name):
        return ""
    words = name.split()
    if not 1 <= len(words) <= NAME_WORDS:
        return None
    if len(words) == 1 and not _UNSPACED.search(name):
        return None  # one word of a spaced script is a first name or a nickname, not a signature
    # In a cased script a name's words open with capitals; small words inside are particles ("ap", "van"),
    # never a phrase's ("— With reporting from Kyiv").
    if len(words) >= 3 and words[-1].lower() in PATRONYMIC_ENDS:
        words = words[:-1]  # "Name Father uulu": "son of" closes the name
    small = [w for w in words if lower_initial(w)]
    if lower_initial(words[0]) or lower_initial(words[-1]) or len(small) > PARTICLES or \
            any(len(w) > PARTICLE_CHARS for w in small):
        return None
    return name


def _same(a: str, b: str) -> bool:
    return canonical(a) == canonical(b)


def _in_quote(doc: Any, text: str) -> bool:
    """Whether the line sits in a quotation, a figure or an aside of the page: it gives a quote's source."""
    line = " ".join(text.split())
    return any(line in " ".join(el.text_content().split()) for el in doc.iter(*_QUOTE_BOXES))


def signed_off(blocks: list[Block], authors: list[str], doc: Any, lang: str | None,
               stats: Counter) -> tuple[list[Block], list[str]]:
    """The body without its closing signature, and the authors: the signature's names when no byline
    gave any. A signature naming another person than the byline's is left alone (it may close a quote)."""
    first = max(0, len(blocks) - SIGNATURE_BLOCKS)
    for i in range(len(blocks) - 1, first - 1, -1):
        block = blocks[i]
        if block.tag in _QUOTE_TAGS or i == 0:
            continue
        names = signature_names(block.text, lang)
        if names is None or _in_quote(doc, block.text):
            continue
        if authors and names and not any(_same(n, a) for n in names for a in authors):
            return blocks, authors
        stats["boilerplate/signature"] += 1
        return blocks[:i] + blocks[i + 1:], authors or names
    return blocks, authors


#: Elements after the body that may hold its signature ("<div class=body>…</div><p>— Name</p>").
SIGNATURE_SIBLINGS = 2


def signature_after(elements: list[Any] | None, lang: str | None) -> list[str]:
    """The names of a signature standing just after the body's element, outside it: a CMS that prints
    the body, then "— Name, City" in a block of its own before the tags."""
    if not elements:
        return []
    sibling = elements[-1].getnext()
    for _ in range(SIGNATURE_SIBLINGS):
        while sibling is not None and not isinstance(sibling.tag, str):
            sibling = sibling.getnext()
        if sibling is None or sibling.tag in _QUOTE_TAGS or sibling.tag in _QUOTE_BOXES:
            return []
        names = signature_names(" ".join(sibling.text_content().split()), lang)
        if names:
            return names
        sibling = sibling.getnext()
    return []
