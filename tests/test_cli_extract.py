"""`defwatch extract`: the JSONL contract used by scoring tools, and the one-page view."""
from __future__ import annotations

import json

from conftest import WEB_DEV, run_cli

SEED = WEB_DEV / "defencetalks" / "files" / "russia-ready-to-ratify-defense-agreement-with-north-korea-south-korea-issue-a-warning" / "index.html"
BASE = "http://127.0.0.9:8000"


def seed_html() -> str:
    return SEED.read_text(encoding="utf-8").replace("{{BASE}}", BASE)


def test_jsonl_one_line_per_input_in_order_never_crashing():
    lines = [
        json.dumps({"id": "seed", "url": BASE + "/russia-ready/", "html": seed_html()}),
        json.dumps({"id": "empty", "url": "http://x.org/a", "html": ""}),
        "this is not json",
        json.dumps({"id": 7, "url": "http://x.org/b", "html": "\x00\x01\x02 binary \xff"}),
        json.dumps({"id": "nested", "url": "http://x.org/c", "html": "<div>" * 20000 + "deep" + "</div>" * 20000}),
        json.dumps({"id": "nohtml", "url": "http://x.org/d"}),
        json.dumps({"id": "last", "url": "http://x.org/e", "html": "<html><head><title>Short</title></head>"
                    "<body><article><h1>Short</h1><p>" + "Word " * 80 + "</p></article></body></html>"}),
    ]
    run = run_cli("extract", "--jsonl", input="\n".join(lines) + "\n", timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["id"] for o in out] == ["seed", "empty", None, 7, "nested", "nohtml", "last"]
    for o in out:
        assert {"id", "title", "authors", "published", "body"} <= set(o) or "error" in o
    seed = out[0]
    assert seed["title"].startswith("Russia ready to ratify defense agreement")
    assert "Leave a Reply" not in seed["body"] and "Subscribe to get the latest posts" not in seed["body"]
    assert seed["published"].startswith("2024-10-24")
    assert "error" in out[2] and "error" in out[5]
    assert "Word Word" in out[6]["body"]


def test_one_page_view_prints_indented_json(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(seed_html(), encoding="utf-8")
    run = run_cli("extract", page, "--url", BASE + "/russia-ready/")
    assert run.returncode == 0, run.stderr[-2000:]
    record = json.loads(run.stdout)
    assert run.stdout.startswith("{\n  ")
    assert record["authors"] and record["body"].count("\n\n") == 16
    run = run_cli("extract", tmp_path / "missing.html")
    assert run.returncode == 2 and "cannot read" in run.stderr


def test_url_view_decodes_with_the_served_charset():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    paras = ["Флот получит четыре фрегата до конца следующего года, сообщили в министерстве обороны.",
             "Первый корабль будет передан флоту весной, а последний пройдёт испытания в северных морях."]
    page = ("<html><body><article><h1>Флот получит фрегаты</h1>" + "".join(f"<p>{p}</p>" for p in paras)
            + "</article></body></html>").encode("cp1251")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=windows-1251")  # the page itself declares none
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        run = run_cli("extract", f"http://127.0.0.1:{server.server_port}/flot/")
    finally:
        server.shutdown()
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert record["title"] == "Флот получит фрегаты" and record["body"].split("\n\n") == paras
