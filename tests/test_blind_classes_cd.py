"""Failure classes from first contact with blind webs C and D (issue 8), one small inline page each.

Each test names a class, not one site's sentence: labelled inline teasers in any language, numeric
dates read day first, a <time> that only states its date in text, byline/date/meta lines above the
story, and a labelled contact block at its end.
"""
from __future__ import annotations

import pytest

from crawler.extraction import extract_page
from crawler.extraction.dates import parse_when
from crawler.extraction.sequence import Block, is_dateline, is_labelled_teaser

URL = "https://news.example.org/2026/11/story"
BODY = ("The ministry said the first armoured vehicles would be delivered by the end of the year, and that "
        "the contract for the second batch would be signed in the spring, officials added on Tuesday.")


def page(article: str, *, lang: str = "en", top: str = "", end: str = "") -> object:
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story</title></head>"
            f"<body><main><article><h1>Story</h1>{top}<div class='entry-content'>{article}</div>{end}"
            f"</article></main><footer><p>Footer text of the site.</p></footer></body></html>")
    return extract_page(html, URL)


def paras(n: int = 4) -> str:
    return "".join(f"<p>{BODY} Part {i}.</p>" for i in range(n))


# ---------------------------------------------------------------- labelled inline teasers

@pytest.mark.parametrize("label", ["Lue myös:", "Ezt is ajánljuk:", "À lire aussi :", "Leggi anche:",
                                   "Czytaj także:", "Читайте також:", "Also on our site:"])
def test_labelled_inline_teaser_in_any_language_is_dropped(label: str) -> None:
    teaser = f"<p><strong>{label}</strong> <a href='/other'>Navy receives its fourth new frigate</a></p>"
    rec = page(paras(2) + teaser + paras(2))
    assert "frigate" not in rec.body
    assert rec.body.count("Part") == 4


def test_labelled_teaser_needs_the_link_to_be_the_rest_of_a_short_block() -> None:
    text = "Source: Reuters"
    assert not is_labelled_teaser(Block(text, 7))  # a one-word link is a credit, not a teaser
    text = "Note: the navy said the frigate was delivered three weeks early to the base"
    assert not is_labelled_teaser(Block(text, 12))  # a sentence with one link in it is body
    text = "See also: Navy receives its fourth new frigate"
    assert not is_labelled_teaser(Block(text, len(text)))  # fully linked: a plain teaser, handled elsewhere


def test_paragraph_with_a_colon_and_a_link_in_a_sentence_stays() -> None:
    para = ("<p>The report is clear: <a href='/r'>the navy</a> will need more crews before the new ships "
            "can sail, the auditors wrote in their annual review of the fleet.</p>")
    rec = page(paras(2) + para + paras(2))
    assert "auditors wrote" in rec.body


# ---------------------------------------------------------------- day-month order

@pytest.mark.parametrize("text,lang,want", [
    ("Julkaistu 4.11.2026 14.32", "fi", "2026-11-04T14:32:00"),
    ("4.11.2026 klo 14.32", "fi", "2026-11-04T14:32:00"),
    ("Datum: 04.11.2026", "de", "2026-11-04"),
    ("30.11.2026", "de", "2026-11-30"),
    ("04.11.2026", "en", "2026-11-04"),  # a dotted date is never month first
    ("22/10/2024", "fr", "2024-10-22"),
    ("03/04/2024", "es", "2024-04-03"),
    ("10/22/2024", "en", "2024-10-22"),  # US English: M/D/Y with slashes
    ("mercredi 4 novembre 2026 à 14h32", "fr", "2026-11-04T14:32:00"),
])
def test_numeric_dates_are_day_first_except_us_slashes(text: str, lang: str, want: str) -> None:
    assert parse_when(text, lang).iso() == want


def test_time_element_without_datetime_is_read_from_its_text() -> None:
    top = "<dl class='c-meta'><dt>Datum:</dt><dd><time>30.11.2026</time></dd><dt>Lesedauer:</dt><dd>3 Min</dd></dl>"
    rec = page(paras(), lang="de", top=top)
    assert rec.published == "2026-11-30"
    assert "Datum" not in rec.body and "Lesedauer" not in rec.body and "3 Min" not in rec.body


# ---------------------------------------------------------------- chrome above and below the story

def test_french_dateline_with_h_clock_is_a_dateline() -> None:
    assert is_dateline("Publié le mercredi 4 novembre 2026 à 14h32")
    assert is_dateline("Mis à jour le jeudi 5 novembre 2026 à 9h10")


def test_byline_with_role_and_dateline_above_the_story_are_chrome() -> None:
    top = ("<div class='infos'><p class='auteur'>Par <span class='author'>Camille Fabre</span>, officière de presse"
           "<br>Publié le <time>mercredi 4 novembre 2026 à 14h32</time></p>"
           "<p>Mis à jour le jeudi 5 novembre 2026 à 9h10</p></div>")
    rec = page(top + paras(), lang="fr")
    assert rec.authors == ["Camille Fabre"]
    assert rec.published == "2026-11-04T14:32:00+01:00"
    assert "Camille Fabre" not in rec.body and "Publié" not in rec.body and "Mis à jour" not in rec.body
    assert rec.body.count("Part") == 4


def test_sentence_naming_the_author_stays() -> None:
    top = "<p class='byline'>By <span class='author'>Jo Ray</span></p>"
    para = "<p>Jo Ray, who covered the exercise, said the crews trained for three weeks at sea.</p>"
    rec = page(top + paras(2) + para, lang="en")
    assert "covered the exercise" in rec.body


