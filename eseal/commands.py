"""`cunneng verify`: check a signed document offline and say so in Chinese and English."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .exceptions import AuthorityMissing, UnreadablePdf
from .pki import TrustAnchors

if TYPE_CHECKING:
    from .verify import SignatureReport, VerificationReport

BEIJING = timezone(timedelta(hours=8), "北京时间")
EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


def register(commands: Any) -> None:
    """Add approver_console's commands to the `cunneng` command line."""
    parser = commands.add_parser(
        "verify", help="核验电子签章文件 / verify a signed document offline",
        description="核验电子签章文件：谁签的、何时签的、签后是否被改动。"
                    " Verify who signed a document, when, and whether it changed since."
                    " Exit 0: intact and trusted; 1: verification failed;"
                    " 2: not a readable PDF or no CA certificate.",
    )
    parser.add_argument("file", type=Path, help="the signed PDF")
    add_trust_options(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=verify_command)


def add_trust_options(parser: argparse.ArgumentParser) -> None:
    """--ca (and --crl), or --data-dir: what a file is checked against, offline."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--ca", type=Path, help="the root CA certificate (PEM or DER)")
    source.add_argument("--data-dir", type=Path,
                        help="the server's data directory, whose pki/ holds the root and CRL"
                             " (default: $CUNNENG_DATA_DIR or ./data)")
    parser.add_argument("--crl", type=Path, help="a CRL to check revocation with --ca")


def quiet_pyhanko() -> None:
    """pyHanko logs every failed check with a traceback; the reports say it plainly instead."""
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


def verify_command(args: argparse.Namespace) -> int:
    """Run the verification and print the report; the exit code is the verdict."""
    from .verify import verify_pdf  # pyHanko, not loaded by every `cunneng` run such as serve (#9)

    quiet_pyhanko()
    try:
        trust = trust_from(args)
        report = verify_pdf(args.file.read_bytes(), trust)
    except (AuthorityMissing, UnreadablePdf, OSError) as error:
        print(f"无法核验 / cannot verify: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
    else:
        print(report_text(args.file.name, report))
    return EXIT_OK if report.ok else EXIT_FAILED


def trust_from(args: argparse.Namespace) -> TrustAnchors:
    """The root (and CRL) the options of add_trust_options name; AuthorityMissing if unreadable."""
    if args.ca is not None:
        return TrustAnchors.from_files(args.ca, args.crl)
    data_dir = args.data_dir or Path(os.environ.get("CUNNENG_DATA_DIR", "data"))
    return TrustAnchors.from_pki_dir(data_dir / "pki")


def report_text(name: str, report: VerificationReport) -> str:
    """The report as lines a clerk can read: one block per signature, then the verdict."""
    lines = [f"文件 / File: {name}"]
    for number, signature in enumerate(report.signatures, start=1):
        lines += _signature_lines(number, signature)
    if not report.revocation_checked:
        lines.append("注意：未提供吊销列表，未检查证书吊销 / note: no CRL, revocation not checked")
    if report.ok:
        lines.append("结论：通过，文件签章后未被改动，签章可信 / "
                     "PASSED: unchanged since signing, signatures trusted")
    else:
        reasons, reasons_en = _reasons(report.problems)
        lines.append(f"结论：未通过（{reasons}） / FAILED ({reasons_en})")
    return "\n".join(lines)


def _reasons(codes: tuple[str, ...]) -> tuple[str, str]:
    from .verify import PROBLEMS  # already loaded by verify_command (#9)

    return "；".join(PROBLEMS[code][0] for code in codes), "; ".join(
        PROBLEMS[code][1] for code in codes)


def _signature_lines(number: int, signature: SignatureReport) -> list[str]:
    signer = signature.unit_name or "?"
    if signature.approver_name:
        signer += f"，审批人 / approver {signature.approver_name}"
    # B-B signatures carry the signer's own clock, not a timestamp authority's
    when = (signature.signed_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S 北京时间")
            + "（签署方自报 / as stated by the signer）" if signature.signed_at
            else "未知 / unknown")
    state = "有效，签后未被改动 / valid, unchanged since"
    if not signature.ok:
        state = " / ".join(_reasons(signature.problems))
    return [
        f"签章 {number} / Signature {number}: {signer} [{signature.unit_id}]",
        f"  签署时间 / Signed at: {when}",
        f"  状态 / Status: {state}",
    ]
