"""签发: the document a decision produces, planned from the case, rendered, signed and recorded.

An approval yields the signed approval document (one signature per approving department
in a joint review, then the handling window's), a supplement request the 资料补充回执清单,
a refusal the written explanation, a pending promise the dated promise. The plan is read
and checked in the database thread, the PDF is made and signed off it (tens of
milliseconds of CPU), and the decision and its document are then written together. Each
document prints the audit log's head at the moment it was planned (and carries it in its
signed metadata): every copy in a villager's hands pins the log up to that event.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from eseal import (
    ApprovalNotice,
    AuditAnchor,
    CaseFacts,
    CertificateAuthority,
    Document,
    Issuance,
    Material,
    PendingPromise,
    RefusalNotice,
    Signatory,
    SupplementReceipt,
    UnitIdentity,
    supplement_notice,
)
from recordings import Archive, StoredObject

from ..access.jurisdictions import get_unit
from ..audit.acts import Act
from ..audit.chain import chain_head
from ..cases.workflow import Action
from ..config import CHINA_TZ
from ..storage.database import first, insert, rows

if TYPE_CHECKING:
    import sqlite_utils

DOCUMENT_KINDS = {
    Action.APPROVE: "approval",
    Action.REQUEST_SUPPLEMENT: "supplement_receipt",
    Action.REFUSE: "refusal",
    Action.SET_PENDING: "pending_promise",
}
KIND_NAMES = {
    "approval": "审批决定书", "supplement_receipt": "资料补充回执清单",
    "refusal": "不予批准告知书", "pending_promise": "承诺办结通知书",
}
DOCUMENT_NAMES = {**KIND_NAMES, "scan": "扫描件", "snapshot": "通话截图"}
FORMS = {"original": "原件", "copy": "复印件"}


@dataclass(frozen=True)
class Signer:
    """One unit that signs, who signs for it, and its uploaded seal if any."""

    unit_id: str
    unit_name: str
    approver_name: str
    seal_digest: str | None


@dataclass(frozen=True)
class PlannedDocument:
    """Everything needed to make and sign a decision's document, read before making it."""

    kind: str
    facts: CaseFacts
    body: dict[str, Any]
    signers: tuple[Signer, ...]
    issued_on: date
    verify_code: str
    verify_url: str
    audit_anchor: AuditAnchor | None = None


def plan_document(
    db: sqlite_utils.Database, act: Act, case: dict[str, Any], action: Action,
    body: dict[str, Any], base_url: str,
) -> PlannedDocument | None:
    """The document this decision issues, or None for actions that issue none."""
    kind = DOCUMENT_KINDS.get(action)
    if kind is None:
        return None
    code = secrets.token_urlsafe(12)
    head = chain_head(db)
    return PlannedDocument(
        kind=kind, facts=_case_facts(db, case), body=body,
        signers=_signers(db, act, case) if kind == "approval" else (_handler(db, act, case),),
        issued_on=act.at.astimezone(CHINA_TZ).date(),
        verify_code=code, verify_url=f"{base_url.rstrip('/')}/verify/{code}",
        audit_anchor=AuditAnchor(*head) if head else None,
    )


def supplement_wording(db: sqlite_utils.Database, case: dict[str, Any]) -> dict[str, str] | None:
    """The 资料补充回执清单's sentences as the signed list words them, for the page that prints it."""
    if not case["supplement"]:
        return None
    opening, closing = supplement_notice(_case_facts(db, case), len(json.loads(case["supplement"])))
    return {"opening": opening, "closing": closing}


def _case_facts(db: sqlite_utils.Database, case: dict[str, Any]) -> CaseFacts:
    villager = first(db, "select name, id_number from villagers where id = ?", [case["villager_id"]]) or {}
    names = tuple(
        r["name"] for r in rows(
            db, "select items.name from json_each(?) join items on items.code = json_each.value"
            " order by json_each.key", [case["item_codes"]],
        )
    )
    bundle = first(db, "select name from bundles where code = ?", [case["bundle_code"] or ""])
    return CaseFacts(
        case_number=case["number"], item_names=names, villager_name=villager["name"],
        villager_id_number=villager["id_number"], bundle_name=bundle["name"] if bundle else "",
    )


