"""The record's schema is derived from the ``Article`` dataclass and its attribute docstrings."""
from __future__ import annotations

import json
from dataclasses import replace

from conftest import run_cli

from crawler.items import ARTICLE_FIELDS, Article, article_json_schema
from pipelines.normalize import content_hash

README_FIELDS = ("id", "url", "site", "title", "authors", "published", "updated", "lang", "tags", "body",
                 "fetched_at", "version", "description", "feed_url", "content_hash", "found_via", "story", "story_first_url",
                 "story_first_site", "story_first_published", "story_size")


def sample() -> Article:
    return Article(id="0123456789abcdef", url="https://ex.com/a", site="ex", title="T", authors=["A B"],
                   published="2024-10-01", updated=None, lang="en", tags=[], body="Body.",
                   fetched_at="2024-10-02T00:00:00+00:00")


def test_every_field_is_documented():
    schema = article_json_schema()
    undocumented = [name for name, spec in schema["properties"].items() if not spec.get("description")]
    assert undocumented == []
    assert list(schema["properties"]) == list(ARTICLE_FIELDS)


def test_field_order_is_the_record_contract():
    assert ARTICLE_FIELDS == README_FIELDS
    assert list(json.loads(sample().to_json())) == list(README_FIELDS)


def test_types_come_from_the_annotations():
    props = article_json_schema()["properties"]
    assert props["authors"]["type"] == "array" and props["authors"]["items"] == {"type": "string"}
    assert props["version"]["type"] == "integer"
    assert set(props["published"]["type"]) == {"string", "null"}
    assert article_json_schema()["required"] == list(README_FIELDS)


def test_content_hash_covers_what_its_docstring_says():
    doc = article_json_schema()["properties"]["content_hash"]["description"]
    assert all(word in doc for word in ("title", "body", "published", "updated"))
    base = sample()
    for change in ({"title": "U"}, {"body": "Other."}, {"published": "2024-10-03"}, {"updated": "2024-10-04"}):
        assert content_hash(replace(base, **change)) != content_hash(base), change
    for same in ({"fetched_at": "2025-01-01T00:00:00+00:00"}, {"tags": ["x"]}, {"version": 3}):
        assert content_hash(replace(base, **same)) == content_hash(base), same


def test_json_round_trip():
    article = sample()
    assert Article.from_json(article.to_json()) == article
    assert Article.from_json(json.dumps({**article.to_dict(), "found_via": "feed"})) == article


def test_schema_command_prints_the_derived_schema():
    result = run_cli("schema")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == article_json_schema()
