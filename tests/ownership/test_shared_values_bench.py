"""The shared-values benchmark's near misses at a tiny size: built from listed values, unlike every one of
them by the benchmark's own comparison, and counted when the matcher alerts on them.

The parties are invented, written as the lists write theirs, so that every variant has values to be built
from; the index and the scan are the project's own.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bench.shared_near_misses import KIND, NearMiss, Variant, fold, listed_fold, near_misses, score
from sanctionwatch.model import Address, Entity, Identifier, IdKind, Name, Schema
from sanctionwatch.ownership.shared_index import SharedValueIndex, scan_customers
from sanctionwatch.ownership.shared_values import SharedKind, customer_values, listed_values

CITIES = ("Dubai", "Sharjah", "Moscow", "Saint Petersburg", "Novosibirsk")


def _party(number: int) -> Entity:
    """One invented party with a value of every kind, each of its own (numbered) so none repeats."""
    n = f"{number:02d}"
    city, country = (
        (CITIES[number % 2], "United Arab Emirates")
        if number % 3
        else (CITIES[2 + number // 3 % 3], "Russia")
    )
    return Entity(
        source="ofac-sdn",
        source_id=str(number),
        schema=Schema.COMPANY,
        names=[Name(f"Party {n}")],
        properties={
            "phone": [f"+7 495 6{n}-{n}-{n}"],
            "email": [f"director{n}@trade{n}.ru", f"party{n}@gmail.com"],
            "website": [f"https://www.trade{n}.ru/en/"],
        },
        addresses=[
            Address(full=f"Office {100 + number}, {number + 1} Lenina Street, Tower Plaza, {city}, {country}")
        ],
        identifiers=[
            Identifier(IdKind.REGISTRATION, f"10277390597{n}", country="ru"),
            Identifier(IdKind.CRYPTO, f"0x{number:040x}", currency="ETH"),
            Identifier(IdKind.IMO, _imo(910000 + number)),
        ],
    )


def _imo(six: int) -> str:
    digits = str(six)
    return digits + str(sum(int(d) * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10)


@pytest.fixture(scope="module")
def parties() -> list[tuple[str, Entity]]:
    return [(e.id, e) for e in (_party(n) for n in range(1, 31))]


@pytest.fixture(scope="module")
def made(parties: list[tuple[str, Entity]]) -> list[NearMiss]:
    return near_misses(parties, 120, random.Random(7))


def test_every_variant_is_made_in_turn(made: list[NearMiss]) -> None:
    assert len(made) == 120
    assert Counter(n.variant for n in made) == dict.fromkeys(Variant, 10)


def test_each_near_miss_resembles_its_listed_value_and_equals_none(
    parties: list[tuple[str, Entity]], made: list[NearMiss]
) -> None:
    listed = {(v.kind, listed_fold(v)) for _, e in parties for v in listed_values(e)}
    sources = {(p, v.shown) for p, e in parties for v in listed_values(e)}
    for near in made:
        assert (near.party, near.listed) in sources  # built from a real listed value
        assert (near.kind, fold(near.kind, near.written)) not in listed, near
        assert fold(near.kind, near.written) != fold(near.kind, near.listed), near
        values = customer_values({near.column: near.written}, (), near.countries or ())
        assert [v.kind for v in values] == [near.kind], near  # read, and compared as its kind


def test_the_edits_are_the_ones_named(made: list[NearMiss]) -> None:
    by = {variant: [n for n in made if n.variant is variant] for variant in Variant}
    for near in by[Variant.PHONE_EXTENSION]:
        assert near.written.rsplit(" ", 1)[0].startswith("+7 495")
    for near in by[Variant.EMAIL_LOCAL]:
        assert near.written.split("@")[1] == near.listed.split("@")[1] and "gmail" not in near.written
    for near in by[Variant.EMAIL_DOMAIN]:
        assert near.written.split("@")[0] == near.listed.split("@")[0]
    for near in by[Variant.ADDRESS_CITY]:
        assert near.written.split(", ")[:3] == near.listed.split(", ")[:3]
        assert near.written.split(", ")[3] != near.listed.split(", ")[3]
    for near in by[Variant.WALLET_CHARACTER]:
        assert len(near.written) == len(near.listed)
        assert sum(a != b for a, b in zip(near.written.lower(), near.listed.lower(), strict=True)) == 1
    for near in by[Variant.REGISTRATION_DIGIT]:
        assert sum(a != b for a, b in zip(near.written, near.listed, strict=True)) == 1
        assert near.countries == ("ru",)  # issued where the listed one was
    for near in by[Variant.WEBSITE_SUBDOMAIN]:
        assert (
            near.written.removeprefix("https://")
            .rstrip("/")
            .endswith("." + fold(SharedKind.WEBSITE, near.listed))
        )
    assert {KIND[v] for v in Variant} == set(SharedKind)


def test_the_scoring_counts_a_near_miss_the_matcher_alerts_on(
    parties: list[tuple[str, Entity]], made: list[NearMiss]
) -> None:
    """The near misses do not match, the listed values themselves do: given as near misses, each is
    counted as alerted, so the benchmark cannot show 0 for a matcher that alerts."""
    index = SharedValueIndex(parties)
    genuine = [
        NearMiss(n.variant, n.party, n.listed, n.listed, n.countries)
        for n in made
        if n.variant in (Variant.PHONE_DIGIT, Variant.WALLET_CHARACTER, Variant.IMO_DIGIT)
    ]
    placed = [
        (f"C{number}", near, {near.column: near.written}, near.countries or ())
        for number, near in enumerate([*made, *genuine])
    ]
    result = scan_customers(index, [(c, customer_values(a, (), k)) for c, _, a, k in placed])
    counted = score(placed, index, result)
    assert counted.made[Variant.PHONE_DIGIT] == 20
    assert {h.customer for h in counted.hits if h.alerted} >= {f"C{n}" for n in range(len(made), len(placed))}
    assert counted.by_variant(Variant.WALLET_CHARACTER)[1:] == (10, 10)
    for variant in Variant:
        made_of, matched, alerted = counted.by_variant(variant)
        assert alerted <= matched <= made_of
    near_hits = [h for h in counted.hits if h.customer in {f"C{n}" for n in range(len(made))}]
    # Of the real near misses, only the phone with an extension matches: by design, an extension
    # is the same switchboard (normalize_phone).
    assert {h.near.variant for h in near_hits} <= {Variant.PHONE_EXTENSION}
