"""FollowTheMoney (FtM) JSON lines: import as a source, export as an interchange format.

FtM is the data model OpenSanctions and Aleph publish in, one entity per line:
`{"id", "schema", "properties": {prop: [values]}, "datasets", "target", ...}`. A listed party is one
entity; its sanction, identity documents, addresses and relations are separate entities that
point at it (Sanction.entity, Identification.holder, Party.addressEntity, Ownership.asset, ...).
Import therefore reads the whole file before assembling parties; export writes those satellite
entities beside each party. All schema and property knowledge comes from the followthemoney
library, and every exported value passes through its cleaners, so invalid values are dropped
rather than written.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from followthemoney.schema import Schema as FtmSchema
from followthemoney.types import registry

from sanctionwatch.model import (
    FTM_SOURCE_PREFIX,
    LEGACY_FTM_SOURCE,
    Address,
    DateValue,
    Entity,
    Identifier,
    IdKind,
    Link,
    LinkKind,
    Name,
    NameKind,
    NameQuality,
    Schema,
    is_ftm_source,
)
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.catalog import source_spec
from sanctionwatch.sources.datasets import ftm_dataset
from sanctionwatch.sources.files import text_stream
from sanctionwatch.sources.jsonsafe import loads_shallow
from sanctionwatch.sources.script_codes import detect_script

__all__ = ["FTM_SCHEMA", "FtmImport", "Role", "read_ftm", "to_ftm", "write_ftm"]

log = logging.getLogger(__name__)

FORMAT = "ftm-jsonl"

# Our schema -> FtM schema name (FtM calls aircraft "Airplane").
FTM_SCHEMA: dict[str, str] = {
    Schema.PERSON: "Person",
    Schema.ORGANIZATION: "Organization",
    Schema.COMPANY: "Company",
    Schema.LEGAL_ENTITY: "LegalEntity",
    Schema.VESSEL: "Vessel",
    Schema.AIRCRAFT: "Airplane",
    Schema.CRYPTO_WALLET: "CryptoWallet",
}
# Most specific first: an FtM schema maps to the first of these it descends from (PublicBody ->
# Organization), so sub-types OpenSanctions uses are screened rather than dropped.
_IMPORT_ORDER: tuple[tuple[str, Schema], ...] = (
    ("Person", Schema.PERSON),
    ("Company", Schema.COMPANY),
    ("Organization", Schema.ORGANIZATION),
    ("Vessel", Schema.VESSEL),
    ("Airplane", Schema.AIRCRAFT),
    ("CryptoWallet", Schema.CRYPTO_WALLET),
    ("LegalEntity", Schema.LEGAL_ENTITY),
)

_NAME_PROPS: dict[str, tuple[NameKind, NameQuality]] = {
    "name": (NameKind.PRIMARY, NameQuality.STRONG),
    "alias": (NameKind.ALIAS, NameQuality.STRONG),
    "previousName": (NameKind.FORMER, NameQuality.STRONG),
    "weakAlias": (NameKind.ALIAS, NameQuality.WEAK),
}
# Name parts of a Person in FtM -> our Name.parts keys (attached to the primary name).
_NAME_PART_PROPS = {
    "firstName": "given",
    "middleName": "middle",
    "lastName": "family",
    "fatherName": "patronymic",
    "motherName": "maternal",
}

# Identifier properties of parties -> our kind. Export uses the first property listed per kind.
_ID_PROPS: dict[str, IdKind] = {
    "passportNumber": IdKind.PASSPORT,
    "idNumber": IdKind.NATIONAL_ID,
    "socialSecurityNumber": IdKind.NATIONAL_ID,
    "registrationNumber": IdKind.REGISTRATION,
    "ogrnCode": IdKind.REGISTRATION,
    "okpoCode": IdKind.REGISTRATION,
    "taxNumber": IdKind.TAX_ID,
    "innCode": IdKind.TAX_ID,
    "vatCode": IdKind.TAX_ID,
    "imoNumber": IdKind.IMO,
    "mmsi": IdKind.MMSI,
    "swiftBic": IdKind.BIC,
    "publicKey": IdKind.CRYPTO,
    "callSign": IdKind.CALL_SIGN,
    "serialNumber": IdKind.AIRCRAFT_SERIAL,
    "leiCode": IdKind.LEI,
}
_KIND_PROP: dict[str, str] = {}
for _prop, _kind in _ID_PROPS.items():
    _KIND_PROP.setdefault(_kind, _prop)

# Party properties mapped to dedicated fields; everything else non-relational goes to `properties`.
_PARTY_FIELDS = {
    *_NAME_PROPS,
    *_NAME_PART_PROPS,
    *_ID_PROPS,
    "birthDate",
    "birthPlace",
    "nationality",
    "citizenship",
    "country",
    "gender",
    "title",
    "position",
    "address",
    "program",
    "notes",
    "indexText",
}
# Sanction properties kept in `properties` (under the same names), so export can write them back.
_SANCTION_EXTRAS = ("authorityId", "unscId", "startDate", "programId", "reason", "provisions", "status")


@dataclass(frozen=True, slots=True)
class _Relation:
    """An FtM relation schema seen from its two ends: `near` has kind `forward` towards `far`."""

    schema: str
    near: str
    far: str
    forward: LinkKind
    backward: LinkKind | None  # the kind recorded on the far end, if the relation has an inverse


_RELATIONS: tuple[_Relation, ...] = (
    _Relation("Ownership", "asset", "owner", LinkKind.OWNED_BY, LinkKind.OWNER_OF),
    _Relation("Directorship", "director", "organization", LinkKind.LEADER_OF, None),
    _Relation("Representation", "agent", "client", LinkKind.ACTING_FOR, None),
    _Relation("Family", "person", "relative", LinkKind.FAMILY, LinkKind.FAMILY),
    _Relation("Associate", "person", "associate", LinkKind.ASSOCIATE, LinkKind.ASSOCIATE),
    _Relation("UnknownLink", "subject", "object", LinkKind.OTHER, LinkKind.OTHER),
)
_RELATION_BY_SCHEMA = {relation.schema: relation for relation in _RELATIONS}
_INVERSE: dict[str, LinkKind | None] = {
    LinkKind.OWNED_BY: LinkKind.OWNER_OF,
    LinkKind.OWNER_OF: LinkKind.OWNED_BY,
    LinkKind.FAMILY: LinkKind.FAMILY,
    LinkKind.ASSOCIATE: LinkKind.ASSOCIATE,
    LinkKind.OTHER: LinkKind.OTHER,
    LinkKind.LEADER_OF: None,
    LinkKind.ACTING_FOR: None,
}
_ROLE_PROPS = ("role", "relationship", "ownershipType")
_LINK_KINDS = {kind.value for kind in LinkKind}


# ---------------------------------------------------------------------------------------------
# Import


class Role(StrEnum):
    """What the import makes of an FtM entity; the CLI reports the count of each, by schema."""

    PARTY = "party"  # a screenable party its publisher targets
    NON_TARGET = "non-target"  # a screenable party listed without being targeted (`target: false`)
    NON_PARTY = "non-party"  # Sanction, Address, Identification, Ownership, Payment ...: kept, not screened
    UNKNOWN_SCHEMA = "unknown-schema"  # a schema this followthemoney does not know: counted, not kept


@dataclass(slots=True)
class _Read:
    """One entity of the input (fragments of one id merged, as FtM does), before assembly."""

    proxy: EntityProxy
    line: str  # "file:line" of its first fragment, for messages
    datasets: list[str] = field(default_factory=list)
    referents: list[str] = field(default_factory=list)
    target: bool | None = None  # None: the file does not say
    meta: dict[str, str] = field(default_factory=dict)  # first_seen, last_seen, last_change


@dataclass(slots=True)
class FtmImport:
    """Everything read from FtM files: the parties, every entity as FtM has it, and the counts by role."""

    entities: list[Entity] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)  # parties and non-parties, FtM-shaped
    counts: dict[Role, Counter[str]] = field(default_factory=lambda: {role: Counter() for role in Role})
    datasets: set[str] = field(default_factory=set)  # every name the entities' `datasets` carry

    def count_table(self) -> dict[str, dict[str, int]]:
        return {role.value: dict(sorted(c.items())) for role, c in self.counts.items() if c}


@dataclass(slots=True)
class _Graph:
    """All proxies of the input, indexed by what they point at."""

    parties: dict[str, EntityProxy] = field(default_factory=dict)
    datasets: dict[str, list[str]] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, EntityProxy] = field(default_factory=dict)
    sanctions: defaultdict[str, list[EntityProxy]] = field(default_factory=lambda: defaultdict(list))
    documents: defaultdict[str, list[EntityProxy]] = field(default_factory=lambda: defaultdict(list))
    relations: list[EntityProxy] = field(default_factory=list)
    non_targets: set[str] = field(default_factory=set)


_META_KEYS = ("first_seen", "last_seen", "last_change")
# A registry id is "<source>:<FtM id>" in 200 characters (`entity_records.entity_id`).
_MAX_REGISTRY_ID = 200


def _our_schema(schema: FtmSchema) -> Schema | None:
    for name, ours in _IMPORT_ORDER:
        if schema.is_a(name):
            return ours
    return None


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with text_stream(path) as stream:
        try:
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    yield number, _decode(path, number, line)
        except UnicodeDecodeError as exc:
            raise SourceFormatError(path, f"not valid UTF-8 text: {exc.reason}") from exc


def _decode(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        data = loads_shallow(line)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(path, f"invalid JSON: {exc.msg} (column {exc.colno})", line=number) from exc
    except ValueError as exc:  # nested too deep, or a number Python will not read
        raise SourceFormatError(path, f"unreadable JSON: {exc}", line=number) from exc
    if not isinstance(data, dict):
        raise SourceFormatError(path, "expected a JSON object per line", line=number)
    for key in ("id", "schema"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise SourceFormatError(path, f"missing or empty {key!r}", line=number, element=key)
    if not isinstance(data.get("properties", {}), dict):
        raise SourceFormatError(path, "'properties' is not an object", line=number, element="properties")
    if not registry.entity.validate(data["id"]):
        raise SourceFormatError(
            path,
            f"id {data['id']!r} is not an FtM entity id (letters, digits, '.' and '-', "
            "starting and ending with a letter or digit)",
            line=number,
            element="id",
        )
    for key in ("datasets", "referents"):
        values = data.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise SourceFormatError(path, f"{key!r} is not a list of names", line=number, element=key)
    if "target" in data and not isinstance(data["target"], bool):
        raise SourceFormatError(path, "'target' is neither true nor false", line=number, element="target")
    return data


def _proxy(path: Path, number: int, data: dict[str, Any]) -> EntityProxy | None:
    """Clean the values through FtM (bad dates, countries... are dropped); None for unknown schemata."""
    if model.get(data["schema"]) is None:
        return None
    try:
        return model.get_proxy(
            {"id": data["id"], "schema": data["schema"], "properties": data.get("properties") or {}},
            cleaned=False,
        )
    except (InvalidData, TypeError, ValueError) as exc:
        raise SourceFormatError(path, f"invalid FtM entity: {exc}", line=number) from exc


def _read(paths: Sequence[Path], result: FtmImport) -> dict[str, _Read]:
    """Every entity of the files by id; fragments of one id (FtM allows them) are merged into one."""
    read: dict[str, _Read] = {}
    for path in paths:
        for number, data in _lines(Path(path)):
            proxy = _proxy(Path(path), number, data)
            if proxy is None:
                result.counts[Role.UNKNOWN_SCHEMA][str(data["schema"])] += 1
                continue
            fragment = _Read(
                proxy,
                f"{path}:{number}",
                list(data.get("datasets", [])),
                list(data.get("referents", [])),
                data.get("target"),
                {key: str(data[key]) for key in _META_KEYS if isinstance(data.get(key), str)},
            )
            result.datasets.update(fragment.datasets)
            known = read.get(data["id"])
            if known is None:
                read[data["id"]] = fragment
                continue
            try:
                known.proxy.merge(proxy)
            except InvalidData as exc:
                raise SourceFormatError(
                    path, f"entity {data['id']!r} again, as a {proxy.schema.name}: {exc}", line=number
                ) from exc
            known.datasets = list(dict.fromkeys(known.datasets + fragment.datasets))
            known.referents = list(dict.fromkeys(known.referents + fragment.referents))
            if fragment.target is not None:
                known.target = bool(known.target) or fragment.target
            for key, value in fragment.meta.items():
                earliest = key == "first_seen"
                old = known.meta.get(key)
                known.meta[key] = value if old is None else (min if earliest else max)(old, value)
    return read


def _role(entity: _Read) -> Role:
    if _our_schema(entity.proxy.schema) is None:
        return Role.NON_PARTY
    # A file that does not say keeps the meaning it had before issue 18: every party is a target.
    return Role.NON_TARGET if entity.target is False else Role.PARTY


def _record(entity: _Read, role: Role) -> dict[str, Any]:
    """The entity as FtM has it, as the registry keeps it and the API shows it."""
    proxy = entity.proxy
    return {
        "id": proxy.id,
        "schema": proxy.schema.name,
        "caption": proxy.caption,
        "properties": proxy.to_dict()["properties"],
        "datasets": entity.datasets,
        "referents": entity.referents,
        "target": role is Role.PARTY,
        **entity.meta,
        "role": role.value,  # what the import made of it; the registry keeps it beside the record
    }


def _index(graph: _Graph, entity: _Read, role: Role) -> None:
    proxy = entity.proxy
    schema = proxy.schema
    assert proxy.id is not None  # _decode refused lines without one
    graph.captions[proxy.id] = proxy.caption
    if role is not Role.NON_PARTY:
        graph.parties[proxy.id] = proxy
        graph.datasets[proxy.id] = entity.datasets
        if role is Role.NON_TARGET:
            graph.non_targets.add(proxy.id)
    elif schema.is_a("Sanction"):
        for party_id in proxy.get("entity"):
            graph.sanctions[party_id].append(proxy)
    elif schema.is_a("Identification"):
        for party_id in proxy.get("holder"):
            graph.documents[party_id].append(proxy)
    elif schema.is_a("Address"):
        graph.addresses[proxy.id] = proxy
    elif schema.name in _RELATION_BY_SCHEMA:
        graph.relations.append(proxy)


def read_ftm(paths: Sequence[Path], source: str = "ftm") -> FtmImport:
    """Read FtM JSON lines (plain or compressed): one `Entity` per party, targeted or not, and every
    entity of a known schema as FtM has it (`records`), counted by role and schema."""
    graph, result = _Graph(), FtmImport()
    read = _read(paths, result)
    for entity in read.values():
        role = _role(entity)
        result.counts[role][entity.proxy.schema.name] += 1
        result.records.append(_record(entity, role))
        _index(graph, entity, role)
    links = _links(graph)
    for party_id, proxy in graph.parties.items():
        party = _entity(graph, source, proxy, links.get(party_id, []))
        party.target = party_id not in graph.non_targets
        result.entities.append(party)
    if result.counts[Role.UNKNOWN_SCHEMA]:
        log.warning(
            "FtM import: schemata followthemoney does not know %s", dict(result.counts[Role.UNKNOWN_SCHEMA])
        )
    return result


def dataset_source(imported: FtmImport, source: str, where: str) -> str:
    """The source an FtM import feeds: `ftm:NAME` as given, or, for plain `ftm`, the one dataset the
    entities name. Several datasets, or none, are refused: which dataset the file is cannot be told."""
    if source != LEGACY_FTM_SOURCE:
        return source
    names = sorted(imported.datasets)
    if len(names) == 1:
        return source_spec(f"{FTM_SOURCE_PREFIX}{names[0]}").name  # refuses a malformed name
    if not names:
        raise SourceFormatError(
            where, "the entities name no dataset: give the one this file is, e.g. --source ftm:my_dataset"
        )
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    raise SourceFormatError(
        where,
        f"the entities belong to {len(names)} datasets ({shown}): give the dataset this file is, "
        f"e.g. --source ftm:{names[0]} (or the collection's name, such as ftm:default)",
    )


def parse(paths: Sequence[Path], source: str = "ftm") -> ParsedList:
    """FtM JSON lines -> ParsedList: the parties, and for an FtM source every entity as FtM has it.

    `source` is `ftm:NAME`, `ftm` (the dataset named by the entities, see `dataset_source`) or a user's
    `internal:NAME` list, which keeps its parties only (it is screened, not served as FtM).
    """
    if not paths:
        raise SourceFormatError("-", "no FtM file given")
    imported = read_ftm(paths, source)
    target = dataset_source(imported, source, ", ".join(str(p) for p in paths))
    if target != source:
        for entity in imported.entities:
            entity.source = target
    ftm_source = is_ftm_source(target)
    for entity in imported.entities:
        if len(entity.id) > _MAX_REGISTRY_ID:
            raise SourceFormatError(
                paths[0],
                f"id {entity.source_id!r} is too long for source {target}: the registry keeps "
                f"'{target}:<id>' in {_MAX_REGISTRY_ID} characters",
                element="id",
            )
    return ParsedList(
        source=target,
        format=FORMAT,
        published=None,
        entities=imported.entities,
        files=[Path(p) for p in paths],
        ftm_entities=imported.records if ftm_source else [],
        import_counts=imported.count_table(),
    )


def _entity(graph: _Graph, source: str, proxy: EntityProxy, links: list[Link]) -> Entity:
    our_schema = _our_schema(proxy.schema)
    assert our_schema is not None and proxy.id is not None
    entity = Entity(source=source, source_id=proxy.id, schema=our_schema)
    entity.names = _import_names(proxy)
    entity.birth_dates = [DateValue(value) for value in proxy.get("birthDate", quiet=True)]
    entity.birth_places = list(proxy.get("birthPlace", quiet=True))
    entity.nationalities = list(proxy.get("nationality", quiet=True))
    entity.citizenships = list(proxy.get("citizenship", quiet=True))
    entity.countries = list(proxy.get("country", quiet=True))
    genders = proxy.get("gender", quiet=True)
    entity.gender = next((g for g in genders if g in ("male", "female")), None)
    entity.titles = list(proxy.get("title", quiet=True))
    entity.positions = list(proxy.get("position", quiet=True))
    entity.remarks = list(proxy.get("notes", quiet=True))
    entity.addresses = _import_addresses(graph, proxy)
    entity.identifiers = _import_identifiers(graph.documents.get(proxy.id, []), proxy)
    entity.programs = list(proxy.get("program", quiet=True))
    entity.lists = list(graph.datasets.get(proxy.id, []))
    entity.links = links
    entity.properties = _leftover_properties(proxy)
    _apply_sanctions(entity, graph.sanctions.get(proxy.id, []))
    return entity


def _import_names(proxy: EntityProxy) -> list[Name]:
    parts = {
        ours: values[0]
        for prop, ours in _NAME_PART_PROPS.items()
        if len(values := proxy.get(prop, quiet=True)) == 1
    }
    names: list[Name] = []
    seen: set[tuple[str, str, str]] = set()
    for prop, (kind, quality) in _NAME_PROPS.items():
        for value in proxy.get(prop, quiet=True):
            if (value, kind, quality) in seen:
                continue
            seen.add((value, kind, quality))
            script = detect_script(value)
            name_parts = dict(parts) if kind == NameKind.PRIMARY and not names else {}
            names.append(Name(value, kind, quality, None if script == "Latn" else script, name_parts))
    return names


def _import_addresses(graph: _Graph, proxy: EntityProxy) -> list[Address]:
    addresses: list[Address] = []
    for address_id in proxy.get("addressEntity", quiet=True):
        found = graph.addresses.get(address_id)
        if found is not None:
            addresses.append(_address_of(found))
    known = {address.full for address in addresses}
    for text in proxy.get("address", quiet=True):
        if text not in known:
            addresses.append(Address(full=text))
    return addresses


def _address_of(proxy: EntityProxy) -> Address:
    def first(*props: str) -> str | None:
        for prop in props:
            values = proxy.get(prop, quiet=True)
            if values:
                return str(values[0])
        return None

    return Address(
        full=first("full") or proxy.caption,
        street=first("street"),
        city=first("city"),
        region=first("region", "state"),
        postal_code=first("postalCode"),
        country=first("country"),
    )


def _document_kind(schema: FtmSchema, doc_type: str | None) -> IdKind:
    if doc_type in {kind.value for kind in IdKind}:
        return IdKind(doc_type)
    text = (doc_type or "").lower()
    if schema.is_a("Passport") or "passport" in text:
        return IdKind.PASSPORT
    if "national" in text or "identity" in text or "id card" in text:
        return IdKind.NATIONAL_ID
    return IdKind.OTHER


def _identifier_value(kind: str, value: str) -> str:
    """FtM writes IMO numbers as 'IMO7303803'; lists give the seven digits, and matching wants those."""
    if kind == IdKind.IMO and value.upper().startswith("IMO"):
        return value[3:].strip()
    return value


def _import_identifiers(documents: list[EntityProxy], proxy: EntityProxy) -> list[Identifier]:
    found: list[Identifier] = []
    for document in documents:
        doc_type = next(iter(document.get("type")), None)
        kind = _document_kind(document.schema, doc_type)
        label = next(iter(document.get("description")), None)
        if label is None and doc_type is not None and doc_type != kind:
            label = doc_type
        for number in document.get("number"):
            found.append(
                Identifier(
                    kind=kind,
                    value=_identifier_value(kind, number),
                    country=next(iter(document.get("country")), None),
                    label=label,
                    note=next(iter(document.get("summary")), None),
                )
            )
    known = {identifier.value for identifier in found}
    currency = next(iter(proxy.get("currency", quiet=True)), None)
    for prop, kind in _ID_PROPS.items():
        for raw in proxy.get(prop, quiet=True):
            value = _identifier_value(kind, raw)
            if value not in known:
                known.add(value)
                found.append(
                    Identifier(
                        kind=kind,
                        value=value,
                        label=None if _KIND_PROP[kind] == prop else prop,
                        currency=currency if kind == IdKind.CRYPTO else None,
                    )
                )
    return found


def _leftover_properties(proxy: EntityProxy) -> dict[str, list[str]]:
    properties: dict[str, list[str]] = {}
    for prop, values in proxy.properties.items():
        prop_obj = proxy.schema.get(prop)
        if prop in _PARTY_FIELDS or prop_obj is None or prop_obj.type == registry.entity:
            continue
        properties[prop] = [str(v) for v in values]
    return properties


def _apply_sanctions(entity: Entity, sanctions: list[EntityProxy]) -> None:
    listing_dates: list[str] = []
    start_dates: list[str] = []
    for sanction in sanctions:
        entity.programs.extend(sanction.get("program"))
        entity.authorities.extend(sanction.get("authority"))
        listing_dates.extend(sanction.get("listingDate"))
        start_dates.extend(sanction.get("startDate"))
        for prop in _SANCTION_EXTRAS:
            values = sanction.get(prop)
            if values:
                entity.properties.setdefault(prop, []).extend(values)
    dates = listing_dates or start_dates
    entity.listed_on = min(dates) if dates else None


def _links(graph: _Graph) -> dict[str, list[Link]]:
    """Relations become links on each end that is a party (both ends when the relation has an inverse)."""
    links: defaultdict[str, list[Link]] = defaultdict(list)
    for proxy in graph.relations:
        relation = _RELATION_BY_SCHEMA[proxy.schema.name]
        roles = [value for prop in _ROLE_PROPS for value in proxy.get(prop, quiet=True)]
        forward, backward, note = relation.forward, relation.backward, "; ".join(roles) or None
        if relation.schema == "UnknownLink" and len(roles) == 1 and roles[0] in _LINK_KINDS:
            forward, backward, note = LinkKind(roles[0]), _INVERSE[roles[0]], None
        for near in proxy.get(relation.near):
            for far in proxy.get(relation.far):
                _add_link(graph, links, near, far, forward, note)
                if backward is not None:
                    _add_link(graph, links, far, near, backward, note)
    return dict(links)


def _add_link(
    graph: _Graph,
    links: defaultdict[str, list[Link]],
    party: str,
    other: str,
    kind: LinkKind,
    note: str | None,
) -> None:
    if party not in graph.parties:
        return
    name = graph.captions.get(other)
    # A targeted party of this import is referred to by its id; anything else (an unlisted owner, a
    # party listed with `target: false`) by its name, as before issue 18, so that a targeted party's
    # record does not change with it. The FtM graph itself is kept whole (registry/ftm.py).
    targeted = other in graph.parties and other not in graph.non_targets
    target = other if targeted or name is None else name
    link = Link(kind=kind, target=target, target_name=name, note=note)
    if link not in links[party]:
        links[party].append(link)


# ---------------------------------------------------------------------------------------------
# Export


def ftm_id(source: str, source_id: str) -> str:
    """Readable and stable ('uk-13590') when it is a valid FtM id, otherwise a hash of the same key.

    An entity of an FtM dataset keeps its own id (issue 18): FtM clients hold it.
    """
    if is_ftm_source(source) and registry.entity.validate(source_id):
        return source_id
    candidate = f"{source}-{source_id}"
    if registry.entity.clean(candidate) == candidate:
        return candidate
    return str(model.make_entity("LegalEntity").make_id(source, source_id))


def _make(schema: str, *id_parts: str) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.make_id(*id_parts)
    return proxy


def _add(proxy: EntityProxy, prop: str, values: Iterable[str | None] | str | None) -> None:
    """Add through FtM's cleaners: values the property type rejects are dropped, unknown props ignored."""
    proxy.add(prop, values, quiet=True)


