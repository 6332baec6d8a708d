"""Country names and codes as the lists write them -> ISO 3166 alpha-2 (lower case, FollowTheMoney style)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from followthemoney.types import registry
from rigour.territories import lookup_territory

__all__ = ["Place", "country_code", "place"]


@lru_cache(maxsize=4096)
def country_code(value: str | None) -> str | None:
    """'Korea, North' / 'DPRK' / 'KP' -> 'kp'; None when the text names no country.

    Uses FollowTheMoney's country vocabulary (backed by rigour's territory data) so we share
    the field's conventions, including non-ISO codes such as 'xk' (Kosovo) and 'suhh' (USSR).
    """
    if value is None:
        return None
    cleaned = value.strip()
    if not cleaned:
        return None
    code = registry.country.clean(cleaned)
    return str(code) if code else None


@dataclass(frozen=True, slots=True)
class Place:
    """What a place name names: its country (as `country_code` gives it), and whether it is a place
    within that country (a city or a region: "Moscow", "Dubai", "Tehran", "London") rather than the
    country itself ("Russia", "UAE", "Hong Kong")."""

    country: str
    within: bool


@lru_cache(maxsize=65536)
def place(value: str) -> Place | None:
    """The country a place name lies in and whether it is below the country, or None (no known place).

    The country vocabulary reads a city as its country ("Dubai" -> 'ae'), which is right for a country
    field and wrong for an address, where "…, Dubai" and "…, Sharjah" are two places: this tells them
    apart. Below the country is a territory of its own under it (Moscow is ru-mow, Dubai ae-du, London
    gb-eng) or one of the places rigour names for the country ("Tehran" for ir).
    """
    code = country_code(value)
    if code is None:
        return None
    territory = lookup_territory(value.strip())
    if territory is None:
        return Place(code, within=False)
    if territory.code != code:
        return Place(code, within=True)
    places = {_folded(name) for name in territory.places}
    return Place(code, within=_folded(value) in places)


def _folded(text: str) -> str:
    return " ".join(
        "".join(c if c.isalnum() else " " for c in unicodedata.normalize("NFKC", text).casefold()).split()
    )
