"""Issue 4: `village watch` uploads each scan once, only after the scanner has finished writing it."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from village_client.watch import STATE_FILE, watch_folder

from .scan_samples import sha256_of, small_scan
from .scan_support import audit_actions, uploader
from .support import ApiClient, RunningServer, open_demo_case

SETTLE = 0.8


async def wait_for_documents(clerk: ApiClient, case_id: int, count: int, timeout: float = 15) -> list[dict[str, str]]:
    deadline = time.monotonic() + timeout
    while len(found := (await clerk.get(f"/api/cases/{case_id}/documents")).body) < count:
        assert time.monotonic() < deadline, f"only {len(found)} documents after {timeout} s"
        await asyncio.sleep(0.1)
    return list(found)


async def write_slowly(source: Path, target: Path, pieces: int, pause: float) -> None:
    """Write a file the way a network scanner does: a piece at a time, with pauses in between."""
    data = source.read_bytes()
    step = len(data) // pieces + 1
    with target.open("wb") as out:
        for start in range(0, len(data), step):
            out.write(data[start:start + step])
            out.flush()
            await asyncio.sleep(pause)


async def test_the_hot_folder_uploads_a_scan_once_it_is_completely_written(
    server: RunningServer, tmp_path: Path
) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    folder = tmp_path / "scanner"
    folder.mkdir()
    scan = small_scan(tmp_path / "made.jpg")
    (folder / "~scan0001.tmp").write_bytes(scan.read_bytes()[:1000])
    stop = asyncio.Event()
    watching = asyncio.create_task(watch_folder(uploader(server, clerk), case["id"], folder, stop,
                                                material="户口簿", settle=SETTLE, interval=0.1, report=print))
    try:
        await write_slowly(scan, folder / "scan0001.jpg", pieces=4, pause=SETTLE / 2)
        assert (await clerk.get(f"/api/cases/{case['id']}/documents")).body == [], "uploaded while being written"
        documents = await wait_for_documents(clerk, case["id"], 1)
        await asyncio.sleep(3 * SETTLE)  # more rounds: nothing is sent twice
    finally:
        stop.set()
        await watching

    assert [(d["filename"], d["sha256"], d["material"]) for d in documents] == [
        ("scan0001.jpg", sha256_of(scan), "户口簿")]
    actions = await audit_actions(clerk, case["id"])
    assert actions.count("document_uploaded") == 1
    assert "document_upload_refused" not in actions and "document_upload_repeated" not in actions
    assert "scan0001.jpg" in (folder / STATE_FILE).read_text(encoding="utf-8")


async def test_a_restarted_watcher_sends_only_new_files(server: RunningServer, tmp_path: Path) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    folder = tmp_path / "scanner"
    folder.mkdir()
    small_scan(folder / "page1.jpg", seed=1)

    for round_ in range(2):
        stop = asyncio.Event()
        watching = asyncio.create_task(watch_folder(uploader(server, clerk), case["id"], folder, stop,
                                                    settle=0.2, interval=0.1, report=print))
        if round_ == 1:
            small_scan(folder / "page2.jpg", seed=2)
        await wait_for_documents(clerk, case["id"], round_ + 1)
        await asyncio.sleep(0.6)
        stop.set()
        await watching

    documents = (await clerk.get(f"/api/cases/{case['id']}/documents")).body
    assert [d["filename"] for d in documents] == ["page1.jpg", "page2.jpg"]
    assert "document_upload_repeated" not in await audit_actions(clerk, case["id"])
