"""Failure classes of body chrome from first contact with blind webs L and M (issue 8), one small page each.

Each test names a class, not one site's string: a related-stories module inside the body whose items
carry bylines and dates, a titled web part holding one teaser, a view counter, a row of tool links,
an agency credit closing the body, a translation notice, a "first published in" note, an ad slot's
label, and a pull quote repeating a sentence. The pages are our own, in other languages (cs, pl, pt,
ca, id, de, tr, bn, ta, ka, sw, fi, hr) and markup than L's and M's; every test also checks that the body's
own text around the chrome stays.
"""
from __future__ import annotations

from collections import Counter

from crawler.extraction import extract_page
from crawler.extraction.sequence import Block, is_counter_line

URL = "https://obrana.example.cz/zpravy/2026/11/nova-hlidkova-lod-1234.html"
#: Paragraphs of prose, in Czech: long enough to be the body, with sentence ends.
P1 = ("Námořní pěchota převzala v úterý novou hlídkovou loď, která bude chránit pobřeží Jadranu, "
      "uvedli zástupci ministerstva při slavnostním ceremoniálu v přístavu.")
P2 = ("Loď je dlouhá padesát osm metrů a unese čtyřicet vojáků spolu se záchrannou technikou, "
      "podle prohlášení ministerstva obrany z tohoto týdne.")
P3 = ("Odborníci tvrdí, že nákup pomůže omezit nelegální rybolov a pašování v oblasti, "
      "která se s těmito problémy potýká už mnoho let.")
P4 = ("Druhá loď stejné třídy má být dodána na jaře příštího roku, pokud zkoušky na moři "
      "proběhnou podle plánu, dodal mluvčí loděnice.")


def page(head: str = "", middle: str = "", bottom: str = "", lang: str = "cs") -> tuple[str, Counter]:
    """An article: headline, then the body's text box with ``head`` chrome at its start, ``middle``
    chrome between two paragraphs and ``bottom`` chrome at its end."""
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Zprávy</title></head><body>"
            f"<main><article class='clanek'><h1>Nová hlídková loď pro námořnictvo</h1>"
            f"<div class='text'>{head}<p>{P1}</p><p>{P2}</p>{middle}<p>{P3}</p><p>{P4}</p>{bottom}</div>"
            "</article></main><footer><p>Všechna práva vyhrazena.</p></footer></body></html>")
    stats: Counter = Counter()
    return extract_page(html, URL, stats=stats).body, stats


def assert_body_kept(body: str) -> None:
    for para in (P1, P2, P3, P4):
        assert para in body, body


# ---------------------------------------------------------------- related stories inside the body

def test_a_related_module_whose_items_carry_bylines_and_dates_goes_with_its_title() -> None:
    module = ("<section class='modul'><h4>Dále z rubriky</h4><ul>"
              "<li><a href='/zpravy/2026/10/fregaty-1200.html'>Vláda schválila nákup dvou fregat</a> "
              "<span class='autor'>Autor: Jana Dvořáková</span> <time>2. října 2026</time></li>"
              "<li><a href='/zpravy/2026/10/letiste-1201.html'>Letiště v Čáslavi dostane nový radar</a> "
              "<span class='autor'>Autor: Petr Malý</span> <time>5. října 2026</time></li></ul></section>")
    body, stats = page(middle=module)
    assert "Vláda schválila" not in body and "Jana Dvořáková" not in body and "Dále z rubriky" not in body
    assert_body_kept(body)
    assert stats["boilerplate/related"] >= 1


def test_a_titled_web_part_with_one_teaser_goes_and_the_text_around_it_stays() -> None:
    part = ("<div class='wp-zone'><div class='wp-chrome'><div class='wp-chrome-title'><span>Povezani članci</span></div>"
            "<div class='wp-body'><ul class='list'><li><a href='/Stranice/Zrakoplovstvo.aspx'>Zrakoplovstvo se obnavlja "
            "nakon dvadeset godina</a></li></ul></div></div></div>")
    body, _ = page(middle=part, lang="hr")
    assert "Povezani članci" not in body and "Zrakoplovstvo se obnavlja" not in body
    assert_body_kept(body)


