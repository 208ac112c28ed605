"""Words around the names in a byline, in any language: its labels, its "and", its desk and role parts.

The byline's language gives its "and" (CLDR list patterns, which Babel ships: "और", "และ", "un",
"и"); a label is what closes with a colon; a desk or a role is what the page marks as one (class
words of the CMS, which are English in any language, or an author page such as "/author/desk/"), or
a word of ``config/bylines.toml``. A byline's pieces keep apart the co-authors that only markup
separates (links or vcard boxes side by side, or joined by a small word).
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from lxml import etree

from crawler.config import ConfigError
from crawler.extraction.page import BREAKING_TAGS, is_hidden, norm_space
from crawler.extraction.title import squash

#: "and" between names in the languages of bylines ("Andrei Popescu și Elena Ionescu", "A ve B", "A och B").
_SPLIT_TAIL = ")\\s*"
_SPLIT_AUTHORS = re.compile(r"\s*(?:;|\||&|/|\b(?:and|und|et|y|e|i|with|și|şi|ve|och|og|ja|és|και|и|та|oraz|"
                            r"amp;|(?-i:a|en|dan))\b)\s*", re.I)


@lru_cache(maxsize=64)
def and_split(lang: str | None) -> re.Pattern[str]:
    """``_SPLIT_AUTHORS`` with the page language's own "and" (CLDR list patterns: "और", "และ", "un", "и")."""
    word = ""
    if lang:
        try:
            pattern = Locale.parse(lang.replace("-", "_")).list_patterns["standard"]["2"]
        except (ValueError, TypeError, KeyError, UnknownLocaleError):
            pattern = ""
        # CLDR may write the spaces round the word invisible or unbreaking (Khmer "និង\u200b", Czech "a\xa0").
        word = pattern.replace("{0}", "").replace("{1}", "").strip(" ,\u00a0\u200b")
    if not word or " " in word or any(c.isdigit() for c in word):
        return _SPLIT_AUTHORS
    # A word between spaces ("A и B", never the "И" of "Иванов"); Thai writes none after it ("A และB").
    after = r"\s+" if pattern.endswith(" {1}") else r"\s*"
    return re.compile(rf"{_SPLIT_AUTHORS.pattern[:-len(_SPLIT_TAIL)]}|\s+(?-i:{re.escape(word)}){after}{_SPLIT_TAIL}",
                      re.I)


#: Colons of the world's scripts: ASCII, full-width, Khmer "៖", Ethiopic preface colon "፦", Mongolian "᠄", small "﹕".
COLONS = ":：៖፦᠄﹕"
#: A label of at most three words closing with a colon, before the name or alone ("लेखक:", "Napisao:", "ጸሐፊ፦").
ANY_LABEL = re.compile(rf"^\s*[^\s\d{COLONS},;]+(?:\s+[^\s\d{COLONS},;]+){{0,2}}\s*[{COLONS}]\s*")


#: Class words of a byline part that names no person: a desk, a bureau, a role or job title
#: ("Byline_desk__Xv3Lm", "author-role", "job-title"); CMS class names are English in any language.
_NOT_PERSON_CLASS = re.compile(r"(?:^|[\s_-])(?:desk|bureau|role|job-?title|jobtitle|agency)(?:$|[\s_-])", re.I)
#: An author page's last path segment that names a desk, not a person ("/author/desk/", "/autor/redaccion").
_DESK_SLUG = re.compile(r"^(?:desk|news-?desk|web-?desk|staff|team|news-?team|newsroom|editors?|editorial|admin|"
                        r"bureau|agency|agencies|wire|redac\w*|redak\w*|redaksi|webmaster)$", re.I)


def not_a_person(el: Any) -> bool:
    """Whether a byline part names a desk or a role: by its class, or by the author page it links to."""
    if _NOT_PERSON_CLASS.search(el.get("class") or ""):
        return True
    if el.tag != "a":
        return False
    path = urlsplit(el.get("href") or "").path.rstrip("/")
    return bool(_PROFILE_SEGMENT.search(path)) and bool(_DESK_SLUG.match(path.rsplit("/", 1)[-1]))


