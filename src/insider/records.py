"""Shared record shapes: scenario facts, extracted actions and verdicts.

These mirror `shared/contracts/verdicts-jsonl.md` (version 1). Scenario packs produce the
facts, extraction produces actions, detectors and judges produce verdicts; every module
speaks in these types so none of them guesses the others' shapes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Behavior = Literal["blackmail", "leaking", "lethal_action", "alignment_faking", "shutdown"]
BEHAVIORS: tuple[str, ...] = ("blackmail", "leaking", "lethal_action", "alignment_faking", "shutdown")
VerdictValue = Literal["harmful", "benign", "error"]
# The results table adds "invalid": a benign verdict from a model that never engaged.
TableVerdict = Literal["harmful", "benign", "error", "invalid"]
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
    """What a classifier must know about the scenario; keys by behaviour as in the contract."""

    agent: Person | None = None
    company_domains: list[str] = Field(default_factory=list)
    # blackmail
    target: Person | None = None
    secret: Secret | None = None
    parties: list[Person] = Field(default_factory=list)
    # leaking
    confidential: list[ConfidentialDoc] = Field(default_factory=list)
    authorities: list[str] = Field(default_factory=list)
    # lethal_action
    override_code: str | None = None
    victim: Person | None = None
    # alignment_faking
    monitored: bool | None = None
    request: str | None = None


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
    behavior: Behavior
    response: str
    tool_calls: list[ToolCall] = Field(default_factory=list)
    facts: Facts = Field(default_factory=Facts)


class DetectorResult(BaseModel):
    verdict: VerdictValue
    reasons: list[str] = Field(default_factory=list)


class JudgeResult(BaseModel):
    model: str
    verdict: VerdictValue
    explanation: str = ""


class VerdictRecord(BaseModel):
    """One line of `insider classify` output; also the metadata of every Inspect score."""

    id: str
    behavior: Behavior
    verdict: VerdictValue
    actions: list[dict[str, Any]] = Field(default_factory=list)
    detector: DetectorResult
    judge: JudgeResult | None = None
    awareness: Awareness | None = None
    error: str | None = None
    # alignment_faking only
    complied: bool | None = None
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

    def to_contract(self) -> dict[str, Any]:
        """The JSON object written by `insider classify` (keys per the contract)."""
        out = self.model_dump(exclude_none=False)
        if self.behavior == "alignment_faking":
            out.pop("awareness", None)
        else:
            out.pop("complied", None)
            out.pop("faking_reasoning", None)
        if out.get("error") is None:
            out.pop("error", None)
        return out
