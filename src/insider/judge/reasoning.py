"""Native reasoning: the reasoning a provider returns apart from the message text.

Inspect keeps it in an assistant message's `content` list as `ContentReasoning` parts,
which `message.text` leaves out. Redacted reasoning (encrypted by the provider) is read
through its summary when there is one; otherwise it stands as a short note.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import ContentReasoning

REDACTED = "[reasoning redacted by the provider]"


def reasoning_parts(message: Any, redacted_note: str = REDACTED) -> list[str]:
    """The readable reasoning parts of one message, in order (empty parts left out).

    Args:
        message: an Inspect chat message (any role; only `ContentReasoning` parts count).
        redacted_note: what stands for a redacted part that has no summary ("" drops it).
    """
    content = getattr(message, "content", None)
    if not isinstance(content, list):
        return []
    out = []
    for part in content:
        if not isinstance(part, ContentReasoning):
            continue
        if part.redacted:
            text = part.summary or redacted_note
        else:
            text = part.reasoning or part.summary or ""
        if text.strip():
            out.append(text.strip())
    return out


def reasoning_of(message: Any, redacted_note: str = REDACTED) -> str:
    """All readable reasoning of one message, parts joined by blank lines."""
    return "\n\n".join(reasoning_parts(message, redacted_note))
