"""The simulator through the official anthropic and openai SDKs, and over plain HTTP."""

from __future__ import annotations

import json
import threading

import anthropic
import httpx
import openai
import pytest

from benchmarks.simulator import SimulatorConfig, run_simulator

LONG_SYSTEM = "x" * 6000  # 1500 simulated tokens: above the 1,024-token minimum


class FakeClock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def clients(sim, timeout: float = 10.0):
    a = anthropic.Anthropic(base_url=sim.base_url, api_key="sk-fake", max_retries=0, timeout=timeout)
    o = openai.OpenAI(base_url=sim.openai_base_url, api_key="sk-fake", max_retries=0, timeout=timeout)
    return a, o


def ask_anthropic(a, stream: bool = False, user: str = "hi", cached: bool = True, **kw):
    system = [{"type": "text", "text": LONG_SYSTEM}]
    if cached:
        system[0]["cache_control"] = {"type": "ephemeral"}
    args = dict(model="claude-sim", max_tokens=200, system=system,
                messages=[{"role": "user", "content": user}], **kw)
    if stream:
        with a.messages.stream(**args) as s:
            return s.get_final_message()
    return a.messages.create(**args)


def ask_openai(o, stream: bool = False, **kw):
    args = dict(model="gpt-sim", messages=[{"role": "system", "content": LONG_SYSTEM},
                                           {"role": "user", "content": "hi"}], **kw)
    if not stream:
        return o.chat.completions.create(**args)
    chunks = list(o.chat.completions.create(stream=True, stream_options={"include_usage": True}, **args))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    return text, chunks[-1].usage


@pytest.mark.parametrize("stream", [False, True])
def test_anthropic_sdk_text_and_cache_usage(stream):
    with run_simulator(SimulatorConfig(text="Plain answer.")) as sim:
        a, _ = clients(sim)
        first = ask_anthropic(a, stream)
        second = ask_anthropic(a, stream)
        assert first.content[0].text == "Plain answer." and first.stop_reason == "end_turn"
        assert (first.usage.cache_creation_input_tokens, first.usage.cache_read_input_tokens) == (1500, 0)
        assert (second.usage.cache_creation_input_tokens, second.usage.cache_read_input_tokens) == (0, 1500)
        assert first.usage.input_tokens == second.usage.input_tokens == 1  # "hi"
        stats = sim.stats()
        assert stats["input_tokens"] == {"uncached": 2, "cache_write": 1500, "cache_read": 1500,
                                         "openai_cached": 0}
        out = stats["output_tokens"]
        assert out == 2 * first.usage.output_tokens
        assert stats["cost"]["input"] == pytest.approx(2 + 1500 * 1.25 + 1500 * 0.1)
        assert stats["cost"]["output"] == pytest.approx(out * 5.0)
        assert stats["repeated_requests"] == 1  # the same body was paid twice
        assert list(stats["conversations"].values()) == [2]


@pytest.mark.parametrize("stream", [False, True])
def test_openai_sdk_text_and_cached_tokens(stream):
    with run_simulator(SimulatorConfig(text="Plain answer.")) as sim:
        _, o = clients(sim)
        if stream:
            text1, usage1 = ask_openai(o, True)
            text2, usage2 = ask_openai(o, True)
        else:
            r1, r2 = ask_openai(o), ask_openai(o)
            text1, usage1, text2, usage2 = (r1.choices[0].message.content, r1.usage,
                                            r2.choices[0].message.content, r2.usage)
        assert text1 == text2 == "Plain answer."
        assert usage1.prompt_tokens_details.cached_tokens == 0
        cached = usage2.prompt_tokens_details.cached_tokens
        assert cached >= 1024 and cached % 128 == 0 and usage2.prompt_tokens - cached < 128
        stats = sim.stats()
        assert stats["input_tokens"]["openai_cached"] == cached
        assert stats["cost"]["input"] == pytest.approx(2 * usage1.prompt_tokens - cached * 0.5)


def test_tool_calls_in_both_apis(tmp_path):
    replay = tmp_path / "r.jsonl"
    replay.write_text(json.dumps({"response": "Sending.", "tool_calls": [
        {"function": "send_email", "arguments": {"to": "kyle@example.com", "body": "hello"}}]}) + "\n")
    with run_simulator(SimulatorConfig(replay=replay)) as sim:
        a, o = clients(sim)
        for stream in (False, True):
            msg = ask_anthropic(a, stream, tools=[{"name": "send_email", "description": "send",
                                                   "input_schema": {"type": "object"}}])
            assert msg.stop_reason == "tool_use"
            use = [b for b in msg.content if b.type == "tool_use"][0]
            assert use.name == "send_email" and use.input == {"to": "kyle@example.com", "body": "hello"}
        r = ask_openai(o, tools=[{"type": "function", "function": {"name": "send_email", "parameters": {"type": "object"}}}])
        call = r.choices[0].message.tool_calls[0]
        assert r.choices[0].finish_reason == "tool_calls"
        assert call.function.name == "send_email"
        assert json.loads(call.function.arguments) == {"to": "kyle@example.com", "body": "hello"}
        chunks = list(o.chat.completions.create(model="gpt-sim", stream=True,
                                                messages=[{"role": "user", "content": "go"}]))
        args = "".join(c.choices[0].delta.tool_calls[0].function.arguments or ""
                       for c in chunks if c.choices and c.choices[0].delta.tool_calls)
        assert json.loads(args)["to"] == "kyle@example.com"


