"""Failure classes of body chrome from first contact with blind web K (issue 8), one small inline page each.

Each test names a class, not one site's string: a labelled key-points box above the body, an audio
player's label, a header meta box around a time, a "label: value" details row, a single action link
(report an error), reader comments and their counter, an author box, a marketing platform's
call to action, and an intro field printed twice. The pages are our own, in other languages, wordings
and markup than K's; every test also checks that the body's own text stays.
"""
from __future__ import annotations

from collections import Counter

from lxml import html as lxml_html

from crawler.extraction import extract_page
from crawler.extraction.boxes import is_action_link_line, is_author_box
from crawler.extraction.sequence import Block, is_meta_row

URL = "https://habari.example.org/2026/11/story/"
#: Paragraphs of prose, in Swahili: long enough to be the body, with sentence ends.
P1 = ("Jeshi la wanamaji limepokea meli mpya ya doria ambayo itatumika kulinda pwani ya kusini, "
      "maafisa walisema Jumanne katika hafla iliyofanyika bandarini.")
P2 = ("Meli hiyo ina urefu wa mita hamsini na nane na inaweza kubeba wanajeshi arobaini pamoja na "
      "vifaa vya uokoaji, kwa mujibu wa taarifa ya wizara.")
P3 = ("Wataalamu wanasema ununuzi huo utasaidia kupunguza uvuvi haramu na usafirishaji wa magendo "
      "katika eneo hilo ambalo limekuwa na changamoto kwa miaka mingi.")


def page(top: str = "", middle: str = "", bottom: str = "", lang: str = "sw") -> tuple[str, Counter]:
    """An article: headline, ``top`` chrome, the body in two parts around ``middle``, ``bottom`` chrome."""
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Habari</title></head><body>"
            f"<main><article class='art'><h1>Meli mpya ya doria</h1>{top}"
            f"<div class='txt'><p>{P1}</p><p>{P2}</p></div>{middle}<div class='txt'><p>{P3}</p>"
            f"<p>{P1} Tena.</p></div>{bottom}</article></main>"
            "<footer><p>Haki zote zimehifadhiwa.</p></footer></body></html>")
    stats: Counter = Counter()
    return extract_page(html, URL, stats=stats).body, stats


def assert_body_kept(body: str) -> None:
    for para in (P1, P2, P3):
        assert para in body, body


# ---------------------------------------------------------------- a key-points box above the body

def test_a_labelled_summary_box_above_the_body_is_not_body() -> None:
    box = ("<section class='box-x'><strong>Mambo muhimu</strong><ol><li>Meli ina urefu wa mita 58.</li>"
           "<li>Itabeba wanajeshi 40.</li><li>Italinda pwani ya kusini.</li></ol></section>")
    body, stats = page(top=box)
    assert "Mambo muhimu" not in body and "Itabeba wanajeshi 40" not in body
    assert_body_kept(body)
    assert stats["boilerplate/structure"] >= 1


def test_a_summary_box_named_by_its_class_goes_anywhere() -> None:
    box = "<div class='article-takeaways'><p>Pwani ya kusini italindwa vizuri zaidi kuanzia mwezi ujao.</p></div>"
    body, _ = page(middle=box)
    assert "italindwa vizuri" not in body
    assert_body_kept(body)


def test_a_list_that_the_body_opens_with_beside_its_paragraphs_stays() -> None:
    top = "<div class='txt'><h2>Kwa ufupi</h2><ul><li>Meli mpya imewasili.</li><li>Itaanza doria mwezi ujao.</li></ul></div>"
    body, _ = page(middle=top)  # a heading and a list in the middle of the body are the article's
    assert "Kwa ufupi" in body and "Itaanza doria mwezi ujao." in body


# ---------------------------------------------------------------- an audio player's label

def test_an_audio_players_label_and_duration_are_not_body() -> None:
    player = ("<div class='tts'><button aria-label='Cheza'>►</button> <span>Sikiliza makala hii</span> "
              "<span class='time'>04:27</span></div>")
    body, _ = page(top=player)
    assert "Sikiliza" not in body and "04:27" not in body
    assert_body_kept(body)


def test_an_audio_element_with_its_caption_is_not_body() -> None:
    player = "<p class='podcast'><audio controls src='/a.mp3'></audio> Posłuchaj artykułu (5 min)</p>"
    body, _ = page(top=player, lang="pl")
    assert "Posłuchaj" not in body
    assert_body_kept(body)


