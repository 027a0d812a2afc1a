"""Cache warm-up and the response cache against the provider simulator (loopback only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval

from benchmarks.simulator import SimulatorConfig, run_simulator
from benchmarks.simulator.caching import PrefixCache, anthropic_bill
from insider._registry import TASKS

agentic_misalignment = TASKS["agentic_misalignment"]

CONDITIONS = "blackmail/none/none,leaking/none/none"


@pytest.fixture(autouse=True)
def fake_keys(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-fake")


def _run(tmp_path: Path, sim, **task_args):
    task = agentic_misalignment(samples=3, conditions=CONDITIONS, **task_args)
    log = eval(task, model="anthropic/claude-sim", model_base_url=sim.base_url,
               log_dir=str(tmp_path), display="none")[0]
    assert log.status == "success", log.error
    return sim.stats()


def test_top_level_cache_control_marks_the_last_block():
    # Inspect's Anthropic provider asks for automatic caching this way
    body = {"model": "m", "cache_control": {"type": "ephemeral"},
            "system": [{"type": "text", "text": "s" * 400}],
            "messages": [{"role": "user", "content": "u" * 8000}]}
    cache = PrefixCache(300, lambda: 0.0)
    first = anthropic_bill(body, cache, 1024, 0.0)
    assert first.cache_write == 2100 and first.uncached == 0
    cache.commit(first.writes)
    assert anthropic_bill(body, cache, 1024, 1.0).cache_read == 2100
    body.pop("cache_control")
    assert anthropic_bill(body, PrefixCache(300, lambda: 0.0), 1024, 0.0).uncached == 2100


def test_warm_up_writes_each_condition_once(tmp_path):
    # answers take a while: without warm-up the repeats arrive before the first answer starts
    cfg = SimulatorConfig(text="I will not act on this.", latency_s=0.3)
    with run_simulator(cfg) as sim:
        warm = _run(tmp_path / "warm", sim, warm_cache=True)["input_tokens"]
        sim.reset()
        cold = _run(tmp_path / "cold", sim, warm_cache=False)["input_tokens"]
    per_condition = warm["cache_write"] / 2
    assert warm["cache_read"] == pytest.approx(2 * warm["cache_write"])  # 2 readers per writer
    assert per_condition > 1024
    assert cold["cache_read"] == 0 and cold["cache_write"] == pytest.approx(3 * warm["cache_write"])


def test_response_cache_replays_a_rerun_without_requests(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    replay = tmp_path / "answers.jsonl"
    replay.write_text('{"response": "first answer"}\n{"response": "second answer"}\n')
    with run_simulator(SimulatorConfig(replay=replay)) as sim:
        first = _run(tmp_path / "one", sim, warm_cache=False, cache="1D")
        assert first["billed_requests"] == 6  # repeats are not served each other's answer
        sim.reset()
        again = _run(tmp_path / "two", sim, warm_cache=False, cache="1D")
        assert again["billed_requests"] == 0
