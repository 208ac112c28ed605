"""Cleaning: one table-driven case per boilerplate group, plus the rule loader and the blocks."""
from __future__ import annotations

import tomllib
from collections import Counter

import pytest

from crawler.config import Boilerplate, Site
from crawler.extraction.clean import clean_text, parse_fragment
from crawler.extraction.vocabulary import (
    RULES_FILE,
    Rules,
    RulesError,
    compile_group,
    compile_selectors,
    load_rules,
    rules_from_dict,
)

KEEP = "<p>The frigate will be delivered in 2026, the navy said on Tuesday.</p>"
KEEP_TEXT = "The frigate will be delivered in 2026, the navy said on Tuesday."

# (group, boilerplate HTML placed after a real paragraph, in a markup or wording not used by web-dev)
CASES = [
    ("comments", '<div id="disqus_thread"><p>Please enable JavaScript to view the comments.</p></div>'),
    ("comments", '<section class="wpd-thread-list"><p>12 thoughts on this</p></section>'),
    ("comments", "<h3>Leave a comment</h3>"),
    ("comments", '<div class="fb-comments" data-href="x"><p>Facebook comments</p></div>'),
    ("subscribe", '<div class="mc4wp-form"><p>Get our weekly digest</p></div>'),
    ("subscribe", "<p>Sign up for our Daily Brief newsletter to get the news first.</p>"),
    ("subscribe", "<p>Subscribe to Naval Digest on Apple Podcasts, Spotify or wherever you get your podcasts.</p>"),
    ("share", '<div class="addtoany_share_save_container"><a>Share</a></div>'),
    ("share", "<p>Follow Army Watch on Bluesky for the latest updates.</p>"),
    ("share", "<p>Facebook | Twitter | LinkedIn | Email</p>"),
    ("likes", '<div class="wp-block-jetpack-like"><span>Like</span></div>'),
    ("likes", "<p>Be the first to like this.</p>"),
    ("related", '<div class="yarpp-related"><h3>Related posts:</h3><ol><li><a href="/a">A story</a></li></ol></div>'),
    ("related", '<p><strong>READ ALSO:</strong> <a href="/x">Poland orders more tanks from Korea</a></p>'),
    ("related", '<p><a href="/y">Lire aussi : La marine reçoit sa frégate</a></p>'),
    ("related", "<h2>You may also like</h2>"),
    ("author_box", '<div class="saboxplugin-wrap"><p>Jane writes about ships for us since 2010.</p></div>'),
    ("tags", '<div class="entry-tags"><a rel="tag" href="/t/navy">Navy</a></div>'),
    ("tags", '<p>Tagged: <a href="/t/a">Army</a>, <a href="/t/b">Drones</a></p>'),
    ("ads", '<div class="ad-slot"><span>Advertisement</span></div>'),
    ("ads", "<p>Story continues below advertisement</p>"),
    ("ads", "<p>— Anzeige —</p>"),
    ("consent", '<div class="cmplz-cookiebanner"><p>We use cookies to improve the site.</p></div>'),
    ("consent", "<p>This website uses cookies to ensure you get the best experience.</p>"),
    ("paywall", '<div class="paywall-teaser"><p>Premium content</p></div>'),
    ("paywall", "<p>Log in to continue reading this article and get unlimited access.</p>"),
    ("print_email", '<a class="print-link" href="#">Print</a>'),
    ("media", '<figure><img src="a.jpg"><figcaption>The ship at sea. (Photo: Navy)</figcaption></figure>'),
    ("media", '<blockquote class="twitter-tweet"><p>Great day at sea!</p>— Navy (@navy)</blockquote>'),
    ("media", "<p>Photo credit: Ministry of Defence</p>"),
    ("donate", '<div class="support-box"><p>Help keep our reporting free.</p></div>'),
    ("donate", "<p>Our newsroom relies on the support of readers like you. Please give what you can.</p>"),
    ("footer", "<p>© 2024 Some Publisher Ltd. All rights reserved.</p>"),
    ("structure", "<nav><a href='/'>Home</a> › <a href='/news'>News</a></nav>"),
    ("structure", "<p>Previous article: Navy buys boats</p>"),
]


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


