"""The baseline of the forwarding figures: the hub as it was before it forwarded RTP (#25).

Up to FRAME_PATH_COMMIT the hub rebuilt every received frame in aiortc's jitter buffer
and aiortc's senders packetised it again for each subscriber. Rather than keep that path
in the product, the benchmark runs it from git: the commit is unpacked into a temporary
directory and its own bench/hub_load.py runs there (its own hub, media workers, recorder
and clients, on this machine's venv), so the figure it gives is measured exactly as
`make bench` measured it then, in the same run as ours.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .hub_load import Load

ROOT = Path(__file__).resolve().parent.parent
FRAME_PATH_COMMIT = "fecf71cd69cad13b1b38ef81d4e1e94c5de4b042"

# Runs in the unpacked tree: one load, its figures as one JSON line.
_RUN_ONE = ("import asyncio, json, sys\n"
            "from bench.hub_load import Load, run_load\n"
            "print(json.dumps(asyncio.run(run_load(Load(**json.loads(sys.argv[1]))))))\n")


class FramePathUnavailable(Exception):
    """The baseline's commit cannot be unpacked (no git, or a clone without that history)."""


@contextmanager
def frame_path_tree() -> Iterator[Path]:
    """The frame path's source tree, unpacked from git for the time of the block."""
    with tempfile.TemporaryDirectory(prefix="cunneng-frame-path-") as temp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", FRAME_PATH_COMMIT],
                                 capture_output=True, timeout=120)
        if archive.returncode != 0:
            raise FramePathUnavailable(f"git archive {FRAME_PATH_COMMIT[:12]}: {archive.stderr.decode().strip()}")
        subprocess.run(["tar", "-x", "-C", temp], input=archive.stdout, check=True, timeout=120)
        yield Path(temp)


async def run_frame_path_load(tree: Path, load: Load) -> dict[str, Any]:
    """bench/hub_load.py of the frame path, run in its own tree: its figures."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _RUN_ONE, json.dumps(asdict(load)), cwd=tree, env=env,
        stdout=asyncio.subprocess.PIPE)
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the frame path's load run failed (exit {process.returncode})")
    return dict(json.loads(output.decode().strip().splitlines()[-1]))
