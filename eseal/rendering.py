"""The documents as unsigned A4 PDFs in Simplified Chinese (signing.sign_pdf signs them)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from .documents import (
    ApprovalNotice,
    CaseFacts,
    Document,
    Issuance,
    PendingPromise,
    RefusalNotice,
    Signatory,
    SupplementReceipt,
    items_phrase,
    mask_id_number,
    supplement_notice,
)
from .exceptions import InvalidDocument
from .layout import (
    A4,
    BODY_SIZE,
    MARGIN,
    SealedName,
    build_pdf,
    chinese_date,
    closing_block,
    fields,
    grid,
    para,
    style,
    title_block,
)
from .seal import GeneratedSeal

APPEAL_NOTICE = (
    "如对本决定不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
    "或者自收到本告知书之日起六个月内依法向人民法院提起行政诉讼。"
)


def approval_pdf(notice: ApprovalNotice) -> bytes:
    """审批决定书 / 办结通知书 as an unsigned PDF."""
    title = "审批决定书" if notice.kind == "decision" else "办结通知书"
    decided = ("经审查，符合规定条件，决定如下：" if notice.kind == "decision"
               else "现已办结，结果如下：")
    body = [
        *_opening(notice.case, f"{items_phrase(notice.case)}，{decided}"),
        para(notice.decision, style("decision", 18, leftIndent=28)),
        _indented("特此决定。" if notice.kind == "decision" else "特此通知。"),
    ]
    return _render(title, "", notice.case, notice.issuance, body,
                   extra_fields=[("审批结果", notice.decision)])


def supplement_receipt_pdf(receipt: SupplementReceipt) -> bytes:
    """资料补充回执清单 listing exactly the given materials, with 一次性告知 wording."""
    if not receipt.materials:
        raise InvalidDocument("a supplement receipt needs at least one missing material")
    width = A4[0] - 2 * MARGIN
    rows = [["序号", "材料名称", "原件/复印件", "份数", "备注"]] + [
        [str(number), item.name, item.form, str(item.count), item.note]
        for number, item in enumerate(receipt.materials, start=1)
    ]
    opening, closing = supplement_notice(receipt.case, len(receipt.materials))
    body: list[Flowable] = [
        para(f"{receipt.case.villager_name}：", style("salutation")), _indented(opening),
        grid(rows, [14 * mm, width - 100 * mm, 34 * mm, 16 * mm, 36 * mm], header=True),
        Spacer(1, 3 * mm),
        _indented(closing),
    ]
    return _render("资料补充回执清单", "（一次性告知）", receipt.case, receipt.issuance, body)


def refusal_pdf(notice: RefusalNotice) -> bytes:
    """不予受理告知书 / 不予批准告知书 with the reason and the applicant's remedies."""
    if not notice.reason.strip():
        raise InvalidDocument("a refusal notice needs a reason")
    verb = "不予受理" if notice.stage == "acceptance" else "不予批准"
    body = [
        *_opening(notice.case, f"{items_phrase(notice.case)}，经审查，决定{verb}。理由如下："),
        _indented(notice.reason),
        _indented(APPEAL_NOTICE),
    ]
    return _render(f"{verb}告知书", "", notice.case, notice.issuance, body,
                   extra_fields=[("决定", verb)])


def pending_promise_pdf(notice: PendingPromise) -> bytes:
    """承诺办结通知书 with the promised completion date."""
    promised = chinese_date(notice.promised_on)
    because = f"因{notice.reason}，" if notice.reason else ""
    body = [
        *_opening(notice.case, f"{items_phrase(notice.case)}已受理。{because}我单位承诺于"
                  f"{promised}前办结，办结后将结果送达村便民服务窗口并通知你。"),
        _indented("特此通知。"),
    ]
    return _render("承诺办结通知书", "", notice.case, notice.issuance, body,
                   extra_fields=[("承诺办结日期", promised)])


def render_document(document: Document) -> bytes:
    """Any of the four documents as an unsigned PDF."""
    if isinstance(document, ApprovalNotice):
        return approval_pdf(document)
    if isinstance(document, SupplementReceipt):
        return supplement_receipt_pdf(document)
    if isinstance(document, RefusalNotice):
        return refusal_pdf(document)
    return pending_promise_pdf(document)


def _sealed_name(signatory: Signatory) -> SealedName:
    """The unit as its 落款 prints: name and seal (a generated one unless uploaded)."""
    return SealedName(signatory.unit_name, signatory.seal or GeneratedSeal(signatory.unit_name))


def _indented(text: str) -> Flowable:
    return para(text, style("indented", firstLineIndent=2 * BODY_SIZE))


def _opening(case: CaseFacts, rest: str) -> list[Flowable]:
    """The salutation to the applicant and the sentence that names what they applied for."""
    return [para(f"{case.villager_name}：", style("salutation")), _indented(f"你申请办理的{rest}")]


def _case_fields(case: CaseFacts) -> list[tuple[str, str]]:
    items = "\n".join(f"{n}. {name}" for n, name in enumerate(case.item_names, start=1))
    rows = [("办件编号", case.case_number)]
    if case.bundle_name:
        rows.append(("一件事", case.bundle_name))
    rows += [
        ("办理事项", items if len(case.item_names) > 1 else case.item_names[0]),
        ("申请人", case.villager_name),
        ("公民身份号码", mask_id_number(case.villager_id_number)),
    ]
    return rows


def _issuance_fields(issuance: Issuance) -> list[tuple[str, str]]:
    """Who decided and when; and the audit log's last event at that moment (it pins the log)."""
    approvers = "；".join(f"{s.approver_name}（{s.unit_name}）" for s in issuance.signatories)
    rows = [("审批人", approvers), ("日期", chinese_date(issuance.issued_on))]
    if issuance.audit_anchor is not None:
        anchor = issuance.audit_anchor
        rows.append(("审计链", f"第 {anchor.seq} 条 {anchor.hash}"))
    return rows


def _check(case: CaseFacts, issuance: Issuance) -> None:
    if not case.item_names:
        raise InvalidDocument(f"case {case.case_number}: no item named")
    if not issuance.signatories:
        raise InvalidDocument(f"case {case.case_number}: no issuing unit")


def _render(title: str, subtitle: str, case: CaseFacts, issuance: Issuance,
            body: list[Flowable], extra_fields: list[tuple[str, str]] | None = None) -> bytes:
    _check(case, issuance)
    rows = [*_case_fields(case), *(extra_fields or []), *_issuance_fields(issuance)]
    units = [_sealed_name(signatory) for signatory in issuance.signatories]
    footer = issuance.footer or (
        f"{'、'.join(u.unit_name for u in units)}出具 · 村能办电子签章文书，"
        "打印件与盖章原件具有同等效力，扫码或在核验页上传本文件可核验真伪。"
    )
    story = [*title_block(title, subtitle), *body, Spacer(1, 4 * mm), fields(rows),
             closing_block(units, issuance.issued_on, issuance.verify_url)]
    keywords = issuance.audit_anchor.keyword() if issuance.audit_anchor else ""
    return build_pdf(story, title=f"{title} {case.case_number}",
                     author=units[0].unit_name, footer=footer, keywords=keywords)
