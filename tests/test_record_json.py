"""Records are encoded with orjson (crawler/items.py): the same bytes the json module writes."""
from __future__ import annotations

import json
import random

from crawler.items import ARTICLE_FIELDS, Article, dumps_compact, loads
from crawler.store_exports import PendingExport


def reference(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def test_every_character_is_spelled_as_the_json_module_spells_it():
    rng = random.Random(12)
    # Controls, quotes, backslashes, DEL, C1, the JS line separators, BMP and astral planes.
    alphabet = ([chr(i) for i in range(0x00, 0xA1)] + ["\u2028", "\u2029", "\ufeff", "\uffff", "é", "ß", "中", "\U0001f600"]
                + [chr(rng.randrange(0x100, 0xD800)) for _ in range(200)])
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        data = {"s": text, "l": [text, None, 3, True], "n": rng.randrange(-2**63, 2**63)}
        assert dumps_compact(data) == reference(data)
        assert loads(dumps_compact(data)) == data


def test_what_orjson_refuses_falls_back_to_the_json_module():
    lone = {"s": "a\ud800b", "big": 2**70}
    assert dumps_compact(lone) == reference(lone)
    assert loads('{"x": NaN}')["x"] != loads('{"x": NaN}')["x"]  # NaN, as json.loads reads it
    assert loads('"\\ud800"') == json.loads('"\\ud800"')


def test_a_record_encodes_as_before_and_reads_back():
    rec = Article(id="0123456789abcdef", url="https://ex.com/a", site="ex", title="Tītle \"quoted\"\u2028",
                  authors=["Ann Ó"], published=None, updated=None, lang="en", tags=["t\x01"], body="Line\n\nLine\t2",
                  fetched_at="2024-10-02T00:00:00+00:00", version=3, story_size=2)
    text = rec.to_json()
    assert text == reference({name: getattr(rec, name) for name in ARTICLE_FIELDS})
    assert Article.from_json(text) == rec
    assert PendingExport(rec.id, 3, text).line() == text
