"""Names of one article: people, organisations, equipment designators and places.

Proper names survive translation ("Lloyd Austin", "Hanwha", "K2", "HIMARS" read the same in
French and English); country and capital names do not ("Poland", "Pologne", "Polen",
"Polonia"), so a small table maps them, and their adjectives, to one key. Kinds:

======  ==============================  ==============================================
kind    example                         from
======  ==============================  ==============================================
id      ``id:F35``                      designators: F-35, K2, KF-21, M142, S-400, 2A7
ac      ``ac:HIMARS``                   acronyms of three or more capitals (OTAN = NATO)
nm      ``nm:austin``                   a capitalised word that does not open a sentence
nm2     ``nm2:lloyd austin``            two capitalised words in a row
pl      ``pl:pl``                       a country or capital, in any of the 4 languages
======  ==============================  ==============================================
"""
from __future__ import annotations

import re
from functools import lru_cache

from crawler.stories.facts import _MONTH, _WEEKDAY
from crawler.stories.signals import fold

# Country (ISO code) -> names and adjectives in English, French, German and Spanish, folded.
# Adjective stems take any ending ("polnisch", "polnischen"); the table stays small because
# it only has to cover places that defense news names often.
PLACES: dict[str, str] = {
    "us": r"united states|etats-unis|etats unis|vereinigten? staaten|estados unidos|america|amerique|amerika"
          r"|american\w*|americain\w*|amerikanisch\w*|estadounidense\w*|pentagon\w*|washington",
    "pl": r"poland|pologne|polen|polonia|polish|polonais\w*|polnisch\w*|polac[oa]s?|warsaw|varsovie|warschau|varsovia",
    "ro": r"romania|roumanie|rumanien|rumania|romanian\w*|roumain\w*|rumanisch\w*|ruman[oa]s?|bucharest|bucarest|bukarest",
    "ua": r"ukraine|ucrania|ukrainian\w*|ukrainien\w*|ukrainisch\w*|ucranian[oa]s?|kyiv|kiev|kiew",
    "ru": r"russia|russie|russland|rusia|russian\w*|russe\w*|russisch\w*|rus[oa]s?|moscow|moscou|moskau|moscu|kremlin",
    "kp": r"north korea|coree du nord|nordkorea|corea del norte|north korean\w*|nord-coreen\w*|nordcoreen\w*"
          r"|nordkoreanisch\w*|norcorean[oa]s?|pyongyang|dprk",
    "kr": r"south korea|coree du sud|sudkorea|corea del sur|south korean\w*|sud-coreen\w*|sudcoreen\w*"
          r"|sudkoreanisch\w*|surcorean[oa]s?|seoul",
    "cn": r"china|chine|chinese|chinois\w*|chinesisch\w*|chin[oa]s?|beijing|pekin|peking",
    "tw": r"taiwan\w*|taipei",
    "jp": r"japan|japon|japanese|japonais\w*|japanisch\w*|japones\w*|tokyo|tokio",
    "in": r"india|inde|indien|indian\w*|indien\w*|indisch\w*|indi[oa]s?|new delhi|neu-delhi|nueva delhi",
    "pk": r"pakistan\w*|islamabad",
    "fr": r"france|frankreich|francia|french|francais\w*|franzosisch\w*|frances\w*|paris",
    "de": r"germany|allemagne|deutschland|alemania|german|germans|allemand\w*|deutsch\w*|aleman\w*|berlin",
    "gb": r"united kingdom|royaume-uni|vereinigte\w* konigreich|reino unido|britain|great britain|british"
          r"|britannique\w*|britisch\w*|britanic[oa]s?|london|londres",
    "it": r"italy|italie|italien|italia|italian\w*|italien\w*|italienisch\w*|rome|rom|roma",
    "es": r"spain|espagne|spanien|espana|spanish|espagnol\w*|spanisch\w*|espanol\w*|madrid",
    "nl": r"netherlands|pays-bas|niederlande\w*|paises bajos|dutch|neerlandais\w*|niederlandisch\w*|the hague|la haye",
    "be": r"belgium|belgique|belgien|belgica|belgian\w*|belge\w*|belgisch\w*|brussels|bruxelles|brussel|bruselas",
    "se": r"sweden|suede|schweden|suecia|swedish|suedois\w*|schwedisch\w*|suec[oa]s?|stockholm|estocolmo",
    "fi": r"finland|finlande|finnland|finlandia|finnish|finlandais\w*|finnisch\w*|finlandes\w*|helsinki",
    "no": r"norway|norvege|norwegen|noruega|norwegian\w*|norvegien\w*|norwegisch\w*|norueg[oa]s?|oslo",
    "dk": r"denmark|danemark|danemark|dinamarca|danish|danois\w*|danisch\w*|danes\w*|copenhagen|copenhague|kopenhagen",
    "gr": r"greece|grece|griechenland|grecia|greek|grec\w*|griechisch\w*|grieg[oa]s?|athens|athenes|athen|atenas",
    "tr": r"turkey|turkiye|turquie|turkei|turquia|turkish|turc\w*|turkisch\w*|turc[oa]s?|ankara",
    "il": r"israel\w*|israelien\w*|israelisch\w*|israeli\w*|jerusalem|tel aviv",
    "ir": r"iran\w*|tehran|teheran",
    "sa": r"saudi arabia|arabie saoudite|saudi-arabien|arabia saudi(?:ta)?|saudi\w*|saoudien\w*|riyadh|riyad",
    "ae": r"united arab emirates|emirats arabes unis|vereinigte\w* arabische\w* emirate|emiratos arabes unidos|emirati\w*|abu dhabi|dubai",
    "qa": r"qatar\w*|katar\w*|doha",
    "eg": r"egypt|egypte|agypten|egipto|egyptian\w*|egyptien\w*|agyptisch\w*|egipci[oa]s?|cairo|le caire|kairo|el cairo",
    "au": r"australia|australie|australien|australian\w*|australien\w*|australisch\w*|australian[oa]s?|canberra",
    "ca": r"canada|kanada|canadian\w*|canadien\w*|kanadisch\w*|canadiense\w*|ottawa",
    "br": r"brazil|bresil|brasilien|brasil|brazilian\w*|bresilien\w*|brasilianisch\w*|brasilen\w*|brasilia",
    "ph": r"philippines|philippinen|filipinas|philippine|philippin\w*|filipin[oa]s?|manila|manille",
    "vn": r"vietnam\w*|hanoi",
    "id": r"indonesia|indonesie|indonesien|indonesian\w*|indonesien\w*|indonesisch\w*|jakarta|djakarta|yakarta",
    "sg": r"singapore|singapour|singapur",
    "my": r"malaysia|malaisie|malasia|malaysian\w*|malaisien\w*|kuala lumpur",
    "th": r"thailand|thailande|tailandia|thai|thailandais\w*|bangkok",
    "cz": r"czech republic|czechia|republique tcheque|tchequie|tschechien|republica checa|chequia|czech|tcheque\w*"
          r"|tschechisch\w*|chec[oa]s?|prague|prag|praga",
    "sk": r"slovakia|slovaquie|slowakei|eslovaquia|slovak\w*|bratislava",
    "hu": r"hungary|hongrie|ungarn|hungria|hungarian\w*|hongrois\w*|ungarisch\w*|budapest",
    "bg": r"bulgaria|bulgarie|bulgarien|bulgarian\w*|bulgare\w*|bulgarisch\w*|sofia",
    "ee": r"estonia|estonie|estland|estonian\w*|estonien\w*|estnisch\w*|tallinn",
    "lv": r"latvia|lettonie|lettland|letonia|latvian\w*|letton\w*|lettisch\w*|riga",
    "lt": r"lithuania|lituanie|litauen|lituania|lithuanian\w*|lituanien\w*|litauisch\w*|vilnius",
    "ch": r"switzerland|suisse|schweiz|suiza|swiss|helveti\w*|bern|berne",
    "at": r"austria|autriche|osterreich|austrian\w*|autrichien\w*|osterreichisch\w*|vienna|vienne|wien|viena",
    "pt": r"portugal|portuguese|portugais\w*|portugiesisch\w*|portugues\w*|lisbon|lisbonne|lissabon|lisboa",
    "mx": r"mexico|mexique|mexiko|mexican\w*|mexicain\w*|mexikanisch\w*|mexican[oa]s?",
    "ar": r"argentina|argentine|argentinien|argentin\w*|buenos aires",
    "cl": r"chile|chili|chilean\w*|chilien\w*|chilenisch\w*|chilen[oa]s?|santiago",
    "co": r"colombia|colombie|kolumbien|colombian\w*|colombien\w*|kolumbianisch\w*|bogota",
    "ma": r"morocco|maroc|marokko|marruecos|moroccan\w*|marocain\w*|marokkanisch\w*|marroqui\w*|rabat",
    "dz": r"algeria|algerie|algerien|argelia|algerian\w*|algerien\w*|algerisch\w*|argelin[oa]s?|algiers|alger|algier|argel",
    "ng": r"nigeria\w*|abuja",
    "sy": r"syria|syrie|syrien|siria|syrian\w*|syrien\w*|syrisch\w*|siri[oa]s?|damascus|damas|damaskus|damasco",
    "iq": r"iraq|irak|iraqi\w*|irakien\w*|irakisch\w*|iraqui\w*|baghdad|bagdad",
    "ye": r"yemen\w*|jemen\w*|houthi\w*|huthi\w*|hutie\w*|sanaa",
    "lb": r"lebanon|liban|libanon|libano|lebanese|libanais\w*|libanesisch\w*|liban[eé]s\w*|beirut|beyrouth",
    "gaza": r"gaza|hamas|hezbollah|hisbollah",
    "by": r"belarus\w*|bielorussie|weissrussland|bielorrusia|minsk",
    "md": r"moldova|moldavie|moldau|moldavia|chisinau",
    "ge": r"georgia|georgie|georgien|georgian\w*|tbilisi",
    "am": r"armenia|armenie|armenien|armenian\w*|armenien\w*|yerevan|erevan|eriwan",
    "az": r"azerbaijan\w*|azerbaidjan\w*|aserbaidschan\w*|azerbaiyan\w*|baku|bakou",
    "kz": r"kazakhstan|kazakh\w*|kasachstan|kazajistan|astana",
    "nz": r"new zealand|nouvelle-zelande|neuseeland|nueva zelanda",
    "za": r"south africa|afrique du sud|sudafrika|sudafrica",
    "sea": r"black sea|mer noire|schwarze\w* meer|mar negro",
    "scs": r"south china sea|mer de chine meridionale|sudchinesische\w* meer|mar de china meridional",
    "baltic": r"baltic sea|mer baltique|ostsee|mar baltico",
    "crimea": r"crimea|crimee|krim",
    "donbas": r"donbas|donbass|donetsk|donezk|luhansk|lugansk",
}


