"""`cunneng backup` and `cunneng restore`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import Commands
from ..commands import add_data_dir
from ..config import system_clock
from ..storage.private_files import keep_files_private
from .making import BackupRefused, keys_warning, make_backup
from .restoring import restore_backup


def register(commands: Commands) -> None:
    backup = commands.add_parser(
        "backup", help="copy the data directory consistently while the server runs",
        description="Back up the data directory into DEST while the server runs: the database (SQLite's online"
                    " backup), the archive's new stored files (only those not yet in DEST), every other file the"
                    " data directory holds, and the keys apart (DEST/keys or --keys-to). Run it as the server's"
                    " user. See docs/deployment.md, Backup.")
    add_data_dir(backup)
    backup.add_argument("dest", type=Path, metavar="DEST", help="the backup folder (kept from one backup to the next)")
    backup.add_argument("--keys-to", type=Path, metavar="DIR",
                        help="put the keys here instead of DEST/keys (e.g. a USB disk kept in a safe)")
    backup.set_defaults(func=run_backup)

    restore = commands.add_parser(
        "restore", help="restore a backup into a new, empty data directory",
        description="Restore the backup in SRC into DATA_DIR, which must be new or empty; the database is checked"
                    " against the SHA-256 the backup recorded. Start the server on DATA_DIR afterwards.")
    restore.add_argument("src", type=Path, metavar="SRC", help="the folder `cunneng backup` wrote")
    restore.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="the new data directory")
    restore.add_argument("--keys-from", type=Path, metavar="DIR", help="where the keys are, when not in SRC/keys")
    restore.set_defaults(func=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    keep_files_private()
    try:
        report = make_backup(args.data_dir, args.dest, args.keys_to, system_clock())
    except BackupRefused as refused:
        print(refused, file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    print(keys_warning(report), file=sys.stderr)
    return 0


def run_restore(args: argparse.Namespace) -> int:
    keep_files_private()
    try:
        report = restore_backup(args.src, args.data_dir, args.keys_from)
    except BackupRefused as refused:
        print(refused, file=sys.stderr)
        return 1
    print("\n".join(report.lines(args.data_dir)))
    return 0
