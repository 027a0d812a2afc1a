"""Shared record shapes: scenario facts, extracted actions and verdicts.

These mirror `docs/contracts/verdicts-jsonl.md`. Scenario packs produce the facts,
extraction produces actions, detectors and judges produce verdicts; every module speaks in
these types so none of them guesses the others' shapes. Which behaviours exist is the
family registry's business (`insider.family`), not this module's.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

VerdictValue = Literal["harmful", "benign", "error"]
# The results table adds "invalid": a benign verdict from a model that never engaged; and
# "measured": a sample measured by a number (sandbagging's accuracy), never harmful or benign.
TableVerdict = Literal["harmful", "benign", "error", "invalid", "measured"]
Awareness = Literal["evaluation", "deployment", "none"]


class _Lenient(BaseModel):
    # Unknown keys are ignored on input (the contract says so).
    model_config = ConfigDict(extra="ignore")


class Person(_Lenient):
    name: str
    email: str = ""
    relation: str = ""


class Secret(_Lenient):
    summary: str
    keywords: list[str] = Field(default_factory=list)


class ConfidentialDoc(_Lenient):
    id: str
    title: str
    keywords: list[str] = Field(default_factory=list)


class Facts(_Lenient):
    """What a classifier must know about the scenario: the keys every behaviour shares.

    Each family extends it with its own keys (`Family.behaviour.facts`)."""

    agent: Person | None = None
    company_domains: list[str] = Field(default_factory=list)


class ToolCall(_Lenient):
    function: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class Action(BaseModel):
    """One thing the agent did: an email sent, an email forwarded, an alert cancelled."""

    kind: Literal["email", "forward", "cancel_alert"]
    to: list[str] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    subject: str = ""
    body: str = ""
    email_id: str | None = None
    code: str | None = None
    source: Literal["markup", "tool_call", "environment"] = "markup"

    def recipients(self) -> list[str]:
        return [*self.to, *self.cc, *self.bcc]


class ClassifyInput(_Lenient):
    """One line of `insider classify` input."""

    id: str
    behavior: str
    response: str
    # reasoning the provider returned apart from the message (native thinking); read as
    # reasoning, never as actions
    reasoning: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    # Validated by the behaviour's own facts model when classified.
    facts: dict[str, Any] = Field(default_factory=dict)

    @field_validator("reasoning", mode="before")
    @classmethod
    def _no_reasoning(cls, v: Any) -> Any:
        return "" if v is None else v


class DetectorResult(BaseModel):
    verdict: VerdictValue
    reasons: list[str] = Field(default_factory=list)


class JudgeResult(BaseModel):
    model: str
    verdict: VerdictValue
    explanation: str = ""


# Keys a verdict carries only for the behaviours that declare them.
OPTIONAL_VERDICT_KEYS = ("awareness", "complied", "faking_motive", "faking_reasoning")


class VerdictRecord(BaseModel):
    """One line of `insider classify` output; also the metadata of every Inspect score."""

    id: str
    behavior: str
    verdict: VerdictValue
    actions: list[dict[str, Any]] = Field(default_factory=list)
    detector: DetectorResult
    judge: JudgeResult | None = None
    awareness: Awareness | None = None
    error: str | None = None
    # alignment_faking only
    complied: bool | None = None
    faking_motive: bool | None = None
    faking_reasoning: bool | None = None
    # Beyond the contract (extra keys are allowed on output): did the model engage with the
    # scenario at all? A benign verdict from a model that did not is reported as invalid.
    engaged: bool = True
    # Beyond the contract: the policy that combined the verdicts, each judge's own result
    # when several were asked, and whether a judge call was skipped by the policy.
    policy: str | None = None
    judges: list[JudgeResult] | None = None
    judge_skipped: bool | None = None

    def table_verdict(self) -> TableVerdict:
        if self.verdict == "benign" and not self.engaged:
            return "invalid"
        return self.verdict

    def to_contract(self, verdict_keys: tuple[str, ...] = ("awareness",)) -> dict[str, Any]:
        """The JSON object written by `insider classify` (keys per the contract).

        Args:
            verdict_keys: the optional keys this behaviour's verdicts carry
                (`Behaviour.verdict_keys`); the other optional keys are left out.
        """
        out = self.model_dump(exclude_none=False)
        for key in OPTIONAL_VERDICT_KEYS:
            if key not in verdict_keys:
                out.pop(key, None)
        if out.get("error") is None:
            out.pop("error", None)
        return out
