"""Named errors of the e-seal and certificate code, each saying what went wrong."""

from __future__ import annotations


class EsealError(Exception):
    """Base of every error raised by approver_console's certificate and seal code."""


class KeyUnwrapFailed(EsealError):
    """A private key file could not be decrypted: wrong master key or a damaged file."""


class MasterKeyInvalid(EsealError):
    """The master key file exists but does not hold a usable key."""


class AuthorityMissing(EsealError):
    """No CA certificate where one was expected (verification needs the root)."""


class InvalidSealImage(EsealError):
    """An uploaded seal image is not a PNG of acceptable size."""


class InvalidDocument(EsealError):
    """The data given for a document is incomplete or inconsistent."""


class AlreadySigned(EsealError):
    """The unit has already signed this PDF: one signature per unit and document."""


class UnreadablePdf(EsealError):
    """The bytes given for verification are not a readable PDF."""