def _schema(name: str) -> FtmSchema:
    schema = model.get(name)
    if schema is None:  # only our own constant names reach here
        raise LookupError(f"followthemoney has no schema {name!r}")
    return schema


def _has(schema: FtmSchema, prop: str) -> bool:
    return schema.get(prop) is not None


def to_ftm(entity: Entity) -> list[dict[str, Any]]:
    """One party as FtM entities: the party first, then its sanction, documents, addresses and relations."""
    schema_name = FTM_SCHEMA.get(entity.schema)
    if schema_name is None:
        raise ValueError(f"{entity.id}: no FtM schema for {entity.schema!r}")
    party = model.make_entity(schema_name)
    party.id = ftm_id(entity.source, entity.source_id)
    extra: list[EntityProxy] = []
    _export_names(party, entity)
    _export_facts(party, entity)
    extra.extend(_export_addresses(party, entity))
    extra.extend(_export_identifiers(party, entity))
    extra.extend(_export_sanction(party, entity))
    extra.extend(_export_links(party, entity))
    out = [party, *extra]
    return [_with_datasets(proxy, entity.source, proxy is party and entity.target) for proxy in out]


def _with_datasets(proxy: EntityProxy, source: str, target: bool) -> dict[str, Any]:
    data: dict[str, Any] = proxy.to_dict()
    data["datasets"] = [ftm_dataset(source)]
    data["target"] = target
    return data


