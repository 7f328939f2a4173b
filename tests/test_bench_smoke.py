"""`python -m bench --smoke` runs every benchmark with tiny sizes and writes the whole table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.frame_path import FRAME_PATH_COMMIT

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("server CPU per recorded 2-party call, RTP forwarding", "hub CPU per packet in and out",
           "village uplink, 1 approver", "village uplink, 3 approver", "server CPU per recorded call",
           "recorded calls held", "recording's own cost", "server memory added per active call", "call setup, median",
           "server memory idle", "scan transfer", "watermark visible + invisible", "watermark extract")


def in_history(commit: str) -> bool:
    return subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", commit], capture_output=True).returncode == 0


@pytest.mark.timeout(480)  # every benchmark, and the frame path's calls beside ours
def test_the_benchmark_table_runs_and_every_figure_is_measured(tmp_path: Path) -> None:
    output = tmp_path / "table.json"
    run = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--output", str(output)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    table = json.loads(output.read_text())
    names = [row["name"] for row in table["figures"]]
    for figure in FIGURES:
        assert any(name.startswith(figure) for name in names), (figure, names)
    rows = {row["name"]: row for row in table["figures"]}
    assert 0.9 < rows["village uplink, 3 approver(s), recorded"]["measured"] < 1.5  # one stream, not three
    assert all(row["measured"] > 0 for row in table["figures"] if not row["name"].startswith("recorded calls held"))
    assert any(name.endswith("time ÷ its floor") for name in names)
    assert any(name.endswith("speed ÷ a plain upload") for name in names)
    # the frame path ran from git beside ours, on the same clip: both carried media (a clone
    # without that commit's history, e.g. a shallow one, can run ours alone, and says so)
    forwarding = table["details"]["forwarding"]["runs"]
    assert all(run["packets_per_second"] > 100 for run in forwarding["rtp"])
    if in_history(FRAME_PATH_COMMIT):
        assert forwarding["frames"] and all(run["frames_lost_or_late"] < 1 for run in forwarding["frames"])
    assert table["cores"] == os.cpu_count()
    assert "cunneng benchmarks" in run.stdout
