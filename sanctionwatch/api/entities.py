"""Entities as the API shows them (yente's entity shape), converted once per index snapshot, and the
lookup behind GET /entities/{id}: registry ids, FtM ids, FtM referents and the FtM graph around them.

Registry records (`ofac-sdn:36`, `ftm:us_ofac_sdn:NK-2x`) are the snapshot's parties. FtM sources also
keep every entity of their files as FtM has it (registry/ftm.py): the parties under their own FtM ids,
and the non-parties (Sanction, Address, Ownership, Payment ...) which have no registry record at all.
Every read takes the snapshot's FtM versions, so one answer never mixes two versions of a dataset.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from followthemoney import model
from followthemoney.types import registry

from sanctionwatch.api.yente import entity_response, ftm_entity_response
from sanctionwatch.model import Entity, is_ftm_source
from sanctionwatch.registry.ftm import Adjacent, FtmEntities, FtmFragment
from sanctionwatch.screening.live import Snapshot

__all__ = ["EntityJsonCache", "Lookup", "adjacent_page", "entity_property"]


def ftm_versions(snapshot: Snapshot) -> tuple[int, ...]:
    """The snapshot's versions of FtM sources: where its FtM entities are read from."""
    return tuple(v.id for v in snapshot.versions if is_ftm_source(v.source))


@dataclass(frozen=True, slots=True)
class Lookup:
    """What /entities/{id} found: the entity, or the canonical id a referent was merged into."""

    shown: dict[str, Any] | None = None
    redirect: str | None = None


def _dated(shown: dict[str, Any], snapshot: Snapshot, records: Sequence[Entity]) -> dict[str, Any]:
    """yente's first_seen / last_seen / last_change of an FtM party: those its dataset states (an
    OpenSanctions export carries them), else from the snapshot's version history; an entity with no
    registry record (a Sanction, an Address ...) keeps what its dataset says."""
    if records:
        known = snapshot.dates.of_party(records)
        for key, value in zip(("first_seen", "last_seen", "last_change"), known, strict=True):
            if shown.get(key) is None:
                shown[key] = value
    return shown


