"""Issue 4: a cut never costs more than the chunk in flight; the upload resumes and is stored exactly once."""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
import time
from pathlib import Path

from signaling.appkeys import DATABASE
from village_client.uploader import ScanUploader

from .flaky_link import FlakyLink
from .scan_samples import save, scan_page, sha256_of
from .scan_support import archived, unfinished_uploads
from .support import RunningServer, open_demo_case, start_server

CHUNK = 512 * 1024


def medium_scan(path: Path) -> Path:
    """A 300 dpi A4 page of about 6 MB: a dozen chunks."""
    return save(scan_page((2480, 3508), grain=8), path, "JPEG", quality=100, subsampling=0)


async def documents_with(server: RunningServer, sha256: str) -> int:
    return int(await server.app[DATABASE].run(
        lambda db: db.execute("select count(*) from documents where digest = ?", [sha256]).fetchone()[0]))


async def test_an_upload_cut_at_random_offsets_resumes_and_is_stored_exactly_once(tmp_path: Path) -> None:
    server = await start_server(tmp_path / "data", upload_chunk_bytes=CHUNK)
    seed = random.randrange(1 << 30)
    # Each cut connection carries at most 1.5 chunks, so every cut happens before the file is through.
    link = FlakyLink(server.runner.addresses[0][1], cuts=5, rng=random.Random(seed), most_bytes=3 * CHUNK // 2)
    try:
        clerk = await server.login("clerk-yb1")
        case = await open_demo_case(clerk)
        scan = medium_scan(tmp_path / "scan.jpg")
        size = scan.stat().st_size
        assert size > 8 * CHUNK
        port = await link.start()
        uploader = ScanUploader(server.session, f"http://127.0.0.1:{port}", clerk.token, patience=30)

        result = await uploader.upload(case["id"], scan, "户口簿")

        why = f"seed {seed}, cuts after {link.cut_at} bytes, resumed from {result.resumed_from}"
        assert result.document["sha256"] == sha256_of(scan), why
        assert len(link.cut_at) == 5 and result.resumed_from == sorted(result.resumed_from), why
        # a cut costs what was in flight when it came (its connection carried at most most_bytes, and the
        # chunks beside it are re-planned from where the server is), never the file again from the start
        assert link.forwarded < size + 5 * link.most_bytes + 64 * 1024, f"bytes were sent again: {why}"
        assert await documents_with(server, sha256_of(scan)) == 1
        assert sha256_of(scan) in archived(server.data_dir)
        assert unfinished_uploads(server.data_dir) == []
    finally:
        await link.close()
        await server.close()


async def upload_received(server: RunningServer) -> int:
    return int(await server.app[DATABASE].run(
        lambda db: db.execute("select coalesce(max(received), 0) from uploads").fetchone()[0]))


async def test_the_cli_resumes_after_the_server_is_stopped_and_restarted(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = await start_server(data_dir, upload_chunk_bytes=CHUNK)
    port = server.runner.addresses[0][1]
    case = await open_demo_case(await server.login("clerk-yb1"))
    scan = medium_scan(tmp_path / "户口簿.jpg")
    cli = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "signaling.cli", "village", "upload", "--server", server.base,
        "--user", "clerk-yb1", "--password", "cunneng-demo", "--case", str(case["id"]),
        "--material", "户口簿", "--max-rate", "4096", "--patience", "30", str(scan),
        stderr=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        while await upload_received(server) < 2 * CHUNK:
            assert time.monotonic() < deadline, "the upload never got going"
            await asyncio.sleep(0.05)
        await server.close()
        await asyncio.sleep(1.0)
        server = await start_server(data_dir, port=port, upload_chunk_bytes=CHUNK)
        _, stderr = await asyncio.wait_for(cli.communicate(), 60)
    finally:
        if cli.returncode is None:
            cli.kill()
            await cli.wait()
        await server.close()
    report = stderr.decode()
    assert cli.returncode == 0, report
    resumed = [int(offset) for offset in re.findall(r"resumed at byte (\d+)", report)]
    assert resumed and min(resumed) >= 2 * CHUNK, report
    assert f"sha256 {sha256_of(scan)}" in report
