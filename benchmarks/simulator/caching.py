"""Prompt-cache billing like the providers': Anthropic breakpoints, OpenAI automatic prefixes.

An entry becomes visible when the request that wrote it sends its first response byte, so
requests sent together all pay the write; it lives `ttl` seconds from its last write or
read. Billing is decided when a request is admitted (its arrival time).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.simulator.tokens import CHARS_PER_TOKEN, canonical, count_text, count_value


@dataclass
class _Entry:
    visible_at: float
    expires_at: float


class PrefixCache:
    """Prefix keys -> entries; thread-safe."""

    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def usable(self, key: str, arrival: float) -> bool:
        """Whether a request that arrived at `arrival` may read this prefix (refreshes it)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires_at <= arrival or entry.visible_at > arrival:
                return False
            entry.expires_at = max(entry.expires_at, arrival + self.ttl)
            return True

    def commit(self, keys: list[str]) -> None:
        """The writer sent its first byte: its prefixes become visible from now."""
        now = self.clock()
        with self._lock:
            for key in keys:
                entry = self._entries.get(key)
                if entry is not None and entry.expires_at > now:
                    entry.expires_at = max(entry.expires_at, now + self.ttl)
                else:
                    self._entries[key] = _Entry(visible_at=now, expires_at=now + self.ttl)
            if len(self._entries) > 10_000:  # keep memory bounded in long benchmarks
                self._entries = {k: e for k, e in self._entries.items() if e.expires_at > now}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


@dataclass
class InputBill:
    """How one request's input tokens are billed, and the cache keys it writes."""

    uncached: int = 0
    cache_write: int = 0
    cache_read: int = 0
    openai_cached: int = 0
    writes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.uncached + self.cache_write + self.cache_read + self.openai_cached


# ---------------------------------------------------------------- Anthropic


@dataclass
class Segment:
    key: str  # the block's content (without cache_control), tagged with where it sits
    tokens: int
    breakpoint: bool


def _segment(where: str, block: Any) -> Segment:
    if not isinstance(block, dict):
        return Segment(f"{where}|{canonical(block)}", count_value(block), False)
    content = {k: v for k, v in block.items() if k != "cache_control"}
    if block.get("type") == "text" and isinstance(block.get("text"), str):
        tokens = count_text(block["text"])  # plain text counts its characters only
    else:
        tokens = count_value(content)
    return Segment(f"{where}|{canonical(content)}", tokens, bool(block.get("cache_control")))


def anthropic_segments(body: dict[str, Any]) -> list[Segment]:
    """The request's blocks in the order the cache sees them: tools, system, messages."""
    segments = [_segment("tool", tool) for tool in body.get("tools") or []]
    system = body.get("system")
    if isinstance(system, str):
        if system:
            segments.append(_segment("system", {"type": "text", "text": system}))
    elif isinstance(system, list):
        segments.extend(_segment("system", block) for block in system)
    for i, message in enumerate(body.get("messages") or []):
        content = message.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for j, block in enumerate(blocks or []):
            segments.append(_segment(f"{i}:{message.get('role')}:{j}", block))
    if body.get("cache_control") and segments:
        # automatic caching: a top-level cache_control is a breakpoint on the last block
        segments[-1].breakpoint = True
    return segments


def anthropic_count(body: dict[str, Any]) -> int:
    return sum(s.tokens for s in anthropic_segments(body))


def anthropic_bill(
    body: dict[str, Any], cache: PrefixCache, min_tokens: int, arrival: float
) -> InputBill:
    """Read the longest usable breakpoint prefix; write up to the last cacheable breakpoint."""
    segments = anthropic_segments(body)
    digest = hashlib.sha256(canonical(body.get("model")).encode())
    running = 0
    breakpoints: list[tuple[int, str]] = []  # (prefix tokens, key) at each breakpoint
    for seg in segments:
        digest.update(f"{len(seg.key)}:{seg.key}".encode())
        running += seg.tokens
        if seg.breakpoint and running >= min_tokens:  # shorter prefixes are never cached
            breakpoints.append((running, digest.hexdigest()))
    total = running
    read = 0
    for tokens, key in reversed(breakpoints):
        if cache.usable(key, arrival):
            read = tokens
            break
    written = [(tokens, key) for tokens, key in breakpoints if tokens > read]
    write = written[-1][0] - read if written else 0
    return InputBill(
        uncached=total - read - write,
        cache_write=write,
        cache_read=read,
        writes=[key for _, key in written],
    )


# ---------------------------------------------------------------- OpenAI


def openai_prompt_text(body: dict[str, Any]) -> str:
    """The prompt flattened so that a shared conversation prefix gives a shared text prefix."""
    parts = [canonical({"tool": t}) for t in body.get("tools") or []]
    parts.extend(canonical(m) for m in body.get("messages") or [])
    return "".join(parts)


def openai_bill(
    body: dict[str, Any],
    cache: PrefixCache,
    min_tokens: int,
    increment: int,
    arrival: float,
) -> InputBill:
    """Cached tokens: the longest seen prefix of >= min_tokens, in `increment`-token steps."""
    text = openai_prompt_text(body)
    total = count_text(text)
    digest = hashlib.sha256(canonical(body.get("model")).encode())
    keys: list[tuple[int, str]] = []
    done = 0  # characters hashed so far
    for tokens in range(min_tokens, total + 1, increment):
        end = tokens * CHARS_PER_TOKEN
        digest.update(text[done:end].encode())
        done = end
        keys.append((tokens, digest.hexdigest()))
    cached = 0
    for tokens, key in reversed(keys):
        if cache.usable(key, arrival):
            cached = tokens
            break
    return InputBill(
        uncached=total - cached,
        openai_cached=cached,
        writes=[key for tokens, key in keys if tokens > cached],
    )
