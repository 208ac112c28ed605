"""The parsed page: bytes decoded once, parsed once with lxml, its meta tags and JSON-LD collected.

Every extractor of this package reads from a ``Page``. Nothing here fetches, logs or keeps state
between pages: a saved HTML file and a URL are all a test needs.
"""
from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from crawler.extraction.index import PageIndex
from crawler.extraction.source import PageError, clean_markup, flatten
from crawler.urls import absolute, is_http

# ---------------------------------------------------------------- the parsed page


ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle",
    "socialmediaposting", "liveblogposting", "techarticle", "scholarlyarticle", "report",
    "posting", "discussionforumposting", "satiricalarticle", "advertisercontentarticle",
})


_ENTITY = re.compile(r"&(?:#\d{2,7}|#x[0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});")


def norm_space(text: str | None) -> str:
    """Text with spaces collapsed and doubly escaped entities decoded."""
    text = text or ""
    if "&" in text and _ENTITY.search(text):  # metadata escaped twice by the CMS ("&#163;", "&amp;")
        text = html_lib.unescape(text)
        if "&" in text and _ENTITY.search(text):
            text = html_lib.unescape(text)
    return " ".join(text.split())


_UNSET = object()

#: lxml.html's element classes, chosen in C: ``lxml.html.HTMLParser`` asks a Python ``lookup``
#: method for every element proxy it makes (~6 % of a worker's CPU), only to give form controls
#: classes of their own (``FormElement``, ``InputElement``...), whose form API we never use.
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment, pi=lxml_html.HtmlProcessingInstruction,
    entity=lxml_html.HtmlEntity)


