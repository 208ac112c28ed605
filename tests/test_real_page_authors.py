"""Authors (and web F's classes) from real news pages of many publishers (issue 8, "Why"), on pages written here.

Authors taken from outside the byline: the names of a related-articles list, a reading time,
share-link text, a photo credit, an organisation where the page names a person. Then the classes
that blind web F showed on first contact, on pages of our own: agency, masthead and CJK joint
bylines, related lists without headings, syndication notes and share buttons in the body, the
metadata's social headline, and a time shown without an offset.
"""
from __future__ import annotations

import json

from real_pages import DE, EN, ES, PT, RELATED_PEOPLE, SHARES, URL, doc, has_all, paras, related_cards

from crawler.extraction import extract_page

# ---------------------------------------------------------------- authors from outside the byline

def test_authors_of_a_related_list_in_microdata_are_not_the_article_authors() -> None:
    html = doc("<article itemscope itemtype='https://schema.org/NewsArticle'><h1 itemprop='headline'>Patrol vessels "
               "finish sea trials</h1><div class='byline'>By <span itemprop='author' itemscope "
               "itemtype='https://schema.org/Person'><span itemprop='name'>Sam Rivers</span></span></div>"
               f"<div itemprop='articleBody'>{paras(EN)}</div></article>{related_cards('microdata')}")
    rec = extract_page(html, URL)
    assert rec.authors == ["Sam Rivers"]


def test_authors_of_related_cards_are_not_taken_when_the_byline_is_plain_text() -> None:
    html = doc("<article><h1>Patrol vessels finish sea trials</h1><p class='dateline'>By Sam Rivers, Nov 3, 2026</p>"
               f"<div class='story-body'>{paras(EN)}</div></article>{related_cards('class')}")
    rec = extract_page(html, URL)
    assert rec.authors == ["Sam Rivers"]
    assert not set(rec.authors) & set(RELATED_PEOPLE)


def test_profile_links_of_related_teasers_are_not_authors_of_a_story_without_a_byline() -> None:
    html = doc("<article><h1>Patrol vessels finish sea trials</h1>"
               f"<div class='story-body'>{paras(EN)}</div></article>{related_cards('profile')}")
    rec = extract_page(html, URL)
    assert rec.authors == []


def test_related_cards_before_the_article_do_not_give_its_authors() -> None:
    html = doc(f"<div class='top-strip'>{related_cards('class')}</div>"
               "<article><h1>Patrol vessels finish sea trials</h1>"
               "<div class='article-author'><a href='/author/sam-rivers/'>Sam Rivers</a></div>"
               f"<div class='story-body'>{paras(EN)}</div></article>")
    rec = extract_page(html, URL)
    assert rec.authors == ["Sam Rivers"]


def test_reading_time_beside_the_byline_is_not_an_author() -> None:
    for meta in ("<span class='reading-time'>3 Min</span>", "<span class='read-time'><b>3</b> Min.</span>",
                 "<span class='meta-time'>Lesezeit: 3 Minuten</span>",
                 "<span class='author-readtime'><i class='icon-clock'></i> 3 Min</span>"):
        html = doc("<article><h1>Bundeswehr übernimmt erste Hubschrauber</h1>"
                   f"<div class='article-author'><span class='author-name'>Anna Schmidt</span> · {meta}</div>"
                   f"<div class='article-body'>{paras(DE)}</div></article>",
                   lang="de", title="Bundeswehr übernimmt erste Hubschrauber")
        rec = extract_page(html, URL)
        assert rec.authors == ["Anna Schmidt"], meta


def test_reading_time_in_the_twitter_label_meta_is_not_an_author() -> None:
    head = ("<meta name='twitter:label1' content='Geschätzte Lesezeit'>"
            "<meta name='twitter:data1' content='3 Minuten'>")
    html = doc("<article><h1>Bundeswehr übernimmt erste Hubschrauber</h1>"
               f"<div class='article-body'>{paras(DE)}</div></article>", lang="de", head=head,
               title="Bundeswehr übernimmt erste Hubschrauber")
    assert extract_page(html, URL).authors == []


def test_share_links_in_the_author_box_are_not_an_author() -> None:
    html = doc("<article><h1>La Armada recibe sus primeras patrulleras</h1>"
               "<div class='author-info'><span class='author-name'>Marta López</span>"
               f"<div class='author-share'>{SHARES}</div></div>"
               f"<div class='article-body'>{paras(ES)}</div></article>", lang="es",
               title="La Armada recibe sus primeras patrulleras")
    assert extract_page(html, URL).authors == ["Marta López"]