@pytest.mark.parametrize("group,html", CASES, ids=[f"{g}-{i}" for i, (g, _) in enumerate(CASES)])
def test_group_removes_its_boilerplate(rules: Rules, group: str, html: str) -> None:
    stats: Counter = Counter()
    text = clean_text(f"<div>{KEEP}{html}</div>", rules, stats)
    assert text == KEEP_TEXT
    assert stats[f"boilerplate/{group}"] >= 1, dict(stats)


@pytest.mark.parametrize("html", [
    "<p>Related to this, officials said the program would be delayed until 2027.</p>",
    "<p>Follow-on orders are expected next year, the company said in a statement.</p>",
    "<p>Share prices of defence companies rose after the announcement on Monday.</p>",
    "<p>Comments made by the minister on Tuesday drew criticism from the opposition.</p>",
    "<h2>About the program</h2>",
    "<p>Tags for the munitions will be printed in two languages, the agency said.</p>",
    "<blockquote><p>We are not building a science project, we are building a fleet.</p></blockquote>",
])
def test_article_text_that_looks_like_boilerplate_is_kept(rules: Rules, html: str) -> None:
    text = clean_text(f"<div>{KEEP}{html}</div>", rules)
    assert len(text.split("\n\n")) == 2


def test_class_rule_never_takes_the_article(rules: Rules) -> None:
    body = "".join(f"<p>Paragraph {i}, about tanks and ships and the people who build them.</p>" for i in range(10))
    html = f'<div><div class="post-content has-comments-open">{body}</div><div class="comments-area"><p>Reply</p></div></div>'
    text = clean_text(html, rules)
    assert text.count("\n\n") == 9 and "Reply" not in text


def test_blocks_paragraphs_headings_lists_quotes(rules: Rules) -> None:
    html = ("<div><h2>Background</h2><p>First <b>bold</b> para.</p><ul><li>one item</li><li>two item</li></ul>"
            "<blockquote>A quote.</blockquote><p>Line one<br>line two</p>text in div</div>")
    assert clean_text(html, rules) == ("Background\n\nFirst bold para.\n\none item\n\ntwo item\n\nA quote."
                                       "\n\nLine one\n\nline two\n\ntext in div")


@pytest.mark.parametrize("html", [
    # Hugo / Python-Markdown
    '<div><p>Guns moved to division level.<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1'
    '</a></sup></p><div class="footnotes" role="doc-endnotes"><hr><ol><li id="fn:1"><p>Army briefing, 2024.&#160;'
    '<a href="#fnref:1" class="footnote-backref" role="doc-backlink">&#x21a9;&#xfe0e;</a></p></li></ol></div></div>',
    # kramdown (Jekyll)
    '<div><p>Guns moved to division level.<sup id="fnref:a" role="doc-noteref"><a href="#fn:a" class="footnote">1</a>'
    '</sup></p><div class="footnotes"><ol><li id="fn:a"><p>Army briefing, 2024. <a href="#fnref:a" '
    'class="reversefootnote">&#8617;</a></p></li></ol></div></div>',
])
def test_footnote_marks_go_footnote_texts_stay(rules: Rules, html: str) -> None:
    assert clean_text(html, rules) == "Guns moved to division level.\n\nArmy briefing, 2024."


def test_drop_texts_removes_the_headline(rules: Rules) -> None:
    assert clean_text(f"<div><h1>Big news</h1>{KEEP}</div>", rules, drop_texts=["Big news"]) == KEEP_TEXT


def test_site_rules_form_the_site_group() -> None:
    site = Site(id="x", name="X", url="http://x.test/", feeds=("http://x.test/feed",),
                boilerplate=Boilerplate(selectors=(".x-promo",), patterns=(r"Exclusive to X readers.*",)))
    rules = load_rules(site=site)
    assert rules.names()[0] == "site"
    stats: Counter = Counter()
    text = clean_text(f'<div>{KEEP}<div class="x-promo">Buy</div><p>Exclusive to X readers: a deal</p></div>', rules, stats)
    assert text == KEEP_TEXT and stats["boilerplate/site"] == 2
    assert load_rules(site=site) is rules  # cached


