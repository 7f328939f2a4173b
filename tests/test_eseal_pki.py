"""The local CA: created on first start, keys encrypted at rest, unit certificates on demand."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from eseal import (
    CertificateAuthority,
    KeyUnwrapFailed,
    TrustAnchors,
    UnitIdentity,
    load_or_create_master_key,
    open_authority,
)

Pki = tuple[Path, bytes, CertificateAuthority]  # directory, master key, the CA
TOWN = UnitIdentity("town-weizi", "昭化区卫子镇人民政府")
ADOBE_DOC_SIGNING = x509.ObjectIdentifier("1.2.840.113583.1.1.5")
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # RFC 9336


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """One CA for the module: creating keys costs a scrypt derivation each."""
    data_dir = tmp_path_factory.mktemp("data")
    authority = open_authority(data_dir, organization="昭化区")
    authority.credentials_for(TOWN)
    return data_dir / "pki", (data_dir / "keys" / "pki-master.key").read_bytes(), authority


def test_master_key_file_is_created_owner_only_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "pki-master.key"
    key = load_or_create_master_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 32 and load_or_create_master_key(path) == key


def test_a_configured_passphrase_replaces_the_key_file(tmp_path: Path) -> None:
    authority = open_authority(tmp_path, "村能办 pass phrase")
    assert not (tmp_path / "keys").exists()
    assert open_authority(tmp_path, "村能办 pass phrase").root == authority.root
    with pytest.raises(KeyUnwrapFailed):
        open_authority(tmp_path, "another phrase")


def test_private_key_files_are_not_plaintext_and_owner_only(pki: Pki) -> None:
    directory, _secret, _authority = pki
    key_files = [directory / "root-ca.key.json", directory / "units" / TOWN.unit_id / "key.json"]
    for path in key_files:
        data = path.read_bytes()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert b"PRIVATE KEY" not in data
        with pytest.raises(ValueError):
            serialization.load_pem_private_key(data, password=None)
    assert not list(directory.rglob("*.tmp"))


def test_root_is_a_ca_for_certificates_and_crls_only(pki: Pki) -> None:
    root = pki[2].root
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = root.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature


def test_unit_certificate_names_the_unit_and_allows_document_signing(pki: Pki) -> None:
    authority = pki[2]
    certificate = authority.credentials_for(TOWN).certificate
    subject = certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == TOWN.unit_name
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)[0].value == TOWN.unit_id
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    purposes = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(purposes) == {ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING,
                             ADOBE_DOC_SIGNING}
    assert ExtendedKeyUsageOID.SERVER_AUTH not in purposes
    certificate.verify_directly_issued_by(authority.root)


def test_reopening_keeps_the_root_and_the_unit_key(pki: Pki) -> None:
    directory, secret, authority = pki
    again = CertificateAuthority.open(directory, secret)
    assert again.root == authority.root
    first, second = authority.credentials_for(TOWN), again.credentials_for(TOWN)
    assert first.certificate == second.certificate
    assert first.private_key.private_numbers() == second.private_key.private_numbers()


def test_wrong_master_key_cannot_open_the_ca(pki: Pki) -> None:
    with pytest.raises(KeyUnwrapFailed):
        CertificateAuthority.open(pki[0], b"\x00" * 32)


def test_renamed_unit_gets_a_certificate_with_the_new_name(tmp_path: Path) -> None:
    authority = CertificateAuthority.open(tmp_path / "pki", b"k" * 32)
    old = authority.credentials_for(UnitIdentity("rsj", "昭化区人社局"))
    new = authority.credentials_for(UnitIdentity("rsj", "广元市昭化区人力资源和社会保障局"))
    assert new.certificate.serial_number != old.certificate.serial_number
    assert new.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == \
        "广元市昭化区人力资源和社会保障局"


def test_unit_ids_outside_file_name_characters_stay_inside_the_ca_directory(tmp_path: Path
                                                                             ) -> None:
    authority = CertificateAuthority.open(tmp_path / "pki", b"k" * 32)
    authority.credentials_for(UnitIdentity("../../etc/镇", "某镇人民政府"))
    folders = [path.name for path in (tmp_path / "pki" / "units").iterdir()]
    assert len(folders) == 1 and folders[0].isalnum()
    assert not (tmp_path / "etc").exists()


def test_revoked_certificate_is_listed_in_the_crl_and_replaced(tmp_path: Path) -> None:
    authority = CertificateAuthority.open(tmp_path / "pki", b"k" * 32)
    before = authority.credentials_for(TOWN).certificate
    assert authority.revoke(TOWN.unit_id)
    crl = TrustAnchors.from_pki_dir(tmp_path / "pki").crl
    root_key = authority.root.public_key()
    assert isinstance(root_key, ec.EllipticCurvePublicKey)
    assert crl is not None and crl.is_signature_valid(root_key)
    assert crl.get_revoked_certificate_by_serial_number(before.serial_number) is not None
    after = authority.credentials_for(TOWN).certificate
    assert after.serial_number != before.serial_number
    assert crl.get_revoked_certificate_by_serial_number(after.serial_number) is None


def test_certificate_is_renewed_when_it_nears_expiry(tmp_path: Path) -> None:
    now = [datetime(2026, 11, 23, tzinfo=timezone.utc)]
    authority = CertificateAuthority.open(tmp_path / "pki", b"k" * 32, clock=lambda: now[0])
    first = authority.credentials_for(TOWN).certificate
    now[0] = first.not_valid_after_utc - timedelta(days=10)
    renewed = authority.credentials_for(TOWN).certificate
    assert renewed.serial_number != first.serial_number
    assert renewed.not_valid_after_utc > first.not_valid_after_utc
    assert isinstance(renewed.public_key(), ec.EllipticCurvePublicKey)
