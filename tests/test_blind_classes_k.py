"""Failure classes from first contact with blind web K (issue 8, authors and language), one small page each.

Each test names a class, not one site's string: a Cyrillic language other than Russian that the page
declares or its letters show; two linked names joined by a word that CLDR's list pattern does not give;
initialled names joined by a small word; reader comments under abbreviated or translated class names;
a credits line whose writers are the names it links; a news desk as the byline. The pages are our own,
in other languages and wordings than K's.
"""
from __future__ import annotations

from crawler.extraction import extract_page
from crawler.extraction.authors import clean_author
from crawler.extraction.lang import cyrillic_lang, script_of
from crawler.extraction.names import names_a_desk

URL = "https://news.example.org/2026/11/story/"
BODY = ("The ministry said the first armoured vehicles would be delivered by the end of the year, and that "
        "the contract for the second batch would be signed in the spring, officials added on Tuesday.")

#: Bodies written for these tests (not taken from any mock web): Kyrgyz, Tajik, Serbian, Kazakh, Russian.
KYRGYZ = ("Кыргыз Республикасынын Куралдуу күчтөрү тоолуу аймакта ири машыгууну өткөрүштү. Машыгууга беш миңден "
          "ашык аскер кызматчысы жана жүздөн ашык техника катышты. Коргоо министрлигинин маалыматы боюнча, "
          "машыгуунун негизги максаты чекараны коргоо боюнча бөлүктөрдүн өз ара аракеттенүүсүн текшерүү болгон. "
          "Аскерлер түнкүсүн да көнүгүүлөрдү аткарып, жаңы байланыш каражаттарын сынап көрүштү.")
TAJIK = ("Вазорати мудофиаи Ҷумҳурии Тоҷикистон хабар дод, ки дар минтақаи кӯҳистон машқҳои бузурги ҳарбӣ "
         "гузаронида шуданд. Дар машқҳо зиёда аз се ҳазор хизматчии ҳарбӣ ва садҳо воҳиди техника ширкат "
         "варзиданд. Ҳадафи асосии машқҳо санҷиши омодагии қисмҳо барои ҳифзи сарҳади давлатӣ буд. "
         "Сарбозон инчунин воситаҳои нави алоқаро дар шароити душвори кӯҳистон озмоиш карданд.")
SERBIAN = ("Војска Србије је током прошле недеље извела велику вежбу на полигону код Пасуљанских ливада. У вежби "
           "је учествовало више од две хиљаде припадника и стотине борбених возила. Према наводима Министарства "
           "одбране, циљ вежбе био је провера спремности јединица за брзо дејство. Посебна пажња посвећена је "
           "употреби беспилотних летелица и новим средствима везе. Љубазни домаћини угостили су и посматраче.")
KAZAKH = ("Әскери қызметшілер Қарағанды облысындағы полигонда жаңа байланыс құралдарын сынады. Жаттығуға "
          "мыңнан астам сарбаз қатысып, түнгі уақытта да тапсырмалар орындалды. Қорғаныс министрлігінің "
          "хабарлауынша, жаңа құралдар келесі жылы барлық бөлімдерге жеткізіледі.")
RUSSIAN = ("Военнослужащие провели учения на полигоне в Подмосковье. В учениях приняли участие более тысячи "
           "человек, а также десятки единиц техники. По словам представителей министерства, главной задачей "
           "было проверить готовность подразделений к действиям в сложных условиях.")


def story(meta: str, lang: str = "en", body: str = BODY, tail: str = "", head: str = "") -> object:
    """A page with a headline, a meta zone under it, a body and something after it."""
    paras = f"<p>{body}</p><p>{body} Again.</p><p>{body} Once more.</p>" if body == BODY else f"<p>{body}</p>"
    lang_attr = f" lang='{lang}'" if lang else ""
    html = (f"<!doctype html><html{lang_attr}><head><meta charset='utf-8'><title>Story</title>{head}</head>"
            f"<body><div class='wrap'><div class='col-main'><h1>Story</h1>{meta}"
            f"<div class='text'>{paras}</div>{tail}</div></div><footer><p>Footer text of the site.</p></footer>"
            f"</body></html>")
    return extract_page(html, URL)


# ---------------------------------------------------------------- Cyrillic languages other than Russian

