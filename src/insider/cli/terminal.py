"""Text from packs, logs and input files, made safe to print on a terminal.

A scenario pack's description or a condition id can hold escape sequences (colours, cursor
moves, window titles, hyperlinks) or bidirectional overrides that would change what the
terminal shows. `escape` writes each such character as a visible `\\xNN` / `\\uNNNN` escape,
keeping newlines and tabs; `one_line` also escapes those, for text that must stay on a line.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional embeddings,
# overrides and isolates that reorder how a line is displayed.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: object) -> str:
    """`text` with control characters shown as escapes; newlines and tabs are kept."""
    return _UNSAFE.sub(_visible, str(text))


def one_line(text: object, limit: int | None = None) -> str:
    """`text` on one line: every control character escaped, cut to `limit` characters."""
    out = _UNSAFE_LINE.sub(_visible, str(text))
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out
