from crawler.urls import article_id, canonical_url, same_site, url_key


def test_tracking_parameters_and_fragment_removed():
    assert canonical_url("https://Ex.COM/a/b/?utm_source=rss&utm_medium=feed&id=3&fbclid=x#top") == "https://ex.com/a/b/?id=3"
    assert canonical_url("http://ex.com:80/a?gclid=1&b=2&a=1") == "http://ex.com/a?a=1&b=2"


def test_one_key_for_spellings_of_one_page():
    same = ["https://www.ex.com/2024/10/post/", "http://ex.com/2024/10/post", "https://ex.com//2024/10/post/?utm_campaign=x",
            "https://EX.com/2024/10/post/#comments"]
    assert len({url_key(u) for u in same}) == 1
    assert len({article_id(u) for u in same}) == 1
    assert url_key("https://ex.com/?p=123") != url_key("https://ex.com/?p=124")
    assert url_key("https://ex.com/a") != url_key("https://ex.com/b")


def test_percent_encoding_normalised():
    assert url_key("https://ex.com/caf%C3%A9/") == url_key("https://ex.com/café/")


def test_same_site():
    assert same_site("https://www.ex.com/a", "https://ex.com/")
    assert same_site("https://news.ex.com/a", "https://ex.com/")
    assert not same_site("https://ex.com.evil.org/a", "https://ex.com/")
