"""Country names and codes as the lists write them -> ISO 3166 alpha-2 (lower case, FollowTheMoney style)."""

from __future__ import annotations

from functools import lru_cache

from followthemoney.types import registry

__all__ = ["country_code"]


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
