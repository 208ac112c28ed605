"""``--db postgresql://...`` on the command line: a server URL, never a file path."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", ["crawl", "status", "export"])
def test_db_url_is_not_a_file_path(tmp_path, command):
    url = "postgresql://defwatch:secret@127.0.0.1:1/defwatch"
    result = subprocess.run([sys.executable, "-m", "crawler", command, "--db", url], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert result.returncode == 3, result.stderr
    assert "store error" in result.stderr and "secret" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no folder named "postgresql:" (nor anything else) appeared
