"""审计检查点: the chain's head, signed now and then and kept apart from the database and the head file.

At start, every `interval` seconds when the chain moved, and at shutdown, the server signs
its last event's number and hash with a certificate of the local CA issued to the audit
log itself (审计日志检查点) and adds one file to the checkpoint directory: by default
data/audit-checkpoints, better a disk or share a local administrator does not control
(`--audit-checkpoints`). Files are only ever added. Anyone holding the CA's root
certificate can check a checkpoint; `cunneng audit verify` checks each one and that the
chain still holds the event it names, with that hash: events cut off the end, or cut and
written again, show as far back as the newest checkpoint that survives.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from eseal import CertificateAuthority, UnitIdentity
from eseal.certificates import unit_of
from eseal.keystore import write_atomically

from ..config import Clock
from ..storage.database import Database
from .chain import Anchor, canonical, chain_head

logger = logging.getLogger(__name__)

SIGNER = UnitIdentity("audit-checkpoints", "村能办审计日志检查点")
PREFIX = "audit-checkpoint-"
PURPOSE = "cunneng audit checkpoint v1"


@dataclass(frozen=True)
class Checkpoint:
    """The chain's last event at a moment: what is signed."""

    seq: int
    hash: str
    at: str

    def signed_bytes(self) -> bytes:
        return canonical([PURPOSE, self.seq, self.hash, self.at]).encode()


def write_checkpoint(directory: Path, checkpoint: Checkpoint, authority: CertificateAuthority) -> Path:
    """Sign the checkpoint and add its file (blocking: run it in an executor)."""
    credentials = authority.credentials_for(SIGNER)
    signature = credentials.private_key.sign(checkpoint.signed_bytes(), ec.ECDSA(hashes.SHA256()))
    body = {**asdict(checkpoint), "signature": base64.b64encode(signature).decode(),
            "certificate": credentials.certificate.public_bytes(serialization.Encoding.PEM).decode()}
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{PREFIX}{checkpoint.seq:012d}.json"
    write_atomically(path, json.dumps(body, indent=1).encode())
    return path


def read_checkpoints(directory: Path, root: x509.Certificate) -> tuple[list[Anchor], list[str]]:
    """The anchors of the checkpoints whose signature holds, and what is wrong with the others."""
    anchors, problems = [], []
    for path in sorted(directory.glob(f"{PREFIX}*.json")) if directory.is_dir() else []:
        try:
            anchors.append(_checked(path, root))
        except (ValueError, KeyError, TypeError, InvalidSignature) as error:
            problems.append(f"checkpoint {path.name} does not verify ({type(error).__name__}: {error}):"
                            " it was altered or forged")
    return anchors, problems


def _checked(path: Path, root: x509.Certificate) -> Anchor:
    body = json.loads(path.read_text())
    checkpoint = Checkpoint(int(body["seq"]), str(body["hash"]), str(body["at"]))
    certificate = x509.load_pem_x509_certificate(body["certificate"].encode())
    certificate.verify_directly_issued_by(root)
    if unit_of(certificate).unit_id != SIGNER.unit_id:
        raise ValueError(f"signed by {unit_of(certificate).unit_name}, not the audit log's certificate")
    public_key = certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise ValueError("not an EC certificate")
    public_key.verify(base64.b64decode(body["signature"]), checkpoint.signed_bytes(), ec.ECDSA(hashes.SHA256()))
    return Anchor(checkpoint.seq, checkpoint.hash, f"the checkpoint signed at {checkpoint.at}")


class Checkpoints:
    """The server's checkpoint writer: at start, every interval when the chain moved, at shutdown."""

    def __init__(self, database: Database, authority: CertificateAuthority, directory: Path, clock: Clock,
                 interval: float) -> None:
        self._database, self._authority, self._directory = database, authority, directory
        self._clock, self._interval = clock, interval
        self._written: tuple[int, str] | None = None

    async def write(self) -> None:
        """A checkpoint of the chain's head now, unless the last one already says it."""
        head = await self._database.read(chain_head)
        if head is None or head == self._written:
            return
        checkpoint = Checkpoint(*head, self._clock().isoformat())
        await asyncio.get_running_loop().run_in_executor(
            None, write_checkpoint, self._directory, checkpoint, self._authority)
        self._written = head

    async def run(self) -> None:
        """The background task."""
        while True:
            try:
                await self.write()
            except Exception:
                logger.exception("could not write an audit checkpoint into %s; trying again", self._directory)
            await asyncio.sleep(self._interval)