_PROFILE_SEGMENT = re.compile(r"/(?:authors?|autor(?:es|en|i)?|auteurs?|writers?|reporters?|staff|team|profiles?|"
                              r"people|contributors?)/[^/]+$", re.I)


#: Patronymic words that close a Turkic name in small letters ("Нурлан Асанбек уулу", "Əli Vəli oğlu",
#: "Jasur Karim o‘g‘li"): "son of", "daughter of", part of the name as people write it.
PATRONYMIC_ENDS = frozenset({"уулу", "кызы", "улы", "ұлы", "қызы", "оглы", "кизи", "ўғли", "қизи", "uulu", "kyzy",
                             "oğlu", "qızı", "o'g'li", "o‘g‘li", "oʻgʻli", "qizi", "ogly", "gyzy"})


def lower_initial(word: str) -> bool:
    """Whether a word opens with a small letter that has a capital form: never in Georgian, Thai or Arabic."""
    # Georgian Mkhedruli is "lowercase" since Unicode 11, yet titles as itself: its names have no capitals.
    head = word[:1]
    return head.isalpha() and head != head.title()


@lru_cache(maxsize=64)
def weekday_names(lang: str) -> frozenset[str]:
    """The language's weekday names (CLDR, wide, both contexts), lower-cased, with English's."""
    out: set[str] = set()
    for ident in {"en", lang}:
        try:
            locale = Locale.parse(ident)
        except (ValueError, TypeError, UnknownLocaleError):
            continue
        for context in ("format", "stand-alone"):
            out.update(day.lower() for day in locale.days[context]["wide"].values())
    return frozenset(out)


#: The byline vocabulary (``[desks]``: words of a byline that name a news desk or a staff job).
BYLINES_FILE = Path(__file__).resolve().parents[2] / "config" / "bylines.toml"
#: Its ``[desks]`` keys: openings of a word (the languages inflect or join it), whole words only.
_DESK_KEYS = ("openings", "whole")


def load_desk_words(path: Path | str | None = None) -> re.Pattern[str]:
    """The ``[desks]`` words of the byline vocabulary (cached) as one pattern searched in a name;
    a file or key that cannot be used raises ``ConfigError`` naming both."""
    return _desk_words(str(path or BYLINES_FILE))


@lru_cache(maxsize=8)
def _desk_words(path: str) -> re.Pattern[str]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if set(data) - {"desks"}:
        raise ConfigError(path, sorted(set(data) - {"desks"})[0], "unknown key (allowed: desks)")
    desks = data.get("desks")
    if not isinstance(desks, dict):
        raise ConfigError(path, "desks", "expected a table [desks]")
    if set(desks) - set(_DESK_KEYS):
        raise ConfigError(path, "desks." + sorted(set(desks) - set(_DESK_KEYS))[0],
                          "unknown key (allowed: " + ", ".join(_DESK_KEYS) + ")")
    words: dict[str, list[str]] = {}
    for key in _DESK_KEYS:
        value = desks.get(key, [])
        if not isinstance(value, list) or not all(isinstance(w, str) and w and len(w.split()) == 1 and w == w.strip()
                                                  for w in value):
            raise ConfigError(path, f"desks.{key}", "expected a list of words (strings without spaces)")
        words[key] = sorted(map(re.escape, value), key=len, reverse=True)
    parts = ([f"(?:{'|'.join(words['openings'])})"] if words["openings"] else []) + \
        ([f"(?:{'|'.join(words['whole'])})(?=$|[\\s.,;:|)])"] if words["whole"] else [])
    if not parts:
        return re.compile(r"(?!)")  # no words: nothing is a desk (an empty alternation would match every name)
    return re.compile(r"(?:^|(?<=\s))(?:" + "|".join(parts) + ")", re.I)


_BYLINES_PATH = str(BYLINES_FILE)