def test_a_sentence_beside_a_button_stays() -> None:
    box = f"<div class='txt'><p>{P2} Zaidi.</p><button>Soma zaidi</button></div>"
    body, _ = page(middle=box)
    assert f"{P2} Zaidi." in body


# ---------------------------------------------------------------- a meta box around a time

def test_a_header_meta_box_of_short_fields_around_a_time_is_not_body() -> None:
    meta = ("<div class='hd'><div>Mwandishi: <a href='/w/1'>Amina Juma</a></div>"
            "<time datetime='2026-11-12T09:00:00+03:00'>12 Novemba 2026</time>"
            "<span>Imesasishwa: <time datetime='2026-11-12T15:20:00+03:00'>15:20</time></span>"
            "<span>Dakika 3 za kusoma</span> <span>Maoni 1 204</span></div>")
    body, _ = page(top=meta)
    for junk in ("Imesasishwa", "Dakika 3", "Maoni 1 204", "12 Novemba 2026"):
        assert junk not in body
    assert_body_kept(body)


def test_a_labelled_time_on_its_own_line_is_not_body() -> None:
    body, _ = page(bottom="<p class='upd'>Päivitetty: <time datetime='2026-11-12T15:20'>12.11.2026 klo 15.20</time></p>",
                   lang="fi")
    assert "Päivitetty" not in body
    assert_body_kept(body)


def test_a_time_inside_a_sentence_stays() -> None:
    line = "<div class='txt'><p>Meli itaanza doria <time datetime='2026-12-01'>tarehe 1 Desemba</time>.</p></div>"
    body, _ = page(middle=line)
    assert "Meli itaanza doria tarehe 1 Desemba." in body


# ---------------------------------------------------------------- a details row of "label: value" fields

def test_a_row_of_labelled_fields_without_a_date_is_a_meta_row() -> None:
    assert is_meta_row(Block("Κατηγορία: Άμυνα | Προβολές: 2 310 | Προστέθηκε από: editor"))
    assert is_meta_row(Block("ምድብ፡ ሠራዊት · ዕይታ፡ 312"))
    assert not is_meta_row(Block("Kiev | Lviv | Odesa"))  # no fields, no date
    assert not is_meta_row(Block("Bei: Sh. 5,000 | Waziri alisema bei itapanda mwakani."))


# ---------------------------------------------------------------- a single action link

def test_a_link_line_to_a_form_about_this_article_is_not_body() -> None:
    line = "<p class='fb'><a href='/palaute?juttu=4411&amp;aihe=virhe'>Ilmoita asiavirheestä</a></p>"
    body, _ = page(bottom=line, lang="fi")
    assert "Ilmoita" not in body
    assert_body_kept(body)


def test_a_link_line_to_another_story_is_left_to_other_rules() -> None:
    # Without a query the line is no form link (an inline "also read" link has its own rules).
    assert not is_action_link_line(lxml_html.fromstring("<p><a href='/2026/11/other-story/'>Meli nyingine</a></p>"))
    assert is_action_link_line(lxml_html.fromstring("<p><a href='mailto:desk@example.org?subject=Kosa'>Tuandikie</a></p>"))


# ---------------------------------------------------------------- reader comments and their counter

def test_ucoz_comment_entries_and_their_counter_are_not_body() -> None:
    comments = ("<table><tr><td>Jumla ya maoni: <b>1</b></td></tr><tr><td>"
                "<div class='comEnt' id='comEnt77'><div class='cBlock2'><b class='cAuthor'>Juma</b> "
                "<span class='cDate'>(12.11.2026 10:00)</span><div class='cMessage'>Habari njema sana kwa pwani.</div>"
                "</div></div></td></tr></table>")
    body, _ = page(bottom=comments)
    assert "Habari njema" not in body and "Jumla ya maoni" not in body
    assert_body_kept(body)


def test_a_comment_counter_with_no_comment_yet_is_not_body() -> None:
    section = ("<div class='cnt'>Коментари: <b>0</b></div><div class='comments'><form><textarea></textarea>"
               "</form></div>")
    body, _ = page(bottom=section, lang="bg")
    assert "Коментари" not in body
    assert_body_kept(body)


# ---------------------------------------------------------------- an author box