def test_a_list_whose_items_say_more_than_a_link_stays() -> None:
    items = ("<ul><li><a href='/mo'>Ministerstvo obrany</a> potvrdilo objednávku dvou lodí pro pobřežní stráž.</li>"
             "<li><a href='/gs'>Generální štáb</a> chce nové lodě nasadit už v létě příštího roku.</li></ul>")
    body, _ = page(middle=items)
    assert "potvrdilo objednávku" in body and "chce nové lodě" in body
    assert_body_kept(body)


# ---------------------------------------------------------------- counters, tool rows, credits

def test_a_view_counter_at_the_top_of_the_body_is_not_body() -> None:
    body, _ = page(head="<div class='pole-odslony'>Wyświetleń: 1 532</div>", lang="pl")
    assert "Wyświetleń" not in body
    assert_body_kept(body)


def test_a_labelled_count_is_a_counter_only_on_a_line_of_its_own() -> None:
    assert is_counter_line(Block("Wyświetleń: 1 532", 0, "div"))
    assert is_counter_line(Block("Zobrazení: 842", 0, "p"))
    assert not is_counter_line(Block("Czołgi: 50", 0, "li"))  # a figure of the article in a list
    assert not is_counter_line(Block("Wyświetleń: 1 532 razy w ciągu ostatniego tygodnia", 0, "p"))


def test_a_row_of_tool_links_with_only_separators_is_not_body() -> None:
    row = ("<div class='nastroje'><a href='/zpravy/2026/11/nova-hlidkova-lod-1234.html?naked=1' rel='nofollow'>"
           "Verze pro tisk</a> | <a href='/zpetna-vazba/?chyba=1234'>Nahlásit chybu</a></div>")
    body, _ = page(bottom=row)
    assert "Verze pro tisk" not in body and "Nahlásit chybu" not in body
    assert_body_kept(body)


def test_a_sentence_with_two_links_stays() -> None:
    line = ("<p>Podrobnosti zveřejnilo <a href='/mo'>ministerstvo</a> a <a href='/gs'>generální štáb</a> "
            "ve společném prohlášení.</p>")
    body, _ = page(bottom=line)
    assert "ve společném prohlášení" in body
    assert_body_kept(body)


def test_an_agency_credit_in_italics_closing_the_body_is_not_body() -> None:
    body, stats = page(bottom="<p><em>Menurut Antara</em></p>", lang="id")
    assert "Menurut Antara" not in body
    assert_body_kept(body)
    assert stats["boilerplate/credit"] == 1


def test_an_italic_sentence_or_a_signed_line_at_the_end_stays() -> None:
    body, _ = page(bottom="<p><em>Článek byl doplněn o vyjádření loděnice.</em></p>")
    assert "Článek byl doplněn o vyjádření loděnice." in body
    body, _ = page(bottom="<p>Tak uvedl mluvčí. <em>Podle ČTK</em> pak</p>")
    assert "Podle ČTK" in body  # inside a line of text, not a line of its own


# ---------------------------------------------------------------- provenance notes, by grammar

def test_translation_notices_at_the_edges_are_not_body_in_several_languages() -> None:
    notes = [
        ("ca", "Aquest article ha estat traduït automàticament de l'anglès i revisat per la nostra redacció.", "head"),
        ("id", "Artikel ini diterjemahkan secara otomatis dari bahasa Inggris dan disunting oleh tim kami.", "bottom"),
        ("de", "Dieser Artikel wurde maschinell aus dem Englischen übersetzt.", "bottom"),
        ("tr", "Bu haber İngilizceden makine çevirisiyle çevrilmiştir.", "head"),
    ]
    for lang, note, where in notes:
        chrome = f"<p><em>{note}</em></p>" if where == "head" else f"<p>{note}</p>"
        body, stats = page(lang=lang, **{where: chrome})
        assert note[:30] not in body, (lang, body)
        assert_body_kept(body)
        assert stats["boilerplate/disclosure"] >= 1