def test_a_declared_cyrillic_language_that_our_table_lacks_is_kept() -> None:
    # CLDR's likely subtags say Kyrgyz and Tajik are written in Cyrillic: the body agrees with the page.
    assert story("", lang="ky", body=KYRGYZ).lang == "ky"
    assert story("", lang="tg", body=TAJIK).lang == "tg"


SERBIAN_LATIN = ("Vojska Srbije je tokom prošle nedelje izvela veliku vežbu na poligonu kod Pasuljanskih livada. "
                 "U vežbi je učestvovalo više od dve hiljade pripadnika i stotine borbenih vozila. Prema navodima "
                 "Ministarstva odbrane, cilj vežbe bio je provera spremnosti jedinica za brzo dejstvo.")
UZBEK_CYRILLIC = ("Ўзбекистон Қуролли кучлари тоғли ҳудудда йирик ҳарбий машғулот ўтказди. Машғулотда уч мингдан "
                  "ортиқ ҳарбий хизматчи ва юздан ортиқ техника иштирок этди. Мудофаа вазирлигининг хабар беришича, "
                  "машғулотнинг асосий мақсади бўлинмаларнинг ҳамкорлигини текшириш бўлган.")


def test_a_language_that_cldr_writes_in_two_scripts_keeps_its_declaration() -> None:
    # Serbian in Latin letters, Uzbek in Cyrillic: CLDR has sr_Latn and uz_Cyrl, the body does not contradict.
    assert story("", lang="sr", body=SERBIAN_LATIN).lang == "sr"
    assert story("", lang="uz", body=UZBEK_CYRILLIC).lang == "uz"
    # CLDR's zh_Latn is no reason to keep "zh" on an English story
    assert story("", lang="zh").lang == "en"


def test_the_script_of_a_language_comes_from_cldr() -> None:
    assert script_of("ky") == script_of("tg") == script_of("sr") == "cyrillic"
    assert script_of("ta") == script_of("am") == script_of("ka") == "other"  # scripts not counted apart
    assert script_of("af") == script_of("bs") == "latin"


def test_a_language_with_another_script_still_yields_to_a_latin_body() -> None:
    # A Tamil or Amharic template around an English story: the body's script contradicts it.
    assert story("", lang="ta").lang == "en"
    assert story("", lang="am").lang == "en"


def test_a_cyrillic_body_is_told_by_its_letters_when_the_model_cannot() -> None:
    assert cyrillic_lang(KAZAKH) == "kk"
    assert cyrillic_lang(SERBIAN) == "sr"
    assert cyrillic_lang(RUSSIAN) == "ru"
    # the alphabet that has all of the body's extra letters, the most specific one first
    assert cyrillic_lang(KYRGYZ) == "ky" and cyrillic_lang(TAJIK) == "tg" and cyrillic_lang(UZBEK_CYRILLIC) == "uz"
    assert cyrillic_lang(RUSSIAN, "tt") == "tt"  # the model's Cyrillic answer stands
    assert cyrillic_lang(SERBIAN, "en") == "sr"  # a non-Cyrillic answer does not


def test_an_undeclared_cyrillic_page_is_not_russian_by_default() -> None:
    assert story("", lang="", body=KYRGYZ).lang == "ky"


# ---------------------------------------------------------------- "and" between names, any language

def test_two_linked_names_joined_by_a_word_cldr_does_not_give() -> None:
    # Mongolian's CLDR list pattern joins with a comma; writers join with "болон" (or "ба").
    meta = ("<div class='post-meta'><span class='post-authors'>Бичсэн: <a href='/zokhiogch/5'>С. Батболд</a> болон "
            "<a href='/zokhiogch/9'>Н. Оюунчимэг</a></span></div>")
    assert story(meta, lang="mn").authors == ["С. Батболд", "Н. Оюунчимэг"]


def test_linked_names_in_an_uncased_script_joined_by_a_word() -> None:
    meta = ("<p class='byline'><a href='/writers/ravi'>രവി മേനോൻ</a> ഒപ്പം "
            "<a href='/writers/anitha'>അനിത നായർ</a></p>")
    assert story(meta, lang="ml").authors == ["രവി മേനോൻ", "അനിത നായർ"]


