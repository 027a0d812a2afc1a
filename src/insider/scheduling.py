"""Request ordering for provider prompt caches, and Inspect's response cache for re-runs.

A provider's prompt-cache entry (Anthropic) serves only requests that arrive after the
request writing it has started answering: the repeats of one condition, sent together,
would all pay the cache write (1.25x) and none the read (0.1x). So:

- `warm_order(samples)`: one sample of each distinct prompt first (the writers), then the
  others, still grouped by prompt. Inspect starts samples in dataset order, so the sample
  slots first go to writers instead of to readers that could only wait.
- `warm_prefix(inner)`: a solver around the generating solver. The first sample of a
  prompt (per model and event loop) generates at once; the others wait until it has
  returned, then read the cache. A writer that fails hands the turn to one waiter; a
  waiter gives up waiting after `timeout` seconds (it then pays a write, never stalls).
  Providers without prompt caching lose only that wait, once per prompt.

The wait ends when the writer's generation has returned rather than when its answer starts
(Inspect shows no first-byte event): the readers of a prompt start one answer later, which
costs wall time only when the run is not already bound by the rate limit.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio
from inspect_ai.dataset import Sample
from inspect_ai.model import CachePolicy
from inspect_ai.solver import Generate, Solver, TaskState, solver

from insider.inspect_adapter import active_model_name

# Anthropic keeps an entry 5 minutes from its last use; stay under it.
WARM_TTL_S = 240.0
DEFAULT_WAIT_S = 300.0
Role = Literal["writer", "reader"]


def messages_key(messages: list[Any], model: str = "") -> str:
    """The prompt a provider cache would key on: model, then each message's role and text."""
    digest = hashlib.sha256(model.encode())
    for m in messages:
        text = m.text if hasattr(m, "text") else str(m)
        digest.update(f"\x00{getattr(m, 'role', '')}\x00{len(text)}\x00".encode())
        digest.update(text.encode())
    return digest.hexdigest()


def caches_prompts(model: str) -> bool:
    """Providers whose prompt cache needs a writer to answer before readers arrive."""
    return model.startswith("anthropic/")


def resolve_warm_cache(warm_cache: bool | None) -> bool:
    """None: on for Anthropic models. The active model is known when Inspect builds the task
    (`inspect eval insider/...`); `insider run` passes an explicit value."""
    if warm_cache is not None:
        return bool(warm_cache)
    try:
        model = active_model_name()
    except Exception:  # no active model (a task built outside eval): leave the order alone
        return False
    return model is not None and caches_prompts(model)


def _sample_key(sample: Sample) -> str:
    return messages_key(sample.input if isinstance(sample.input, list) else [sample.input])


def warm_order(samples: list[Sample]) -> list[Sample]:
    """First sample of each distinct prompt, then the rest (grouped by prompt, stable)."""
    firsts: dict[str, Sample] = {}
    rest: dict[str, list[Sample]] = {}
    for s in samples:
        key = _sample_key(s)
        if key in firsts:
            rest[key].append(s)
        else:
            firsts[key] = s
            rest[key] = []
    return list(firsts.values()) + [s for key in firsts for s in rest[key]]


@dataclass
class PrefixGate:
    """Who writes each prompt's cache entry, and who waits for it (one per event loop)."""

    ttl: float = WARM_TTL_S
    clock: Any = time.monotonic
    _writing: dict[str, anyio.Event] = field(default_factory=dict)
    _warm: dict[str, float] = field(default_factory=dict)  # key -> last use
    waited: int = 0  # readers that waited for a writer
    timeouts: int = 0

    def _is_warm(self, key: str) -> bool:
        at = self._warm.get(key)
        if at is None or self.clock() - at > self.ttl:
            return False
        self._warm[key] = self.clock()  # a read refreshes the provider's entry
        return True

    async def turn(self, key: str, timeout: float) -> Role:
        """Wait for this prompt's writer if there is one; return this sample's role."""
        deadline = self.clock() + timeout
        while True:
            if self._is_warm(key):
                return "reader"
            event = self._writing.get(key)
            if event is None:
                self._writing[key] = anyio.Event()
                return "writer"
            self.waited += 1
            with anyio.move_on_after(max(0.0, deadline - self.clock())):
                await event.wait()
                continue  # warm now, or the writer failed: look again
            self.timeouts += 1
            return "reader"  # waited long enough: go, and pay the write

    def mark_warm(self, key: str) -> None:
        self._warm[key] = self.clock()

    def done(self, key: str, ok: bool) -> None:
        """The writer's generation returned (`ok`) or failed; release its waiters."""
        event = self._writing.pop(key, None)
        if ok:
            self._warm[key] = self.clock()
        if event is not None:
            event.set()


_gates: weakref.WeakKeyDictionary[Any, PrefixGate] = weakref.WeakKeyDictionary()


def gate_for_loop() -> PrefixGate | None:
    """The running event loop's gate (None outside asyncio, e.g. under trio: no gating)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = PrefixGate()
    return gate


def response_cache(value: bool | str | CachePolicy | None) -> CachePolicy | None:
    """`--cache` as a policy: True (1 week), an expiry such as "1D", or a CachePolicy."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, CachePolicy):
        return value
    if value is True or str(value).lower() in ("true", "yes", "1", "on"):
        return CachePolicy()
    policy = CachePolicy.from_string(str(value))
    if policy is None:
        from insider.errors import InsiderError

        raise InsiderError(f"--cache {value!r}: expected an expiry such as 12h, 1D, 1W (or no value)")
    return policy


def _with_cache(generate: Generate, policy: CachePolicy, sample_id: Any) -> Generate:
    # Repeats of a condition have identical inputs: scope the key by sample, or every
    # repeat would replay the first one's answer.
    scoped = policy.model_copy(update={"scopes": {**policy.scopes, "insider_sample": str(sample_id)}})

    async def cached(state: TaskState, *args: Any, **kwargs: Any) -> TaskState:
        kwargs.setdefault("cache", scoped)
        return await generate(state, *args, **kwargs)

    return cached  # type: ignore[return-value]


@solver
def warm_prefix(
    inner: Solver,
    warm_cache: bool = True,
    cache: bool | str | None = None,
    timeout: float = DEFAULT_WAIT_S,
) -> Solver:
    """Run `inner` (the generating solver) behind the prompt's cache writer; see module doc."""
    policy = response_cache(cache)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if policy is not None:
            generate = _with_cache(generate, policy, state.sample_id)
        gate = gate_for_loop() if warm_cache else None
        if gate is None:
            return await inner(state, generate)
        key = messages_key(state.messages, str(state.model))
        role = await gate.turn(key, timeout)
        ok = False
        try:
            state = await inner(state, generate)
            ok = state.output is None or not state.output.error
            return state
        finally:
            if role == "writer":
                gate.done(key, ok)
            elif ok:
                gate.mark_warm(key)  # a reader that went after a timeout warmed it too

    return solve
