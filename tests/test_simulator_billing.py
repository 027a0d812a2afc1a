"""Caching arithmetic, limits and replay of the provider simulator, without HTTP."""

from __future__ import annotations

import json

import pytest

from benchmarks.simulator.answers import Answerer, load_replay
from benchmarks.simulator.caching import PrefixCache, anthropic_bill, openai_bill
from benchmarks.simulator.config import SimulatorConfig
from benchmarks.simulator.limits import RateLimiter
from insider.errors import InsiderError


class FakeClock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def system_block(chars: int, cache: bool = True) -> dict:
    block = {"type": "text", "text": "s" * chars}
    if cache:
        block["cache_control"] = {"type": "ephemeral"}
    return block


def anthropic_body(system_chars: int = 5000, user: str = "hi", user_cache: bool = False) -> dict:
    content: list[dict] = [{"type": "text", "text": user}]
    if user_cache:
        content[0]["cache_control"] = {"type": "ephemeral"}
    return {
        "model": "claude-sim",
        "max_tokens": 10,
        "system": [system_block(system_chars)],
        "messages": [{"role": "user", "content": content}],
    }


def bill_and_commit(body, cache, clock, commit=True, min_tokens=1024):
    bill = anthropic_bill(body, cache, min_tokens, clock())
    if commit:
        cache.commit(bill.writes)
    return bill


def test_write_then_read_after_the_writer_started():
    clock = FakeClock()
    cache = PrefixCache(300, clock)
    first = bill_and_commit(anthropic_body(), cache, clock)
    # 5000 chars = 1250 tokens written; "hi" after the breakpoint is uncached
    assert (first.cache_write, first.cache_read, first.uncached) == (1250, 0, 1)
    clock.t += 1
    second = bill_and_commit(anthropic_body(), cache, clock)
    assert (second.cache_write, second.cache_read, second.uncached) == (0, 1250, 1)


def test_requests_arriving_before_the_writer_answers_both_pay_the_write():
    clock = FakeClock()
    cache = PrefixCache(300, clock)
    a = anthropic_bill(anthropic_body(), cache, 1024, clock())
    b = anthropic_bill(anthropic_body(), cache, 1024, clock())  # arrives before a answers
    cache.commit(a.writes)
    cache.commit(b.writes)
    assert a.cache_write == b.cache_write == 1250
    assert a.cache_read == b.cache_read == 0
    # a request that arrived before the first byte cannot read even after the commit
    early = clock.t
    clock.t += 5
    cache2 = PrefixCache(300, clock)
    w = anthropic_bill(anthropic_body(), cache2, 1024, early)
    cache2.commit(w.writes)  # visible from clock.t
    assert anthropic_bill(anthropic_body(), cache2, 1024, early + 1).cache_read == 0
    assert anthropic_bill(anthropic_body(), cache2, 1024, clock.t).cache_read == 1250


def test_entry_expires_after_ttl_and_reads_refresh_it():
    clock = FakeClock(0.0)
    cache = PrefixCache(300, clock)
    bill_and_commit(anthropic_body(), cache, clock)  # lives until 300
    clock.t = 299
    assert bill_and_commit(anthropic_body(), cache, clock).cache_read == 1250  # now until 599
    clock.t = 598
    assert bill_and_commit(anthropic_body(), cache, clock).cache_read == 1250  # until 898
    clock.t = 899
    late = bill_and_commit(anthropic_body(), cache, clock)
    assert (late.cache_read, late.cache_write) == (0, 1250)


def test_prefix_below_minimum_is_not_cached():
    clock = FakeClock()
    cache = PrefixCache(300, clock)
    for _ in range(2):
        bill = bill_and_commit(anthropic_body(system_chars=4000), cache, clock)  # 1000 tokens
        assert (bill.cache_write, bill.cache_read, bill.uncached) == (0, 0, 1001)
    small = bill_and_commit(anthropic_body(system_chars=4000), cache, clock, min_tokens=512)
    assert small.cache_write == 1000


def test_longest_matching_breakpoint_is_read_and_the_rest_written():
    clock = FakeClock()
    cache = PrefixCache(300, clock)
    # system (1250, breakpoint) + user A (500 tokens, breakpoint)
    a = bill_and_commit(anthropic_body(user="a" * 2000, user_cache=True), cache, clock)
    assert (a.cache_write, a.cache_read, a.uncached) == (1750, 0, 0)
    b = bill_and_commit(anthropic_body(user="b" * 2000, user_cache=True), cache, clock)
    assert (b.cache_write, b.cache_read, b.uncached) == (500, 1250, 0)
    again = bill_and_commit(anthropic_body(user="a" * 2000, user_cache=True), cache, clock)
    assert (again.cache_write, again.cache_read) == (0, 1750)