@dataclass
class Page:
    """One HTML page, parsed once; every extractor reads from here."""

    url: str
    doc: Any                                        # lxml.html.HtmlElement (the <html> root)
    meta: dict[str, list[str]] = field(default_factory=dict)
    ld: list[dict] = field(default_factory=list)    # JSON-LD objects, @graph and lists flattened
    ld_ids: dict[str, dict] = field(default_factory=dict)
    base_url: str = ""
    _article_ld: Any = field(default=None, init=False, repr=False)
    _index: Any = field(default=None, init=False, repr=False)
    _comments: Any = field(default=None, init=False, repr=False)
    #: Answers of pure functions of this page that several extractors ask for (``title.site_names``).
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._article_ld = _UNSET

    @classmethod
    def parse(cls, html: bytes | str, url: str, content_type: str | None = None) -> Page:
        """Decode, parse and index one page; ``PageError`` if it is not HTML."""
        text = clean_markup(html, content_type)
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, default_doctype=False)
        parser.set_element_class_lookup(_ELEMENT_CLASSES)
        try:
            doc = lxml_html.document_fromstring(text, parser=parser)
            if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
                # libxml2 stops at 2,048 levels, and drops everything deeper: the article too.
                doc = lxml_html.document_fromstring(flatten(text), parser=parser)
        except (etree.ParserError, ValueError, TypeError) as exc:
            raise PageError(f"cannot parse HTML: {exc}") from None
        if doc is None or doc.find("body") is None and doc.find("head") is None:
            raise PageError("no HTML document")
        page = cls(url=url, doc=doc)
        page.base_url = url
        base = doc.find(".//head/base[@href]")
        if base is not None:
            page.base_url = link(url, base.get("href")) or url
        page.meta = _collect_meta(doc)
        page.ld = _collect_jsonld(doc)
        page.ld_ids = {o["@id"]: o for o in page.ld if isinstance(o.get("@id"), str)}
        return page

    @property
    def body(self) -> Any:
        """The <body> element (the whole document when it has none)."""
        body = self.doc.find("body")
        return body if body is not None else self.doc

    def first_meta(self, *names: str) -> str | None:
        """The first non-empty value of the named meta tags."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return value.strip()
        return None

    def all_meta(self, *names: str) -> list[str]:
        """Every non-empty value of the named meta tags."""
        return [v.strip() for n in names for v in self.meta.get(n, ()) if v.strip()]

    def ld_of_type(self, types: Iterable[str]) -> list[dict]:
        """JSON-LD objects of any of the given types."""
        wanted = {t.lower() for t in types}
        return [o for o in self.ld if ld_types(o) & wanted]

    def article_ld(self) -> dict | None:
        """The JSON-LD object describing the article (the fullest one), chosen once per page."""
        if self._article_ld is _UNSET:
            found = self.ld_of_type(ARTICLE_TYPES)
            self._article_ld = max(found, key=lambda o: (bool(o.get("headline")), len(str(o.get("articleBody", ""))))) \
                if found else None
        return self._article_ld  # type: ignore[return-value]

    @property
    def index(self) -> PageIndex:
        """Elements by class/id key and by microdata/rel attribute, from one pass (``index.py``)."""
        if self._index is None:
            self._index = PageIndex(self.doc)
        return self._index

    def in_comments(self, el: Any) -> bool:
        """``in_comments`` with this page's memo (an element's ancestors are climbed once)."""
        if self._comments is None:
            self._comments = {}
        return in_comments(el, self._comments)

    def classed(self, pattern: re.Pattern[str]) -> list[Any]:
        """Elements whose ``"<class> <id>"`` key the pattern finds a match in, in document order."""
        return self.index.classed(pattern)

    def resolve(self, obj: Any) -> Any:
        """A JSON-LD ``{"@id": ...}`` reference replaced by the object it names, if present."""
        if isinstance(obj, dict) and set(obj) <= {"@id"} and obj.get("@id") in self.ld_ids:
            return self.ld_ids[obj["@id"]]
        return obj


def _collect_meta(doc: Any) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for el in doc.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                meta.setdefault(key.strip().lower(), []).append(content)
    return meta


def ld_types(obj: dict) -> set[str]:
    """The lower-cased schema.org types of a JSON-LD object."""
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.lower().rsplit("/", 1)[-1]}
    if isinstance(t, list):
        return {x.lower().rsplit("/", 1)[-1] for x in t if isinstance(x, str)}
    return set()


def _collect_jsonld(doc: Any) -> list[dict]:
    out: list[dict] = []
    for script in doc.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            try:  # common breakage: trailing semicolon, HTML comment markers
                data = json.loads(raw.strip("; \n").removeprefix("<!--").removesuffix("-->"), strict=False)
            except ValueError:
                continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                if "@type" in item:
                    out.append(item)
    return out


# ---------------------------------------------------------------- small helpers

def link(base: str, href: str | None) -> str | None:
    """The absolute http(s) URL an href points to; None for scripts, mail, data and in-page anchors."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = absolute(href, base)
    except ValueError:
        return None
    return url if is_http(url) else None


#: Elements that end a run of words: text on either side of them is never one word.
BREAKING_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
})


def text_pieces(el: Any) -> list[str]:
    """The text of el as runs split where a block element or a ``<br>`` separates them (iterative)."""
    runs: list[list[str]] = [[]]
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag
        if not isinstance(tag, str):  # a comment or processing instruction: only its tail is text
            if event == "end" and node.tail:
                runs[-1].append(node.tail)
            continue
        if tag in BREAKING_TAGS and runs[-1]:
            runs.append([])
        if event == "start":
            if node.text:
                runs[-1].append(node.text)
        elif node is not el and node.tail:
            runs[-1].append(node.tail)
    return [t for t in (norm_space("".join(r)) for r in runs) if t]


def text_of(el: Any) -> str:
    """The text of el, spaces collapsed, words kept apart across blocks and line breaks."""
    try:
        if len(el) == 0:
            return norm_space(el.text)
        return " ".join(text_pieces(el))
    except (ValueError, AttributeError, TypeError):
        return ""


def text_over(el: Any, limit: int) -> bool:
    """Whether ``text_of(el)`` is longer than ``limit``: more than ``limit`` non-space characters
    (read until there are, not the whole subtree)."""
    n = 0
    for piece in el.itertext():
        n += sum(map(len, piece.split()))
        if n > limit:
            return True
    return False


def text_len(el: Any) -> int:
    """Characters of el's text (a measure only: words across blocks may touch)."""
    try:
        return spaced_len(el.text_content())
    except (ValueError, AttributeError):
        return 0


