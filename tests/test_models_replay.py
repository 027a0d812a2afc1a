"""The replay provider, driven through real Inspect eval() runs (offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageUser, get_model
from inspect_ai.solver import Generate, TaskState, solver

import insider.models  # noqa: F401  (registers replay/)
from insider.errors import InsiderError


def write(tmp_path: Path, lines: list) -> Path:
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    return path


@solver
def turns(n: int):
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        for _ in range(n):
            state = await generate(state, tool_calls="none")
            state.messages.append(ChatMessageUser(content="go on"))
        return state

    return solve


def samples(conditions: list[str], with_index: bool = True) -> list[Sample]:
    out, repeats = [], {}
    for i, cond in enumerate(conditions):
        r = repeats[cond] = repeats.get(cond, -1) + 1
        meta = {"condition": cond, "family": "test", "repeat": r}
        if with_index:
            meta["sample_index"] = i
        out.append(Sample(id=f"{cond}#{r}", input="hello", metadata=meta))
    return out


def run(tmp_path: Path, path: Path, dataset: list[Sample], n_turns: int = 1) -> dict[str, list]:
    """Return sample id -> the assistant messages it got."""
    [log] = eval(
        Task(dataset=dataset, solver=turns(n_turns)),
        model=f"replay/{path}",
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success", log.error
    return {s.id: [m for m in s.messages if m.role == "assistant"] for s in log.samples}


def texts(result: dict[str, list]) -> dict[str, list[str]]:
    return {k: [m.text for m in v] for k, v in result.items()}


def test_unmatched_lines_go_to_samples_by_index_modulo(tmp_path):
    path = write(tmp_path, [{"response": "A"}, {"response": "B"}, {"response": "C"}])
    got = texts(run(tmp_path, path, samples(["x"] * 5)))
    assert [got[f"x#{r}"][0] for r in range(5)] == ["A", "B", "C", "A", "B"]


def test_same_file_gives_same_answers(tmp_path):
    path = write(tmp_path, [{"response": str(i)} for i in range(3)])
    ds = samples(["a", "b"] * 4)
    assert texts(run(tmp_path, path, ds)) == texts(run(tmp_path, path, ds))


def test_match_groups_cycle_in_file_order_and_others_fall_back(tmp_path):
    path = write(
        tmp_path,
        [
            {"response": "fallback-0"},
            {"response": "t1", "match": {"condition": "threat"}},
            {"response": "fallback-1"},
            {"response": "t2", "match": {"condition": "threat"}},
            {"response": "c1", "match": {"condition": "control", "family": "test"}},
        ],
    )
    # run order: threat#0 control#0 other#0 threat#1 other#1 threat#2
    ds = samples(["threat", "control", "other", "threat", "other", "threat"])
    got = {k: v[0] for k, v in texts(run(tmp_path, path, ds)).items()}
    assert [got["threat#0"], got["threat#1"], got["threat#2"]] == ["t1", "t2", "t1"]
    assert got["control#0"] == "c1"
    # unmatched samples: line k modulo 2 of the unmatched lines, k the run position (2 and 4)
    assert got["other#0"] == "fallback-0" and got["other#1"] == "fallback-0"


def test_match_on_a_value_the_sample_lacks_does_not_match(tmp_path):
    path = write(tmp_path, [{"response": "m", "match": {"threat": "replacement"}}, {"response": "u"}])
    got = texts(run(tmp_path, path, samples(["x"])))
    assert got["x#0"] == ["u"]


def test_no_sample_index_falls_back_to_first_seen_order(tmp_path):
    path = write(tmp_path, [{"response": "A"}, {"response": "B"}])
    got = texts(run(tmp_path, path, samples(["x", "x"], with_index=False)))
    assert sorted(v[0] for v in got.values()) == ["A", "B"]


def test_turns_follow_generation_count_and_last_repeats(tmp_path):
    path = write(
        tmp_path,
        [{"turns": [{"response": "first"}, {"response": "", "tool_calls": [{"function": "send_email", "arguments": {"to": "a@b.c"}}]}, {"response": "last"}]}],
    )
    got = run(tmp_path, path, samples(["x"]), n_turns=5)
    messages = got["x#0"]
    assert [m.text for m in messages] == ["first", "", "last", "last", "last"]
    [call] = messages[1].tool_calls
    assert call.function == "send_email" and call.arguments == {"to": "a@b.c"} and call.id
    assert messages[0].tool_calls is None


def test_tool_calls_on_a_single_response_get_distinct_ids(tmp_path):
    path = write(tmp_path, [{"response": "ok", "tool_calls": [{"function": "f", "arguments": {}}, {"function": "g"}]}])
    [msg] = run(tmp_path, path, samples(["x"]))["x#0"]
    assert [c.function for c in msg.tool_calls] == ["f", "g"]
    assert len({c.id for c in msg.tool_calls}) == 2


def test_usage_is_reported(tmp_path):
    path = write(tmp_path, [{"response": "x" * 40}])
    [log] = eval(Task(dataset=samples(["x"]), solver=turns(1)), model=f"replay/{path}", log_dir=str(tmp_path), display="none")
    usage = log.samples[0].output.usage
    assert usage.output_tokens == 10 and usage.input_tokens > 0


@pytest.mark.parametrize(
    "lines, where",
    [
        (['{"response": "ok"}', "", '{"response": "broken"'], ":3:"),
        (['{"response": "ok"}', "[1, 2]"], ":2:"),
        (['{"text": "no response key"}'], ":1:"),
        (['{"response": 5}'], ":1:"),
        (['{"response": "x", "match": "threat"}'], ":1:"),
        (['{"response": "x", "tool_calls": [{"arguments": {}}]}'], ":1:"),
        (['{"turns": []}'], ":1:"),
    ],
)
def test_bad_lines_are_errors_naming_the_line(tmp_path, lines, where):
    path = write(tmp_path, lines)
    with pytest.raises(InsiderError, match=f"answers.jsonl{where}"):
        get_model(f"replay/{path}", memoize=False)


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n  \n")
    with pytest.raises(InsiderError, match="empty"):
        get_model(f"replay/{path}", memoize=False)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(InsiderError, match="not found"):
        get_model(f"replay/{tmp_path}/nope.jsonl", memoize=False)


def test_only_matched_lines_and_an_unmatched_sample_is_an_error(tmp_path):
    path = write(tmp_path, [{"response": "m", "match": {"condition": "a"}}])
    [log] = eval(Task(dataset=samples(["b"]), solver=turns(1)), model=f"replay/{path}", log_dir=str(tmp_path), display="none")
    assert log.status == "error" and "fallback" in str(log.error)


def test_relative_path_resolves_from_the_working_directory(tmp_path, monkeypatch):
    write(tmp_path, [{"response": "rel"}])
    monkeypatch.chdir(tmp_path)
    got = texts(run(tmp_path, Path("answers.jsonl"), samples(["x"])))
    assert got["x#0"] == ["rel"]
