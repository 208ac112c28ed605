"""End to end: the CLI over the story web (crawl per epoch, export), scored by bench/score_stories.py.

The figures are the ones measured on this web (bench/README.md); a change may not lower them.
"""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES, REPO

WEB = FIXTURES / "web-stories"


def test_story_web_clusters_through_the_cli(tmp_path):
    out = tmp_path / "score.json"
    run = subprocess.run([sys.executable, str(REPO / "bench" / "score_stories.py"), "--web", str(WEB),
                          "--exe", f"{sys.executable} -m crawler", "--json", str(out)],
                         capture_output=True, text=True, timeout=600, cwd=REPO)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    m = json.loads(out.read_text())
    assert m["scored_articles"] == m["truth_articles"] == 58
    assert m["pairwise_f1"] >= 0.95, run.stdout
    assert m["lookalikes_merged"] == 0, m["_merged"]
    assert m["first_reporter_acc"] >= 0.95, m["_first_wrong"]
    assert m["late_copies_joined"] == m["late_copies"] == 3, m["_late_missed"]
    assert m["french_story_one_id"] == 1
