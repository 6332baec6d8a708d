"""The normalized record of one listed party, as every source parser produces it.

One `Entity` per listed party per source. It is a plain value (no I/O) so that parsers,
the registry, the matcher and the exporters can share it without depending on each other.
Its dictionary form (`to_dict`) is canonical: the registry stores it and diffs it field by field,
and `content_hash` (over an order-insensitive form of it) tells the registry whether a party changed
between list versions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any, TypeVar

__all__ = [
    "FTM_SOURCE_PREFIX",
    "INTERNAL_SOURCE_PREFIX",
    "LEGACY_FTM_SOURCE",
    "ORGANIZATION_SCHEMAS",
    "Address",
    "DateValue",
    "Entity",
    "IdKind",
    "Identifier",
    "Link",
    "LinkKind",
    "Name",
    "NameKind",
    "NameQuality",
    "Schema",
    "entity_local_id",
    "entity_source",
    "is_ftm_source",
    "unique",
]

_V = TypeVar("_V")


INTERNAL_SOURCE_PREFIX = "internal:"  # a user's own list is the source `internal:NAME`
# One FollowTheMoney dataset is the source `ftm:NAME` (NAME a dataset name, a-z0-9_). Before issue 18
# every FtM import was the one source `ftm`; registries may still hold it, so it stays readable.
FTM_SOURCE_PREFIX = "ftm:"
LEGACY_FTM_SOURCE = "ftm"


def is_ftm_source(source: str) -> bool:
    """Whether records of this source are FollowTheMoney entities (`ftm:NAME`, or the legacy `ftm`)."""
    return source == LEGACY_FTM_SOURCE or source.startswith(FTM_SOURCE_PREFIX)


def entity_source(entity_id: str) -> str:
    """The source part of an entity id (`Entity.id`, "<source>:<source_id>").

    An internal list's source name holds a colon itself ("internal:deny:C-17" is party C-17 of
    "internal:deny"), so the id is never simply split at its first colon. So does an FtM dataset's
    ("ftm:us_ofac_sdn:NK-2x" is entity NK-2x of "ftm:us_ofac_sdn"); an FtM id never holds a colon
    (followthemoney's entity id pattern), so "ftm:NK-2x", with one colon, is NK-2x of the legacy
    source `ftm`.
    """
    head, _, rest = entity_id.partition(":")
    if f"{head}:" == INTERNAL_SOURCE_PREFIX:
        return f"{head}:{rest.partition(':')[0]}"
    if f"{head}:" == FTM_SOURCE_PREFIX and ":" in rest:
        return f"{head}:{rest.partition(':')[0]}"
    return head


def entity_local_id(entity_id: str) -> str:
    """The list's own id inside an entity id (`Entity.source_id`)."""
    return entity_id[len(entity_source(entity_id)) + 1 :]


class Schema(StrEnum):
    """Kinds of listed party, named as in FollowTheMoney so that mapping is one-to-one."""

    PERSON = "Person"
    ORGANIZATION = "Organization"
    COMPANY = "Company"
    LEGAL_ENTITY = "LegalEntity"
    VESSEL = "Vessel"
    AIRCRAFT = "Aircraft"
    CRYPTO_WALLET = "CryptoWallet"


# Schemas of parties that have a legal form and are compared as organizations.
ORGANIZATION_SCHEMAS = frozenset({Schema.ORGANIZATION, Schema.COMPANY, Schema.LEGAL_ENTITY})


class NameKind(StrEnum):
    PRIMARY = "primary"
    ALIAS = "alias"  # a.k.a.
    FORMER = "former"  # f.k.a.
    NEW = "new"  # n.k.a.


class NameQuality(StrEnum):
    """Strong aliases are screened like primary names; weak ones (OFAC 'weak', UN 'Low') carry less weight."""

    STRONG = "strong"
    WEAK = "weak"


class IdKind(StrEnum):
    """Identifier vocabulary. An exact match on one of these is decisive evidence in screening."""

    PASSPORT = "passport"
    NATIONAL_ID = "national-id"
    REGISTRATION = "registration"
    TAX_ID = "tax-id"
    IMO = "imo"
    MMSI = "mmsi"
    BIC = "bic"
    CRYPTO = "crypto"
    CALL_SIGN = "call-sign"
    AIRCRAFT_SERIAL = "aircraft-serial"
    LEI = "lei"
    OTHER = "other"


class LinkKind(StrEnum):
    ASSOCIATE = "associate"  # "Linked To", "associated with"
    OWNED_BY = "owned-by"  # this party is owned or controlled by the target
    OWNER_OF = "owner-of"
    ACTING_FOR = "acting-for"  # acting for or on behalf of the target
    FAMILY = "family"
    LEADER_OF = "leader-of"
    OTHER = "other"


@dataclass(slots=True)
class Name:
    full: str
    kind: str = NameKind.PRIMARY
    quality: str = NameQuality.STRONG
    script: str | None = None  # ISO 15924 code when the list says or it is evident ("Hang", "Cyrl", "Latn")
    # Structured parts when the list gives them. Keys: given, middle, family, patronymic, maternal, title.
    parts: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class DateValue:
    """A date as precise as the list states it: ISO prefix "1984", "1984-01" or "1984-01-08".

    `end` makes it a range ("1950" to "1955"); `approximate` records "circa"/"about".
    """

    value: str
    end: str | None = None
    approximate: bool = False


@dataclass(slots=True)
class Address:
    full: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166 alpha-2, lower case as in FollowTheMoney ("kp")


@dataclass(slots=True)
class Identifier:
    kind: str  # an IdKind value
    value: str
    country: str | None = None  # issuing country, ISO alpha-2 lower case
    label: str | None = (
        None  # the list's own wording ("Passport", "SWIFT/BIC", "Digital Currency Address - XBT")
    )
    currency: str | None = None  # for crypto addresses: "XBT", "ETH", "USDT"
    note: str | None = None  # issue/expiry dates and remarks as the list gives them


@dataclass(slots=True)
class Link:
    kind: str  # a LinkKind value
    target: str  # source_id of the other party in the same source, or its name when the list has no id
    target_name: str | None = None
    note: str | None = None


@dataclass(slots=True)
class Entity:
    source: str  # "ofac-sdn", "ofac-cons", "un", "eu", "uk", "ftm"
    source_id: str  # the list's own id: OFAC uid, UN reference number ("KPi.066"), EU logical id, UK group id
    schema: str  # a Schema value
    names: list[Name] = field(default_factory=list)
    birth_dates: list[DateValue] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # ISO alpha-2, lower case
    citizenships: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # other country links (location, jurisdiction, flag)
    gender: str | None = None  # "male" | "female"
    titles: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)  # functions/designations ("Minister of ...")
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)  # "DPRK3", "RUSSIA-EO14024", "NPWMD", UN regime codes
    authorities: list[str] = field(default_factory=list)  # "EO 13382", "UNSCR 1718", EU regulation numbers
    lists: list[str] = field(default_factory=list)  # the publication's sub-lists ("SDN List", "SSI")
    listed_on: str | None = None  # ISO date of (first) designation
    remarks: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    # Everything else the list says, keyed by FollowTheMoney-style property names
    # (vessel flag, callSign, tonnage, website, email, phone, ...).
    properties: dict[str, list[str]] = field(default_factory=dict)
    # False for a party its publisher lists without targeting it (FtM `target: false`: an owner, a
    # relative, an associate of a listed party). Such parties are screened like the others, as yente
    # matches them; the flag says what they are. Left out of the stored form when True, so the record
    # of every targeted party, and its hash, is what it was before the flag existed.
    target: bool = True

    @property
    def id(self) -> str:
        """Stable across versions of the list: the registry tracks a party by this key."""
        return f"{self.source}:{self.source_id}"

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind == NameKind.PRIMARY:
                return name.full
        return self.names[0].full if self.names else self.source_id

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.target:
            del data["target"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            source=data["source"],
            source_id=data["source_id"],
            schema=data["schema"],
            names=[Name(**n) for n in data.get("names", [])],
            birth_dates=[DateValue(**d) for d in data.get("birth_dates", [])],
            birth_places=list(data.get("birth_places", [])),
            nationalities=list(data.get("nationalities", [])),
            citizenships=list(data.get("citizenships", [])),
            countries=list(data.get("countries", [])),
            gender=data.get("gender"),
            titles=list(data.get("titles", [])),
            positions=list(data.get("positions", [])),
            addresses=[Address(**a) for a in data.get("addresses", [])],
            identifiers=[Identifier(**i) for i in data.get("identifiers", [])],
            programs=list(data.get("programs", [])),
            authorities=list(data.get("authorities", [])),
            lists=list(data.get("lists", [])),
            listed_on=data.get("listed_on"),
            remarks=list(data.get("remarks", [])),
            links=[Link(**lk) for lk in data.get("links", [])],
            properties={k: list(v) for k, v in data.get("properties", {}).items()},
            target=bool(data.get("target", True)),
        )

    def normalize(self) -> None:
        """Keep each value of every multi-valued field once, first occurrence first; drop blank strings.

        Lists repeat values (UK rows repeat group facts, EU aliases repeat titles, OFAC repeats
        addresses), and a repeat is not information: `ParsedList` calls this once for every parsed
        record, so no parser has to. Two values are the same when they are equal in every field
        (`_value_key`), the same test `content_hash` uses. Nothing looser is applied here: a name
        spelled alike under two kinds, or an identifier repeated with another issuing country, stays
        two values unless the parser merges them by its own list's rule. The publisher's order is
        kept because it carries meaning the hash ignores: the first primary name is the caption, and
        screening reports and explains in that order.
        """
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, list):
                setattr(self, spec.name, _distinct(value))
        self.properties = {key: _distinct(values) for key, values in self.properties.items()}

    def canonical_json(self) -> str:
        """The stored form: deterministic bytes for one record, values in the publisher's order."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def content_hash(self) -> str:
        """SHA-256 of the record's content as a set of values per field, plus its caption.

        The registry keys stored records by it and counts a party as changed between versions when it
        differs, so it must move only when the content does: every list (and every property's list) is
        hashed as its distinct values in sorted order, which makes shuffling or repeating values no
        change. The caption is hashed on its own because it is the one thing order decides (the
        publisher's first primary name); a new caption is a change. A reordering alone therefore
        keeps the record already stored, with the order it was first stored in.
        """
        document = self.to_dict()
        for key, value in document.items():
            if isinstance(value, list):
                document[key] = _as_set(value)
        document["properties"] = {key: _as_set(values) for key, values in self.properties.items()}
        document["caption"] = self.caption
        text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _value_key(value: object) -> str:
    """What makes two values of a field the same value: equal in every field (JSON of the whole value)."""
    plain = asdict(value) if is_dataclass(value) and not isinstance(value, type) else value
    return json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _distinct(values: list[_V]) -> list[_V]:
    """Each value once, first occurrence first; blank strings are no value and are dropped."""
    seen: set[str] = set()
    kept: list[_V] = []
    for value in values:
        if value == "":
            continue
        key = _value_key(value)
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def _as_set(values: list[Any]) -> list[Any]:
    """A field's values as `content_hash` sees them: distinct, non-blank, sorted by their JSON text."""
    distinct = {_value_key(v): v for v in values if v != ""}
    return [distinct[key] for key in sorted(distinct)]


def unique(values: list[str]) -> list[str]:
    """Order-preserving de-duplication of strings a parser derives (program codes, authorities) before
    it uses them; a record's own fields are de-duplicated once, by `Entity.normalize`."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return out
