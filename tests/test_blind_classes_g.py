"""Failure classes from first contact with blind web G (issue 8), one small inline page each.

Each test names a class, not one site's sentence: a CMS that stores the body as typed blocks
(a heading block, a quote block beside the paragraph blocks), and so on.
"""
from __future__ import annotations

from crawler.extraction import extract_page

URL = "https://news.example.org/2026/11/story/"
BODY = ("The ministry said the first armoured vehicles would be delivered by the end of the year, and that "
        "the contract for the second batch would be signed in the spring, officials added on Tuesday.")


def page(article: str, lang: str = "en") -> object:
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story</title></head><body>"
            "<header><nav class='main-menu'><ul><li><a href='/a'>Army</a></li><li><a href='/n'>Navy</a></li>"
            f"</ul></nav></header><main><article class='story'><h1>Story</h1>{article}</article></main>"
            "<footer><p>Footer text of the site.</p></footer></body></html>")
    return extract_page(html, URL)


# ---------------------------------------------------------------- typed body blocks

def test_heading_list_and_quote_blocks_beside_paragraph_blocks_are_kept() -> None:
    def para(text: str) -> str:
        return f"<div class='body-block--paragraph'><div class='rich-text'><p>{text}</p></div></div>"
    short = "The second batch is due in the spring, the ministry said. Part {}."
    blocks = [para(f"{BODY} {BODY} Part 0."), para(short.format(1))]
    blocks += ["<div class='body-block--heading'><h2>What the contract covers</h2></div>",
               "<div class='body-block--paragraph'><div class='rich-text'><ul><li>two more batteries with launchers</li>"
               "<li>three-dimensional radars</li></ul></div></div>",
               "<div class='body-block--links'><aside class='related'><a href='/x'>Another story entirely</a></aside></div>",
               "<div class='body-block--quote'><blockquote><p>We will have the first battery by summer, the general said."
               "</p></blockquote></div>"]
    blocks += [para(short.format(i)) for i in range(2, 5)]
    rec = page(f"<div class='article__body'>{''.join(blocks)}</div>")
    assert "What the contract covers" in rec.body
    assert "three-dimensional radars" in rec.body
    assert "first battery by summer" in rec.body
    assert "Another story entirely" not in rec.body
    assert rec.body.count("Part") == 5


# ---------------------------------------------------------------- authors

def byline_page(byline: str, lang: str = "en", head: str = "") -> object:
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story</title>{head}</head><body>"
            f"<article class='story'><h1>Story</h1><div class='story-meta'>{byline}</div>"
            f"<div class='story-body'><p>{BODY}</p><p>{BODY}</p></div></article></body></html>")
    return extract_page(html, URL)


def test_one_word_label_before_linked_names_is_no_name() -> None:
    rec = byline_page("<span class='post-author'>Minn <a href='/autor/ana-lopes'>Ana Lopes</a> i "
                      "<a href='/autor/rui-costa'>Rui Costa</a></span>")
    assert rec.authors == ["Ana Lopes", "Rui Costa"]


def test_colon_label_and_dash_between_linked_names() -> None:
    rec = byline_page("<span class='newsAuthor'>Nhóm tác giả: <a href='/tac-gia/a'>Đặng Văn Nam</a> - "
                      "<a href='/tac-gia/b'>Vũ Thị Lan</a></span>", lang="vi")
    assert rec.authors == ["Đặng Văn Nam", "Vũ Thị Lan"]


def test_weekday_of_the_date_beside_the_byline_is_no_name() -> None:
    rec = byline_page("<div class='newsAuthorAndDate'><span class='newsAuthor'><a href='/tac-gia/a'>Đặng Văn Nam"
                      "</a></span> <span class='newsDate'>Thứ Năm, 03/12/2026 - 09:00</span></div>", lang="vi")
    assert rec.authors == ["Đặng Văn Nam"]
    alone = byline_page("<div class='newsAuthorAndDate'> <span class='newsDate'>Thứ Bảy, 05/12/2026 - 09:00"
                        "</span></div>", lang="vi")
    assert alone.authors == []
    german = byline_page("<div class='authorline'>Jonas Weber Mittwoch, 2. Dezember 2026</div>", lang="de")
    assert german.authors == ["Jonas Weber"]


def test_arabic_names_joined_by_the_prefix_and() -> None:
    head = "<meta name='author' content='ليلى الحسن ويوسف المصري'>"
    rec = byline_page("", lang="ar", head=head)
    assert rec.authors == ["ليلى الحسن", "يوسف المصري"]


def test_agency_credits_are_no_people() -> None:
    slash = byline_page("<div class='byline'><span class='agency'>Tanjug / AFP</span></div>", lang="sr")
    assert slash.authors == []
    head = "<meta name='author' content='وكالات'>"
    assert byline_page("", lang="ar", head=head).authors == []


# ---------------------------------------------------------------- leaks

def body_of(inner: str, lang: str = "en") -> str:
    return page(f"<div class='story-body'><p>{BODY}</p>{inner}<p>{BODY} Last part.</p></div>", lang).body


def test_teaser_card_of_another_story_inside_the_body_goes() -> None:
    body = body_of("<div class='inline-card'><span class='inline-card__label'>Xem thêm</span>"
                   "<a href='/2026/10/other-story/'><h4>Navy orders four more patrol boats</h4>"
                   "<p>The navy has ordered four more coastal patrol boats from the state shipyard, the ministry "
                   "said on Monday, in a deal worth about 120 million.</p></a></div>")
    assert "patrol boats" not in body
    assert "Xem thêm" not in body
    assert "Last part." in body


def test_provenance_note_in_a_south_slavic_language_goes() -> None:
    body = body_of("<p><em>Ta članek je bil izvirno objavljen na spletni strani Obrambni pregled.</em></p>", "sl")
    assert "izvirno objavljen" not in body
    assert "Last part." in body


def test_views_disclaimer_at_the_end_goes() -> None:
    html = page(f"<div class='story-body'><p>{BODY}</p><p>{BODY} Last part.</p>"
                "<p><em>The opinions expressed in this commentary are those of the writer and do not necessarily "
                "reflect the position of the institute.</em></p></div>").body
    assert "opinions expressed" not in html
    assert "Last part." in html


def test_reading_time_line_in_any_language_goes() -> None:
    body = body_of("<p>Обновено: 4 декември 2026 г. в 11:20 6 мин четене</p>", "bg")
    assert "четене" not in body
    assert "Last part." in body


def test_author_bio_closing_the_body_goes() -> None:
    html = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Story</title>"
            "<meta name='author' content='Tomas Lindqvist'></head><body><article class='story'><h1>Story</h1>"
            f"<div class='story-body'><p>{BODY}</p><p>{BODY} Last part.</p>"
            "<p>Tomas Lindqvist is a visiting researcher in the Nordic security programme. He worked for ten "
            "years at the defence ministry.</p></div></article></body></html>")
    rec = extract_page(html, URL)
    assert "visiting researcher" not in rec.body
    assert "Last part." in rec.body
    assert rec.authors == ["Tomas Lindqvist"]
