"""Decisions issue signed documents: approval (PAdES, one signature per unit), receipts, verify."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from eseal import open_authority

from .decision_support import decide, flip_content_byte
from .support import RunningServer, in_pieces


def pyhanko_statuses(server: RunningServer, pdf: bytes) -> list[Any]:
    """Validate every signature with pyHanko's own validator against the server's root."""
    root = open_authority(server.data_dir).trust_anchors().root
    anchor = asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
    context = ValidationContext(trust_roots=[anchor], allow_fetching=False)
    reader = PdfFileReader(BytesIO(pdf))
    return [validate_pdf_signature(sig, context) for sig in reader.embedded_signatures]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], capture_output=True, text=True,
                          check=True).stdout


async def test_approval_is_signed_by_the_handling_window(server: RunningServer, tmp_path: Path) -> None:
    _, document, pdf = await decide(server, "approve", {})
    assert document["kind"] == "approval" and document["signed_by"] == ["zh-yb"]
    statuses = await asyncio.to_thread(pyhanko_statuses, server, pdf)
    assert len(statuses) == 1
    assert statuses[0].intact and statuses[0].valid and statuses[0].trusted
    text = pdf_text(pdf, tmp_path)
    assert "元坝镇" in text and "王大山" in text and "ZH-20261123-0001" in text


async def test_one_changed_byte_breaks_the_signature(server: RunningServer) -> None:
    _, _, pdf = await decide(server, "approve", {})
    statuses = await asyncio.to_thread(pyhanko_statuses, server, flip_content_byte(pdf))
    assert not statuses[0].intact


async def test_joint_review_carries_a_signature_per_department(server: RunningServer) -> None:
    _, document, pdf = await decide(server, "approve", {}, reviews=("zh-hrss", "zh-civil"))
    assert document["signed_by"] == ["zh-hrss", "zh-civil", "zh-yb"]
    statuses = await asyncio.to_thread(pyhanko_statuses, server, pdf)
    assert len(statuses) == 3
    assert all(s.intact and s.valid and s.trusted for s in statuses)
    signers = [s.signing_cert.subject.native["common_name"] for s in statuses]
    assert any("人力资源" in name or "人社" in name for name in signers)
    assert any("民政" in name for name in signers)


async def test_a_supplement_request_issues_the_receipt_listing_exactly_the_missing(
    server: RunningServer, tmp_path: Path
) -> None:
    materials = [{"name": "户口簿", "form": "copy", "count": 1, "note": "首页及本人页"},
                 {"name": "一寸免冠照片", "form": "original", "count": 2}]
    _, document, pdf = await decide(server, "request_supplement", {"materials": materials})
    assert document["kind"] == "supplement_receipt"
    text = pdf_text(pdf, tmp_path)
    assert "资料补充回执清单" in text
    assert "户口簿" in text and "一寸免冠照片" in text and "首页及本人页" in text
    assert "居民身份证" not in text  # only what is missing, not the whole materials list


async def test_refusal_and_pending_issue_their_documents(server: RunningServer, tmp_path: Path) -> None:
    _, refusal, pdf = await decide(server, "refuse", {"reason": "已参加城镇职工基本养老保险"})
    assert refusal["kind"] == "refusal" and "已参加城镇职工基本养老保险" in pdf_text(pdf, tmp_path)


async def test_pending_issues_a_dated_promise(server: RunningServer, tmp_path: Path) -> None:
    _, promise, pdf = await decide(server, "set_pending", {"until": "2026-12-04"})
    assert promise["kind"] == "pending_promise"
    text = pdf_text(pdf, tmp_path)
    assert "2026" in text and "12" in text and "4" in text


async def test_cunneng_verify_passes_the_good_file_and_fails_a_tampered_one(
    server: RunningServer, tmp_path: Path
) -> None:
    _, _, pdf = await decide(server, "approve", {})
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(pdf)
    bad.write_bytes(pdf + b"\n% appended after signing\n")
    command = [sys.executable, "-m", "signaling.cli", "verify", "--data-dir", str(server.data_dir)]
    assert subprocess.run([*command, str(good)], capture_output=True, timeout=60).returncode == 0
    assert subprocess.run([*command, str(bad)], capture_output=True, timeout=60).returncode == 1


async def test_a_clerk_of_another_village_cannot_fetch_the_document(server: RunningServer) -> None:
    _, document, _ = await decide(server, "approve", {})
    other = await server.login("clerk-yb2")
    status, _ = await other.get_bytes(f"/api/documents/{document['id']}/file")
    assert status == 404


async def test_the_verification_page_checks_an_uploaded_file(server: RunningServer) -> None:
    _, document, pdf = await decide(server, "approve", {})
    anonymous = server.anonymous()
    good = await anonymous.post("/api/verify", data=in_pieces(pdf))
    assert good.status == 200 and good.body["report"]["ok"] is True
    assert good.body["registered"]["case_number"] == "ZH-20261123-0001"
    tampered = await anonymous.post("/api/verify", data=pdf + b"\n% appended\n")
    assert tampered.body["report"]["ok"] is False and tampered.body["registered"] is None
    garbage = await anonymous.post("/api/verify", data=b"hello")
    assert garbage.status == 400 and garbage.body["error"] == "unreadable_pdf"
    code = good.body["registered"]["verify_code"]
    page = await anonymous.get(f"/verify/{code}")
    assert page.status == 200 and "ZH-20261123-0001" in page.body


async def test_downloads_are_in_the_timeline(server: RunningServer) -> None:
    clerk, document, _ = await decide(server, "approve", {})
    actions = [e["action"] for e in (await clerk.get(f"/api/cases/{document['case_id']}/timeline")).body]
    assert actions[-3:] == ["case_approve", "document_issued", "document_downloaded"]


async def test_an_uploaded_seal_is_used_and_a_bad_one_refused(server: RunningServer, tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    seal = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(seal).ellipse((10, 10, 390, 390), outline=(220, 20, 30, 255), width=18)
    png = BytesIO()
    seal.save(png, "PNG")
    admin = await server.login("admin")
    bad = await admin.request("PUT", "/api/units/zh-yb/seal", data=b"not a png")
    assert bad.status == 400 and bad.body["error"] == "invalid_seal"
    good = await admin.request("PUT", "/api/units/zh-yb/seal", data=png.getvalue())
    assert good.status == 200, good.body
    _, _, pdf = await decide(server, "approve", {})
    assert embedded_images(pdf, tmp_path) >= 1  # the uploaded PNG, where the generated seal is vector


def embedded_images(pdf: bytes, tmp_path: Path) -> int:
    source = tmp_path / "images.pdf"
    source.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(source)], capture_output=True, text=True, check=True)
    return len(listing.stdout.strip().splitlines()) - 2  # two header lines


async def test_the_generated_seal_is_vector(server: RunningServer, tmp_path: Path) -> None:
    _, _, pdf = await decide(server, "approve", {})
    assert embedded_images(pdf, tmp_path) == 0


@pytest.mark.parametrize("where", [0, 2, 2000], ids=["its-tag", "its-start", "inside"])
async def test_a_damaged_signature_is_named_not_an_unreadable_pdf(server: RunningServer, where: int) -> None:
    """Damaged CMS bytes answered "not a readable PDF" (#17): the PDF is readable, its signature is damaged."""
    _, _, pdf = await decide(server, "approve", {})
    contents = re.search(rb"/Contents <([0-9a-fA-F]+)>", pdf)
    assert contents is not None
    at = contents.start(1) + where
    reply = await server.anonymous().post("/api/verify", data=pdf[:at] + b"ffffffff" + pdf[at + 8:])
    assert reply.status == 200, reply.body
    report = reply.body["report"]
    assert report["ok"] is False and [s["ok"] for s in report["signatures"]] == [False]
    assert any(p["message"].startswith("签章已损坏") and p["message_en"].startswith("signature damaged")
               for p in report["problems"]), report["problems"]