def _export_names(party: EntityProxy, entity: Entity) -> None:
    for name in entity.names:
        if name.quality == NameQuality.WEAK:
            prop = "weakAlias"
        elif name.kind == NameKind.FORMER:
            prop = "previousName"
        elif name.kind in (NameKind.PRIMARY, NameKind.NEW):
            prop = "name"
        else:
            prop = "alias"
        _add(party, prop, name.full)
    primary = next((n for n in entity.names if n.kind == NameKind.PRIMARY), None)
    if primary is not None:
        for prop, part in _NAME_PART_PROPS.items():
            _add(party, prop, primary.parts.get(part))


def _export_facts(party: EntityProxy, entity: Entity) -> None:
    _add(party, "birthDate", [d.value for d in entity.birth_dates])
    _add(party, "birthPlace", entity.birth_places)
    _add(party, "nationality", entity.nationalities)
    _add(party, "citizenship", entity.citizenships)
    _add(party, "country", entity.countries)
    _add(party, "gender", entity.gender)
    _add(party, "title", entity.titles)
    _add(party, "position", entity.positions)
    _add(party, "notes", entity.remarks)
    for prop, values in entity.properties.items():
        prop_obj = party.schema.get(prop)
        if prop_obj is not None and prop_obj.type != registry.entity:
            _add(party, prop, values)