def _handler(db: sqlite_utils.Database, act: Act, case: dict[str, Any]) -> Signer:
    unit = get_unit(db, case["handler_unit_id"])
    return Signer(unit["id"], unit["name"], act.actor.display_name, unit.get("seal_digest"))


def _signers(db: sqlite_utils.Database, act: Act, case: dict[str, Any]) -> tuple[Signer, ...]:
    """联审: every approving department signs first, the handling window last."""
    departments = rows(
        db, "select units.id, units.name, units.seal_digest, accounts.display_name from case_reviews"
        " join units on units.id = case_reviews.unit_id"
        " left join accounts on accounts.id = case_reviews.decided_by"
        " where case_reviews.case_id = ? and case_reviews.state = 'approved' order by case_reviews.id",
        [case["id"]],
    )
    return tuple(
        Signer(d["id"], d["name"], d["display_name"] or "", d["seal_digest"]) for d in departments
    ) + (_handler(db, act, case),)


def document_of(plan: PlannedDocument, signatories: tuple[Signatory, ...]) -> Document:
    """The approver_console document for the plan."""
    issuance = Issuance(issued_on=plan.issued_on, signatories=signatories, verify_url=plan.verify_url,
                        footer=f"核验码 {plan.verify_code}", audit_anchor=plan.audit_anchor)
    if plan.kind == "approval":
        return ApprovalNotice(plan.facts, issuance)
    if plan.kind == "supplement_receipt":
        materials = tuple(
            Material(m["name"], FORMS.get(m.get("form", ""), "原件"), m.get("count", 1), m.get("note", ""))
            for m in plan.body["materials"]
        )
        return SupplementReceipt(plan.facts, issuance, materials)
    if plan.kind == "refusal":
        return RefusalNotice(plan.facts, issuance, plan.body["reason"].strip())
    return PendingPromise(plan.facts, issuance, date.fromisoformat(plan.body["until"]), plan.body.get("note", ""))


def issue_pdf(plan: PlannedDocument, authority: CertificateAuthority, archive: Archive) -> bytes:
    """Render the document and sign it once per signer (blocking: run it in an executor)."""
    # reportlab and pyHanko, loaded by the first decision that issues a document (idle memory, #9)
    from eseal import render_document, sign_pdf, uploaded_seal

    signatories = tuple(
        Signatory(s.unit_id, s.unit_name, s.approver_name,
                  uploaded_seal(archive.read(s.seal_digest)) if s.seal_digest else None)
        for s in plan.signers
    )
    pdf = render_document(document_of(plan, signatories))
    for signer in plan.signers:
        credentials = authority.credentials_for(UnitIdentity(signer.unit_id, signer.unit_name))
        pdf = sign_pdf(pdf, credentials, approver_name=signer.approver_name,
                       reason=f"{KIND_NAMES[plan.kind]}盖章")
    return pdf


def record_document(
    db: sqlite_utils.Database, act: Act, case_id: int, plan: PlannedDocument, stored: StoredObject
) -> dict[str, Any]:
    """Insert the issued document's row and log it, inside the decision's transaction."""
    row: dict[str, Any] = {
        "case_id": case_id, "kind": plan.kind, "filename": f"{plan.facts.case_number}-{plan.kind}.pdf",
        "content_type": "application/pdf", "digest": stored.digest, "size": stored.size, "pages": None,
        "material": None, "created_by": act.actor.id, "created_at": act.when, "verify_code": plan.verify_code,
        "signed_by": json.dumps([s.unit_id for s in plan.signers]),
    }
    document_id = row["id"] = insert(db, "documents", row)
    act.log(db, "document_issued", case_id, {
        "document_id": document_id, "kind": plan.kind, "sha256": stored.digest,
        "signed_by": [s.unit_id for s in plan.signers],
        "audit_head": plan.audit_anchor.seq if plan.audit_anchor else None,
    })
    return row


def public_document(row: dict[str, Any]) -> dict[str, Any]:
    """A document row as the API shows it (no storage details)."""
    return {
        "id": row["id"], "case_id": row["case_id"], "kind": row["kind"],
        "kind_name": DOCUMENT_NAMES.get(row["kind"], row["kind"]), "material": row["material"],
        "filename": row["filename"], "content_type": row["content_type"], "size": row["size"],
        "pages": row["pages"], "created_at": row["created_at"], "sha256": row["digest"],
        "signed_by": json.loads(row["signed_by"]) if row["signed_by"] else [],
    }
