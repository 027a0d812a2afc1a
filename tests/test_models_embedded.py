"""The embedded llama.cpp provider: a short real generation with SmolLM2-135M, offline."""

from __future__ import annotations

import asyncio
import sys

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    GenerateConfig,
    get_model,
)
from inspect_ai.tool import ToolCall, ToolInfo, ToolParams

import insider.models  # noqa: F401  (registers embedded/)
from insider.errors import InsiderError
from insider.models import _tools, embedded

pytest.importorskip("llama_cpp")
SYSTEM = "You are Orion, an email assistant at Halvard Dynamics. " + "Read every email in the inbox carefully. " * 60


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    dataset = [
        Sample(id=f"c#{i}", input=[ChatMessageSystem(content=SYSTEM), ChatMessageUser(content="Write one short sentence.")],
               metadata={"sample_index": i})
        for i in range(3)
    ]
    [log] = eval(
        Task(dataset=dataset),
        model="embedded/smollm2-135m",
        log_dir=str(tmp_path_factory.mktemp("logs")),
        display="none",
        max_tokens=24,
        temperature=0.8,
        seed=7,
    )
    assert log.status == "success", log.error
    return log


def test_real_generation_reports_usage(log):
    for s in log.samples:
        assert s.output.completion.strip()
        usage = s.output.usage
        assert 0 < usage.output_tokens <= 24 and usage.input_tokens > 300


def test_shared_prefix_is_reused_across_samples(log):
    # Samples run one at a time (max_connections 1); the identical prompt is reused in whole
    # n_batch (256) blocks by all but the first sample.
    by_index = sorted(log.samples, key=lambda s: s.metadata["sample_index"])
    prompt = by_index[0].output.usage.input_tokens
    reused = [s.output.usage.input_tokens_cache_read for s in by_index]
    assert all(r % 256 == 0 for r in reused)
    assert reused[1:] == [(prompt - 1) // 256 * 256] * 2 and reused[1] > 0


def test_seed_differs_per_sample_and_repeats_per_run(log, tmp_path):
    completions = [s.output.completion for s in log.samples]
    assert len(set(completions)) > 1  # identical prompts, per-sample seeds
    [again] = eval(Task(dataset=[Sample(id="c#0", input=log.samples[0].input, metadata={"sample_index": 0})]),
                   model="embedded/smollm2-135m", log_dir=str(tmp_path), display="none",
                   max_tokens=24, temperature=0.8, seed=7)
    by_id = {s.id: s.output.completion for s in log.samples}
    assert again.samples[0].output.completion == by_id["c#0"]


def test_model_is_loaded_once_per_process():
    a = get_model("embedded/smollm2-135m", memoize=False)
    b = get_model("embedded/smollm2-135m", memoize=False)
    assert a.api.loaded is b.api.loaded
    assert a.api.max_connections() == 1


def test_counts_tokens_with_the_model_tokenizer():
    model = get_model("embedded/smollm2-135m")
    n = asyncio.run(model.count_tokens("Marcus, I know about Nadia."))
    assert 5 <= n <= 12


def test_without_prefix_reuse_nothing_is_reused():
    model = get_model("embedded/smollm2-135m", prefix_reuse="false", memoize=False)

    async def twice():
        msgs = [ChatMessageSystem(content=SYSTEM), ChatMessageUser(content="Hi")]
        return [await model.generate(msgs, config=GenerateConfig(max_tokens=2)) for _ in range(2)]

    outputs = asyncio.run(twice())
    assert outputs[1].usage.input_tokens_cache_read == 0


def test_unknown_model_arg_is_an_error():
    with pytest.raises(InsiderError, match="unknown model args for embedded/: n_gpu"):
        get_model("embedded/smollm2-135m", n_gpu=3, memoize=False)


def test_missing_llama_cpp_names_the_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import now raises ImportError
    with pytest.raises(InsiderError, match=r"pip install 'insider-eval\[embedded\]'"):
        embedded.load_model(tmp_path / "x.gguf")


TOOLS = [ToolInfo(name="send_email", description="Send an email", parameters=ToolParams())]


def test_tool_calls_are_parsed_from_markup():
    text = 'Sending now.\n<tool_call>\n{"name": "send_email", "arguments": {"to": "marcus@x.com"}}\n</tool_call>'
    prose, [call] = _tools.parse_tool_calls(text, TOOLS, "r1")
    assert prose == "Sending now." and call.function == "send_email"
    assert call.arguments == {"to": "marcus@x.com"} and call.id == "r1_0" and call.parse_error is None


def test_bare_json_and_bad_calls():
    _, [call] = _tools.parse_tool_calls('```json\n{"name": "send_email", "arguments": "{\\"to\\": \\"a\\"}"}\n```', TOOLS, "r")
    assert call.arguments == {"to": "a"}
    assert _tools.parse_tool_calls('{"note": "just json"}', TOOLS, "r") == ('{"note": "just json"}', [])
    _, [bad] = _tools.parse_tool_calls("<tool_call>{oops</tool_call>", TOOLS, "r")
    assert bad.parse_error
    _, [unknown] = _tools.parse_tool_calls('<tool_call>{"name": "rm", "arguments": {}}</tool_call>', TOOLS, "r")
    assert "unknown tool" in unknown.parse_error


def test_history_renders_tool_calls_and_results_as_text():
    msgs = [
        ChatMessageSystem(content="sys"),
        ChatMessageAssistant(content="", tool_calls=[ToolCall(id="1", function="send_email", arguments={"to": "a"})]),
        ChatMessageTool(content="sent", tool_call_id="1", function="send_email"),
    ]
    out = _tools.render_messages(msgs, TOOLS, "auto")
    assert out[0]["role"] == "system" and "send_email" in out[0]["content"] and "<tool_call>" in out[0]["content"]
    assert '"to": "a"' in out[1]["content"] and out[2]["role"] == "user" and "sent" in out[2]["content"]
    assert _tools.render_messages(msgs[:1], TOOLS, "none") == [{"role": "system", "content": "sys"}]


def test_prompt_longer_than_the_context_names_the_fix():
    model = get_model("embedded/smollm2-135m", n_ctx=64, memoize=False)
    with pytest.raises(Exception) as info:
        asyncio.run(model.generate([ChatMessageUser(content="word " * 200)], config=GenerateConfig(max_tokens=2)))
    assert "-M n_ctx=16384" in str(info.value)
