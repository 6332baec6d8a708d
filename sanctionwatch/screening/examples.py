"""A FollowTheMoney example entity (what yente's /match and OpenRefine send) as a party to screen.

The example names a schema and carries FtM properties; which properties hold names, dates, countries
and identifiers is decided here once, so every interface reads examples the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from followthemoney import model

from sanctionwatch.model import Schema
from sanctionwatch.screening.party import PartyQuery
from sanctionwatch.screening.query import QueryError

__all__ = [
    "NAME_PART_PROPERTIES",
    "NAME_PROPERTIES",
    "SCREENABLE_SCHEMATA",
    "SCREENED_PROPERTIES",
    "clean_properties",
    "party_from_example",
    "screening_schema",
]

NAME_PROPERTIES = ("name", "alias", "previousName", "weakAlias")
# Name parts, joined in this order when the example gives parts but no whole name.
NAME_PART_PROPERTIES = ("firstName", "secondName", "middleName", "fatherName", "lastName")
DATE_PROPERTIES = ("birthDate",)
COUNTRY_PROPERTIES = ("nationality", "citizenship", "country", "jurisdiction", "mainCountry", "flag")
IDENTIFIER_PROPERTIES = (
    "idNumber", "passportNumber", "registrationNumber", "taxNumber", "innCode", "ogrnCode", "leiCode",
    "swiftBic", "bicCode", "imoNumber", "mmsi", "publicKey", "vatCode", "okpoCode", "dunsCode",
)  # fmt: skip
# FtM schemata a party can be screened as, and the schema our screener compares them as (None: any kind).
_SCREENABLE: dict[str, str | None] = {
    "Person": Schema.PERSON,
    "Organization": Schema.ORGANIZATION,
    "Company": Schema.COMPANY,
    "PublicBody": Schema.ORGANIZATION,
    "LegalEntity": None,  # a person or an organization: yente's most general party
    "Thing": None,
    "Vessel": Schema.VESSEL,
    "Airplane": Schema.AIRCRAFT,
    "CryptoWallet": Schema.CRYPTO_WALLET,
}
# What the interfaces may offer: the schemata an example may name, and the properties screening reads
# (name parts only when an example gives no whole name).
SCREENABLE_SCHEMATA = tuple(_SCREENABLE)
SCREENED_PROPERTIES = (
    NAME_PROPERTIES + NAME_PART_PROPERTIES + DATE_PROPERTIES + COUNTRY_PROPERTIES + IDENTIFIER_PROPERTIES
)


def _strings(properties: Mapping[str, Any], name: str) -> list[str]:
    value = properties.get(name)
    if value is None:
        return []
    values: Sequence[Any] = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in values:
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise QueryError(f"properties.{name}: expected text values, got {type(item).__name__}")
        text = str(item).strip()
        if text:
            out.append(text)
    return out


def screening_schema(schema: str) -> str | None:
    """The kind our screener compares an FtM schema as (None: any kind); QueryError when it names no
    schema, or one that is not a party."""
    ftm_schema = model.get(schema)
    if ftm_schema is None:
        raise QueryError(f"schema: unknown FollowTheMoney schema {schema!r}")
    if ftm_schema.name not in _SCREENABLE:
        screenable = ", ".join(sorted(_SCREENABLE))
        raise QueryError(
            f"schema: {ftm_schema.name} is not a party that can be screened; use one of {screenable}"
        )
    return _SCREENABLE[ftm_schema.name]


def party_from_example(
    schema: str, properties: Mapping[str, Any], *, query_id: str | None = None
) -> PartyQuery:
    """The party an FtM example describes; QueryError names the schema or property at fault."""
    screened_as = screening_schema(schema)
    ftm_schema = model.get(schema)
    assert ftm_schema is not None  # screening_schema refused unknown names
    for name in properties:
        if name not in ftm_schema.properties:
            raise QueryError(f"properties.{name}: not a property of {ftm_schema.name}")
    names = [n for prop in NAME_PROPERTIES for n in _strings(properties, prop)]
    if not names:
        parts = [p for prop in NAME_PART_PROPERTIES for p in _strings(properties, prop)[:1]]
        if parts:
            names = [" ".join(parts)]
    return PartyQuery(
        names=names,
        schema=screened_as,
        birth_dates=[d for prop in DATE_PROPERTIES for d in _strings(properties, prop)],
        countries=[c for prop in COUNTRY_PROPERTIES for c in _strings(properties, prop)],
        identifiers=[i for prop in IDENTIFIER_PROPERTIES for i in _strings(properties, prop)],
        id=query_id,
    )


def clean_properties(schema: str, properties: Mapping[str, Any]) -> dict[str, list[str]]:
    """The example's properties as FollowTheMoney reads them, what yente echoes as the query: lists of
    strings, each value cleaned by its property's type ("Russia" -> "ru", " 1984-01-08 " ->
    "1984-01-08", 1965 -> "1965"), and a `name` made of the name parts when the example gives none
    (the name that was screened).

    QueryError names a value FtM cannot read (yente drops it from the query without a word).
    """
    ftm_schema = model.get(schema)
    if ftm_schema is None:
        raise QueryError(f"schema: unknown FollowTheMoney schema {schema!r}")
    cleaned: dict[str, list[str]] = {}
    for name in properties:
        prop = ftm_schema.get(name)
        if prop is None:
            raise QueryError(f"properties.{name}: not a property of {ftm_schema.name}")
        values: list[str] = []
        for text in _strings(properties, name):
            value = prop.type.clean(text, fuzzy=True)
            if value is None:
                raise QueryError(f"properties.{name}: {text!r} is not a valid {prop.type.label.lower()}")
            if value not in values:
                values.append(value)
        if values:
            cleaned[prop.name] = values
    if not any(cleaned.get(prop) for prop in NAME_PROPERTIES):
        parts = [p for prop in NAME_PART_PROPERTIES for p in cleaned.get(prop, [])[:1]]
        if parts and "name" in ftm_schema.properties:
            cleaned["name"] = [" ".join(parts)]
    return cleaned
