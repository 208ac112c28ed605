"""Rules over the block sequence: boilerplate that only shows in context.

A run of linked teasers, a label before them, a bare date line at the top or bottom, an "About
<Company>" tail or a contact note at the very end. Repeated blocks are kept: interviews repeat
questions and recipes repeat steps, and readers expect them.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.extraction.needs import canonical

if TYPE_CHECKING:
    from crawler.extraction.vocabulary import Rules

#: Text rules are only tried on blocks up to this length (they describe short widgets).
MAX_RULE_BLOCK = 400
#: Longest linked teaser dropped after a related-content heading.
MAX_TEASER = 200
#: A block is "mostly links" (for ``link_text`` rules) at this link-text share.
LINK_BLOCK_SHARE = 0.5
_EDGE = " \t\r\n\u00a0-–—|:•·*>»«<›‹/\\[](){}.…"


@dataclass
class Block:
    """A text block of the body: its text, how much of it is link text, and the tag that held it."""

    text: str
    link_chars: int = 0
    tag: str = "p"

    @property
    def link_density(self) -> float:
        """Share of the text that is link text."""
        return self.link_chars / max(1, len(self.text))


def rule_text(text: str) -> str:
    """The block's text as rules see it: without surrounding spaces, bullets and punctuation."""
    return text.strip(_EDGE)


#: A block is a "teaser" (for runs) at this link-text share.
TEASER_LINK_SHARE = 0.8
#: A run of this many teasers is a link list even without a label before it.
MIN_TEASER_RUN = 3
#: Blocks from each end of the body on which ``edge_text`` rules are tried.
EDGE_HEAD, EDGE_TAIL = 2, 4

