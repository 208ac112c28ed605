"""Whose name a byline-like element gives: the article's, or another story's, a photo's, an organisation's.

Real pages put names everywhere: a related-articles list gives each teaser its author, a photo
its credit, a share box its platform names, the metadata the publisher's newsroom. These checks
tell the article's own byline from them by where it sits (a teaser card, a figure, another
microdata item), not by the names.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from crawler.extraction.page import ARTICLE_TYPES, Page, class_id, link, text_over
from crawler.text import UNSPACED_SCRIPTS

#: Ancestors climbed from a byline to the heading that tells whose it is.
TEASER_LEVELS = 6
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: A teaser's headline link has at least this many words (a name linked to its profile has fewer).
HEADLINE_WORDS = 3


class OwnUrls:
    """The URLs that are this page (a theme links the headline to its own permalink), read on first use."""

    def __init__(self, page: Page) -> None:
        self._page = page
        self._urls: set[str] | None = None

    def __contains__(self, url: object) -> bool:
        if self._urls is None:
            page = self._page
            urls = {page.url.split("#")[0].rstrip("/")}
            head = page.doc.find("head")
            for el in (head if head is not None else page.doc).iter("link"):
                if "canonical" in (el.get("rel") or "").lower().split():
                    found = link(page.base_url, el.get("href"))
                    if found:
                        urls.add(found.split("#")[0].rstrip("/"))
            self._urls = urls
        return url in self._urls


def own_urls(page: Page) -> OwnUrls:
    """This page's own URLs (its address and its canonical), looked up lazily."""
    return OwnUrls(page)


def in_teaser(el: Any, page: Page, own: OwnUrls) -> bool:
    """Whether el sits in another story's teaser: the nearest heading above it links to another page
    (a related-articles card), or a small box around it holds another story's headline link; the
    article's own byline reaches the <h1>, or a heading of its own."""
    node = el.getparent()
    for _ in range(TEASER_LEVELS):
        if node is None or node.tag in ("body", "html"):
            return False
        heading = next(node.iter(*_HEADINGS), None)
        if heading is None and _headline_link(node, el, page, own):
            return True
        if heading is not None:
            if heading.tag == "h1":
                return False
            anchor = next(heading.iter("a"), None)
            if anchor is None:
                anchor = next((a for a in heading.iterancestors("a")), None)
            headline = " ".join(anchor.text_content().split()) if anchor is not None else ""
            if anchor is None or any(a is anchor for a in el.iterancestors("a")) or \
                    len(headline.split()) < HEADLINE_WORDS and not (_UNSPACED.search(headline) and
                                                                    len(headline) >= HEADLINE_CHARS):
                return False  # (a headline in a script without spaces is counted in characters)
            target = link(page.base_url, anchor.get("href"))
            return target is not None and target.split("#")[0].rstrip("/") not in own
        node = node.getparent()
    return False


#: A teaser card without a heading holds at most this much text; its headline link at least this much.
CARD_CHARS, HEADLINE_CHARS = 400, 20
#: Scripts written without spaces between words (a headline there is not counted in words).
# Hangul too: a Korean teaser headline is short in words, like an unspaced one.
_UNSPACED = re.compile(f"[{UNSPACED_SCRIPTS}\uac00-\ud7a3]")
#: Links to a person's page, not to a story.
_PROFILE_PATH = re.compile(r"/(?:authors?|autor(?:es|en)?|auteurs?|writers?|reporters?|journalists?|profiles?|people|"
                           r"staff|team|contributors?)(?:/|$)|[?&](?:author|writer)=", re.I)


def _headline_link(box: Any, el: Any, page: Page, own: OwnUrls) -> bool:
    """Whether a small box holds a link to another story with a headline's length (a list item of
    related articles: date, headline link, author)."""
    if text_over(box, CARD_CHARS):
        return False
    mine = " ".join(el.text_content().split())
    for a in box.iter("a"):
        text = " ".join(a.text_content().split())
        if len(text) < HEADLINE_CHARS or len(text.split()) < HEADLINE_WORDS and not _UNSPACED.search(text) or \
                (mine and mine in text) or any(x is a for x in el.iterancestors("a")) or a is el:
            continue
        target = link(page.base_url, a.get("href"))
        if target is not None and target.split("#")[0].rstrip("/") not in own and not _PROFILE_PATH.search(target):
            return True
    return False


#: Class or id tokens of a picture and its caption or credit ("photo-author", "image-credit", "wp-caption-text").
_MEDIA_TOKEN = re.compile(r"photo|foto|image|img|bild|caption|media-credit|picture|copyright", re.I)
_MEDIA_TAGS = frozenset({"figure", "figcaption", "picture"})
#: Ancestors looked at for a figure or a picture's class.
MEDIA_LEVELS = 3


@lru_cache(maxsize=4096)
def _media_key(key: str) -> bool:
    return any(_MEDIA_TOKEN.search(t) for t in key.split())


def in_media(el: Any) -> bool:
    """Whether el is a picture's caption or credit ("Foto: …", ``<span class="photo-author">``)."""
    node = el
    for level in range(MEDIA_LEVELS + 1):
        if node is None or not isinstance(node.tag, str) or node.tag in ("body", "html"):
            return False
        if node.tag in _MEDIA_TAGS:
            return True
        key = f"{node.get('class') or ''} {node.get('id') or ''}".strip()
        if key and level <= 1 and _media_key(key):
            return True
        node = node.getparent()
    return False


