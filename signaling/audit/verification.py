"""`cunneng audit verify`: the chain itself, and every record outside the database that vouches for its end.

The anchors: the head file, the signed checkpoints, and any issued document given (its
printed audit head, trusted only when its signatures verify against the local CA). What
a local administrator can still do undetected is in docs/security.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from eseal import TrustAnchors
from eseal.pki import PKI_DIR

from ..config import Settings
from ..storage.database import Database
from .chain import Anchor, AuditLog
from .checkpoints import read_checkpoints


@dataclass
class AuditVerdict:
    """What the check found: how many events, which anchors held, and every problem."""

    events: int = 0
    anchors: list[Anchor] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def document_anchor(path: Path, trust: TrustAnchors) -> tuple[Anchor | None, str]:
    """The audit head an issued document pins, or why it cannot vouch for anything."""
    from eseal import audit_anchor_of, verify_pdf  # pyHanko: for this check only (#9)

    data = path.read_bytes()
    report = verify_pdf(data, trust)
    if not report.ok:
        return None, f"document {path.name}: its signatures do not verify ({', '.join(report.problems)})"
    anchor = audit_anchor_of(data)
    if anchor is None:
        return None, f"document {path.name} prints no audit head (issued by an older version)"
    return Anchor(anchor.seq, anchor.hash, f"document {path.name}"), ""


def verify_audit(settings: Settings, database: Database, audit: AuditLog, documents: list[Path]) -> AuditVerdict:
    """Walk the chain and check it against the checkpoints and the given documents (blocking)."""
    verdict = AuditVerdict(events=database.read_sync(lambda db: db.table("audit_events").count))
    pki = settings.data_dir / PKI_DIR
    if pki.is_dir():
        trust = TrustAnchors.from_pki_dir(pki)
        verdict.anchors, verdict.problems = read_checkpoints(settings.checkpoints_dir, trust.root)
        for path in documents:
            anchor, problem = document_anchor(path, trust)
            verdict.anchors += [anchor] if anchor else []
            verdict.problems += [problem] if problem else []
    elif documents:
        verdict.problems.append(f"no local CA in {pki}: the documents cannot be checked")
    try:
        broken = database.read_sync(audit.verify_chain, verdict.anchors)
    except ValueError as bad_head:  # the head file was edited or garbled: a finding, not a crash
        verdict.problems.insert(0, str(bad_head))
        return verdict
    if broken is not None:
        verdict.problems.insert(0, str(broken))
    return verdict
