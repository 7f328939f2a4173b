"""Issue 4: during a live call, the approver is told over signaling the moment a scan is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from village_client.consult import Party
from village_client.uploader import ScanUploader

from .scan_samples import sha256_of, small_scan
from .support import RunningServer
from .test_calls import connected_call


async def test_the_approver_in_a_live_call_is_told_of_a_scan_with_its_sha256(
        calls_server: RunningServer, tmp_path: Path) -> None:
    async with connected_call(calls_server) as (village, approver, case):
        other_village = await Party.sign_in(calls_server.base, "clerk-wj1", "cunneng-demo")
        try:
            await approver.wait_for_video(village.account_id, frames=3)  # the call is live
            case_id = case["id"]
            assert isinstance(case_id, int)
            scan = small_scan(tmp_path / "户口簿.jpg")
            uploader = ScanUploader(calls_server.session, calls_server.base, village.connection.token)

            stored = (await uploader.upload(case_id, scan, "户口簿")).document

            told = await approver.connection.expect("case.event", event="scan_added", timeout=10)
            assert told["case_id"] == case_id and told["document"]["id"] == stored["id"]
            assert told["document"]["sha256"] == sha256_of(scan) == stored["sha256"]
            assert told["document"]["page_images"][0]["dzi_url"].endswith("/pages/1/image.dzi")
            assert (await village.connection.expect("case.event", event="scan_added"))["case_id"] == case_id
            with pytest.raises(TimeoutError):
                await other_village.connection.wait_for(lambda m: m.get("event") == "scan_added", timeout=0.5)
        finally:
            await other_village.close()
