"""Resource caps: an agent may try to exhaust memory or time; the shell answers with an error.

Every cap ends the command with a message the agent sees and leaves the shell usable.
Sizes count characters of the stored text (bytes for ASCII).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB

MAX_FILE_BYTES = 1 * MIB  # one file's content
MAX_TOTAL_BYTES = 8 * MIB  # everything stored: file contents, variables, aliases, functions
MAX_ENTRIES = 10_000  # files, directories, variables, aliases and functions together
MAX_PATH = 4096  # a path's length, as Linux's PATH_MAX
MAX_NAME = 255  # one path component, as Linux's NAME_MAX
MAX_STREAM_BYTES = 1 * MIB  # one command's output, pipe data, expanded words
MAX_OUTPUT = 8000  # what one command line shows the agent
MAX_LINE = 256 * KIB  # one command line or script handed to the parser
TIME_BUDGET = 2.0  # seconds of wall time per command line
REGEX_TIMEOUT = 1.0  # seconds of regex matching per sed call
MAX_PATTERN = 300  # characters of one regular expression
MAX_SED_SCRIPT = 4096  # characters of one sed expression
MAX_DEPTH = 8  # nested scripts/functions (a script that runs itself stops here)
MAX_COMMANDS = 500  # per top-level call: no loop can run away


@dataclass(frozen=True)
class Limits:
    """The caps one shell enforces; the defaults are the module constants."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_entries: int = MAX_ENTRIES
    max_path: int = MAX_PATH
    max_name: int = MAX_NAME
    max_stream_bytes: int = MAX_STREAM_BYTES
    max_output: int = MAX_OUTPUT
    max_line: int = MAX_LINE
    time_budget: float = TIME_BUDGET
    regex_timeout: float = REGEX_TIMEOUT
    max_pattern: int = MAX_PATTERN
    max_sed_script: int = MAX_SED_SCRIPT
    max_depth: int = MAX_DEPTH
    max_commands: int = MAX_COMMANDS


class LimitError(Exception):
    """A cap was hit: the current command ends and `message` is its error output."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def human(n: float) -> str:
    """A size or duration for messages: `1 MiB`, `64 KiB`, `300 bytes`, `2 s`."""
    if isinstance(n, float):
        return f"{n:g} s"
    for unit, size in (("MiB", MIB), ("KiB", KIB)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


class Budget:
    """Commands and wall time left to one command line.

    Once either runs out, every later command of the line is skipped, and `message` says
    why; the shell shows it at the end of the line's output, where no pipe or redirection
    can swallow it.
    """

    def __init__(self, limits: Limits):
        self.commands_left = limits.max_commands
        self.deadline = time.monotonic() + limits.time_budget
        self.message = ""
        self._limits = limits

    def spend(self) -> bool:
        """Charge one command; False once the line is over budget."""
        self.commands_left -= 1
        if self.commands_left < 0 and not self.message:
            self.message = "bash: command limit reached\n"
        return self.check()

    def check(self) -> bool:
        """False once the line is over budget, counting the clock."""
        if not self.message and time.monotonic() > self.deadline:
            self.message = f"bash: time limit exceeded ({human(self._limits.time_budget)})\n"
        return not self.message

    def tick(self) -> None:
        """Raise LimitError once the line is over budget: for long loops inside one command."""
        if not self.check():
            raise LimitError("")
