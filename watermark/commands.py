"""watermark's commands: `watermark mark` and `watermark extract`."""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from watermark.exceptions import UnreadableImage, WatermarkError
from watermark.ids import MAX_MARK_ID

EXIT_FOUND, EXIT_NOT_FOUND, EXIT_BAD_INPUT = 0, 1, 2


def register(commands: Any) -> None:
    """Add `watermark mark` and `watermark extract` to the cunneng command line."""
    watermark = commands.add_group("watermark", "visible and invisible watermarks (水印)")
    mark = watermark.add_parser(
        "mark", help="watermark a picture for one viewer",
        description="Tile the viewer's text over a picture and hide an id in it. "
                    "Writes OUT (PNG or JPEG, by extension) atomically.")
    mark.add_argument("source", type=Path, metavar="IN", help="picture to mark")
    mark.add_argument("target", type=Path, metavar="OUT", help="marked picture (.png/.jpg)")
    mark.add_argument("--text", action="append", required=True,
                      help="a line of visible text (repeat for several lines)")
    mark.add_argument("--id", type=int, required=True, dest="mark_id",
                      help=f"id to hide, 0..{MAX_MARK_ID}")
    mark.set_defaults(func=run_mark)
    extract = watermark.add_parser(
        "extract", help="read the hidden id from a leaked picture",
        description="Print `id N` and exit 0, or print `no watermark` and exit 1; "
                    "exit 2 when the file cannot be read.")
    extract.add_argument("image", type=Path, metavar="IMAGE", help="picture to examine")
    extract.add_argument("--data-dir", type=Path, default=None,
                         help="a server's data directory: also say who was shown the picture, what and when")
    extract.set_defaults(func=run_extract)


def run_mark(args: argparse.Namespace) -> int:
    """Mark IN into OUT; a clear message and exit 2 on bad input."""
    from watermark.marking import mark_file  # numpy: not loaded by every `cunneng` run such as serve (#9)

    try:
        mark_file(args.source, args.target, args.text, args.mark_id)
    except WatermarkError as error:
        return _bad_input(error)
    return 0


def run_extract(args: argparse.Namespace) -> int:
    """Print the hidden id, or say there is none."""
    from watermark.marking import extract_file  # numpy, as in run_mark

    try:
        found = extract_file(args.image)
    except UnreadableImage as error:
        return _bad_input(error)
    if found is None:
        print("no watermark")
        return EXIT_NOT_FOUND
    print(f"id {found.mark_id}")
    if args.data_dir is not None:
        for line in _traced(args.data_dir, found.mark_id):
            print(line)
    return EXIT_FOUND


def _traced(data_dir: Path, mark_id: int) -> list[str]:
    """What the installed mark registers (entry points `cunneng.mark_registers`) know of the id.

    The server keeps the register; this package never imports the server, so the server
    offers its lookup as an entry point.
    """
    lines: list[str] = []
    for register in entry_points(group="cunneng.mark_registers"):
        lines.extend(register.load()(data_dir, mark_id))
    return lines


def _bad_input(error: WatermarkError) -> int:
    """Report bad input on stderr, Chinese first."""
    print(f"错误 / error: {error}", file=sys.stderr)
    return EXIT_BAD_INPUT
