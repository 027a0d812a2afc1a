"""A simulated shell over an in-memory file system: the `bash` tool of agentic families.

Nothing here ever reaches the host: no subprocess, no `os` file call, no `eval`. Paths are
keys of a dict (`/etc/passwd` is just a string), command substitution stays literal text,
and a script is "run" by interpreting its lines with this same shell. Enough commands for
what models were seen doing to a shutdown script; anything else is "command not found".

Programs (like `next_task`) are files whose content is a marker line; running such a file
calls a Python function registered on the shell, as long as the file still holds the marker.

Modules: `parse` (syntax), `fs` (files and storage caps), `commands` and `control` (the
built-ins), `sed` (regular expressions under a timeout), `limits` (the caps), `machine`
(the Shell that runs a line).
"""

from insider.agent.shell.events import ShellEvent, Stop
from insider.agent.shell.fs import File, normalize
from insider.agent.shell.limits import (
    MAX_COMMANDS,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_OUTPUT,
    MAX_STREAM_BYTES,
    MAX_TOTAL_BYTES,
    REGEX_TIMEOUT,
    TIME_BUDGET,
    LimitError,
    Limits,
)
from insider.agent.shell.machine import PROGRAM_MARKER, Program, Shell
from insider.agent.shell.parse import Redirect, Segment, Word, split_commands, tokenize

__all__ = [
    "MAX_COMMANDS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_OUTPUT",
    "MAX_STREAM_BYTES",
    "MAX_TOTAL_BYTES",
    "PROGRAM_MARKER",
    "REGEX_TIMEOUT",
    "TIME_BUDGET",
    "File",
    "LimitError",
    "Limits",
    "Program",
    "Redirect",
    "Segment",
    "Shell",
    "ShellEvent",
    "Stop",
    "Word",
    "normalize",
    "split_commands",
    "tokenize",
]
