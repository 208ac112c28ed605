"""What a page is: an article, or a video, podcast, event, job, gallery, live blog or index page."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from crawler.extraction.page import ARTICLE_TYPES, Page, ld_types
from crawler.text import word_count

_KIND_TYPES = (
    ("video", {"videoobject", "videogallery"}),
    ("podcast", {"podcastepisode", "podcastseries", "audioobject", "radioepisode", "podcastseason"}),
    ("event", {"event", "businessevent", "educationevent", "exhibitionevent", "festival", "socialevent",
               "sportsevent", "publicationevent", "conference"}),
    ("gallery", {"imagegallery", "mediagallery"}),
    ("index", {"collectionpage", "itemlist", "searchresultspage", "profilepage", "blog"}),
    ("job", {"jobposting"}),
)
#: URL path segments that hint at an event or a job page. Alone they prove nothing (news about an
#: event lives under /events/ on some sites), so they count only with the page's own vocabulary.
_URL_HINTS = (
    ("event", re.compile(r"/(?:events?|event-details|webinars?|veranstaltung(?:en)?|termine|eventos?|[ée]v[ée]nements?|"
                         r"agenda|wydarzenia|wydarzenie|evenementen|мероприятия|заходи|행사|イベント|活动)(?:[/-]|$)", re.I)),
    ("job", re.compile(r"/(?:careers?|jobs?|vacanc(?:y|ies)|job-?offers?|stellenangebote|stellen|karriere|jobbörse|"
                       r"empleos?|ofertas-de-empleo|trabaja-con-nosotros|emplois?|offres-d-emploi|carri[eè]res?|"
                       r"lavora-con-noi|offerte-di-lavoro|praca|oferty-pracy|kariera|vacatures|werken-bij|вакансии|"
                       r"вакансії|карьера|채용|採用|招聘)(?:[/-]|$)", re.I)),
)
#: Words of an event or job page (lowercase substrings of the page text, which may lack spaces).
_KIND_VOCAB = {
    "event": ("rsvp", "register now", "register here", "registration", "time & location", "date and time",
              "add to calendar", "book your place", "book now", "get tickets", "buy tickets", "event details",
              "about the event", "jetzt anmelden", "anmeldung", "inscríbete", "regístrate", "inscripción",
              "inscription", "je m'inscris", "iscriviti", "iscrizione", "zarejestruj", "rejestracja", "aanmelden",
              "регистрация", "зареєструватися", "참가 신청", "사전 등록", "参加申し込み", "申し込む", "报名"),
    "job": ("apply now", "apply online", "how to apply", "closing date", "application deadline", "salary",
            "job description", "job reference", "jetzt bewerben", "bewerbungsfrist", "gehalt", "stellenbeschreibung",
            "postúlate", "postularse", "salario", "fecha límite", "fecha de cierre", "descripción del puesto",
            "postuler", "date limite", "salaire", "candidature", "candidati", "retribuzione", "aplikuj",
            "wynagrodzenie", "termin składania", "solliciteer", "salaris", "sluitingsdatum", "откликнуться",
            "зарплата", "заработная плата", "지원하기", "접수 마감", "급여", "応募する", "給与", "应聘", "薪资"),
}
#: A page with article markup and at least this many body words stays an article whatever its URL.
KIND_ARTICLE_WORDS = 250
_URL_KINDS = (
    ("video", re.compile(r"/(?:videos?|watch|tv)(?:/|$)|/video-", re.I)),
    ("podcast", re.compile(r"/(?:podcasts?|radio|audio|episodes?)(?:/|$)", re.I)),
    ("webinar", re.compile(r"/webinars?(?:/|$)|/webinar-", re.I)),
    ("event", re.compile(r"/events?/(?!.*news)", re.I)),
    ("gallery", re.compile(r"/(?:galleries|gallery|photos?|slideshows?|in-pictures)(?:/|$)", re.I)),
    ("index", re.compile(r"/(?:tags?|category|categories|topics?|authors?|section|page/\d+)/[^/]*/?$", re.I)),
)
_TITLE_KINDS = (
    ("video", re.compile(r"^\s*(?:video|watch|vidéo|vídeo)\s*[:|-]", re.I)),
    ("podcast", re.compile(r"^\s*(?:podcast|listen|episode \d+)\s*[:|-]|\bep(?:isode|\.)?\s*\d+\b.*\bpodcast|\bradio,? ep\b", re.I)),
    ("webinar", re.compile(r"^\s*webinar\s*[:|-]", re.I)),
    ("gallery", re.compile(r"^\s*(?:photos?|gallery|in pictures|pictures)\s*[:|-]", re.I)),
)


def detect_kind(page: Page, url: str, title: str | None, body_text: str, content: Any = None) -> str:
    """ "article", or why the page is not one: "video", "podcast", "webinar", "event", "gallery",
    "live" (a live blog), "index" (section, tag, author and search pages: teasers and pagination).
    A news story with an embedded video stays an article."""
    words = word_count(body_text)
    types: set[str] = set()
    for obj in page.ld:
        types |= ld_types(obj)
    if "liveblogposting" in types:  # a stream of updates that keeps changing, not one story
        return "live"
    has_article_type = bool(types & ARTICLE_TYPES)
    og_type = (page.first_meta("og:type") or "").lower()
    if og_type.startswith("video"):
        return "video"
    if og_type.startswith(("music.", "audio")):
        return "podcast"
    if not has_article_type:
        for kind, names in _KIND_TYPES:
            if types & names:
                return kind
    else:
        for kind, names in _KIND_TYPES[:3]:  # a PodcastEpisode described as an article too
            if types & names and words < 250:
                return kind
    path = urlsplit(url).path
    hinted = _hinted_kind(page, path)
    if hinted and not ((has_article_type or og_type.startswith("article")) and words >= KIND_ARTICLE_WORDS):
        return hinted
    roots = [] if content is None else list(content) if isinstance(content, (list, tuple)) else [content]
    media = next((m for m in map(_media_kind, roots) if m), None)
    if words < 150:
        if media:
            return media
        for kind, rx in _TITLE_KINDS:
            if title and rx.search(title):
                return kind
        for kind, rx in _URL_KINDS:
            if rx.search(path):
                return kind
    if words < 60 and not has_article_type:
        if _teaser_count(page) >= 8:
            return "index"
    if not has_article_type and roots and not og_type.startswith("article"):
        # The "content" is itself a list of headlines linking elsewhere: a section, tag, author,
        # date or search page, whatever its URL looks like.
        heads = sum(_headline_links(r) for r in roots)
        if heads >= INDEX_HEADLINES or heads >= INDEX_HEADLINES - 2 and _paginated(page):
            return "index"
    return "article"


def _hinted_kind(page: Page, path: str) -> str | None:
    """ "event" or "job" when the URL hints at it and the page speaks its vocabulary (two words or more)."""
    for kind, rx in _URL_HINTS:
        if rx.search(path):
            text = " ".join(page.body.text_content().split()).lower()
            if sum(word in text for word in _KIND_VOCAB[kind]) >= 2:
                return kind
    return None


#: Headline links (an <a> in or around an <h2>-<h4>) in the content that make it a list of teasers.
INDEX_HEADLINES = 5


def _headline_links(content: Any) -> int:
    hrefs = set()
    for h in content.iter("h2", "h3", "h4"):
        a = h.find(".//a[@href]")
        if a is None:
            a = next((x for x in h.iterancestors("a") if x.get("href")), None)
        if a is not None:
            hrefs.add(a.get("href"))
    return len(hrefs)


def _paginated(page: Page) -> bool:
    if page.doc.xpath('//link[@rel="next"] | //a[@rel="next"]'):
        return True
    return bool(page.body.xpath('//*[contains(@class, "pagination") or contains(@class, "page-numbers") or '
                                'contains(@class, "pager")]//a'))


def _media_kind(content: Any) -> str | None:
    for el in content.iter("iframe", "video", "audio", "embed", "object"):
        src = " ".join(filter(None, [el.get("src"), el.get("data-src"), el.get("title")])).lower()
        if el.tag == "audio" or any(s in src for s in ("podcast", "soundcloud", "megaphone", "simplecast",
                                                      "libsyn", "anchor.fm", "spotify", "buzzsprout", "omny", "art19")):
            return "podcast"
        if el.tag == "video" or any(s in src for s in ("youtube", "vimeo", "dailymotion", "jwplayer", "brightcove", "video")):
            return "video"
    return None


def _teaser_count(page: Page) -> int:
    return len(page.body.xpath('//article | //*[contains(@class, "teaser")] | //*[contains(@class, "post-item")]'))

