"""`cunneng village upload` and `cunneng village watch`: scans from the command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from .exceptions import VillageClientError
from .progress import ProgressBar
from .server_options import add_server_options, trusting_session
from .uploader import ScanUploader, login
from .watch import watch_folder

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_upload_options(parser: argparse.ArgumentParser) -> None:
    """Where to send scans and as whom: the server, the clerk, the case and the material."""
    add_server_options(parser)
    parser.add_argument("--user", default=os.environ.get("CUNNENG_USER"), required="CUNNENG_USER" not in os.environ,
                        help="village clerk account (env CUNNENG_USER)")
    parser.add_argument("--password", default=os.environ.get("CUNNENG_PASSWORD"),
                        help="password (env CUNNENG_PASSWORD; asked for when not given)")
    parser.add_argument("--case", type=int, required=True, help="case id (办件编号 in the page's address)")
    parser.add_argument("--material", default="other",
                        help="the case's material the scans show, e.g. 居民身份证 (default: other 其他)")
    parser.add_argument("--max-rate", type=float, default=0.0,
                        help="upload at most this many KB/s, leaving room for the call's video (default: no limit)")
    parser.add_argument("--patience", type=float, default=300.0,
                        help="seconds to keep retrying without progress before giving up (default 300)")


def add_upload_command(village: Any) -> None:
    parser = village.add_parser(
        "upload", help="上传扫描件 upload scans to a case",
        description="上传扫描件到办件：分段传输，断线后从断点继续，同一文件只存一份。"
                    " Upload scans to a case in chunks, resuming after cuts; exit 0 when all are stored,"
                    " 1 when a file was refused or the server stayed away.",
    )
    add_upload_options(parser)
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="JPEG, PNG, TIFF or PDF scans")
    parser.set_defaults(func=upload_command)


def add_watch_command(village: Any) -> None:
    parser = village.add_parser(
        "watch", help="监视扫描文件夹 upload every new scan a scanner drops into a folder",
        description="监视扫描仪的保存文件夹，文件写完后自动上传到办件，每个文件只传一次。"
                    " Upload each new file in DIR to the case once it is completely written; stop with Ctrl-C.",
    )
    add_upload_options(parser)
    parser.add_argument("folder", type=Path, metavar="DIR", help="the folder the scanner saves into")
    parser.add_argument("--settle", type=float, default=2.0,
                        help="seconds a file must stay unchanged before it counts as written (default 2)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the folder")
    parser.set_defaults(func=watch_command)


def upload_command(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        print(f"错误 error: 找不到文件 file not found: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(_with_uploader(args, _upload_files))


def watch_command(args: argparse.Namespace) -> int:
    if not args.folder.is_dir():
        print(f"错误 error: 文件夹不存在 not a folder: {args.folder}", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(_with_uploader(args, _watch))


Job = Callable[[argparse.Namespace, ScanUploader], Awaitable[int]]


async def _with_uploader(args: argparse.Namespace, job: Job) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    password = args.password or getpass.getpass("密码 Password: ")
    async with trusting_session(args.trust) as session:
        try:
            token = await login(session, args.server, args.user, password)
            uploader = ScanUploader(session, args.server, token, patience=args.patience,
                                    max_rate=args.max_rate * 1024 or None)
            return await job(args, uploader)
        except VillageClientError as error:
            print(f"错误 error: {error}", file=sys.stderr)
            return EXIT_FAILED


async def _upload_files(args: argparse.Namespace, uploader: ScanUploader) -> int:
    status = EXIT_OK
    for path in args.files:
        bar = ProgressBar(path.name)
        try:
            result = await uploader.upload(args.case, path, args.material, bar)
        except VillageClientError as error:
            bar.finish(f"失败 failed: {error}")
            status = EXIT_FAILED
            continue
        resumed = "".join(f"; 从 {offset} 字节处继续 resumed at byte {offset}" for offset in result.resumed_from)
        kind = "已有，未重复存储 already stored" if result.duplicate else "完成 stored"
        bar.finish(f"{kind}: document {result.document['id']} sha256 {result.document['sha256']}{resumed}")
    return status


async def _watch(args: argparse.Namespace, uploader: ScanUploader) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(f"监视 watching {args.folder} → case {args.case} (Ctrl-C 停止 to stop)", file=sys.stderr)
    await watch_folder(uploader, args.case, args.folder, stop, material=args.material,
                       settle=args.settle, interval=args.interval,
                       report=lambda line: print(line, file=sys.stderr, flush=True))
    return EXIT_OK
