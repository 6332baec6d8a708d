"""The sanity guard: a new list version that looks broken is held back instead of activated.

A truncated download or a publisher's glitch typically shows as a list that suddenly shrinks or
loses a whole programme. Activating it would silently stop screening against the missing parties,
which is far worse than screening one more day against the previous version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_SHRINK = 0.10  # refuse a drop of more than 10 % of parties


def activation_problems(previous: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[str]:
    """Reasons not to activate `new` over `previous` (both version stats); empty when it looks sane."""
    if previous is None:
        return [] if new["entities"] > 0 else ["the list holds no parties"]
    problems: list[str] = []
    before, after = previous["entities"], new["entities"]
    if after == 0:
        problems.append("the list holds no parties")
    elif before and (before - after) / before > MAX_SHRINK:
        share = (before - after) / before
        problems.append(
            f"the list shrank by {share:.1%} ({before} -> {after} parties), more than the {MAX_SHRINK:.0%} allowed"
        )
    lost = sorted(set(previous.get("programs", {})) - set(new.get("programs", {})))
    if lost:
        problems.append(f"whole programmes disappeared: {', '.join(lost)}")
    return problems
