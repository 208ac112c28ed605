"""Tags, description and lead image of a page."""
from __future__ import annotations

import re
from typing import Any

from crawler.extraction.page import Page, css, ld_text, link, norm_space, text_of


def extract_tags(page: Page, site: Any = None, content: Any = None) -> list[str]:
    """The page's own tags: site selector, article:tag, JSON-LD, microdata, rel=tag, a tag box, meta keywords."""
    values: list[str] = []
    if site is not None and site.selectors.tags:
        values = [text_of(el) for el in css(page.doc, site.selectors.tags)]
    if not values:
        values = page.all_meta("article:tag", "og:article:tag")
    if not values:
        art = page.article_ld()
        kw = art.get("keywords") if art else None
        if isinstance(kw, str):
            values = [k for k in re.split(r"\s*[,;]\s*", kw)]
        elif isinstance(kw, list):
            values = [k for k in kw if isinstance(k, str)]
    if not values:
        values = [el.get("content") or text_of(el) for el in page.index.with_attr("itemprop", "keywords")
                  if not page.in_comments(el)]
        if len(values) == 1 and "," in values[0]:
            values = values[0].split(",")
    if not values:
        links = [a for a in page.index.with_token("rel", "tag") if a.tag == "a" and not page.in_comments(a)]
        # rel="tag" links are the post's tags; rel="category tag" ones its categories (second choice).
        tags = [a for a in links if "category" not in (a.get("rel") or "").lower()]
        values = [text_of(a) for a in (tags or links)]
    if not values:
        values = _visible_tags(page)
    if not values:
        values = page.all_meta("news_keywords", "keywords")
        if len(values) == 1:
            values = re.split(r"\s*[,;]\s*", values[0])
    out: list[str] = []
    seen = set()
    for v in values:
        v = norm_space(v).strip("#,; ")
        if v and len(v) <= 80 and v.lower() not in seen:
            seen.add(v.lower())
            out.append(v)
    return out[:30]


#: One class token naming a tag box: "tags", "post-tags", "ArticlePage-tags", "tag-list", "labels",
#: "schlagworte" ... (not WordPress's per-post "tag-<slug>" classes, not "...-tag" share widgets).
_TAG_BOX = re.compile(r"^(?:[\w]+[-_]+)*(?:tags|tag-?(?:list|links|box)|tagbox|labels|post-?labels?|keywords|"
                      r"topics|schlagw\w*|stichw\w*|themen|etiquetas|mots-?cl[eé]s|etiquettes)"
                      r"(?:[-_]+(?:list|links|box|wrap|wrapper|container|section|area))?$", re.I)
_TAG_LABEL = re.compile(r"^\s*(?:tags?|tagged(?: with)?|labels?|topics?|keywords|schlagw(?:ö|oe)rter|schlagworte|"
                        r"stichw(?:ö|oe)rter|themen|mots-cl[ée]s|[ée]tiquettes|etiquetas|temas)\s*:\s*", re.I)
_TAG_HINT = re.compile(r"tag|label|keyword|topic|schlag|stichw|etiquet|themen|mots", re.I)
_CHROME = frozenset({"nav", "aside", "footer", "header", "menu"})
#: A tag box with more links than this is a site-wide tag cloud, not the page's tags.
MAX_VISIBLE_TAGS = 20


def _visible_tags(page: Page) -> list[str]:
    """Links of a "Tags:"/"Labels:"/"Schlagwörter:" box in the page, outside site chrome (clouds, menus)."""
    for el in page.classed(_TAG_HINT):
        cls = el.get("class")
        if not cls or not _TAG_HINT.search(cls):  # the hint was in the id
            continue
        classes = cls.split()
        if not any(_TAG_BOX.match(c) for c in classes) or "cloud" in " ".join(classes).lower():
            continue
        if el.tag in _CHROME or any(a.tag in _CHROME or "widget" in (a.get("class") or "") for a in el.iterancestors()):
            continue
        if page.in_comments(el):
            continue
        links = [text_of(a) for a in el.iter("a")]
        links = [t for t in links if t and len(t) <= 60]
        if links and len(links) <= MAX_VISIBLE_TAGS:
            return links
        text = text_of(el)
        if not links and _TAG_LABEL.match(text) and len(text) <= 300:
            return [t for t in re.split(r"\s*[,;|]\s*", _TAG_LABEL.sub("", text)) if t]
    return []


def extract_description(page: Page) -> str | None:
    """The standfirst or meta description, if the page has one."""
    art = page.article_ld()
    for value in (page.first_meta("og:description", "description", "twitter:description"),
                  ld_text(art.get("description")) if art else None):
        if value:
            return norm_space(value)
    return None


def extract_image(page: Page) -> str | None:
    """The lead image's absolute URL: og:image, twitter:image, JSON-LD image."""
    for value in (page.first_meta("og:image", "og:image:url", "twitter:image", "twitter:image:src"),):
        url = link(page.base_url, value)
        if url:
            return url
    art = page.article_ld()
    if art:
        img = page.resolve(art.get("image"))
        if isinstance(img, list) and img:
            img = page.resolve(img[0])
        if isinstance(img, dict):
            img = img.get("url") or img.get("contentUrl")
        if isinstance(img, str):
            return link(page.base_url, img)
    return None

