"""Whose ownership rule is applied, and what it says: OFAC's 50 % rule, the EU's and the UK's tests.

The rules differ in three ways that change results, so each is a field rather than a code path:
- the threshold and whether it is reached at 50 % (OFAC: "50 percent or more") or only above it
  (EU and UK: "more than 50 %");
- whether holdings of *different* blocked persons are added up (OFAC aggregates them, FAQ 399-401;
  EU and UK count one designated person's holdings, direct and through what it owns, unless persons
  act jointly, which no data here can show, so such a case is raised for review, not decided);
- whether control without majority ownership is enough (EU and UK "owned or controlled"; OFAC's rule
  is about ownership only, FAQ 398, and control is raised for review).

Which list makes a party blocked under which rule is also stated here: the UN's designations are
given effect by the EU's and the UK's own regimes, so a UN-listed party counts for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sanctionwatch.sources.datasets import ftm_dataset

__all__ = [
    "PARTS",
    "RULES",
    "Authority",
    "OwnershipRule",
    "authorities_of_source",
    "parse_percentage",
    "percent_text",
]

# Shares are whole millionths of the entity: sums are exact, so 25 % + 25 % is 50 %, never
# 49.999999 % (a float sum could otherwise flip a decision at the threshold).
PARTS = 1_000_000


class Authority(StrEnum):
    OFAC = "ofac"
    EU = "eu"
    UK = "uk"


@dataclass(frozen=True, slots=True)
class OwnershipRule:
    authority: Authority
    threshold: int  # millionths
    inclusive: bool  # reached at the threshold itself (OFAC) or only above it (EU, UK)
    aggregate: bool  # holdings of different blocked persons are summed
    control: bool  # control without majority ownership blocks
    statement: str

    def reached(self, share: int) -> bool:
        return share >= self.threshold if self.inclusive else share > self.threshold


RULES: dict[Authority, OwnershipRule] = {
    Authority.OFAC: OwnershipRule(
        Authority.OFAC,
        threshold=PARTS // 2,
        inclusive=True,
        aggregate=True,
        control=False,
        statement=(
            "OFAC 50 % rule: owned 50 % or more, directly or indirectly, in the aggregate by one or more "
            "blocked persons; indirect ownership counts only through entities that are themselves blocked"
        ),
    ),
    Authority.EU: OwnershipRule(
        Authority.EU,
        threshold=PARTS // 2,
        inclusive=False,
        aggregate=False,
        control=True,
        statement=(
            "EU: owned (more than 50 % of the proprietary rights) or controlled by a listed person, "
            "directly or through entities it owns or controls"
        ),
    ),
    Authority.UK: OwnershipRule(
        Authority.UK,
        threshold=PARTS // 2,
        inclusive=False,
        aggregate=False,
        control=True,
        statement=(
            "UK: owned (more than 50 % of shares or voting rights) or controlled by a designated person, "
            "directly or indirectly"
        ),
    ),
}

# The lists (by FtM dataset name, so that `ftm:us_ofac_sdn` counts as OFAC's SDN list) whose parties
# are blocked under each authority's rule. OFAC's non-SDN lists block nobody. A list not named here
# (Canada, Australia, Switzerland, a user's internal list) makes nobody blocked by ownership: their own
# ownership rules are not encoded, and every result names the rule it applied.
_DATASET_AUTHORITIES: dict[str, frozenset[Authority]] = {
    "us_ofac_sdn": frozenset({Authority.OFAC}),
    "eu_fsf": frozenset({Authority.EU}),
    "gb_fcdo_sanctions": frozenset({Authority.UK}),
    "gb_hmt_sanctions": frozenset({Authority.UK}),
    "un_sc_sanctions": frozenset({Authority.EU, Authority.UK}),
}


def authorities_of_source(source: str) -> frozenset[Authority]:
    return _DATASET_AUTHORITIES.get(ftm_dataset(source), frozenset())


def parse_percentage(text: str) -> int:
    """'62.5', '62,5 %' or '62.5%' (a share written in percent, 0 to 100) as millionths.

    A fraction such as '0.625' is read as 0.625 %: files state percentages, and guessing which of the
    two a small number means would silently change a decision. ValueError says what is wrong; the
    caller adds the file, row and field.
    """
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"not a percentage: {text!r}") from None
    if not 0 <= value <= 100:
        raise ValueError(f"a percentage is between 0 and 100, not {text!r}")
    return round(value * PARTS / 100)


def percent_text(share: int) -> str:
    """Millionths as a percentage, without trailing zeros: 625000 -> '62.5 %'."""
    text = f"{share * 100 / PARTS:.4f}".rstrip("0").rstrip(".")
    return f"{text} %"
