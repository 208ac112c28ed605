"""Failure classes from first contact with blind web E (issue 8), one small inline page each.

Each test names a class, not one site's sentence: a page builder that boxes every paragraph,
subheading and list alone (the boxes must be joined), and so on.
"""
from __future__ import annotations

from crawler.extraction import extract_page

URL = "https://news.example.org/2026/11/story/"
BODY = ("The ministry said the first armoured vehicles would be delivered by the end of the year, and that "
        "the contract for the second batch would be signed in the spring, officials added on Tuesday.")


# ---------------------------------------------------------------- page-builder boxes

def builder_page(boxes: list[str]) -> "object":
    body = "".join(f"<div class='builder-text builder-text-{i}'>{b}</div>" for i, b in enumerate(boxes))
    html = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Story</title></head><body>"
            "<header><nav class='main-menu'><ul><li><a href='/a'>Army</a></li><li><a href='/n'>Navy</a></li>"
            "</ul></nav></header><article class='post'><h1>Story</h1><div class='post-content'>"
            f"<div class='builder-row'><div class='builder-column'>{body}</div></div></div></article>"
            "<footer><p>Footer text of the site.</p></footer></body></html>")
    return extract_page(html, URL)


def test_subheading_and_list_boxed_alone_between_paragraph_boxes_are_kept() -> None:
    boxes = [f"<p>{BODY} Part {i}.</p>" for i in range(2)]
    boxes += ["<h2>What the contract covers</h2>", "<p>The purchase has several main parts:</p>",
              "<ul><li>two more batteries with launchers,</li><li>three-dimensional radars,</li>"
              "<li>a training programme for crews.</li></ul>"]
    boxes += [f"<p>{BODY} Part {i}.</p>" for i in range(2, 5)]
    rec = builder_page(boxes)
    assert "What the contract covers" in rec.body
    assert "three-dimensional radars" in rec.body
    assert rec.body.count("Part") == 5


def test_link_box_between_paragraph_boxes_stays_out() -> None:
    boxes = [f"<p>{BODY} Part {i}.</p>" for i in range(2)]
    boxes += ["<p><strong>See also:</strong> <a href='/other'>Navy receives its fourth new frigate</a></p>"]
    boxes += [f"<p>{BODY} Part {i}.</p>" for i in range(2, 5)]
    rec = builder_page(boxes)
    assert "frigate" not in rec.body
    assert rec.body.count("Part") == 5