def test_labelled_contact_block_at_the_end_is_dropped() -> None:
    end = ("<div class='contact'><h2>Ansprechpartner:</h2><p>Major Stefanie Wendt<br>Presse- und "
           "Informationszentrum<br>Telefon: +49 (0)2203 908-1234<br>E-Mail: presse@example.invalid</p></div>")
    rec = page(paras() + end, lang="de")
    assert "Ansprechpartner" not in rec.body and "Wendt" not in rec.body
    assert rec.body.count("Part") == 4


# ---------------------------------------------------------------- authors

@pytest.mark.parametrize("top,authors", [
    # every itemprop=name of a shared microdata byline, joined by the language's "and"
    ('<dd itemprop="author" itemscope itemtype="https://schema.org/Person">Írta: <span itemprop="name">Szabó Anna'
     '</span> és <span itemprop="name">Tóth Gergely</span></dd>', ["Szabó Anna", "Tóth Gergely"]),
    # a plural label ("Авторы:") and Russian "и"
    ('<span class="author">Авторы: Дмитрий Соколов и Ольга Белова</span>', ["Дмитрий Соколов", "Ольга Белова"]),
    # Hebrew "and" is the prefix letter ו
    ('<span class="author">דני כהן ורונית לוי</span>', ["דני כהן", "רונית לוי"]),
    # Indonesian "dan"
    ('<div class="byline">Oleh <span class="author">Budi Santoso dan Rina Wijaya</span></div>',
     ["Budi Santoso", "Rina Wijaya"]),
])
def test_shared_bylines_in_more_languages(top: str, authors: list[str]) -> None:
    assert page(paras(), top=top).authors == authors


@pytest.mark.parametrize("top", [
    # an agency acronym in the CMS's microdata "created by" field, with no author page
    '<dd itemprop="author" itemscope itemtype="https://schema.org/Person">Írta: <span itemprop="name">MTI</span></dd>',
    # a Hebrew editorial board ("מערכת" = the editorial board of ...)
    '<span class="author">מערכת ביטחון היום</span>',
])
def test_agency_microdata_and_editorial_boards_are_no_person(top: str) -> None:
    assert page(paras(), top=top).authors == []


def test_agency_microdata_linking_its_author_page_is_kept() -> None:
    top = ('<span class="byline">by <span class="author vcard" itemprop="author" itemscope>'
           '<a href="/author/afp/" rel="author">AFP</a></span></span>')
    assert page(paras(), top=top).authors == ["AFP"]


def test_a_conjunction_in_lower_case_only_splits_names() -> None:
    top = '<p class="byline">By <span class="author">Dan Hollis</span></p>'
    assert page(paras(), top=top).authors == ["Dan Hollis"]


# ---------------------------------------------------------------- follow prompts and provenance notes

@pytest.mark.parametrize("prompt", [
    '<p><a href="https://news.google.com/publications/CAAqBw">Ikuti kami di Google News</a> untuk mendapatkan '
    'berita pertahanan terbaru setiap hari.</p>',
    '<p><a href="https://t.me/defensechannel">Подписывайтесь на наш Telegram-канал</a></p>',
    '<p><a href="https://www.facebook.com/ourpaper">Follow</a> us for the latest defence news.</p>',
])
def test_follow_prompt_linking_a_platform_channel_is_dropped(prompt: str) -> None:
    rec = page(paras() + prompt)
    assert "Google News" not in rec.body and "Telegram" not in rec.body and "Follow" not in rec.body
    assert rec.body.count("Part") == 4


def test_citation_of_one_post_on_a_platform_stays() -> None:
    para = ('<p>The ministry confirmed the delivery <a href="https://t.me/mod_channel/4812">in a post on '
            'Telegram</a> on Tuesday.</p>')
    rec = page(paras() + para)
    assert "in a post on Telegram" in rec.body


@pytest.mark.parametrize("note", [
    "Ez a cikk eredetileg a Honvédelem.hu oldalán jelent meg.",
    "This article originally appeared in Defense Weekly.",
    "Dieser Artikel erschien zuerst im Wehrblatt.",
    "Artikel ini pertama kali tayang di Kabar Pertahanan.",
    "Cet article a été initialement publié par Le Journal des Armées.",
])
def test_provenance_note_at_the_end_is_dropped(note: str) -> None:
    rec = page(paras() + f"<p>{note}</p>")
    assert note not in rec.body and rec.body.count("Part") == 4


@pytest.mark.parametrize("note", ["Correction: an earlier version of this story misnamed the frigate.",
                                  "Editor's note: this story was updated with the ministry's statement."])
def test_correction_and_editors_note_at_the_end_stay(note: str) -> None:
    rec = page(paras() + f"<p>{note}</p>")
    assert note in rec.body


# ---------------------------------------------------------------- deep markup

def test_article_under_thousands_of_identical_wrappers_keeps_its_own_structure() -> None:
    article = ("<article class='commentary'><header><p class='eyebrow'>Commentary</p><h1>Story</h1>"
               "<div class='actions'><a href='/x.pdf'>Download PDF</a></div></header>"
               f"<div class='commentary__body'>{paras()}</div>"
               "<footer><div class='cite-box'><h2>Cite this</h2><p>Jo Ray, Story, 2026.</p></div></footer></article>")
    html = ("<!doctype html><html lang='en'><head><title>Story</title></head><body><main>"
            + "<div class='l'>" * 10_000 + article + "</div>" * 10_000 + "</main></body></html>")
    rec = extract_page(html, URL)
    assert rec.body.count("Part") == 4
    assert "Commentary" not in rec.body and "Download PDF" not in rec.body and "Cite this" not in rec.body
