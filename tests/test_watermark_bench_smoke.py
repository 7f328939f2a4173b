"""The watermark benchmark runs end to end on tiny pictures and writes its JSON."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).parent.parent / "bench" / "watermark_bench.py"


def test_benchmark_smoke_run_reports_recovery_and_timing(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("watermark_bench", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    output = tmp_path / "watermark.json"
    bench.main(["--smoke", "--output", str(output)])
    report = json.loads(output.read_text())
    targets = report["recovery"]["targets"]
    assert all(row["right"] == row["pictures"] for row in targets.values()), targets
    assert report["false_ids"]["ids_found"] == 0
    assert report["timing"]["mark_ms"] > 0 and report["timing"]["mark_vs_encode"] > 0