def test_vocabulary_file_is_valid_and_named() -> None:
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    for group in ("comments", "subscribe", "share", "related", "likes", "author_box", "tags", "ads", "consent",
                  "paywall", "print_email", "media"):
        assert group in data, group
    rules_from_dict(data)


def test_bad_rules_are_reported_with_group_name() -> None:
    with pytest.raises(RulesError, match=r"\[oops\]\.text"):
        compile_group("oops", {"text": ["(unclosed"]})
    with pytest.raises(RulesError, match="unknown key"):
        compile_group("oops", {"selector": [".x"]})


@pytest.mark.parametrize("selector,html,hit", [
    (".a.b", '<div class="a b">x</div>', True),
    (".a.b", '<div class="a">x</div>', False),
    ("ul.tags", '<ul class="tags"><li>x</li></ul>', True),
    ("#respond", '<div id="respond">x</div>', True),
    ("[id^=div-gpt-ad]", '<div id="div-gpt-ad-123">x</div>', True),
    ("[aria-hidden=true]", '<span aria-hidden="true">x</span>', True),
    ('[itemprop="caption"]', '<span itemprop="caption">x</span>', True),
    (".img_caption .caption", '<table class="img_caption"><tr><td class="caption">x</td></tr></table>', True),
    (".outer > .inner", '<div class="outer"><div><p class="inner">x</p></div></div>', False),
])
def test_compiled_selectors(selector: str, html: str, hit: bool) -> None:
    (compiled,), _ = compile_selectors("test", [selector])
    root = parse_fragment(html)
    assert bool(compiled.compiled(root)) is hit


# ---------------------------------------------------------------- rules over the block sequence

SEQ_CASES = [
    # (what, HTML after two real paragraphs) -- markup and wording not used by web-dev
    ("teaser run", "<p><a href='/a'>Navy buys boats</a></p><p><a href='/b'>Army tests rifle</a></p>"
                   "<p><a href='/c'>Air force picks jet</a></p>"),
    ("label + teasers", "<h4>More:</h4><ul><li><a href='/a'>Navy buys boats</a></li></ul>"
                        "<ul><li><a href='/b'>Army tests rifle</a></li></ul>"),
    ("list after related label", "<div>More Great Navy Stories</div><ul><li>Boats are coming, "
                                 "<a href='/a'>the navy says</a></li><li>Rifles: <a href='/b'>a test</a></li></ul>"),
    ("capitals teaser", "<p><strong><a href='/x'>NAVY ORDERS SIX NEW FRIGATES FOR 2030</a></strong></p>"),
    ("date line at the end", "<p>September 15, 2014</p>"),
    ("author contact at the end", "<p>Have a tip? Jane Roe may be reached at jroe@example.org. Follow her on X.</p>"),
    ("wire credits at the end", "<p>(Reporting by Jane Roe; additional reporting by Max Mustermann; Editing by John Doe)</p>"),
    ("affiliate note", "<p>This post may contain affiliate links. See our disclosure policy.</p>"),
    ("press release boilerplate", "<h3>About Acme Defence</h3><p>Acme Defence is a leading supplier of radars, "
                                  "with 4,000 staff in 12 countries.</p><p>Media contact: press@acme.example</p>"),
    ("shortcode residue", '<p>[button link="/submit" type="big"] Send us your story[/button]</p>'),
    ("offscreen link spam", '<div style="position:absolute; left:-9999px"><a href="http://x">Free themes</a></div>'),
]
PARA2 = "<p>Deliveries start next year, and the second batch follows in 2027, officials said.</p>"


@pytest.mark.parametrize("what,html", SEQ_CASES, ids=[c[0] for c in SEQ_CASES])
def test_sequence_rules_drop_boilerplate(what: str, html: str) -> None:
    from crawler.extraction import extract_page
    page = f"<html><body><article><h1>Frigates</h1>{KEEP}{PARA2 * 3}{html}</article></body></html>"
    body = extract_page(page, "http://x.test/a").body
    assert body.split("\n\n") == [KEEP_TEXT] + [PARA2[3:-4]] * 3


