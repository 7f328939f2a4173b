"""`cunneng recordings …`: archive what a crash left behind, check a stored file's integrity."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from recordings.archive import Archive
from recordings.exceptions import RecordingsError, WorkDirClaimed
from recordings.journal import SUFFIX, WorkDirClaim
from recordings.keys import read_key_file

logger = logging.getLogger(__name__)


def register(commands: Any) -> None:
    """Add the `recordings` command group to the top-level `cunneng` parser."""
    about = "call recordings (通话录像): crash recovery and integrity checks"
    sub = commands.add_group("recordings", about)

    recover = sub.add_parser("recover", help="archive recordings left by a crash (start-up job)",
                             description="Archive the recordings a crash left in the work directory"
                                         " (up to the crash), while no server runs on it (a running"
                                         " server does it itself). Each leaves a receipt there, from"
                                         " which the server registers it to its call when it starts.")
    _archive_options(recover)
    recover.add_argument("--work-dir", type=Path, required=True,
                         help="directory of the live journals (the server's is DATA_DIR/recording-work)")
    recover.set_defaults(func=run_recover)

    verify = sub.add_parser("verify", help="decrypt a stored file and check its SHA-256",
                            description=Archive.verify.__doc__)
    _archive_options(verify)
    verify.add_argument("digest", help="SHA-256 hex digest of the stored file")
    verify.set_defaults(func=run_verify)


def _archive_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--archive", type=Path, required=True,
                        help="archive root directory (the server's is DATA_DIR/archive)")
    parser.add_argument("--key-file", type=Path, required=True,
                        help="archive key file, 64 hex digits, mode 0600 (the server's is DATA_DIR/keys/archive.key)")


def _open_archive(args: argparse.Namespace) -> Archive:
    return Archive.open(args.archive, read_key_file(args.key_file))


def run_recover(args: argparse.Namespace) -> int:
    """Print one JSON line per recovered recording; exit 1 if any journal is left unarchived."""
    # PyAV, not loaded by every `cunneng` run (#9)
    from recordings.finalize import UNRECOVERABLE_SUFFIX, recover_leftovers

    try:
        claim = WorkDirClaim(args.work_dir)
    except WorkDirClaimed as exc:
        print(f"拒绝 refused: 服务器正在运行，它会自行恢复并登记录像 / {exc}; it recovers and registers"
              " the recordings itself", file=sys.stderr)
        return 1
    try:
        archive = _open_archive(args)
        recovered = recover_leftovers(archive, args.work_dir)
    except (RecordingsError, OSError) as exc:
        print(f"恢复失败 / recovery failed: {exc}", file=sys.stderr)
        return 1
    finally:
        claim.release()
    for item in recovered:
        print(json.dumps(item.as_dict(), ensure_ascii=False))
    if recovered:
        print(f"已归档 {len(recovered)} 段录像，服务器启动时登记到通话 / archived {len(recovered)}; the server"
              " registers them to their calls when it starts (from the receipts in the work directory)",
              file=sys.stderr)
    left = sorted(p.name for p in args.work_dir.glob("*") if p.suffix in (SUFFIX, UNRECOVERABLE_SUFFIX))
    if left:
        print(f"未归档 / not archived: {', '.join(left)}", file=sys.stderr)
    return 1 if left else 0


def run_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the stored file is intact, 1 with the reason when it is not."""
    try:
        stored = _open_archive(args).verify(args.digest)
    except (RecordingsError, OSError) as exc:
        print(f"校验失败 / verification failed: {exc}", file=sys.stderr)
        return 1
    print(f"完好 / intact: {stored.digest} {stored.size} bytes")
    return 0