def test_tools_come_before_system_in_the_prefix():
    clock = FakeClock()
    cache = PrefixCache(300, clock)
    body = anthropic_body()
    body["tools"] = [{"name": "t", "description": "d", "input_schema": {"type": "object"}}]
    bill_and_commit(body, cache, clock)
    other = anthropic_body()
    other["tools"] = [{"name": "u", "description": "d", "input_schema": {"type": "object"}}]
    assert bill_and_commit(other, cache, clock).cache_read == 0  # tools differ: prefix differs
    assert bill_and_commit(body, cache, clock).cache_read > 1250


def openai_body(system_chars: int, user: str = "hi") -> dict:
    return {
        "model": "gpt-sim",
        "messages": [
            {"role": "system", "content": "s" * system_chars},
            {"role": "user", "content": user},
        ],
    }


def test_openai_caches_the_longest_seen_prefix_in_128_token_steps():
    clock = FakeClock()
    cache = PrefixCache(300, clock)
    first = openai_bill(openai_body(8000), cache, 1024, 128, clock())
    cache.commit(first.writes)
    total = first.uncached
    assert first.openai_cached == 0 and total > 2000
    second = openai_bill(openai_body(8000, user="different"), cache, 1024, 128, clock())
    assert second.openai_cached >= 1024 and second.openai_cached % 128 == 0
    # the shared part is the system message (~2000 tokens); the cache stops before the user turn
    assert 2000 - 128 <= second.openai_cached <= 2010
    same = openai_bill(openai_body(8000), cache, 1024, 128, clock())
    assert total - 128 < same.openai_cached <= total
    short = openai_bill(openai_body(3000), PrefixCache(300, clock), 1024, 128, clock())
    assert short.openai_cached == 0


def test_rpm_limit_answers_retry_after_and_recovers():
    clock = FakeClock(0.0)
    limiter = RateLimiter(rpm=2, tpm=None, clock=clock)
    assert limiter.admit(10) is None
    clock.t = 10
    assert limiter.admit(10) is None
    clock.t = 20
    assert limiter.admit(10) == 40  # the first request leaves the window at t=60
    clock.t = 60.5
    assert limiter.admit(10) is None


def test_tpm_limit_counts_input_and_output_tokens():
    clock = FakeClock(0.0)
    limiter = RateLimiter(rpm=None, tpm=100, clock=clock)
    assert limiter.admit(60) is None
    limiter.spend(30)
    assert limiter.admit(20) is not None  # 60 + 30 + 20 > 100
    assert limiter.admit(10) is None


def test_replay_episodes_and_turns(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(
        json.dumps({"response": "first line"})
        + "\n\n"
        + json.dumps(
            {
                "response": "ignored",
                "turns": [
                    {"response": "calling", "tool_calls": [{"function": "send", "arguments": {"to": "x"}}]},
                    {"response": "done"},
                ],
            }
        )
        + "\n"
    )
    answerer = Answerer("fixed", load_replay(path))
    user = [{"role": "user", "content": "task"}]
    assert answerer.answer("sys", user).response == "first line"  # episode 0 -> line 0
    second = answerer.answer("sys", user)  # episode 1 -> line 1, turn 0
    assert second.response == "calling" and second.tool_calls[0].function == "send"
    assert answerer.answer("sys", user).response == "first line"  # episode 2 -> line 0
    # a later turn of the episode whose first answer was "calling" gets turn 1, then repeats it
    history = user + [{"role": "assistant", "content": [{"type": "text", "text": "calling"}]},
                      {"role": "user", "content": "result"}]
    assert answerer.answer("sys", history).response == "done"
    more = history + [{"role": "assistant", "content": "done"}, {"role": "user", "content": "?"}]
    assert answerer.answer("sys", more).response == "done"
    assert Answerer("fixed").answer(None, user).response == "fixed"


def test_replay_errors_name_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"response": "ok"}\n{not json\n')
    with pytest.raises(InsiderError, match=r"bad.jsonl:2"):
        load_replay(bad)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(InsiderError, match="empty"):
        load_replay(empty)


def test_config_rejects_unknown_fault_kind():
    with pytest.raises(InsiderError, match="unknown fault kind"):
        SimulatorConfig(fault_kinds=("meteor",))
