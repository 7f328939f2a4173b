"""eseal: the electronic seal (电子印章) — the local CA, unit certificates, documents, signing, verification.

A library with no web page and no server in it: signaling issues and verifies documents with
it, `cunneng verify` checks a file offline, the village selftest checks what it was handed.
What the server calls: a `CertificateAuthority` per data directory, the document
dataclasses and their PDF builders, `sign_pdf` for each approving unit, and
`verify_pdf` for the verification page. The PDF builders, seals, signing and
verification need reportlab and pyHanko, so they are imported on first use (lazy_loader).
"""

from typing import TYPE_CHECKING

import lazy_loader

from .certificates import UnitIdentity
from .documents import (
    ApprovalNotice,
    AuditAnchor,
    CaseFacts,
    Document,
    Issuance,
    Material,
    PendingPromise,
    RefusalNotice,
    Signatory,
    SupplementReceipt,
    items_phrase,
    mask_id_number,
    supplement_notice,
)
from .exceptions import (
    AlreadySigned,
    AuthorityMissing,
    EsealError,
    InvalidDocument,
    InvalidSealImage,
    KeyUnwrapFailed,
    MasterKeyInvalid,
    UnreadablePdf,
)
from .keystore import load_or_create_master_key
from .pki import CertificateAuthority, ServerCredentials, TrustAnchors, UnitCredentials, open_authority

if TYPE_CHECKING:
    from .rendering import (
        approval_pdf,
        pending_promise_pdf,
        refusal_pdf,
        render_document,
        supplement_receipt_pdf,
    )
    from .seal import GeneratedSeal, Seal, UploadedSeal, uploaded_seal
    from .signing import sign_pdf, signature_field_name
    from .verify import SignatureReport, VerificationReport, audit_anchor_of, verify_pdf

# module -> the names it defines that need reportlab or pyHanko: imported when first asked
# for (PEP 562), so the server loads them with its first document, not at start (#9)
__getattr__, _, _ = lazy_loader.attach(__name__, submod_attrs={
    "rendering": ["approval_pdf", "pending_promise_pdf", "refusal_pdf", "render_document", "supplement_receipt_pdf"],
    "seal": ["GeneratedSeal", "Seal", "UploadedSeal", "uploaded_seal"],
    "signing": ["sign_pdf", "signature_field_name"],
    "verify": ["SignatureReport", "VerificationReport", "audit_anchor_of", "verify_pdf"],
})

__all__ = [
    "AlreadySigned", "ApprovalNotice", "AuditAnchor", "AuthorityMissing", "CaseFacts", "CertificateAuthority",
    "Document", "EsealError", "GeneratedSeal", "InvalidDocument", "InvalidSealImage",
    "Issuance", "KeyUnwrapFailed", "MasterKeyInvalid", "Material", "PendingPromise",
    "RefusalNotice", "Seal", "ServerCredentials", "SignatureReport", "Signatory", "SupplementReceipt",
    "TrustAnchors", "UnitCredentials", "UnitIdentity", "UnreadablePdf", "UploadedSeal",
    "VerificationReport", "approval_pdf", "audit_anchor_of", "items_phrase", "load_or_create_master_key",
    "mask_id_number",
    "open_authority",
    "pending_promise_pdf", "refusal_pdf", "render_document", "sign_pdf", "supplement_notice",
    "signature_field_name", "supplement_receipt_pdf", "uploaded_seal", "verify_pdf",
]
