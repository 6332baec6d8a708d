"""Which listed parties a customer shares an identifying value with, without floods of alerts.

`SharedValueIndex` holds every comparable value of the listed parties (`listed_values`) by key;
`match` gives, for a customer's values, each one it shares and with which parties (`SharedMatch`).
Two guards keep values that many unrelated parties use (a registered agent's address, a ministry's
switchboard, a business centre) from raising an alert per customer:

(a) On the list side, a value held by more than `max_parties` distinct listed parties is not indexed
    with its parties: it is a `CrowdedValue`, listed in `SharedValueIndex.crowded` and found by
    `crowded_in`, never a `SharedMatch`. In the real lists (OFAC SDN and Consolidated, UN, UK; 2025),
    96 % of values belong to one party key (a party listed by several sources counts once per source);
    the networks that share one address reach 30 party keys (30 shipping companies of one Iranian
    tanker network at one Tehran office, 19 companies of one German network, 17 at one Nicosia
    registered agent's); the seats of parliaments and governments are held by 46 to 382 party keys
    (382 at the State Duma's address; another writing of it, with the city, by 21 and kept). The
    default of 40 keeps every network and sets the seats apart; a customer holding a crowded value is
    still reported (`ScanResult.crowded`), by the value and its count rather than party by party.
(b) Over a whole customer base, `SharedValueScan` counts the customers matching each listed value; a
    listed value matched by more than `max_customers` customers is withheld as common and reported in
    `ScanResult.common` with its count, never dropped silently. One listed party's network rarely puts
    more than a handful of customers at one bank; a value two dozen customers share says more about a
    place or a service than about the party (default 20).

Address and registration keys carry a country ("ru:…"). Two values with countries compare whole; when
one side does not know the country, the values compare without it, but for a registration number only
when it is long enough to identify one register's entry by itself (`MIN_UNSCOPED_REGISTRATION`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from sanctionwatch.errors import InputError
from sanctionwatch.model import Entity
from sanctionwatch.ownership.shared_normalize import MIN_UNSCOPED_REGISTRATION, split_key
from sanctionwatch.ownership.shared_values import SCOPED_KINDS, SharedKind, SharedValue, listed_values

__all__ = [
    "DEFAULT_MAX_CUSTOMERS",
    "DEFAULT_MAX_PARTIES",
    "CommonValue",
    "CrowdedHolding",
    "CrowdedValue",
    "CustomerShares",
    "ListedValue",
    "ScanResult",
    "SharedMatch",
    "SharedValueIndex",
    "SharedValueScan",
    "scan_customers",
]

DEFAULT_MAX_PARTIES = 40  # (a) above: listed parties one value may belong to and still be indexed
DEFAULT_MAX_CUSTOMERS = 20  # (b) above: customers one listed value may match before it is common


@dataclass(frozen=True, slots=True)
class ListedValue:
    """A listed party's value: the party's registry key ("ofac-sdn:15603"), its key and its writing."""

    party: str
    key: str
    shown: str


@dataclass(frozen=True, slots=True)
class SharedMatch:
    """One value a customer shares with listed parties: the customer's key and writing, and theirs."""

    kind: SharedKind
    key: str
    shown: str
    parties: tuple[ListedValue, ...]


@dataclass(frozen=True, slots=True)
class CrowdedValue:
    """A listed value more than `max_parties` parties hold: not matched party by party (guard (a))."""

    kind: SharedKind
    key: str  # the listed key, or the key without country for the comparison across countries
    shown: str  # one listed writing of it
    parties: int


class _Lookup(Enum):
    """How a listed value is found: by its whole key, or by its key without country (scoped kinds)."""

    WHOLE = "whole"
    ANY_COUNTRY = "any-country"  # for a customer value without country: listed ones of every country
    NO_COUNTRY = "no-country"  # for a customer value with a country: listed ones without


_Slot = tuple[_Lookup, SharedKind, str]


