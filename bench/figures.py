"""Where the benchmarks keep their figures: bench/results/<name>-<time>.json (not committed)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def save_results(name: str, found: dict[str, Any], output: Path | None = None) -> Path:
    """Write the figures as JSON (to `output`, or a new file in RESULTS) and say where."""
    out = output or RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(found, indent=1, ensure_ascii=False))
    print(f"written {out}")
    return out
