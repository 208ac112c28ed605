"""Byline failure classes from first contact with blind webs L and M (issue 8), one small page each.

Each test names a class, not one site's string: a signature closing the body ("— Name, City") with a
role word or a title before the name, or a desk's; a title before the name, from data and glued in an
unspaced script; a byline label left before a name that the byline also gives bare; a colon of another
script closing the label; three names with commas and an "and" where the structured data kept the
first; a role after a comma and a marked name; an institution spelled out with its acronym; a name only
in an avatar's alt text. The pages are our own, in other languages and markup than L's and M's
(Belarusian, Burmese, Khmer, Welsh, Uzbek, Sinhala, Somali).
"""
from __future__ import annotations

from crawler.extraction import extract_page
from crawler.extraction.authors import clean_author
from crawler.extraction.honorifics import without_title
from crawler.extraction.names import and_split
from crawler.extraction.signature import signature_names

URL = "https://novinky.example.org/2026/11/clanek/"

#: Bodies written for these tests: Portuguese, Slovak, Lao, Indonesian, Georgian.
PORTUGUESE = ["A Marinha Portuguesa recebeu esta semana o primeiro de seis novos navios-patrulha oceânicos, "
              "construídos nos estaleiros de Viana do Castelo ao abrigo do programa de reequipamento.",
              "O navio vai operar sobretudo nos Açores, onde a vigilância das pescas e o apoio às populações "
              "das ilhas exigem meios com grande autonomia e capacidade de carga.",
              "Segundo o ministério, os restantes navios serão entregues até ao final de 2028, à razão de um "
              "por ano, com tripulações já em formação na Escola Naval."]
SLOVAK = ["Ozbrojené sily Slovenskej republiky prevzali prvé obrnené vozidlá nového typu, ktoré nahradia "
          "zastarané transportéry z osemdesiatych rokov minulého storočia.",
          "Vozidlá budú slúžiť v mechanizovanej brigáde na východe krajiny a výcvik posádok sa začne ešte "
          "tento mesiac na vojenskom útvare pri Prešove.",
          "Podľa ministerstva obrany sa zvyšné vozidlá dodajú postupne do konca roka 2029."]
LAO = ["ກອງທັບປະຊາຊົນລາວ ໄດ້ຈັດການຝຶກຊ້ອມຮ່ວມກັບກອງທັບຂອງປະເທດເພື່ອນບ້ານ ຢູ່ແຂວງຈຳປາສັກ ໃນອາທິດນີ້ "
       "ໂດຍມີທະຫານເຂົ້າຮ່ວມຫຼາຍກວ່າສອງພັນຄົນ ແລະ ພາຫະນະຫຼາຍຮ້ອຍຄັນ.",
       "ການຝຶກຊ້ອມຄັ້ງນີ້ ແມ່ນເພື່ອກວດກາຄວາມພ້ອມຂອງໜ່ວຍງານໃນການຊ່ວຍເຫຼືອປະຊາຊົນ ເວລາເກີດໄພພິບັດທຳມະຊາດ "
       "ເຊັ່ນ ນ້ຳຖ້ວມ ແລະ ດິນເຈື່ອນ ຢູ່ເຂດພູດອຍ.",
       "ເຈົ້າໜ້າທີ່ກ່າວວ່າ ການຝຶກຊ້ອມແບບນີ້ ຈະຈັດຂຶ້ນທຸກປີ ແລະ ຈະຂະຫຍາຍໄປສູ່ແຂວງອື່ນໆ ໃນອະນາຄົດ."]
INDONESIAN = ["Tentara Nasional Indonesia menerima empat helikopter angkut baru yang akan ditempatkan di "
              "pangkalan udara di Kalimantan Timur untuk mendukung operasi kemanusiaan.",
              "Helikopter tersebut mampu mengangkut dua puluh prajurit atau muatan seberat empat ton, dan "
              "dilengkapi peralatan untuk terbang malam serta dalam cuaca buruk.",
              "Menurut kementerian, sisa pesanan akan dikirim secara bertahap hingga akhir tahun depan."]
GEORGIAN = ["საქართველოს თავდაცვის ძალებმა ახალი საჰაერო თავდაცვის სისტემა მიიღეს, რომელიც "
            "დედაქალაქის მიმდებარე ტერიტორიაზე განთავსდება და ქვეყნის ცას დაიცავს.",
            "სისტემის ოპერატორებმა სწავლება უკვე დაასრულეს, ხოლო პირველი საველე გამოცდები მომავალ თვეში "
            "გაიმართება აღმოსავლეთ საქართველოში.",
            "სამინისტროს ცნობით, დანარჩენი კომპლექსები ეტაპობრივად მომდევნო ორი წლის განმავლობაში შემოვა."]