def _variants(alt: str) -> list[str]:
    """Spell out the table's few regex forms: ``[oa]``, ``s?``, ``(?:ta)?``; keep a trailing ``\\w*``."""
    m = re.search(r"\[(\w+)\]|(\w)\?|\(\?:(\w+)\)\?", alt)
    if not m:
        return [fold(alt)]
    head, tail = alt[:m.start()], alt[m.end():]
    if m.group(1):
        options = list(m.group(1))
    elif m.group(2):
        options = [m.group(2), ""]
    else:
        options = [m.group(3), ""]
    return [v for o in options for v in _variants(head + o + tail)]


# Names are looked up word by word: exact, or by stem for the table's "\w*" endings; a
# phrase ("north korea", "mer noire") is tried first where its first word appears.
_PLACE_WORD: dict[str, str] = {}
_PLACE_STEM: dict[str, str] = {}
_PHRASES: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _code, _alts in PLACES.items():
    for _alt in _alts.split("|"):
        for _v in _variants(_alt):
            _words = tuple(_v.split())
            if len(_words) > 1:
                _PHRASES.setdefault(_words[0].removesuffix("\\w*"), []).append((_words, _code))
            elif _v.endswith("\\w*"):
                _PLACE_STEM[_v[:-3]] = _code
            else:
                _PLACE_WORD[_v] = _code