def names_a_desk(name: str) -> bool:
    """Whether a byline "name" is a news desk's or a staff job's: a word of it is "news" or "reporter"
    in a language of ``config/bylines.toml`` ([desks]); a person is named after neither."""
    return _desk_words(_BYLINES_PATH).search(name) is not None


#: A word between two linked names is their "and" when it is at most this long.
JOINER_CHARS = 12
#: One word of letters and their combining marks (Tamil "மற்றும்" writes its vowels as marks).
_WORD = re.compile(r"(?:[^\W\d_][\u0300-\u036f\u0900-\u0dff\u1000-\u109f\u1780-\u17ff]*)+")


def name_box(el: Any) -> bool:
    """Whether el is a link, or a box around one link and nothing else (a vcard ``<span>`` holding the name's link)."""
    if el.tag == "a":
        return True
    return isinstance(el.tag, str) and len(el) == 1 and el[0].tag == "a" and not (el.text or "").strip() \
        and not (el[0].tail or "").strip()


def joins_links(a: Any) -> bool:
    """Whether the text after a link is one small word before another link: the list's "and" in any
    language ("ба", "र", "እና", "மற்றும்"; CLDR's Mongolian list joins with a comma), never a name,
    which opens with a capital where letters have case."""
    nxt = a.getnext()
    if nxt is None or not name_box(a) or not name_box(nxt):
        return False
    word = (a.tail or "").strip()
    return (0 < len(word) <= JOINER_CHARS and len(word.split()) == 1 and not any(c.isdigit() for c in word)
            and (word == "&" or _WORD.fullmatch(word) is not None and (word[:1].lower() == word[:1].upper()
                                                                         or lower_initial(word))))


#: A small word between a capitalised name and the next name's initial ("… Тэмүүлэн ба Г. …", "… Mwangi na J. …"):
#: a particle opens a surname, never an initial, so the word is the list's "and".
_INITIALLED_AND = re.compile(r"(?<=[^\W\d_]{2})\s+([^\W\d_]{1,8})\s+(?=[^\W\d_]{1,2}\.\s*[^\W\d_]{2})")


def split_initialled(text: str) -> str:
    """The byline with "; " for a small word that joins a name to the next one's initial."""
    return _INITIALLED_AND.sub(lambda m: "; " if lower_initial(m.group(1)) else m.group(0), text)


# ---------------------------------------------------------------- a byline's pieces: one per name

def byline_pieces(el: Any) -> list[str]:
    """``text_pieces`` of a byline, with names that only markup separates kept apart:
    ``<a>Samir Haddad</a><a>Eleanor Vance</a>`` reads "Samir Haddad; Eleanor Vance", not "HaddadEleanor"."""
    runs: list[list[str]] = [[]]
    # Buttons, share links and hidden labels are no names ("Twitter Facebook" beside the name).
    inside: Any = None  # the action element being skipped
    # After a linked name and a comma, unlinked text is the name's role ("<a>A</a>, senior correspondent").
    appositive = False
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if inside is not None:
            if event == "end" and node is inside:
                inside = None
                if node.tail and not appositive:
                    runs[-1].append(node.tail)
            continue
        if not isinstance(node.tag, str):
            if event == "end" and node.tail and not appositive:
                runs[-1].append(node.tail)
            continue
        if event == "start" and node is not el and (node.tag == "button" or _is_share_link(node) or is_hidden(node)
                                                    or not_a_person(node)):
            inside = node
            continue
        if node.tag in BREAKING_TAGS or event == "start" and _follows_link(node):
            appositive = False
            if runs[-1]:
                runs.append([])  # two links side by side are two names, not one
        elif node is not el:
            runs[-1].append(_SEAM)
        if event == "start" and (node.tag == "a" or _marks_name(node)):
            appositive = False
        if event == "start":
            if node.text and not appositive and \
                    not (_is_lead_label(node) and not "".join(runs[-1]).replace(_SEAM, "").strip()):
                runs[-1].append(node.text)
        elif node is not el and node.tail:
            if (node.tag == "a" and node.get("href") or _marks_name(node)) and node.tail.lstrip().startswith((",", "،")):
                appositive = True
            elif not appositive and not joins_links(node):  # "<a>A</a> ба <a>B</a>": the "and" is no name
                runs[-1].append(node.tail)
    out = []
    for run in runs:
        parts = [p for p in "".join(run).split(_SEAM) if p]
        text = parts[0] if parts else ""
        for part in parts[1:]:
            text += "; " + part if text[-1:].islower() and part[:1].isupper() else part
        text = norm_space(text)
        if text:
            out.append(text)
    return out or _avatar_names(el)