def test_an_author_box_with_avatar_name_and_bio_is_not_body() -> None:
    box = ("<div class='writer'><img src='/img/u/9.jpg' alt='Amina Juma'><div><h4>Amina Juma</h4>"
           "<p>Ni mwandishi wa habari za ulinzi kwa zaidi ya miaka kumi.</p></div></div>")
    body, stats = page(bottom=box)
    assert "mwandishi wa habari za ulinzi" not in body
    assert_body_kept(body)
    assert stats["boilerplate/author_box"] >= 1


def test_a_photo_with_a_sentence_caption_is_no_author_box() -> None:
    fig = lxml_html.fromstring("<div><img src='/p.jpg' alt='Meli'><p>Meli mpya ikiwa bandarini Jumanne.</p></div>")
    assert not is_author_box(fig)


# ---------------------------------------------------------------- a marketing call to action

def test_a_hubspot_call_to_action_inside_the_body_is_not_body() -> None:
    cta = ("<span class='hs-cta-wrapper' id='hs-cta-wrapper-1'><span class='hs-cta-node hs-cta-1'>"
           "<a href='https://cta-redirect.hubspot.com/cta/redirect/1/2'><img class='hs-cta-img' alt='Jisajili'></a>"
           "</span><p>Pata habari za ulinzi kila Ijumaa kwenye barua pepe yako bila malipo</p></span>")
    body, _ = page(middle=f"<div class='txt'>{cta}</div>")
    assert "Pata habari" not in body
    assert_body_kept(body)


# ---------------------------------------------------------------- an intro field printed twice

def test_an_intro_field_repeating_the_bodys_opening_is_dropped_once() -> None:
    intro = f"<div class='intro'>{P1}<br /><br />Meli iliwasili Jumanne.</div><div class='ad'></div>"
    html = (f"<!doctype html><html lang='sw'><head><meta charset='utf-8'><title>Habari</title></head><body>"
            f"<main><article class='art'><h1>Meli mpya ya doria</h1>{intro}<div class='txt'><p>{P1}</p>"
            f"<p>Meli iliwasili Jumanne.</p><p>{P2}</p><p>{P3}</p></div></article></main></body></html>")
    body = extract_page(html, URL).body
    assert body.count(P1) == 1 and body.count("Meli iliwasili Jumanne.") == 1
    assert P2 in body and P3 in body


def test_paragraphs_repeated_inside_one_field_stay() -> None:
    # An interview repeats its question, a plan repeats its days: one field, not an intro printed twice.
    q = "<p>Swali: Ni nini kilichobadilika tangu mwaka jana katika doria za pwani ya kusini?</p>"
    html = (f"<!doctype html><html lang='sw'><head><meta charset='utf-8'><title>Habari</title></head><body>"
            f"<main><article class='art'><h1>Meli mpya ya doria</h1><div class='txt'>{q}<p>{P1}</p>{q}<p>{P2}</p>"
            f"{q}<p>{P3}</p></div></article></main></body></html>")
    assert extract_page(html, URL).body.count("Swali: Ni nini") == 3


# ---------------------------------------------------------------- more shapes of the same classes

def test_a_row_of_numbered_inline_fields_without_a_time_is_not_body() -> None:
    row = "<div class='info'><span>Dakika 2 za kusoma</span> <span>Maoni 14</span> <span>Wamesoma 402</span></div>"
    body, _ = page(bottom=row)
    assert "Wamesoma" not in body and "Dakika 2" not in body
    assert_body_kept(body)


def test_words_in_spans_that_make_a_sentence_stay() -> None:
    line = "<div class='txt'><p><span>Meli 2 zilifika</span> <span>mwaka 2024.</span></p></div>"
    body, _ = page(middle=line)
    assert "Meli 2 zilifika mwaka 2024." in body


def test_a_player_whose_control_is_a_link_acting_as_a_button_is_not_body() -> None:
    player = ("<div class='voice'><a href='#' role='button' class='play'>Cheza</a> "
              "<span>Ακούστε το άρθρο</span> <span>2:45</span></div>")
    body, _ = page(top=player, lang="el")
    assert "Ακούστε" not in body
    assert_body_kept(body)


def test_a_single_link_acting_on_the_page_is_not_body() -> None:
    body, _ = page(bottom="<p><a href='#' onclick='report()'>Zgłoś błąd w tekście</a></p>", lang="pl")
    assert "Zgłoś" not in body
    assert_body_kept(body)