_MONTHS = (
    "jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?|"
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "januar|jänner|februar|märz|maerz|juni|juli|oktober|dezember|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    "janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro")
_WEEKDAYS = (
    "mon(day)?|tue(s|sday)?|wed(nesday)?|thu(rs|rsday)?|fri(day)?|sat(urday)?|sun(day)?|"
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    "lunes|martes|miércoles|jueves|viernes|sábado|domingo|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|"
    "segunda|terça|quarta|quinta|sexta|feira|-feira")
_DATE_FILLER = (
    "published|updated|posted|last|modified|on|at|am|pm|a\\.m|p\\.m|le|à|de|del|às|um|uhr|am|den|el|il|"
    "publié|mis|à jour|veröffentlicht|aktualisiert|publicado|actualizado|pubblicato|aggiornato|"
    "gmt|utc|bst|cet|cest|est|edt|cst|cdt|pst|pdt|ist|msk|h|hrs|st|nd|rd|th|er|of")
_DATELINE = re.compile(
    rf"(?:\d{{1,2}}h\d\d\b|\b(?:{_MONTHS}|{_WEEKDAYS}|{_DATE_FILLER})\b\.?|\d+|[\s,.:/|•·()\-–—+'])+", re.I)


_MONTH_WORD = re.compile(rf"\b(?:{_MONTHS})\b", re.I)
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")


#: A date with a month name in any language and script: day, month, year (or year first, or month first),
#: a weekday before it, a clock time after it ("4 दिसंबर 2026", "Senin, 12 Oktober 2026", "2026. gada 4.
#: decembrī", "2 ธันวาคม 2569, 10:30 น.", "4. децембар 2026. у 16:00").
_WORD = r"[^\W\d_][^\s\d,.]{2,}"
_ANY_DATELINE = re.compile(
    rf"(?:[^\W\d_][^\s\d,]*,\s+)?(?:\d{{1,2}}\.?\s+{_WORD}\.?,?\s+\d{{4}}|"
    rf"\d{{4}}\.?\s+(?:[^\W\d_][^\s\d,.]*\.?\s+)?\d{{1,2}}\.?\s+{_WORD}|{_WORD}\.?\s+\d{{1,2}},?\s+\d{{4}})\.?"
    r"(?:,?\s+(?:[^\W\d_][^\s\d]{0,5}\.?\s+)?\d{1,2}[:.]\d\d(?:\s*[^\W\d_][^\s\d]{0,8})?)?")


#: The characters of ASCII text for which ``str.isdigit`` holds (a search in C, not a Python call per character).
_ASCII_DIGIT = re.compile("[0-9]")


def is_dateline(text: str) -> bool:
    """A short block that is only a date or time ("September 15, 2014", "Published 10:02 AM EST Nov 19, 2019")."""
    if len(text) > 80 or not (_ASCII_DIGIT.search(text) if text.isascii() else any(c.isdigit() for c in text)):
        return False
    if len(text) <= 50 and _ANY_DATELINE.fullmatch(text.strip()):
        return True
    if not (_MONTH_WORD.search(text) or _NUMERIC_DATE.search(text)):  # a bare time is a live-blog stamp
        return False
    return _DATELINE.fullmatch(text) is not None


#: A live-blog stamp: a clock time (or "N minutes ago"), a zone, and at most two label words around it
#: ("Pinned 01:15 GMT", "Latest 09:50", "16:45", "12:05 CET Updated", "3 hours ago").
_CLOCK_STAMP = re.compile(
    r"(?:[^\W\d_]{2,12}\.?\s+){0,2}(?:\d{1,2}[:.h]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*(?:(?-i:[A-Z]{2,5})|[+-]\d\d:?\d\d))?|"
    r"\d{1,3}\s+(?:min|mins|minutes?|hours?|hrs?|h)\s+ago)(?:\s+[^\W\d_]{2,12}){0,1}", re.I)
#: A fully linked first block of at most this many words is a section kicker, not the story.
KICKER_WORDS = 4
#: Longest live-blog stamp.
MAX_STAMP_CHARS = 40


def is_clock_stamp(text: str) -> bool:
    """Text that is only a time with a short label: a live-blog update stamp, a "Pinned"/"Latest" flag."""
    text = text.strip()
    return len(text) <= MAX_STAMP_CHARS and _CLOCK_STAMP.fullmatch(text) is not None


_ROW_SEP = re.compile(r"\s+[|•·]\s*|\s*[|•·]\s+|\s*[|•·]$")
_YEAR_OR_CLOCK = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[:.]\d\d\b")
#: A meta row is this short, in segments of at most this many words.
META_ROW_CHARS, META_SEGMENT_WORDS = 200, 6
#: A row without a date is a meta row when this many of its segments are "label: value" fields.
META_FIELDS = 2
#: A field: a label of at most three words, a colon (Latin, full-width, Ethiopic), a value.
_FIELD = re.compile(r"^\S+(?: \S+){0,2}[:：፡፦]\s*\S")


def is_meta_row(block: Block) -> bool:
    """An article tool row: short segments split by "|" or "·", one of them a date ("Haber: A. Demir |
    12 Kasım 2026 10:05 | Yazdır", "By Jo Ray · Nov 2, 2026 · 3 min read"), or of "label: value" fields; no
    sentence in it."""
    text = block.text.strip()
    if len(text) > META_ROW_CHARS or not _ROW_SEP.search(text):
        return False
    segments = [seg.strip() for seg in _ROW_SEP.split(text) if seg.strip()]
    if len(segments) < 2:
        return False
    if not any(_YEAR_OR_CLOCK.search(seg) for seg in segments) and \
            sum(1 for seg in segments if _FIELD.match(seg)) < min(len(segments), META_FIELDS):
        return False  # neither a date nor a row of "label: value" fields ("Category: Army | Views: 312")
    return all(len(seg.split()) <= META_SEGMENT_WORDS and not seg.endswith((".", "!", "?")) for seg in segments)


#: A counter: one word, a colon, a count grouped in thousands or not ("Праглядаў: 1 207", "Wyświetleń: 842");
#: a quantity with a unit ("Containers: 1 tsp.") is a recipe's or a spec's line.
_COUNTER = re.compile(r"[^\W\d_]{3,24} ?[:：] ?(?:\d{1,3}(?:[ ,.'’]\d{3})+|\d+)")
_LIST_TAGS = frozenset({"li", "td", "th", "dd", "dt"})


def is_counter_line(block: Block) -> bool:
    """A line of its own that is only a labelled count, in any language: a view or hit counter at the
    top or the end of the body. A list item of that shape is a figure of the article ("Tanks: 50")."""
    return block.tag not in _LIST_TAGS and len(block.text) <= 60 and _COUNTER.fullmatch(block.text.strip()) is not None


def _is_label(block: Block) -> bool:
    """A short lead-in such as "More:", "See also", an <h4> over a list of links."""
    words = block.text.split(None, 5)  # six pieces at most: enough to tell "at most five words" (a paragraph is not split whole)
    if not 1 <= len(words) <= 5 or block.text.rstrip().endswith((".", "!", "?")):
        return False
    return block.text.rstrip().endswith(":") or block.tag in ("h2", "h3", "h4", "h5", "h6", "dt", "strong")


def _is_caps_teaser(block: Block) -> bool:
    """A fully linked headline in capitals inside the body (an inline "read this too" promo)."""
    if block.link_density < 0.9 or len(block.text) < 12 or len(block.text) > MAX_TEASER:
        return False
    upper, lower = sum(c.isupper() for c in block.text), sum(c.islower() for c in block.text)
    return upper >= 12 and upper >= 0.85 * (upper + lower) and len(block.text.split()) >= 3


#: A labelled teaser: a label of at most this many words, a colon, and the rest one link's text.
TEASER_LABEL_WORDS, TEASER_LINK_WORDS = 4, 3
_TEASER_LABEL = re.compile(r"^([^:：.!?]{1,40}?)\s*[:：]\s*(.+)$")


def is_labelled_teaser(block: Block) -> bool:
    """ "Lue myös: <a>headline</a>", "À lire aussi : <a>…</a>", "Ezt is ajánljuk: <a>…</a>": a short
    label, a colon, and then nothing but one link's text: an inline promo for another story."""
    if len(block.text) > MAX_TEASER or not block.link_chars:
        return False
    m = _TEASER_LABEL.match(block.text.strip())
    if m is None or not 1 <= len(m.group(1).split()) <= TEASER_LABEL_WORDS:
        return _is_bare_label_teaser(block)
    rest = m.group(2).strip()
    # The link is the rest of the block (not the label too: a fully linked line is a plain teaser),
    # and reads as a headline: no closing punctuation ("Pro tip: <a>Get more ideas here!</a>" is a tip).
    return len(rest.split()) >= TEASER_LINK_WORDS and 0.9 * len(rest) <= block.link_chars <= len(rest) + 2 and \
        not rest.endswith((".", "!", "?", "…"))


#: A bare label before a teaser's link ("Related", "See also"): at most this many words, no colon.
BARE_LABEL_WORDS = 2


def _is_bare_label_teaser(block: Block) -> bool:
    """ "<span>Related</span><a>headline</a>": a capitalised label of a word or two with no colon,
    then nothing but one headline-like link (the unlinked text is the label, the link the rest)."""
    text = block.text.strip()
    unlinked = len(text) - block.link_chars
    label, rest = text[:unlinked].strip(), text[unlinked:].strip()
    return 0 < unlinked <= 20 and label[:1].isupper() and 1 <= len(label.split()) <= BARE_LABEL_WORDS and \
        not label.endswith((".", "!", "?", ",", ";")) and len(rest.split()) >= TEASER_LINK_WORDS and \
        rest[:1].isupper() and not rest.endswith((".", "!", "?", "…"))


#: Blocks from the top searched for a meta list ("Datum:" "04.11.2026", "Lesedauer:" "3 Min").
META_HEAD = 6
_META_VALUE = re.compile(r"\d+\s*[^\W\d_]{1,8}\.?|[\d\s./:,-]+", re.I)


def _is_colon_label(block: Block) -> bool:
    """A short label ending in a colon ("Datum:", "Lesedauer:")."""
    return _is_label(block) and block.text.rstrip().endswith((":", "："))


def _is_meta_value(text: str) -> bool:
    """A meta list's short value: a date or a duration ("3 Min", "04.11.2026")."""
    text = text.strip()
    return len(text) <= 24 and (_META_VALUE.fullmatch(text) is not None or is_dateline(text))


_ABOUT = re.compile(r"^(?:about|über|à propos de|à propos d'|a propos de|acerca de|acerca del|sobre|sobre el|sobre la|"
                    r"informazioni su|chi è|over|o|o firmie|informacje o|о компании|о|про)\s*(?:the\s+|l'|la\s+|le\s+|el\s+|die\s+|der\s+|das\s+)?"
                    r"(.{2,60}?)\s*:?$", re.I)
_ARTICLE_WORD = re.compile(r"^(?:the|l'|la|le|les|el|los|las|die|der|das|il|lo|o|a|os|as|de|het)\s+", re.I)


def _about_tail(blocks: list[Block]) -> int | None:
    """Where a press release's "About <Company>" boilerplate starts, if the body ends with it."""
    start = len(blocks) // 2
    for i in range(max(1, start), len(blocks) - 1):
        m = _ABOUT.match(blocks[i].text.strip())
        if not m or len(blocks[i].text.split()) > 8:
            continue
        proper = m.group(1).strip()[:1].isupper()
        name = m.group(1).strip().lower()
        first_word = name.split()[0] if name.split() else ""
        follow = blocks[i + 1].text.lower()
        if proper:  # "About the Ministry of Defence" / "The Ministry of Defence is ..." (a name, not "the programme")
            follow = _ARTICLE_WORD.sub("", follow)
        if len(first_word) >= 2 and (follow.startswith(name) or follow.startswith(first_word)):
            return i
    return None


#: Media/press contact labels that open the contact block at the end of a release or story.
_CONTACT_LABEL = re.compile(
    r"^(?:(?:for )?(?:media|press|news|pr|public affairs|communications?)\s+(?:contacts?|enquiries|inquiries|office)|contacts?|"
    r"for (?:more information|further information|media enquiries|media inquiries)(?:,? (?:please )?contact)?|"
    r"pressekontakt|medienkontakt|kontakt(?: für (?:medien|journalisten))?|contact(?:s)? (?:presse|médias)|relations (?:presse|médias)|"
    r"contacto(?: de prensa| para medios| con los medios)?|contacto de comunicación|contato(?: para imprensa| de imprensa)?|"
    r"contatti?(?: stampa| per la stampa)?|ufficio stampa|kontakt(?: dla mediów| dla prasy)?|biuro prasowe|perscontact|"
    r"контакты(?: для (?:сми|прессы))?|пресс-служба|контакти(?: для змі)?|прес-служба|"
    r"(?:취재|보도|언론)?\s*문의|お問い合わせ(?:先)?|報道関係者(?:の)?お問い合わせ|媒体联系(?:人)?|新闻联系人|联系方式)"
    r"\s*[:：]?", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\b(?:tel|phone|telephone|t|fax|mob|mobile|cell|tél|téléphone|teléfono|telefone|telefono|telefon|тел|전화)\b\.?\s*:?\s*)?"
                    r"\+?\(?\d[\d ()./-]{6,}\d")
