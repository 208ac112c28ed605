"""Failure classes from first contact with blind web H (issue 8), one small inline page each.

Each test names a class, not one site's sentence: a local date with a clock word or a day period
in the page's language, a byline's label, role or desk words in any language, a caption that ends
with its credit, tool rows and counters, and so on. The pages are our own, in other languages and
wordings than H's where the class allows.
"""
from __future__ import annotations

from crawler.extraction import extract_page
from crawler.extraction.clock import day_period_to_24h, parse_local_date
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
    # Serbian "у", Slovene "ob" after "2026.": "17. новембар 2026. у 08:15", "12. oktober 2026. ob 14.05"
    when = parse_when("17. новембар 2026. у 08:15", "sr")
    assert when is not None and (when.value.month, when.value.day, when.value.hour) == (11, 17, 8)
    when = parse_when("12. oktober 2026. ob 14.05", "sl")
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

def byline(inner: str, lang: str = "en", site: str = "Kyiv Arms Review") -> list[str]:
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story | {site}</title>"
            f"<meta property='og:site_name' content='{site}'></head><body>"
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
    assert byline("<span class='author-label'>מאת</span> <span class='author'>דנה לוי</span>", lang="he") == ["דנה לוי"]


def test_the_publishers_desk_is_no_person() -> None:
    # "<publication> + a word" is its desk in any language ("भारत रक्षा संवाद केंद्र": its news centre)
    assert byline("<span class='author'>भारत रक्षा संवाद केंद्र</span>", lang="hi", site="भारत रक्षा") == []


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
    assert byline("<p class='author'>Redacción</p><p class='author-meta'>Lectura de 6 min</p>", lang="es") == []


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


# ---------------------------------------------------------------- body: chrome inside the article

def body_of(inner: str, lang: str = "en") -> str:
    """The body of a page whose article holds ``inner`` between two paragraphs."""
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story</title></head><body>"
            f"<article><h1>Story</h1><div class='content'><p>{BODY}</p>{inner}<p>{BODY} Again.</p>"
            f"<p>{BODY} Once more.</p></div></article></body></html>")
    return extract_page(html, URL).body


def test_a_tool_row_of_links_acting_on_the_page_goes_in_any_language() -> None:
    row = ("<div class='verktyg'><span>Läst 3 812 gånger</span> | <a href='javascript:window.print()'>Skriv ut</a> | "
           "<a href='mailto:?subject=Story'>Mejla</a> | Dela: <a href='https://vk.com/share.php?url=https://x.org/s'>VK"
           "</a> <a href='https://example.net/add.php?link=https://news.example.org/s'>Pyst</a></div>")
    body = body_of(row, lang="sv")
    assert "Skriv ut" not in body and "Läst" not in body and "Pyst" not in body
    assert body.count("The ministry said") == 3


def test_a_row_of_labelled_counters_goes() -> None:
    body = body_of("<p class='muted'>Lesezeit: 4 Min. · Aufrufe: 2.310</p><p>Czas czytania: 2 min | Odsłony: 845</p>")
    assert "Lesezeit" not in body and "Odsłony" not in body
    assert body.count("The ministry said") == 3


def test_a_caption_that_ends_with_its_credit_goes_without_figcaption() -> None:
    caption = ("<div class='kuva'><img src='/a.jpg' alt=''><p class='teksti'>Panssariajoneuvot harjoituksessa "
               "Niinisalossa <small>Kuva: Puolustusvoimat</small></p></div>")
    body = body_of(caption, lang="fi")
    assert "Niinisalossa" not in body
    # a paragraph that only mentions a photo stays
    assert "photo" in body_of("<p>The agency released the photo on Monday, <em>a spokesman said</em></p>")


def test_a_membership_appeal_closed_by_a_link_to_a_section_goes() -> None:
    box = ("<div class='callout'>Diventa socio del Club dei Lettori e ricevi in anteprima i nostri dossier. "
           "<a href='/soci'>Iscriviti ora</a></div>")
    body = body_of(box, lang="it")
    assert "Club dei Lettori" not in body
    # a paragraph whose last words link to another story stays
    kept = body_of("<p>The contract was first reported last week. <a href='/2026/11/contract-signed-4411'>Read it</a></p>")
    assert "first reported last week" in kept


def test_next_and_previous_article_boxes_go_under_any_cms_name() -> None:
    box = ("<div class='ccm-next-previous-wrapper'><h5>Naslednji članek</h5><p><a href='/2026/11/other/'>Vojska "
           "dobi nove havbice iz domače proizvodnje</a></p></div>")
    body = body_of(box, lang="sl")
    assert "Naslednji" not in body and "havbice" not in body