def test_share_buttons_are_not_an_author_when_the_byline_is_plain() -> None:
    html = doc("<article><h1>La Armada recibe sus primeras patrulleras</h1><p>Por Marta López</p>"
               "<div class='author-tools'><button class='share'>Twitter</button> <button class='share'>Facebook"
               f"</button></div><div class='article-body'>{paras(ES)}</div></article>", lang="es",
               title="La Armada recibe sus primeras patrulleras")
    assert extract_page(html, URL).authors == ["Marta López"]


def test_share_links_alone_in_a_byline_box_give_no_author() -> None:
    html = doc("<article><h1>Patrol vessels finish sea trials</h1>"
               f"<div class='byline-share'>{SHARES}</div>"
               f"<div class='story-body'>{paras(EN)}</div></article>")
    assert extract_page(html, URL).authors == []


def test_photo_credit_is_not_an_author() -> None:
    credits = (
        "<figure><img src='/a.jpg'><figcaption>Der erste Hubschrauber. <span class='photo-author'>Max Mustermann"
        "</span></figcaption></figure>",
        "<figure itemscope itemtype='https://schema.org/ImageObject'><img src='/a.jpg'><figcaption>"
        "<span itemprop='author'>Max Mustermann</span></figcaption></figure>",
        "<figure><img src='/a.jpg'><figcaption><span class='credit'>Foto: Max Mustermann</span></figcaption></figure>",
        "<div class='image-credit'><span>Foto:</span> <span class='image-author'>Max Mustermann</span></div>",
        "<p class='wp-caption-text'>Photo by Max Mustermann</p>",
    )
    for credit in credits:
        html = doc("<article><h1>Bundeswehr übernimmt erste Hubschrauber</h1>"
                   f"<div class='lead-image'>{credit}</div><p class='meta'>Von Anna Schmidt</p>"
                   f"<div class='article-body'>{paras(DE)}</div></article>", lang="de",
                   title="Bundeswehr übernimmt erste Hubschrauber")
        assert extract_page(html, URL).authors == ["Anna Schmidt"], credit


def test_photo_credit_alone_gives_no_author() -> None:
    html = doc("<article><h1>Bundeswehr übernimmt erste Hubschrauber</h1>"
               "<figure><img src='/a.jpg'><figcaption><span class='image-author'>Foto: dpa / Max Mustermann"
               "</span></figcaption></figure>"
               f"<div class='article-body'>{paras(DE)}</div></article>", lang="de",
               title="Bundeswehr übernimmt erste Hubschrauber")
    assert extract_page(html, URL).authors == []


def ld(author: object) -> str:
    return ("<script type='application/ld+json'>" + json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": "Patrol vessels finish sea trials",
        "author": author, "publisher": {"@type": "Organization", "name": "Example News"}}) + "</script>")


def test_organisation_author_gives_way_to_the_person_in_the_byline() -> None:
    org = {"@type": "Organization", "name": "Tidewater Ledger"}
    head = ld(org) + "<meta name='author' content='Tidewater Ledger'>"
    html = doc("<article><h1>Patrol vessels finish sea trials</h1><p class='byline'>By Tom Okafor</p>"
               f"<div class='story-body'>{paras(EN)}</div></article>", head=head)
    assert extract_page(html, URL).authors == ["Tom Okafor"]


def test_site_named_as_a_person_gives_way_to_the_person_in_the_byline() -> None:
    url = "https://www.northwindsentinel.test/2026/11/patrol-vessels/"
    head = ld({"@type": "Person", "name": "Northwind Sentinel"})
    html = doc("<article><h1>Patrol vessels finish sea trials</h1><div class='meta'>Por <a href='/autor/lucia-gomez/'>"
               f"Lucía Gómez</a></div><div class='story-body'>{paras(ES)}</div></article>", head=head, lang="es")
    assert extract_page(html, url).authors == ["Lucía Gómez"]


def test_organisation_in_the_meta_author_gives_way_to_the_byline_in_portuguese() -> None:
    head = "<meta name='author' content='Ministério da Defesa'>"
    html = doc("<article><h1>Marinha recebe os primeiros navios</h1><p class='autor'>Por João Pereira</p>"
               f"<div class='story-body'>{paras(PT)}</div></article>", head=head, lang="pt",
               title="Marinha recebe os primeiros navios")
    assert extract_page(html, URL).authors == ["João Pereira"]


# ---------------------------------------------------------------- bylines of agencies, portals and CJK sites

