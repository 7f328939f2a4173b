"""`python -m bench.weaklink --smoke`: a short call and a small scan cross a shaped, lossy link between namespaces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.weaklink import missing_powers

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(missing_powers() is not None, reason=f"weak-link benchmark: {missing_powers()}")
def test_a_call_and_a_scan_cross_the_weak_link_and_the_figures_are_written(tmp_path: Path) -> None:
    output = tmp_path / "weaklink.json"
    run = subprocess.run([sys.executable, "-m", "bench.weaklink", "--smoke", "--output", str(output)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    found = json.loads(output.read_text())
    assert found["scan"]["intact"] == 1.0  # the scan arrived whole across the lossy link
    assert found["approver"]["fps"] > 1.0  # the village's video reached the approver
    assert len(found["village_kbps"]) >= 10 and max(found["village_kbps"]) > 100
    assert "video frames per second at the approver" in run.stdout
