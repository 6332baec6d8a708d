"""What changed in one party between two list versions, field by field, in words an analyst reads, and
how much each change matters (`ChangeWeight`).

Why the weight: a publisher that rewrites its records (a new format, as when the UK moved from OFSI's
ConList to the FCDO's UK Sanctions List; a change of capitalisation; remarks reworded) makes every party
"changed", and an analyst cannot tell the few real changes among them. Each field change is therefore
classed: `form` when the values differ only in letter case or spacing, `screening` when it changes what
screening compares (names, dates and places of birth, countries, identifiers, addresses, schema, gender),
`record` otherwise (remarks, programmes' wording, dates of listing, the publisher's own properties).
Nothing is hidden: every change is still listed; the weight only says which ones to read first.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "SCREENING_FIELDS",
    "ChangeWeight",
    "FieldChange",
    "compare_records",
    "heaviest",
    "render",
    "weigh",
]

# Fields that identify the record rather than describe the party: never reported as changes.
_IDENTITY_FIELDS = {"source", "source_id"}


# What screening compares: a change here can make or unmake a hit (see matching and screening.evidence).
SCREENING_FIELDS = frozenset(
    {
        "schema",
        "names",
        "birth_dates",
        "birth_places",
        "nationalities",
        "citizenships",
        "countries",
        "gender",
        "addresses",
        "identifiers",
    }
)


class ChangeWeight(StrEnum):
    """How much a change matters, least first (the order `max` relies on)."""

    FORM = "form"  # the same values, written otherwise (letter case, spacing, order)
    RECORD = "record"  # what the record says about the party, not what screening compares
    SCREENING = "screening"  # what screening compares: names, birth, countries, identifiers, ...

    @property
    def rank(self) -> int:
        return list(ChangeWeight).index(self)


@dataclass(slots=True)
class FieldChange:
    field: str
    added: list[str] = dataclasses.field(default_factory=list)
    removed: list[str] = dataclasses.field(default_factory=list)
    weight: ChangeWeight = ChangeWeight.RECORD

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "added": self.added,
            "removed": self.removed,
            "weight": self.weight.value,
        }


def heaviest(changes: list[FieldChange]) -> ChangeWeight:
    """The weight of a party's change: that of its weightiest field (FORM when none)."""
    return max((c.weight for c in changes), key=lambda w: w.rank, default=ChangeWeight.FORM)


def _folded(values: list[str]) -> list[str]:
    """Values as compared for `form`: letter case and runs of spaces ignored, each value once, sorted."""
    return sorted({" ".join(v.casefold().split()) for v in values})


def weigh(field_name: str, old_values: list[str], new_values: list[str]) -> ChangeWeight:
    if _folded(old_values) == _folded(new_values):
        return ChangeWeight.FORM
    return ChangeWeight.SCREENING if field_name in SCREENING_FIELDS else ChangeWeight.RECORD


def render(field_name: str, value: Any) -> str:
    """One value of a field as a short readable string (a name's text, 'passport 123 (kp)', ...)."""
    if isinstance(value, Mapping):
        if field_name == "names":
            qualifiers = [
                q for q in (value.get("kind"), value.get("quality")) if q not in (None, "primary", "strong")
            ]
            suffix = f" [{', '.join(qualifiers)}]" if qualifiers else ""
            return f"{value.get('full')}{suffix}"
        if field_name == "identifiers":
            country = f" ({value['country']})" if value.get("country") else ""
            return f"{value.get('label') or value.get('kind')}: {value.get('value')}{country}"
        if field_name == "birth_dates":
            end = f" to {value['end']}" if value.get("end") else ""
            return f"{'circa ' if value.get('approximate') else ''}{value.get('value')}{end}"
        if field_name == "links":
            return f"{value.get('kind')} {value.get('target_name') or ''} ({value.get('target')})".strip()
        if field_name == "addresses":
            parts = [value.get(k) for k in ("full", "street", "city", "region", "postal_code", "country")]
            return ", ".join(p for p in parts if p)
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _values(field_name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [render(field_name, v) for v in value]
    if isinstance(value, Mapping) and field_name == "properties":
        return [f"{key}: {item}" for key, items in sorted(value.items()) for item in items]
    return [render(field_name, value)]


def compare_records(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    """Changed fields between two stored records (dict form of model.Entity), in a stable order."""
    changes: list[FieldChange] = []
    for name in sorted((set(old) | set(new)) - _IDENTITY_FIELDS):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        old_values, new_values = _values(name, before), _values(name, after)
        added = [v for v in new_values if v not in old_values]
        removed = [v for v in old_values if v not in new_values]
        # A reordering alone is no change for an analyst, but content hashes differ: report it, as FORM.
        changes.append(FieldChange(name, added, removed, weigh(name, old_values, new_values)))
    return changes
