"""`insider ARGS` in the test's process, leaving its output to pytest's capsys."""

from __future__ import annotations

from insider.cli import main


def cli(args: list[str]) -> int:
    """The exit code of `insider ARGS` (0 when the command returns normally)."""
    try:
        main(args)
    except SystemExit as e:
        return e.code or 0
    return 0
