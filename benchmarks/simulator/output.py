"""The answer as both APIs render it: text, tool calls, why it stopped, its token count."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from benchmarks.simulator.answers import ToolCall, Turn
from benchmarks.simulator.tokens import CHARS_PER_TOKEN, count_text, count_value

_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}{next(_ids):012x}"


@dataclass(frozen=True)
class Output:
    text: str
    tool_calls: tuple[ToolCall, ...]
    stop: str  # "end", "tool" or "length"
    tokens: int


def make_output(turn: Turn, max_tokens: int | None) -> Output:
    """Cut a plain text answer at `max_tokens` like a model would; tool calls are kept whole."""
    text = turn.response
    if turn.tool_calls:
        tokens = count_text(text) + sum(
            count_text(c.function) + count_value(c.arguments) for c in turn.tool_calls
        )
        return Output(text, turn.tool_calls, "tool", max(tokens, 1))
    if max_tokens is not None and count_text(text) > max_tokens:
        text = text[: max_tokens * CHARS_PER_TOKEN]
        return Output(text, (), "length", count_text(text))
    return Output(text, (), "end", max(count_text(text), 1))


def text_pieces(text: str, tokens_per_piece: int = 4) -> list[str]:
    """Stream deltas of a few tokens each."""
    size = tokens_per_piece * CHARS_PER_TOKEN
    return [text[i : i + size] for i in range(0, len(text), size)] or []
