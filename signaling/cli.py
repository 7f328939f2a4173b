"""The `cunneng` command line: one parser, commands contributed by each package.

Packages register their commands through the ``cunneng.commands`` entry-point group
(see pyproject.toml), so the command line offers every job without signaling importing
the packages above it in the data flow. A register function receives the top-level
subparsers object and adds its commands; each command sets ``func(args) -> int``.
``commands.add_group(name, help)`` makes a group such as `cunneng audit …`, so no package
needs to import this module to build one.
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import entry_points


class Commands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """The subcommands of a parser, able to open a nested group of commands."""

    def add_group(self, name: str, help_text: str) -> Commands:
        """A command group such as `cunneng audit …`, whose bare form prints its own help."""
        parser = self.add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(func=lambda _args: (parser.print_help(), 2)[1])
        return parser.add_subparsers(title="commands", metavar="COMMAND", action=Commands)


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every package's commands."""
    parser = argparse.ArgumentParser(
        prog="cunneng",
        description="村能办 cunneng: remote video-assisted approval for rural public services.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", action=Commands)
    for entry in sorted(entry_points(group="cunneng.commands"), key=lambda e: e.name):
        entry.load()(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    return int(func(args))


if __name__ == "__main__":
    sys.exit(main())
