"""The local certificate authority: files under ``<data_dir>/pki/``, created on first start.

The master key that wraps the private keys is a configured passphrase or, by default, the
file ``<data_dir>/keys/pki-master.key`` (32 random bytes, mode 0600).

Layout (private key files are wrapped by keystore and have mode 0600; nothing here is
ever served over HTTP except ``root-ca.pem`` and ``crl.pem``):

    root-ca.pem              the root certificate, what verifiers trust
    root-ca.key.json         the root's private key, wrapped
    crl.pem                  the revocation list, re-issued when half its life has passed
    revoked.json             revoked serials and the CRL number
    units/<slug>/cert.pem    a unit's signing certificate
    units/<slug>/key.json    the unit's private key, wrapped
    server/cert.pem          the HTTPS server's certificate (`cunneng serve --tls`)
    server/key.json          its private key, wrapped
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .certificates import (
    CRL_LIFETIME,
    SERVER_LIFETIME,
    UnitIdentity,
    build_crl,
    build_root,
    build_server_certificate,
    build_unit_certificate,
    canonical_names,
    has_unit_purposes,
    new_key,
    server_names,
    unit_of,
)
from .exceptions import AuthorityMissing, KeyUnwrapFailed
from .keystore import load_or_create_master_key, unwrap_private_key, wrap_private_key, write_atomically

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
PKI_DIR = "pki"
MASTER_KEY_FILE = "keys/pki-master.key"  # outside pki/, so a copy of pki/ alone is no use
ROOT_CERT = "root-ca.pem"
ROOT_KEY = "root-ca.key.json"
CRL_FILE = "crl.pem"
REVOKED_FILE = "revoked.json"
SERVER_DIR = "server"
RENEW_BEFORE = timedelta(days=30)
SAFE_SLUG = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(timezone.utc)


def unit_slug(unit_id: str) -> str:
    """A file- and PDF-field-safe name for a unit id (ids with other characters are hashed)."""
    if SAFE_SLUG.match(unit_id):
        return unit_id
    return "u" + hashlib.sha256(unit_id.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class UnitCredentials:
    """A unit's signing key and certificate with the root that issued it; kept in memory only."""

    unit: UnitIdentity
    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey
    root: x509.Certificate


@dataclass(frozen=True)
class ServerCredentials:
    """The HTTPS server's key and certificate, issued by the root; kept in memory only."""

    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey

    def certificate_pem(self) -> bytes:
        return _pem(self.certificate)

    def key_pem(self) -> bytes:
        """The key unencrypted, for handing to the TLS library in memory; never written to disk."""
        return self.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption())


@dataclass(frozen=True)
class TrustAnchors:
    """What a verifier trusts: the CA root and, when available, its revocation list."""

    root: x509.Certificate
    crl: x509.CertificateRevocationList | None = None

    @classmethod
    def from_files(cls, ca_path: Path, crl_path: Path | None = None) -> TrustAnchors:
        """Read the root (PEM or DER) and an optional CRL; AuthorityMissing if unreadable."""
        try:
            data = ca_path.read_bytes()
            root = (x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data
                    else x509.load_der_x509_certificate(data))
            crl = None
            if crl_path is not None and crl_path.exists():
                crl = x509.load_pem_x509_crl(crl_path.read_bytes())
        except (OSError, ValueError) as error:
            raise AuthorityMissing(f"cannot read the CA certificate {ca_path}: {error}") from None
        return cls(root, crl)

    @classmethod
    def from_pki_dir(cls, directory: Path) -> TrustAnchors:
        """The root and CRL a CertificateAuthority keeps in directory."""
        return cls.from_files(directory / ROOT_CERT, directory / CRL_FILE)


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


