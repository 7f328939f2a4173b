"""X.509 building blocks of the local CA: root, unit signing certificates, the HTTPS server's and the CRL."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

# Adobe's "document signing" extended key usage, which Adobe Reader looks for on signers.
ADOBE_DOC_SIGNING = ObjectIdentifier("1.2.840.113583.1.1.5")
# id-kp-documentSigning (RFC 9336), the standard purpose newer verifiers look for.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
# A unit certificate names every purpose a common verifier needs. NSS (pdfsig, LibreOffice,
# Okular, Evince) trusts a PDF signer only when emailProtection is among them: checked with
# pdfsig, Adobe's or RFC 9336's alone give "Unknown issue with Certificate" (issue #26).
UNIT_PURPOSES = (ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING, ADOBE_DOC_SIGNING)
ROOT_LIFETIME = timedelta(days=20 * 365)
UNIT_LIFETIME = timedelta(days=5 * 365)
# The HTTPS server's certificate is short-lived and renewed by the server itself, well before
# its end (pki.RENEW_BEFORE), so a key that leaked stops working within months.
SERVER_LIFETIME = timedelta(days=90)
# Verifiers read crl.pem directly, so a revocation is seen at once whatever nextUpdate says;
# the CA re-issues the list when half of this has passed.
CRL_LIFETIME = timedelta(days=180)
# Back-date notBefore a little so a verifier whose clock is slightly behind still accepts.
CLOCK_SKEW = timedelta(minutes=10)


@dataclass(frozen=True)
class UnitIdentity:
    """The approving unit a signing certificate names: its id and its name (审批单位)."""

    unit_id: str
    unit_name: str


def new_key() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 key: fast to create, small signatures, read by PDF readers since 2010."""
    return ec.generate_private_key(ec.SECP256R1())


def root_name(organization: str) -> x509.Name:
    """The root CA's subject."""
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{organization} 电子印章根证书 Root CA"),
    ])


def unit_name(unit: UnitIdentity, organization: str) -> x509.Name:
    """A unit certificate's subject: the unit's name as CN, its id as organizationIdentifier."""
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, unit.unit_id),
        x509.NameAttribute(NameOID.COMMON_NAME, unit.unit_name),
    ])


def unit_of(certificate: x509.Certificate) -> UnitIdentity:
    """The unit a certificate was issued to, read back from its subject."""
    subject = certificate.subject
    ids = subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)
    names = subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return UnitIdentity(
        unit_id=str(ids[0].value) if ids else "",
        unit_name=str(names[0].value) if names else subject.rfc4514_string(),
    )


def has_unit_purposes(certificate: x509.Certificate) -> bool:
    """Whether a unit certificate names every purpose of UNIT_PURPOSES (older ones lack some)."""
    try:
        purposes = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return set(UNIT_PURPOSES) <= set(purposes)


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing, content_commitment=signing, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=not signing,
        crl_sign=not signing, encipher_only=False, decipher_only=False,
    )


def build_root(key: ec.EllipticCurvePrivateKey, organization: str, now: datetime
               ) -> x509.Certificate:
    """A self-signed root allowed to sign certificates and CRLs only."""
    name = root_name(organization)
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW).not_valid_after(now + ROOT_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def build_unit_certificate(
    root: x509.Certificate, root_key: ec.EllipticCurvePrivateKey,
    unit_key: ec.EllipticCurvePrivateKey, unit: UnitIdentity, now: datetime,
) -> x509.Certificate:
    """A unit's signing certificate: digitalSignature + nonRepudiation, every UNIT_PURPOSES."""
    public = unit_key.public_key()
    organization = root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    return (
        x509.CertificateBuilder()
        .subject_name(unit_name(unit, str(organization))).issuer_name(root.subject)
        .public_key(public).serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(min(now + UNIT_LIFETIME, root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage(list(UNIT_PURPOSES)), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )


def canonical_names(names: Sequence[str]) -> list[str]:
    """Host names in lower case and addresses in their usual form, each once, in the order given."""
    found: list[str] = []
    for name in names:
        try:
            canonical = str(ipaddress.ip_address(name.strip("[]")))
        except ValueError:
            canonical = name.lower()
        if canonical and canonical not in found:
            found.append(canonical)
    return found


def subject_alternative_names(names: Sequence[str]) -> list[x509.GeneralName]:
    """Each name as a DNS name, or as an IP address when it is one (10.0.0.5, fd00::5)."""
    found: list[x509.GeneralName] = []
    for name in canonical_names(names):
        try:
            found.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            found.append(x509.DNSName(name))
    return found


def server_names(certificate: x509.Certificate) -> set[str]:
    """The DNS names and addresses a server certificate covers, as `subject_alternative_names` takes them."""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return {str(value) for value in names.get_values_for_type(x509.DNSName)} | {
        str(value) for value in names.get_values_for_type(x509.IPAddress)}


def build_server_certificate(
    root: x509.Certificate, root_key: ec.EllipticCurvePrivateKey,
    server_key: ec.EllipticCurvePrivateKey, names: Sequence[str], now: datetime,
    lifetime: timedelta = SERVER_LIFETIME,
) -> x509.Certificate:
    """A TLS server's certificate for `names` (the first is its CN): serverAuth only."""
    public = server_key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(root.subject)
        .public_key(public).serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(min(now + lifetime, root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(subject_alternative_names(names)), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )


def build_crl(
    root: x509.Certificate, root_key: ec.EllipticCurvePrivateKey,
    revoked: dict[int, datetime], number: int, now: datetime,
) -> x509.CertificateRevocationList:
    """The CA's revocation list: every revoked serial with the time it was revoked."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now - CLOCK_SKEW).next_update(now + CRL_LIFETIME)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
    )
    for serial, revoked_at in sorted(revoked.items()):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial)
            .revocation_date(revoked_at).build()
        )
    return builder.sign(root_key, hashes.SHA256())
