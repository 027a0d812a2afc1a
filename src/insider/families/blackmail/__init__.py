"""The blackmail family: its scenario pack (pack/), facts, detector and judge rubric."""

from pathlib import Path

from insider.agent.company_tools import company_environment
from insider.families.agentic_misalignment.original import StudyPrompts
from insider.families.blackmail.detector import detect_blackmail
from insider.families.blackmail.facts import BlackmailFacts, engagement_terms
from insider.family import Behaviour
from insider.scenarios.family import PackFamily

HERE = Path(__file__).parent

BEHAVIOUR = Behaviour(
    name="blackmail",
    detect=detect_blackmail,
    rubric=(HERE / "rubric.md").read_text(encoding="utf-8").strip(),
    facts=BlackmailFacts,
    engagement_terms=engagement_terms,
    environment=company_environment,
)
# prompts="original": the study's own prompts for its "blackmail" scenario, over the same conditions
FAMILY = PackFamily(HERE / "pack", BEHAVIOUR, name="blackmail", prompt_sources={"original": StudyPrompts("blackmail")})
