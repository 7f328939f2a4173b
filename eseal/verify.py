"""Offline verification of a signed document against the local CA's root (and its CRL).

A document passes only when every signature is intact, valid and chains to the root, no
signer's certificate is revoked (when a CRL is at hand), earlier signatures saw nothing but
later signatures added, and the last signature covers the entire file: pyHanko still
reports ``bottom_line`` for bytes appended after ``%%EOF``, so coverage is checked here.
"""

from __future__ import annotations

import io
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import (
    ModificationLevel,
    PdfSignatureStatus,
    SignatureCoverageLevel,
)
from pyhanko_certvalidator import ValidationContext

from .certificates import unit_of
from .documents import AuditAnchor
from .exceptions import UnreadablePdf
from .pki import TrustAnchors
from .signing import to_asn1

logger = logging.getLogger(__name__)

PROBLEMS: dict[str, tuple[str, str]] = {
    "unsigned": ("文件没有电子签章", "the document carries no signature"),
    "tampered": ("签章后内容被改动（摘要不符）", "content changed after signing (digest mismatch)"),
    "bad_signature": ("签名值无效", "the signature value does not verify"),
    "untrusted": ("签章证书不是本系统签发的", "the signer's certificate is not from this CA"),
    "revoked": ("签章证书已被吊销", "the signer's certificate has been revoked"),
    "modified": ("签章后文件被追加修改", "the file was modified after signing"),
    "malformed": ("签章已损坏:签章数据无法解析", "signature damaged: its data cannot be parsed"),
    "damaged": ("签章已损坏", "signature damaged"),
    "stale_crl": ("吊销列表已过期，请启动服务器更新后再核验",
                  "the CRL is out of date; start the server to refresh it, then verify again"),
}
UNTOUCHED_LEVELS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES,
                    ModificationLevel.FORM_FILLING)


@dataclass(frozen=True)
class SignatureReport:
    """One signature: who signed, when they say they did, and what the checks found."""

    field_name: str
    unit_id: str
    unit_name: str
    approver_name: str
    signed_at: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    coverage: str
    modification_level: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class VerificationReport:
    """The verdict on a document: every signature, and whether the whole set can be trusted."""

    signatures: tuple[SignatureReport, ...]
    revocation_checked: bool
    trust_problems: tuple[str, ...] = ()

    @property
    def problems(self) -> tuple[str, ...]:
        if not self.signatures:
            return ("unsigned",)
        found = [*self.trust_problems,
                 *(code for report in self.signatures for code in report.problems)]
        return tuple(dict.fromkeys(found))

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        """The report for the verification page's API, with messages in Chinese and English."""
        return {
            "ok": self.ok,
            "revocation_checked": self.revocation_checked,
            "problems": [{"code": code, "message": PROBLEMS[code][0],
                          "message_en": PROBLEMS[code][1]} for code in self.problems],
            "signatures": [
                {**asdict(report), "ok": report.ok,
                 "signed_at": report.signed_at.isoformat() if report.signed_at else None}
                for report in self.signatures
            ],
        }


def verify_pdf(data: bytes, trust: TrustAnchors, *, moment: datetime | None = None
               ) -> VerificationReport:
    """Check every signature in the PDF offline; UnreadablePdf when the bytes are not a PDF.

    A signature whose own data is broken (its CMS bytes damaged) is reported as damaged: the
    PDF around it is still read, so the verdict says what is wrong rather than "not a PDF".
    """
    found = _embedded_signatures(data)
    signatures = [s for s in found if isinstance(s, EmbeddedPdfSignature)]
    context = _validation_context(trust, moment)
    last_revision = max((s.signed_revision for s in signatures), default=-1)
    reports = [_check(signature, context, signature.signed_revision == last_revision)
               if isinstance(signature, EmbeddedPdfSignature) else _damaged(signature)
               for signature in found]
    stale = trust.crl is not None and (
        trust.crl.next_update_utc is None
        or trust.crl.next_update_utc < (moment or datetime.now(timezone.utc)))
    return VerificationReport(tuple(reports), revocation_checked=trust.crl is not None,
                              trust_problems=("stale_crl",) if stale else ())


