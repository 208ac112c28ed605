"""Export: atomic whole-store files, crash-safe live appends (no lost record, no duplicate, no torn line)."""
from __future__ import annotations

import json

import pytest
from conftest import run_cli
from test_store import record

from crawler.export import append_pending, atomic_write, export_range
from crawler.store import Store


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.sqlite3") as s:
        for i in range(5):
            s.save_article(record(f"a{i}", published=f"2024-10-0{i + 1}T10:00:00+00:00"), page_keys=[f"k{i}"])
        yield s


def lines(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_export_range_deterministic_and_filtered(store, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert export_range(store, a) == 5
    export_range(store, b)
    assert a.read_bytes() == b.read_bytes()
    c = tmp_path / "c.jsonl"
    assert export_range(store, c, since="2024-10-02", until="2024-10-04T00:00:00+00:00") == 2
    assert [r["id"] for r in lines(c)] == ["a1", "a2"]


def test_atomic_write_keeps_previous_file_on_failure(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text('{"old": true}\n')

    def boom():
        yield record("a1")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(target, boom())
    assert target.read_text() == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary left behind


def test_append_pending_exactly_once(store, tmp_path):
    out = tmp_path / "live.jsonl"
    assert append_pending(store, out) == 5
    assert append_pending(store, out) == 0
    store.save_article(record("a1", body="edited"), page_keys=["k1"])
    assert append_pending(store, out) == 1
    got = lines(out)
    assert len(got) == 6 and got[-1]["id"] == "a1" and got[-1]["version"] == 2


def test_append_pending_repairs_a_crash_between_write_and_mark(store, tmp_path):
    out = tmp_path / "live.jsonl"
    append_pending(store, out)
    committed = out.stat().st_size
    # A run wrote a record and a torn half line, then died before marking them exported.
    store.save_article(record("a9"), page_keys=["k9"])
    with open(out, "ab") as fh:
        fh.write(b'{"id":"a9","partial":tr')
    assert append_pending(store, out) == 1
    got = lines(out)
    assert [r["id"] for r in got].count("a9") == 1
    assert out.stat().st_size > committed


def test_append_to_existing_file_with_torn_last_line(tmp_path):
    with Store(tmp_path / "s.sqlite3") as s:
        s.save_article(record("a1"), page_keys=["k1"])
        out = tmp_path / "old.jsonl"
        out.write_bytes(b'{"id":"x"}\n{"id":"y", "tor')
        append_pending(s, out)
        assert [r["id"] for r in lines(out)] == ["x", "a1"]


def test_cli_export_to_stdout_and_bad_since(store, tmp_path):
    store.close()
    db = tmp_path / "s.sqlite3"
    run = run_cli("export", "--db", db, "--out", "-")
    assert run.returncode == 0 and len(run.stdout.splitlines()) == 5
    run = run_cli("export", "--db", db, "--since", "yesterday")
    assert run.returncode == 2 and "--since" in run.stderr
    run = run_cli("export", "--db", tmp_path / "missing.sqlite3")
    assert run.returncode == 3 and "no such store" in run.stderr



def test_schema_command_describes_every_exported_field(store, tmp_path):
    import json as _json

    schema = _json.loads(run_cli("schema").stdout)
    store.close()
    line = run_cli("export", "--db", tmp_path / "s.sqlite3").stdout.splitlines()[0]
    record = _json.loads(line)
    assert set(schema["required"]) <= set(record)
    assert set(record) <= set(schema["properties"])
    assert schema["properties"]["authors"]["type"] == "array"