#: schema.org types of a picture, video or sound: their ``author`` is a photographer's credit.
MEDIA_TYPES = frozenset({"imageobject", "videoobject", "mediaobject", "photograph", "audioobject", "imagegallery"})


def _item_type(el: Any) -> str:
    value = (el.get("itemtype") or "").split()
    return value[0].rstrip("/").rsplit("/", 1)[-1].lower() if value else ""


def item_owner(el: Any) -> Any:
    """The microdata item a property belongs to: the nearest ancestor with ``itemscope``."""
    return next((a for a in el.iterancestors() if a.get("itemscope") is not None), None)


def main_item(owners: list[Any]) -> Any:
    """Of the items that carry an author, the article's: the one holding the <h1> or the body, else the first."""
    items = [o for o in owners if o is not None and _item_type(o) not in MEDIA_TYPES]
    for item in items:
        if next(item.iter("h1"), None) is not None or item.xpath('.//*[@itemprop="articleBody"][1]'):
            return item
    articles = [o for o in items if _item_type(o) in ARTICLE_TYPES]
    return (articles or items or [None])[0]


def other_item(owner: Any, main: Any) -> bool:
    """Whether a property's item is not the article: a picture, or another story (a related teaser)."""
    if owner is None:
        return False
    return _item_type(owner) in MEDIA_TYPES or (main is not None and owner is not main)


def host_names(url: str) -> list[str]:
    """The host's own labels ("www.harbourpost.co.uk" -> "harbourpost"): a "person" named so is the site."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    labels = host.split(".")[:-1]
    while len(labels) > 1 and len(labels[-1]) <= 3:  # co.uk, com.au, gov.pl
        labels.pop()
    return [label for label in labels if len(label) >= 4]


#: Words of an institution's name in the languages of the sources: a ministry, an agency, a company,
#: a service, a press office. A "name" holding one is the organisation, never the person who wrote.
ORG_WORDS = frozenset("""
ministry ministries ministère ministere ministerio ministério ministero ministerium ministerie ministerstwo
ministerstvo ministerul bakanlığı міністерство министерство υπουργείο department departamento département
departement dipartimento departament agency agence agencia agência agenzia agentur agentschap agencja
government gouvernement gobierno governo regierung rząd rzad уряд правительство office bureau büro biuro
embassy ambassade embajada embaixada ambasciata botschaft command kommando commandement comando dowództwo
university université universidad universidade università universität universiteit uniwersytet
institute institut instituto istituto instytut association asociación associação associazione verband
stowarzyszenie council conseil consejo conselho consiglio foundation fondation fundación fundação fondazione
stiftung fundacja group groupe grupo gruppo gruppe grupa corporation company compagnie companhia compañía
inc inc. ltd ltd. llc gmbh plc s.a. s.p.a. srl s.r.l. corp corp. holding holdings
services service servicio serviço servizio dienst secretariat secretaría secretaria secrétariat
headquarters forces streitkräfte armée ejército exército esercito marinha
""".split())


def is_organisation(name: str) -> bool:
    """Whether a name is an institution's ("Ministério da Defesa", "Naval Group", "Acme Systems Inc.")."""
    return any(w.strip(",.;:()").lower() in ORG_WORDS or w.lower() in ORG_WORDS for w in name.split())


#: A picture's credit inside a credits line ("Foto: X / Text: Y", "Text: Y, Fotos: X", "Photo by X").
_PHOTO_LABEL = re.compile(r"^\s*(?:fotos?|photos?|photographs?|photography|bilder?|images?|pictures?|videos?|grafik|"
                          r"graphics?|illustrations?|imagen(?:es)?|fotograf[ií]as?|fotografie|zdj[eę]ci[ea]|фото|kuvat?|"
                          r"képek?)\s*(?::|by\b|von\b|de\b|par\b)", re.I)
_CREDIT_PARTS = re.compile(r"\s*[/|·•;]\s*|,\s*(?=[^\W\d_]+\s*:)")


def without_photo_credits(text: str) -> str:
    """A byline without the picture credits that share its line."""
    if not _PHOTO_LABEL.search(text) and not re.search(r"[/|·•;,]\s*(?:fotos?|photos?|bild)", text, re.I):
        return text
    parts = [p for p in _CREDIT_PARTS.split(text) if p.strip()]
    return "; ".join(p for p in parts if not _PHOTO_LABEL.match(p))


#: A credits line ("Text: A, B | Photo: C", "Source: X") by its class: "credit" and no byline word.
_CREDIT_CLASS = re.compile(r"credit", re.I)
_CREDIT_FIELDS = re.compile(r"\s*[|｜•·]\s*")


def credited_writers(el: Any, pieces: list[str], page: Page, byline_class: re.Pattern[str]) -> list[str]:
    """A byline's pieces; of a credits line only the fields that link a name to the site (its writers'
    profiles), none when it links nobody: an agency or source credit, a photographer's or editor's
    field, a theme's footer credit that links away."""
    key = class_id(el)
    if not pieces or not _CREDIT_CLASS.search(key) or byline_class.search(_CREDIT_CLASS.sub(" ", key)):
        return pieces
    host = urlsplit(page.url).hostname
    linked = [n for a in el.iter("a") if (href := link(page.base_url, a.get("href")))
              and urlsplit(href).hostname == host and (n := " ".join(a.text_content().split()))]
    return [f for piece in pieces for f in _CREDIT_FIELDS.split(piece) if any(n in f for n in linked)]