#: A contact line: short, and mostly an e-mail address or phone number (a reporter's sign-off too).
CONTACT_LINE_WORDS = 10
#: Blocks from the end searched for a contact label; blocks after it must be this short.
CONTACT_TAIL, CONTACT_LINE_CHARS = 8, 140


def _is_contact_line(text: str) -> bool:
    """ "Tel. +44 20 7946 0000", "press@mod.example", "Kim Min-jun 기자 kim@paper.example"."""
    if len(text) > 120 or len(text.split()) > CONTACT_LINE_WORDS:
        return False
    return bool(_EMAIL.search(text) or (_PHONE.search(text) and sum(c.isdigit() for c in text) >= 7))


def _contact_tail(blocks: list[Block]) -> int | None:
    """Where the trailing block of contact details starts ("Media contact" + office, phone, e-mail lines)."""
    n = len(blocks)
    start = None
    for i in range(n - 1, max(-1, n - CONTACT_TAIL - 1), -1):
        text = blocks[i].text.strip()
        if len(text) > CONTACT_LINE_CHARS and not _is_contact_line(text):
            break
        if _CONTACT_LABEL.match(text) and (
                _CONTACT_LABEL.fullmatch(text) or _EMAIL.search(text) or _PHONE.search(text)):
            start = i
    if start is None:  # any short label ("Ansprechpartner:") over short lines, one of them a phone or e-mail
        for i in range(max(0, n - CONTACT_TAIL), n - 1):
            tail = [b.text.strip() for b in blocks[i + 1:]]
            if _is_label(blocks[i]) and blocks[i].text.rstrip().endswith((":", "：")) and \
                    all(len(t) <= CONTACT_LINE_CHARS for t in tail) and any(_is_contact_line(t) for t in tail):
                start = i
                break
    if start is not None:
        return start
    k = n
    while k > 1 and _is_contact_line(blocks[k - 1].text):
        k -= 1
    return k if k < n else None


