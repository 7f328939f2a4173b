"""Detached CMS signatures (RFC 5652 SignedData, no content inside) over any bytes, with a unit's key.

What a signed PDF is to one document, this is to a file that is not a PDF — a case package's
manifest: the signature travels beside the data, carries the signer's certificate, and is
checked offline against the local CA's root alone. pyHanko writes and checks it, as it does
the PAdES signatures (signing.py, verify.py). Both block briefly: call them from an executor.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from asn1crypto import cms
from cryptography import x509
from pyhanko.sign.validation import async_validate_detached_cms

from .certificates import unit_of
from .pki import TrustAnchors, UnitCredentials
from .signing import pyhanko_signer
from .verify import validation_context


def sign_detached(data: bytes, credentials: UnitCredentials) -> bytes:
    """A DER-encoded detached CMS signature of data by the unit (SHA-256, ECDSA)."""
    signer = pyhanko_signer(credentials)
    signed = asyncio.run(signer.async_sign_general_data(data, "sha256", detached=True))
    return bytes(signed.dump())


@dataclass(frozen=True)
class DetachedReport:
    """Whether the signature holds over the data and chains to the root, and which unit signed."""

    intact: bool
    valid: bool
    trusted: bool
    unit_id: str
    unit_name: str

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted


def signed_data_of(signature: bytes) -> cms.SignedData:
    """The SignedData of a DER signature; ValueError when it is not one."""
    try:
        content = cms.ContentInfo.load(signature)
        if content["content_type"].native != "signed_data":
            raise ValueError(f"a CMS {content['content_type'].native}, not signed data")
        signed_data = content["content"]
        signed_data["signer_infos"].native  # parse it all now, not in the middle of validation
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"the signature cannot be read: {error}") from None
    return signed_data


def verify_detached(data: bytes, signature: bytes, trust: TrustAnchors) -> DetachedReport:
    """Check a detached CMS signature over data against the root (and CRL); ValueError if unreadable."""
    signed_data = signed_data_of(signature)
    status = asyncio.run(async_validate_detached_cms(
        data, signed_data, signer_validation_context=validation_context(trust)))
    unit = unit_of(x509.load_der_x509_certificate(status.signing_cert.dump()))
    return DetachedReport(intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
                          unit_id=unit.unit_id, unit_name=unit.unit_name)
