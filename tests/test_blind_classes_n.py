"""Failure classes from first contact with blind web N (issue 8), one small page or name each.

Each test names a class, not one site's string: a form of address before a byline's name (the
Mr/Mrs/Ms of each language, as data) and a machine-translation notice in more languages. The pages
and names are our own, in other languages and markup than N's (German, Arabic, Khmer, Thai,
Swedish, Finnish, Hungarian, Croatian).
"""
from __future__ import annotations

import unicodedata
from collections import Counter

from crawler.extraction import extract_page
from crawler.extraction.authors import clean_author
from crawler.extraction.honorifics import tidy_authors, without_title
from crawler.extraction.signature import signature_names

URL = "https://forsvar.example.se/nyheter/2026/11/ny-patrullbat-1234/"
#: Paragraphs of prose, in Czech: long enough to be the body, with sentence ends.
P1 = ("Námořní pěchota převzala v úterý novou hlídkovou loď, která bude chránit pobřeží Jadranu, "
      "uvedli zástupci ministerstva při slavnostním ceremoniálu v přístavu.")
P2 = ("Loď je dlouhá padesát osm metrů a unese čtyřicet vojáků spolu se záchrannou technikou, "
      "podle prohlášení ministerstva obrany z tohoto týdne.")
P3 = ("Odborníci tvrdí, že nákup pomůže omezit nelegální rybolov a pašování v oblasti, "
      "která se s těmito problémy potýká už mnoho let.")
P4 = ("Druhá loď stejné třídy má být dodána na jaře příštího roku, pokud zkoušky na moři "
      "proběhnou podle plánu, dodal mluvčí loděnice.")


def page(head: str = "", middle: str = "", bottom: str = "", lang: str = "cs",
         byline: str = "") -> tuple[str, list[str], Counter]:
    """An article: headline, ``byline``, then the body with chrome at its start, middle and end."""
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Zprávy</title></head><body>"
            f"<main><article class='clanek'><h1>Nová hlídková loď pro námořnictvo</h1>{byline}"
            f"<div class='text'>{head}<p>{P1}</p><p>{P2}</p>{middle}<p>{P3}</p><p>{P4}</p>{bottom}</div>"
            "</article></main><footer><p>Všechna práva vyhrazena.</p></footer></body></html>")
    stats: Counter = Counter()
    result = extract_page(html, URL, stats=stats)
    return result.body, result.authors, stats


def assert_body_kept(body: str) -> None:
    for para in (P1, P2, P3, P4):
        assert para in body, body


# ---------------------------------------------------------------- forms of address before a name

def test_a_form_of_address_before_a_name_is_dropped_in_many_languages() -> None:
    cases = {"Herr Jonas Weber": "Jonas Weber",
             "السيد أحمد خالد": "أحمد خالد", "លោក សុខ ដារ៉ា": "សុខ ដារ៉ា", "លោកស្រី លី ស្រីពៅ": "លី ស្រីពៅ",
             "นางสาวกมลวรรณ ใจดี": "กมลวรรณ ใจดี", "Sra. Lucía Gómez": "Lucía Gómez",
             "Bapak Bambang Sutrisno": "Bambang Sutrisno", "श्रीमती कविता शर्मा": "कविता शर्मा"}
    for name, want in cases.items():
        assert without_title(name) == want, name


def test_a_form_of_address_written_decomposed_is_still_dropped() -> None:
    # The same title with its accents as combining marks: pages write either form.
    name = unicodedata.normalize("NFD", "Arábìnrin Fúnmiláyọ̀ Adébáyọ̀")
    assert without_title(name) == unicodedata.normalize("NFC", "Fúnmiláyọ̀ Adébáyọ̀")


def test_name_particles_and_initials_are_no_form_of_address() -> None:
    for name in ["Siobhán Ní Bhriain", "Seán Ó Briain", "Nurlan Asanbek uulu", "Pan Wei",
                 "M. Dupont", "G. Santos", "Sri Mulyani", "Herr"]:
        assert without_title(name) == name


def test_a_byline_with_a_form_of_address_names_the_person_through_the_page() -> None:
    _, authors, _ = page(lang="de", byline="<p class='autor'>Von Herrn Jonas Weber</p>"
                         "<p class='byline'>Von <a rel='author' href='/autor/weber'>Frau Petra Lang</a></p>")
    assert "Petra Lang" in authors, authors
    assert not any(a.startswith("Frau") for a in authors), authors


# ---------------------------------------------------------------- machine-translation notices

def test_machine_translation_notices_are_not_body_in_more_languages() -> None:
    notes = [
        ("sv", "Den här artikeln har översatts från engelska med hjälp av en maskin och granskats av redaktionen."),
        ("fi", "Tämä artikkeli on käännetty englannista konekäännöksen avulla ja toimitus on tarkistanut sen."),
        ("hu", "Ezt a cikket gépi fordítással fordítottuk angolról, majd a szerkesztőség átnézte."),
        ("hr", "Ovaj članak je strojno preveden s engleskog jezika i pregledalo ga je uredništvo."),
    ]
    for lang, note in notes:
        body, _, stats = page(lang=lang, head=f"<p class='napomena'><em>{note}</em></p>")
        assert note[:30] not in body, (lang, body)
        assert_body_kept(body)
        assert stats["boilerplate/disclosure"] >= 1


