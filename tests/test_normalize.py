from crawler.items import Extracted, FeedEntry
from pipelines.normalize import build_record, trusted_canonical


def test_canonical_rules():
    site = "https://ex.com/"
    assert trusted_canonical("https://ex.com/2024/10/post/", "https://ex.com/?p=12", site)
    assert trusted_canonical("https://www.ex.com/a/", "https://ex.com/a/?utm_source=rss", site)
    assert not trusted_canonical("https://ex.com/", "https://ex.com/2024/10/post/", site)        # home page
    assert not trusted_canonical("https://ex.com/news/", "https://ex.com/news/2024/post/", site)  # section front
    assert not trusted_canonical("https://other.org/post/", "https://ex.com/post/", site)         # another site
    assert not trusted_canonical("javascript:alert(1)", "https://ex.com/post/", site)


def test_record_fallbacks_and_tracking_removed():
    ex = Extracted(url="https://ex.com/post/?utm_source=x#c", title="T", body="B " * 50, authors=["A B"])
    rec = build_record(ex, site_id="ex", site_url="https://ex.com/", fetched_url="https://ex.com/post/",
                       site_lang="fr", entry=FeedEntry(feed_url="https://ex.com/feed/", link="https://ex.com/post/",
                                       published="2024-10-01T10:00:00+00:00", authors=("A B",), tags=("X",)))
    assert rec.url == "https://ex.com/post/"
    assert rec.lang == "fr" and rec.authors == ["A B"] and rec.tags == ["X"]
    assert rec.published == "2024-10-01T10:00:00+00:00"
    assert len(rec.id) == 16 and rec.content_hash


def test_markup_size_ignores_scripts_and_styles():
    from pipelines.extract import MAX_PAGE_MARKUP, markup_size

    small = b"<html><body><p>x</p></body></html>"
    assert markup_size(small) == len(small)
    script = b"<script>" + b"x" * (MAX_PAGE_MARKUP + 10) + b"</script>"
    page = b"<html><head>" + script + b"<!-- " + b"c" * 1000 + b" --></head><body><p>Article</p></body></html>"
    assert markup_size(page) < 200                     # a big inline data blob does not count
    filler = b"<html><body>" + b"<p>filler text</p>" * (MAX_PAGE_MARKUP // 18 + 10) + b"</body></html>"
    assert markup_size(filler) > MAX_PAGE_MARKUP       # 3 MiB of paragraphs is not an article page


def test_word_count_in_unspaced_scripts():
    from pipelines.validate import MIN_BODY_WORDS, word_count

    assert word_count("Three short words") == 3
    japanese = "防衛省は22日、次期戦闘機の開発で英国とイタリアとの協力を拡大すると発表した。" * 3
    assert word_count(japanese) >= MIN_BODY_WORDS  # 3 sentences of Japanese are an article's worth
    assert word_count("東京") < MIN_BODY_WORDS
    assert word_count("F-35 戦闘機") == 3  # "F", "35" and two characters