def prune_sequence(blocks: list[Block], rules: Rules, stats: Counter | None = None) -> list[Block]:
    """Drop boilerplate that only shows in the sequence: teaser runs, repeated labels, datelines, edges."""
    n = len(blocks)
    if not n:
        return blocks
    reason: list[str | None] = [None] * n
    teaser = [b.link_density >= TEASER_LINK_SHARE and len(b.text) <= MAX_TEASER for b in blocks]
    i = 0
    while i < n:
        if not teaser[i]:
            i += 1
            continue
        j = i
        while j < n and teaser[j]:
            j += 1
        label = i > 0 and reason[i - 1] is None and _is_label(blocks[i - 1])
        if j - i >= MIN_TEASER_RUN or (j - i >= 2 and label):
            for k in range(i, j):
                reason[k] = "related"
            if label:
                reason[i - 1] = "related"
        i = j
    # The body's last two blocks a label and one linked headline: a "next story" or "read next" box.
    if n >= 3 and reason[n - 1] is None and teaser[n - 1] and reason[n - 2] is None and _is_label(blocks[n - 2]):
        reason[n - 2] = reason[n - 1] = "related"
    for k, b in enumerate(blocks):
        if reason[k] is not None or b.tag in ("td", "th"):
            continue
        if _is_caps_teaser(b) or is_labelled_teaser(b):
            reason[k] = "related"
        elif k < EDGE_HEAD and b.link_density >= 0.9 and len(b.text.split()) <= KICKER_WORDS:
            reason[k] = "structure"  # a section kicker or breadcrumb link above the story
        elif (k <= EDGE_HEAD or k >= n - EDGE_TAIL) and (is_dateline(b.text) or is_counter_line(b)) or is_meta_row(b):
            reason[k] = "structure"
    edge_groups = [g for g in rules.groups if g.edge_parts]
    if edge_groups:
        edges = [k for k in [*range(min(EDGE_HEAD, n)), *range(max(EDGE_HEAD, n - EDGE_TAIL), n)]
                 if reason[k] is None and len(blocks[k].text) <= 2 * MAX_RULE_BLOCK]
        canons = {k: canonical(blocks[k].text) for k in edges}
        # The rules' literals looked for once in all the edge blocks joined, not in each block apart:
        # a literal of a block is in the join (one that only the join's seams make costs a look more).
        joined = "\0".join(canons.values())
        present = frozenset(lit for lit in frozenset().union(*(g.edge_literals for g in edge_groups)) if lit in joined)
        for k in edges:
            for g in edge_groups:
                if g.edge_hit(blocks[k].text, canons[k], present):
                    reason[k] = g.name
                    break
    # "Datum:" "04.11.2026" / "Lesedauer:" "3 Min": a meta list above the story, each label with its
    # value (a value the DOM rules took, such as a <time>, leaves its label before the next pair).
    k = 0
    while k < min(META_HEAD, n - 1):
        j = k
        while j < n - 1 and _is_colon_label(blocks[j]) and not _is_meta_value(blocks[j + 1].text):
            j += 1
        if reason[k] is None and _is_colon_label(blocks[j]) and j + 1 < n and _is_meta_value(blocks[j + 1].text):
            for i in range(k, j + 2):
                reason[i] = reason[i] or "structure"
            k = j + 2
        else:
            k += 1
    about = _about_tail(blocks)
    if about is not None:
        for k in range(about, n):
            reason[k] = reason[k] or "about"
    contact = _contact_tail(blocks)
    if contact is not None:
        for k in range(contact, n):
            reason[k] = reason[k] or "contact"
    for k, b in enumerate(blocks):  # bare numbers outside tables: a pager ("1 2 3") or a counter
        if reason[k] is None and b.tag not in ("td", "th") and b.text.strip().isdigit() and len(b.text.strip()) <= 3:
            reason[k] = "structure"
    if stats is not None:
        for r in reason:
            if r is not None:
                stats[f"boilerplate/{r}"] += 1
    return [b for b, r in zip(blocks, reason, strict=True) if r is None]