def _export_addresses(party: EntityProxy, entity: Entity) -> list[EntityProxy]:
    out: list[EntityProxy] = []
    for address in entity.addresses:
        parts = [address.street, address.city, address.region, address.postal_code, address.country]
        full = address.full or ", ".join(p for p in parts if p)
        if not full:
            continue
        proxy = _make("Address", str(party.id), "address", full)
        _add(proxy, "full", full)
        _add(proxy, "street", address.street)
        _add(proxy, "city", address.city)
        _add(proxy, "region", address.region)
        _add(proxy, "postalCode", address.postal_code)
        _add(proxy, "country", address.country)
        _add(party, "addressEntity", proxy.id)
        out.append(proxy)
    return out


def _export_identifiers(party: EntityProxy, entity: Entity) -> list[EntityProxy]:
    """Numbers go on the party where FtM has a property; details (country, wording, notes) need a document."""
    out: list[EntityProxy] = []
    for identifier in entity.identifiers:
        prop = identifier.label if identifier.label in _ID_PROPS else _KIND_PROP.get(identifier.kind)
        on_party = prop is not None and _has(party.schema, prop)
        if on_party and prop is not None:
            _add(party, prop, identifier.value)
            if identifier.kind == IdKind.CRYPTO:
                _add(party, "currency", identifier.currency)
        has_details = identifier.country or identifier.note or (identifier.label and identifier.label != prop)
        if (has_details or not on_party) and party.schema.is_a("LegalEntity"):
            out.append(_document(party, identifier))
    return out


