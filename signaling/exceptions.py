"""Named errors of the server; each carries the HTTP status and a message a clerk can read.

The API middleware turns any `CunnengError` into the one JSON error shape
``{"error": code, "message": 中文, "message_en": English}``.
"""

from __future__ import annotations

from protocol.messages import ErrorBody
from protocol.words import ErrorCode


class CunnengError(Exception):
    """Base of every error the server reports to a user."""

    status = 400
    code = ErrorCode.BAD_REQUEST

    def __init__(self, message: str, message_en: str = "", *, code: ErrorCode | None = None) -> None:
        super().__init__(message_en or message)
        self.message = message
        self.message_en = message_en
        if code is not None:
            self.code = code

    def as_json(self) -> ErrorBody:
        """The API's error body."""
        return {"error": self.code, "message": self.message, "message_en": self.message_en}


class InvalidInput(CunnengError):
    """The request body or a parameter is malformed or out of range."""

    status = 400
    code = ErrorCode.INVALID_INPUT


class NotAuthenticated(CunnengError):
    """No valid session token: log in first."""

    status = 401
    code = ErrorCode.NOT_AUTHENTICATED


class AccountLocked(CunnengError):
    """Too many failed logins: the account waits before the next try."""

    status = 423
    code = ErrorCode.ACCOUNT_LOCKED


class TooManyTries(CunnengError):
    """Too many look-ups from one address, or wrong ones for one case number: wait and try again."""

    status = 429
    code = ErrorCode.TOO_MANY_TRIES


class Forbidden(CunnengError):
    """The account's role or unit does not allow this."""

    status = 403
    code = ErrorCode.FORBIDDEN


class NotFound(CunnengError):
    """The case, item, unit or account does not exist (or is not visible to the caller)."""

    status = 404
    code = ErrorCode.NOT_FOUND


class Conflict(CunnengError):
    """The request clashes with the current state (a duplicate, or a case in another state)."""

    status = 409
    code = ErrorCode.CONFLICT


class InvalidTransition(Conflict):
    """The case workflow does not allow this action from the case's current state."""

    code = ErrorCode.INVALID_TRANSITION


class PayloadTooLarge(CunnengError):
    """The request body exceeds the configured limit."""

    status = 413
    code = ErrorCode.PAYLOAD_TOO_LARGE


class InvalidPageSet(ValueError):
    """A package's `cunneng.pages` entry does not describe a usable page directory (a packaging bug)."""


class UnsupportedScanType(CunnengError):
    """The file's content is not JPEG, PNG, TIFF or PDF, whatever its name says."""

    status = 415
    code = ErrorCode.UNSUPPORTED_TYPE


class ScanTooLarge(CunnengError):
    """The file has more bytes, pixels or pages than a scan may (a decompression bomb among them)."""

    status = 413
    code = ErrorCode.SCAN_TOO_LARGE


class ImageTooLarge(CunnengError):
    """A picture (not a scan) has more pixels than its entry point takes; refused before decoding."""

    status = 413
    code = ErrorCode.IMAGE_TOO_LARGE


class CorruptScan(CunnengError):
    """The file cannot be decoded completely: damaged or cut short."""

    status = 422
    code = ErrorCode.CORRUPT_SCAN


class DigestMismatch(CunnengError):
    """The bytes received do not have the SHA-256 the client announced."""

    status = 422
    code = ErrorCode.DIGEST_MISMATCH


class UploadOffsetMismatch(Conflict):
    """A chunk was sent for another offset than the next one the server expects."""

    code = ErrorCode.OFFSET_MISMATCH


class UploadIncomplete(Conflict):
    """Completion was asked for before every byte arrived."""

    code = ErrorCode.UPLOAD_INCOMPLETE
