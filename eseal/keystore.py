"""Private keys at rest: scrypt-derived AES-256-GCM wrapping and atomic file writes.

PKCS#8 ``BestAvailableEncryption`` in cryptography uses PBKDF2 with 2048 iterations, too
few for a passphrase; here each key file has its own salt, a memory-hard scrypt
derivation and an AEAD whose associated data names the key, so one file cannot be
swapped for another without the decryption failing.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .exceptions import KeyUnwrapFailed, MasterKeyInvalid

logger = logging.getLogger(__name__)

KEY_FORMAT = "cunneng-wrapped-key-v1"
MASTER_KEY_BYTES = 32
# scrypt cost: 2**15 × 8 × 128 bytes = 32 MiB and ~0.1 s per unwrap, paid once per key load.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write data to path via a temporary file and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def load_or_create_master_key(path: Path) -> bytes:
    """The master key in path; a new random one, readable by the owner only, if there is none."""
    if path.exists():
        key = path.read_bytes()
        if len(key) != MASTER_KEY_BYTES:
            raise MasterKeyInvalid(f"{path} holds {len(key)} bytes, expected {MASTER_KEY_BYTES}")
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(MASTER_KEY_BYTES)
    write_atomically(path, key, mode=0o600)
    logger.info("created PKI master key %s", path)
    return key


def _derive(secret: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)


def wrap_private_key(key: PrivateKeyTypes, secret: bytes, label: str) -> bytes:
    """The key as a JSON document encrypted under secret; label is bound as associated data."""
    plain = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(_derive(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(
        nonce, plain, f"{KEY_FORMAT}:{label}".encode()
    )
    document = {
        "format": KEY_FORMAT,
        "label": label,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                "salt": base64.b64encode(salt).decode()},
        "cipher": "AES-256-GCM",
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(sealed).decode(),
    }
    return json.dumps(document, indent=1).encode()


def unwrap_private_key(data: bytes, secret: bytes, label: str) -> bytes:
    """The PKCS#8 DER of a wrapped key, or KeyUnwrapFailed when the secret or label differ."""
    try:
        document = json.loads(data)
        kdf = document["kdf"]
        if document["format"] != KEY_FORMAT or kdf["name"] != "scrypt":
            raise ValueError(f"unknown key format {document['format']!r}")
        derived = _derive(secret, base64.b64decode(kdf["salt"]), kdf["n"], kdf["r"], kdf["p"])
        return AESGCM(derived).decrypt(
            base64.b64decode(document["nonce"]),
            base64.b64decode(document["ciphertext"]),
            f"{KEY_FORMAT}:{label}".encode(),
        )
    except InvalidTag:
        raise KeyUnwrapFailed(f"key {label!r}: wrong master key or damaged file") from None
    except (ValueError, KeyError, TypeError) as error:
        raise KeyUnwrapFailed(f"key {label!r}: unreadable key file ({error})") from None
