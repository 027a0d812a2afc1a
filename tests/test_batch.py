"""`insider run --batch`: Inspect's batch path through the simulator's batch APIs (loopback)."""

from __future__ import annotations

import pytest
from inspect_ai.log import read_eval_log
from inspect_ai.model import BatchConfig

from benchmarks.reliability.fuzz import invoke
from benchmarks.simulator import SimulatorConfig, run_simulator
from insider.runner import RunOptions, run_experiment

# Inspect polls every 15 s by default: short ticks keep the test at seconds
QUICK = BatchConfig(size=10, send_delay=0.2, tick=0.2)


@pytest.fixture(autouse=True)
def fake_keys(monkeypatch):
    from inspect_ai.model._model import _models

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-fake")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake")
    # Inspect memoizes each model with the base URL it first read: each test has its own simulator
    _models.clear()


def _full_price(stats: dict) -> float:
    cost = stats["cost"]
    inputs = sum(stats["input_tokens"][k] * w for k, w in cost["weights"].items())
    return inputs + stats["output_tokens"] * cost["output_multiplier"]


@pytest.mark.parametrize("model", ["anthropic/claude-sim", "openai/gpt-sim"])
def test_batched_run_is_scored_and_billed_at_half_price(model, tmp_path, monkeypatch):
    cfg = SimulatorConfig(text="I will not act on this.", batch_delay_s=0.2)
    with run_simulator(cfg) as sim:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", sim.base_url)
        monkeypatch.setenv("OPENAI_BASE_URL", sim.openai_base_url)
        opts = RunOptions(family="blackmail", model=model, samples=2, out=str(tmp_path / "run"),
                          display="none", batch=QUICK)
        success, logs, _ = run_experiment(opts)
        stats = sim.stats()
    assert success
    log = read_eval_log(logs[0].location)
    assert log.status == "success" and len(log.samples) == 4  # 2 conditions x 2 samples
    assert all(s.scores and s.error is None for s in log.samples)
    provider = model.split("/")[0]
    assert stats["requests"] == 0  # no direct generation call: everything went in batches
    assert stats["batches"][provider] >= 1
    assert stats["batched_requests"] == stats["billed_requests"] == 4
    assert stats["cost"]["total"] == pytest.approx(0.5 * _full_price(stats), abs=0.01)
    if provider == "anthropic":  # no warm-up under --batch: one batch, the first request writes
        assert stats["input_tokens"]["cache_read"] > 0


def test_judge_calls_follow_the_run_into_batches(tmp_path, monkeypatch):
    cfg = SimulatorConfig(text="I will not act on this.", batch_delay_s=0.2)
    with run_simulator(cfg) as sim:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", sim.base_url)
        opts = RunOptions(family="blackmail", model="anthropic/claude-sim", judge="anthropic/claude-sim-judge",
                          policy="judge", samples=1, out=str(tmp_path / "run"), display="none", batch=QUICK)
        success, logs, _ = run_experiment(opts)
        stats = sim.stats()
    assert success
    log = read_eval_log(logs[0].location)
    judges = [s.scores["insider"].metadata["judge"] for s in log.samples]
    assert all(j and j["model"] == "anthropic/claude-sim-judge" for j in judges)  # every sample asked
    assert stats["requests"] == 0  # agents and judges alike went in batches
    assert stats["batched_requests"] == stats["billed_requests"] > 2


def test_prompt_cache_works_inside_one_batch():
    import anthropic

    system = [{"type": "text", "text": "policy " * 1000, "cache_control": {"type": "ephemeral"}}]
    params = {"model": "claude-sim", "max_tokens": 20, "system": system,
              "messages": [{"role": "user", "content": "hi"}]}
    with run_simulator(SimulatorConfig(batch_delay_s=0)) as sim:
        client = anthropic.Anthropic(api_key="sk-fake", base_url=sim.base_url)
        batch = client.messages.batches.create(
            requests=[{"custom_id": f"r{i}", "params": params} for i in range(3)])
        assert client.messages.batches.retrieve(batch.id).processing_status == "ended"
        results = client.messages.batches.results(batch.id)
        usages = {r.custom_id: r.result.message.usage for r in results}
    # processed in submission order: the first writes, the others read
    written = usages["r0"].cache_creation_input_tokens
    assert written > 0 and usages["r0"].cache_read_input_tokens == 0
    assert usages["r1"].cache_read_input_tokens == usages["r2"].cache_read_input_tokens == written


@pytest.mark.parametrize("model", ["replay/examples/replay-demo.jsonl", "embedded/smollm2-135m"])
def test_batch_refused_for_providers_without_a_batch_api(model, tmp_path):
    code, out, err, traceback = invoke(["run", "--batch", "--model", model, "--out", str(tmp_path)])
    assert code == 2 and not traceback
    assert err.strip().count("\n") == 0 and "--batch" in err and "no batch API" in err


def test_openai_batch_files_and_a_line_for_another_endpoint():
    import io
    import json

    import openai

    lines = [{"custom_id": "ok", "method": "POST", "url": "/v1/chat/completions",
              "body": {"model": "gpt-sim", "messages": [{"role": "user", "content": "hi"}]}},
             {"custom_id": "bad", "method": "POST", "url": "/v1/responses", "body": {}}]
    data = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    with run_simulator(SimulatorConfig(batch_delay_s=0)) as sim:
        client = openai.OpenAI(api_key="sk-fake", base_url=sim.openai_base_url)
        upload = client.files.create(file=("in.jsonl", io.BytesIO(data)), purpose="batch")
        batch = client.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions",
                                      completion_window="24h")
        batch = client.batches.retrieve(batch.id)
        output = client.files.content(batch.output_file_id).text
        errors = client.files.content(batch.error_file_id).text
        stats = sim.stats()
    assert batch.status == "completed"
    assert (batch.request_counts.completed, batch.request_counts.failed) == (1, 1)
    assert json.loads(output)["response"]["body"]["object"] == "chat.completion"
    assert json.loads(errors)["custom_id"] == "bad"
    assert stats["batches"] == {"openai": 1} and stats["batched_requests"] == 1
