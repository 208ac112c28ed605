"""Config loading: good and bad registries, both shapes of --sites, errors naming file and key."""
from __future__ import annotations

import pytest
from conftest import REPO, run_cli

from crawler.config import ConfigError, load_app, load_sites

GOOD = """
name = "Example Defence"
url = "https://example.org"
feeds = ["/feed/", "https://feeds.example.net/x.xml"]
lang = "en"
[selectors]
body = "div.entry-content"
[boilerplate]
patterns = ["^See also\\\\b.*"]
[poll]
min_interval = 60
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_folder_of_site_files(tmp_path):
    write(tmp_path, "example.toml", GOOD)
    (site,) = load_sites(tmp_path)
    assert site.id == "example"
    assert site.url == "https://example.org/"
    assert site.feeds == ("https://example.org/feed/", "https://feeds.example.net/x.xml")
    assert site.selectors.body == "div.entry-content"
    assert site.poll.min_interval == 60.0
    with pytest.raises(AttributeError):
        site.name = "changed"  # frozen


def test_one_file_of_sites_tables(tmp_path):
    path = write(tmp_path, "sites.toml", '[[sites]]\nid = "a"\nname = "A"\nurl = "http://127.0.0.2:8000/"\n'
                                         'feeds = ["/feed/"]\n[[sites]]\nid = "b"\nname = "B"\n'
                                         'url = "http://127.0.0.3:8000/en"\nfeeds = ["feed/"]\n')
    a, b = load_sites(path)
    assert a.feeds == ("http://127.0.0.2:8000/feed/",)
    assert b.feeds == ("http://127.0.0.3:8000/en/feed/",)


@pytest.mark.parametrize("text, key", [
    ('colour = "red"\n' + GOOD, "colour"),
    (GOOD.replace('lang = "en"', "lang = 5"), "lang"),
    (GOOD.replace('[poll]\nmin_interval = 60', '[poll]\nmin_interval = 60\nfrequency = 3'), "poll.frequency"),
    (GOOD.replace('url = "https://example.org"', 'url = "ftp://example.org"'), "url"),
    (GOOD.replace('name = "Example Defence"\n', ''), "name"),
    (GOOD.replace('feeds = ["/feed/", "https://feeds.example.net/x.xml"]', 'feeds = "x"\nfeeds2 = 1'), "feeds2"),
    (GOOD.replace('["^See also\\\\b.*"]', '["(unclosed"]'), "boilerplate.patterns"),
])
def test_bad_site_file_names_file_and_key(tmp_path, text, key):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ConfigError) as info:
        load_sites(tmp_path)
    assert info.value.key == key
    assert str(path) in str(info.value)


def test_unknown_key_in_sites_table_and_duplicate_ids(tmp_path):
    path = write(tmp_path, "s.toml", '[[sites]]\nid = "a"\nname = "A"\nurl = "https://a.org/"\nfeeds = ["/f"]\nrss = 1\n')
    with pytest.raises(ConfigError, match=r"sites\[0\]\.rss"):
        load_sites(path)
    write(tmp_path, "s.toml", '[[sites]]\nid = "a"\nname = "A"\nurl = "https://a.org/"\nfeeds = ["/f"]\n' * 2)
    with pytest.raises(ConfigError, match="already used"):
        load_sites(path)


def test_invalid_toml_and_missing_path(tmp_path):
    write(tmp_path, "broken.toml", "name = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_sites(tmp_path)
    with pytest.raises(ConfigError, match="no such file"):
        load_sites(tmp_path / "nope")


def test_app_config_defaults_and_errors(tmp_path):
    app = load_app(tmp_path / "missing.toml")
    assert app.download_timeout == 30 and app.max_body_bytes == 10 * 1024 * 1024
    bad = write(tmp_path, "app.toml", "download_timeout = 'soon'\n")
    with pytest.raises(ConfigError, match="download_timeout"):
        load_app(bad)
    assert load_app(REPO / "config" / "app.toml").min_interval == 300


def test_cli_config_error_exits_2_naming_file_and_key(tmp_path):
    path = write(tmp_path, "sites.toml", '[[sites]]\nid = "a"\nname = "A"\nurl = "https://a.org/"\nfeeds = ["/f"]\nfeedz = []\n')
    run = run_cli("crawl", "--sites", path, "--db", tmp_path / "db.sqlite3")
    assert run.returncode == 2
    assert str(path) in run.stderr and "feedz" in run.stderr


def test_cli_misuse_exits_2_with_usage():
    run = run_cli("crawl", "--no-such-flag")
    assert run.returncode == 2 and "usage:" in run.stderr
    run = run_cli()
    assert run.returncode == 2 and "usage:" in run.stderr


def test_allow_networks_must_be_cidr(tmp_path):
    bad = write(tmp_path, "app.toml", 'allow_networks = ["10.0.0.0/8", "intranet"]\n')
    with pytest.raises(ConfigError, match=r"allow_networks\[1\]"):
        load_app(bad)
    good = write(tmp_path, "app2.toml", 'allow_networks = ["10.0.0.0/8", "fd00::/8"]\n')
    assert load_app(good).allow_networks == ("10.0.0.0/8", "fd00::/8")