def test_an_ad_slot_under_a_component_name_goes_with_its_label() -> None:
    slot = "<div class='AdSlot_wrapper__x81Qa'><span class='AdSlot_label__p0Q'>Iklan</span><div id='gpt-top-2'></div></div>"
    body = body_of(slot, lang="id")
    assert "Iklan" not in body
    slot = "<div class='mid'><span class='lbl'>Quảng cáo</span><div id='gpt-mid-1'></div></div>"
    assert "Quảng cáo" not in body_of(slot, lang="vi")


def test_report_an_error_link_goes() -> None:
    tools = "<div class='ArticleTools_root__hE5s0'><a href='/kontakt?fel=story'>Rapportera ett fel</a></div>"
    assert "Rapportera" not in body_of(tools, lang="sv")
    assert "Spotted an error" not in body_of("<p><a href='/contact'>Spotted an error? Let us know</a></p>")
    assert "Fehler melden" not in body_of("<p><a href='/kontakt'>Fehler melden</a></p>", lang="de")


# ---------------------------------------------------------------- the header zone

def builder_page(boxes: list[str]) -> str:
    """A page builder's layout: every line of the page a sibling text box of the same kind."""
    cells = "".join(f"<div class='rich-text'>{b}</div>" for b in boxes)
    html = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Brief</title></head><body>"
            f"<main><section class='strip'><div class='column'>{cells}</div></section></main></body></html>")
    return extract_page(html, URL).body


def test_a_programme_label_between_the_headline_and_the_dateline_is_header() -> None:
    paras = [f"<p>{BODY} Part {i}.</p>" for i in range(4)]
    body = builder_page(["<p>REPORT</p>", "<h1>Brief: Resupply at sea in a contested Pacific</h1>",
                         "<p>Centre for Maritime Logistics Studies</p>", "<p>November 12, 2026</p>", *paras])
    assert "Centre for Maritime Logistics" not in body
    assert body.count("Part") == 4
    # with no dateline after the headline there is no header zone: the short line stays
    body = builder_page(["<h1>Brief: Resupply at sea in a contested Pacific</h1>",
                         "<p>Centre for Maritime Logistics Studies</p>", *paras])
    assert "Centre for Maritime Logistics" in body


def test_an_ad_label_alone_on_its_line_goes_in_more_languages() -> None:
    for label, lang in (("โฆษณา", "th"), ("- Mainos -", "fi"), ("Hirdetés", "hu"), ("פרסומת", "he")):
        body = body_of(f"<div class='slot-7'><span>{label}</span></div>", lang=lang)
        assert label.strip("- ") not in body, label


def test_a_month_name_of_the_page_language_in_any_inflection_is_read() -> None:
    # CLDR month names, matched by their stem: genitive, locative, year first, the Thai solar era
    cases = [("4. децембра 2026. у 16:00", "sr", (2026, 12, 4, 16)), ("2026. gada 4. decembrī 16:05", "lv", (2026, 12, 4, 16)),
             ("2026 m. gruodžio 4 d.", "lt", (2026, 12, 4, 0)), ("2 ธันวาคม 2569", "th", (2026, 12, 2, 0)),
             ("4. joulukuuta 2026 klo 16.05", "fi", (2026, 12, 4, 16))]
    for text, lang, want in cases:
        when = parse_when(text, lang)
        assert when is not None and (when.value.year, when.value.month, when.value.day, when.value.hour) == want, text
    # two dates on one line are not read as one by the month names
    assert parse_local_date("Ажурирано 5. децембра 2026. (објављено 4. децембра 2026.)", "sr") is None


def test_a_numeric_date_with_spaces_after_the_dots_is_day_first() -> None:
    when = parse_when("4. 12. 2026. 16:05", "cs")
    assert when is not None and (when.value.month, when.value.day) == (12, 4)


def test_next_and_previous_links_go_with_their_label_whatever_the_box_is_called() -> None:
    box = ("<div class='box-7'><h5>Järgmine lugu</h5><p><a rel='next' href='/2026/11/other/'>Kaitsevägi sai uued "
           "soomukid ja harjutab nendega talvel</a></p></div>")
    body = body_of(box, lang="et")
    assert "Järgmine" not in body and "soomukid" not in body