JA = ["防衛装備庁は二十日、新型の無人水上艇について外国企業と共同で研究を始めると発表した。試験は二〇二八年に洋上で行う予定で、"
      "関係者によると、得られたデータは将来の警戒監視に生かされる。"] * 4
KO = ["해군은 새로 건조한 초계함 두 척의 해상 시험을 마쳤다고 밝혔다. 해군은 연말까지 두 척을 인수해 연안 경비에 투입할 계획이며, "
      "나머지 함정도 차례로 인도받을 예정이다."] * 4


def test_agency_credit_with_a_generic_agency_page_is_no_person() -> None:
    head = ld({"@type": "Person", "name": "PTI", "@id": "https://www.example-news.test/#/schema/person/7c1f"})
    html = doc("<article><h1>Patrol vessels finish sea trials</h1><div class='post-author'><span>By</span> "
               f"<a class='post-author-name' href='/author/agency/'>PTI</a></div>"
               f"<div class='story-body'>{paras(EN)}</div></article>", head=head)
    assert extract_page(html, URL).authors == []


def test_agency_credit_with_its_own_author_page_is_kept() -> None:
    html = doc("<article><h1>Patrol vessels finish sea trials</h1><div class='post-author'><span>By</span> "
               f"<a class='post-author-name' rel='author' href='/author/pti/'>PTI</a></div>"
               f"<div class='story-body'>{paras(EN)}</div></article>")
    assert extract_page(html, URL).authors == ["PTI"]


def test_masthead_and_wire_names_in_cjk_bylines_are_no_person() -> None:
    for byline in ("<div class='writer_info'><span class='name'>연합뉴스</span> <span class='more'>다른기사 보기</span></div>",
                   "<p class='author'>共同通信</p>", "<p class='author'>新华社</p>"):
        html = doc(f"<div class='view'><h2 class='headline'>초계함 해상 시험 완료</h2>{byline}"
                   f"<div id='article_body'>{paras(KO)}</div></div>", lang="ko", title="초계함 해상 시험 완료")
        assert extract_page(html, URL).authors == [], byline


def test_korean_joint_byline_with_mail_links_gives_both_reporters() -> None:
    head = ld({"@type": "Person", "name": "박지훈"})
    byline = ("<div class='byline'><span class='writer'><a href='mailto:jh@paper.test'>박지훈</a>·"
              "<a href='mailto:sy@paper.test'>최서윤 기자</a></span><br><span class='date'>입력 2026.11.23 11:05</span></div>")
    html = doc(f"<div class='view'><h2 class='headline'>초계함 해상 시험 완료</h2>{byline}"
               f"<div id='article_body'>{paras(KO)}</div></div>", lang="ko", head=head, title="초계함 해상 시험 완료")
    assert extract_page(html, URL).authors == ["박지훈", "최서윤"]


def test_japanese_credit_label_and_ideographic_comma_give_each_writer() -> None:
    html = doc("<div class='news-single'><h1>無人水上艇の共同研究で合意</h1><p class='news-meta'>"
               "<span class='news-author'>文：田中美穂、小林直樹</span></p>"
               f"<div class='news-text'>{paras(JA)}</div></div>", lang="ja", title="無人水上艇の共同研究で合意")
    assert extract_page(html, URL).authors == ["田中美穂", "小林直樹"]


def test_related_list_items_without_headings_do_not_give_authors() -> None:
    items = "".join(f"<li><span class='rel-date'>2026年11月{18 + i}日</span><a href='/news/detail/story-{i}/'>"
                    f"防衛省、新型護衛艦の設計契約を締結　第{i + 1}段階の建造開始を目指す</a>"
                    f"<span class='rel-author'>{name}</span></li>" for i, name in enumerate(["松本大輔", "井上彩"]))
    html = doc("<div class='news-single'><h1>無人水上艇の共同研究で合意</h1><p class='news-meta'>"
               "<span class='news-author'>編集部</span></p>"
               f"<div class='news-text'>{paras(JA)}</div><div class='news-related'><h4>関連記事</h4><ul>{items}</ul></div></div>",
               lang="ja", title="無人水上艇の共同研究で合意")
    assert extract_page(html, URL).authors == []
    en_items = "".join(f"<li><time>Oct {i + 3}, 2026</time> <a href='/2026/10/other-{i}/'>Army orders more trucks "
                       f"for its new brigades</a> <span class='author'>{name}</span></li>"
                       for i, name in enumerate(RELATED_PEOPLE[:4]))
    html = doc("<article><h1>Patrol vessels finish sea trials</h1><p class='byline'>By Sam Rivers</p>"
               f"<div class='story-body'>{paras(EN)}</div></article><ul class='latest'>{en_items}</ul>")
    assert extract_page(html, URL).authors == ["Sam Rivers"]


