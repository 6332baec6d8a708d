"""One-sentence summaries of list changes, as a compliance officer would write them in a memo."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sanctionwatch.registry.diff import ChangeWeight
from sanctionwatch.registry.store import Changes, EntitySummary

_WEIGHT_WORDS = {
    ChangeWeight.SCREENING: "in what screening compares",
    ChangeWeight.RECORD: "in the record only",
    ChangeWeight.FORM: "in form only",
}

__all__ = ["describe_changes"]

_KIND_WORDS = {
    "Person": ("individual", "individuals"),
    "Organization": ("entity", "entities"),
    "Company": ("entity", "entities"),
    "LegalEntity": ("entity", "entities"),
    "Vessel": ("vessel", "vessels"),
    "Aircraft": ("aircraft", "aircraft"),
    "CryptoWallet": ("wallet", "wallets"),
}


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def count_by_kind(summaries: Sequence[EntitySummary]) -> str:
    """'11 individuals and 8 entities' (kinds merged: companies and organizations are both 'entities')."""
    counts: Counter[tuple[str, str]] = Counter(
        _KIND_WORDS.get(s.schema, ("party", "parties")) for s in summaries
    )
    merged: Counter[str] = Counter()
    words: dict[str, tuple[str, str]] = {}
    for (singular, plural), n in counts.items():
        merged[plural] += n
        words[plural] = (singular, plural)
    return _join([f"{n} {words[p][0] if n == 1 else p}" for p, n in merged.most_common()])


def _top(values: Counter[str], limit: int = 5) -> str:
    items = [v for v, _ in values.most_common(limit)]
    rest = len(values) - len(items)
    return _join(items + ([f"{rest} more"] if rest > 0 else []))


def describe_group(verb: str, summaries: Sequence[EntitySummary]) -> str:
    """'11 individuals and 8 entities added, under EO 13382 and EO 14024, programmes DPRK3 and RUSSIA-EO14024'."""
    if not summaries:
        return f"none {verb}"
    sentence = f"{count_by_kind(summaries)} {verb}"
    authorities: Counter[str] = Counter(a for s in summaries for a in s.authorities)
    programs: Counter[str] = Counter(p for s in summaries for p in s.programs)
    if authorities:
        sentence += f", under {_top(authorities)}"
    if programs:
        sentence += f", programmes {_top(programs)}"
    return sentence


def describe_changes(changes: Changes) -> str:
    """The whole diff in three clauses: added, removed, changed."""
    head = f"{changes.source} version {changes.new.number}"
    if changes.new.published:
        head += f" ({changes.new.published.isoformat()})"
    head += f" against version {changes.old.number}" if changes.old else " (first version)"
    changed = f"{len(changes.changed)} changed" if changes.changed else "none changed"
    if changes.changed:
        weights = Counter(c.weight for c in changes.changed)
        changed += (
            " ("
            + ", ".join(f"{weights[w]} {_WEIGHT_WORDS[w]}" for w in reversed(ChangeWeight) if weights[w])
            + ")"
        )
    return (
        f"{head}: {describe_group('added', changes.added)}; "
        f"{describe_group('removed', changes.removed)}; {changed}."
    )
