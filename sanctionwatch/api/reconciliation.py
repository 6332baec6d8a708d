"""What the reconciliation service offers, read from FollowTheMoney's model and the index in use.

OpenRefine asks the service which types (FtM schemata) and properties exist, and which properties it
can add as columns (data extension). The answers here are limited to what Sanctionwatch can honour:
types are the party schemata screening accepts that the dataset's lists hold (with their ancestors,
so `LegalEntity` and `Thing` are offered too); query properties are those screening reads; extension
properties are any plain (non-entity) property of a party schema, read from the FtM form /entities
serves.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from followthemoney import model
from followthemoney.property import Property
from followthemoney.schema import Schema as FtmSchema
from followthemoney.types import registry

from sanctionwatch.errors import InputError
from sanctionwatch.screening.examples import SCREENABLE_SCHEMATA, SCREENED_PROPERTIES
from sanctionwatch.screening.live import Snapshot
from sanctionwatch.sources.ftm import FTM_SCHEMA

RENDER_METHODS = ("caption", "raw")
EXTEND_SETTINGS = ("limit", "render")


def _schema(name: str) -> FtmSchema:
    schema = model.get(name)
    if schema is None:  # only the project's own constant names reach here
        raise LookupError(f"followthemoney has no schema {name!r}")
    return schema


PARTY_SCHEMATA: tuple[FtmSchema, ...] = tuple(_schema(name) for name in SCREENABLE_SCHEMATA)


def type_json(schema: FtmSchema) -> dict[str, Any]:
    """A schema as the reconciliation API names a type (yente's shape: the plural as its name)."""
    return {"id": schema.name, "name": schema.plural, "description": schema.description or schema.label}


def property_json(prop: Property) -> dict[str, Any]:
    return {"id": prop.qname, "name": prop.label, "description": prop.description}


def matches_prefix(prefix: str, *labels: str) -> bool:
    """Whether a name or label starts with the prefix, ignoring case (an empty prefix matches nothing,
    as in yente: OpenRefine asks with each key stroke)."""
    wanted = prefix.strip().lower()
    return bool(wanted) and any(label.strip().lower().startswith(wanted) for label in labels)


class SchemaCensus:
    """Which FtM schemata each source's parties have, counted once per index snapshot."""

    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._by_source: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def schemata(self, snapshot: Snapshot, sources: Collection[str]) -> list[FtmSchema]:
        """The party schemata a query may name for this dataset (empty `sources`: every list), in the
        order screening lists them: those the lists hold and their ancestors."""
        with self._lock:
            if self._snapshot is not snapshot:
                self._by_source = _census(snapshot)
                self._snapshot = snapshot
            by_source = self._by_source
        held: set[str] = set()
        for source, names in by_source.items():
            if not sources or source in sources:
                held |= names
        offered: set[str] = set()
        for name in held:
            offered |= {s.name for s in _schema(name).schemata}
        return [schema for schema in PARTY_SCHEMATA if schema.name in offered]


def _census(snapshot: Snapshot) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for entity in snapshot.screener.index.entities:
        found.setdefault(entity.source, set()).add(FTM_SCHEMA[entity.schema])
    return {source: frozenset(names) for source, names in found.items()}


def suggest_types(schemata: Iterable[FtmSchema], prefix: str) -> list[dict[str, Any]]:
    return [type_json(s) for s in schemata if matches_prefix(prefix, s.name, s.label, s.plural)]


def query_properties(schemata: Iterable[FtmSchema]) -> list[Property]:
    """The properties a query of these types may give (`pid`), each once, in the model's order."""
    found: dict[str, Property] = {}
    for schema in schemata:
        for name in SCREENED_PROPERTIES:
            prop = schema.get(name)
            if prop is not None:
                found.setdefault(prop.qname, prop)
    return list(found.values())


def suggest_properties(schemata: Iterable[FtmSchema], prefix: str) -> list[dict[str, Any]]:
    return [property_json(p) for p in query_properties(schemata) if matches_prefix(prefix, p.name, p.label)]


def query_property(pid: str) -> str:
    """The FtM property name a query's `pid` stands for: a plain name (`birthDate`) or a qualified one
    (`Person:birthDate`, as the suggest service gives them); InputError when screening does not read it."""
    prop = model.get_qname(pid) if ":" in pid else None
    name = prop.name if prop is not None else pid
    if name not in SCREENED_PROPERTIES:
        raise InputError(
            f"pid {pid!r}: not a property screening reads; use one of {', '.join(SCREENED_PROPERTIES)}"
        )
    return name


def party_type(name: str) -> FtmSchema:
    """A type given as `type=` (extension proposals): a party schema screening accepts, or InputError."""
    schema = model.get(name)
    if schema is None or schema.name not in SCREENABLE_SCHEMATA:
        raise InputError(f"type: {name!r} is not a party type; use one of {', '.join(SCREENABLE_SCHEMATA)}")
    return schema


def _offered(prop: Property) -> bool:
    return not prop.hidden and prop.type != registry.entity


def extend_proposals(schema: FtmSchema, limit: int) -> list[dict[str, str]]:
    """The properties a column can be filled from: the schema's featured ones first, then the rest;
    at most `limit` (0: all), sorted by label as yente does."""
    props = [p for name in schema.featured if (p := schema.get(name)) is not None and _offered(p)]
    props += [p for p in schema.properties.values() if _offered(p) and p.name not in schema.featured]
    if limit > 0:
        props = props[:limit]
    return sorted(({"id": p.name, "name": p.label} for p in props), key=lambda p: p["name"])


def extension_property(pid: str) -> Property:
    """A property asked for in an extension (`name`, `Thing:country`): a plain property of some party
    schema, or InputError naming it."""
    if ":" in pid:
        prop = model.get_qname(pid)
        if prop is not None and any(s.get(prop.name) is prop for s in PARTY_SCHEMATA) and _offered(prop):
            return prop
    else:
        for schema in PARTY_SCHEMATA:
            prop = schema.get(pid)
            if prop is not None and _offered(prop):
                return prop
    raise InputError(f"property {pid!r}: not a plain property of a party schema")


def extend_settings(pid: str, settings: Any) -> tuple[int, str]:
    """A property's `settings` ({"limit": 0, "render": "caption"}): values per row (0: all), and whether
    values are shown as captions ('Russia') or raw ('ru')."""
    if settings is None:
        settings = {}
    if not isinstance(settings, Mapping):
        raise InputError(f"extend.properties.{pid}.settings: expected an object")
    unknown = sorted(set(settings) - set(EXTEND_SETTINGS))
    if unknown:
        raise InputError(
            f"extend.properties.{pid}.settings: {', '.join(unknown)} not supported; "
            f"use {', '.join(EXTEND_SETTINGS)}"
        )
    limit = settings.get("limit", 0)
    if isinstance(limit, str) and limit.isdigit():  # OpenRefine sends the number field as text
        limit = int(limit)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        raise InputError(f"extend.properties.{pid}.settings.limit: expected a number >= 0")
    render = settings.get("render", "caption")
    if render not in RENDER_METHODS:
        raise InputError(
            f"extend.properties.{pid}.settings.render: expected one of {', '.join(RENDER_METHODS)}"
        )
    return limit, render


def extension_values(shown: Mapping[str, Any], prop: Property, limit: int, render: str) -> list[str]:
    """A party's values of the property (as /entities shows the party); none when its schema lacks it."""
    schema = model.get(shown["schema"])
    own = schema.get(prop.name) if schema is not None else None
    if own is None:
        return []
    values = [str(v) for v in shown["properties"].get(own.name, [])]
    if limit > 0:
        values = values[:limit]
    if render == "caption":
        values = [own.type.caption(v) or v for v in values]
    return values