class SharedValueIndex:
    """The listed parties' values by key, for matching customers' values (one snapshot of the lists)."""

    def __init__(
        self, parties: Iterable[tuple[str, Entity]], *, max_parties: int = DEFAULT_MAX_PARTIES
    ) -> None:
        if max_parties < 1:
            raise InputError(f"max_parties: must be 1 or more, not {max_parties}")
        self.max_parties = max_parties
        held: dict[_Slot, dict[str, ListedValue]] = defaultdict(dict)  # slot -> party -> its value
        count = 0
        for party, entity in parties:
            count += 1
            for value in listed_values(entity):
                listed = ListedValue(party, value.key, value.shown)
                for slot in _listed_slots(value):
                    held[slot].setdefault(party, listed)
        self.parties = count  # listed parties read
        self._slots: dict[_Slot, tuple[ListedValue, ...]] = {}
        self._crowded: dict[_Slot, CrowdedValue] = {}
        for slot, by_party in held.items():
            _, kind, key = slot
            if len(by_party) <= max_parties:
                self._slots[slot] = tuple(by_party[p] for p in sorted(by_party))
            else:
                first = next(iter(by_party.values()))
                self._crowded[slot] = CrowdedValue(kind, key, first.shown, len(by_party))

    @property
    def crowded(self) -> tuple[CrowdedValue, ...]:
        """Every listed value held by more than `max_parties` parties, most held first."""
        whole = {(c.kind, c.key): c for (lookup, _, _), c in self._crowded.items() if lookup is _Lookup.WHOLE}
        bares = {(kind, split_key(key)[1]) for kind, key in whole}
        across = {
            (c.kind, c.key): c
            for (lookup, _, _), c in self._crowded.items()
            if lookup is _Lookup.ANY_COUNTRY and (c.kind, c.key) not in bares
        }
        listed = [*whole.values(), *across.values()]  # one entry per value: its whole key when crowded so
        return tuple(sorted(listed, key=lambda c: (-c.parties, c.kind, c.key)))

    @property
    def values(self) -> int:
        """Listed values indexed by their whole key (each listed (kind, key) once)."""
        return sum(1 for lookup, _, _ in self._slots if lookup is _Lookup.WHOLE)

    def match(self, values: Iterable[SharedValue]) -> list[SharedMatch]:
        """Each of the customer's values that listed parties hold, with those parties' values."""
        found: list[SharedMatch] = []
        for value in _distinct(values):
            listed: dict[tuple[str, str], ListedValue] = {}
            for slot in _customer_slots(value):
                for item in self._slots.get(slot, ()):
                    listed.setdefault((item.party, item.key), item)
            if listed:
                parties = tuple(sorted(listed.values(), key=lambda v: (v.party, v.key)))
                found.append(SharedMatch(value.kind, value.key, value.shown, parties))
        return found

    def crowded_in(self, values: Iterable[SharedValue]) -> list[CrowdedValue]:
        """The crowded listed values (guard (a)) among the customer's values."""
        found: dict[tuple[SharedKind, str], CrowdedValue] = {}
        for value in _distinct(values):
            for slot in _customer_slots(value):
                crowded = self._crowded.get(slot)
                if crowded is not None:
                    found.setdefault((crowded.kind, crowded.key), crowded)
        return list(found.values())


def _comparable_without_country(kind: SharedKind, bare: str) -> bool:
    return kind is not SharedKind.REGISTRATION or len(bare) >= MIN_UNSCOPED_REGISTRATION


def _listed_slots(value: SharedValue) -> list[_Slot]:
    slots: list[_Slot] = [(_Lookup.WHOLE, value.kind, value.key)]
    if value.kind in SCOPED_KINDS and _comparable_without_country(value.kind, value.bare):
        slots.append((_Lookup.ANY_COUNTRY, value.kind, value.bare))
        if value.country is None:
            slots.append((_Lookup.NO_COUNTRY, value.kind, value.bare))
    return slots


def _customer_slots(value: SharedValue) -> list[_Slot]:
    if value.kind not in SCOPED_KINDS:
        return [(_Lookup.WHOLE, value.kind, value.key)]
    if not _comparable_without_country(value.kind, value.bare):
        return [(_Lookup.WHOLE, value.kind, value.key)] if value.country is not None else []
    if value.country is None:
        return [(_Lookup.ANY_COUNTRY, value.kind, value.bare)]
    return [(_Lookup.WHOLE, value.kind, value.key), (_Lookup.NO_COUNTRY, value.kind, value.bare)]


def _distinct(values: Iterable[SharedValue]) -> list[SharedValue]:
    kept: dict[tuple[SharedKind, str], SharedValue] = {}
    for value in values:
        kept.setdefault((value.kind, value.key), value)
    return list(kept.values())


# ---- a whole customer base ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerShares:
    """A customer to alert on: the values it shares with listed parties, common values withheld."""

    customer: str
    matches: tuple[SharedMatch, ...]


