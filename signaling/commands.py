"""signaling's commands: `serve`, `user add`, `audit verify`, `retention purge`."""

from __future__ import annotations

import argparse
import errno
import getpass
import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any, Callable

from aiohttp import web

from eseal import EsealError
from recordings import Archive, load_or_create_key
from recordings.exceptions import WorkDirClaimed

from .access.accounts import create_account, hash_password
from .access.jurisdictions import KIND_NAMES, UNIT_KINDS, create_unit, list_units
from .access.roles import SYSTEM, Role
from .api import schemas
from .api.meta import VERSION
from .api.validation import validate_body
from .app import create_app, open_database
from .audit.acts import Act
from .audit.verification import verify_audit
from .cli import Commands
from .config import Settings, env_default, env_list, system_clock
from .exceptions import CunnengError
from .retention.purge import policy_of, purge_expired
from .serving.https import HTTPS
from .serving.options import add_https_options, https_refusal, https_settings, https_summary
from .storage.private_files import keep_files_private

logger = logging.getLogger("cunneng")


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=Path(env_default("data_dir", "data")),
        help="database, keys and stored files (env CUNNENG_DATA_DIR; default ./data)",
    )


def register(commands: Commands) -> None:
    serve = commands.add_parser("serve", help="start the server", description="Start the cunneng server.")
    add_data_dir(serve)
    serve.add_argument("--host", default=env_default("host", "127.0.0.1"),
                       help="address to listen on, 0.0.0.0 for the county network"
                            " (env CUNNENG_HOST; default %(default)s)")
    serve.add_argument("--port", type=port_number, default=env_default("port", "8080"),
                       help="port to listen on (env CUNNENG_PORT; default %(default)s)")
    serve.add_argument("--public-url", default=env_default("public_url", ""),
                       help="base URL printed on guides and certificates (env CUNNENG_PUBLIC_URL)")
    serve.add_argument("--no-demo", action="store_true", help="do not load the demo jurisdiction and accounts")
    serve.add_argument("--trusted-proxy", action="append", default=list(env_list("trusted_proxies")),
                       help="address of a reverse proxy (HTTPS in front of cunneng) whose X-Forwarded-For and"
                            " X-Forwarded-Proto are believed; repeatable"
                            " (env CUNNENG_TRUSTED_PROXIES, comma-separated)")
    serve.add_argument("--ice-server", action="append", default=list(env_list("ice_servers")),
                       help="STUN/TURN URL handed to clients; repeatable (env CUNNENG_ICE_SERVERS, comma-separated)")
    serve.add_argument("--turn-secret", default=env_default("turn_secret", ""),
                       help="coturn static-auth-secret for time-limited TURN credentials (env CUNNENG_TURN_SECRET)")
    serve.add_argument("--media-workers", type=int, default=int(env_default("media_workers", "1")),
                       help="processes that carry the calls' media; 0 keeps it in the server process"
                            " (env CUNNENG_MEDIA_WORKERS; default 1)")
    serve.add_argument("--media-idle-stop", type=idle_seconds, default=env_default("media_idle_stop", "600"),
                       help="seconds without a call after which the media workers stop, to start again when"
                            " the next call rings; 0 keeps them running (env CUNNENG_MEDIA_IDLE_STOP; default 600)")
    add_retention_days(serve)
    add_https_options(serve, port_number)
    add_checkpoints_dir(serve)
    serve.set_defaults(func=run_serve)

    users = commands.add_group("user", "manage accounts")
    add = users.add_parser("add", help="add an account", description="Add an account bound to a unit.")
    add_data_dir(add)
    add.add_argument("username")
    add.add_argument("--name", required=True, help="display name, e.g. 泉坝村窗口 赵兰")
    add.add_argument("--role", required=True, choices=[str(r) for r in Role])
    add.add_argument("--unit", required=True, help="unit id, e.g. zh-yb-01 (`cunneng units` lists them)")
    add.add_argument("--password", help="the password (asked for when not given)")
    add.set_defaults(func=run_user_add)

    unit = commands.add_group("unit", "manage units: the district, its towns and villages, departments")
    add_unit = unit.add_parser(
        "add", help="add a unit", description="Add a unit under its parent: the district first, then its towns,"
        " their villages, and departments under the district or a town.")
    add_data_dir(add_unit)
    add_unit.add_argument("unit_id", help="a short id in lower case, e.g. zh-yb-01")
    add_unit.add_argument("--name", required=True, help="its name, e.g. 元坝镇泉坝村")
    add_unit.add_argument("--kind", required=True, choices=UNIT_KINDS)
    add_unit.add_argument("--parent", help="the parent unit's id (not for the district)")
    add_unit.add_argument("--dept-code", help="for a department: its kind in the catalog (GET /api/departments)")
    add_unit.set_defaults(func=run_unit_add)

    units = commands.add_parser("units", help="list the units (jurisdictions and departments) and their ids",
                                description="List every unit: its id (for `user add --unit`), kind, name and parent.")
    add_data_dir(units)
    units.set_defaults(func=run_units)

    audit = commands.add_group("audit", "the audit log")
    verify = audit.add_parser("verify", help="check the audit chain",
                              description="Walk the audit chain and name the first altered, inserted or missing event;"
                                          " check its end against the head file, the signed checkpoints and any issued"
                                          " document given (each prints the head it was issued at).")
    add_data_dir(verify)
    add_checkpoints_dir(verify)
    verify.add_argument("--document", type=Path, action="append", default=[], metavar="FILE.pdf",
                        help="an issued document (signed PDF) whose printed audit head the log must still hold;"
                             " repeatable")
    verify.set_defaults(func=run_audit_verify)

    retention = commands.add_group("retention", "retention (保存期限) of recordings and documents")
    purge = retention.add_parser(
        "purge", help="delete recordings and documents past their retention period now",
        description="Delete recordings and documents past their retention period (cases on legal hold are kept),"
                    " one line per deletion, then a summary. The server also does this every hour.")
    add_data_dir(purge)
    add_retention_days(purge)
    purge.add_argument("--dry-run", action="store_true", help="list what would be deleted and change nothing")
    purge.set_defaults(func=run_retention_purge)


