"""Failure classes from first contact with blind web J (issue 8), one small inline page each.

Each test names a class, not one site's sentence: an article body split across sibling component
boxes whose class names share a consent platform's prefix ("cmp-text", Adobe Experience Manager's core
components), and co-authors whose names markup keeps apart, joined by a word the language's CLDR
list pattern does not give.
"""
from __future__ import annotations

import json

import pytest

from crawler.extraction import extract_page

URL = "https://news.example.org/2026/11/story.html"
SENTENCE = ("The ministry said the first armoured vehicles would be delivered by the end of the year, and that "
            "the contract for the second batch would be signed in the spring, officials added on Tuesday.")


# ---------------------------------------------------------------- body split across AEM-style grid columns

def column(inner: str, kind: str = "text") -> str:
    return f"<div class='{kind} aem-GridColumn aem-GridColumn--default--12'>{inner}</div>"


def grid_page(columns: str, lang: str = "de") -> str:
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story</title></head><body>"
            "<div class='root container responsivegrid'><div class='cmp-container'>"
            f"<div class='aem-Grid aem-Grid--12'>{column('<h1 class=cmp-title__text>Story</h1>', 'title')}"
            f"{columns}</div></div></div></body></html>")


LEAD = [f"Lead paragraph {i}. {SENTENCE}" for i in range(2)]
REST = [f"Later paragraph {i}. {SENTENCE}" for i in range(4)]
AD = column("<div class='cmp-adslot'><span class='cmp-adslot__label'>Anzeige</span><div id='gpt-ad-1'></div></div>",
            "adslot")
TEASERS = column("<div class='cmp-teaser'><a class='cmp-teaser__link' href='/other.html'>"
                 "<span class='cmp-teaser__title'>Navy receives its fourth frigate</span></a></div>", "teaser")


@pytest.mark.parametrize("between", [AD, AD + TEASERS], ids=["ad", "ad+teaser"])
def test_body_across_sibling_component_columns_is_joined(between: str) -> None:
    first = "".join(f"<p>{t}</p>" for t in LEAD)
    second = ("<h2 class='cmp-title__text--h2'>Die wichtigsten Punkte</h2>"
              "<ul><li>Neue Flugabwehrsysteme;</li><li>Wohnungen für Soldaten;</li></ul>"
              + "".join(f"<p>{t}</p>" for t in REST))
    html = grid_page(column(f"<div id='text-1' class='cmp-text'>{first}</div>") + between
                     + column(f"<div id='text-2' class='cmp-text'>{second}</div>"))
    body = extract_page(html, URL).body
    for text in LEAD + REST + ["Die wichtigsten Punkte", "Neue Flugabwehrsysteme;", "Wohnungen für Soldaten;"]:
        assert text in body
    assert "Anzeige" not in body
    assert "frigate" not in body


@pytest.mark.parametrize("cls", ["cmp", "cmp cmp-banner", "cmp-popup", "cmp-consent"])
def test_consent_platform_box_in_the_body_still_goes(cls: str) -> None:
    box = f"<div class='{cls}'><p>Wir verwenden Tracking auf dieser Seite, um Inhalte zu messen. Zustimmen</p></div>"
    paras = "".join(f"<p>{t}</p>" for t in LEAD + REST)
    html = grid_page(column(f"<div class='cmp-text'>{paras}{box}</div>"))
    body = extract_page(html, URL).body
    assert "Tracking" not in body
    assert all(t in body for t in LEAD + REST)


# ---------------------------------------------------------------- co-authors joined by any word

def byline_page(byline: str, *, lang: str, ld_author: str | None = None, end: str = "") -> str:
    ld = ""
    if ld_author is not None:
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Story",
                "author": {"@type": "Person", "name": ld_author}}
        ld = f"<script type='application/ld+json'>{json.dumps(data)}</script>"
    paras = "".join(f"<p>{SENTENCE} Part {i}.</p>" for i in range(4))
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story</title>{ld}</head>"
            f"<body><article><h1>Story</h1><div class='meta'>{byline}</div>"
            f"<div class='entry-content'>{paras}</div>{end}</article></body></html>")


def vcard(name: str, slug: str) -> str:
    return f"<span class='author vcard'><a class='url fn n' href='/author/{slug}/'>{name}</a></span>"


@pytest.mark.parametrize(("lang", "joiner", "first", "second"), [
    ("de", "sowie", "Anna Berger", "Jonas Weber"),                 # not CLDR's "und"
    ("sv", "samt", "Karin Lindqvist", "Erik Johansson"),           # not CLDR's "och"
    ("hi", "व", "राहुल शर्मा", "अनीता वर्मा"),                      # not CLDR's "और"
])
def test_structured_author_shares_vcard_byline_joined_by_any_word(lang: str, joiner: str, first: str,
                                                                  second: str) -> None:
    byline = f"<span class='posted-by'>{vcard(first, 'a')} {joiner} {vcard(second, 'b')}</span>"
    rec = extract_page(byline_page(byline, lang=lang, ld_author=first), URL)
    assert rec.authors == [first, second]


