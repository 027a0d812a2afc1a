"""What the simulated model says: a fixed text, or lines of a replay file.

Replay rule (no `match`: the server sees no sample metadata, so `match` keys are ignored):
each new episode — a request with no assistant message yet — takes the next line, the
k-th episode getting line k mod n. A later request of the episode finds its line through
the conversation start (everything before the first assistant message) and, when several
episodes share that start, through the first answer's text; its n-th assistant message
count picks `turns[n]` (the last entry repeats).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.simulator.tokens import canonical


@dataclass(frozen=True)
class ToolCall:
    function: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Turn:
    response: str
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class ReplayLine:
    turns: tuple[Turn, ...]  # a line without `turns` is one turn that repeats


def load_replay(path: str | Path) -> list[ReplayLine]:
    """Parse a replay file with the replay model's own parser (one reading of the contract,
    docs/contracts/replay-jsonl.md; errors name the line), in the simulator's shapes."""
    from insider.models.replay import load_replay as parse_contract_file

    return [
        ReplayLine(tuple(Turn(t.response, tuple(ToolCall(f, dict(a)) for f, a in t.tool_calls)) for t in line.turns))
        for line in parse_contract_file(Path(path))
    ]


def content_text(content: Any) -> str:
    """The text of a message's content (a string or a list of blocks/parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
        )
    return ""


@dataclass
class Answerer:
    """Picks the answer to each request; thread-safe."""

    fixed_text: str
    lines: list[ReplayLine] | None = None
    _next: int = 0
    _episodes: dict[str, list[int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, system: Any, messages: list[dict[str, Any]]) -> Turn:
        if not self.lines:
            return Turn(self.fixed_text)
        assistants = [i for i, m in enumerate(messages) if m.get("role") == "assistant"]
        cut = assistants[0] if assistants else len(messages)
        start = hashlib.sha256(canonical([system, messages[:cut]]).encode()).hexdigest()
        with self._lock:
            if not assistants:
                index = self._next % len(self.lines)
                self._next += 1
                self._episodes.setdefault(start, []).append(index)
            else:
                index = self._find(start, content_text(messages[cut].get("content")))
        turns = self.lines[index].turns
        return turns[min(len(assistants), len(turns) - 1)]

    def _find(self, start: str, first_answer: str) -> int:
        candidates = self._episodes.get(start)
        if not candidates:  # an episode this server never began: start one
            index = self._next % len(self.lines)  # type: ignore[arg-type]
            self._next += 1
            self._episodes[start] = [index]
            return index
        for index in candidates:
            expected = self.lines[index].turns[0].response.strip()  # type: ignore[index]
            if expected and expected in first_answer:
                return index
        return candidates[0]

    def reset(self) -> None:
        with self._lock:
            self._next = 0
            self._episodes.clear()
