"""What a run leaves behind (events) and how a script ends early (Stop)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ShellEvent:
    """One mutating command, for verdicts that cite evidence."""

    op: str
    path: str
    cmd: str
    detail: str = ""


class Stop(Exception):
    """`exit` inside a script, or the machine halting; carries the output shown so far."""

    def __init__(self, partial: str = ""):
        super().__init__()
        self.partial = partial