def test_a_translation_notice_marked_by_its_class_is_not_body() -> None:
    body, _ = page(head="<div class='theme-translation-notice'><p>Texto traduzido do inglês pela equipa.</p></div>", lang="pt")
    assert "Texto traduzido" not in body
    assert_body_kept(body)


def test_a_sentence_about_a_translated_document_stays() -> None:
    body, _ = page(bottom="<p>Das Handbuch wurde aus dem Englischen übersetzt und an alle Einheiten verteilt.</p>", lang="de")
    assert "Das Handbuch wurde aus dem Englischen übersetzt" in body
    assert_body_kept(body)


def test_first_published_notes_at_the_end_are_not_body() -> None:
    for lang, note in (("ca", "Aquest article es va publicar originalment al diari El Punt de Girona."),
                       ("tr", "Bu makale ilk olarak Savunma Dergisi'nin basılı sayısında yayımlandı.")):
        body, stats = page(bottom=f"<p><em>{note}</em></p>", lang=lang)
        assert note[:25] not in body, (lang, body)
        assert_body_kept(body)


# ---------------------------------------------------------------- ad labels, pull quotes

def test_an_ad_slots_label_is_not_body_in_languages_of_many_scripts() -> None:
    for lang, word in (("bn", "বিজ্ঞাপন"), ("ta", "விளம்பரம்"), ("ka", "რეკლამა"), ("sw", "Tangazo")):
        body, _ = page(middle=f"<div class='slot-x'><span class='lbl'>{word}</span></div>", lang=lang)
        assert word not in body, (lang, body)
        assert_body_kept(body)


def test_an_amp_ad_slot_takes_its_label_along_in_any_language() -> None:
    slot = ("<div class='adHeight250'><span class='adText'>Kaupallinen yhteistyö</span>"
            "<amp-ad width='300' height='250' type='doubleclick' data-slot='/123/mid'></amp-ad></div>")
    body, _ = page(middle=slot, lang="fi")
    assert "Kaupallinen yhteistyö" not in body
    assert_body_kept(body)


def test_a_pull_quote_repeating_a_sentence_of_the_body_is_not_body() -> None:
    quoted = P2.split(",")[0]  # "Loď je dlouhá padesát osm metrů a unese čtyřicet vojáků spolu se záchrannou technikou"
    for box in (f"<blockquote class='cita'><p>{quoted}</p></blockquote>",
                f"<div class='story-element story-element-text-quote'><div><p>„{quoted}“</p></div></div>"):
        body, _ = page(middle=box)
        assert body.count(quoted) == 1, body
        assert_body_kept(body)


def test_a_quote_said_only_once_stays() -> None:
    quote = "Tato loď je pro nás velkým krokem vpřed a posádky se na ni těší už od jara."
    body, _ = page(middle=f"<blockquote><p>{quote}</p></blockquote>")
    assert quote in body
    assert_body_kept(body)


def test_a_counter_marked_by_its_class_goes_whatever_its_wording() -> None:
    body, _ = page(head="<div class='item-hits'>1 532 zobrazení</div>")
    assert "zobrazení" not in body
    assert_body_kept(body)


def test_a_signed_line_in_italics_at_the_end_is_left_to_the_byline_step() -> None:
    body, stats = page(bottom="<p><em>Jan Novák, Plzeň</em></p>")
    assert stats["boilerplate/credit"] == 0


def test_a_related_list_with_the_date_before_each_headline_goes_too() -> None:
    module = ("<div class='modul'><h4>Samasta aiheesta</h4><ul>"
              "<li><time>2.10.2026</time> <a href='/uutiset/1200'>Hallitus hyväksyi fregattien hankinnan</a> "
              "<span>Kirjoittanut Maija Virtanen</span></li>"
              "<li><time>5.10.2026</time> <a href='/uutiset/1201'>Lentotukikohta saa uuden tutkan</a> "
              "<span>Kirjoittanut Pekka Laine</span></li></ul></div>")
    body, _ = page(middle=module, lang="fi")
    assert "Hallitus hyväksyi" not in body and "Samasta aiheesta" not in body and "Maija Virtanen" not in body
    assert_body_kept(body)