class CertificateAuthority:
    """Issues and keeps the units' signing certificates; one instance per data directory."""

    def __init__(self, directory: Path, secret: bytes, root: x509.Certificate,
                 root_key: ec.EllipticCurvePrivateKey, clock: Clock) -> None:
        self.directory = directory
        self.root = root
        self._secret = secret
        self._root_key = root_key
        self._clock = clock
        self._lock = threading.Lock()
        self._units: dict[str, UnitCredentials] = {}

    @classmethod
    def open(cls, directory: Path, secret: bytes, *, organization: str = "村能办",
             clock: Clock = utc_now) -> CertificateAuthority:
        """The CA in directory, creating its root on first start and re-issuing unit
        certificates an older release made; secret unwraps the keys."""
        cert_path, key_path = directory / ROOT_CERT, directory / ROOT_KEY
        if not cert_path.exists():
            _create_root(directory, secret, organization, clock())
        elif not key_path.exists():
            raise AuthorityMissing(f"{cert_path} exists but its key {key_path} is missing")
        root = x509.load_pem_x509_certificate(cert_path.read_bytes())
        root_key = _load_key(key_path, secret, "root")
        authority = cls(directory, secret, root, root_key, clock)
        authority.current_crl()
        authority._reissue_outdated()
        return authority

    @property
    def root_pem(self) -> bytes:
        """The root certificate in PEM, for verifiers and the verification page."""
        return _pem(self.root)

    def credentials_for(self, unit: UnitIdentity) -> UnitCredentials:
        """The unit's key and certificate, issued now if missing, renamed, expiring or revoked."""
        with self._lock:
            cached = self._units.get(unit.unit_id)
            if cached is not None and self._still_good(cached, unit):
                return cached
            credentials = self._load_unit(unit)
            if credentials is None or not self._still_good(credentials, unit):
                credentials = self._issue(unit)
            self._units[unit.unit_id] = credentials
            return credentials

    def server_credentials(self, names: Sequence[str], now: datetime | None = None) -> ServerCredentials:
        """The HTTPS certificate for names (host names and addresses), issued now when there is
        none yet, or it covers other names, comes from another root or ends within RENEW_BEFORE.

        `now` is the serving program's clock, when it keeps its own."""
        wanted, now = canonical_names(names), now or self._clock()
        folder = self.directory / SERVER_DIR
        with self._lock:
            current = self._load_server(folder)
            if current is not None and self._server_still_good(current.certificate, wanted, now):
                return current
            issued = self.issue_server_certificate(wanted, now=now)
            write_atomically(folder / "key.json", wrap_private_key(issued.private_key, self._secret, "server"),
                             mode=0o600)
            write_atomically(folder / "cert.pem", issued.certificate_pem())
            return issued

    def issue_server_certificate(self, names: Sequence[str], lifetime: timedelta = SERVER_LIFETIME,
                                 now: datetime | None = None) -> ServerCredentials:
        """A new TLS server certificate for names, kept nowhere (for another service, such as the TURN relay)."""
        key = new_key()
        certificate = build_server_certificate(self.root, self._root_key, key, canonical_names(names),
                                               now or self._clock(), lifetime)
        logger.info("issued TLS server certificate %x for %s, valid until %s", certificate.serial_number,
                    ", ".join(canonical_names(names)), certificate.not_valid_after_utc.date())
        return ServerCredentials(certificate, key)

    def _load_server(self, folder: Path) -> ServerCredentials | None:
        if not ((folder / "cert.pem").exists() and (folder / "key.json").exists()):
            return None
        certificate = x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes())
        try:
            key = _load_key(folder / "key.json", self._secret, "server")
        except KeyUnwrapFailed:
            logger.exception("HTTPS certificate's key unreadable, issuing a new one")
            return None
        return ServerCredentials(certificate, key) if key.public_key() == certificate.public_key() else None

    def _server_still_good(self, certificate: x509.Certificate, names: list[str], now: datetime) -> bool:
        return (server_names(certificate) == set(names) and certificate.issuer == self.root.subject
                and certificate.not_valid_after_utc - now > RENEW_BEFORE)

    def trust_anchors(self) -> TrustAnchors:
        """The root and a fresh CRL, for verifying documents in the server."""
        return TrustAnchors(self.root, self.current_crl())

    def revoke(self, unit_id: str) -> bool:
        """Revoke the unit's current certificate (its next signature gets a new one)."""
        with self._lock:
            path = self._unit_dir(unit_id) / "cert.pem"
            if not path.exists():
                return False
            serial = x509.load_pem_x509_certificate(path.read_bytes()).serial_number
            state = self._revocation_state()
            state["revoked"][str(serial)] = self._clock().isoformat()
            self._units.pop(unit_id, None)
            self._publish(state)
            logger.warning("unit %s: certificate %x revoked", unit_id, serial)
            return True

    def current_crl(self) -> x509.CertificateRevocationList:
        """The CRL on disk, re-issued first when missing or past half its lifetime."""
        with self._lock:
            path = self.directory / CRL_FILE
            if path.exists():
                crl = x509.load_pem_x509_crl(path.read_bytes())
                remaining = (crl.next_update_utc or self._clock()) - self._clock()
                if remaining > CRL_LIFETIME / 2:
                    return crl
            return self._publish(self._revocation_state())

    def _publish(self, state: dict) -> x509.CertificateRevocationList:
        """Record the revocations under the next CRL number and write the CRL signed by them."""
        state["crl_number"] += 1
        write_atomically(self.directory / REVOKED_FILE, json.dumps(state).encode())
        revoked = {int(serial): datetime.fromisoformat(at)
                   for serial, at in state["revoked"].items()}
        crl = build_crl(self.root, self._root_key, revoked, state["crl_number"], self._clock())
        write_atomically(self.directory / CRL_FILE, crl.public_bytes(serialization.Encoding.PEM))
        return crl

    def _revocation_state(self) -> dict:
        path = self.directory / REVOKED_FILE
        if path.exists():
            return dict(json.loads(path.read_bytes()))
        return {"crl_number": 0, "revoked": {}}

    def _reissue_outdated(self) -> None:
        """Give each unit whose certificate lacks one of UNIT_PURPOSES a new one (issue #26).

        The old certificates are superseded, not revoked: every signed PDF carries its own
        signer's certificate, so documents signed before the upgrade still verify.
        """
        with self._lock:
            for path in sorted((self.directory / "units").glob("*/cert.pem")):
                certificate = x509.load_pem_x509_certificate(path.read_bytes())
                if not has_unit_purposes(certificate):
                    unit = unit_of(certificate)
                    logger.info("unit %s: certificate %x lacks today's purposes, re-issuing",
                                unit.unit_id, certificate.serial_number)
                    self._units[unit.unit_id] = self._issue(unit)

    def _unit_dir(self, unit_id: str) -> Path:
        return self.directory / "units" / unit_slug(unit_id)

    def _still_good(self, credentials: UnitCredentials, unit: UnitIdentity) -> bool:
        certificate = credentials.certificate
        return (
            unit_of(certificate) == unit
            and certificate.issuer == self.root.subject
            and certificate.not_valid_after_utc - self._clock() > RENEW_BEFORE
            and str(certificate.serial_number) not in self._revocation_state()["revoked"]
        )

    def _load_unit(self, unit: UnitIdentity) -> UnitCredentials | None:
        folder = self._unit_dir(unit.unit_id)
        cert_path, key_path = folder / "cert.pem", folder / "key.json"
        if not (cert_path.exists() and key_path.exists()):
            return None
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        try:
            key = _load_key(key_path, self._secret, f"unit:{unit.unit_id}")
        except KeyUnwrapFailed:
            logger.exception("unit %s: key unreadable, issuing a new one", unit.unit_id)
            return None
        if key.public_key() != certificate.public_key():
            return None
        return UnitCredentials(unit, certificate, key, self.root)

    def _issue(self, unit: UnitIdentity) -> UnitCredentials:
        folder = self._unit_dir(unit.unit_id)
        key = new_key()
        certificate = build_unit_certificate(self.root, self._root_key, key, unit, self._clock())
        # key first, certificate last: a certificate on disk always has its key beside it
        write_atomically(folder / "key.json",
                         wrap_private_key(key, self._secret, f"unit:{unit.unit_id}"), mode=0o600)
        write_atomically(folder / "cert.pem", _pem(certificate))
        logger.info("unit %s: issued certificate %x", unit.unit_id, certificate.serial_number)
        return UnitCredentials(unit, certificate, key, self.root)


def open_authority(data_dir: Path, passphrase: str = "", *, organization: str = "村能办",
                   clock: Clock = utc_now) -> CertificateAuthority:
    """The CA in <data_dir>/pki, its keys wrapped under the passphrase if one is configured,
    else under the key file <data_dir>/keys/pki-master.key (created, mode 0600)."""
    secret = (passphrase.encode() if passphrase
              else load_or_create_master_key(data_dir / MASTER_KEY_FILE))
    return CertificateAuthority.open(data_dir / PKI_DIR, secret, organization=organization,
                                     clock=clock)


def _create_root(directory: Path, secret: bytes, organization: str, now: datetime) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = new_key()
    root = build_root(key, organization, now)
    write_atomically(directory / ROOT_KEY, wrap_private_key(key, secret, "root"), mode=0o600)
    write_atomically(directory / ROOT_CERT, _pem(root))
    logger.info("created root CA %s in %s", root.subject.rfc4514_string(), directory)


def _load_key(path: Path, secret: bytes, label: str) -> ec.EllipticCurvePrivateKey:
    der = unwrap_private_key(path.read_bytes(), secret, label)
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KeyUnwrapFailed(f"key {label!r} is not an EC key")
    return key
