"""The documents as a reader sees them: Chinese text, masked ID, QR code, materials, seal."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from eseal import (
    ApprovalNotice,
    CaseFacts,
    InvalidDocument,
    InvalidSealImage,
    Issuance,
    Material,
    PendingPromise,
    RefusalNotice,
    Signatory,
    SupplementReceipt,
    approval_pdf,
    mask_id_number,
    pending_promise_pdf,
    refusal_pdf,
    supplement_receipt_pdf,
    uploaded_seal,
)

URL = "http://127.0.0.1:8080/verify/ZH-2026-000123?code=7f3a9c"
CASE = CaseFacts("ZH-2026-000123", ("城乡居民基本养老保险参保登记",), "王秀英",
                 "510802195403121234")
BUNDLE = CaseFacts("ZH-2026-000124", ("居民死亡医学证明书签发", "户口注销", "殡葬补助金申领"),
                   "李德明", "510802194811020011", bundle_name="身后一件事")
TOWN = Signatory("town-weizi", "昭化区卫子镇人民政府", "张建国")
ISSUED = Issuance(date(2026, 11, 23), (TOWN,), URL)


def poppler(pdf: bytes, tmp_path: Path, *command: str) -> str:
    """What a poppler-utils command prints about the PDF (put where {} stands, else last)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    arguments = [str(path) if part == "{}" else part for part in command]
    if "{}" not in command:
        arguments.append(str(path))
    return subprocess.run(arguments, check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text pdftotext reads from the PDF, with line breaks and spaces taken out."""
    return "".join(poppler(pdf, tmp_path, "pdftotext", "{}", "-").split())


def test_approval_shows_case_item_villager_decision_approver_and_unit(tmp_path: Path) -> None:
    text = pdf_text(approval_pdf(ApprovalNotice(CASE, ISSUED, "准予参保登记")), tmp_path)
    for expected in ("审批决定书", "ZH-2026-000123", "城乡居民基本养老保险参保登记",
                     "王秀英", "准予参保登记", "张建国", "昭化区卫子镇人民政府",
                     "2026年11月23日", "扫码核验真伪"):
        assert expected in text, expected


def test_id_number_is_printed_masked_only(tmp_path: Path) -> None:
    text = pdf_text(approval_pdf(ApprovalNotice(CASE, ISSUED)), tmp_path)
    assert "510802********1234" in text
    assert "19540312" not in text and "510802195403121234" not in text


@pytest.mark.parametrize("number, masked", [
    ("510802195403121234", "510802********1234"),
    ("510802********1234", "510802********1234"),
    ("510802540312123", "510802******123"),
])
def test_mask_id_number_hides_the_birth_date(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


def test_bundle_lists_every_item_of_the_one_thing(tmp_path: Path) -> None:
    notice = ApprovalNotice(BUNDLE, ISSUED, kind="completion")
    text = pdf_text(approval_pdf(notice), tmp_path)
    assert "办结通知书" in text and "身后一件事" in text
    for number, item in enumerate(BUNDLE.item_names, start=1):
        assert f"{number}.{item}" in text


def test_qr_code_decodes_to_the_verification_url(tmp_path: Path) -> None:
    (tmp_path / "document.pdf").write_bytes(approval_pdf(ApprovalNotice(CASE, ISSUED)))
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile",
                    str(tmp_path / "document.pdf"), str(tmp_path / "page")], check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                              str(tmp_path / "page.png")], capture_output=True, text=True)
    assert decoded.stdout.strip().splitlines() == [URL]


def test_every_font_is_embedded(tmp_path: Path) -> None:
    fonts = poppler(approval_pdf(ApprovalNotice(BUNDLE, ISSUED)), tmp_path, "pdffonts")
    rows = fonts.splitlines()[2:]
    assert rows and all("WenQuanYiMicroHei" in row for row in rows)
    assert all(row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows)  # emb sub uni


def test_supplement_receipt_lists_exactly_the_given_materials(tmp_path: Path) -> None:
    materials = (
        Material("户口簿", "原件及复印件", 1, "户主页"),
        Material("一寸免冠照片", "原件", 2, "白底"),
        Material("银行卡", "复印件", 1),
    )
    receipt = SupplementReceipt(CASE, ISSUED, materials)
    text = poppler(supplement_receipt_pdf(receipt), tmp_path, "pdftotext", "-layout", "{}", "-")
    assert "资料补充回执清单" in text and "一次性告知" in text
    table = text[text.index("备注") + 2:text.index("以上共")]  # the rows, column by column
    expected = [str(value) for n, item in enumerate(materials, start=1)
                for value in (n, item.name, item.form, item.count, item.note) if value != ""]
    assert table.split() == expected
    assert "以上共 3 项，为需补充的全部材料，不再要求补充其他材料。" in text


def test_supplement_receipt_without_materials_is_refused() -> None:
    with pytest.raises(InvalidDocument):
        supplement_receipt_pdf(SupplementReceipt(CASE, ISSUED, ()))


def test_refusal_states_the_reason_and_the_remedies(tmp_path: Path) -> None:
    reason = "申请人已参加城镇职工基本养老保险，不符合参保条件。"
    text = pdf_text(refusal_pdf(RefusalNotice(CASE, ISSUED, reason, stage="acceptance")),
                    tmp_path)
    assert "不予受理告知书" in text and "申请人已参加城镇职工基本养老保险" in text
    assert "行政复议" in text and "行政诉讼" in text
    with pytest.raises(InvalidDocument):
        refusal_pdf(RefusalNotice(CASE, ISSUED, "  "))


def test_pending_promise_states_the_promised_date(tmp_path: Path) -> None:
    notice = PendingPromise(CASE, ISSUED, date(2026, 12, 4), "需现场核实")
    text = pdf_text(pending_promise_pdf(notice), tmp_path)
    assert "承诺办结通知书" in text and "2026年12月4日前办结" in text and "需现场核实" in text


def test_joint_review_prints_every_units_name(tmp_path: Path) -> None:
    bureau = Signatory("dist-rsj", "广元市昭化区人力资源和社会保障局", "刘芳")
    issuance = Issuance(date(2026, 11, 23), (TOWN, bureau), URL)
    pdf = approval_pdf(ApprovalNotice(CASE, issuance))
    text = pdf_text(pdf, tmp_path)
    assert "张建国" in text and "刘芳" in text
    assert "昭化区卫子镇人民政府、广元市昭化区人力资源和社会保障局出具" in text
    info = poppler(pdf, tmp_path, "pdfinfo")
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), "the seals fit on the one page"


def test_uploaded_seal_is_scaled_down_before_embedding(tmp_path: Path) -> None:
    image = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((20, 20, 580, 580), outline=(220, 20, 20, 255), width=30)
    png = io.BytesIO()
    image.save(png, format="PNG")
    seal = uploaded_seal(png.getvalue())
    unit = Signatory(TOWN.unit_id, TOWN.unit_name, TOWN.approver_name, seal)
    pdf = approval_pdf(ApprovalNotice(CASE, Issuance(date(2026, 11, 23), (unit,), URL)))
    images = poppler(pdf, tmp_path, "pdfimages", "-list")
    sizes = [tuple(int(v) for v in row.split()[3:5]) for row in images.splitlines()[2:]]
    assert sizes and all(max(size) <= 320 for size in sizes)


@pytest.mark.parametrize("data", [b"not an image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_unreadable_seal_upload_is_refused(data: bytes) -> None:
    with pytest.raises(InvalidSealImage):
        uploaded_seal(data)


def test_seal_upload_in_another_format_is_refused() -> None:
    jpeg = io.BytesIO()
    Image.new("RGB", (100, 100), (200, 0, 0)).save(jpeg, format="JPEG")
    with pytest.raises(InvalidSealImage):
        uploaded_seal(jpeg.getvalue())
