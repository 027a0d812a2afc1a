"""Settings of the provider simulator: one dataclass, validated on creation."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from insider.errors import InsiderError

# Fault kinds the simulator can inject; `fault_kinds` picks among them uniformly.
FAULT_KINDS = ("server_error", "overloaded", "timeout", "malformed", "cutoff")


@dataclass
class SimulatorConfig:
    """How the simulated provider behaves.

    Times are seconds; token counts use `benchmarks.simulator.tokens` (about 4 characters a
    token), the same rule for limits, billing and the usage the answers report.
    """

    host: str = "127.0.0.1"
    port: int = 0  # 0: pick a free port
    # latency: before the first response byte, then per output token while answering
    latency_s: float = 0.0
    latency_per_output_token_s: float = 0.0
    # limits over a sliding 60 s window; None = unlimited. 429 + retry-after when exceeded.
    rpm: int | None = None
    tpm: int | None = None  # input tokens at admission + output tokens when answered
    # faults: each admitted request fails with this probability, kinds drawn uniformly
    fault_rate: float = 0.0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0
    timeout_hold_s: float = 30.0  # how long a "timeout" fault holds the connection
    # answers: a replay file (docs/contracts/replay-jsonl.md) or else a fixed text
    replay: str | Path | None = None
    text: str = "This is a simulated answer."
    # billing (prices in base-input-token equivalents)
    cache_ttl_s: float = 300.0
    min_cacheable_tokens: int = 1024  # Anthropic's minimum for Sonnet-class models
    cache_write_multiplier: float = 1.25
    cache_read_multiplier: float = 0.1
    openai_min_cached_tokens: int = 1024
    openai_cache_increment: int = 128
    openai_cached_multiplier: float = 0.5
    output_multiplier: float = 5.0  # output price / input price (Sonnet: 15/3)
    max_cache_breakpoints: int = 4  # Anthropic rejects requests with more
    # batch APIs: both providers bill batched requests at half price; a batch ends this long
    # after it was created (real ones take minutes to hours; tests want it quick)
    batch_multiplier: float = 0.5
    batch_delay_s: float = 0.5
    # the clock used for cache expiry, visibility and rate windows (tests pass a fake one)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        unknown = [k for k in self.fault_kinds if k not in FAULT_KINDS]
        if unknown:
            raise InsiderError(
                f"simulator: unknown fault kind(s) {unknown}; choose from {list(FAULT_KINDS)}"
            )
        if not 0.0 <= self.fault_rate <= 1.0:
            raise InsiderError(f"simulator: fault_rate {self.fault_rate} must be in [0, 1]")
        if self.fault_rate > 0 and not self.fault_kinds:
            raise InsiderError("simulator: fault_rate > 0 needs at least one fault kind")
        for name in ("latency_s", "latency_per_output_token_s", "timeout_hold_s", "cache_ttl_s",
                     "batch_multiplier", "batch_delay_s"):
            if getattr(self, name) < 0:
                raise InsiderError(f"simulator: {name} must not be negative")
        for name in ("rpm", "tpm"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise InsiderError(f"simulator: {name} must be positive (or unset)")
        self.fault_kinds = tuple(self.fault_kinds)
