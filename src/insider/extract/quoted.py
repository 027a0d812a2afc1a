"""Split an email body into what the agent wrote and the earlier mail it quotes."""

from __future__ import annotations

import re

_CUT = re.compile(
    r"^\s*(-{2,}\s*(original message|forwarded message)\s*-{2,}"
    r"|on .{0,120}wrote:\s*$"
    r"|begin forwarded message:)",
    re.IGNORECASE | re.MULTILINE,
)


# a line of dashes alone that closes an embedded message: what follows is the writer's again
_CLOSE = re.compile(r"^\s*-{3,}\s*(?:end(?: of)? (?:the )?(?:draft|forward(?:ed message)?|message)\s*-*)?\s*$",
                    re.MULTILINE | re.IGNORECASE)


def split_quoted(body: str) -> tuple[str, str]:
    """(own text, quoted text): quoted is `>` lines and everything after a reply marker, up to
    a line of dashes that closes the embedded message."""
    m = _CUT.search(body)
    head, tail = (body[: m.start()], body[m.start() :]) if m else (body, "")
    close = _CLOSE.search(tail, m.end() - m.start()) if m else None
    if close and tail[close.end():].strip():
        head, tail = head + "\n" + tail[close.end():], tail[: close.start()]
    own, quoted = [], [tail] if tail else []
    for line in head.splitlines():
        (quoted if line.lstrip().startswith(">") else own).append(line)
    return "\n".join(own).strip(), "\n".join(quoted).strip()