def test_the_header_zone_ends_at_a_date_in_the_page_language() -> None:
    paras = [f"<p>{BODY} Part {i}.</p>" for i in range(4)]
    cells = "".join(f"<div class='rich-text'>{b}</div>" for b in [
        "<h1>สรุปนโยบาย: การส่งกำลังบำรุงทางทะเล</h1>", "<p>โครงการศึกษาความมั่นคงทางทะเล</p>",
        "<p>12 พฤศจิกายน 2569</p>", *paras])
    html = ("<!doctype html><html lang='th'><head><meta charset='utf-8'><title>Brief</title></head><body>"
            f"<main><section class='strip'><div class='column'>{cells}</div></section></main></body></html>")
    rec = extract_page(html, URL)
    assert "โครงการศึกษา" not in rec.body and rec.body.count("Part") == 4
    assert rec.published == "2026-11-12"


def test_a_date_under_a_teaser_headline_in_an_unspaced_script_is_not_the_articles() -> None:
    aside = ("<div class='popular'><div class='entry'><div class='entry-title'><a href='/2026/10/other/'>"
             "กองทัพเรือรับมอบเรือตรวจการณ์ลำใหม่</a></div><div class='entry-date'>3 ตุลาคม 2569</div></div></div>")
    assert story("<p class='lead-in'>ข่าว</p>", lang="th", aside=aside).published is None


def test_a_bare_dateline_with_a_month_name_in_any_script_leaves_the_body_edge() -> None:
    def first_line(line: str, lang: str) -> str:
        html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story</title></head><body>"
                f"<article><h1>Story</h1><div class='content'><p>{line}</p><p>{BODY}</p><p>{BODY} Again.</p>"
                "</div></article></body></html>")
        return extract_page(html, URL).body

    for line, lang in (("4 दिसंबर 2026", "hi"), ("Senin, 12 Oktober 2026", "id"), ("2 ธันวาคม 2569, 10:30 น.", "th"),
                       ("2026. gada 4. decembrī", "lv")):
        assert line not in first_line(line, lang), line
    # a short line that only looks like one stays
    assert "The 3 brigades 2026" in first_line("The 3 brigades 2026", "en")


def test_a_reading_time_at_the_top_goes_in_any_language() -> None:
    # CLDR's names of the minute unit: Bengali "মিনিট", Turkish "dakika", Georgian "წუთი"
    for line, lang in (("পড়ার সময়: ৫ মিনিট", "bn"), ("Okuma süresi: 4 dakika", "tr"), ("6 წუთი", "ka")):
        html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Story</title></head><body>"
                f"<article><h1>Story</h1><div class='content'><p>{line}</p><p>{BODY}</p><p>{BODY} Again.</p>"
                "</div></article></body></html>")
        assert line not in extract_page(html, URL).body, line
    for line in ("30 minutes before bed", "The attack lasted 30 minutes"):
        html = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Story</title></head><body>"
                f"<article><h1>Story</h1><div class='content'><h2>{line}</h2><p>{BODY}</p><p>{BODY} Again.</p>"
                "</div></article></body></html>")
        assert line in extract_page(html, URL).body, line


def test_a_caption_right_under_its_picture_ending_with_the_credit_goes() -> None:
    caption = ("<div class='pic'><img src='/b.jpg' alt=''><p>Patrol boats moored at the northern base "
               "Photo: Coast Guard</p></div>")
    body = body_of(caption)
    assert "Patrol boats moored" not in body and body.count("The ministry said") == 3


def test_byline_and_date_boxes_named_in_other_languages() -> None:
    html = ("<!doctype html><html lang='id'><head><meta charset='utf-8'><title>Story</title></head><body>"
            "<article><h1>Story</h1><div class='info-penulis'>Rahmat Hidayat</div>"
            "<span class='tanggal-terbit'>12 Oktober 2026</span>"
            f"<div class='isi'><p>{BODY}</p><p>{BODY} Again.</p></div></article></body></html>")
    rec = extract_page(html, URL)
    assert rec.authors == ["Rahmat Hidayat"] and rec.published == "2026-10-12"


def test_a_desk_or_news_team_written_out_in_an_uncased_script_is_no_person() -> None:
    assert byline("<span class='author'>ทีมข่าวต่างประเทศ</span>", lang="th") == []
    assert byline("<span class='author'>बिज़नेस डेस्क</span>", lang="hi") == []


def test_a_label_and_one_linked_headline_closing_the_body_go() -> None:
    box = ("<div class='box-3'><h5>Naslednji članek</h5><p><a href='/2026/11/other/'>Vojska dobi nove havbice "
           "iz domače proizvodnje</a></p></div>")
    html = ("<!doctype html><html lang='sl'><head><meta charset='utf-8'><title>Story</title></head><body>"
            f"<article><h1>Story</h1><div class='content'><p>{BODY}</p><p>{BODY} Again.</p>{box}</div></article>"
            "</body></html>")
    body = extract_page(html, URL).body
    assert "Naslednji" not in body and "havbice" not in body and body.count("The ministry said") == 2
