"""PAdES signatures on the documents, and what verification makes of tampered copies."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from eseal import (
    AlreadySigned,
    ApprovalNotice,
    CaseFacts,
    CertificateAuthority,
    Issuance,
    Signatory,
    TrustAnchors,
    UnitIdentity,
    UnreadablePdf,
    approval_pdf,
    sign_pdf,
    verify_pdf,
)
from eseal.signing import to_asn1

TOWN = UnitIdentity("town-weizi", "昭化区卫子镇人民政府")
BUREAU = UnitIdentity("dist-rsj", "广元市昭化区人力资源和社会保障局")
SIGNED_AT = datetime(2026, 11, 23, 2, 30, tzinfo=timezone.utc)
CUNNENG = Path(sys.executable).parent / "cunneng"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def authority(data_dir: Path) -> CertificateAuthority:
    """One CA and two units' keys for the module: each key costs a scrypt derivation."""
    authority = CertificateAuthority.open(data_dir / "pki", b"m" * 32, organization="昭化区")
    for unit in (TOWN, BUREAU):
        authority.credentials_for(unit)
    return authority


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    """A joint-review approval: the town and the district bureau both decide."""
    case = CaseFacts("ZH-2026-000123", ("城乡居民基本养老保险参保登记",), "王秀英",
                     "510802195403121234")
    units = (Signatory(TOWN.unit_id, TOWN.unit_name, "张建国"),
             Signatory(BUREAU.unit_id, BUREAU.unit_name, "刘芳"))
    issuance = Issuance(date(2026, 11, 23), units, "http://127.0.0.1:8080/verify/ZH-2026-000123")
    return approval_pdf(ApprovalNotice(case, issuance, "准予参保登记"))


@pytest.fixture(scope="module")
def signed(unsigned: bytes, authority: CertificateAuthority) -> bytes:
    """The approval signed by the town alone."""
    return sign_pdf(unsigned, authority.credentials_for(TOWN), approver_name="张建国",
                    signed_at=SIGNED_AT)


@pytest.fixture(scope="module")
def jointly_signed(signed: bytes, authority: CertificateAuthority) -> bytes:
    """The approval signed by the town, then by the bureau as an incremental update."""
    return sign_pdf(signed, authority.credentials_for(BUREAU), approver_name="刘芳")


def flip_byte(pdf: bytes, offset: int) -> bytes:
    return pdf[:offset] + bytes([pdf[offset] ^ 0x01]) + pdf[offset + 1:]


def page_content_offset(pdf: bytes) -> int:
    """A byte inside the first page's (compressed) content stream: what the reader sees."""
    number = re.search(rb"/Contents (\d+) 0 R", pdf)
    assert number is not None
    start = pdf.index(b"\n" + number.group(1) + b" 0 obj")
    return pdf.index(b"stream", start) + 40


def test_signature_is_intact_valid_and_trusted_for_pyhanko(signed: bytes,
                                                           authority: CertificateAuthority
                                                           ) -> None:
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    context = ValidationContext(trust_roots=[to_asn1(authority.root)], allow_fetching=False)
    status = validate_pdf_signature(signature, signer_validation_context=context)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_verification_names_the_unit_approver_and_signing_time(signed: bytes,
                                                               authority: CertificateAuthority
                                                               ) -> None:
    report = verify_pdf(signed, authority.trust_anchors())
    assert report.ok and report.revocation_checked
    (signature,) = report.signatures
    assert (signature.unit_id, signature.unit_name) == (TOWN.unit_id, TOWN.unit_name)
    assert signature.approver_name == "张建国"
    assert signature.signed_at == SIGNED_AT
    assert signature.field_name == "Seal_town-weizi"


@pytest.mark.parametrize("where", ["page content", "document title"])
def test_one_changed_byte_in_the_signed_content_fails(signed: bytes, where: str,
                                                      authority: CertificateAuthority) -> None:
    offset = (page_content_offset(signed) if where == "page content"
              else signed.index(b"/Title") + 10)
    report = verify_pdf(flip_byte(signed, offset), authority.trust_anchors())
    assert not report.ok
    assert report.problems == ("tampered",)
    assert not report.signatures[0].intact


def test_bytes_appended_after_eof_fail(signed: bytes, authority: CertificateAuthority) -> None:
    report = verify_pdf(signed + b"\n% appended\n", authority.trust_anchors())
    assert not report.ok and report.problems == ("modified",)
    assert report.signatures[0].intact and report.signatures[0].coverage == "ENTIRE_REVISION"


def test_content_added_in_a_later_update_fails(signed: bytes,
                                               authority: CertificateAuthority) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    overlay = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 50 50 200 80 re f"))
    writer.add_stream_to_page(0, overlay)
    output = io.BytesIO()
    writer.write(output)
    report = verify_pdf(output.getvalue(), authority.trust_anchors())
    assert not report.ok and "modified" in report.problems
    assert report.signatures[0].modification_level == ModificationLevel.OTHER.name


