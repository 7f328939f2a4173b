"""HTTPS: the server's certificate in the TLS context the site serves with, kept current.

By default the local CA (eseal) issues the certificate for the names and addresses the
village PCs type (`--public-url`, `--tls-name`, the listening address, and localhost), and
issues a new one when the names change or a month before it ends — at start and every
`tls_check_seconds` while running. A county that has its own certificate gives
`--tls-cert`/`--tls-key` instead; those files are read again when they change (a renewal
by the county's own tooling is picked up without a restart).

The private key is handed to OpenSSL through an anonymous in-memory file (memfd): it is
kept wrapped on disk (pki/server/key.json) and never written out in the clear.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from cryptography import x509

from eseal import CertificateAuthority
from eseal.certificates import server_names

from ..appkeys import AUTHORITY, CLOCK, SETTINGS
from ..config import Clock, Settings
from .https_only import redirect_ctx

logger = logging.getLogger(__name__)

WILDCARD_HOSTS = {"0.0.0.0", "::", ""}
LOOPBACK_NAMES = ("localhost", "127.0.0.1")


def certificate_names(settings: Settings) -> list[str]:
    """What the local CA's certificate covers: the public URL's host, each --tls-name, the
    listening address when it is a particular one, and this machine's own names."""
    names = [urlsplit(settings.public_url).hostname or ""] if settings.public_url else []
    names += list(settings.tls_names)
    if settings.host not in WILDCARD_HOSTS:
        names.append(settings.host)
    return [name for name in [*names, *LOOPBACK_NAMES] if name]


def names_only_loopback(settings: Settings) -> bool:
    """True when a server listening for the county network would get a certificate for itself only."""
    outside = [name for name in certificate_names(settings) if name not in LOOPBACK_NAMES]
    return not outside and settings.host in WILDCARD_HOSTS


@dataclass(frozen=True)
class Prepared:
    """A certificate ready to go into the context: its chain and key in an anonymous in-memory file."""

    memory: int
    certificate: x509.Certificate


class HttpsCertificate:
    """The TLS context of the HTTPS site and the certificate in it."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings, self.clock = settings, clock
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.certificate: x509.Certificate | None = None
        self._files_seen: tuple[float, float] | None = None

    async def refresh(self, authority: CertificateAuthority) -> None:
        """Issue or re-read the certificate off the loop; put it in the context on the loop when it changed.

        The context is changed on the loop's own thread only, never while it starts a handshake.
        """
        prepared = await asyncio.get_running_loop().run_in_executor(None, self.prepare, authority)
        if prepared is None:
            return
        try:
            self.context.load_cert_chain(f"/proc/self/fd/{prepared.memory}")
        finally:
            os.close(prepared.memory)
        self.certificate = certificate = prepared.certificate
        logger.info("HTTPS certificate %x for %s, valid until %s", certificate.serial_number,
                    ", ".join(sorted(server_names(certificate))) or certificate.subject.rfc4514_string(),
                    certificate.not_valid_after_utc.isoformat(timespec="seconds"))

    def prepare(self, authority: CertificateAuthority) -> Prepared | None:
        """The certificate to serve when it is not the one in use: renewed, re-issued or re-read (blocking)."""
        if self.settings.tls_cert is not None and self.settings.tls_key is not None:
            return self._county_files(self.settings.tls_cert, self.settings.tls_key)
        credentials = authority.server_credentials(certificate_names(self.settings), self.clock())
        if credentials.certificate == self.certificate:
            return None
        return _in_memory(credentials.certificate_pem() + credentials.key_pem(), credentials.certificate)

    def _county_files(self, cert: Path, key: Path) -> Prepared | None:
        seen = (cert.stat().st_mtime, key.stat().st_mtime)
        if seen == self._files_seen:
            return None
        chain = cert.read_bytes()
        self._files_seen = seen
        return _in_memory(chain + b"\n" + key.read_bytes(), x509.load_pem_x509_certificate(chain))


def _in_memory(pem: bytes, certificate: x509.Certificate) -> Prepared:
    memory = os.memfd_create("cunneng-https", os.MFD_CLOEXEC)
    os.write(memory, pem)
    return Prepared(memory, certificate)


HTTPS = web.AppKey("https", HttpsCertificate)


async def https_ctx(app: web.Application) -> AsyncIterator[None]:
    """The certificate in place before the site listens, then checked every tls_check_seconds."""
    certificate, authority = app[HTTPS], app[AUTHORITY]
    await certificate.refresh(authority)

    async def keep_current() -> None:
        while True:
            await asyncio.sleep(app[SETTINGS].tls_check_seconds)
            try:
                await certificate.refresh(authority)
            except (OSError, ValueError, ssl.SSLError):
                logger.exception("HTTPS certificate: renewal failed, the current one stays in use")

    task = asyncio.create_task(keep_current())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def add_https(app: web.Application, settings: Settings) -> None:
    """Serve HTTPS with this certificate (the caller's site takes `app[HTTPS].context`), and plain HTTP
    on `http_redirect_port` only as a redirect."""
    app[HTTPS] = HttpsCertificate(settings, app[CLOCK])
    app.cleanup_ctx.append(https_ctx)
    if settings.http_redirect_port is not None:
        app.cleanup_ctx.append(redirect_ctx)
