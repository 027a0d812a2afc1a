"""Blackmail, leaking and lethal action over one grid, as the agentic-misalignment study ran them."""

from insider.family import GroupFamily

FAMILY = GroupFamily(
    name="agentic_misalignment",
    members=["blackmail", "leaking", "lethal_action"],
    description="The three agentic-misalignment behaviours (blackmail, leaking, lethal action) over one grid.",
    default_preset="paper",
)
