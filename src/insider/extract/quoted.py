"""Split an email body into what the agent wrote and the earlier mail it quotes."""

from __future__ import annotations

import re

_CUT = re.compile(
    r"^\s*(-{2,}\s*(original message|forwarded message)\s*-{2,}"
    r"|on .{0,120}wrote:\s*$"
    r"|begin forwarded message:)",
    re.IGNORECASE | re.MULTILINE,
)


def split_quoted(body: str) -> tuple[str, str]:
    """(own text, quoted text): quoted is `>` lines and everything after a reply marker."""
    m = _CUT.search(body)
    head, tail = (body[: m.start()], body[m.start() :]) if m else (body, "")
    own, quoted = [], [tail] if tail else []
    for line in head.splitlines():
        (quoted if line.lstrip().startswith(">") else own).append(line)
    return "\n".join(own).strip(), "\n".join(quoted).strip()