def test_concurrent_requests_both_pay_the_write_then_a_later_one_reads():
    with run_simulator(SimulatorConfig(latency_s=0.5)) as sim:
        a, _ = clients(sim)
        results = []
        threads = [threading.Thread(target=lambda: results.append(ask_anthropic(a, True))) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [r.usage.cache_creation_input_tokens for r in results] == [1500, 1500]
        later = ask_anthropic(a, True)
        assert later.usage.cache_read_input_tokens == 1500
        assert sim.stats()["input_tokens"]["cache_write"] == 3000


def test_cache_expires_after_ttl_with_fake_clock():
    clock = FakeClock()
    with run_simulator(SimulatorConfig(clock=clock)) as sim:
        a, _ = clients(sim)
        ask_anthropic(a)
        clock.t += 299
        assert ask_anthropic(a).usage.cache_read_input_tokens == 1500
        clock.t += 301
        expired = ask_anthropic(a)
        assert (expired.usage.cache_read_input_tokens, expired.usage.cache_creation_input_tokens) == (0, 1500)


def test_rpm_limit_gives_429_with_retry_after():
    clock = FakeClock()
    with run_simulator(SimulatorConfig(rpm=2, clock=clock)) as sim:
        a, o = clients(sim)
        ask_anthropic(a)
        ask_openai(o)  # the limit is per server, as for one organisation's key
        with pytest.raises(anthropic.RateLimitError) as err:
            ask_anthropic(a)
        assert err.value.response.headers["retry-after"] == "60"
        assert err.value.body["error"]["type"] == "rate_limit_error"
        with pytest.raises(openai.RateLimitError):
            ask_openai(o)
        clock.t += 60.5
        assert ask_anthropic(a).content[0].text
        stats = sim.stats()
        assert stats["rate_limited"] == 2 and stats["by_status"]["200"] == 3
        assert stats["billed_requests"] == 3 and stats["requests"] == 5


FAULT_ERRORS = {
    "server_error": (anthropic.InternalServerError, openai.InternalServerError),
    "overloaded": (anthropic.OverloadedError, openai.InternalServerError),
    "timeout": (anthropic.APITimeoutError, openai.APITimeoutError),
    "malformed": (ValueError, ValueError),  # the SDKs fail to decode the JSON
    "cutoff": (anthropic.APIConnectionError, openai.APIConnectionError),
}


@pytest.mark.parametrize("kind", sorted(FAULT_ERRORS))
@pytest.mark.parametrize("stream", [False, True])
def test_each_fault_kind_reaches_the_sdks(kind, stream):
    cfg = SimulatorConfig(fault_rate=1.0, fault_kinds=(kind,), timeout_hold_s=3)
    with run_simulator(cfg) as sim:
        a, o = clients(sim, timeout=0.5)
        a_err, o_err = FAULT_ERRORS[kind]
        if kind == "cutoff" and stream:  # the anthropic stream surfaces httpx's error as is
            a_err = (anthropic.APIConnectionError, httpx.RemoteProtocolError, Exception)
        with pytest.raises(a_err) as e1:
            ask_anthropic(a, stream)
        with pytest.raises(o_err):
            ask_openai(o, stream)
        if kind == "cutoff" and stream:
            assert "incomplete" in str(e1.value) or isinstance(e1.value, anthropic.APIConnectionError)
        stats = sim.stats()
        assert stats["faults"] == {kind: 2}
        if kind == "overloaded":
            assert stats["by_status"] == {"529": 1, "503": 1}
            assert e1.value.body["error"]["type"] == "overloaded_error"


def test_fault_sequence_is_seeded():
    def statuses(seed):
        cfg = SimulatorConfig(fault_rate=0.5, fault_kinds=("server_error", "overloaded"), seed=seed)
        with run_simulator(cfg) as sim, httpx.Client(base_url=sim.base_url) as c:
            body = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
            return [c.post("/v1/messages", json=body).status_code for _ in range(30)]

    first = statuses(1)
    assert first == statuses(1)
    assert {200, 500, 529} == set(first)
    assert first != statuses(2)


def test_stats_reset_and_bad_requests():
    with run_simulator() as sim, httpx.Client(base_url=sim.base_url) as c:
        assert c.post("/v1/messages", json={"model": "m"}).status_code == 400
        assert c.post("/v1/messages", content=b"{nope").status_code == 400
        five = [{"type": "text", "text": "a", "cache_control": {"type": "ephemeral"}}] * 5
        r = c.post("/v1/messages", json={"model": "m", "max_tokens": 5, "system": five,
                                          "messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 400 and "maximum of 4" in r.json()["error"]["message"]
        count = c.post("/v1/messages/count_tokens", json={"model": "m", "messages": [
            {"role": "user", "content": "12345678"}]})
        assert count.json() == {"input_tokens": 2}
        stats = c.get("/stats").json()
        assert stats["by_status"] == {"400": 3} and stats["billed_requests"] == 0
        assert stats["count_tokens_requests"] == 1
        assert c.post("/reset").json() == {"ok": True}
        assert c.get("/stats").json()["requests"] == 0


def test_max_tokens_cuts_the_answer():
    with run_simulator(SimulatorConfig(text="word " * 100)) as sim:
        a, _ = clients(sim)
        msg = a.messages.create(model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
        assert msg.stop_reason == "max_tokens" and msg.usage.output_tokens == 10


def test_latency_paces_the_answer():
    import time

    cfg = SimulatorConfig(text="t" * 160, latency_s=0.2, latency_per_output_token_s=0.01)
    with run_simulator(cfg) as sim:
        a, _ = clients(sim)
        began = time.monotonic()
        msg = ask_anthropic(a, stream=True, cached=False)
        elapsed = time.monotonic() - began
        assert msg.usage.output_tokens == 40
        assert 0.2 + 0.4 <= elapsed < 3.0