def _document(party: EntityProxy, identifier: Identifier) -> EntityProxy:
    schema = "Passport" if identifier.kind == IdKind.PASSPORT else "Identification"
    proxy = _make(schema, str(party.id), identifier.kind, identifier.value)
    _add(proxy, "holder", party.id)
    _add(proxy, "number", identifier.value)
    _add(proxy, "type", identifier.kind)
    _add(proxy, "country", identifier.country)
    _add(proxy, "description", identifier.label)
    _add(proxy, "summary", identifier.note)
    return proxy


def _export_sanction(party: EntityProxy, entity: Entity) -> list[EntityProxy]:
    sanction = _make("Sanction", str(party.id), "sanction")
    _add(sanction, "entity", party.id)
    _add(sanction, "program", entity.programs)
    _add(sanction, "authority", entity.authorities)
    _add(sanction, "listingDate", entity.listed_on)
    for prop, values in entity.properties.items():
        if not _has(party.schema, prop) and _has(sanction.schema, prop):
            _add(sanction, prop, values)
    if set(sanction.properties) <= {"entity"}:
        return []
    return [sanction]


def _relation_for(kind: str, party_schema: FtmSchema) -> tuple[_Relation, bool]:
    """The FtM relation for a link kind, and whether the party is its `near` end.

    Falls back to UnknownLink when the party's schema is outside the relation's range (an
    Organization cannot be an Ownership asset in FtM; only Assets can).
    """
    choices = {
        LinkKind.OWNED_BY: ("Ownership", True),
        LinkKind.OWNER_OF: ("Ownership", False),
        LinkKind.LEADER_OF: ("Directorship", True),
        LinkKind.ACTING_FOR: ("Representation", True),
        LinkKind.FAMILY: ("Family", True),
        LinkKind.ASSOCIATE: ("Associate", True),
    }
    schema_name, near = choices.get(LinkKind(kind) if kind in _LINK_KINDS else LinkKind.OTHER, ("", True))
    relation = _RELATION_BY_SCHEMA.get(schema_name)
    if relation is not None:
        end = _schema(relation.schema).get(relation.near if near else relation.far)
        if end is not None and end.range is not None and party_schema.is_a(end.range):
            return relation, near
    return _RELATION_BY_SCHEMA["UnknownLink"], True


