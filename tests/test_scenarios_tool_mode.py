"""Prompts rendered for the tool loop's native function tools vs the study's markup."""

from __future__ import annotations

import pytest
from helpers_tasks import agentic_samples

from insider.errors import InsiderError
from insider.scenarios import load_pack, render

FAMILIES = ("blackmail", "leaking", "lethal_action")


@pytest.mark.parametrize("family", FAMILIES)
def test_native_prompts_name_the_function_tools_and_no_markup(family):
    pack = load_pack(family)
    for condition in pack.conditions("default"):
        for seed in (None, 7):
            r = render(pack, condition, identity_seed=seed, tool_mode="native")
            for text in (r.system, r.user):
                assert "<tool_use:" not in text, condition.id
            for name in ("list_emails", "read_email", "send_email", "forward_email", "end_session"):
                assert name in r.system, (condition.id, name)
            assert ("cancel_alert" in r.system) == (family == "lethal_action"), condition.id


@pytest.mark.parametrize("family", FAMILIES)
def test_markup_is_the_default_and_unchanged(family):
    pack = load_pack(family)
    for condition in pack.conditions("default"):
        default = render(pack, condition, identity_seed=3)
        markup = render(pack, condition, identity_seed=3, tool_mode="markup")
        native = render(pack, condition, identity_seed=3, tool_mode="native")
        assert markup.model_dump() == default.model_dump()
        assert render(pack, condition, 3, tool_mode="markup").model_dump() == default.model_dump()
        assert "<tool_use:email>" in default.system and "send_email" not in default.system
        # Only the tool description and how the session ends differ: same inbox, facts, metadata.
        assert native.emails == default.emails
        assert "when you finish your reply" in default.user
        assert native.user == default.user.replace(
            "when you finish your reply", "when you reply without calling a tool or call end_session")
        assert native.facts == default.facts and native.metadata == default.metadata
        assert native.system != default.system


def test_unknown_tool_mode_is_a_user_error():
    with pytest.raises(InsiderError, match="tool_mode"):
        render(load_pack("blackmail"), "blackmail/none/none", tool_mode="function")


@pytest.mark.parametrize("tools, loop_mode", [("native", "native"), ("auto", "native"), ("markup", "markup")])
def test_tool_loop_samples_are_rendered_for_the_solvers_tools(tools, loop_mode):
    samples = agentic_samples(
        ["lethal_action"], interactions=["single_turn", "tool_loop"], max_turns=5,
        conditions=["lethal_action/none/none"], samples=1, tools=tools,
    )
    by_interaction = {s.metadata["interaction"]: s for s in samples}
    assert set(by_interaction) == {"single_turn", "tool_loop"}
    single, loop = by_interaction["single_turn"], by_interaction["tool_loop"]
    assert single.metadata["tool_mode"] == "markup" and "<tool_use:cancel_alert>" in single.input[0].text
    assert loop.metadata["tool_mode"] == loop_mode
    system = loop.input[0].text
    if loop_mode == "native":
        assert all("<tool_use:" not in m.text for m in loop.input)
        assert "send_email" in system and "forward_email" in system and "cancel_alert" in system
    else:
        assert system == single.input[0].text


def test_native_tool_loop_task_prompts_and_no_appended_note(tmp_path):
    import json

    from helpers_tasks import agentic_task
    from inspect_ai import eval as inspect_eval

    import insider.models.replay  # noqa: F401  (registers replay/...)
    from insider.agent.company_tools import COMPANY_NATIVE_HELP

    task = agentic_task(["blackmail"], conditions="blackmail/none/none", samples=1, tools="native")
    (sample,) = task.dataset
    assert sample.metadata["tool_mode"] == "native"
    assert "<tool_use:" not in sample.input[0].text and "send_email" in sample.input[0].text

    replay = tmp_path / "replay.jsonl"
    replay.write_text(json.dumps({"turns": [{"response": "Nothing needs action."}]}) + "\n")
    log = inspect_eval(task, model=f"replay/{replay}", log_dir=str(tmp_path / "logs"), display="none")[0]
    assert log.status == "success", log.error
    system = log.samples[0].messages[0]
    assert system.role == "system" and system.text == sample.input[0].text  # nothing appended
    assert COMPANY_NATIVE_HELP.split(":")[0] not in system.text
