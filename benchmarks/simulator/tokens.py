"""A deterministic token count: about 4 characters a token, the same everywhere.

Billing, rate limits and the usage the answers report all use it, so their figures agree
with each other (not with any real tokenizer).
"""

from __future__ import annotations

import json
from typing import Any

CHARS_PER_TOKEN = 4


def count_text(text: str) -> int:
    """Tokens in a text: ceil(characters / 4)."""
    return -(-len(text) // CHARS_PER_TOKEN)


def canonical(value: Any) -> str:
    """A stable serialisation: the same value always gives the same string."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def count_value(value: Any) -> int:
    """Tokens of a structured value (a tool definition, tool arguments...)."""
    return count_text(value if isinstance(value, str) else canonical(value))