# ---------------------------------------------------------------- provenance notes and share buttons in the body

def test_syndication_notes_by_their_grammar_are_not_body() -> None:
    notes = ["A version of this essay first appeared in the Harbour Policy Quarterly.",
             "An earlier version of this commentary was published by the Baltic Security Forum.",
             "This piece was originally published on the Coastal Studies blog and is republished here with permission.",
             "(With inputs from agencies)", "(With additional inputs from PTI)"]
    for note in notes:
        html = doc(f"<article><h1>Patrol vessels finish sea trials</h1><div class='entry-content'>{paras(EN)}"
                   f"<p><em>{note}</em></p></div></article>")
        rec = extract_page(html, URL)
        assert has_all(rec.body, EN) and note not in rec.body, note


def test_a_bare_originally_published_credit_stays_body() -> None:
    note = "This article was originally published by Harbour Science. Read the original article."
    html = doc(f"<article><h1>Patrol vessels finish sea trials</h1><div class='entry-content'>{paras(EN)}"
               f"<p>{note}</p></div></article>")
    assert note in extract_page(html, URL).body


def test_a_share_button_link_in_the_body_is_not_body() -> None:
    for href in ("/p/patrol-vessels?utm_source=newsletter&utm_content=share&action=share",
                 "https://www.facebook.com/sharer/sharer.php?u=https://www.example-news.test/x",
                 "https://twitter.com/intent/tweet?url=https://www.example-news.test/x"):
        html = doc(f"<article><h1>Patrol vessels finish sea trials</h1><div class='available-content'>{paras(EN)}"
                   f"<p class='button-wrapper'><a class='button primary' href='{href}'><span>Pass this story on to a "
                   "friend</span></a></p></div></article>")
        rec = extract_page(html, URL)
        assert has_all(rec.body, EN) and "Pass this story on" not in rec.body, href


# ---------------------------------------------------------------- the visible headline over the metadata's variant

def test_visible_headline_wins_over_a_social_headline_in_the_metadata() -> None:
    cases = [("Navy taps two yards for $3B frigate study", "Navy picks two shipyards for a frigate follow-on study"),
             ("Analysis: why the patrol ship plan needs a second yard", "Why the patrol ship plan needs a second yard"),
             ("Bundeswehr übernimmt erste Hubschrauber", "Bundeswehr übernimmt die ersten zwei neuen Hubschrauber")]
    for social, visible in cases:
        head = (ld({"@type": "Person", "name": "Sam Rivers"}).replace("Patrol vessels finish sea trials", social)
                + f"<meta property='og:title' content='{social}'>")
        html = doc(f"<article><h1 class='headline'>{visible}</h1><p class='byline'>By Sam Rivers</p>"
                   f"<div class='story-body'>{paras(EN)}</div></article>", head=head, title=social)
        assert extract_page(html, URL).title == visible


# ---------------------------------------------------------------- a time shown without an offset

def test_time_shown_without_an_offset_gets_the_zone_of_the_page_country() -> None:
    cases = [("ko", "<span class='date'>입력 2026.11.16 09:12</span>", "2026-11-16T09:12:00+09:00"),
             ("ja", "<p class='date'>2026年11月25日 15:30</p>", "2026-11-25T15:30:00+09:00"),
             ("en-AU", "<p class='date'>Published 3 Nov 2026, 10:15</p>", "2026-11-03T10:15:00+11:00"),
             ("de", "<p class='date'>03.11.2026, 10:15 Uhr</p>", "2026-11-03T10:15:00+01:00"),
             ("de", "<p class='date'>03.07.2026, 10:15 Uhr</p>", "2026-07-03T10:15:00+02:00")]
    for lang, dateline, want in cases:
        html = doc(f"<article><h1>Patrol vessels finish sea trials</h1>{dateline}"
                   f"<div class='story-body'>{paras(EN)}</div></article>", lang=lang)
        assert extract_page(html, URL).published == want, (lang, dateline)


def test_the_page_own_offset_wins_over_the_zone_guess() -> None:
    head = "<meta property='article:modified_time' content='2026-11-16T11:00:00+05:30'>"
    html = doc("<article><h1>Patrol vessels finish sea trials</h1><p class='date'>November 16, 2026 09:12</p>"
               f"<div class='story-body'>{paras(EN)}</div></article>", head=head)
    assert extract_page(html, URL).published == "2026-11-16T09:12:00+05:30"