def test_joint_review_keeps_the_first_signature_valid(jointly_signed: bytes,
                                                      authority: CertificateAuthority) -> None:
    report = verify_pdf(jointly_signed, authority.trust_anchors())
    assert report.ok
    first, second = report.signatures
    assert [first.unit_id, second.unit_id] == [TOWN.unit_id, BUREAU.unit_id]
    assert first.coverage == "ENTIRE_REVISION" and first.modification_level == "FORM_FILLING"
    assert second.coverage == "ENTIRE_FILE" and second.approver_name == "刘芳"
    assert first.field_name != second.field_name


def test_appending_after_a_joint_review_fails(jointly_signed: bytes,
                                              authority: CertificateAuthority) -> None:
    report = verify_pdf(jointly_signed + b"% a note\n", authority.trust_anchors())
    assert not report.ok
    assert [s.ok for s in report.signatures] == [True, False]


def test_a_unit_signs_a_document_once(signed: bytes, authority: CertificateAuthority) -> None:
    with pytest.raises(AlreadySigned):
        sign_pdf(signed, authority.credentials_for(TOWN))


def test_signature_from_another_ca_is_untrusted(signed: bytes, tmp_path: Path) -> None:
    other = CertificateAuthority.open(tmp_path / "pki", b"o" * 32)
    report = verify_pdf(signed, other.trust_anchors())
    assert report.problems == ("untrusted",)
    assert report.signatures[0].intact and report.signatures[0].valid


def test_revoked_unit_certificate_fails_once_the_crl_lists_it(unsigned: bytes,
                                                              tmp_path: Path) -> None:
    authority = CertificateAuthority.open(tmp_path / "pki", b"r" * 32)
    pdf = sign_pdf(unsigned, authority.credentials_for(TOWN))
    assert verify_pdf(pdf, authority.trust_anchors()).ok
    authority.revoke(TOWN.unit_id)
    report = verify_pdf(pdf, TrustAnchors.from_pki_dir(tmp_path / "pki"))
    assert report.problems == ("revoked",) and report.signatures[0].revoked


def test_out_of_date_crl_is_reported(signed: bytes, authority: CertificateAuthority) -> None:
    later = datetime.now(timezone.utc) + timedelta(days=400)
    report = verify_pdf(signed, authority.trust_anchors(), moment=later)
    assert "stale_crl" in report.problems


def test_unsigned_document_fails(unsigned: bytes, authority: CertificateAuthority) -> None:
    report = verify_pdf(unsigned, authority.trust_anchors())
    assert not report.ok and report.problems == ("unsigned",)


@pytest.mark.parametrize("data", [b"", b"hello", b"%PDF-1.7\n garbage"])
def test_bytes_that_are_not_a_pdf_are_unreadable(data: bytes,
                                                 authority: CertificateAuthority) -> None:
    with pytest.raises(UnreadablePdf):
        verify_pdf(data, authority.trust_anchors())


def test_report_json_carries_chinese_and_english_messages(signed: bytes,
                                                          authority: CertificateAuthority
                                                          ) -> None:
    report = verify_pdf(signed + b"x", authority.trust_anchors()).as_json()
    assert report["ok"] is False
    assert report["problems"] == [{"code": "modified", "message": "签章后文件被追加修改",
                                   "message_en": "the file was modified after signing"}]
    assert report["signatures"][0]["signed_at"] == SIGNED_AT.isoformat()
    json.dumps(report)


def run_verify(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CUNNENG), "verify", *arguments], capture_output=True, text=True,
                          timeout=60)


def test_cli_passes_an_intact_document(jointly_signed: bytes, data_dir: Path,
                                       authority: CertificateAuthority, tmp_path: Path) -> None:
    path = tmp_path / "approval.pdf"
    path.write_bytes(jointly_signed)
    result = run_verify(str(path), "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "昭化区卫子镇人民政府" in result.stdout and "张建国" in result.stdout
    assert "2026-11-23 10:30:00 北京时间" in result.stdout
    assert "结论：通过" in result.stdout and "PASSED" in result.stdout


def test_cli_fails_a_tampered_document(signed: bytes, authority: CertificateAuthority,
                                       tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_bytes(authority.root_pem)
    path = tmp_path / "approval.pdf"
    path.write_bytes(flip_byte(signed, page_content_offset(signed)))
    result = run_verify(str(path), "--ca", str(tmp_path / "ca.pem"), "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["problems"][0]["code"] == "tampered"


@pytest.mark.parametrize("case", ["not a pdf", "no CA"])
def test_cli_cannot_verify_a_non_pdf_or_without_the_ca(case: str, signed: bytes,
                                                       authority: CertificateAuthority,
                                                       tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_bytes(authority.root_pem)
    path = tmp_path / "approval.pdf"
    path.write_bytes(b"PK\x03\x04 a zip file" if case == "not a pdf" else signed)
    ca = tmp_path / ("ca.pem" if case == "not a pdf" else "missing.pem")
    result = run_verify(str(path), "--ca", str(ca))
    assert result.returncode == 2
    assert "无法核验" in result.stderr and result.stdout == ""