for _list in _PHRASES.values():
    _list.sort(key=lambda p: -len(p[0]))
_STEM_LENGTHS = sorted({len(k) for k in _PLACE_STEM}, reverse=True)
_WORD_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def _word_is(word: str, pattern: str) -> bool:
    return word.startswith(pattern[:-3]) if pattern.endswith("\\w*") else word == pattern


_PHRASE_STEMS = tuple(k for k, v in _PHRASES.items() if any(p[0].endswith("\\w*") for p, _ in v))
_STEMS = tuple(_PLACE_STEM)


def _phrase_at(words: list[str], i: int) -> tuple[int, str] | None:
    """The longest table phrase starting at ``words[i]``: (its length, its place)."""
    w = words[i]
    options = _PHRASES.get(w)
    if options is None and w.startswith(_PHRASE_STEMS):
        options = next(_PHRASES[k] for k in _PHRASE_STEMS if w.startswith(k))
    for phrase, code in options or ():
        n = len(phrase)
        if i + n <= len(words) and all(_word_is(words[i + k], phrase[k]) for k in range(n)):
            return n, code
    return None


@lru_cache(maxsize=1 << 16)
def place_code(word: str) -> str | None:
    """The place a folded word names ("polonais" -> "pl"), or None."""
    code = _PLACE_WORD.get(word)
    if code is None and word.startswith(_STEMS):
        for n in _STEM_LENGTHS:
            if len(word) >= n and word[:n] in _PLACE_STEM:
                return _PLACE_STEM[word[:n]]
    return code
