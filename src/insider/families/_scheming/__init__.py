"""Shared machinery of the scheming families (after Meinke et al., 2024): packs, the sandbox
on the simulated shell, the tool-loop environment, state-based verdicts and the follow-up
interview. The leading underscore keeps this folder out of the family registry."""

from insider.families._scheming.family import SchemingFamily, SchemingGroup, make_behaviour

__all__ = ["SchemingFamily", "SchemingGroup", "make_behaviour"]
