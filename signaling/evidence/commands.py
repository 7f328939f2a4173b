"""`cunneng case export` (a case's package downloaded from the server) and `cunneng package verify` (offline)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

import aiohttp

from eseal import AuthorityMissing
from eseal.commands import EXIT_FAILED, EXIT_OK, EXIT_UNUSABLE, add_trust_options, quiet_pyhanko, trust_from

from .verification import PackageVerdict, UnreadablePackage, verify_package


def register(commands: Any) -> None:
    """Add `case export` and `package verify` to the command line."""
    export = commands.add_group("case", "the case commands").add_parser(
        "export", help="download a case's package (证据包) as an auditor",
        description="Download one case's package from a running server: recordings, chat, snapshots, scans,"
                    " issued documents, audit events and the signed manifest, in one ZIP. The export is"
                    " audit-logged and its pictures are watermarked for the account used."
                    " Exit 0: written; 1: refused by the server; 2: the server cannot be reached.")
    export.add_argument("case_id", type=int, help="the case's id (the number in the console's address, #/case/ID)")
    export.add_argument("--server", default=os.environ.get("CUNNENG_SERVER", "http://127.0.0.1:8080"),
                        help="the server (env CUNNENG_SERVER; default %(default)s)")
    export.add_argument("--user", required=True, help="an auditor's account")
    export.add_argument("--password", help="its password (asked for when not given)")
    export.add_argument("--out", type=Path, help="the ZIP to write (default: CASE_ID-package.zip)")
    export.set_defaults(func=export_command)
    verify = commands.add_group("package", "the case package commands").add_parser(
        "verify", help="check a case package offline with the CA certificate",
        description="Check a case package (证据包) with only the county's root certificate: the manifest's"
                    " signature, every member, every audit event. Exit 0: intact; 1: something was changed,"
                    " removed or added (each named); 2: not a package, or no CA certificate.")
    verify.add_argument("file", type=Path, help="the package (ZIP)")
    add_trust_options(verify)
    verify.add_argument("--json", action="store_true", help="print the verdict as JSON")
    verify.set_defaults(func=verify_command)


def verify_command(args: argparse.Namespace) -> int:
    quiet_pyhanko()
    try:
        verdict = verify_package(args.file, trust_from(args))
    except (AuthorityMissing, UnreadablePackage) as error:
        print(f"无法核验 / cannot verify: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    print(json.dumps(verdict.__dict__, ensure_ascii=False, indent=1) if args.json else verdict_text(args.file, verdict))
    return EXIT_OK if verdict.ok else EXIT_FAILED


def verdict_text(path: Path, verdict: PackageVerdict) -> str:
    lines = [f"证据包 / Package: {path.name}  办件 / case {verdict.case_number}",
             f"  {verdict.members} 个文件 members, {verdict.events} 条审计事件 audit events"]
    lines += [f"  · {line}" for line in verdict.notes]
    lines += [f"  ✗ {problem}" for problem in verdict.problems]
    lines.append("结论：通过，证据包完整，签名可信 / PASSED: intact, signed by this CA" if verdict.ok
                 else f"结论：未通过（{len(verdict.problems)} 处问题） / FAILED ({len(verdict.problems)} problems)")
    return "\n".join(lines)


def export_command(args: argparse.Namespace) -> int:
    password = args.password or getpass.getpass("密码 Password: ")
    out = args.out or Path(f"{args.case_id}-package.zip")
    try:
        status, refusal = asyncio.run(download(args.server.rstrip("/"), args.user, password, args.case_id, out))
    except (aiohttp.ClientError, OSError) as error:
        print(f"无法连接服务器 / cannot reach {args.server}: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    if status != 200:
        print(f"导出被拒绝 / export refused ({status}): {refusal.get('message', '')} {refusal.get('message_en', '')}",
              file=sys.stderr)
        return EXIT_FAILED
    print(f"已写入 / written: {out} ({out.stat().st_size} bytes)")
    return EXIT_OK


async def download(server: str, username: str, password: str, case_id: int, out: Path) -> tuple[int, dict[str, Any]]:
    """Log in and write the package to out (whole, or not at all): the status, and the server's refusal."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_read=600)) as session:
        async with session.post(f"{server}/api/login", json={"username": username, "password": password}) as login:
            answer = await login.json(content_type=None)
            if login.status != 200:
                return login.status, answer
        async with session.get(f"{server}/api/cases/{case_id}/package",
                               headers={"Authorization": f"Bearer {answer['token']}"}) as reply:
            if reply.status != 200:
                return reply.status, await reply.json(content_type=None)
            part = out.with_name(f".{out.name}.part")
            with part.open("wb") as file:  # a command of its own: no server loop to keep free
                async for piece in reply.content.iter_chunked(1 << 20):
                    file.write(piece)
            os.replace(part, out)
            return 200, {}
