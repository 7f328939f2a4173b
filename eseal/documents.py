"""The documents an approver issues, as plain data (their PDFs: rendering.py).

审批决定书 / 办结通知书, 资料补充回执清单 (一次性告知), 不予受理/不予批准告知书 and
承诺办结通知书. The server fills these dataclasses from a case; nothing here reads the
database or needs reportlab, so the server plans a document before it loads the PDF code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .seal import Seal


def mask_id_number(number: str) -> str:
    """The ID number as printed: the birth date (or the middle of other numbers) hidden."""
    number = number.strip()
    if len(number) == 18:
        return number[:6] + "********" + number[14:]
    if len(number) == 15:  # first-generation ID cards
        return number[:6] + "******" + number[12:]
    keep = max(1, len(number) // 4)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


@dataclass(frozen=True)
class CaseFacts:
    """What every document says about the case (办件): number, items, applicant."""

    case_number: str
    item_names: tuple[str, ...]
    villager_name: str
    villager_id_number: str  # printed masked whatever is given
    bundle_name: str = ""  # 一件事 name when the items form a bundle


@dataclass(frozen=True)
class AuditAnchor:
    """The issuing system's audit log at the moment of issue: its last event's number and hash.

    Printed on the document and kept in its (signed) metadata, so every copy handed out pins
    the log up to that event: a log later cut or rewritten before it no longer matches.
    """

    seq: int
    hash: str

    KEYWORD = "cunneng-audit-head"

    def keyword(self) -> str:
        """How the PDF's Keywords carry it."""
        return f"{self.KEYWORD}:{self.seq}:{self.hash}"

    @classmethod
    def from_keywords(cls, keywords: str) -> AuditAnchor | None:
        """The anchor in a PDF's Keywords, or None."""
        for word in keywords.replace(",", " ").split():
            name, _, rest = word.partition(":")
            seq, _, digest = rest.partition(":")
            if name == cls.KEYWORD and seq.isdigit() and len(digest) == 64:
                return cls(int(seq), digest.lower())
        return None


@dataclass(frozen=True)
class Signatory:
    """An approving unit and the approver who decided for it; the seal defaults to generated."""

    unit_id: str
    unit_name: str
    approver_name: str
    seal: Seal | None = None


@dataclass(frozen=True)
class Issuance:
    """Who issues a document and when; joint review (联审) lists one signatory per unit."""

    issued_on: date
    signatories: tuple[Signatory, ...]
    verify_url: str = ""
    footer: str = ""
    audit_anchor: AuditAnchor | None = None


@dataclass(frozen=True)
class ApprovalNotice:
    """审批决定书 (decision) or 办结通知书 (completion) for an approved case."""

    case: CaseFacts
    issuance: Issuance
    decision: str = "准予办理"
    kind: Literal["decision", "completion"] = "decision"


@dataclass(frozen=True)
class Material:
    """One missing material on a supplement receipt."""

    name: str
    form: str = "原件"  # 原件 / 复印件 / 原件及复印件
    count: int = 1
    note: str = ""


@dataclass(frozen=True)
class SupplementReceipt:
    """资料补充回执清单: the one-time list (一次性告知) of everything still missing."""

    case: CaseFacts
    issuance: Issuance
    materials: tuple[Material, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RefusalNotice:
    """不予受理告知书 (at acceptance) or 不予批准告知书 (after review), with the reason."""

    case: CaseFacts
    issuance: Issuance
    reason: str
    stage: Literal["acceptance", "approval"] = "approval"


@dataclass(frozen=True)
class PendingPromise:
    """承诺办结通知书: the case is accepted and will be finished by the promised date."""

    case: CaseFacts
    issuance: Issuance
    promised_on: date
    reason: str = ""


Document = ApprovalNotice | SupplementReceipt | RefusalNotice | PendingPromise


def items_phrase(case: CaseFacts) -> str:
    """What the applicant applied for, as the documents name it: “X”事项, or the 一件事 with its count."""
    if case.bundle_name:
        return f"“{case.bundle_name}”（共 {len(case.item_names)} 个事项）"
    return "“" + "”“".join(case.item_names) + "”事项"


def supplement_notice(case: CaseFacts, count: int) -> tuple[str, str]:
    """资料补充回执清单's words before and after the list: one text for the signed PDF and the printed page."""
    opening = (f"你申请办理的{items_phrase(case)}，经审查，尚需补充以下材料。"
               "现一次性告知如下，请补齐后交村便民服务窗口，我们收到后继续办理：")
    return opening, f"以上共 {count} 项，为需补充的全部材料，不再要求补充其他材料。"
