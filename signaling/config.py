"""Server settings: command-line options over environment variables over defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

# China has one time zone and no daylight saving: working days and printed dates use it.
CHINA_TZ = timezone(timedelta(hours=8), "CST")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Settings:
    """Everything the server reads at start; tests build one per server."""

    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""  # base URL printed on guides and certificates; default from the request
    trusted_proxies: tuple[str, ...] = ()  # reverse proxies whose X-Forwarded-For/-Proto are believed
    tls: bool = False  # serve HTTPS (browsers give a page on the county network the camera only then)
    tls_names: tuple[str, ...] = ()  # host names and addresses the local CA's certificate covers
    tls_cert: Path | None = None  # a certificate the county already has (PEM chain), instead of the local CA's
    tls_key: Path | None = None  # its private key (PEM)
    http_redirect_port: int | None = None  # plain HTTP here only redirects to HTTPS
    tls_check_seconds: float = 12 * 3600.0  # how often the certificate is renewed (or re-read) when due
    load_demo: bool = True
    session_hours: float = 12.0
    max_failed_logins: int = 5
    lockout_minutes: float = 15.0
    max_body_bytes: int = 1024 * 1024
    ice_servers: tuple[str, ...] = ()
    turn_secret: str = ""
    turn_ttl_seconds: int = 6 * 3600
    record_calls: bool = True  # every case call is recorded by the server
    recording_adopt_seconds: float = 5.0  # how often recordings archived without the server are registered
    media_workers: int = 0  # 0: media in the server process; N: spread calls over N worker processes
    media_idle_stop_seconds: float = 0.0  # workers stop after this long without a call (0: they always run)
    ring_seconds: float = 60.0  # an unanswered call gives up (无人接听) after this long
    rejoin_grace_seconds: float = 30.0  # a dropped party may come back this long before it counts as gone
    recording_retention_days: int = 30  # a call's recordings are deleted this long after it ended
    document_retention_days: int = 90  # scans and issued documents are deleted this long after they were stored
    retention_first_run_seconds: float = 60.0  # the first purge, shortly after start
    retention_interval_seconds: float = 3600.0  # then one every hour
    pki_passphrase: str = ""  # wraps the CA's private keys; a key file under keys/ when empty
    scan_max_bytes: int = 256 * 1024 * 1024  # an uncompressed 600 dpi A4 colour TIFF is 105 MB
    scan_max_pages: int = 100
    upload_chunk_bytes: int = 2 * 1024 * 1024
    upload_account_max_bytes: int = 1024 * 1024 * 1024  # what one account's unfinished uploads may announce
    upload_expiry_hours: float = 24.0  # unfinished uploads are dropped after this long untouched
    sms_gateway_url: str = ""  # the county's SMS gateway; without one, notices are the village's call list
    sms_gateway_secret: str = ""  # HMAC key of each notice's POST (X-Cunneng-Signature)
    notice_poll_seconds: float = 30.0  # the courier looks for notices due again this often
    notice_retry_seconds: float = 60.0  # first wait after a failed send, doubling up to an hour
    tile_cache_mb: int = 512  # decoded pages and encoded tiles kept in memory for the viewer
    audit_checkpoint_dir: Path | None = None  # signed audit checkpoints; data_dir/audit-checkpoints when None
    audit_checkpoint_seconds: float = 600.0  # a checkpoint this often when the chain moved (and at start and stop)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "cunneng.db"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def recording_work_dir(self) -> Path:
        """Live recordings (encrypted journals) while calls run; a crash's leftovers are finished at start."""
        return self.data_dir / "recording-work"

    @property
    def exports_dir(self) -> Path:
        """Case packages while a request builds them (each unlinked once opened for the download)."""
        return self.data_dir / "exports"

    @property
    def checkpoints_dir(self) -> Path:
        """Where signed audit checkpoints are added: best a disk or share the administrator does not control."""
        return self.audit_checkpoint_dir or self.data_dir / "audit-checkpoints"

    @property
    def archive_dir(self) -> Path:
        """Encrypted, content-addressed files: scans, issued documents, recordings."""
        return self.data_dir / "archive"

    @property
    def uploads_dir(self) -> Path:
        """Scans being received, chunk by chunk, encrypted like the archive; private to the server."""
        return self.data_dir / "uploads"


ENV_PREFIX = "CUNNENG_"


def env_default(name: str, default: str) -> str:
    """The value of CUNNENG_<NAME>, or the default."""
    return os.environ.get(ENV_PREFIX + name.upper(), default)


def env_list(name: str) -> tuple[str, ...]:
    """A comma-separated environment variable as a tuple of non-empty strings."""
    return tuple(part.strip() for part in env_default(name, "").split(",") if part.strip())
