"""`cunneng doctor` (is the TURN relay set up right?) and `cunneng tls issue` (a certificate for it)."""

from __future__ import annotations

import argparse
import asyncio
import ssl
import sys
from datetime import timedelta
from pathlib import Path

from eseal import open_authority

from ..calls.turn_check import TurnAnswer, check_turn
from ..cli import Commands
from ..commands import add_data_dir
from ..config import env_default, env_list, system_clock
from ..storage.private_files import keep_files_private

EXIT_NOTHING_TO_CHECK = 2


def register(commands: Commands) -> None:
    doctor = commands.add_parser(
        "doctor", help="check that the TURN relay answers with the credentials the server hands out",
        description="For each turn:/turns: URL (as `cunneng serve` gets them), allocate a relay with time-limited"
                    " credentials made from the shared secret, as the call clients get them: one line per URL,"
                    " `ok …` or `FAIL …` with the likely cause; exit 0 only if every relay answered.")
    add_data_dir(doctor)
    doctor.add_argument("--ice-server", action="append", default=list(env_list("ice_servers")),
                        help="STUN/TURN URL; repeatable (env CUNNENG_ICE_SERVERS, comma-separated)")
    doctor.add_argument("--turn-secret", default=env_default("turn_secret", ""),
                        help="coturn's static-auth-secret (env CUNNENG_TURN_SECRET)")
    doctor.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each relay (default 10)")
    doctor.set_defaults(func=run_doctor)

    tls = commands.add_group("tls", "certificates from the local CA")
    issue = tls.add_parser(
        "issue", help="issue a TLS server certificate from the local CA (for the TURN relay)",
        description="Issue a TLS server certificate for the given names and addresses from the server's local CA"
                    " (the root the village PCs trust) and write OUT/cert.pem and OUT/key.pem (owner-only),"
                    " e.g. for coturn's turns: port. Issue it again, and restart coturn, before it ends.")
    add_data_dir(issue)
    issue.add_argument("--name", action="append", required=True, help="host name or address; repeatable")
    issue.add_argument("--out", type=Path, required=True, help="the folder to write cert.pem and key.pem into")
    issue.add_argument("--days", type=int, default=365, help="how long it is valid (default 365)")
    issue.set_defaults(func=run_tls_issue)


def run_doctor(args: argparse.Namespace) -> int:
    relays = [url for url in args.ice_server if url.startswith(("turn:", "turns:"))]
    if not relays or not args.turn_secret:
        print("nothing to check: give the turn: URLs (--ice-server) and the shared secret (--turn-secret),"
              " as cunneng serve gets them", file=sys.stderr)
        return EXIT_NOTHING_TO_CHECK
    trust = ssl.create_default_context()
    root = args.data_dir / "pki" / "root-ca.pem"
    if root.is_file():
        trust.load_verify_locations(cafile=str(root))  # what the village PCs trust, beside the system's roots

    async def check_all() -> list[TurnAnswer]:
        return [await check_turn(url, args.turn_secret, system_clock(), trust, args.timeout) for url in relays]

    answers = asyncio.run(check_all())
    print("\n".join(answer.line() for answer in answers))
    return 0 if all(answer.ok for answer in answers) else 1


def run_tls_issue(args: argparse.Namespace) -> int:
    keep_files_private()
    if not (args.data_dir / "pki" / "root-ca.pem").is_file():
        print(f"错误 error: {args.data_dir} 中没有本地证书机构 (no local CA in {args.data_dir}: check --data-dir,"
              " or start the server once)", file=sys.stderr)
        return 1
    authority = open_authority(args.data_dir)
    issued = authority.issue_server_certificate(args.name, timedelta(days=args.days))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cert.pem").write_bytes(issued.certificate_pem())
    (args.out / "key.pem").write_bytes(issued.key_pem())
    until = issued.certificate.not_valid_after_utc.date()
    print(f"ok: {args.out / 'cert.pem'} and {args.out / 'key.pem'} for {', '.join(args.name)}, valid until {until}:"
          f" issue it again before then")
    return 0
