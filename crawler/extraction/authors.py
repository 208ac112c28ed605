"""Authors: person names from JSON-LD, microdata, meta tags and the visible byline, without ranks or roles."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from crawler.extraction.bylines import (
    OwnUrls,
    credited_writers,
    host_names,
    in_media,
    in_teaser,
    is_organisation,
    item_owner,
    main_item,
    other_item,
    own_urls,
    without_photo_credits,
)
from crawler.extraction.honorifics import without_title
from crawler.extraction.names import (
    ANY_LABEL,
    PATRONYMIC_ENDS,
    and_split,
    byline_pieces,
    lower_initial,
    names_a_desk,
    not_a_person,
    split_initialled,
    weekday_names,
)
from crawler.extraction.page import Page, css, ld_text, ld_types, norm_space, text_of, text_over, text_pieces
from crawler.extraction.title import site_names, squash

_BY = re.compile(r"^\s*(?:(?:written|posted|reported|compiled|edited|published|text|story|(?:text|story|words)\s+(?:and|&)\s+photos?)\s+)?"
                 r"(?:by|par|por|von|di|door|av|af|przez|oleh|nga|от|автор|autor|auteur|του|της|των|بقلم|كتبه|كتب|מאת|โดย|"
                 # Romanian/Portuguese/Spanish "de" only in lower case: "De Vries" is a name
                 r"(?-i:de))\s*:?\s+", re.I)
#: Labels before the name: "Author:", "Autor:", "Haber:" (Turkish news credit), "Muhabir:", "Text:".
_LABEL = re.compile(r"^\s*(?:authors?|writers?|reporters?|contributors?|credits?|posted by|written by|autor(?:ka|es|en)?|"
                    r"auteur|autore|autorin|haber|muhabir|yazar|yazan|forfattere?|författare|kirjoittaja|szerző|"
                    r"συντάκτης|συντάκτρια|text|tekst|texto|testo|tekstas|teksti|piše|pise|írta|penulis|"
                    r"автор(?:ы|и|ка)?|מאת|כותבים?|מחברים?|文|執筆|取材・文|文・写真|文と写真|撰文|作者)\s*[:：]\s*", re.I)
_RANKS = frozenset("""
sgt sgt. ssgt ssgt. msgt msgt. tsgt tsgt. smsgt cmsgt sfc spc spc. cpl cpl. lcpl pvt pvt. pfc pfc. maj maj. gen gen.
lt lt. ltc ltc. col col. capt capt. cpt cpt. cmdr cmdr. cdr cdr. lcdr adm adm. radm vadm brig brig. brig.gen.
ens ens. wo cwo cw2 cw3 cw4 cw5 mcpo scpo cpo po1 po2 po3 seaman airman amn a1c sra sra. ret ret. retd retd. (ret.) (ret)
(retd.) (retired) dr dr. prof prof. mr mr. mrs mrs. ms ms. mx mx. sir hon hon. rep rep. sen sen. gov gov. amb amb.
rev rev. fr fr. gen.(ret.) lt.col. lt.gen. maj.gen. brig.gen. rear vice lieutenant general major colonel captain
sergeant admiral commander corporal private ensign brigadier marshal chief master staff technical senior first
command warrant officer petty specialist lance retired
""".split())
_NOT_NAME = re.compile(r"@|https?:|www\.|\.com\b|\d|:|\b(?:posted|staff|team|desk|editors?|editorial|newsroom|redaction|"
                       r"admin|administrator|agency|agencies|wire|"
                       # a wire service shown as the byline ("NZ Newswire", "PR Newswire", "Agjencia", "Ahensya")
                       r"\w+wire|wires|agjencia|agjencinë|ahensya|ajans|agentstvo|агентство|სააგენტო|ایجنسی|एजेंसी|"
                       # "agencies" as a credit in other languages ("(وكالات)", "Agencias", "Агенции")
                       r"وكالات|وكالة|agencias|agências|agences|agenturen|agenzie|agencije|agencje|агенции|агентства|агенції|reports?|correspondents?|contributors?|"
                       r"unknown|anonymous|guest|posts?|news|media|press|updated|published|"
                       # newsroom bylines in other languages ("Redacción X", "Redaktion", "Rédaction", "Redakcja")
                       r"redacción|redaccion|redação|redacao|redazione|redaktion|rédaction|redakcja|redactie|"
                       r"redakce|szerkesztőség|toimitus|redaksjonen|redaktionen|редакция|редакція|webmaster|"
                       r"noticias|notícias|notizie|nachrichten|wiadomości|nieuws|новости|новини|"
                       # desks in more languages ("Haber Merkezi", "Redacția", "Σύνταξη", "Newsdesk")
                       r"merkezi|ajansı|redaksiyon|redacția|redacţia|redactia|redakcija|uredništvo|redakcia|redaksi|σύνταξη|"
                       r"ειδήσεις|newsdesk|מערכת|"
                       r"uutiset|nyheter|nyheder|zprávy|správy|hírek|știri|stiri)\b|"
                       r"편집국|편집부|뉴스팀|취재팀|온라인뉴스팀|編集部|编辑部|編輯部|新闻中心|本报记者|本刊记者|"
                       # desks, bureaus and news teams in scripts without word spaces or letter case
                       r"ทีมข่าว|กองบรรณาธิการ|โต๊ะข่าว|ब्यूरो|डेस्क|ব্যুরো|ডেস্ক|ਬਿਊਰੋ|பணியகம்|редакција|"
                       r"toimetus|biên tập|phóng viên|ban thời sự|فريق التحرير|هيئة التحرير|تحریریه|"
                       # a masthead, wire or "other articles" link text ("연합뉴스", "共同通信", "다른기사 보기")
                       r"뉴스|기사|신문|일보|통신|방송|通信|新聞|新闻|通讯社|日报|日報|社$", re.I)
#: Reporter titles written after the name in Korean, Japanese and Chinese bylines ("김민준 기자",
#: "山田太郎記者", "王伟 记者"); the truth keeps the bare name.
_CJK_TITLE = re.compile(r"\s*(?:(?:수석|선임|객원|전문|인턴|사진|영상|취재|편집)?기자|특파원|논설위원|편집위원|"
                        r"전문위원|칼럼니스트|(?:編集)?委員|(?:特派)?記者|特派員|論説委員|编辑|(?:特约|实习|本报|首席)?记者|"
                        r"特派员|評論員|评论员|通讯员|通訊員)(?:\s*=\s*\S+)?\s*$")
#: Scripts without letter case: a name there cannot be told by capitals.
#: Alphabets without letter case whose names are written with spaces (Arabic, Persian, Urdu,
#: Hebrew, Thai, Devanagari, Bengali, Georgian): 1 to 4 words of the script.
_UNCASED_SPACED_NAME = re.compile(r"^[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u0e00-\u0e7f"
                                  r"\u0900-\u097f\u0980-\u09ff\u10a0-\u10ff]{2,20}"
                                  r"(?: [\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u0e00-\u0e7f"
                                  r"\u0900-\u097f\u0980-\u09ff\u10a0-\u10ff]{1,20}){0,3}$")
_UNCASED_NAME = re.compile(r"^[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff\u3400-\u4dbf·・ ]{2,12}$")
#: Words of a job title or role ("Contributing Analyst", "Senior Defence Correspondent", "Redakteurin",
#: "rédacteur en chef"): a comma piece or a split candidate holding one is a title, not a person.
ROLE_WORDS = frozenset("""
analyst analysts editor editors correspondent correspondents reporter reporters writer writers contributor
contributors contributing columnist columnists journalist journalists staff director directors professor
fellow fellows officer secretary spokesperson spokesman spokeswoman researcher scientist expert specialist
consultant commentator producer photographer photojournalist videographer cameraman blogger author
associate assistant lecturer historian strategist adviser advisor manager president chairman chairwoman chair
founder cofounder co-founder executive deputy senior junior chief principal visiting nonresident non-resident
adjunct emeritus managing contributing freelance freelancer intern editorial bureau desk newsroom
defense defence military security affairs political politics national international foreign diplomatic
aviation naval navy army aerospace industry business technology science research policy strategy studies
correspondente redakteur redakteurin korrespondent korrespondentin chefredakteur chefredakteurin autorin
journalistin mitarbeiter mitarbeiterin reporterin leiter leiterin redaktion rédacteur rédactrice journaliste
correspondant correspondante envoyé envoyée chroniqueur chroniqueuse éditorialiste rédaction redactor redactora
corresponsal periodista enviado enviada columnista giornalista corrispondente redattore redattrice inviato
inviata editorialista dziennikarz dziennikarka korespondent redaktor журналист корреспондент редактор
обозреватель
""".split())
#: A publication's name is a desk's when a byline starts with it and it is at least this long.
DESK_NAME_CHARS = 5


def clean_author(raw: str, banned: Iterable[str] = (), lang: str | None = None) -> list[str]:
    """Person names in a byline string: no "By", no ranks, no dateline, one name per entry."""
    return list(_clean_author(raw, tuple(banned), lang))


@lru_cache(maxsize=4096)  # pure, and a site's pages repeat the same few bylines and publication names
def _clean_author(raw: str, banned: tuple[str, ...], lang: str | None) -> tuple[str, ...]:
    text = norm_space(raw)
    if not text or len(text) > 200:
        return ()
    text = without_photo_credits(text)
    text = _LABEL.sub("", text)
    text = ANY_LABEL.sub("", text)  # a name holds no colon: what closes with one is its label
    text = _BY.sub("", text + " ").strip()
    if _BY.fullmatch(text + " "):
        return ()  # the label alone ("By", "โดย")
    if _spelled_out(text):
        return ()  # "Wakaaladda Wararka Qaranka (SONNA)": an organisation with its acronym, no person
    text = re.sub(r"\s*\([^)]*\)\s*", " ", text)        # (ret.), (AFP), (@handle)
    text = re.sub(r"\S+@\S+\.\w+|(?<!\w)@\w+|\bhttps?://\S+", " ", text)  # e-mail, @handle, link
    text = re.sub(r"\s+[-–—|·•]\s+.*$", "", text)         # "Name - Site", "Name | Title", "Name · date"
    text = _READING_TIME.sub("", text)                    # "Name 3 Min", "Name, 4 min read"
    if len(_DATELINE.sub("", text).split()) > 1:          # "Name 1 dhjetor 2026, ora 11:20": a name has no digit
        text = _DATELINE.sub("", text)                    # (a lone word before a date is its label: "입력 2026.11.03")
    text = _CJK_DATELINE.sub("", text)                    # "陳怡君、王冠宇／新竹報導": where they reported from
    text = _HEBREW_AND.sub(r"\1; \2", text)
    text = _ARABIC_AND.sub(r"\1; \2", text)             # "سارة القحطاني وخالد العتيبي": the same prefix "و"
    text = _HANGUL_DOT.sub("; ", text)                    # "김민준·이서연 기자": two reporters              # "דני כהן ורונית לוי": "and" is a prefix letter
    out: list[str] = []
    banned_sq = {squash(b) for b in banned if squash(b)}
    for part in and_split(lang).split(split_initialled(text)):  # "Д. Тэмүүлэн ба Г. Сарангэрэл" too
        pieces = [p.strip() for p in re.split(r"[,、，،]", part) if p.strip()]
        if not pieces:
            continue
        names = [pieces[0]]
        # "A, B and C": later comma pieces are names when they look like full names, not job titles.
        for piece in pieces[1:]:
            if (len(piece.split()) >= 2 or _UNCASED_NAME.match(piece)) and _looks_like_name(piece) and not is_role(piece):
                names.append(piece)
        for name in names:
            name = without_title(_CJK_TITLE.sub("", _strip_ranks(name)))  # "Dr.", "डॉ.", "ดร."
            name = name.strip(" .,:;-–—'\"")
            if not name or not _looks_like_name(name) or is_role(name) or is_organisation(name):
                continue
            squashed = squash(name)
            if squashed in banned_sq or any(len(b) >= DESK_NAME_CHARS and squashed.startswith(b) for b in banned_sq):
                continue  # the publication itself, or its desk ("<Site> Bureau", "<Site> Staff")
            if name not in out:
                out.append(name)
    return tuple(out)


#: Three or more words and an acronym in brackets, the whole byline: an institution spelled out ("Kenya News
#: Agency (KNA)", in any language); a person's name is followed by a known wire's acronym only ("A B (AFP)").
_SPELLED_OUT = re.compile(r"^(?:[^\W\d_][\w'’.-]*\s+){2,}[^\W\d_][\w'’.-]*\s*\(([A-Z]{3,})\)$")


def _spelled_out(text: str) -> bool:
    found = _SPELLED_OUT.match(text)
    return found is not None and found.group(1).lower() not in WIRE_AGENCIES


#: From the first word that opens with a digit: the date beside the name, in any language.
_DATELINE = re.compile(r"(?<=\w)\s+\d.*$")
#: A CJK dateline after the names: a full-width slash, or a slash before "<place>報導/电" ("／台北報導").
_CJK_DATELINE = re.compile(r"\s*(?:／|/(?=\s*[\u4e00-\u9fff]{1,8}(?:報導|报道|電|电)\s*$)).*$")
#: A middle dot between two Korean names (a Chinese transliterated name keeps its "·").
_HANGUL_DOT = re.compile(r"(?<=[\uac00-\ud7a3])\s*[·・]\s*(?=[\uac00-\ud7a3])")
#: A reading time after the name: its label, a number of minutes, at most two words ("Lesezeit: 3 Min", "4 min read").
_READING_TIME = re.compile(r"(?:\s*[,;|·•]?\s*(?:reading time|read time|lesezeit|lesedauer|temps de lecture|lecture|"
                           r"tiempo de lectura|lectura|tempo di lettura|lettura|tempo de leitura|leitura|czas czytania|"
                           r"leestijd|lästid|lesetid|læsetid|lukuaika|время чтения|час читання|okuma süresi)\s*[:：]?)?"
                           r"[\s\W_]*\d+\s*(?:min(?:ute)?s?|minuten|minutos|minuti|minut[ey]?|мин(?:ут[ыа]?)?|хв(?:илин[иа]?)?)"
                           r"\.?(?:\s+[^\W\d_]+\.?){0,2}\s*$", re.I)
#: Two Hebrew names of two or three words each, the second with the prefix "ו" ("and").
_HEB_NAME = r"[\u05d0-\u05ea'\"׳״-]{2,}(?: [\u05d0-\u05ea'\"׳״-]{2,}){1,2}"
_HEBREW_AND = re.compile(rf"^({_HEB_NAME}) ו({_HEB_NAME})$")
#: Two Arabic or Persian names of two or three words each, the second with the prefix "و" ("and").
_AR_NAME = r"[\u0621-\u064a\u0671-\u06d3]{2,}(?: [\u0621-\u064a\u0671-\u06d3]{2,}){1,2}"
_ARABIC_AND = re.compile(rf"^({_AR_NAME}) و({_AR_NAME})$")


def is_role(text: str) -> bool:
    """Whether text is a job title or role phrase rather than a person's name."""
    words = [w.strip(".,;:()'\"") for w in text.split()]
    words = [w for w in words if w]
    if not words:
        return False
    if lower_initial(words[0]) and words[0].lower() not in _NAME_PARTICLES:
        return True  # "rédacteur en chef", "defence correspondent"
    return any(w.lower() in ROLE_WORDS for w in words)


