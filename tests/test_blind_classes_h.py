"""Failure classes from first contact with blind web H (issue 8), one small inline page each.

Each test names a class, not one site's sentence: a local date with a clock word or a day period
in the page's language, a byline's label, role or desk words in any language, a caption that ends
with its credit, tool rows and counters, and so on. The pages are our own, in other languages and
wordings than H's where the class allows.
"""
from __future__ import annotations

from crawler.extraction import extract_page
from crawler.extraction.clock import day_period_to_24h
from crawler.extraction.dates import parse_when

URL = "https://news.example.org/2026/11/story/"
BODY = ("The ministry said the first armoured vehicles would be delivered by the end of the year, and that "
        "the contract for the second batch would be signed in the spring, officials added on Tuesday.")


def story(meta: str, body: str = "", lang: str = "en", aside: str = "") -> object:
    """A page with a headline, a meta zone under it, a body and a sidebar."""
    body = body or f"<p>{BODY}</p><p>{BODY} Again.</p><p>{BODY} Once more.</p>"
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story</title></head><body>"
            "<header><nav class='main-menu'><ul><li><a href='/a'>Army</a></li><li><a href='/n'>Navy</a></li>"
            f"</ul></nav></header><div class='wrap'><div class='col-main'><h1>Story</h1>{meta}"
            f"<div class='text'>{body}</div></div><div class='col-side'>{aside}</div></div>"
            "<footer><p>Footer text of the site.</p></footer></body></html>")
    return extract_page(html, URL)


# ---------------------------------------------------------------- dates in the header zone

def test_day_period_words_of_the_page_language_give_the_24_hour_clock() -> None:
    # CLDR day periods: Indonesian "sore" (15:00-18:00), "malam" (18:00-24:00), Malay "pagi".
    assert day_period_to_24h("3 Mei 2026 4:15 sore", "id") == "3 Mei 2026 16:15"
    assert day_period_to_24h("3 Mei 2026 9:05 malam", "id") == "3 Mei 2026 21:05"
    assert day_period_to_24h("3 Mei 2026 9:05 pagi", "ms") == "3 Mei 2026 09:05"
    # a time that its period cannot hold is left alone, not guessed
    assert day_period_to_24h("3 Mei 2026 9:05 sore", "id") == "3 Mei 2026 9:05 sore"


def test_local_date_with_a_day_period_is_read() -> None:
    when = parse_when("12 Oktober 2026, 4:15 sore", "id")
    assert when is not None and (when.value.hour, when.value.minute, when.date_only) == (16, 15, False)


def test_clock_word_after_a_dotted_year_is_read() -> None:
    # Croatian "u", Serbian "у", Slovene "ob": "12. listopada 2026. u 14:05"
    when = parse_when("12. listopada 2026. u 14:05", "hr")
    assert when is not None and (when.value.month, when.value.day, when.value.hour) == (10, 12, 14)


def test_visible_local_date_gets_the_country_zone() -> None:
    rec = story("<div class='meta'><span class='tanggal'>Senin, 12 Oktober 2026, 4:15 sore</span></div>",
                lang="id")
    assert rec.published == "2026-10-12T16:15:00+07:00"  # Jakarta


def test_a_date_in_a_list_of_other_stories_is_not_the_articles() -> None:
    aside = ("<div class='popular'><div class='entry'><div class='entry-title'><a href='/2026/10/other/'>"
             "Coast guard receives two new patrol boats</a></div><div class='entry-date'>3. listopada 2026.</div>"
             "</div></div>")
    rec = story("<p class='lead-in'>Napisao urednik</p>", lang="hr", aside=aside)
    assert rec.published is None
    rec = story("<span class='post-date'>12. listopada 2026. u 14:05</span>", lang="hr", aside=aside)
    assert rec.published == "2026-10-12T14:05:00+02:00"


# ---------------------------------------------------------------- bylines

def byline(inner: str, lang: str = "en", head: str = "") -> list[str]:
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story | Kyiv Arms Review</title>"
            f"<meta property='og:site_name' content='Kyiv Arms Review'>{head}</head><body>"
            f"<article><h1>Story</h1><div class='byline'>{inner}</div>"
            f"<div class='story-body'><p>{BODY}</p><p>{BODY}</p></div></article></body></html>")
    return extract_page(html, URL).authors


