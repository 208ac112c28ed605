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

def builder_page(boxes: list[str]) -> object:
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


# ---------------------------------------------------------------- portal conventions

def portal_page(title: str, content: str, lang: str = "zh") -> object:
    html = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head><body>"
            "<div class='logo'><a href='/'>Portal</a></div><div class='viewbox'>"
            f"<div class='title'><h2>{title.split('_')[0]}</h2></div>"
            f"<div class='content'>{content}</div></div><div class='footer'>Footer</div></body></html>")
    return extract_page(html, URL)


ZH = ("近日，一型新研制的无人水面艇在南海某海域完成远海综合测试。据项目负责人介绍，该艇在连续十天的测试中完成了"
      "自主航行、编队协同和目标识别等多项科目，各项指标均达到设计要求。")


def test_underscore_joined_title_segments_give_the_headline_the_page_states() -> None:
    rec = portal_page("新型无人水面艇完成远海综合测试_军事频道_综合网", "".join(f"<p>{ZH}{i}</p>" for i in range(4)))
    assert rec.title == "新型无人水面艇完成远海综合测试"


def test_title_segment_that_is_only_a_site_heading_is_not_the_headline() -> None:
    html = ("<html><head><title>Watch Notes: Why the standard matters</title></head><body>"
            "<h1>Watch Notes</h1><h3 class='post-title'>Why the standard matters</h3>"
            f"<div class='post-body'><p>{BODY}</p><p>{BODY}</p></div></body></html>")
    assert extract_page(html, URL).title != "Watch Notes"


def test_caption_ending_in_a_parenthesised_photo_credit_is_not_body() -> None:
    pics = ("<div class='pic'><img src='/a.jpg'><p class='pic-note'>测试中的无人水面艇。（图片来源：资料图）</p></div>"
            "<div class='pic'><img src='/b.jpg'><p class='pic-note'>The frigate at sea (Photo: Navy)</p></div>")
    rec = portal_page("标题文字很长的新闻_频道_综合网", pics + "".join(f"<p>{ZH}{i}</p>" for i in range(4)))
    assert "图片来源" not in rec.body and "Photo:" not in rec.body
    assert rec.body.count("远海综合测试") == 4


def test_parenthesised_responsible_editor_line_at_the_end_is_not_body() -> None:
    rec = portal_page("标题文字很长的新闻_频道_综合网",
                      "".join(f"<p>{ZH}{i}</p>" for i in range(4)) + "<div class='editor'>（责任编辑：王晓燕）</div>")
    assert "责任编辑" not in rec.body and "王晓燕" not in rec.body
    assert rec.body.count("远海综合测试") == 4


# ---------------------------------------------------------------- labelled fields in a meta line

def meta_line_page(line: str) -> object:
    html = ("<!doctype html><html><head><meta charset='utf-8'><title>Radary pre armádu</title></head><body>"
            f"<h1>Radary pre armádu</h1><div class='info'>{line}</div>"
            f"<div class='text'>{''.join(f'<p>{BODY} {i}</p>' for i in range(4))}</div></body></html>")
    return extract_page(html, URL)


def test_author_label_inside_a_meta_line_gives_the_names_up_to_the_next_field() -> None:
    rec = meta_line_page("时间:2026-11-04 14:32\u3000来源：<a href='/'>科技网</a>\u3000作者：陈思远\u3000刘芳\u3000点击：<span>12</span>次")
    assert rec.authors == ["陈思远", "刘芳"]
    rec = meta_line_page("Autor: <a href='/autor.php?m=1'>Peter Hudák</a> <span>|</span> <span class='d'>4. 11. 2026</span>"
                         " <span>|</span> Čas čítania: 2 min")
    assert rec.authors == ["Peter Hudák"]


def test_source_and_editor_labels_are_not_authors() -> None:
    rec = meta_line_page("时间:2026-11-04 14:32\u3000来源：<a href='/'>科技网</a>\u3000点击：<span>12</span>次")
    assert rec.authors == []


def test_iso_date_inside_an_info_line_with_other_fields_is_read() -> None:
    rec = meta_line_page("时间:2026-11-04 14:32\u3000来源：<a href='/'>科技网</a>\u3000作者：赵宇\u3000点击：<span>12</span>次")
    assert rec.published is not None and rec.published.startswith("2026-11-04T14:32")


# ---------------------------------------------------------------- bare-labelled related box

def test_related_box_of_a_label_element_and_one_link_is_a_teaser_not_glued_body() -> None:
    box = ("<div class='InlineRelated_box__t5UvW'><span class='InlineRelated_label__w6XyZ'>Related</span>"
           "<a href='/2026/10/other'>Pentagon Budget Request Doubles Counter-Drone Funding</a></div>")
    html = ("<!doctype html><html><head><title>Story</title></head><body><h1>Story</h1>"
            f"<div class='ArticleBody_body__x1Y2z'><p>{BODY} 1</p><p>{BODY} 2</p>{box}<p>{BODY} 3</p>"
            f"<p>{BODY} 4</p></div></body></html>")
    rec = extract_page(html, URL)
    assert "Pentagon Budget" not in rec.body and "Related" not in rec.body
    assert rec.body.count("officials added") == 4


def test_css_module_inline_elements_do_not_glue_words() -> None:
    html = ("<!doctype html><html><head><title>Story</title></head><body><h1>Story</h1><div class='body'>"
            f"<p>{BODY}</p><p><span class='Unit_name__a1B2c'>Navy</span><span class='Unit_name__a1B2c'>Army</span>"
            f" and {BODY}</p><p>{BODY}</p></div></body></html>")
    assert "NavyArmy" not in extract_page(html, URL).body


def test_sentence_ending_in_a_link_with_a_short_lead_stays_body() -> None:
    html = ("<!doctype html><html><head><title>Story</title></head><body><h1>Story</h1><div class='body'>"
            f"<p>{BODY} 1</p><p>Officials said <a href='/x'>the contract was signed on Tuesday.</a></p>"
            f"<p>{BODY} 2</p><p>{BODY} 3</p></div></body></html>")
    assert "the contract was signed on Tuesday." in extract_page(html, URL).body