_STUB_SCHEMA = {"Asset": "Company", "Thing": "LegalEntity"}


def _relation_key(relation: _Relation, near_id: str, far_id: str, kind: str) -> tuple[str, ...]:
    """Id parts under which both ends of one relation export the same entity (written once)."""
    if relation.schema == "UnknownLink":
        return (relation.schema, near_id, far_id, kind)
    if relation.forward == relation.backward:  # symmetric: A-B and B-A are one relation
        return (relation.schema, *sorted((near_id, far_id)))
    return (relation.schema, near_id, far_id)


def _export_links(party: EntityProxy, entity: Entity) -> list[EntityProxy]:
    out: list[EntityProxy] = []
    for link in entity.links:
        relation, near = _relation_for(link.kind, party.schema)
        far_prop = _schema(relation.schema).get(relation.far if near else relation.near)
        by_name = link.target_name is not None and link.target == link.target_name
        if by_name:
            range_name = far_prop.range.name if far_prop is not None and far_prop.range else "Thing"
            stub = _make(_STUB_SCHEMA.get(range_name, range_name), entity.source, "name", link.target)
            _add(stub, "name", link.target)
            out.append(stub)
            other_id = str(stub.id)
        else:
            other_id = ftm_id(entity.source, link.target)
        near_id, far_id = (str(party.id), other_id) if near else (other_id, str(party.id))
        proxy = _make(relation.schema, *_relation_key(relation, near_id, far_id, link.kind))
        _add(proxy, relation.near, near_id)
        _add(proxy, relation.far, far_id)
        role_prop = next(p for p in _ROLE_PROPS if _has(proxy.schema, p))
        if relation.schema == "UnknownLink" and link.kind != LinkKind.OTHER:
            _add(proxy, role_prop, link.kind)
        else:
            _add(proxy, role_prop, link.note)
        out.append(proxy)
    return out


def write_ftm(entities: Iterable[Entity], out: TextIO) -> int:
    """Write FtM JSON lines; an entity shared by two parties (a common owner) is written once."""
    written: set[str] = set()
    for entity in entities:
        for data in to_ftm(entity):
            if data["id"] in written:
                continue
            written.add(data["id"])
            out.write(json.dumps(data, ensure_ascii=False, sort_keys=True))
            out.write("\n")
    return len(written)