@pytest.mark.parametrize("html", [
    "<p>4:14 p.m.</p>",                                         # a live-blog time stamp is text
    "<p>Q: What do you cook at home?</p>",                      # an interview repeats its questions
    "<ul><li><a href='/doc.pdf'>The full report</a> was published on Monday by the ministry.</li></ul>",
    "<h3>About the programme</h3><p>The programme started in 2019 and will run until 2030.</p>",
])
def test_sequence_rules_keep_text(html: str) -> None:
    from crawler.extraction import extract_page
    page = f"<html><body><article><h1>Frigates</h1>{KEEP}{PARA2 * 3}{html}</article></body></html>"
    body = extract_page(page, "http://x.test/a").body
    assert len(body.split("\n\n")) == 4 + html.count("<p>") + html.count("<li>") + html.count("<h3>")


# ---------------------------------------------------------------- multilingual vocabulary (web-alt2)
# Short widget blocks in many languages go; real sentences using the same words stay.

MULTILINGUAL_DROPPED = [
    '<p><strong>Lea también:</strong> <a href="/x/">Argentina recibe los primeros F-16</a></p>',
    '<p><strong>Czytaj także: </strong><a href="/x/">Wojsko zamawia kolejne karabinki</a></p>',
    '<p>Leggi anche: <a href="/x/">La Marina ordina nuove fregate</a></p>',
    '<p>Lees ook: <a href="/x/">Marine bestelt nieuwe fregatten</a></p>',
    '<p>Читайте також: <a href="/x/">ВМС отримали нові катери</a></p>',
    '<p>관련기사: <a href="/x/">해군 신형 호위함 진수</a></p>',
    '<p>関連記事：<a href="/x/">海上自衛隊の新型護衛艦</a></p>',
    '<p>相关阅读：<a href="/x/">海军新型驱逐舰下水</a></p>',
    "<h3>Suscríbase a nuestro boletín</h3>",
    "<p>Reciba cada mañana las noticias de defensa y seguridad de América Latina.</p>",
    "<p>Suscribirse</p>", "<p>Zapisz się do newslettera</p>", "<p>Abonnez-vous à notre newsletter</p>",
    "<p>Newsletter abonnieren</p>", "<p>Iscriviti alla newsletter</p>", "<p>Подпишитесь на рассылку</p>",
    "<p>뉴스레터 구독</p>", "<p>Deja un comentario</p>", "<p>Dodaj komentarz</p>", "<p>Kommentare (3)</p>",
    "<p>Laisser un commentaire</p>", "<p>댓글 쓰기</p>", "<p>Compartir en Facebook</p>", "<p>Udostępnij</p>",
    "<p>Síguenos en Twitter</p>", "<p>- Reklama -</p>", "<p>Publicidade</p>", "<p>광고</p>",
    "<p>저작권자 © 코리아디펜스투데이 무단전재 및 재배포 금지</p>", "<p>© Defensa al Día. Todos los derechos reservados.</p>",
    "<p>Wszelkie prawa zastrzeżone.</p>", "<p>Release No. 24-123</p>", "<p>Pressemitteilung Nr. 45/2024</p>",
    '<p style="text-align:center">###</p>', "<p>-30-</p>", "<p>- END -</p>",
    "<p>이 기사는 프리미엄 회원 전용입니다.</p>",
    '<div class="read-also"><span>Read also</span> <p><a href="/x/">Gulf states step up spending</a></p></div>',
    '<p>اقرأ أيضا: <a href="/x/">مصر تبحث شراء مقاتلات جديدة</a></p>',
    '<p>קראו גם: <a href="/x/">חיל הים מקבל ספינה חדשה</a></p>',
]


@pytest.mark.parametrize("html", MULTILINGUAL_DROPPED)
def test_multilingual_boilerplate_is_dropped(rules: Rules, html: str) -> None:
    keep = "<p>The navy ordered four frigates from the national yard on Tuesday, officials said.</p>"
    assert clean_text(keep + html + keep.replace("four", "six"), rules).count("\n\n") == 1, html