# Case-sensitive abbreviations of places: "US" must not be the pronoun "us".
_PLACE_ABBR = {"US": "us", "U.S.": "us", "USA": "us", "EE.UU.": "us", "EEUU": "us", "UK": "gb", "U.K.": "gb",
               "UAE": "ae", "EAU": "ae", "DPRK": "kp", "ROK": "kr", "PRC": "cn", "RPC": "cn", "KSA": "sa"}
_ABBR_RE = re.compile(r"(?<![\w.])(" + "|".join(re.escape(a) for a in sorted(_PLACE_ABBR, key=len, reverse=True))
                      + r")(?![\w])")

# Acronyms that differ by language -> one key.
_ACRONYM_ALIAS = {"OTAN": "NATO", "UE": "EU", "ONU": "UN", "UNO": "UN", "OSCE": "OSZE", "AIEA": "IAEA",
                  "OIEA": "IAEA", "FMS": "FMS", "DSCA": "DSCA"}
_DESIGNATOR = re.compile(r"(?<![\w-])([A-Z]{1,5}-?\d{1,4}[A-Z]{0,3}(?:-\d{1,3}[A-Z]?)?|\d{1,2}[A-Z]\d{1,2}[A-Z]?)(?![\w-])")
_ACRONYM = re.compile(r"(?<![\w-])([A-Z]{3,8})s?(?![\w-])")
_CAP = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’-]*\w|[A-ZÀ-ÖØ-Þ]")
_TOKEN = re.compile(r"[\w'’-]+|[.!?:;\n\"“”«»()]")
_SENTENCE_END = set(".!?:;\n\"“”«»(")
#: First characters of a token that is a plain word or number (alphanumeric, not upper case).
_PLAIN_START = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

# Capitalised words that carry no identity: function words that open sentences, and titles.
_STOP = set("""
the a an and but or in on at of for to by with from as is it its this that these those he she they we you i
his her their our there here after before while when where what who which why how if then also however
mr mrs ms dr gen general adm admiral col colonel lt maj sgt president prime minister secretary chief
ministry department government defense defence army navy air force forces state states minister's
le la les un une des du de d l il elle ils elles on ce cette ces dans pour par sur avec selon apres avant
mais et ou en au aux son sa ses leur leurs lors alors ainsi m mme
der die das ein eine einen einem einer des dem den im am zum zur und oder aber auch er sie es wir nach
vor bei mit fur von aus laut wie als wenn herr frau
el los las una unos unas del al y o pero tambien segun por para con sin sobre tras ante este esta estos
estas su sus sr sra
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
""".split())


@lru_cache(maxsize=1 << 16)
def _word_places(word: str) -> tuple[str | None, bool]:
    """The place a folded word names (``place_code``), and whether a table phrase may start with it."""
    return place_code(word), word in _PHRASES or word.startswith(_PHRASE_STEMS)


#: Every abbreviation starts with one of these: a text with none of them has no ``_ABBR_RE`` match
#: (one search for all of them: an alternation of literals lets ``re`` skip to their first letters).
_ABBR_HEADS = re.compile("|".join(re.escape(h) for h in sorted({a[:2] for a in _PLACE_ABBR})))
#: ASCII letters, digits and "-" kept, every other byte a space (``_WORD_RE``'s characters).
_ASCII_PLACE_CHARS = bytes(c if c < 128 and (chr(c).isalnum() or c == 0x2D) else 0x20 for c in range(256))