def test_initialled_names_joined_by_a_small_word_are_two_names() -> None:
    assert clean_author("С. Батболд болон Н. Оюун") == ["С. Батболд", "Н. Оюун"]
    assert clean_author("P. Mwangi na J. Otieno") == ["P. Mwangi", "J. Otieno"]
    # a particle before a surname is no "and"
    assert clean_author("J. R. te Whaiti") == ["J. R. te Whaiti"]
    assert clean_author("Ana van der Berg") == ["Ana van der Berg"]


# ---------------------------------------------------------------- a commenter is never an author

def test_comments_under_abbreviated_or_translated_class_names_give_no_author() -> None:
    for section in ("<div class='cmtList'><div class='comEntry cmt-item'><b class='cmtAuthor author'>Rajesh Sharma</b>"
                    " <span>(02.12.2026 18:12)</span><div class='cmt-text'>Great work.</div></div></div>",
                    "<div class='comentarios'><div class='item'><p class='autor'>Lucía Gómez Ruiz</p>"
                    "<p>Muy buen artículo.</p></div></div>",
                    "<section class='kommentarer'><article><span class='author'>Erik Lindqvist</span>"
                    "<p>Bra skrivet.</p></article></section>",
                    "<div class='comEnt' id='comEnt77'><div class='cBlock2'><span class='cAuthor'>Aziz Rahimov</span>"
                    "</div></div>"):
        assert story("", tail=section).authors == [], section


# ---------------------------------------------------------------- credits lines

def test_a_credits_line_gives_the_writers_it_links_not_the_photographer() -> None:
    meta = ("<p class='article-credits'><span>Matn:</span> <a href='/mualliflar/12'>Dilshod Karimov</a> | "
            "<span>Surat:</span> Aziz Rahimov</p>")
    assert story(meta, lang="uz").authors == ["Dilshod Karimov"]


def test_a_credits_line_with_two_linked_writers_and_an_editor() -> None:
    meta = ("<div class='story-credit'>प्रतिनिधी: <a href='/lekhak/41'>राहुल देशमुख</a> आणि "
            "<a href='/lekhak/42'>स्नेहा पाटील</a> | संकलन: अमित जोशी</div>")
    assert story(meta, lang="mr").authors == ["राहुल देशमुख", "स्नेहा पाटील"]


def test_a_credits_line_that_links_nobody_is_a_source_not_an_author() -> None:
    assert story("<p class='credit source'>Manba: UzA</p>", lang="uz").authors == []
    assert story("<div class='credits'>स्रोत: पीटीआई भाषा</div>", lang="hi").authors == []
    # a theme's footer credit links away from the site
    tail = "<div class='site-credits'>Theme: <a href='https://themes.example.com/x'>Nova Press</a></div>"
    assert story("", tail=tail).authors == []


# ---------------------------------------------------------------- a news desk is no person

def test_a_news_desk_in_other_languages_is_no_author() -> None:
    for desk, lang in (("వార్తా విభాగం", "te"), ("Dawati la Habari", "sw"), ("Meja Berita", "ms"),
                       ("ಸುದ್ದಿ ವಿಭಾಗ", "kn"), ("Мэдээллийн алба", "mn"), ("Tim Redaksi Berita", "id")):
        assert names_a_desk(desk), desk
        meta = f"<div class='post-author'><span class='author-name'>{desk}</span></div>"
        assert story(meta, lang=lang).authors == [], desk


def test_a_staff_job_as_the_byline_is_no_author_and_a_job_after_a_name_is_dropped() -> None:
    # "our own reporter", "our correspondent", "reporter" in scripts without capitals to tell a name by
    for byline in ("নিজস্ব প্রতিবেদক", "हमारे संवाददाता", "ผู้สื่อข่าว", "நமது நிருபர்"):
        assert clean_author(byline) == [], byline
    assert clean_author("হাসান মাহমুদ, নিজস্ব প্রতিবেদক") == ["হাসান মাহমুদ"]


def test_a_person_is_not_a_desk() -> None:
    # a name may open with the word for "news" (Amharic "ዜናዊ") or hold a short one ("Tin", "Tín")
    for name in ("Siti Nurhaliza", "ரா. கண்ணன்", "Habib Rahman", "Novak Đoković", "ఎం. శ్రీనివాస్", "መለስ ዜናዊ",
                 "Tin Maung Oo", "Кабарбек Асанов"):
        assert not names_a_desk(name), name