@pytest.mark.parametrize(("lang", "joiner"), [("sv", "samt"), ("de", "sowie"), ("pt", "com")])
def test_author_box_names_one_header_links_name_both(lang: str, joiner: str) -> None:
    # No structured author; the header's unclassed line links both names, the box at the end only one.
    header = (f"<span class='ml-2 font-semibold'><a href='https://blog.example/@karin'>Karin Lindqvist</a> {joiner} "
              "<a href='https://blog.example/@erik'>Erik Johansson</a></span>")
    box = ("<div class='author-card'><h2>Skrivet av</h2><p class='name'>Karin Lindqvist</p>"
           "<p>Karin skriver om försvarspolitik och säkerhet i Norden.</p></div>")
    rec = extract_page(byline_page(header, lang=lang, end=box), URL)
    assert rec.authors == ["Karin Lindqvist", "Erik Johansson"]


def test_name_link_beside_non_name_pieces_stays_one_author() -> None:
    # The line holding the name also holds a date and a reading time: no second "author" from it.
    byline = f"<span class='posted-by'>{vcard('Anna Berger', 'a')} <time>3. Dezember 2026</time> · 4 Min.</span>"
    rec = extract_page(byline_page(byline, lang="de", ld_author="Anna Berger"), URL)
    assert rec.authors == ["Anna Berger"]



@pytest.mark.parametrize("cls", ["cmp-text cmp-text--note", "richtext richtext--note"])
def test_text_component_styled_as_a_note_goes(cls: str) -> None:
    # The freed "cmp-text" boxes must not let a provenance note in: the CMS marks it by a modifier.
    paras = "".join(f"<p>{t}</p>" for t in LEAD + REST)
    note = f"<div class='{cls}'><p><em>Dieser Beitrag erschien bei einer Partneragentur.</em></p></div>"
    html = grid_page(column(f"<div class='cmp-text'>{paras}</div>") + column(note))
    body = extract_page(html, URL).body
    assert "Partneragentur" not in body
    assert all(t in body for t in LEAD + REST)


# ---------------------------------------------------------------- a note box: a syndication note, or body

def note_page(cls: str, note: str, lang: str) -> str:
    """The note box between the body's columns, away from its edges (where edge rules apply anyway)."""
    lead = "".join(f"<p>{t}</p>" for t in LEAD)
    rest = "".join(f"<p>{t}</p>" for t in REST)
    return grid_page(column(f"<div class='cmp-text'>{lead}</div>") + column(f"<div class='{cls}'><p><em>{note}</em></p></div>")
                     + column(f"<div class='cmp-text'>{rest}</div>"), lang=lang)


SYNDICATION_NOTES = [
    ("az", "Bu xəbər ilk dəfə APA informasiya agentliyi tərəfindən dərc olunub."),
    ("tr", "Bu haber ilk olarak Anadolu Ajansı tarafından yayımlandı."),
    ("de", "Dieser Beitrag erschien bei einer Partneragentur."),
    ("en", "This article first appeared in Defense Weekly and is republished here with permission."),
    ("en", "This story was first reported by Wire Service and has been rewritten by our newsroom."),
]
BODY_NOTES = [
    ("en", "Correction: An earlier version of this article misstated the number of frigates; the navy ordered three."),
    ("en", "Editor's note: This article was updated on 3 December with the ministry's response."),
    ("de", "Korrektur: In einer früheren Fassung hieß es, die Marine habe vier Fregatten bestellt. Es sind drei."),
    ("az", "Redaktorun qeydi: Xəbər nazirliyin cavabı ilə yeniləndi."),
]


@pytest.mark.parametrize(("lang", "note"), SYNDICATION_NOTES)
@pytest.mark.parametrize("cls", ["cmp-text cmp-text--note", "richtext richtext--note"])
def test_note_box_that_reads_as_syndication_goes(cls: str, lang: str, note: str) -> None:
    body = extract_page(note_page(cls, note, lang), URL).body
    assert note[:25] not in body
    assert all(t in body for t in LEAD + REST)


@pytest.mark.parametrize(("lang", "note"), BODY_NOTES)
def test_note_box_with_a_correction_or_editors_note_stays(lang: str, note: str) -> None:
    # The BEM "--note" modifier styles any note: only its text tells a syndication note from body.
    body = extract_page(note_page("cmp-text cmp-text--note", note, lang), URL).body
    assert note in body
    assert all(t in body for t in LEAD + REST)


@pytest.mark.parametrize(("lang", "note"), SYNDICATION_NOTES[:3])
def test_syndication_wording_inside_the_body_without_a_note_class_stays(lang: str, note: str) -> None:
    # Away from the body's edges only the note box's class makes its wording a note.
    body = extract_page(note_page("cmp-text", note, lang), URL).body
    assert note in body
