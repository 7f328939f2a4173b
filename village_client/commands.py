"""`cunneng village …` and `cunneng selftest`: the village window's jobs from the command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from typing import Any

from .scan_commands import add_upload_command, add_watch_command
from .server_options import add_server_options


def register(commands: Any) -> None:
    """Add the `village` command group and `selftest` to the `cunneng` command line."""
    village = village_group(commands)
    add_call_command(village)
    add_upload_command(village)
    add_watch_command(village)
    add_selftest_command(commands)


def village_group(commands: Any) -> Any:
    """The one `village` group (signaling.cli.Commands); every village command joins it."""
    return commands.add_group("village", "村窗口 the village window from the command line")


def add_call_command(village: Any) -> None:
    parser = village.add_parser(
        "call", help="发起视频 place a video consult as the village window, headless",
        description="以村窗口身份对办件发起视频连线（无界面），发送视频文件或测试图案和提示音。"
                    " Exit 0: the call was held; 1: sign-in or call refused; 3: no one answered;"
                    " 4: the call dropped.",
    )
    add_server_options(parser)
    parser.add_argument("--user", required=True, help="village clerk account")
    parser.add_argument("--password", help="password (asked for when not given)")
    parser.add_argument("--case", type=int, required=True, help="case id")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--video", help="send this media file (looped) instead of the test pattern")
    source.add_argument("--test-pattern", action="store_true", help="send the test pattern and a tone (default)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds to stay in the call (default 30)")
    parser.set_defaults(func=call_command)


def call_command(args: argparse.Namespace) -> int:
    # aiortc only for this command: every `cunneng` run, `serve` too, registers it (#9)
    from .calling import CallOptions, village_call

    logging.basicConfig(level=logging.WARNING)
    if args.video and not os.path.exists(args.video):
        print(f"找不到视频文件 no such file: {args.video}", file=sys.stderr)
        return 2
    options = CallOptions(args.server, args.user, args.password or getpass.getpass("密码 Password: "),
                          args.case, args.video, args.duration, args.trust)
    return asyncio.run(village_call(options, lambda line: print(line, flush=True)))


def add_selftest_command(commands: Any) -> None:
    parser = commands.add_parser(
        "selftest", help="自检 run a complete consult against a server",
        description="对服务器做一次完整的视频办件自检，每步一行 ok/FAIL。"
                    " A headless village and approver run a complete consult; one line per step,"
                    " `ok <step> <seconds>` or `FAIL <step> <reason>`; exit 0 only if every step passed.",
    )
    add_server_options(parser)
    parser.add_argument("--village-user", default="clerk-yb1", help="village clerk account (default clerk-yb1)")
    parser.add_argument("--approver-user", default="town-yb",
                        help="an approver of that village's town (default town-yb)")
    parser.add_argument("--password", default=os.environ.get("CUNNENG_PASSWORD", "cunneng-demo"),
                        help="password of both accounts (env CUNNENG_PASSWORD; default the demo password)")
    parser.add_argument("--item", default="T-RS-001",
                        help="code of a town-level item to open the test case for (default %(default)s)")
    parser.set_defaults(func=selftest_command)


def selftest_command(args: argparse.Namespace) -> int:
    from .selftest import Selftest, run_selftest  # aiortc, PyAV and pyHanko: for this command only (#9)

    logging.basicConfig(level=logging.ERROR)
    test = Selftest(args.server, args.village_user, args.approver_user, args.password, args.item,
                    out=lambda line: print(line, flush=True), trust=args.trust)
    return 0 if asyncio.run(run_selftest(test)) else 1
