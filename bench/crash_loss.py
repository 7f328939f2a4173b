"""`make bench-crash`: kill -9 during recorded calls, five trials of each kind (#18).

    scripts/netns-run .venv/bin/python -m bench.crash_loss [--trials N] [--output FILE]

Each trial (tests/kill_trial.py) runs `cunneng serve` with one media worker, holds a
recorded call between a headless village and town window for 4 s, then kills the server,
its media worker, or both with SIGKILL, restarts the server when it died, and measures
per recording the media lost: what its party's camera had captured by the kill minus what
the recording holds, replayed through the API (its last decodable frame; a frame interval
of 67 ms is part of it). The same counted from the kill's wall time is shown beside it:
the headless parties run in this process, and when the machine is busy they may stall
before the kill, which counts there though the server never had those frames. Targets:
every recording registered to its call, at most 0.5 s lost, the call ended, the case
callable again.
Prints one line per trial and a summary; exit 0 only when every target is met.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tests.kill_trial import KINDS, TrialResult, kill_trial

from .figures import save_results

MAX_LOSS = 0.5
PARTIES = 2


def trial_ok(result: TrialResult) -> bool:
    """Every target of #18 met in this trial."""
    return (len(result.recordings) == PARTIES and all(loss <= MAX_LOSS for loss in result.losses)
            and result.call.get("state") == "ended" and result.called_again)


async def run(trials: int) -> dict[str, Any]:
    """`trials` trials of each kind, one after the other, each on a fresh data directory."""
    results: list[TrialResult] = []
    for kind in KINDS:
        for number in range(1, trials + 1):
            with tempfile.TemporaryDirectory() as temp:
                result = await kill_trial(Path(temp) / "data", kind)
            results.append(result)
            print(f"{kind:<6} #{number}: {len(result.recordings)} recordings registered"
                  f" {result.registered_after:.1f} s after the kill, lost {result.losses} s"
                  f" (from the kill's wall time {result.wall_losses} s),"
                  f" call {result.call.get('state')} ({result.call.get('end_reason')}),"
                  f" called again: {result.called_again} {'ok' if trial_ok(result) else 'FAILED'}", flush=True)
    return {"trials": [asdict(r) for r in results], "summary": [summary(kind, results) for kind in KINDS]}


def summary(kind: str, results: list[TrialResult]) -> dict[str, Any]:
    """One kind's figures over its trials."""
    mine = [r for r in results if r.kind == kind]
    losses = [loss for r in mine for loss in r.losses]
    wall = [loss for r in mine for loss in r.wall_losses]
    return {
        "kind": kind, "trials": len(mine),
        "recordings_registered": sum(len(r.recordings) for r in mine), "recordings_expected": PARTIES * len(mine),
        "loss_min": min(losses, default=0.0), "loss_median": statistics.median(losses) if losses else 0.0,
        "loss_max": max(losses, default=0.0), "wall_loss_max": max(wall, default=0.0),
        "registered_after_max": max(r.registered_after for r in mine),
        "ok": all(trial_ok(r) for r in mine),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--trials", type=int, default=5, help="trials of each kind (default 5)")
    parser.add_argument("--output", type=Path, help="JSON file (default bench/results/crash-<time>.json)")
    args = parser.parse_args()
    found = asyncio.run(run(args.trials))
    print(f"\nkill -9 during recorded calls, {args.trials} trials of each kind (target: all registered,"
          f" ≤ {MAX_LOSS} s lost)")
    for row in found["summary"]:
        print(f"  {row['kind']:<6} registered {row['recordings_registered']}/{row['recordings_expected']},"
              f" lost {row['loss_min']:.2f}–{row['loss_max']:.2f} s (median {row['loss_median']:.2f};"
              f" from the kill's wall time at most {row['wall_loss_max']:.2f}),"
              f" registered within {row['registered_after_max']:.1f} s: {'ok' if row['ok'] else 'NOT MET'}")
    save_results("crash", found, args.output)
    return 0 if all(row["ok"] for row in found["summary"]) else 1


if __name__ == "__main__":
    sys.exit(main())