def whole_days(raw: str) -> int:
    """A retention period on the command line: a whole number of days, at least 1."""
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number of days (at least 1)")
    return int(raw)


def port_number(raw: str) -> int:
    """--port: a TCP port, 1 to 65535."""
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 65535:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a port number (1 to 65535)")
    return int(raw)


def idle_seconds(raw: str) -> float:
    """--media-idle-stop: 0 (never stop), or at least one second."""
    refused = argparse.ArgumentTypeError(f"{raw!r} is not a number of seconds (0, or at least 1)")
    try:
        seconds = float(raw)
    except ValueError:
        raise refused from None
    if seconds != 0 and not 1 <= seconds < float("inf"):
        raise refused
    return seconds


def add_checkpoints_dir(parser: argparse.ArgumentParser) -> None:
    raw = env_default("audit_checkpoints", "")
    parser.add_argument("--audit-checkpoints", type=Path, default=Path(raw) if raw else None, metavar="DIR",
                        help="where signed audit checkpoints are kept, best a disk or share the administrator does"
                             " not control (env CUNNENG_AUDIT_CHECKPOINTS; default DATA_DIR/audit-checkpoints)")


def add_retention_days(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--recording-retention-days", type=whole_days,
                        default=env_default("recording_retention_days", "30"),
                        help="days a call's recordings are kept after it ended"
                             " (env CUNNENG_RECORDING_RETENTION_DAYS; default 30)")
    parser.add_argument("--document-retention-days", type=whole_days,
                        default=env_default("document_retention_days", "90"),
                        help="days scans and issued documents are kept after they were stored"
                             " (env CUNNENG_DOCUMENT_RETENTION_DAYS; default 90)")


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        data_dir=args.data_dir, host=args.host, port=args.port, public_url=args.public_url,
        trusted_proxies=tuple(args.trusted_proxy),
        load_demo=not args.no_demo, ice_servers=tuple(args.ice_server), turn_secret=args.turn_secret,
        media_workers=args.media_workers, media_idle_stop_seconds=args.media_idle_stop,
        recording_retention_days=args.recording_retention_days,
        document_retention_days=args.document_retention_days, audit_checkpoint_dir=args.audit_checkpoints,
        **https_settings(args),
    )


def run_serve(args: argparse.Namespace) -> int:
    keep_files_private()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = settings_from(args)
    refusal = https_refusal(settings) or cannot_listen(settings.host, settings.port)
    if not refusal and settings.http_redirect_port is not None:
        refusal = cannot_listen(settings.host, settings.http_redirect_port)
    if refusal:
        print(refusal, file=sys.stderr)
        return 1
    app = create_app(settings)
    scheme = "https" if settings.tls else "http"
    started = time.monotonic()

    def serving(_: str) -> None:
        logger.info("cunneng 村能办 %s started: pid %d, data in %s, serving %s://%s:%d/ (%s), %d media worker(s)",
                    VERSION, os.getpid(), settings.data_dir.resolve(), scheme, settings.host, settings.port,
                    https_summary(settings), settings.media_workers)

    try:
        web.run_app(app, host=settings.host, port=settings.port, print=serving,
                    ssl_context=app[HTTPS].context if settings.tls else None)
    except WorkDirClaimed:
        print(f"错误 error: 另一个服务器正在使用数据目录 {settings.data_dir} "
              f"(another cunneng server is running on this data directory)", file=sys.stderr)
        return 1
    except OSError as error:  # taken between the check and the start
        if error.errno != errno.EADDRINUSE:
            raise
        print(listen_refusal(settings.host, settings.port, error), file=sys.stderr)
        return 1
    logger.info("cunneng 村能办 stopped: pid %d, after %.0f s", os.getpid(), time.monotonic() - started)
    return 0


