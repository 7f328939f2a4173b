"""办件证据包 (#21): one file per case that an auditor checks anywhere with the CA certificate alone.

A real case: a scan sent, a recorded call with a chat message and a snapshot, an approval; the
auditor exports it. The package must verify offline, and every kind of tampering — a changed
byte in any member, a member removed or added, an event edited, the manifest edited, a package
signed elsewhere — must fail, naming what. The offline page plays the recordings from the
unpacked folder in Chromium, with nothing fetched from a server.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import expect

from eseal import TrustAnchors, open_authority
from signaling.evidence.verification import verify_package

from .browser import Users
from .call_support import recorded_call
from .mark_support import hidden_id, leaked, registered, town_snapshot
from .scan_samples import small_scan
from .scan_support import uploader
from .support import RunningServer, WallClock, open_demo_case, start_server

pytestmark = pytest.mark.asyncio(loop_scope="module")
CUNNENG = Path(sys.executable).parent / "cunneng"
CHAT = "身份证原件在镜头前"


@dataclass
class Exported:
    """The exported case: the package file, the CA certificate, and what the API says of the case."""

    server: RunningServer
    case: dict[str, Any]
    package: Path
    ca: Path
    recordings: list[dict[str, Any]]
    documents: list[dict[str, Any]]

    def read(self, name: str) -> bytes:
        with zipfile.ZipFile(self.package) as package:
            return package.read(name)

    def manifest(self) -> dict[str, Any]:
        return dict(json.loads(self.read("manifest.json")))


async def a_recorded_case(server: RunningServer, folder: Path) -> dict[str, Any]:
    """A case with a scan, a recorded call (a chat message, a snapshot) and an approval."""
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    await uploader(server, clerk).upload(case["id"], small_scan(folder / "scan.jpg"))

    async def midway(village: Any, approver: Any) -> None:
        await village.send_chat(CHAT)
        _, taken = await town_snapshot(server, village, approver)
        assert taken.status == 201, taken.body

    village, approver, _ = await recorded_call(server.base, case["id"], 4.0, midway)
    await village.close()
    await approver.close()
    town = await server.login("town-yb")
    await town.post(f"/api/cases/{case['id']}/actions/start_review", {})
    assert (await town.post(f"/api/cases/{case['id']}/actions/approve", {})).status == 200
    return case


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def exported(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Exported]:
    folder = tmp_path_factory.mktemp("package")
    server = await start_server(folder / "data", clock=WallClock())
    try:
        case = await a_recorded_case(server, folder)
        auditor = await server.login("auditor")
        status, body = await auditor.get_bytes(f"/api/cases/{case['id']}/package")
        assert status == 200, body[:300]
        (folder / "package.zip").write_bytes(body)
        (folder / "ca.pem").write_bytes((await server.anonymous().get_bytes("/verify/ca.pem"))[1])
        yield Exported(server, case, folder / "package.zip", folder / "ca.pem",
                       (await auditor.get(f"/api/cases/{case['id']}/recordings")).body,
                       (await auditor.get(f"/api/cases/{case['id']}/documents")).body)
    finally:
        await server.close()


def verify(path: Path, ca: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CUNNENG), "package", "verify", str(path), "--ca", str(ca)],
                          capture_output=True, text=True, timeout=120)


def rewritten(exported: Exported, target: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    """A copy of the package with its members changed by `change` (name → bytes, edited in place)."""
    with zipfile.ZipFile(exported.package) as package:
        members = {name: package.read(name) for name in package.namelist()}
    change(members)
    with zipfile.ZipFile(target, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)
    return target


def first_recording(members: dict[str, bytes]) -> str:
    return sorted(name for name in members if name.startswith("recordings/"))[0]


def flip_byte(members: dict[str, bytes]) -> None:
    name = first_recording(members)
    data = members[name]
    members[name] = data[:5000] + bytes([data[5000] ^ 1]) + data[5001:]


def edit_chat_event(members: dict[str, bytes]) -> None:
    events = json.loads(members["audit/events.json"])
    said = next(event for event in events if event["action"] == "chat_message")
    said["detail"] = said["detail"].replace(CHAT, "身份证复印件")
    members["audit/events.json"] = json.dumps(events, ensure_ascii=False).encode()


def edit_manifest(members: dict[str, bytes]) -> None:
    manifest = json.loads(members["manifest.json"])
    manifest["members"][0]["sha256"] = "0" * 64
    members["manifest.json"] = json.dumps(manifest).encode()


def chat_event_seq(exported: Exported) -> int:
    events = json.loads(exported.read("audit/events.json"))
    return int(next(event["seq"] for event in events if event["action"] == "chat_message"))


async def test_an_exported_package_verifies_with_the_ca_certificate_alone(exported: Exported) -> None:
    verdict = await asyncio.to_thread(verify_package, exported.package, TrustAnchors.from_files(exported.ca))
    assert verdict.ok, verdict.problems
    assert verdict.case_number == exported.case["number"]
    result = await asyncio.to_thread(verify, exported.package, exported.ca)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED" in result.stdout


async def test_the_package_holds_the_recordings_and_documents_as_stored(exported: Exported) -> None:
    listed = {member["path"]: member["sha256"] for member in exported.manifest()["members"]}
    recorded = sorted(listed[path] for path in listed if path.startswith("recordings/"))
    assert len(recorded) == 2 and recorded == sorted(r["sha256"] for r in exported.recordings)
    issued = next(d for d in exported.documents if d["kind"] == "approval")
    assert listed[f"documents/{issued['id']}.pdf"] == issued["sha256"]
    assert {"index.html", "chat/messages.json", "chat/transcript.png", "audit/events.json",
            "audit/checkpoint.json", "page/player.js", "page/data.js"} <= set(listed)
    assert CHAT in exported.read("chat/messages.json").decode()


async def test_its_events_carry_their_chain_links_up_to_the_export(exported: Exported) -> None:
    events = json.loads(exported.read("audit/events.json"))
    manifest = exported.manifest()
    assert [e["seq"] for e in manifest["events"]] == [e["seq"] for e in events]
    last = events[-1]
    assert last["action"] == "case_package_exported" and last["actor"] == "审计 李正"
    assert manifest["chain_head"] == {"seq": last["seq"], "hash": last["hash"]}
    with sqlite3.connect(exported.server.data_dir / "cunneng.db") as db:
        stored = dict(db.execute("select seq, hash from audit_events where case_id = ?", [exported.case["id"]]))
        for event in events:
            prev = db.execute("select hash from audit_events where seq = ?", [event["seq"] - 1]).fetchone()[0]
            assert (event["hash"], event["prev_hash"]) == (stored[event["seq"]], prev)


async def test_every_picture_in_it_is_marked_for_the_exporter(exported: Exported) -> None:
    mark = exported.manifest()["mark_id"]
    assert registered(exported.server, mark, "username, what, case_id") == ("auditor", "case_package",
                                                                             exported.case["id"])
    listed = [member["path"] for member in exported.manifest()["members"]]
    pictures = [path for path in listed if path.startswith(("snapshots/", "scans/"))] + ["chat/transcript.png"]
    assert len(pictures) == 3, listed
    for path in pictures:
        assert hidden_id(exported.read(path)) == mark, path


TAMPERING = {
    "a changed byte in a recording": (flip_byte, "member recordings/{recording} was changed"),
    "a removed member": (lambda m: m.pop("chat/transcript.png"), "member chat/transcript.png was removed"),
    "an added member": (lambda m: m.update({"recordings/extra.webm": b"\x1a\x45\xdf\xa3"}),
                        "member recordings/extra.webm was added"),
    "an edited event": (edit_chat_event, "event #{chat} (chat_message) was edited"),
    "an edited manifest": (edit_manifest, "manifest.json was changed after it was signed"),
}


@pytest.mark.parametrize("tampering", list(TAMPERING))
async def test_tampering_fails_naming_what(exported: Exported, tmp_path: Path, tampering: str) -> None:
    change, expected = TAMPERING[tampering]
    with zipfile.ZipFile(exported.package) as package:
        recording = first_recording({name: b"" for name in package.namelist()}).removeprefix("recordings/")
    named = expected.format(recording=recording, chat=chat_event_seq(exported))
    result = await asyncio.to_thread(verify, rewritten(exported, tmp_path / "tampered.zip", change), exported.ca)
    assert result.returncode == 1, result.stdout
    assert named in result.stdout and "FAILED" in result.stdout


async def test_a_package_signed_by_another_server_is_not_trusted(exported: Exported, tmp_path: Path) -> None:
    other = open_authority(tmp_path / "other")
    (tmp_path / "other-ca.pem").write_bytes(other.root_pem)
    result = await asyncio.to_thread(verify, exported.package, tmp_path / "other-ca.pem")
    assert result.returncode == 1 and "is not a signature of this CA" in result.stdout


async def test_not_a_package_is_refused_plainly(tmp_path: Path, exported: Exported) -> None:
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    result = await asyncio.to_thread(verify, tmp_path / "x.zip", exported.ca)
    assert result.returncode == 2 and "not a readable case package" in result.stderr


async def test_only_auditors_export_and_the_export_is_logged(exported: Exported) -> None:
    case_id = exported.case["id"]
    for username, status in (("clerk-yb1", 403), ("town-yb", 403), ("admin", 404)):
        client = await exported.server.login(username)
        assert (await client.get(f"/api/cases/{case_id}/package")).status == status, username
    auditor = await exported.server.login("auditor")
    missing = await auditor.get("/api/cases/999999/package")
    assert missing.status == 404 and missing.body["message_en"]
    timeline = (await auditor.get(f"/api/cases/{case_id}/timeline")).body
    assert [e["action"] for e in timeline].count("case_package_exported") == 1


async def test_case_export_command_downloads_a_package_that_verifies(exported: Exported, tmp_path: Path) -> None:
    def export(password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(CUNNENG), "case", "export", str(exported.case["id"]), "--server",
                               exported.server.base, "--user", "auditor", "--password", password,
                               "--out", str(tmp_path / "case.zip")], capture_output=True, text=True, timeout=120)

    refused = await asyncio.to_thread(export, "wrong")
    assert refused.returncode == 1 and not (tmp_path / "case.zip").exists()
    done = await asyncio.to_thread(export, "cunneng-demo")
    assert done.returncode == 0, done.stderr
    assert (await asyncio.to_thread(verify, tmp_path / "case.zip", exported.ca)).returncode == 0


async def test_the_offline_page_plays_the_recordings_beside_the_timeline(
    exported: Exported, users: Users, tmp_path: Path
) -> None:
    with zipfile.ZipFile(exported.package) as package:
        package.extractall(tmp_path / "unpacked")
    page = await users.open((tmp_path / "unpacked" / "index.html").as_uri())
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    await expect(page.locator(".audit-timeline li")).to_have_count(len(exported.manifest()["events"]))
    await expect(page.locator(".parties video")).to_have_count(2)
    await users.look(page, "case package, offline")
    assert hidden_id(leaked(await page.screenshot())) == exported.manifest()["mark_id"]  # a grab names the exporter
    await page.locator(".audit-timeline li[data-action=chat_message] button.seek").click()
    await page.locator("button[data-control=play]").click()
    await page.wait_for_function(
        "[...document.querySelectorAll('.parties video')].every((v) => v.currentTime > 0.5 && !v.paused)")
    assert all(url.startswith("file://") for url in fetched), fetched


def pdf_text(pdf: bytes) -> str:
    """The text of every page, without line breaks (a long hash wraps in its table cell)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    return "".join(page.get_textpage().get_text_range() for page in document).replace("\r", "").replace("\n", "")