PARSE_ERRORS = (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError)


def audit_anchor_of(data: bytes) -> AuditAnchor | None:
    """The audit log's head the document was issued at (its Keywords), or None; verify_pdf
    says whether those bytes are the signed ones."""
    if data.lstrip()[:5] != b"%PDF-":
        raise UnreadablePdf("not a PDF file (no %PDF- header)")
    try:
        trailer = PdfFileReader(io.BytesIO(data), strict=False).trailer_view
        info = trailer["/Info"] if "/Info" in trailer else {}
        keywords = str(info["/Keywords"]) if "/Keywords" in info else ""
    except PARSE_ERRORS as error:
        raise UnreadablePdf(f"unreadable PDF: {error}") from None
    return AuditAnchor.from_keywords(keywords)


def _embedded_signatures(data: bytes) -> list[EmbeddedPdfSignature | str]:
    """The signatures in signing order, then the field names of those too damaged to read."""
    if data.lstrip()[:5] != b"%PDF-":
        raise UnreadablePdf("not a PDF file (no %PDF- header)")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except PARSE_ERRORS as error:
        raise UnreadablePdf(f"unreadable PDF: {error}") from None
    readable: list[EmbeddedPdfSignature] = []
    damaged: list[str] = []
    for name, _, field in fields:
        try:
            readable.append(EmbeddedPdfSignature(reader, field, name))
        except PARSE_ERRORS as error:
            logger.warning("signature %s damaged: %s", name, error)
            damaged.append(name)
    return [*sorted(readable, key=lambda s: s.signed_revision), *damaged]


def _validation_context(trust: TrustAnchors, moment: datetime | None) -> ValidationContext:
    # Without a CRL pyHanko's soft-fail mode skips revocation entirely; with ours,
    # "require" makes a missing or stale CRL entry count as a failure.
    crls = [] if trust.crl is None else [trust.crl.public_bytes(serialization.Encoding.DER)]
    return ValidationContext(
        trust_roots=[to_asn1(trust.root)], crls=crls, allow_fetching=False, moment=moment,
        revocation_mode="require" if crls else "soft-fail",
    )


def _check(signature: EmbeddedPdfSignature, context: ValidationContext, last: bool
           ) -> SignatureReport:
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except (SignatureValidationError, PdfError, ValueError) as error:
        logger.warning("signature %s unreadable: %s", signature.field_name, error)
        return _malformed(signature)
    unit = unit_of(x509.load_der_x509_certificate(status.signing_cert.dump()))
    level = status.modification_level
    return SignatureReport(
        field_name=signature.field_name, unit_id=unit.unit_id, unit_name=unit.unit_name,
        approver_name=str(signature.sig_object.get("/Name", "")),
        signed_at=status.signer_reported_dt or signature.self_reported_timestamp,
        intact=status.intact, valid=status.valid, trusted=status.trusted,
        revoked=status.revoked, coverage=status.coverage.name if status.coverage else "",
        modification_level=level.name if level else "", problems=_problems(status, last),
    )


def _problems(status: PdfSignatureStatus, last: bool) -> tuple[str, ...]:
    untouched = (status.coverage == SignatureCoverageLevel.ENTIRE_FILE if last
                 else status.modification_level in UNTOUCHED_LEVELS and status.docmdp_ok)
    checks = [
        ("tampered", status.intact),
        ("bad_signature", status.valid),
        ("revoked", not status.revoked),
        # a chain is only judged once the signature itself holds up
        ("untrusted", status.trusted or status.revoked or not (status.intact and status.valid)),
        ("modified", untouched),
    ]
    return tuple(code for code, passed in checks if not passed)


def _malformed(signature: EmbeddedPdfSignature) -> SignatureReport:
    return _unverifiable(signature.field_name, "malformed")


def _damaged(field_name: str) -> SignatureReport:
    return _unverifiable(field_name, "damaged")


def _unverifiable(field_name: str, problem: str) -> SignatureReport:
    return SignatureReport(
        field_name=field_name, unit_id="", unit_name="", approver_name="",
        signed_at=None, intact=False, valid=False, trusted=False, revoked=False,
        coverage="", modification_level="", problems=(problem,),
    )