#: Class words and microdata that mark the name itself inside a byline ("<span class=author>A</span>, role").
_NAME_MARK = re.compile(r"author|(?:^|[\s_-])(?:fn|name)(?:$|[\s_-])", re.I)


def _marks_name(el: Any) -> bool:
    """Whether the byline marks el as the name (a class or itemprop): text after it and a comma is a role."""
    return el.get("itemprop") in ("name", "author") or bool(_NAME_MARK.search(el.get("class") or ""))


#: An avatar's picture sits at most this many levels under its link; its alt names one person in so many words.
AVATAR_LEVELS, AVATAR_WORDS = 2, 4


def _avatar_names(el: Any) -> list[str]:
    """The names that a byline shows only as an avatar: the ``alt`` of a picture that is a link's whole content."""
    out = []
    for img in el.iter("img"):
        alt = norm_space(img.get("alt") or "")
        holder = next((a for a in islice(img.iterancestors(), AVATAR_LEVELS) if a.tag == "a"), None)
        # Only a bare name: an alt that describes the picture ("Photo of A", "Hoton bayanin A") has small words.
        if alt and holder is not None and not norm_space(holder.text_content()) and alt not in out and \
                len(alt.split()) <= AVATAR_WORDS and not any(lower_initial(w) for w in alt.split()):
            out.append(alt)
    return out


_SEAM = "\x00"
#: Links that share the page or open an app rather than name anyone.
_SHARE_HREF = re.compile(r"^(?:mailto:\?|javascript:|whatsapp:|sms:|tg:)|[/.?&](?:share|sharer|sharing|intent/tweet|"
                         r"sharearticle|submit|send)\b|[?&](?:u|url|text)=http", re.I)


def _is_share_link(a: Any) -> bool:
    """A link that shares the page, or that names the platform it leads to ("<a href=twitter.com/x>Twitter</a>")."""
    if a.tag != "a":
        return False
    href = a.get("href") or "#"
    if _SHARE_HREF.search(href) is not None:
        return True
    label = squash(a.text_content())
    host = urlsplit(href).hostname or "" if href.startswith(("http:", "https:", "//")) else ""
    return bool(label) and len(label) >= 2 and label in host.split(".")


def _follows_link(a: Any) -> bool:
    """Whether an <a> comes right after another link, with nothing but spaces, a separator mark or an "and"
    between them ("<a>A</a> - <a>B</a>": two names, where "A - B" in text would read as "Name - Site")."""
    prev = a.getprevious()
    return prev is not None and name_box(a) and name_box(prev) and \
        (not (prev.tail or "").strip(" \t\n-–—/|") or joins_links(prev))


#: A label before the linked name reads as at most this many words ("Per", "Bài:", "Nhóm phóng viên:").
LEAD_LABEL_WORDS = 3


def _is_lead_label(el: Any) -> bool:
    """Whether the text opening el is a byline label before a linked name, in any language: one bare word,
    or a few words ending in a colon, right before the first child, a link ("Per <a>Name</a>")."""
    text = (el.text or "").strip()
    kids = [c for c in el if isinstance(c.tag, str)]
    # The name's link may sit in a box of its own ("Gan <span class=vcard><a>Name</a></span>").
    if not text or not kids or not name_box(kids[0]) or any(ch.isdigit() for ch in text):
        return False
    words = text.rstrip(COLONS).split()
    return len(words) == 1 and text.isalpha() or text.endswith(tuple(COLONS)) and len(words) <= LEAD_LABEL_WORDS
