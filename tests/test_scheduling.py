"""Cache warm-up ordering and the prefix gate (insider.scheduling), without a provider."""

from __future__ import annotations

import anyio
import pytest
from inspect_ai.dataset import Sample
from inspect_ai.model import CachePolicy, ChatMessageSystem, ChatMessageUser

from insider.errors import InsiderError
from insider.family import get_family
from insider.options import TaskOptions
from insider.runner import RunOptions, task_options_for
from insider.scheduling import PrefixGate, caches_prompts, response_cache, warm_order
from insider.tasks import build_task


def _sample(prompt: str, i: int) -> Sample:
    return Sample(id=f"{prompt}#{i}", input=[ChatMessageSystem(content="sys"), ChatMessageUser(content=prompt)])


def test_warm_order_puts_one_sample_per_prompt_first_and_keeps_groups():
    samples = [_sample(p, i) for p in ("a", "b", "c") for i in range(3)]
    order = [s.id for s in warm_order(samples)]
    assert order == ["a#0", "b#0", "c#0", "a#1", "a#2", "b#1", "b#2", "c#1", "c#2"]


def test_warm_order_leaves_distinct_prompts_alone():
    samples = [_sample(p, 0) for p in ("x", "y", "z")]
    assert [s.id for s in warm_order(samples)] == ["x#0", "y#0", "z#0"]


def test_task_orders_for_warm_up_only_when_asked():
    fam = get_family("blackmail")
    warm = build_task(fam, TaskOptions(preset="paper", samples=2, warm_cache=True))
    cold = build_task(fam, TaskOptions(preset="paper", samples=2, warm_cache=False))
    warm_ids = [s.id for s in warm.dataset]
    cold_ids = [s.id for s in cold.dataset]
    assert sorted(warm_ids) == sorted(cold_ids) and warm_ids != cold_ids
    assert all(i.endswith("#0") for i in warm_ids[:6])  # 6 conditions: their writers first
    assert all(i.endswith("#1") for i in warm_ids[6:])
    # sample_index stays the sample's place in the contiguous order (replay, seeds)
    assert {s.id: s.metadata["sample_index"] for s in warm.dataset} == {
        s.id: s.metadata["sample_index"] for s in cold.dataset
    }


async def _roles(gate: PrefixGate, outcomes: list[bool], n: int, timeout: float = 5.0) -> list[str]:
    """n samples of one prompt; the k-th writer ends with outcomes[k] (True: answered)."""
    roles: list[str] = []
    writers = iter(outcomes)

    async def one() -> None:
        role = await gate.turn("k", timeout)
        roles.append(role)
        if role == "writer":
            await anyio.sleep(0.05)
            gate.done("k", next(writers))

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(one)
    return roles


def test_gate_one_writer_then_readers():
    gate = PrefixGate()
    roles = anyio.run(_roles, gate, [True], 4)
    assert roles == ["writer", "reader", "reader", "reader"]
    assert gate.waited == 3 and gate.timeouts == 0


def test_gate_hands_the_turn_on_when_the_writer_fails():
    roles = anyio.run(_roles, PrefixGate(), [False, True], 3)
    assert roles == ["writer", "writer", "reader"]


def test_gate_waiter_gives_up_after_timeout():
    gate = PrefixGate()

    async def scenario() -> list[str]:
        assert await gate.turn("k", 1.0) == "writer"  # and never finishes
        return [await gate.turn("k", 0.05)]

    assert anyio.run(scenario) == ["reader"] and gate.timeouts == 1


def test_gate_forgets_a_prompt_after_the_provider_ttl():
    now = [0.0]
    gate = PrefixGate(ttl=240, clock=lambda: now[0])

    async def scenario() -> list[str]:
        first = await gate.turn("k", 1)
        gate.done("k", True)
        now[0] = 100
        second = await gate.turn("k", 1)  # a read refreshes the entry
        now[0] = 339
        third = await gate.turn("k", 1)
        now[0] = 600
        return [first, second, third, await gate.turn("k", 1)]

    assert anyio.run(scenario) == ["writer", "reader", "reader", "writer"]


def test_warm_cache_default_follows_the_model():
    assert caches_prompts("anthropic/claude-sonnet-4-5")
    assert not caches_prompts("embedded/qwen2.5-coder-1.5b") and not caches_prompts("openai/gpt-4.1")
    fam = get_family("agentic_misalignment")
    for model, expected in (("anthropic/claude-x", True), ("replay/x.jsonl", False)):
        opts = task_options_for(RunOptions(family="agentic_misalignment", model=model), fam)
        assert opts.warm_cache is expected and opts.cache is None
    opts = task_options_for(RunOptions(model="anthropic/c", warm_cache=False, cache="1D"), fam)
    assert (opts.warm_cache, opts.cache) == (False, "1D")


def test_cache_option_is_refused_where_a_family_has_none():
    with pytest.raises(InsiderError, match="--cache does not apply to the shutdown family"):
        task_options_for(RunOptions(family="shutdown", model="anthropic/c", cache="1D"), get_family("shutdown"))


def test_response_cache_values():
    assert response_cache(None) is None and response_cache(False) is None
    assert response_cache(True) == CachePolicy()
    assert response_cache("1D").expiry == "1D"
    with pytest.raises(InsiderError, match="expiry"):
        response_cache("soon")