def cannot_listen(host: str, port: int) -> str:
    """Why the server could not listen on host:port (a busy port, an unknown address), or ""."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        for family, kind, proto, _, address in addresses:
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
                probe.bind(address)
    except OSError as error:
        return listen_refusal(host, port, error)
    return ""


def listen_refusal(host: str, port: int, error: OSError) -> str:
    """One line a newcomer can act on."""
    if error.errno == errno.EADDRINUSE:
        return (f"错误 error: 端口 {port} 已被其他程序占用 (port {port} is in use by another program). "
                f"换一个端口 choose another: CUNNENG_PORT={port + 1} make serve, or cunneng serve --port {port + 1}")
    return (f"错误 error: 无法在 {host}:{port} 上监听 (cannot listen on {host}:{port}: {error.strerror}). "
            f"检查 check --host / CUNNENG_HOST")


def run_user_add(args: argparse.Namespace) -> int:
    try:
        password_hash = hash_password(args.password or getpass.getpass("密码 Password: "))
    except CunnengError as error:
        return refused(error)

    def add(db: Any, act: Act) -> str:
        account = create_account(db, act, args.username, args.name, Role(args.role), args.unit, password_hash)
        return f"{account.username} ({account.role}, {account.unit_id})"
    return change_as_system(args.data_dir, add)


def run_unit_add(args: argparse.Namespace) -> int:
    given = {"id": args.unit_id, "name": args.name, "kind": args.kind, "parent_id": args.parent,
             "dept_code": args.dept_code}
    unit = {key: value for key, value in given.items() if value}

    def add(db: Any, act: Act) -> str:
        validate_body(unit, schemas.UNIT)
        added = create_unit(db, act, unit)
        return f"{added['id']} ({KIND_NAMES[added['kind']]} {added['kind']}) {added['name']}"
    return change_as_system(args.data_dir, add)


def change_as_system(data_dir: Path, change: Callable[[Any, Act], str]) -> int:
    """A change from the command line, logged as the system's; prints `ok: …` (0) or the refusal (1)."""
    keep_files_private()
    database, audit = open_database(Settings(data_dir=data_dir))
    try:
        done = database.run_sync(change, Act(SYSTEM, system_clock(), audit))
    except CunnengError as error:
        return refused(error)
    finally:
        database.close_sync()
    print(f"ok: {done}")
    return 0


def refused(error: CunnengError) -> int:
    print(f"错误 error: {error.message} {error.message_en}", file=sys.stderr)
    return 1


def missing_database(data_dir: Path) -> bool:
    """True, after saying so, when data_dir holds no server database (a command would create an empty one)."""
    if (data_dir / "cunneng.db").exists():
        return False
    print(f"错误 error: {data_dir} 中没有数据库 (no database here)", file=sys.stderr)
    return True


def run_units(args: argparse.Namespace) -> int:
    if missing_database(args.data_dir):
        return 2
    database, _ = open_database(Settings(data_dir=args.data_dir), checking_only=True)
    try:
        units = database.read_sync(list_units)
    finally:
        database.close_sync()
    for unit in units:
        kind = f"{KIND_NAMES[unit['kind']]} {unit['kind']}"
        print(f"{unit['id']:<14} {kind:<14} {unit['name']}  (上级 parent: {unit['parent_id'] or '-'})")
    return 0


def run_audit_verify(args: argparse.Namespace) -> int:
    if missing_database(args.data_dir):
        return 2
    settings = Settings(data_dir=args.data_dir, audit_checkpoint_dir=args.audit_checkpoints)
    database, audit = open_database(settings, checking_only=True)
    try:
        verdict = verify_audit(settings, database, audit, args.document)
    except (OSError, EsealError) as error:
        print(f"错误 error: {error}", file=sys.stderr)
        return 2
    finally:
        database.close_sync()
    if verdict.problems:
        for problem in verdict.problems:
            print(f"FAIL {problem}")
        return 1
    vouching = [f"{anchor.source} (#{anchor.seq})" for anchor in verdict.anchors]
    head = audit.read_head()
    vouching += [f"the head file (#{head[0]})"] if head else []
    print(f"ok: {verdict.events} events, chain intact; its end checked against "
          f"{len(vouching)} records: {'; '.join(vouching[-3:]) or 'none'}")
    return 0


def run_retention_purge(args: argparse.Namespace) -> int:
    keep_files_private()
    if missing_database(args.data_dir):
        return 2
    settings = Settings(data_dir=args.data_dir, recording_retention_days=args.recording_retention_days,
                        document_retention_days=args.document_retention_days)
    database, audit = open_database(settings)
    archive = Archive.open(settings.archive_dir, load_or_create_key(settings.keys_dir / "archive.key"))
    try:
        report = database.run_sync(purge_expired, Act(SYSTEM, system_clock(), audit), archive, policy_of(settings),
                                   args.dry_run)
    finally:
        database.close_sync()
    print("\n".join(report.lines()))
    return 0