async def test_the_certificate_names_the_calls_recordings_and_the_package_agrees(exported: Exported) -> None:
    from eseal import call_named_by

    issued = next(d for d in exported.documents if d["kind"] == "approval")
    pdf = exported.read(f"documents/{issued['id']}.pdf")
    call_id, hashes = call_named_by(pdf) or ("", ())
    recorded = sorted(r["sha256"] for r in exported.recordings)
    assert call_id == exported.recordings[0]["call_id"] and sorted(hashes) == recorded
    text = pdf_text(pdf)
    assert f"视频连线 {call_id}" in text
    assert all(digest in text for digest in recorded)
    with sqlite3.connect(exported.server.data_dir / "cunneng.db") as db:
        code = db.execute("select verify_code from documents where id = ?", [issued["id"]]).fetchone()[0]
    page = (await exported.server.anonymous().get(f"/verify/{code}")).body
    assert call_id in page and all(digest in page for digest in recorded)
    result = await asyncio.to_thread(verify, exported.package, exported.ca)
    assert f"documents/{issued['id']}.pdf names the 2 recordings of call {call_id}: they are the package's" \
        in result.stdout


async def test_a_package_without_the_certified_recording_names_it(exported: Exported, tmp_path: Path) -> None:
    def drop_a_recording(members: dict[str, bytes]) -> None:
        members.pop(first_recording(members))

    result = await asyncio.to_thread(verify, rewritten(exported, tmp_path / "cut.zip", drop_a_recording), exported.ca)
    assert result.returncode == 1
    listed = {m["path"]: m["sha256"] for m in exported.manifest()["members"]}
    dropped = first_recording(dict.fromkeys(listed, b""))
    assert f"names recording {listed[dropped]}" in result.stdout


async def test_a_package_a_crash_left_half_built_is_dropped_at_start(tmp_path: Path) -> None:
    """A package exists on disk only while its request builds it: a kill -9 mid-build leaves one."""
    exports = tmp_path / "data" / "exports"
    exports.mkdir(parents=True)
    (exports / "7-0123456789abcdef.zip").write_bytes(b"PK\x03\x04 half a package")
    server = await start_server(tmp_path / "data")
    try:
        assert list(exports.iterdir()) == []
    finally:
        await server.close()
