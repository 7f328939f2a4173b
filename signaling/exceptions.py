"""Named errors of the server; each carries the HTTP status and a message a clerk can read.

The API middleware turns any `CunnengError` into the one JSON error shape
``{"error": code, "message": 中文, "message_en": English}``.
"""

from __future__ import annotations


class CunnengError(Exception):
    """Base of every error the server reports to a user."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, message_en: str = "", *, code: str | None = None) -> None:
        super().__init__(message_en or message)
        self.message = message
        self.message_en = message_en
        if code is not None:
            self.code = code

    def as_json(self) -> dict[str, str]:
        """The API's error body."""
        return {"error": self.code, "message": self.message, "message_en": self.message_en}


class InvalidInput(CunnengError):
    """The request body or a parameter is malformed or out of range."""

    status = 400
    code = "invalid_input"


class NotAuthenticated(CunnengError):
    """No valid session token: log in first."""

    status = 401
    code = "not_authenticated"


class AccountLocked(CunnengError):
    """Too many failed logins: the account waits before the next try."""

    status = 423
    code = "account_locked"


class Forbidden(CunnengError):
    """The account's role or unit does not allow this."""

    status = 403
    code = "forbidden"


class NotFound(CunnengError):
    """The case, item, unit or account does not exist (or is not visible to the caller)."""

    status = 404
    code = "not_found"


class Conflict(CunnengError):
    """The request clashes with the current state (a duplicate, or a case in another state)."""

    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    """The case workflow does not allow this action from the case's current state."""

    code = "invalid_transition"


class PayloadTooLarge(CunnengError):
    """The request body exceeds the configured limit."""

    status = 413
    code = "payload_too_large"


class InvalidPageSet(ValueError):
    """A package's `cunneng.pages` entry does not describe a usable page directory (a packaging bug)."""


class UnsupportedScanType(CunnengError):
    """The file's content is not JPEG, PNG, TIFF or PDF, whatever its name says."""

    status = 415
    code = "unsupported_type"


class ScanTooLarge(CunnengError):
    """The file has more bytes, pixels or pages than a scan may (a decompression bomb among them)."""

    status = 413
    code = "scan_too_large"


class ImageTooLarge(CunnengError):
    """A picture (not a scan) has more pixels than its entry point takes; refused before decoding."""

    status = 413
    code = "image_too_large"


class CorruptScan(CunnengError):
    """The file cannot be decoded completely: damaged or cut short."""

    status = 422
    code = "corrupt_scan"


class DigestMismatch(CunnengError):
    """The bytes received do not have the SHA-256 the client announced."""

    status = 422
    code = "digest_mismatch"


class UploadOffsetMismatch(Conflict):
    """A chunk was sent for another offset than the next one the server expects."""

    code = "offset_mismatch"


class UploadIncomplete(Conflict):
    """Completion was asked for before every byte arrived."""

    code = "upload_incomplete"
