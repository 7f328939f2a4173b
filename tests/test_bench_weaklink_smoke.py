"""`python -m bench.weaklink --smoke`: short calls and small scans cross shaped, lossy links between namespaces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .village_link import missing_powers

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(missing_powers() is not None, reason=f"weak-link benchmark: {missing_powers()}")
def test_a_call_and_a_scan_cross_the_weak_link_and_the_figures_are_written(tmp_path: Path) -> None:
    output = tmp_path / "weaklink.json"
    run = subprocess.run([sys.executable, "-m", "bench.weaklink", "--smoke", "--output", str(output)], cwd=ROOT,
                         capture_output=True, text=True, timeout=420)
    assert run.returncode == 0, run.stdout + run.stderr
    found = json.loads(output.read_text())
    assert [run["link"]["rate_kbit"] for run in found["links"]] == [2000, 1000, 512]
    for link in found["links"]:
        figures = link["figures"]
        assert figures["scan"]["intact"] is True  # the server keeps exactly the bytes sent across the lossy link
        assert figures["call"]["fps"] > 5  # the village's video kept reaching the approver
        assert figures["call"]["longest_audio_gap_s"] > 0  # and its sound: the gaps between it were measured
        assert len(link["call"]["approver_audio_arrivals"]) > 100
        assert len(link["call"]["village_kbps"]) >= 8 and max(link["call"]["village_kbps"]) > 100
        assert link["call"]["hub"] and figures["call"]["hub_target_kbps"] > 0  # the hub told the village a bitrate
    # Nothing can cross a 2 Mbit/s link faster than the link: the timing is real.
    transfer = found["links"][0]["figures"]["transfer"]
    assert transfer["ours_s"] > 0.9 * transfer["link_alone_s"]
    assert [link["figures"]["transfer"] for link in found["links"][1:]] == [None, None]
    assert "frames per second" in run.stdout


def test_the_benchmark_says_why_it_cannot_run_without_its_namespace(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # outside scripts/netns-run
    run = subprocess.run([sys.executable, "-m", "bench.weaklink", "--smoke"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 3
    assert "scripts/netns-run" in run.stderr and "nothing measured" in run.stderr