class EntityJsonCache:
    """Listed parties as the API shows them (FtM properties: costly to build), per index snapshot.

    A snapshot's entities never change, so each is converted once; a new snapshot starts afresh.
    """

    MAX_ENTRIES = 20_000

    def __init__(self, ftm: FtmEntities | None = None) -> None:
        self.ftm = ftm
        self._snapshot: Snapshot | None = None
        self._shown: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, snapshot: Snapshot, entity_id: str) -> dict[str, Any] | None:
        """A registry record (by registry id) as the API shows it: a match or search result."""
        with self._lock:
            if self._snapshot is not snapshot:
                self._snapshot, self._shown = snapshot, {}
            shown = self._shown.get(entity_id)
        if shown is not None:
            return shown
        found = snapshot.party(entity_id)
        if found is None:
            return None
        shown = self._party_response(snapshot, *found)
        with self._lock:
            if len(self._shown) >= self.MAX_ENTRIES:
                self._shown.clear()
            if self._snapshot is snapshot:
                self._shown[entity_id] = shown
        return shown

    def _party_response(self, snapshot: Snapshot, entity: Entity, records: list[Entity]) -> dict[str, Any]:
        if self.ftm is not None and is_ftm_source(entity.source):
            fragments = self.ftm.get(ftm_versions(snapshot), [entity.source_id]).get(entity.source_id)
            if fragments:
                others = [
                    r for r in records if not (is_ftm_source(r.source) and r.source_id == entity.source_id)
                ]
                return _dated(ftm_entity_response(fragments, others), snapshot, records)
        return entity_response(entity, records, dates=snapshot.dates)

    # ---- GET /entities/{id} -----------------------------------------------------------------------

    def lookup(self, snapshot: Snapshot, entity_id: str, *, nested: bool = False) -> Lookup:
        """/entities/{id}: a registry id, else an FtM id of an active FtM dataset (its fragments of all
        datasets merged), else a referent (FtM `referents`), answered as yente does: by its canonical id."""
        found = snapshot.party(entity_id)
        if found is not None:
            entity = found[0]
            if is_ftm_source(entity.source) and self._fragments(snapshot, [entity.source_id]):
                entity_id = entity.source_id  # the FtM entity, with what other datasets say of it
            else:
                shown = self.get(snapshot, entity_id)
                return Lookup(shown=shown)
        fragments = self._fragments(snapshot, [entity_id]).get(entity_id)
        if fragments:
            return Lookup(shown=self._fragments_response(snapshot, fragments, nested=nested))
        canonical = self.canonical(snapshot, entity_id)
        if canonical:
            return Lookup(redirect=canonical[0])
        return Lookup()

    def canonical(self, snapshot: Snapshot, referent: str) -> list[str]:
        """The ids of the FtM entities `referent` was merged into (none outside FtM datasets)."""
        return self.ftm.canonical(ftm_versions(snapshot), referent) if self.ftm is not None else []

    def _fragments(self, snapshot: Snapshot, ids: Iterable[str]) -> dict[str, list[FtmFragment]]:
        if self.ftm is None:
            return {}
        return self.ftm.get(ftm_versions(snapshot), ids)

    def _fragments_response(
        self, snapshot: Snapshot, fragments: Sequence[FtmFragment], *, nested: bool
    ) -> dict[str, Any]:
        records = self._linked_records(snapshot, fragments)
        shown = _dated(
            ftm_entity_response(fragments, records), snapshot, self._own_records(snapshot, fragments)
        )
        if nested:
            shown["properties"].update(self.adjacent(snapshot, fragments[0].id))
        return shown

    def _linked_records(self, snapshot: Snapshot, fragments: Sequence[FtmFragment]) -> list[Entity]:
        """The other lists' records of the party an FtM party is (none for a non-party)."""
        ids = {f.id for f in fragments}
        own = self._own_records(snapshot, fragments)
        return [r for r in own if not (is_ftm_source(r.source) and r.source_id in ids)]

    def _own_records(self, snapshot: Snapshot, fragments: Sequence[FtmFragment]) -> list[Entity]:
        """Every registry record of the party an FtM party is, its own included (none for a non-party)."""
        for fragment in fragments:
            found = snapshot.party(f"{fragment.source}:{fragment.id}")
            if found is not None:
                return found[1]
        return []

    def adjacent(self, snapshot: Snapshot, entity_id: str) -> dict[str, list[Any]]:
        """The entities one reference away from an FtM entity, by property, as yente nests them.

        Each entity-typed property of the entity (addressEntity, an Ownership's owner) lists the
        entities it names; each reference pointing at the entity lists the referring entity under the
        property's reverse (Person.sanctions, Company.ownershipOwner ...). An edge entity found so
        (Ownership, Directorship, Family ...) shows its far end too, as yente does; nothing goes deeper.
        An id that names no stored entity stays an id. {} for an id no FtM dataset holds.
        """
        if self.ftm is None:
            return {}
        versions = ftm_versions(snapshot)
        own = self.ftm.get(versions, [entity_id]).get(entity_id)
        if not own:
            return {}
        near = self.ftm.adjacent(versions, entity_id)
        far_ids = {
            other
            for item in near
            if not item.outbound and _is_edge(item)
            for _, other in _references(item.fragments[0].data)
            if other != entity_id
        }
        far = self.ftm.get(versions, far_ids)
        out: dict[str, list[Any]] = {}
        for item in near:
            key = item.prop if item.outbound else _reverse(item)
            if key is None:
                continue
            shown = ftm_entity_response(item.fragments)
            for prop, values in _entity_values(shown):
                kept: list[Any] = []
                for value in values:
                    if value == entity_id:
                        kept.append(value)  # the way back to the root: its id, not nested (as yente)
                    elif not item.outbound and _is_edge(item) and value in far:
                        kept.append(ftm_entity_response(far[value]))
                    else:
                        kept.append(value)
                if kept:
                    shown["properties"][prop] = kept
                else:
                    del shown["properties"][prop]
            out.setdefault(key, []).append(shown)
        # The entity's own references to ids no dataset holds stay as they are (ids), as yente shows them.
        for prop, values in _entity_values(ftm_entity_response(own)):
            nested_ids = {v["id"] for v in out.get(prop, []) if isinstance(v, dict)}
            out.setdefault(prop, []).extend(v for v in values if v not in nested_ids)
        return {prop: values for prop, values in out.items() if values}


def adjacent_page(adjacent: dict[str, list[Any]], prop: str, limit: int, offset: int) -> dict[str, Any]:
    """One property's adjacent entities as yente pages them: `limit` from `offset`, and the total."""
    values = adjacent.get(prop, [])
    return {
        "limit": limit,
        "offset": offset,
        "total": {"value": len(values), "relation": "eq"},
        "results": values[offset : offset + limit],
    }


def entity_property(schema_name: str, prop: str) -> bool:
    """Whether `prop` is an entity-typed property of the schema (what /adjacent/{prop} may name)."""
    schema = model.get(schema_name)
    found = schema.get(prop) if schema is not None else None
    return found is not None and found.type == registry.entity


def _entity_values(shown: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """The entity-typed properties of a shown entity, with their values."""
    schema = model.get(shown["schema"])
    if schema is None:
        return []
    return [
        (name, list(values))
        for name, values in shown["properties"].items()
        if (prop := schema.get(name)) is not None and prop.type == registry.entity
    ]


def _references(data: dict[str, Any]) -> list[tuple[str, str]]:
    schema = model.get(data["schema"])
    if schema is None:
        return []
    return [
        (name, value)
        for name, values in data.get("properties", {}).items()
        if (prop := schema.get(name)) is not None and prop.type == registry.entity
        for value in values
    ]


def _is_edge(item: Adjacent) -> bool:
    schema = model.get(item.fragments[0].data["schema"])
    return schema is not None and bool(schema.edge)


def _reverse(item: Adjacent) -> str | None:
    """The name, on the root's side, of a property pointing at the root (Sanction.entity -> sanctions)."""
    schema = model.get(item.fragments[0].data["schema"])
    prop = schema.get(item.prop) if schema is not None else None
    return prop.reverse.name if prop is not None and prop.reverse is not None else None