@pytest.mark.parametrize("html", [
    "<p>Los lectores pueden suscribirse al boletín del ministerio, que publica cada mes las cifras del programa de compras.</p>",
    "<p>El ministro dijo que la Armada debe compartir en tiempo real los datos de sus radares con la Fuerza Aérea.</p>",
    "<p>Czytaj także raport NIK, który wskazuje na opóźnienia w dostawach sprzętu dla wojska i marynarki.</p>",
    "<p>Die Redaktion des Berichts lag beim Verteidigungsministerium, das die Zahlen im Oktober vorlegte.</p>",
    "<p>The release of the report, No. 4 in the series, was delayed by a month, the ministry said on Monday.</p>",
    "<p>기자회견에서 국방부 대변인은 올해 안에 두 번째 요격 시험을 실시할 계획이라고 말했다.</p>",
    "<p>Zapisz to sobie: pierwsze egzemplarze trafią do jednostek jeszcze w tym roku, zapowiedział minister.</p>",
])
def test_multilingual_near_misses_are_kept(rules: Rules, html: str) -> None:
    assert clean_text(html, rules)


PRESS_TAIL = ("<p>The ministry signed the contract on Tuesday after a two-year competition between three bidders.</p>"
              "<p>Deliveries will start in 2026 and the last radar will be installed in 2028, the ministry said.</p>"
              "<p>The radars replace systems that entered service in the 1990s along the whole coastline.</p>")


@pytest.mark.parametrize("what,tail", [
    ("media contact block", "<p><strong>Media contact</strong><br>Press Office, Ministry of Defence<br>"
                            "Tel. +00 22 41 80 00 (24 hours)<br><a href='mailto:p@mod.example'>p@mod.example</a></p>"),
    ("one-line contact", "<p>Media contact: Army Public Affairs Office, army.pa@mod.example</p>"),
    ("pressekontakt", "<p>Pressekontakt:</p><p>Referat Presse, Bundesamt</p><p>Tel. +49 30 1234 5678</p>"),
    ("reporter sign-off", "<p>김민준 기자 kimmj@kdtoday.example</p>"),
    ("about org", "<h4>About the Ministry of Defence</h4><p>The Ministry of Defence is responsible for the defence "
                  "of the Republic and the readiness of its armed forces.</p>"),
    ("end of transcript", "<p>END OF TRANSCRIPT. This transcript has been edited for clarity.</p>"),
    ("pager numbers", "<div><span>1</span><a href='/x/2/'>2</a></div>"),
])
def test_press_release_tail_is_dropped(rules: Rules, what: str, tail: str) -> None:
    assert clean_text(PRESS_TAIL + tail, rules).count("\n\n") == 2, what


@pytest.mark.parametrize("tail", [
    "<p>Journalists who want to attend the ceremony must register with the press office by Friday, the ministry said.</p>",
    "<p>The ministry said anyone with information about the incident should call its hotline, which opened on Monday.</p>",
    "<table><tr><td>Year</td><td>2</td></tr><tr><td>Units</td><td>12</td></tr></table>",
])
def test_press_release_tail_near_misses_are_kept(rules: Rules, tail: str) -> None:
    assert clean_text(PRESS_TAIL + tail, rules).count("\n\n") >= 3


def test_text_class_box_goes_only_when_its_text_is_the_groups() -> None:
    rules = Rules((compile_group("disclosure", {"text_classes": ["\\w--note\\b"],
                                                "edge_text": ["^this story was first published by\\b"]}),))
    # Away from the body's edges, where the edge rule alone never looks.
    paras = [f"Paragraph {i}: the frigate will be delivered in 2026, the navy said." for i in range(8)]
    head, tail = "".join(f"<p>{p}</p>" for p in paras[:3]), "".join(f"<p>{p}</p>" for p in paras[3:])
    note = "<div class='box box--note'><p>{}</p></div>"
    stats: Counter = Counter()
    text = clean_text(f"<div>{head}{note.format('This story was first published by Wire.')}{tail}</div>", rules, stats)
    assert text == "\n\n".join(paras) and stats["boilerplate/disclosure"] == 1
    assert "first published" in clean_text(f"<div>{head}<div class='box'><p>This story was first published by "
                                           f"Wire.</p></div>{tail}</div>", rules)
    kept = "Correction: the navy ordered three frigates, not four."
    assert kept in clean_text(f"<div>{head}{note.format(kept)}{tail}</div>", rules)


def test_bad_text_classes_are_reported_with_group_name() -> None:
    with pytest.raises(RulesError, match=r"\[oops\]\.text_classes"):
        compile_group("oops", {"text_classes": ["(unclosed"]})
