"""NSS-based PDF readers trust our signatures once a county imports the root (issue #26).

Poppler's pdfsig checks a signature as LibreOffice, Okular and Evince do, through NSS: it
only trusts a signer whose certificate allows emailProtection (or names no purpose at all).
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509

from eseal import certificates

from . import village_pc
from .decision_support import decide, flip_content_byte
from .support import RunningServer, start_server

VALID = "Signature is Valid."
TRUSTED = "Certificate is Trusted."
JOINT_REVIEW = ("zh-hrss", "zh-civil")
# The root trusted to identify email users only: all NSS needs for a PDF signer (checked:
# "CT,C,C" works too, the SSL or object-signing bit alone does not), and what the README
# tells a county to tick.
EMAIL_TRUST = ",C,"


@dataclass(frozen=True)
class Verdict:
    """What pdfsig says about one signature: the signature itself, then its certificate."""

    signature: str
    certificate: str | None


def nss_database(root_pem: bytes, directory: Path) -> str:
    """A throwaway NSS database trusting the root as the README has a county import it."""
    return village_pc.nss_database(root_pem, directory, EMAIL_TRUST)


def pdfsig(pdf: bytes, database: str, path: Path) -> list[Verdict]:
    """Every signature's verdict from pdfsig, in the document's order."""
    path.write_bytes(pdf)
    shown = subprocess.run(["pdfsig", "-nssdir", database, str(path)], capture_output=True,
                           text=True, timeout=60).stdout
    blocks = re.split(r"^Signature #\d+:$", shown, flags=re.MULTILINE)[1:]
    return [Verdict(_line(block, "Signature Validation") or "",
                    _line(block, "Certificate Validation")) for block in blocks]


def _line(block: str, label: str) -> str | None:
    found = re.search(rf"- {label}: (.*)$", block, flags=re.MULTILINE)
    return found.group(1).strip() if found else None


def cunneng_verify(pdf: bytes, data_dir: Path, path: Path) -> int:
    """The exit status of `cunneng verify` on the document: 0 passed, 1 failed."""
    path.write_bytes(pdf)
    return subprocess.run([sys.executable, "-m", "signaling.cli", "verify", str(path),
                           "--data-dir", str(data_dir)], capture_output=True, timeout=60).returncode


def root_pem(server: RunningServer) -> bytes:
    return (server.data_dir / "pki" / "root-ca.pem").read_bytes()


@pytest.mark.parametrize("reviews,signatures", [((), 1), (JOINT_REVIEW, 3)],
                         ids=["approval", "joint decision"])
async def test_pdfsig_trusts_every_signature_when_the_root_is_imported(
    server: RunningServer, tmp_path: Path, reviews: tuple[str, ...], signatures: int
) -> None:
    _, _, pdf = await decide(server, "approve", {}, reviews=reviews)
    database = await asyncio.to_thread(nss_database, root_pem(server), tmp_path / "nss")
    verdicts = await asyncio.to_thread(pdfsig, pdf, database, tmp_path / "signed.pdf")
    assert verdicts == [Verdict(VALID, TRUSTED)] * signatures
    assert await asyncio.to_thread(cunneng_verify, pdf, server.data_dir, tmp_path / "v.pdf") == 0


async def test_pdfsig_and_cunneng_verify_both_fail_a_tampered_approval(
    server: RunningServer, tmp_path: Path
) -> None:
    _, _, pdf = await decide(server, "approve", {})
    tampered = flip_content_byte(pdf)
    database = await asyncio.to_thread(nss_database, root_pem(server), tmp_path / "nss")
    (verdict,) = await asyncio.to_thread(pdfsig, tampered, database, tmp_path / "tampered.pdf")
    assert verdict.signature != VALID
    assert await asyncio.to_thread(cunneng_verify, tampered, server.data_dir,
                                   tmp_path / "v.pdf") == 1


async def test_upgrade_reissues_unit_certificates_and_old_documents_still_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    # a release from before issue #26: unit certificates name Adobe's purpose only
    monkeypatch.setattr(certificates, "UNIT_PURPOSES", (certificates.ADOBE_DOC_SIGNING,))
    old_release = await start_server(data_dir)
    try:
        _, _, old_pdf = await decide(old_release, "approve", {}, reviews=JOINT_REVIEW)
    finally:
        await old_release.close()
    monkeypatch.undo()
    upgraded = await start_server(data_dir)
    try:
        unit_certificates = list((data_dir / "pki" / "units").glob("*/cert.pem"))
        signers = sorted(path.parent.name for path in unit_certificates)
        assert len(signers) == 4 and "audit-checkpoints" in signers, signers  # three units, the checkpoints (#18)
        assert all(certificates.has_unit_purposes(x509.load_pem_x509_certificate(path.read_bytes()))
                   for path in unit_certificates)
        database = await asyncio.to_thread(nss_database, root_pem(upgraded), tmp_path / "nss")
        # NSS never trusts the old certificates; our own verifiers still vouch for them
        old = await asyncio.to_thread(pdfsig, old_pdf, database, tmp_path / "old.pdf")
        assert [verdict.signature for verdict in old] == [VALID] * 3 and TRUSTED not in {
            verdict.certificate for verdict in old}
        checked = await upgraded.anonymous().post("/api/verify", data=old_pdf)
        assert checked.status == 200 and checked.body["report"]["ok"] is True
        assert await asyncio.to_thread(cunneng_verify, old_pdf, data_dir, tmp_path / "v.pdf") == 0
        _, _, new_pdf = await decide(upgraded, "approve", {}, reviews=JOINT_REVIEW)
        new = await asyncio.to_thread(pdfsig, new_pdf, database, tmp_path / "new.pdf")
        assert new == [Verdict(VALID, TRUSTED)] * 3
    finally:
        await upgraded.close()