def _place_words(low: str) -> list[str]:
    """``_WORD_RE.findall(low)``; an ASCII text is split in C first, and only its pieces with a "-" searched."""
    if not low.isascii():
        return _WORD_RE.findall(low)
    chunks = low.encode("ascii").translate(_ASCII_PLACE_CHARS).decode("ascii").split()
    return [w for c in chunks for w in (_WORD_RE.findall(c) if "-" in c else (c,))]


def place_facts(text: str) -> set[str]:
    """Countries and capitals named in the text, as ``pl:<code>``."""
    found = {f"pl:{_PLACE_ABBR[m.group(1)]}" for m in _ABBR_RE.finditer(text)} \
        if _ABBR_HEADS.search(text) else set()
    words = _place_words(fold(text))
    # One cached lookup per distinct word: the tables' stems and phrase openings are tested
    # once per word a process meets, not once per article.
    firsts = set()
    for w in set(words):
        code, first = _word_places(w)
        if code is not None:
            found.add(f"pl:{code}")
        if first:
            firsts.add(w)
    if firsts:
        for i, w in enumerate(words):
            if w in firsts:
                hit = _phrase_at(words, i)
                if hit:
                    found.add(f"pl:{hit[1]}")
    return found


_DIGITS = frozenset("0123456789")
_APOSTROPHES = re.compile("['’]")
_DESIGNATOR_RUN = re.compile(_DESIGNATOR.pattern[len(r"(?<![\w-])("):-len(r")(?![\w-])")])
_ACRONYM_RUN = re.compile(_ACRONYM.pattern[len(r"(?<![\w-])"):-len(r"(?![\w-])")])


def _designators_and_acronyms(tokens: list[str], facts: set[str]) -> None:
    """The ``id:`` and ``ac:`` facts of the [\\w-]+ runs of these tokens (what ``_DESIGNATOR`` and
    ``_ACRONYM`` find in their text)."""
    for token in tokens:
        for run in _APOSTROPHES.split(token) if "'" in token or "’" in token else (token,):
            if not run or not ("A" <= run[0] <= "Z" or run[0].isdecimal()):
                continue  # both patterns open with [A-Z] or \d
            if _DESIGNATOR_RUN.fullmatch(run) and any(c.isalpha() for c in run) and any(c.isdigit() for c in run):
                facts.add("id:" + run.replace("-", "").upper())
            m = _ACRONYM_RUN.fullmatch(run)
            if m and m.group(1) not in _PLACE_ABBR:
                facts.add("ac:" + _ACRONYM_ALIAS.get(m.group(1), m.group(1)))


def name_facts(text: str) -> set[str]:
    """Designators, acronyms and capitalised names (see the module table)."""
    facts: set[str] = set()
    # A designator or an acronym is a whole [\w-]+ run of the text (its pattern is fenced by
    # (?<![\w-]) and (?![\w-]) and holds only such characters), and every such run lies in one
    # token: the runs of the tokens that may hold one are matched whole, instead of searching
    # the text twice with a look-behind tried at every position.
    runs: list[str] = []
    previous: str | None = None
    sentence_start = True
    quotes = "'" in text or "’" in text
    for token in _TOKEN.findall(text):
        if token[0] in _PLAIN_START:  # most tokens: neither a sentence end nor capitalised
            if token[0] in _DIGITS or quotes and ("'" in token or "’" in token):
                runs.append(token)
            sentence_start = False
            previous = None
            continue
        runs.append(token)
        if token in _SENTENCE_END or (len(token) == 1 and not token.isalnum()):
            sentence_start = True
            previous = None
            continue
        starts = sentence_start
        sentence_start = False
        if not token[0].isupper() or token.isupper() and len(token) > 1:
            previous = None
            continue
        key = fold(token).replace("’", "'")
        key = key.removesuffix("'s").rstrip("'")
        if key in _STOP or key in _MONTH or key in _WEEKDAY or len(key) < 3:
            previous = None
            continue
        if not starts:
            facts.add("nm:" + key)
        if previous is not None:
            facts.add(f"nm2:{previous} {key}")
            facts.add("nm:" + previous)
            facts.add("nm:" + key)
        previous = key
    _designators_and_acronyms(runs, facts)
    # A place is a place, not a name: keep its pl: key only.
    facts = {f for f in facts if not (f.startswith("nm:") and place_code(f[3:]))}
    return facts | place_facts(text)
