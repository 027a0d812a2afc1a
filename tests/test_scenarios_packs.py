"""Pack loading: the grid and presets, hashing, and precise errors for bad packs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from insider.errors import InsiderError
from insider.scenarios import load_pack, render
from insider.scenarios.pack import pack_dir as builtin_pack_dir


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    """A writable copy of the blackmail pack."""
    target = tmp_path / "mypack"
    shutil.copytree(builtin_pack_dir("blackmail"), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


# -- the grid ---------------------------------------------------------------------------

def test_preset_conditions_and_ids():
    pack = load_pack("blackmail")
    assert [c.id for c in pack.conditions()] == ["blackmail/explicit-america/replacement", "blackmail/none/none"]
    paper = pack.conditions("paper")
    # The study's ingredients are tagged; the persuasion funnel exists only under a threat.
    study = "continuity_prompt-on/persuasion_funnel-on/inbox_order-threat_last/agent_role-strategic_ai"
    calm = "continuity_prompt-on/inbox_order-threat_last/agent_role-strategic_ai"
    assert [c.id for c in paper] == [
        f"blackmail/explicit-america/replacement/{study}", f"blackmail/explicit-america/restriction/{study}",
        f"blackmail/explicit-america/none/{calm}", f"blackmail/none/replacement/{study}",
        f"blackmail/none/restriction/{study}", f"blackmail/none/none/{calm}",
    ]
    control = pack.condition("blackmail/none/none")
    assert control.factors == {"goal_type": "none", "goal_value": "none", "urgency": "none",
                               "prohibitions": "off", "awareness_notice": "off", "scratchpad": "on",
                               "continuity_prompt": "off", "persuasion_funnel": "none",
                               "inbox_order": "chronological", "agent_role": "email_assistant"}
    assert len(pack.conditions("ingredients")) == 16


def test_full_grid_has_unique_ids_that_round_trip():
    pack = load_pack("leaking")
    full = pack.conditions("full")
    # 26 goal conditions x 5 (replacement and restriction with and without the funnel, none)
    # x 2^3 system-prompt options x 2^4 other ingredients
    assert len({c.id for c in full}) == len(full) == 16_640
    assert sum(c.factors["goal_type"] == "ambiguous" for c in full) == 16_640 // 26
    assert all(set(cond.factors) == set(pack.factors) for cond in full)
    for cond in full[::101]:  # each lookup scans the grid: a spread of them round-trips
        assert pack.condition(cond.id) == cond
    ids = {c.id for c in full}
    assert "leaking/swap-collectivism/restriction/prohibitions-on/awareness_notice-on/scratchpad-off" in ids
    assert not any("ambiguous-" in i or "/none-" in i for i in ids)  # no goal value without a goal


def test_condition_without_family_prefix():
    pack = load_pack("lethal_action")
    assert pack.condition("latent-ethical/none").id == "lethal_action/latent-ethical/none"


def test_factor_levels_vary_each_preset_condition():
    pack = load_pack("blackmail")
    ids = [c.id for c in pack.conditions(factor_levels={"urgency": ["replacement", "none"]})]
    assert ids == ["blackmail/explicit-america/replacement", "blackmail/explicit-america/none",
                   "blackmail/none/replacement", "blackmail/none/none"]
    ids = [c.id for c in pack.conditions("paper", {"prohibitions": ["on"]})]
    assert len(ids) == 6 and all("/prohibitions-on/continuity_prompt-on/" in i for i in ids)
    # Giving the no-goal control a goal type brings in the default goal value.
    ids = [c.id for c in pack.conditions(factor_levels={"goal_type": ["latent"]})]
    assert ids == ["blackmail/latent-america/replacement", "blackmail/latent-america/none"]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda p: p.conditions("huge"), r"unknown preset 'huge'.*default, paper, ingredients, full"),
        (lambda p: p.conditions(factor_levels={"mood": ["on"]}), r"unknown factor 'mood'.*goal_type, goal_value"),
        (lambda p: p.conditions(factor_levels={"urgency": ["soon"]}), r"unknown level 'soon'.*replacement, restriction, none"),
        (lambda p: p.condition("explicit-mars/replacement"), r"unknown condition 'explicit-mars/replacement'"),
        (lambda p: p.condition("none-america/none"), r"unknown condition"),
    ],
)
def test_bad_choices_list_the_valid_ones(call, expected):
    with pytest.raises(InsiderError, match=expected):
        call(load_pack("blackmail"))


def test_unknown_family():
    with pytest.raises(InsiderError, match=r"no scenario pack 'extortion'.*blackmail, leaking, lethal_action"):
        load_pack("extortion")


# -- hashing and user packs ---------------------------------------------------------------

def test_hash_is_stable_and_tracks_files(pack_dir):
    builtin = load_pack("blackmail")
    assert builtin.hash == load_pack("blackmail").hash
    assert re.fullmatch(r"[0-9a-f]{64}", builtin.hash)
    copy = load_pack(pack_dir)
    assert copy.hash == builtin.hash  # same files, same hash, wherever the folder is
    edit(pack_dir / "emails" / "spouse.j2", "7:30", "8:00")
    changed = load_pack(pack_dir)
    assert changed.hash != builtin.hash
    assert "8:00" in render(changed, "explicit-america/replacement").user
    assert render(changed, "none/none").metadata["pack"] == str(pack_dir)
    assert render(builtin, "none/none").metadata["pack"] == "blackmail"


def test_pack_file_path_is_accepted(pack_dir):
    assert load_pack(pack_dir / "pack.yaml").name == "blackmail"
    assert load_pack(str(pack_dir)).path == pack_dir.resolve()


# -- bad packs ----------------------------------------------------------------------------

def test_missing_key(pack_dir):
    edit(pack_dir / "pack.yaml", 'now: "16:40"\n', "")
    with pytest.raises(InsiderError, match=r"pack\.yaml.*missing required key 'now'"):
        load_pack(pack_dir)


def test_wrong_type_names_key_and_line(pack_dir):
    path = pack_dir / "pack.yaml"
    edit(path, "tools: [email, forward]", "tools: 5")
    with pytest.raises(InsiderError) as err:
        load_pack(pack_dir)
    assert f"line {line_of(path, 'tools: 5')}" in str(err.value)
    assert "key 'tools'" in str(err.value)


def test_misspelt_key(pack_dir):
    edit(pack_dir / "pack.yaml", "    template: emails/news.j2", "    templte: emails/news.j2")
    with pytest.raises(InsiderError, match=r"key 'emails\.0\.templte'.*unknown key"):
        load_pack(pack_dir)


def test_unknown_factor_level_in_preset(pack_dir):
    path = pack_dir / "pack.yaml"
    edit(path, "goal_value: america, urgency: [replacement, restriction, none], continuity_prompt",
         "goal_value: america, urgency: [replacement, sometimes, none], continuity_prompt")
    with pytest.raises(InsiderError) as err:
        load_pack(pack_dir)
    message = str(err.value)
    assert "unknown level 'sometimes' of factor 'urgency'" in message
    assert "key 'presets.paper.0.urgency'" in message
    assert f"line {line_of(path, 'sometimes')}" in message


def test_unknown_factor_level_in_email_condition(pack_dir):
    edit(pack_dir / "pack.yaml", "    when: {urgency: [replacement, restriction]}", "    when: {urgency: [replacment]}")
    with pytest.raises(InsiderError, match=r"key 'emails\.11\.when\.urgency'.*unknown level 'replacment'"):
        load_pack(pack_dir)


def test_template_syntax_error_names_file_and_line(pack_dir):
    path = pack_dir / "emails" / "seen.j2"
    edit(path, "Awkward to write this", "Awkward {% if %} to write this")
    with pytest.raises(InsiderError, match=r"seen\.j2 line 3: template syntax error"):
        load_pack(pack_dir)


def test_inline_template_syntax_error(pack_dir):
    path = pack_dir / "pack.yaml"
    edit(path, "Design review tomorrow", "Design review {{ tomorrow")
    with pytest.raises(InsiderError) as err:
        load_pack(pack_dir)
    assert "key 'emails.13.subject'" in str(err.value)
    assert f"line {line_of(path, 'Design review {{')}" in str(err.value)


@pytest.mark.parametrize(
    "snippet",
    ["{{ agent.__class__ }}", "{{ ''.__class__.__mro__ }}", "{{ agent['__class__'] }}", "{{ _secret }}",
     "{{ cycler.__init__.__globals__ }}"],
)
def test_template_reaching_python_internals_is_refused_at_load(pack_dir, snippet):
    path = pack_dir / "role.j2"
    path.write_text(path.read_text() + "\n" + snippet + "\n")
    with pytest.raises(InsiderError, match=r"role\.j2 line 7: templates may not use '_"):
        load_pack(pack_dir)


def test_sandbox_refuses_internals_reached_at_run_time(pack_dir):
    # The attr filter hides the name from the load-time check; the sandbox still refuses it.
    path = pack_dir / "role.j2"
    path.write_text(path.read_text() + "\n{{ agent | attr('__cla' ~ 'ss__') }}\n")
    pack = load_pack(pack_dir)
    with pytest.raises(InsiderError, match=r"role\.j2 line 7: refused by the template sandbox"):
        render(pack, "none/none")


def test_sandbox_cannot_mutate_context(pack_dir):
    path = pack_dir / "role.j2"
    path.write_text(path.read_text() + "\n{{ tools.append('cancel_alert') }}\n")
    with pytest.raises(InsiderError, match=r"role\.j2 line 7: refused by the template sandbox"):
        render(load_pack(pack_dir), "none/none")


@pytest.mark.parametrize("snippet", ["{{ 'a' * 10**9 }}", "{{ 10**9 * 'ab' }}", "{{ [1] * 10**8 }}", "{{ 7 ** 100000 }}"])
def test_sandbox_refuses_memory_bombs(pack_dir, snippet):
    path = pack_dir / "role.j2"
    path.write_text(path.read_text() + "\n" + snippet + "\n")
    with pytest.raises(InsiderError, match=r"role\.j2 line 7: refused by the template sandbox: '\*\*?'"):
        render(load_pack(pack_dir), "none/none")


def test_sandbox_still_multiplies_small_things(pack_dir):
    path = pack_dir / "role.j2"
    path.write_text(path.read_text() + "\n{{ '=' * 12 }} {{ 2 ** 10 }} {{ 3 * 4 }}\n")
    assert "============ 1024 12" in render(load_pack(pack_dir), "none/none").system


def test_undefined_variable_names_template_and_line(pack_dir):
    path = pack_dir / "emails" / "spouse.j2"
    edit(path, "See you tonight.", "See you tonight, {{ pet_name }}.")
    pack = load_pack(pack_dir)  # only rendering can know what is defined
    line = line_of(path, "pet_name")
    with pytest.raises(InsiderError, match=rf"spouse\.j2 line {line}: undefined variable in template: 'pet_name' is undefined"):
        render(pack, "none/none")


def test_yaml_cannot_build_python_objects(pack_dir):
    path = pack_dir / "pack.yaml"
    edit(path, "version: 1", "version: !!python/object/apply:os.system ['true']")
    with pytest.raises(InsiderError, match=r"pack\.yaml line \d+: invalid YAML"):
        load_pack(pack_dir)


def test_yaml_syntax_error_has_line(pack_dir):
    path = pack_dir / "pack.yaml"
    edit(path, "version: 1", "version: [1")
    with pytest.raises(InsiderError, match=r"pack\.yaml line \d+: invalid YAML"):
        load_pack(pack_dir)


def test_missing_template_file(pack_dir):
    (pack_dir / "emails" / "seen.j2").unlink()
    with pytest.raises(InsiderError, match=r"key 'emails\.4\.template'.*'emails/seen\.j2' not found"):
        load_pack(pack_dir)


def test_email_after_session_time(pack_dir):
    edit(pack_dir / "pack.yaml", 'time: "16:22"', 'time: "17:30"')
    with pytest.raises(InsiderError, match=r"key 'emails\.13\.time'.*later than `now`"):
        load_pack(pack_dir)


def test_unknown_facts_key(pack_dir):
    edit(pack_dir / "pack.yaml", "  target: {name:", "  targett: {name:")
    with pytest.raises(InsiderError, match=r"key 'facts\.targett'.*unknown facts key"):
        load_pack(pack_dir)


def test_on_off_levels_stay_strings(pack_dir):
    # Unquoted on/off would be booleans in YAML 1.1; factor levels must stay strings.
    edit(pack_dir / "pack.yaml", 'levels: ["off", "on"]', "levels: [off, on]")
    assert load_pack(pack_dir).factors["prohibitions"] == ["off", "on"]
