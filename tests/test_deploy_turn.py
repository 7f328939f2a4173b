"""TURN proven (#22): a village whose network drops UDP and lets only TLS through still holds a call,
through coturn's relay.

The topology: the village PC (Chromium) in its own namespace across a veth pair; nftables
drops every UDP packet crossing the pair and TCP to coturn's plain port 3478, so only TLS on
5349 gets through, as on a government network that opens little but TLS. coturn runs
beside the server, configured from deploy/turnserver.conf with the commands
docs/deployment.md gives, its certificate from `cunneng tls issue`; the server hands out
REST-API credentials made from the shared secret. The call must run over a relayed
candidate pair on TLS for 30 s, be recorded, and carry a scan; `cunneng doctor` reports
each relay URL from the server's side and from the village's.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect

from village_client.consult import Party
from village_client.tracks import PatternCamera

from .browser import Users
from .call_pages import MEDIA_WAIT_MS, selected_pair
from .scan_samples import small_scan
from .support import RunningServer, WallClock, open_demo_case, start_server, trusting_root
from .village_link import SERVER_ADDRESS, SERVER_END, VILLAGE_END, LinkShape, VillageLink, missing_powers, nft_table
from .village_pc import village_chromium

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).parent.parent
SECRET = "a-test-turn-secret"
RELAYS = (f"turn:{SERVER_ADDRESS}:3478?transport=udp", f"turn:{SERVER_ADDRESS}:3478?transport=tcp",
          f"turns:{SERVER_ADDRESS}:5349?transport=tcp")
HOLD_SECONDS = 30
BLOCKED = "cunneng_only_tls"


def blocked_but_tls(device: str) -> dict[str, list[str]]:
    """Drop UDP arriving over the village's link, and TCP to coturn's plain port (counted)."""
    return {"input": [f'iifname "{device}" meta l4proto udp counter drop',
                      f'iifname "{device}" tcp dport 3478 counter drop']}


@pytest.fixture(scope="module")
def link() -> Iterator[VillageLink]:
    why_not = missing_powers() or (None if shutil.which("turnserver") else "needs coturn (Debian coturn)")
    if why_not is not None:
        pytest.skip(why_not)
    with VillageLink(LinkShape(rate_kbit=20_000, udp_loss_percent=0)) as built:
        with nft_table(BLOCKED, blocked_but_tls(SERVER_END)), \
                nft_table(BLOCKED, blocked_but_tls(VILLAGE_END), built.enter()):
            yield built


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def live_server(link: VillageLink, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    """The county server, HTTPS on its county address, handing out the relays with REST credentials."""
    running = await start_server(tmp_path_factory.mktemp("county") / "data", clock=WallClock(), host=SERVER_ADDRESS,
                                 tls=True, tls_names=(SERVER_ADDRESS,), ice_servers=RELAYS, turn_secret=SECRET)
    yield running
    await running.close()


def cunneng(*args: str | Path, inside: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(inside or []), sys.executable, "-m", "signaling.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def coturn(live_server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """coturn from the shipped template, as docs/deployment.md has it installed."""
    folder = tmp_path_factory.mktemp("coturn")
    issued = cunneng("tls", "issue", "--data-dir", live_server.data_dir, "--name", SERVER_ADDRESS,
                     "--out", folder / "cunneng-turn")
    assert issued.returncode == 0, issued.stderr
    config = folder / "turnserver.conf"
    with config.open("w") as written:  # the docs' sed line, with this test's values
        subprocess.run(["sed", "-e", f"s/COUNTY_ADDRESS/{SERVER_ADDRESS}/g", "-e", f"s/CHANGE-THIS-SECRET/{SECRET}/",
                        "-e", f"s#/etc/coturn/cunneng-turn#{folder / 'cunneng-turn'}#",
                        ROOT / "deploy" / "turnserver.conf"], stdout=written, check=True, timeout=30)
    log = (folder / "turnserver.log").open("w")
    relay = subprocess.Popen(["turnserver", "-c", str(config), "--log-file", "stdout",
                              "--pidfile", str(folder / "pid")], stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_listening(relay, folder / "turnserver.log")
        yield folder
    finally:
        relay.terminate()
        relay.wait(timeout=30)
        log.close()


def _wait_listening(relay: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(100):
        if relay.poll() is not None:
            raise AssertionError(f"coturn exited: {log.read_text()[-2000:]}")
        try:
            socket.create_connection((SERVER_ADDRESS, 5349), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"coturn did not listen: {log.read_text()[-2000:]}")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser(link: VillageLink, live_server: RunningServer, coturn: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Browser]:
    root_pem = (live_server.data_dir / "pki" / "root-ca.pem").read_bytes()
    async with village_chromium(link, root_pem, tmp_path_factory.mktemp("village-pc")) as launched:
        yield launched


def doctor(server: RunningServer, secret: str, inside: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    flags = [arg for url in RELAYS for arg in ("--ice-server", url)]
    return cunneng("doctor", "--data-dir", server.data_dir, *flags, "--turn-secret", secret, "--timeout", "3",
                   inside=inside)


async def test_doctor_says_whether_each_relay_answers_with_the_servers_credentials(
        live_server: RunningServer, coturn: Path, link: VillageLink) -> None:
    beside = await asyncio.to_thread(doctor, live_server, SECRET)
    assert beside.returncode == 0, beside.stdout + beside.stderr
    assert [line.split()[0] for line in beside.stdout.splitlines()] == ["ok", "ok", "ok"]
    assert f"relay allocated at {SERVER_ADDRESS}:" in beside.stdout

    wrong = await asyncio.to_thread(doctor, live_server, "not-the-secret")
    assert wrong.returncode == 1 and wrong.stdout.count("FAIL") == 3 and "401" in wrong.stdout

    from_the_village = await asyncio.to_thread(doctor, live_server, SECRET, link.enter())
    lines = from_the_village.stdout.splitlines()
    assert from_the_village.returncode == 1
    assert lines[0].startswith(f"FAIL {RELAYS[0]}") and "no answer" in lines[0]  # UDP dropped
    assert lines[1].startswith(f"FAIL {RELAYS[1]}")  # TCP 3478 dropped
    assert lines[2].startswith(f"ok {RELAYS[2]}")  # TLS gets through


async def test_a_village_without_udp_holds_a_recorded_call_through_the_tls_relay_and_sends_a_scan(
        users: Users, live_server: RunningServer, link: VillageLink, tmp_path: Path) -> None:
    case = await open_demo_case(await live_server.login("clerk-yb1"))
    approver = await Party.sign_in_trusting(trusting_root(live_server.data_dir), live_server.base, "town-yb",
                                            "cunneng-demo", video=PatternCamera(320, 240))
    try:
        clerk = await users.open(f"/village/#/case/{case['id']}", "clerk-yb1")
        await clerk.get_by_role("button", name="发起视频").click()
        await approver.answer_next()
        await expect(clerk.locator(".call-status")).to_contain_text("通话中", timeout=MEDIA_WAIT_MS)
        village_id = str((await (await live_server.login("clerk-yb1")).get("/api/me")).body["id"])
        await approver.wait_for_video(village_id, frames=10, timeout=MEDIA_WAIT_MS / 1000)
        live_since = time.monotonic()

        pair = await selected_pair(clerk)
        assert pair["local"]["type"] == "relay" and pair["local"]["relayProtocol"] == "tls", pair
        assert pair["remote"]["address"] == SERVER_ADDRESS

        scan = await asyncio.to_thread(small_scan, tmp_path / "户口簿.jpg")
        await clerk.locator("select[name=material]").select_option("户口簿")
        await clerk.locator("input[name=scans]").set_input_files(scan)
        await expect(clerk.locator("li.upload")).to_have_attribute("data-state", "done", timeout=60_000)

        frames = approver.received_from(village_id).video_frames
        await asyncio.sleep(max(5.0, HOLD_SECONDS - (time.monotonic() - live_since)))  # the call holds
        assert approver.received_from(village_id).video_frames > frames + 50  # the village's video kept coming
        assert (await selected_pair(clerk))["local"]["type"] == "relay"
        await clerk.get_by_role("button", name="挂断").click()
        await approver.wait_ended()
    finally:
        await approver.close()

    recordings = (await (await live_server.login("auditor")).get(f"/api/cases/{case['id']}/recordings")).body
    village_recording = [r for r in recordings if str(r["party_id"]) == village_id]
    assert village_recording and village_recording[0]["duration"] >= HOLD_SECONDS - 2, recordings
    documents = (await (await live_server.login("clerk-yb1")).get(f"/api/cases/{case['id']}/documents")).body
    assert any(document["material"] == "户口簿" for document in documents), documents