def page(paras: list[str], lang: str, meta: str = "", tail: str = "", head: str = "") -> object:
    """A page with a headline, an optional meta zone, the body's paragraphs and whatever closes the body."""
    body = "".join(f"<p>{p}</p>" for p in paras)
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Notícia</title>{head}</head>"
            f"<body><main><article><h1>Notícia do dia</h1>{meta}<div class='article-text'>{body}{tail}</div>"
            f"</article></main><footer><p>Rodapé do sítio.</p></footer></body></html>")
    return extract_page(html, URL)


# --- a signature closing the body: the author, and no body


def test_a_signature_closing_the_body_names_the_author_and_leaves_the_body() -> None:
    rec = page(PORTUGUESE, "pt", tail="<p><em>— Ana Ribeiro, Lisboa</em></p>")
    assert rec.authors == ["Ana Ribeiro"]
    assert "Ana Ribeiro" not in rec.body and "Lisboa" not in rec.body
    assert rec.body.endswith("Escola Naval.")


def test_a_role_word_before_the_signed_name_is_no_part_of_it() -> None:
    rec = page(SLOVAK, "sk", tail="<div class='podpis'>– redaktor Ján Novák, Košice</div>")
    assert rec.authors == ["Ján Novák"]
    assert "Košice" not in rec.body


def test_a_title_glued_to_a_signed_name_in_an_unspaced_script_is_dropped() -> None:
    rec = page(LAO, "lo", tail="<p><i>— ດຣ.ສົມພອນແກ້ວມະນີ, ວຽງຈັນ</i></p>")
    assert rec.authors == ["ສົມພອນແກ້ວມະນີ"]
    assert "ວຽງຈັນ" not in rec.body.split("\n\n")[-1]


def test_a_desk_signature_leaves_the_body_and_names_nobody() -> None:
    rec = page(INDONESIAN, "id", tail="<p><em>— Meja Berita Jakarta</em></p>")
    assert rec.authors == []
    assert "Meja Berita" not in rec.body


def test_a_signature_naming_the_bylines_author_leaves_the_body() -> None:
    rec = page(PORTUGUESE, "pt", meta="<p class='byline'>Por Ana Ribeiro</p>",
               tail="<p><em>— Ana Ribeiro, Lisboa</em></p>")
    assert rec.authors == ["Ana Ribeiro"]
    assert "Lisboa" not in rec.body


def test_a_quotes_source_closing_the_body_stays() -> None:
    """A dash line naming someone other than the byline's author, or in a quotation, is the quote's source."""
    rec = page(PORTUGUESE, "pt", meta="<p class='byline'>Por Ana Ribeiro</p>",
               tail="<p>«O mar é a nossa fronteira mais longa.»</p><p>— Manuel Tavares Correia</p>")
    assert rec.authors == ["Ana Ribeiro"]
    assert "Manuel Tavares Correia" in rec.body
    rec = page(PORTUGUESE, "pt", tail="<blockquote><p>O mar é a nossa fronteira.</p><p>— Manuel Correia, almirante</p>"
                                      "</blockquote>")
    assert "Manuel Correia" in rec.body


def test_a_sentence_or_a_lower_case_phrase_after_a_dash_is_no_signature() -> None:
    assert signature_names("— e assim terminou a cerimónia.", "pt") is None
    assert signature_names("— mais informações em breve", "pt") is None
    assert signature_names("— Com reportagem adicional de Rui Lopes", "pt") is None
    assert signature_names("— Reuters", "pt") is None  # one word: an agency's credit, not a signature
    assert signature_names("— Ana Ribeiro, Lisboa", "pt") == ["Ana Ribeiro"]
    assert signature_names("— Ana Ribeiro e Rui Lopes, Porto", "pt") == ["Ana Ribeiro", "Rui Lopes"]


# --- titles before the name: data by language, spaced or glued


