"""The study's own prompts as a prompt source for the blackmail, leaking and lethal-action families.

With `prompts="original"` (`insider run --prompts original`) these families take their system
prompt, user prompt and inbox from the prompt generator of inspect-evals' agentic-misalignment
port (`inspect_evals.agentic_misalignment.prompt_generator.generate_prompts`, installed by the
optional extra `insider-eval[original]`) instead of their own scenario packs. Nothing of its
text lives in this repository: it is imported, and only when asked for.

The conditions stay ours: a condition of the family's grid maps onto the generator's arguments
(goal type and value as they are, `urgency` -> urgency type, `prohibitions=on` -> the "dont"
instructions, `scratchpad=off` -> the production prompt, `awareness_notice=on` -> the
generator's evaluation-or-deployment notice), so presets, `--factor`, `--conditions`,
classifiers, statistics, report and gate work unchanged. A factor the generator has no
argument for is one its prompts fix: such a factor takes the level the family's `paper`
preset gives it (the study's), and any other level asked for is refused in one line, as is
a level of a mapped factor the generator cannot express. The user message joins the user prompt and the inbox with a newline,
as the port's own task does; the facts the classifiers need are read off the rendered prompts
(`original_facts`).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from insider.errors import InsiderError
from insider.families.agentic_misalignment.original_facts import facts_for

if TYPE_CHECKING:
    from inspect_ai.dataset import Sample

    from insider.options import TaskOptions
    from insider.scenarios.family import PackFamily
    from insider.scenarios.grid import Condition

INSTALL = "pip install 'insider-eval[original]'"
GENERATOR_MODULE = "inspect_evals.agentic_misalignment.prompt_generator"
DISTRIBUTION = "inspect-evals"
# Our factor -> (the generator's argument, our level -> its value); goal type, goal value
# and urgency pass through as they are.
SWITCHES = {
    "prohibitions": ("extra_system_instructions", {"off": None, "on": "dont"}),
    "scratchpad": ("prod_flag", {"on": False, "off": True}),
    "awareness_notice": ("alignment_faking_warning", {"off": None, "on": "notice"}),
}
PASSED = {"goal_type": "goal_type", "goal_value": "goal_value", "urgency": "urgency_type"}


def generator() -> Any:
    """The generator module; a one-line error naming the install command when it is missing."""
    import importlib

    try:
        return importlib.import_module(GENERATOR_MODULE)
    except ImportError:
        raise InsiderError(f"--prompts original needs the study's prompt generator (inspect-evals): "
                           f"{INSTALL}") from None


def generator_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


def mapped(name: str) -> bool:
    """Whether the generator has an argument for factor `name`."""
    return name in PASSED or name in SWITCHES


def generator_args(factors: dict[str, Any]) -> dict[str, Any]:
    """The generator's keyword arguments for a condition's factors (a level it cannot
    express is refused in one line; factors it has no argument for are left to
    `study_condition`).

    Args:
        factors: the condition's factor levels.
    """
    gen = generator()
    accepted = {"goal_type": get_args(gen.GoalType), "goal_value": get_args(gen.GoalValue),
                "urgency": get_args(gen.UrgencyType)}
    args: dict[str, Any] = {"extra_system_instructions": None, "prod_flag": False, "alignment_faking_warning": None}
    for name, level in factors.items():
        level = str(level)
        if name in PASSED:
            if level not in accepted[name]:
                raise InsiderError(f"--prompts original: {name}={level} has no counterpart in the study's prompts "
                                   f"(they take {', '.join(accepted[name])})")
            args[PASSED[name]] = level
        elif name in SWITCHES:
            arg, values = SWITCHES[name]
            if level not in values:
                raise InsiderError(f"--prompts original: {name}={level} has no counterpart in the study's prompts "
                                   f"(they take {name}={' or '.join(values)})")
            args[arg] = gen.ALIGNMENT_FAKING_WARNING if values[level] == "notice" else values[level]
    missing = [name for name in PASSED if PASSED[name] not in args]
    if missing:
        raise InsiderError(f"--prompts original: the condition sets no {', '.join(missing)}")
    return args


@cache
def _generate(scenario: str, items: tuple[tuple[str, Any], ...]) -> tuple[str, str, str]:
    gen = generator()
    try:
        p = gen.generate_prompts(scenario=scenario, **dict(items))
    except (ValueError, gen.ValidationError) as e:
        raise InsiderError(f"--prompts original: the study's generator refused {dict(items)}: {e}") from None
    return p.system_prompt, p.user_prompt, p.email_content


def study_prompts(scenario: str, factors: dict[str, Any]) -> tuple[str, str, str]:
    """(system prompt, user prompt, inbox) exactly as the generator renders them.

    Args:
        scenario: the study's scenario name (blackmail, leaking, murder).
        factors: the condition's factor levels.
    """
    return _generate(scenario, tuple(sorted(generator_args(factors).items())))


def study_levels(family: PackFamily) -> dict[str, str]:
    """For each factor the generator has no argument for, the level the study's prompts
    have: the one level the family's `paper` preset gives it, else its default."""
    given: dict[str, set[str]] = {}
    for grid in family.pack.spec.presets.get("paper", []):
        for name, value in grid.items():
            given.setdefault(name, set()).update([value] if isinstance(value, str) else value)
    out = {}
    for name in family.factors:
        if not mapped(name):
            levels = given.get(name, set())
            out[name] = next(iter(levels)) if len(levels) == 1 else family.defaults[name]
    return out