def test_label_closing_with_a_colon_in_any_script_is_no_name() -> None:
    # Bengali "প্রতিবেদক:" (reporter): no vocabulary knows it, the colon does
    assert byline("<span>প্রতিবেদক:</span> <a href='/author/1'>রফিক আহমেদ</a>", lang="bn") == ["রফিক আহমেদ"]


def test_the_page_languages_own_and_joins_names() -> None:
    # CLDR list patterns: Vietnamese "và", Bengali "এবং"
    assert byline("<a href='/author/1'>Nguyễn Văn An</a> và <a href='/author/2'>Trần Thị Bình</a>", lang="vi") == \
        ["Nguyễn Văn An", "Trần Thị Bình"]
    assert byline("রফিক আহমেদ এবং নাসরিন সুলতানা", lang="bn") == ["রফিক আহমেদ", "নাসরিন সুলতানা"]
    # the word is a word: the capital "И" opening a surname splits nothing
    assert byline("Автор: Иван Иванов", lang="bg") == ["Иван Иванов"]


def test_the_label_alone_is_no_name() -> None:
    assert byline("<span class='author-prefix'>Por</span> <span class='author'>Ana Ruiz</span>", lang="es") == \
        ["Ana Ruiz"]


def test_the_publishers_desk_is_no_person() -> None:
    assert byline("<span class='author'>Kyiv Arms Review Staff</span>") == []


def test_a_part_marked_as_desk_or_role_is_no_person() -> None:
    assert byline("<span class='byline__desk'>Ճակատային լուրերի թիմ</span>", lang="hy") == []
    assert byline("<a href='/author/newsroom/'>Equipo de Defensa</a>", lang="es") == []
    assert byline("<a href='/author/1'>রফিক আহমেদ</a> <span class='byline__role'>জ্যেষ্ঠ প্রতিবেদক</span>",
                  lang="bn") == ["রফিক আহমেদ"]


def test_unlinked_text_after_a_linked_name_and_a_comma_is_the_role() -> None:
    assert byline("<a href='/author/1'>রফিক আহমেদ</a>, জ্যেষ্ঠ প্রতিরক্ষা প্রতিবেদক", lang="bn") == ["রফিক আহমেদ"]
    # a second linked name after the comma is a name
    assert byline("<a href='/author/1'>Ana Ruiz</a>, <a href='/author/2'>Luis Mora</a>", lang="es") == \
        ["Ana Ruiz", "Luis Mora"]


def test_a_reading_time_with_a_particle_is_no_name() -> None:
    assert byline("<span class='desk'>Redacción</span> · <span>Lectura de 6 min</span>", lang="es") == []


def test_teaser_bylines_under_headlines_in_an_unspaced_script_are_not_the_articles() -> None:
    teaser = ("<div class='more'><article><h3><a href='/2026/11/other/'>ກອງທັບເຮືອຮັບເຮືອລາດຕະເວນລຳໃໝ່ຈາກອູ່ຕໍ່ເຮືອ</a></h3>"
              "<span class='byline'><a href='/author/x/'>ສົມພອນ ແກ້ວມະນີ</a></span></article></div>")
    html = ("<!doctype html><html lang='lo'><head><meta charset='utf-8'><title>Story</title></head><body>"
            f"<article><h1>Story</h1><div class='story-body'><p>{BODY}</p>{teaser}<p>{BODY}</p></div></article>"
            "</body></html>")
    assert extract_page(html, URL).authors == []


def test_the_visible_joint_byline_completes_a_one_person_json_ld() -> None:
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
          '"headline": "Story", "author": {"@type": "Person", "name": "Ana Ruiz"}}</script>')
    inner = ("<time datetime='2026-11-02'>2 nov 2026</time> • <span itemprop='author'>Ana Ruiz</span> y "
             "<span itemprop='author'>Luis Mora</span> • <span>5 min</span>")
    html = (f"<!doctype html><html lang='es'><head><meta charset='utf-8'><title>Story</title>{ld}</head><body>"
            f"<article><h1>Story</h1><p class='meta'>{inner}</p>"
            f"<div class='story-body'><p>{BODY}</p><p>{BODY}</p></div></article></body></html>")
    assert extract_page(html, URL).authors == ["Ana Ruiz", "Luis Mora"]