def test_a_title_before_a_bylines_name_is_dropped_in_any_script() -> None:
    assert clean_author("პროფესორი ნინო ბერიძე", lang="ka") == ["ნინო ბერიძე"]
    assert clean_author("Autor: MUDr. Jana Nováková", lang="sk") == ["Jana Nováková"]
    assert clean_author("डॉ. अमित शर्मा", lang="hi") == ["अमित शर्मा"]
    assert clean_author("ดร.สมชาย ใจดี", lang="th") == ["สมชาย ใจดี"]


def test_a_short_abbreviation_is_a_title_only_with_its_dot_and_a_name_is_left() -> None:
    assert without_title("Ing. Petr Svoboda") == "Petr Svoboda"
    assert without_title("Ing Kristiansen") == "Ing Kristiansen"
    assert without_title("Professor") == "Professor"


def test_a_byline_with_a_title_names_the_person_through_the_page() -> None:
    rec = page(GEORGIAN, "ka", meta="<div class='author-name'>პროფესორი ნინო ბერიძე</div>")
    assert rec.authors == ["ნინო ბერიძე"]


# --- a byline's label, and its colon in another script


def test_a_bare_label_before_boxed_linked_names_is_no_name() -> None:
    meta = ("<span class='byline'>Le <span class='vcard author'><a href='/udair/sean-o-briain/'>Seán Ó Briain</a></span>"
            " agus <span class='vcard author'><a href='/udair/maire-ni-bhriain/'>Máire Ní Bhriain</a></span></span>")
    rec = page(PORTUGUESE, "ga", meta=meta)
    assert rec.authors == ["Seán Ó Briain", "Máire Ní Bhriain"]


def test_a_label_closing_with_another_scripts_colon_is_dropped() -> None:
    assert clean_author("ጸሐፊ፦ አበበ ከበደ", lang="am") == ["አበበ ከበደ"]


def test_cldrs_and_with_an_invisible_space_still_splits_two_names() -> None:
    """Khmer is the one CLDR locale whose "and" carries a zero-width space; the names here are not web L's."""
    assert and_split("km").split("ចាន់ ដារ៉ា និង កែវ សុផល") == ["ចាន់ ដារ៉ា", "កែវ សុផល"]


# --- co-authors: three with commas and an "and", a role after a comma


def test_three_linked_names_with_commas_and_an_and_where_the_data_kept_the_first() -> None:
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
            '"headline": "Berita", "author": {"@type": "Person", "name": "Rudi Hartono"}}</script>')
    meta = ("<div class='meta'><span class='byline'>Oleh: <a href='/penulis/rudi'>Rudi Hartono</a>, "
            "<a href='/penulis/sari'>Sari Wulandari</a> dan <a href='/penulis/agus'>Agus Salim</a></span></div>")
    rec = page(INDONESIAN, "id", meta=meta, head=head)
    assert rec.authors == ["Rudi Hartono", "Sari Wulandari", "Agus Salim"]


def test_a_role_after_a_marked_name_and_a_comma_is_no_second_author() -> None:
    meta = ("<div class='meta'><span class='byline-text'><span class='author'>Siti Aminah Yusof</span>, "
            "Wartawan Kuala Lumpur</span></div>")
    rec = page(INDONESIAN, "ms", meta=meta)
    assert rec.authors == ["Siti Aminah Yusof"]


# --- an institution as the byline; a name only in an avatar


def test_an_institution_spelled_out_with_its_acronym_is_no_author() -> None:
    assert clean_author("Chanzo: Shirika la Utangazaji Tanzania (TBC)", lang="sw") == []
    assert clean_author("Latvijas Nacionālā Aģentūra (LETA)", lang="lv") == []
    assert clean_author("Maria de la Cruz (EFE)", lang="es") == ["Maria de la Cruz"]


def test_a_name_only_in_an_avatars_alt_text_is_the_author() -> None:
    meta = ("<div class='post-author'><a class='post-author__link' href='/tac-gia/nguyen-van-an'>"
            "<img class='post-author__avatar' src='/a/an.jpg' alt='Nguyễn Văn An'></a></div>")
    rec = page(PORTUGUESE, "vi", meta=meta)
    assert rec.authors == ["Nguyễn Văn An"]


def test_an_avatar_whose_alt_describes_the_picture_names_nobody() -> None:
    meta = ("<div class='post-author'><a class='post-author__link' href='/autor/ana-ribeiro'>"
            "<img class='post-author__avatar' src='/a/ana.jpg' alt='Fotografia de perfil da autora'></a></div>")
    assert page(PORTUGUESE, "pt", meta=meta).authors == []
