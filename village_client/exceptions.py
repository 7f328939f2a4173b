"""What can go wrong on the village side, each error with a Chinese and an English message."""

from __future__ import annotations


class VillageClientError(Exception):
    """Base of every error the village client reports to the clerk."""

    def __init__(self, message: str, message_en: str, code: str = "error") -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} {self.message_en}"


class LoginFailed(VillageClientError):
    """The server refused the user name or password."""


class ServerUnreachable(VillageClientError):
    """The server did not answer for longer than the client was willing to wait."""


class UploadRefused(VillageClientError):
    """The server refused the file (type, size, damage, case): sending it again will not help."""
