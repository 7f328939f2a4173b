"""Named errors of the e-seal and certificate code, each saying what went wrong.

Each class carries a short ``code`` and a Chinese ``message_zh`` so the server can answer
with its one JSON error shape; the exception text itself is the English detail.
"""

from __future__ import annotations


class EsealError(Exception):
    """Base of every error raised by approver_console's certificate and seal code."""

    code = "eseal_error"
    message_zh = "电子签章处理失败。"


class KeyUnwrapFailed(EsealError):
    """A private key file could not be decrypted: wrong master key or a damaged file."""

    code = "key_unwrap_failed"
    message_zh = "签章私钥无法解密：主密钥不对或密钥文件损坏。"


class MasterKeyInvalid(EsealError):
    """The master key file exists but does not hold a usable key."""

    code = "master_key_invalid"
    message_zh = "签章主密钥文件无效。"


class AuthorityMissing(EsealError):
    """No CA certificate where one was expected (verification needs the root)."""

    code = "authority_missing"
    message_zh = "找不到根证书，无法核验。"


class InvalidSealImage(EsealError):
    """An uploaded seal image is not a PNG of acceptable size."""

    code = "invalid_seal_image"
    message_zh = "印章图片须为 PNG 格式（透明背景），且不超过 2 MB、4096 像素。"


class InvalidDocument(EsealError):
    """The data given for a document is incomplete or inconsistent."""

    code = "invalid_document"
    message_zh = "文书内容不完整。"


class AlreadySigned(EsealError):
    """The unit has already signed this PDF: one signature per unit and document."""

    code = "already_signed"
    message_zh = "本单位已在此文书上签章。"


class UnreadablePdf(EsealError):
    """The bytes given for verification are not a readable PDF."""

    code = "unreadable_pdf"
    message_zh = "文件不是可读取的 PDF。"