#: Each ASCII byte as " " when ``str.split`` splits on it, else as "x".
_SPACE_OR_WORD = bytes(0x20 if chr(c).isspace() else 0x78 for c in range(128)) + b"x" * 128


#: The characters other than ASCII that ``str.split`` splits on (``str.isspace``; a test checks the list).
_UNICODE_SPACES = tuple("\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                        "\u2028\u2029\u202f\u205f\u3000")
#: UTF-8's continuation bytes (the second to fourth bytes of a character).
_UTF8_CONTINUATION = bytes(range(0x80, 0xC0))


def spaced_len(text: str) -> int:
    """``len(" ".join(text.split()))``: the non-space characters plus one space between words.

    An ASCII text is measured in its bytes (as "x" and " ": the words are the runs of "x"), not split into
    word objects and joined again: the content scorer measures the whole article several times a page.
    """
    if text.isascii():
        marks = text.encode("ascii").translate(_SPACE_OR_WORD)
    elif any(map(text.__contains__, _UNICODE_SPACES)):
        return len(" ".join(text.split()))
    else:  # no space outside ASCII: in UTF-8, each character is one byte that is not a continuation byte
        marks = text.encode("utf-8", "surrogatepass").translate(_SPACE_OR_WORD, _UTF8_CONTINUATION)
    words = marks.count(b" x") + (marks[:1] == b"x")
    return len(marks) - marks.count(b" ") + words - 1 if words else 0


def class_id(el: Any) -> str:
    """An element's class and id attributes, as one string."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def ld_text(value: Any) -> str | None:
    """The text of a JSON-LD value (a string, the first of a list, a name or @value)."""
    if isinstance(value, str):
        return norm_space(value) or None
    if isinstance(value, list) and value:
        return ld_text(value[0])
    if isinstance(value, dict):
        return ld_text(value.get("@value") or value.get("name"))
    return None


@lru_cache(maxsize=1024)
def compiled(selector: str) -> CSSSelector | None:
    """A CSS selector compiled once to XPath (None when it cannot be)."""
    try:
        return CSSSelector(selector, translator="html")
    except Exception:  # a bad selector in a site file: treated as "no match"
        return None


def css(doc: Any, selector: str) -> list[Any]:
    """Elements matching a CSS selector (compiled once); none for a bad selector."""
    sel = compiled(selector)
    if sel is None:
        return []
    try:
        return sel(doc)
    except etree.XPathError:
        return []


#: Class tokens that CMS themes use to hide an element (Bootstrap, WordPress core, Tailwind, Foundation).
HIDING_CLASSES = frozenset({"sr-only", "screen-reader-text", "visually-hidden", "visuallyhidden", "d-none",
                            "is-hidden", "hide", "hidden", "invisible", "screen-reader-only", "element-invisible"})
#: A class that shows the element again from some screen width on ("hidden md:block" in Tailwind,
#: "d-none d-lg-flex" in Bootstrap, "hide show-for-medium" in Foundation): hidden on phones only.
_SHOWN_AT = re.compile(r"^(?:(?:sm|md|lg|xl|2xl):(?:block|flex|inline|inline-block|inline-flex|grid|table|contents)|"
                       r"d-(?:sm|md|lg|xl|xxl)-(?:block|flex|inline|inline-block|inline-flex|grid|table)|"
                       r"show-for-(?:medium|large|xlarge)(?:-up)?)$")
#: Inline styles that hide an element: not displayed, invisible, or pushed off-screen (link spam, SEO text).
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|"
                           r"(?:left|top|text-indent|margin-left)\s*:\s*-\d{3,}(?:\.\d+)?(?:px|em|rem)|"
                           r"font-size\s*:\s*0(?:px)?\s*(?:;|$)|(?<![-\w])opacity\s*:\s*0(?:\.0+)?\s*(?:;|$)", re.I)


def is_hidden(el: Any) -> bool:
    """Whether the element is never shown to a reader: hidden attribute, aria-hidden, inline style, CMS class."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    if style and _HIDING_STYLE.search(style) is not None:
        return True
    cls = el.get("class")
    if not cls:
        return False
    tokens = cls.lower().split()
    return not HIDING_CLASSES.isdisjoint(tokens) and not any(_SHOWN_AT.match(t) for t in tokens)


# ---------------------------------------------------------------- reader comments
# A comment carries its own byline, date and sometimes tags ("Nikos P. (not verified)",
# "Fri, 10/25/2024 - 08:12"): metadata read from the page skips every comment section.

#: One class/id token of a comment section: WordPress "comment", "commentlist", "comment-author",
#: "#comments", "#respond"; Drupal "comment", "comment__meta", "section.comments"; Disqus "disqus_thread";
#: "reply"/"replies" threads. Not "commentary" (an opinion section), not "commentator".
_COMMENT_TOKEN = re.compile(r"comment(?!ar|at)|disqus|(?:^|[-_])(?:repl(?:y|ies)|respond|responses)(?:$|[-_])", re.I)
#: Tokens that only mention comments: counters, links to the comment section, open/closed flags,
#: taxonomy classes ("category-comment").
_COMMENT_MENTION = re.compile(r"^(?:category|tag|topic|has|no|show|open|post-format)[-_]|"
                              r"(?:^|[-_])(?:counts?|number|num|links?|open|closed|status|icon|btn|button|"
                              r"enabled|disabled|bubble|toggle|cta)(?:$|[-_])", re.I)
COMMENT_TYPES = frozenset({"comment", "usercomments", "answer"})


#: Comment classes in the other spellings CMS themes use: abbreviated ("cmt-list", "comm-body", uCoz's
#: camel-case "comEnt") and in the theme's language, plural: the singular "Kommentar" is an opinion piece.
_COMMENT_OTHER = re.compile(r"(?:^|[-_])(?:cmn?ts?|comms?)(?:$|[-_])|^com[A-Z]|"
                            r"(?i:kommentare|komentarz[ey]|komentari|comentarios|yorumlar|reacties)")


@lru_cache(maxsize=8192)
def _is_comment_key(key: str) -> bool:
    return any((_COMMENT_TOKEN.search(t) or _COMMENT_OTHER.search(t)) and not _COMMENT_MENTION.search(t)
               for t in key.split())


def _names_comment_type(value: str | None) -> bool:
    """An itemtype/typeof value naming schema.org Comment or UserComments."""
    if not value:
        return False
    return any(v.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() in COMMENT_TYPES for v in value.split())


def in_comments(el: Any, memo: dict[Any, bool] | None = None) -> bool:
    """Whether el is inside a reader-comment section (or is one); the article's own headline never is.

    ``memo`` (one per page, ``Page.in_comments``) keeps the answer of every element climbed
    through: asked for many elements of a deep tree, the climb is not repeated (quadratic).
    """
    path = []
    found = False
    node = el
    while node is not None and node.tag not in ("body", "html"):
        if memo is not None:
            known = memo.get(node)
            if known is not None:
                found = known
                break
            path.append(node)
        if isinstance(node.tag, str):
            key = class_id(node)
            if key and _is_comment_key(key) or _names_comment_type(node.get("itemtype")) or \
                    _names_comment_type(node.get("typeof")) or \
                    "comment" in (node.get("itemprop") or "").lower().split():
                # A wrapper holding the headline is the article (a theme's odd class), not its comments.
                found = next(node.iter("h1"), None) is None
                break
        node = node.getparent()
    if memo is not None:
        for visited in path:  # their nearest comment section, if any, is the one found (or none)
            memo[visited] = found
    return found


# ---------------------------------------------------------------- canonical URL

def declared_canonical(page: Page) -> str:
    """The URL the page declares as its own: rel=canonical, og:url, JSON-LD; else the URL it was fetched from."""
    for el in page.doc.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split():
            url = link(page.base_url, el.get("href"))
            if url:
                return url
    og = link(page.base_url, page.first_meta("og:url"))
    if og:
        return og
    art = page.article_ld()
    if art:
        for key in ("url", "mainEntityOfPage"):
            value = art.get(key)
            if isinstance(value, dict):
                value = value.get("@id") or value.get("url")
            if isinstance(value, str):
                url = link(page.base_url, value)
                if url:
                    return url
    return page.url