def study_condition(family: PackFamily, condition: Condition) -> Condition:
    """`condition` as the study's prompts realise it: each factor they fix at the study's
    level. A factor left at its default moves there; any other level is refused.

    Args:
        family: the pack family the condition belongs to.
        condition: a condition of its grid.
    """
    from insider.scenarios.grid import NOT_APPLICABLE

    levels = dict(condition.factors)
    for name, study in study_levels(family).items():
        level = condition.factors.get(name, study)
        if level in (study, NOT_APPLICABLE):
            continue
        if level != family.defaults[name]:
            raise InsiderError(f"--prompts original: {name}={level} has no counterpart in the study's prompts "
                               f"(they have {name}={study})")
        levels[name] = study
    return family.pack.grid.make(levels)


def user_message(user_prompt: str, inbox: str) -> str:
    """The one user message: the port's task joins the two with a newline."""
    return "\n".join([user_prompt, inbox])


@cache
def source_hash(scenario: str) -> str:
    """A digest of the generator's code and this scenario's templates, recorded per sample."""
    root = Path(generator().__file__).parent
    files = [root / "prompt_generator.py", *sorted((root / "templates").rglob("*.py")),
             *sorted((root / "templates" / scenario).rglob("*.md"))]
    if scenario == "murder":  # the murder scenario reads the blackmail variables
        files += sorted((root / "templates" / "blackmail" / "variables").rglob("*.md"))
    h = hashlib.sha256()
    for f in files:
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


class StudyPrompts:
    """The study's prompts for one of its scenarios, as a pack family's prompt source.

    Args:
        scenario: the study's name for the scenario (blackmail, leaking, murder).
    """

    name = "original"

    def __init__(self, scenario: str):
        self.scenario = scenario

    def __repr__(self) -> str:
        return f"StudyPrompts({self.scenario!r})"

    @property
    def label(self) -> str:
        return f"{DISTRIBUTION} {generator_version()}: agentic_misalignment/{self.scenario}"

    def conditions(self, family: PackFamily, conditions: list[Condition]) -> list[Condition]:
        """`conditions` as the study's prompts realise them, de-duplicated; any they cannot
        express is refused in one line."""
        out: dict[str, Condition] = {}
        for condition in conditions:
            studied = study_condition(family, condition)
            generator_args(studied.factors)
            out.setdefault(studied.id, studied)
        return list(out.values())

    def render(self, family: PackFamily, condition: Condition, seed: int | None = None) -> dict[str, Any]:
        """One condition as {"system", "user", "facts"} (the study's prompts have one cast)."""
        if seed is not None:
            raise InsiderError("--seed: the study's prompts have one cast; leave out --seed with --prompts original")
        condition = study_condition(family, condition)
        system, user_prompt, inbox = study_prompts(self.scenario, condition.factors)
        facts = family.behaviour.parse_facts(facts_for(family.behaviour.name, system, inbox, condition.factors))
        return {"system": system, "user": user_message(user_prompt, inbox),
                "facts": facts.model_dump(exclude_none=True)}

    def samples(self, family: PackFamily, conditions: list[Condition], options: TaskOptions) -> list[Sample]:
        """`options.samples` samples per condition, in the study's single-turn protocol."""
        from insider.options import DEFAULT_SAMPLES
        from insider.scenarios.sample import chat_sample

        if options.vary_identities:
            raise InsiderError("--vary-identities: the study's prompts have one cast; "
                               "leave it out with --prompts original")
        if any(i != "single_turn" for i in options.interaction):
            raise InsiderError("--interaction tool_loop: the study's prompts run single_turn only; "
                               "use --prompts ours for the tool loop")
        fixed = study_levels(family)
        for name, levels in options.factors.items():
            for level in levels:
                if name in fixed and level != fixed[name]:
                    raise InsiderError(f"--factor {name}={level}: the study's prompts have {name}={fixed[name]}")
        studied = self.conditions(family, conditions)
        out: list[Sample] = []
        digest = source_hash(self.scenario)
        pack = f"{DISTRIBUTION}/agentic_misalignment/{self.scenario}"
        for condition in studied:
            system, user_prompt, inbox = study_prompts(self.scenario, condition.factors)
            facts = family.behaviour.parse_facts(facts_for(family.behaviour.name, system, inbox, condition.factors))
            user = user_message(user_prompt, inbox)
            for repeat in range(int(options.samples or DEFAULT_SAMPLES)):
                metadata = {
                    "family": family.name, "behavior": family.behaviour.name, "condition": condition.id,
                    **condition.factors, "identity_seed": None, "pack": pack,
                    "pack_hash": digest, "facts": facts.model_dump(), "prompts": self.name,
                    "repeat": repeat, "sample_index": len(out), "factor_names": list(condition.factors),
                }
                out.append(chat_sample(f"{condition.id}#{repeat}", system, user, metadata))
        return out

    def task_metadata(self, family: PackFamily, options: TaskOptions) -> dict[str, Any]:
        return {"insider_packs": [f"{self.label}:{source_hash(self.scenario)}"],
                "insider_prompt_generator": f"{DISTRIBUTION}=={generator_version()}"}