def test_a_sentence_about_a_translated_manual_stays() -> None:
    note = "Handboken har översatts till ukrainska och delats ut till alla förband som deltar i utbildningen."
    body, _, _ = page(lang="sv", bottom=f"<p>{note}</p>")
    assert note in body
    assert_body_kept(body)


# ---------------------------------------------------------------- a call-to-action box mid-body

def test_a_membership_box_closed_by_a_button_deeper_into_the_site_is_not_body() -> None:
    box = ("<div class='wp-block-group'><h3>Apoie o nosso jornalismo</h3>"
           "<p>Torne-se assinante a partir de 4,99 € por mês e ajude-nos a continuar.</p>"
           "<a class='wp-block-button__link button' href='/loja/assinatura'>Assinar agora</a></div>")
    body, _, _ = page(lang="pt", middle=box)
    assert "Apoie o nosso jornalismo" not in body and "Assinar agora" not in body, body
    assert "4,99" not in body
    assert_body_kept(body)


def test_a_sentence_closed_by_a_plain_link_deeper_into_the_site_stays() -> None:
    line = "<p>Todos os relatórios anteriores estão disponíveis no arquivo. <a href='/arquivo/defesa'>Arquivo da defesa</a></p>"
    body, _, _ = page(lang="pt", middle=line)
    assert "Todos os relatórios anteriores" in body, body
    assert_body_kept(body)


# ---------------------------------------------------------------- another story embedded in the body

def test_an_embedded_teaser_with_its_label_headline_and_lead_is_not_body() -> None:
    teaser = ("<div class='field-embed'><em>Související</em><a href='/zpravy/2026/10/nove-radary-pro-armadu'>"
              "Armáda dostane nové radary za dvě miliardy</a><div class='perex'>Ministerstvo podepsalo smlouvu "
              "s dodavatelem.</div></div>")
    body, _, _ = page(middle=teaser)
    assert "Související" not in body and "nové radary" not in body and "podepsalo smlouvu" not in body, body
    assert_body_kept(body)


def test_a_box_of_a_label_and_a_paragraph_with_a_link_stays() -> None:
    box = ("<div class='note'><strong>Poznámka</strong><p>Celou zprávu ministerstva si můžete přečíst "
           "<a href='/dokumenty/zprava'>na webu resortu</a>, kde je i její anglická verze.</p></div>")
    body, _, _ = page(middle=box)
    assert "Celou zprávu ministerstva" in body, body
    assert_body_kept(body)


# ---------------------------------------------------------------- a signature after the body, patronymics

def test_a_patronymic_closing_a_name_is_part_of_it_in_a_byline_and_a_signature() -> None:
    assert clean_author("Elvin Rəşid oğlu, hərbi müxbir", lang="az") == ["Elvin Rəşid oğlu"]
    assert signature_names("— Jasur Karim o‘g‘li, Toshkent", "uz") == ["Jasur Karim o‘g‘li"]
    assert signature_names("— with reporting oğlu", "az") is None


def test_a_signature_in_a_block_after_the_body_names_the_authors() -> None:
    html = ("<!doctype html><html lang='uz'><head><meta charset='utf-8'><title>Yangiliklar</title></head><body>"
            "<main><article><h1>Mudofaa vazirligi yangi formani sinovdan o‘tkazmoqda</h1>"
            f"<section class='story-text'><p>{P1}</p><p>{P2}</p><p>{P3}</p><p>{P4}</p></section>"
            "<div class='story-sign'>— Dilnoza Karimova va Sardor Aliyev, Toshkent</div>"
            "<div class='tags'><a href='/teg/mudofaa'>#Mudofaa</a></div></article></main></body></html>")
    result = extract_page(html, URL)
    assert result.authors == ["Dilnoza Karimova", "Sardor Aliyev"], result.authors
    assert_body_kept(result.body)


def test_a_labelled_byline_with_a_title_is_a_twin_of_the_bare_name() -> None:
    assert tidy_authors(["Lucía Gómez", "Por Sra. Lucía Gómez"]) == ["Lucía Gómez"]
    assert tidy_authors(["Lucía Gómez", "María Ana Lucía Gómez"]) == ["Lucía Gómez", "María Ana Lucía Gómez"]


# ---------------------------------------------------------------- a pull quote in an unspaced script

THAI = ("ผู้อำนวยการโรงเรียน กล่าวว่า ความรู้ด้านภาษาเป็นเงื่อนไขสำคัญในการร่วมมือกับประเทศเพื่อนบ้าน "
        "โดยเฉพาะในงานรักษาสันติภาพ")


def test_a_pull_quote_with_its_source_repeating_a_thai_paragraph_is_not_body() -> None:
    quote = f"<figure class='quote-box'><blockquote><p>{THAI}</p><cite>ผู้อำนวยการโรงเรียน</cite></blockquote></figure>"
    for where in ({"head": f"<p>{THAI}</p>", "middle": quote}, {"middle": f"<p>{THAI}</p>", "bottom": quote}):
        body, _, _ = page(lang="th", **where)
        assert body.count(THAI) == 1, body
        assert_body_kept(body)


def test_a_thai_quote_with_its_source_said_once_stays() -> None:
    quote = f"<figure class='quote-box'><blockquote><p>{THAI}</p><cite>ผู้อำนวยการโรงเรียน</cite></blockquote></figure>"
    body, _, _ = page(lang="th", middle=quote)
    assert THAI in body, body
    assert_body_kept(body)
