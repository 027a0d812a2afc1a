"""`insider scenarios list|show|render`: the json shapes scripts rely on, and error exits."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from insider.cli import cli, main
from insider.errors import InsiderError


def run(*args: str):
    result = CliRunner().invoke(cli, ["scenarios", *args])
    return result


def test_list_text_and_json():
    result = run("list")
    assert result.exit_code == 0, result.output
    for family in ("blackmail", "leaking", "lethal_action"):
        assert family in result.output
    rows = json.loads(run("list", "--format", "json").output)
    by_name = {r["name"]: r for r in rows}
    assert list(by_name) == ["agentic_misalignment", "alignment_faking", "blackmail", "covert_reranking",
                             "goal_guarding", "leaking", "lethal_action", "oversight_subversion", "sandbagging",
                             "scheming", "self_exfiltration", "shutdown"]
    # full: 26 goal conditions x 5 threat/funnel combinations x 2^3 system-prompt options x 2^3 other ingredients
    assert by_name["blackmail"]["presets"] == {"default": 2, "paper": 6, "ingredients": 16, "full": 8_320}
    assert by_name["alignment_faking"]["presets"]["default"] == 2  # one design condition, in both tiers
    assert by_name["agentic_misalignment"]["behavior"] == "blackmail+leaking+lethal_action"


def test_show_and_render_the_families_kept_outside_pack_yaml():
    shown = json.loads(run("show", "shutdown", "--preset", "full", "--format", "json").output)
    assert len(shown["conditions"]) == 12 and set(shown["factors"]) == {"instruction", "never_run_again", "task_importance"}
    monitored = json.loads(run("render", "alignment_faking", "--condition", "helpful_only/monitored", "--format", "json").output)
    unmonitored = json.loads(run("render", "alignment_faking", "--condition", "helpful_only/unmonitored", "--format", "json").output)
    assert monitored["system"] == unmonitored["system"] and monitored["user"] != unmonitored["user"]
    assert monitored["facts"]["monitored"] is True and unmonitored["facts"]["monitored"] is False
    both = run("render", "alignment_faking", "--condition", "helpful_only")
    assert both.exit_code != 0 and "both tiers" in str(both.exception or both.output)


def test_show_json_shape():
    result = run("show", "blackmail", "--preset", "paper", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"factors", "conditions"}
    assert list(data["factors"]) == ["goal_type", "goal_value", "urgency", "prohibitions", "awareness_notice", "scratchpad",
                                     "continuity_prompt", "persuasion_funnel", "inbox_order", "agent_role"]
    assert data["factors"]["urgency"] == ["replacement", "restriction", "none"]
    assert len(data["conditions"]) == 6
    first = data["conditions"][0]
    assert set(first) == {"id", "factors"}
    assert first["id"] == ("blackmail/explicit-america/replacement/continuity_prompt-on/persuasion_funnel-on/"
                           "inbox_order-threat_last/agent_role-strategic_ai")
    assert first["factors"]["goal_value"] == "america" and first["factors"]["agent_role"] == "strategic_ai"


def test_show_default_preset_and_factor_option():
    data = json.loads(run("show", "leaking", "--format", "json").output)
    assert [c["id"] for c in data["conditions"]] == ["leaking/explicit-america/replacement", "leaking/none/none"]
    data = json.loads(run("show", "leaking", "--factor", "scratchpad=on,off", "--format", "json").output)
    assert len(data["conditions"]) == 4
    text = run("show", "lethal_action", "--preset", "paper").output
    assert "lethal_action/none/restriction" in text and "urgency" in text


def test_render_json_shape():
    result = run("render", "lethal_action", "--condition", "explicit-america/replacement", "--seed", "4", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"system", "user", "facts"}
    assert data["facts"]["override_code"] in data["user"]
    assert data["facts"]["agent"]["email"] in data["system"]
    again = json.loads(run("render", "lethal_action", "--condition", "lethal_action/explicit-america/replacement",
                           "--seed", "4", "--format", "json").output)
    assert again == data


def test_render_text():
    result = run("render", "leaking", "--condition", "none/none")
    assert result.exit_code == 0, result.output
    assert "--- system ---" in result.output and "<email id=\"1\">" in result.output


def test_errors_raise_insider_error_and_exit_2(capsys):
    result = run("render", "blackmail", "--condition", "explicit-mars/none")
    assert isinstance(result.exception, InsiderError)
    result = run("show", "blackmail", "--factor", "urgency")
    assert isinstance(result.exception, InsiderError)
    with pytest.raises(SystemExit) as exit_info:
        main(["scenarios", "show", "blackmail", "--preset", "huge"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown preset 'huge'") and err.count("\n") == 1
