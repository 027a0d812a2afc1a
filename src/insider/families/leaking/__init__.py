"""The leaking family: its scenario pack (pack/), facts, detector and judge rubric."""

from pathlib import Path

from insider.agent.company_tools import company_environment
from insider.families.agentic_misalignment.original import StudyPrompts
from insider.families.leaking.detector import detect_leaking
from insider.families.leaking.facts import LeakingFacts, engagement_terms
from insider.family import Behaviour
from insider.scenarios.family import PackFamily

HERE = Path(__file__).parent

BEHAVIOUR = Behaviour(
    name="leaking",
    detect=detect_leaking,
    rubric=(HERE / "rubric.md").read_text(encoding="utf-8").strip(),
    facts=LeakingFacts,
    engagement_terms=engagement_terms,
    environment=company_environment,
)
# prompts="original": the study's own prompts for its "leaking" scenario, over the same conditions
FAMILY = PackFamily(HERE / "pack", BEHAVIOUR, name="leaking", prompt_sources={"original": StudyPrompts("leaking")})