@dataclass(frozen=True, slots=True)
class CommonValue:
    """A listed value more than `max_customers` customers match (guard (b)): withheld from the alerts."""

    kind: SharedKind
    key: str  # the listed key
    shown: str  # its listed writing
    parties: tuple[str, ...]  # the listed parties holding it
    customers: int  # customers that match it


@dataclass(frozen=True, slots=True)
class CrowdedHolding:
    """A crowded listed value (guard (a)) and how many customers hold it."""

    value: CrowdedValue
    customers: int


@dataclass(frozen=True, slots=True)
class ScanResult:
    customers: int  # customers scanned
    alerts: tuple[CustomerShares, ...]  # in the order scanned
    common: tuple[CommonValue, ...]  # most matched first
    crowded: tuple[CrowdedHolding, ...]  # most held first
    withheld: int  # customers whose every match was a common value (they hold one; no alert)
    max_parties: int
    max_customers: int


class SharedValueScan:
    """The shared values of a whole customer base, common ones withheld (guard (b)).

    `add` each customer once (a customer added twice with matches is refused by id); `result` when all
    are in. Only customers with matches are kept, so a base of millions costs the memory of its matches.
    """

    def __init__(self, index: SharedValueIndex, *, max_customers: int = DEFAULT_MAX_CUSTOMERS) -> None:
        if max_customers < 1:
            raise InputError(f"max_customers: must be 1 or more, not {max_customers}")
        self.index = index
        self.max_customers = max_customers
        self._scanned = 0
        self._matches: dict[str, tuple[SharedMatch, ...]] = {}
        self._by_listed: dict[tuple[SharedKind, str], set[str]] = defaultdict(set)
        self._listed: dict[tuple[SharedKind, str], list[ListedValue]] = defaultdict(list)
        self._crowded: dict[tuple[SharedKind, str], tuple[CrowdedValue, set[str]]] = {}

    def add(self, customer: str, values: Sequence[SharedValue]) -> int:
        """Match one customer's values; returns how many of them listed parties share (before (b))."""
        self._scanned += 1
        matches = self.index.match(values)
        for crowded in self.index.crowded_in(values):
            self._crowded.setdefault((crowded.kind, crowded.key), (crowded, set()))[1].add(customer)
        if not matches:
            return 0
        if customer in self._matches:
            raise InputError(f"customer {customer!r}: scanned twice")
        self._matches[customer] = tuple(matches)
        for match in matches:
            for listed in match.parties:
                slot = (match.kind, listed.key)
                self._by_listed[slot].add(customer)
                if listed not in self._listed[slot]:
                    self._listed[slot].append(listed)
        return len(matches)

    def result(self) -> ScanResult:
        """The alerts, the common values withheld with their counts, the crowded values held."""
        common = {slot for slot, customers in self._by_listed.items() if len(customers) > self.max_customers}
        alerts: list[CustomerShares] = []
        withheld = 0
        for customer, matches in self._matches.items():
            kept: list[SharedMatch] = []
            for match in matches:
                parties = tuple(p for p in match.parties if (match.kind, p.key) not in common)
                if parties:
                    kept.append(SharedMatch(match.kind, match.key, match.shown, parties))
            if kept:
                alerts.append(CustomerShares(customer, tuple(kept)))
            else:
                withheld += 1
        common_values = [
            CommonValue(
                kind,
                key,
                self._listed[(kind, key)][0].shown,
                tuple(sorted({v.party for v in self._listed[(kind, key)]})),
                len(self._by_listed[(kind, key)]),
            )
            for kind, key in common
        ]
        return ScanResult(
            customers=self._scanned,
            alerts=tuple(alerts),
            common=tuple(sorted(common_values, key=lambda c: (-c.customers, c.kind, c.key))),
            crowded=tuple(
                sorted(
                    (CrowdedHolding(value, len(customers)) for value, customers in self._crowded.values()),
                    key=lambda h: (-h.customers, h.value.kind, h.value.key),
                )
            ),
            withheld=withheld,
            max_parties=self.index.max_parties,
            max_customers=self.max_customers,
        )


def scan_customers(
    index: SharedValueIndex,
    customers: Iterable[tuple[str, Sequence[SharedValue]]],
    *,
    max_customers: int = DEFAULT_MAX_CUSTOMERS,
) -> ScanResult:
    """`SharedValueScan` over (customer id, its values) pairs."""
    scan = SharedValueScan(index, max_customers=max_customers)
    for customer, values in customers:
        scan.add(customer, values)
    return scan.result()