def _strip_ranks(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower() in _RANKS:
        words.pop(0)
    while len(words) > 1 and words[-1].lower().strip(",") in {"jr", "jr.", "sr", "sr.", "(ret.)", "ret.", "ret", "retd", "phd", "ph.d.", "md"}:
        words.pop()
    return " ".join(words)


#: Wire agencies named as the byline are kept as the author (the mockweb truth does the same).
WIRE_AGENCIES = frozenset("""
reuters afp ap dpa ansa efe kyodo yonhap tass ria xinhua pti ians ani upi apa sda belga anp ctk pap
bloomberg associated-press agence-france-presse press-trust-of-india ria-novosti interfax ukrinform
""".split())


def is_credit(name: str) -> bool:
    """A wire agency or desk credit rather than a person: a known agency, or one all-capitals token
    ("ČTK", "AA", "ANP", "AFP")."""
    return name.lower().replace(" ", "-") in WIRE_AGENCIES or (len(name.split()) == 1 and name.isupper())


def _looks_like_name(name: str) -> bool:
    if name.lower().replace(" ", "-") in WIRE_AGENCIES:
        return True
    if _NOT_NAME.search(name) or names_a_desk(name):
        return False
    words = name.split()
    if not 1 <= len(words) <= 5 or len(name) > 60:
        return False
    if _UNCASED_NAME.match(name):
        return len(name.replace(" ", "")) >= 2 and len(words) <= 3
    if _UNCASED_SPACED_NAME.match(name):
        return True
    if len(words) == 1:
        return name.isupper() and 2 <= len(name) <= 6  # agencies like AFP, AP, TASS
    if len(words) >= 3 and words[-1].lower() in PATRONYMIC_ENDS:
        words = words[:-1]  # "Нурлан Асанбек уулу": the name of the father and "son of" close it
    if words[-1] in _NAME_PARTICLES or lower_initial(words[-1]) or lower_initial(words[0]):
        return False  # a particle opens a surname, never closes a name ("Lectura de" 4 min)
    # Inside a name, short small words are its particles in any language ("te", "dela", "van der", "bin").
    # One unknown one is a particle too; two must both be known ("van der", "de los"), never "works on".
    small = [w for w in words[1:-1] if lower_initial(w)]
    if len(small) == 1:
        return len(small[0]) <= PARTICLE_CHARS or small[0] in _NAME_PARTICLES
    return len(small) <= PARTICLES and all(w in _NAME_PARTICLES for w in small)


#: Small words inside one name at most ("J. R. te Whaiti", "Jose dela Cruz", "Ana delos Reyes"), and their length.
PARTICLES, PARTICLE_CHARS = 2, 5


_NAME_PARTICLES = frozenset({"de", "da", "van", "von", "der", "den", "la", "le", "di", "del", "bin", "al", "el", "ter",
                             "du", "dos", "das", "los", "las", "ten", "te", "dela", "delos", "della", "degli", "zu"})


def _ld_people(page: Page, value: Any) -> list[tuple[str, bool, list[str | None]]]:
    """(name, is_organization, its links) of a JSON-LD author value."""
    out: list[tuple[str, bool, list[str | None]]] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        item = page.resolve(item)
        if isinstance(item, str):
            out.append((item, False, []))
        elif isinstance(item, dict):
            name = ld_text(item.get("name"))
            if name:
                same = item.get("sameAs")
                links = [item.get("url"), *(same if isinstance(same, list) else [same])]
                out.append((name, bool(ld_types(item) & {"organization", "newsmediaorganization", "corporation"}),
                            [u if isinstance(u, str) else None for u in links]))
    return out


#: A byline element holds less text than this (more is a wrapper around the article).
BYLINE_CHARS = 200
#: Plain elements searched for a "By Name" line when no element is marked as a byline.
_BY_LINE_XPATH = "//td | //p | //div | //span | //font | //em | //i | //b | //strong"
#: Such a line is short, and only the first few are read (a byline sits near the headline).
BY_LINE_CHARS, BY_LINE_MAX = 80, 3


def _by_lines(page: Page, own: OwnUrls) -> list[str]:
    """Short text runs that begin with "By" (or its translation), in document order."""
    out: list[str] = []
    for el in page.body.xpath(_BY_LINE_XPATH):
        head = (el.text or "").lstrip()
        if not head[:1] or not _BY.match(head + " ") and not _LABEL.match(head):
            continue
        if page.in_comments(el) or in_media(el) or in_teaser(el, page, own):
            continue
        for t in text_pieces(el):
            if len(t) <= BY_LINE_CHARS and (_BY.match(t) or _LABEL.match(t)):
                out.append(t)
                break
        if len(out) >= BY_LINE_MAX:
            break
    return out


def extract_authors(page: Page, site: Any = None, entry: Any = None, *, content: Any = None) -> list[str]:
    """Person names of the article: site selector, JSON-LD, microdata, meta tags, the visible byline, the feed entry."""
    names = site_names(page, site) + host_names(page.url)
    own = own_urls(page)
    root = page.doc.getroot() if hasattr(page.doc, "getroot") else page.doc
    page_lang = (root.get("lang") or "").strip() or None
    lang = (page_lang or "en").replace("-", "_")
    # Read on the first candidate name only: a language's CLDR data costs a worker 3-10 ms the
    # first time, and a page that names nobody needs none.
    days: frozenset[str] | None = None
    # An agency or desk credit ("ČTK", "AFP") is an author only where the page treats it as a
    # contributor: it links it to an author page of its own ("/author/afp/"; not "/author/agency/").

    def cleaned(values: Iterable[str], profile: bool | Iterable[str | None] = False) -> list[str]:
        """Names in ``values``; ``profile`` is True for the site's own selector, else the links they came with."""
        paths = [] if isinstance(profile, bool) else [squash(urlsplit(h).path) for h in profile if isinstance(h, str)]
        nonlocal days
        out: list[str] = []
        for v in values:
            for n in clean_author(v, names, page_lang):
                if days is None:
                    days = weekday_names(lang)
                n = _without_weekday(n, days)
                if n and n not in out and (profile is True or not is_credit(n) or any(squash(n) in p for p in paths)):
                    out.append(n)
        return out

    def each(pairs: Iterable[tuple[str, list[str | None]]], got: list[str]) -> list[str]:
        for value, links in pairs:
            got += [n for n in cleaned([value], links) if n not in got]
        return got

    if site is not None and site.selectors.authors:
        got = cleaned((text_of(el) for el in css(page.doc, site.selectors.authors)), profile=True)
        if got:
            return got
    art = page.article_ld()
    if art and art.get("author"):
        # An Organization author is the publisher, its newsroom or an agency credit, not a person;
        # a visible byline or an author profile may still name the person.
        people = _ld_people(page, art.get("author"))
        # The organisation is no person in any other source either (an agency credit stays one).
        names += [n for n, org, _ in people if org and not is_credit(n)]
        got = each(((n, links) for n, org, links in people if not org), [])
        if len(got) == 1:
            got = _shared_byline(page, got, names, page_lang)
        if got:
            return got
    micro, micro_profiles = [], []
    props = [el for el in page.index.with_attr("itemprop", "author") if not page.in_comments(el)]
    owners = [item_owner(el) for el in props]
    main = main_item(owners) if len({id(o) for o in owners}) > 1 else None
    for el, owner in zip(props, owners, strict=True):
        if other_item(owner, main):  # a photo's credit, another story's teaser
            continue
        named = el.xpath('.//*[@itemprop="name"]')
        # Every name of a shared byline ("<span itemprop=name>A</span> és <span itemprop=name>B</span>").
        value = ("; ".join(n.get("content") or text_of(n) for n in named) if named
                 else (el.get("content") or text_of(el)))
        # Microdata alone is the CMS's "created by" field: an agency credit there ("MTI") is a
        # contributor only when it links to its author page.
        links = [a.get("href") for a in el.iter("a")] + [u.get("href") or u.get("content")
                                                        for u in el.xpath('.//*[@itemprop="url"]')]
        (micro_profiles if any(_is_profile(a) for a in el.iter("a")) else micro).append((value, links))
    got = each(micro, each(micro_profiles, []))
    if got:
        return got
    metas = [v for v in page.all_meta("author", "article:author", "dc.creator", "dcterms.creator",
                                       "parsely-author", "sailthru.author", "byl", "twitter:data1")
             if not v.startswith(("http://", "https://"))]
    got = cleaned(metas)
    if got:
        return got
    # Visible byline: rel=author links, byline/author elements near the headline.
    values, profiles = [], []
    for el, pieces in _own_bylines(page, own):
        if _is_profile(el):
            links = [el.get("href")] + [a.get("href") for a in el.iter("a")]
            profiles.extend((piece, links) for piece in pieces)
        else:
            values.extend(pieces)
    got = each(profiles, [])
    got += [n for n in cleaned(values) if n not in got]
    if len(got) == 1:
        got = _shared_byline(page, got, names, page_lang)  # an author box names one, the header's byline all
    if got:
        return got[:6]
    # A "By ..." line in plain markup (a table cell, a paragraph) with no byline class at all.
    got = cleaned(_by_lines(page, own))
    if got:
        return got[:6]
    # A labelled field inside a meta line ("时间:… 来源：X　作者：A　B　点击：…", "Autor: A | date | …").
    got = cleaned(_labelled_fields(page))
    if got:
        return got[:6]
    if entry is not None and getattr(entry, "authors", None):
        names += _desk_names(page)  # the feed's creator may be the desk the byline marks as one
        return cleaned(entry.authors)
    return []


def _desk_names(page: Page) -> list[str]:
    """Names the byline marks as a desk or a role (by class, or an author page "/author/desk/"): they
    are no person in the feed's ``dc:creator`` either."""
    out = []
    for el in _byline_elements(page)[:BYLINE_ELEMENTS]:
        for part in (el, *el.iter("a")):
            if not_a_person(part) and (text := text_of(part)):
                out.append(text)
    return out


def _shared_byline(page: Page, got: list[str], banned: list[str], lang: str | None = None) -> list[str]:
    """The visible byline that names the one structured author with others ("김민준·이서연 기자",
    "山本美咲、中村拓也", "A ja B"), where the CMS's record kept its first author only (read from the byline
    elements that the page index lists and the meta line holding each, not by a search of the whole page)."""
    # The link that shows the name is a byline too, whatever its markup calls it ("data-testid=authorName").
    named = page.body.xpath("//a[normalize-space(.)=$name]", name=got[0])[:BY_LINE_MAX]
    read: dict[Any, list[str]] = {}  # a byline is often the parent of the name's link: read once
    for line in _byline_elements(page)[:BYLINE_ELEMENTS] + named:
        if got[0] not in line.text_content() or page.in_comments(line) or in_media(line):
            continue
        parent = line.getparent()
        lines = [line] if parent is None or text_over(parent, BYLINE_CHARS) else [line, parent]
        for el in lines:
            if el not in read:
                read[el] = byline_pieces(el)
            pieces = read[el]
            # Names that markup keeps apart ("<span><a>A</a></span> ও <span><a>B</a></span>"): each piece a name.
            if 1 < len(pieces) <= 6 and got[0] in pieces and all(clean_author(p, banned, lang) == [p] for p in pieces):
                return list(dict.fromkeys(pieces))
            for whole in pieces:
                # the meta line's field that holds the name ("26. nov 2026 • A ja B • 3 min")
                piece = next((p for p in _META_FIELDS.split(whole) if got[0] in p), "")
                if len(got[0]) + 2 < len(piece) <= BY_LINE_CHARS:  # more than the one name
                    more = clean_author(piece, banned, lang)
                    if len(more) > 1 and got[0] in more:
                        # and the line's other pieces that are each a name ("<a>A</a>, <a>B</a> va <a>C</a>")
                        return list(dict.fromkeys(more + [p for p in pieces if p != whole
                                                          and clean_author(p, banned, lang) == [p]]))
    return got


#: Separators between the fields of a meta line.
_META_FIELDS = re.compile(r"\s+[|·•]\s+")


#: An author label inside a meta line, with an ASCII or full-width colon.
_FIELD_LABEL = re.compile(r"(?:^|(?<=[\s|｜]))(?:作者|记者|記者|撰文|authors?|autor(?:ka|i|es)?|auteur|autore|"
                          r"forfatter|författare|autorius|autoriai)\s*[:：]\s*", re.I)
#: Where the field's value ends: a separator bar, or the next "Label:" after a space.
_FIELD_END = re.compile(r"\s*[|｜•·]|[\s\u3000]+[^\s\u3000:：|]{1,12}[:：]")
#: Meta lines read at most, and their length.
FIELD_LINES, FIELD_LINE_CHARS = 3, 200


def _labelled_fields(page: Page) -> list[str]:
    """Values of author labels in short meta lines, names apart ("A　B" reads "A; B")."""
    out: list[str] = []
    for el in page.body.xpath("//*[text()[contains(., ':') or contains(., '：')]]"):
        if el.tag in ("script", "style", "a") or page.in_comments(el):
            continue
        text = "".join(el.itertext())
        if len(text) > FIELD_LINE_CHARS:
            continue
        found = _FIELD_LABEL.search(text)
        if not found:
            continue
        value = text[found.end():]
        end = _FIELD_END.search(value)
        value = (value[:end.start()] if end else value).strip()
        if value:
            out.append(re.sub(r"\u3000+", "; ", value))
        if len(out) >= FIELD_LINES:
            break
    return out


#: Class or id tokens of byline containers in the languages of CMS themes ("muhabir", "autor", "auteur"),
#: in any case ("documentAuthor", "ArticleByline", "lblMuhabir"). A regular expression over the
#: attributes is several times faster here than an XPath that lower-cases every class.
_BYLINE_CLASS = re.compile(r"byline|author|writer|credit|autor|auteur|muhabir|yazar|reporter|forfatter|skribent|penulis|"
                           r"wartawan|tac-?gia|kirjoittaja|szerzo|novinar|periodista|giornalista|journaliste", re.I)


def _byline_elements(page: Page) -> list[Any]:
    """rel/itemprop author elements and elements whose class or id names a byline, in document order."""
    index = page.index
    sources = [found for found in (index.with_attr("rel", "author"), index.with_attr("itemprop", "author"),
                                   index.with_attr("data-hook", "user-name"), index.classed(_BYLINE_CLASS)) if found]
    if len(sources) <= 1:  # each list is in document order already
        return sources[0] if sources else []
    return index.in_order(el for found in sources for el in found)


#: Byline elements read at most.
BYLINE_ELEMENTS = 12


def _own_bylines(page: Page, own: OwnUrls) -> list[tuple[Any, list[str]]]:
    """The article's byline elements among the first ones outside comments, with their pieces: a
    byline is short, and not in a caption or another story's teaser (checked last: the costliest)."""
    out = []
    seen = 0
    for el in _byline_elements(page):
        if page.in_comments(el) or not_a_person(el):
            continue
        # A line break or block inside the byline ends the name ("By <a>A</a><br>Posted: ...").
        pieces = credited_writers(el, byline_pieces(el), page, _BYLINE_CLASS)
        if pieces and sum(map(len, pieces)) < BYLINE_CHARS and not in_media(el) and not in_teaser(el, page, own):
            out.append((el, pieces))
        seen += 1
        if seen >= BYLINE_ELEMENTS:
            break
    return out


def _is_profile(el: Any) -> bool:
    """A byline element that links the name to its author page (the site treats it as a contributor)."""
    if "author" in (el.get("rel") or "").lower().split():
        return True
    return el.tag == "a" and "/author" in (el.get("href") or "").lower()


def _without_weekday(name: str, days: frozenset[str]) -> str:
    """The name without a weekday that a date beside it left at its end or start ("A B Chủ Nhật", "Thứ Tư")."""
    words = name.split()
    for size in (3, 2, 1):
        if len(words) > size and " ".join(words[-size:]).lower() in days:
            words = words[:-size]
            break
    for size in (3, 2, 1):
        if " ".join(words[:size]).lower() in days:
            words = words[size:]
            break
    rest = " ".join(words)
    return rest if rest and _looks_like_name(rest) else ""
