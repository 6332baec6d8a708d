"""Customers sharing a phone, an e-mail or a wallet with listed parties: found, without floods.

Usage: .venv/bin/python -m bench.shared_values [--customers 1000000] [--planted 200] [--agents 5]
       [--per-agent 50] [--near-miss 2400] [--max-parties 40] [--max-customers 20] [--seed N]

1. The lists: the files of bench.screening_speed's LIST_FILES (OFAC SDN advanced XML, OFAC Consolidated,
   UN, UK), parsed by the project's parsers; the SharedValueIndex is built over every party of them, keyed
   by registry key ("ofac-sdn:15603"), timed.
2. The customers: bench.monitoring_speed's generator (`ordinary_customers`, same seed rules) for the
   names and countries, and, drawn with Faker in the locale of the customer's country (a random one of
   bench.screening_speed's CUSTOMER_LOCALES when it has none): a phone (85 %), an e-mail made of the
   name at a free-mail domain of that locale (70 %), a postal address (90 %, the country's name added
   to half of them) and, for 2 %, a crypto wallet (Ethereum, bech32 or base58 form, random).
3. Planted: --planted customers, each given one value of a different OFAC party (SDN advanced or
   Consolidated), cycling phone, e-mail, wallet, written otherwise than the list writes it: a phone in
   international format with spaces or with '00', or nationally with the customer's country set to the
   number's (the list writes "9647734097694"); an e-mail in upper or mixed case with spaces around; a
   hex or bech32 wallet in upper case, a base58 one with spaces around (its case is part of it). Every
   other planted customer has it beside its own value in one cell ("own; planted").
4. Common: --agents street-level addresses of listed parties (a registered agent's office, as OFAC's
   networks use them), each given to --per-agent customers, written in varying case and with or without
   the country: more customers than --max-customers share each, so the scan must withhold them as
   common and report them with their counts.
5. Near misses (bench.shared_near_misses): --near-miss customers, each given a value built from another
   real listed value (of any list) by one edit, so that it resembles it and is another value: a phone
   with one digit changed or an extension added, an e-mail with another local part at the same
   (not free-mail) domain or the same local part at another domain, an address with another floor /
   office / room, another house number or another city of the same country, a wallet with one
   character changed, a registration number with one digit changed (issued in the listed country), a
   website on a subdomain or under another top-level domain, another valid IMO number one digit
   apart. Twelve variants in turn; each near miss differs from every listed value of its kind by the
   benchmark's own comparison (not the project's normalizers). Random Faker values never equal a
   listed value, so without these the alert rate on the rest would say nothing about values that
   resemble listed ones; with them it does. None of them may alert.
6. The scan: customer_values for every customer, then SharedValueScan (guards: --max-parties,
   --max-customers), timed apart from the generation.

Printed: planted found X/K (a planted customer alerted with the planted party), alert rate on the rest
(every other customer alerted: agents' customers and near misses included), near misses alerted X of N
(and how many matched a listed value before the flood guards; by variant, with examples of each one
alerted), common values withheld (and customers), crowded listed values held by customers, and the
times. Targets: every planted customer found; alert rate on the rest <= 0.1 %; no near miss alerted.
Progress goes to stderr. Nothing is written to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import phonenumbers
from faker import Faker
from faker.config import AVAILABLE_LOCALES

from bench.monitoring_speed import PROGRESS_EVERY, TARGET_CUSTOMERS, ordinary_customers
from bench.screening_speed import (
    CUSTOMER_LOCALES,
    LIST_FILES,
    SEED,
    Row,
    cpu_model,
    cpu_reference,
    git_revision,
    nproc,
    proc_status_mb,
    render,
)
from bench.shared_near_misses import SAME_VALUE, NearMiss, NearMissScore, Variant, near_misses, score
from sanctionwatch.model import Entity
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.ownership.shared_index import (
    DEFAULT_MAX_CUSTOMERS,
    DEFAULT_MAX_PARTIES,
    ScanResult,
    SharedValueIndex,
    SharedValueScan,
)
from sanctionwatch.ownership.shared_values import SharedKind, SharedValue, customer_values, listed_values
from sanctionwatch.sources.catalog import parse_files

ALERT_RATE_TARGET = 0.001  # of the customers that share nothing on purpose
PLANTED = 200
AGENTS = 5
PER_AGENT = 50
NEAR_MISSES = 2400  # 200 of each of the 12 variants
PLANTED_KINDS = (SharedKind.PHONE, SharedKind.EMAIL, SharedKind.WALLET)
OFAC_SOURCES = ("ofac-sdn", "ofac-cons")
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- 1. the lists ------------------------------------------------------------------------------------


def load_parties(files: Sequence[Path]) -> list[tuple[str, Entity]]:
    parties: list[tuple[str, Entity]] = []
    for path in files:
        started = time.perf_counter()
        for parsed in parse_files([path]):
            parties.extend((entity.id, entity) for entity in parsed.entities)
            _log(
                f"  {parsed.source}: {len(parsed.entities):,} parties ({time.perf_counter() - started:.1f} s)"
            )
    return parties


# ---- 2. the customers' own values --------------------------------------------------------------------


def _locales_by_country() -> dict[str, str]:
    """ISO alpha-2 (lower case) -> a Faker locale of that country: one of the dev set's locales when
    there is one (zh_CN for cn), else the country's own language (de_DE), else English, else the first."""
    chosen: dict[str, tuple[int, str]] = {}
    for locale in sorted(AVAILABLE_LOCALES):
        language, _, region = locale.partition("_")
        if len(region) != 2:
            continue
        country = region.lower()
        rank = 0 if locale in CUSTOMER_LOCALES else 1 if language == country else 2 if language == "en" else 3
        if country not in chosen or rank < chosen[country][0]:
            chosen[country] = (rank, locale)
    return {country: locale for country, (_, locale) in chosen.items()}


class Attributes:
    """A customer's phone, e-mail, address and wallet, drawn in its country's locale."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.by_country = _locales_by_country()
        self.fakers: dict[str, Faker] = {}
        Faker.seed(seed)

    def faker(self, locale: str) -> Faker:
        fake = self.fakers.get(locale)
        if fake is None:
            fake = self.fakers[locale] = Faker(locale)
            fake.seed_instance(self.rng.randrange(2**32))
        return fake

    def of(self, customer: Customer) -> dict[str, str]:
        rng = self.rng
        country = customer.countries[0].lower() if customer.countries else None
        locale = self.by_country.get(country or "") or rng.choice(CUSTOMER_LOCALES)
        fake = self.faker(locale)
        attributes = dict(customer.attributes)
        if rng.random() < 0.85:
            attributes["phone"] = fake.phone_number()
        if rng.random() < 0.70:
            attributes["email"] = self.email(customer.name, fake)
        if rng.random() < 0.90:
            address = fake.address().replace("\n", ", ")
            if rng.random() < 0.5:
                address += f", {fake.current_country()}"
            attributes["address"] = address
        if rng.random() < 0.02:
            attributes["wallet"] = self.wallet()
        return attributes

    def email(self, name: str, fake: Faker) -> str:
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        words = [w for w in "".join(c if c.isalnum() else " " for c in folded).split() if w]
        local = self.rng.choice([".", "_", ""]).join(words[:2]) or fake.user_name()
        if self.rng.random() < 0.5:
            local += str(self.rng.randrange(1, 9999))
        return f"{local}@{fake.free_email_domain()}"

    def wallet(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.4:
            return "0x" + "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(40))
        if roll < 0.7:
            return "bc1q" + "".join(rng.choice(_BECH32) for _ in range(38))
        return rng.choice("13") + "".join(rng.choice(_BASE58) for _ in range(33))


# ---- 3. planted customers ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Planted:
    customer: str
    party: str
    kind: SharedKind
    listed: str  # as the list writes it
    written: str  # as the customer file writes it


def plantable(
    parties: Sequence[tuple[str, Entity]], index: SharedValueIndex
) -> dict[SharedKind, list[tuple[str, SharedValue]]]:
    """OFAC parties' phones, e-mails and wallets that the index matches party by party (not crowded),
    each value once."""
    held: dict[tuple[SharedKind, str], int] = {}
    found: dict[SharedKind, list[tuple[str, SharedValue]]] = {kind: [] for kind in PLANTED_KINDS}
    for party, entity in parties:
        if entity.source not in OFAC_SOURCES:
            continue
        for value in listed_values(entity):
            if value.kind in found and (value.kind, value.key) not in held:
                held[(value.kind, value.key)] = 1
                if index.match([value]):
                    found[value.kind].append((party, value))
    return found


def written_otherwise(value: SharedValue, rng: random.Random) -> tuple[str, str | None]:
    """The value as a customer file writes it, and the country the customer must have for it (phones
    written nationally), or None."""
    if value.kind is SharedKind.PHONE:
        number = phonenumbers.parse(value.key)
        region = phonenumbers.region_code_for_number(number)
        style = rng.randrange(3)
        if style == 0:
            text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            return text.replace(" ", rng.choice([" ", "-", " - ", "  "])), None
        if style == 1:
            return "00 " + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)[
                1:
            ], None
        if region and region != "001":
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL), region.lower()
        return value.key, None
    if value.kind is SharedKind.EMAIL:
        shown = value.shown.strip()
        cased = (
            shown.upper()
            if rng.random() < 0.5
            else "".join(c.upper() if rng.random() < 0.5 else c for c in shown)
        )
        return f"  {cased} ", None
    if value.key.startswith(("0x", "bc1", "ltc1", "bnb1", "q", "p")) and value.key == value.key.lower():
        return value.key.upper() if not value.key.startswith("0x") else "0x" + value.key[2:].upper(), None
    return f" {value.key}  ", None


def plant(
    customers: list[Customer],
    attributes: list[dict[str, str]],
    candidates: dict[SharedKind, list[tuple[str, SharedValue]]],
    count: int,
    rng: random.Random,
) -> list[Planted]:
    """`count` customers, each given a value of a party no other planted customer shares a value with;
    kinds in turn, the next kind when one has no value left (OFAC states few phones)."""
    slots = rng.sample(range(len(customers)), count)
    pools = {kind: rng.sample(values, len(values)) for kind, values in candidates.items()}
    planted: list[Planted] = []
    used: set[str] = set()
    for number, at in enumerate(slots):
        turn = [PLANTED_KINDS[(number + i) % len(PLANTED_KINDS)] for i in range(len(PLANTED_KINDS))]
        choice = next(((kind, item) for kind in turn for item in pools[kind] if item[0] not in used), None)
        if choice is None:
            raise SystemExit(
                f"--planted: only {len(planted)} OFAC parties have a phone, e-mail or wallet to plant"
            )
        kind, (party, value) = choice
        pools[kind].remove((party, value))
        used.add(party)
        text, country = written_otherwise(value, rng)
        column = {SharedKind.PHONE: "phone", SharedKind.EMAIL: "email", SharedKind.WALLET: "wallet"}[kind]
        own = attributes[at].get(column)
        attributes[at][column] = f"{own}; {text}" if own and number % 2 else text
        if country is not None:
            customers[at] = replace(customers[at], countries=(country,))
        planted.append(Planted(customers[at].id, party, kind, value.shown, text))
    return planted


# ---- 4. registered agents' addresses -----------------------------------------------------------------


def agents(
    index: SharedValueIndex, parties: Sequence[tuple[str, Entity]], count: int, rng: random.Random
) -> list[SharedValue]:
    """`count` street-level listed addresses that several listed parties share (three or more, and no
    more than the index matches party by party), drawn at random: the registered agents' offices and
    business centres of OFAC's and the UK's networks."""
    holders: dict[str, set[str]] = {}
    first: dict[str, SharedValue] = {}
    for party, entity in parties:
        for value in listed_values(entity):
            if value.kind is SharedKind.ADDRESS and value.country:
                holders.setdefault(value.key, set()).add(party)
                first.setdefault(value.key, value)
    shared = sorted(key for key, held in holders.items() if len(held) >= 3 and index.match([first[key]]))
    return [first[key] for key in rng.sample(shared, min(count, len(shared)))]


def agent_variants(address: str, rng: random.Random) -> str:
    body, _, country = address.rpartition(",")
    choice = rng.randrange(4)
    if choice == 0:
        return address.upper()
    if choice == 1:
        return address.lower()
    if choice == 2:
        return f"{body},   {country.strip()}"
    return address.replace(", ", " , ")


# ---- 5. the scan -------------------------------------------------------------------------------------


def scan(
    index: SharedValueIndex,
    customers: Sequence[Customer],
    attributes: Sequence[dict[str, str]],
    max_customers: int,
) -> tuple[ScanResult, float, int]:
    """(result, seconds, values compared) for every customer: its values read, then matched."""
    shared = SharedValueScan(index, max_customers=max_customers)
    started = time.perf_counter()
    compared = 0
    for done, (customer, own) in enumerate(zip(customers, attributes, strict=True), 1):
        values = customer_values(own, customer.identifiers, customer.countries)
        compared += len(values)
        shared.add(customer.id, values)
        if done % PROGRESS_EVERY == 0:
            elapsed = time.perf_counter() - started
            _log(f"  scan: {done:,} / {len(customers):,} in {elapsed:.0f} s ({done / elapsed:,.0f}/s)")
    result = shared.result()
    return result, time.perf_counter() - started, compared


def _generate(customers: Sequence[Customer], draw: Attributes) -> Iterator[dict[str, str]]:
    started = time.perf_counter()
    for done, customer in enumerate(customers, 1):
        yield draw.of(customer)
        if done % PROGRESS_EVERY == 0:
            elapsed = time.perf_counter() - started
            _log(f"  attributes: {done:,} / {len(customers):,} in {elapsed:.0f} s ({done / elapsed:,.0f}/s)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=TARGET_CUSTOMERS)
    parser.add_argument("--planted", type=int, default=PLANTED)
    parser.add_argument("--agents", type=int, default=AGENTS)
    parser.add_argument("--per-agent", type=int, default=PER_AGENT)
    parser.add_argument("--near-miss", type=int, default=NEAR_MISSES)
    parser.add_argument("--max-parties", type=int, default=DEFAULT_MAX_PARTIES)
    parser.add_argument("--max-customers", type=int, default=DEFAULT_MAX_CUSTOMERS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    if args.near_miss < 0:
        parser.error(f"--near-miss: must be 0 or more, not {args.near_miss}")
    if args.customers < args.planted + args.agents * args.per_agent + args.near_miss:
        parser.error("--customers: fewer than the planted, the agents' and the near-miss customers together")
    if args.per_agent <= args.max_customers:
        parser.error(
            "--per-agent: must be more than --max-customers, or the agents' addresses are not common"
        )
    rng = random.Random(args.seed)

    _log("lists:")
    parties = load_parties(LIST_FILES)
    started = time.perf_counter()
    index = SharedValueIndex(parties, max_parties=args.max_parties)
    index_s = time.perf_counter() - started
    _log(
        f"  index: {index.values:,} values of {index.parties:,} parties, {len(index.crowded)} crowded, {index_s:.1f} s"
    )

    _log("customers:")
    started = time.perf_counter()
    customers = ordinary_customers(args.customers, args.seed)
    names_s = time.perf_counter() - started
    started = time.perf_counter()
    attributes = list(_generate(customers, Attributes(args.seed)))
    attributes_s = time.perf_counter() - started

    candidates = plantable(parties, index)
    planted = plant(customers, attributes, candidates, args.planted, rng)
    planted_ids = {p.customer for p in planted}
    agent_addresses = agents(index, parties, args.agents, rng)
    free = [n for n in range(len(customers)) if customers[n].id not in planted_ids]
    sample = rng.sample(free, args.per_agent * len(agent_addresses))
    for number, address in enumerate(agent_addresses):
        for at in sample[number * args.per_agent : (number + 1) * args.per_agent]:
            attributes[at]["address"] = agent_variants(address.shown, rng)
    near = near_misses(parties, args.near_miss, rng)
    if len(near) < args.near_miss:
        _log(f"  near misses: only {len(near):,} of {args.near_miss:,} could be built from the lists")
    taken = set(sample)
    placed = place_near_misses(customers, attributes, near, [n for n in free if n not in taken], rng)

    _log("scan:")
    result, scan_s, compared = scan(index, customers, attributes, args.max_customers)

    alerted = {a.customer: a for a in result.alerts}
    found = [
        p
        for p in planted
        if p.customer in alerted
        and any(
            m.kind is p.kind and p.party in {v.party for v in m.parties} for m in alerted[p.customer].matches
        )
    ]
    rest = len(customers) - len(planted)
    rest_alerts = [a for a in result.alerts if a.customer not in planted_ids]
    common_customers = sum(c.customers for c in result.common)
    near_score = score(placed, index, result)
    by_design = {c for c, near, _, _ in placed if near.variant in SAME_VALUE}  # the listed line itself
    rest_alerts = [a for a in rest_alerts if a.customer not in by_design]
    rest -= len(by_design)
    rate = len(rest_alerts) / rest if rest else 0.0
    unguarded = (len(rest_alerts) + result.withheld) / rest if rest else 0.0  # common values not withheld

    rows = [
        Row("lists", f"{index.parties:,} parties", "", ", ".join(p.name for p in LIST_FILES)),
        Row(
            "listed values indexed",
            f"{index.values:,}",
            "",
            f"crowded (> {args.max_parties} parties): {len(index.crowded)}",
        ),
        Row("index build", f"{index_s:.1f} s"),
        Row("customers", f"{len(customers):,}", "", f"{compared:,} comparable values"),
        Row(
            "generation",
            f"{names_s:.0f} s names + {attributes_s:.0f} s attributes (Faker)",
            "",
            "not part of the scan",
        ),
        Row("scan", f"{scan_s:.1f} s", "", f"{len(customers) / scan_s:,.0f} customers/s, one process"),
        Row("planted found", f"{len(found)}/{len(planted)}", "all", _met(len(found) == len(planted))),
        Row(
            "alert rate on the rest",
            f"{rate:.4%} ({len(rest_alerts):,} of {rest:,})",
            "<= 0.1 %",
            _met(rate <= ALERT_RATE_TARGET) + f"; {unguarded:.3%} if common values were not withheld",
        ),
        Row(
            "near misses alerted",
            f"{near_score.alerted} of {near_score.near_misses:,}",
            "0",
            _met(near_score.alerted == 0)
            + f"; {sum(1 for h in near_score.hits if h.near.variant not in SAME_VALUE)} matched a listed value"
            + " before the guards"
            + "".join(
                f"; {variant}: {count}"
                for variant in Variant
                if variant not in SAME_VALUE and (count := near_score.by_variant(variant)[2])
            ),
        ),
        Row(
            "a listed line with an extension (the listed value itself)",
            f"{near_score.same_value[1]} of {near_score.same_value[0]} alerted",
            "all",
            _met(near_score.same_value[1] == near_score.same_value[0]) + "; not counted in the rest",
        ),
        Row(
            "common values withheld",
            f"{len(result.common)} ({common_customers:,} customer matches; {result.withheld:,} customers with nothing else)",
            f"the {len(agent_addresses)} shared addresses",
            f"> {args.max_customers} customers each",
        ),
        Row(
            "crowded values held",
            f"{len(result.crowded)} ({sum(h.customers for h in result.crowded):,} customers)",
        ),
        Row("peak memory", f"{proc_status_mb('VmHWM'):,.0f} MB"),
        Row(
            "machine",
            f"{cpu_model()}, {nproc()} cores",
            "",
            f"cpu reference {cpu_reference():.2f} s; {git_revision()}",
        ),
    ]
    print(render(rows))
    by_kind = {kind: sum(1 for p in found if p.kind is kind) for kind in PLANTED_KINDS}
    print(
        "\nplanted found by kind: "
        + ", ".join(f"{k}: {n}/{sum(1 for p in planted if p.kind is k)}" for k, n in by_kind.items())
    )
    agent_keys = {a.key for a in agent_addresses}
    for common in result.common:
        why = "a shared address given to customers" if common.key in agent_keys else "NOT planted"
        print(
            f"withheld: {common.kind} {common.shown!r}: {common.customers} customers, {len(common.parties)} parties ({why})"
        )
    for p in planted[:: max(1, len(planted) // 9)]:
        print(f"planted: {p.kind} listed {p.listed!r} ({p.party}), written {p.written!r} ({p.customer})")
    for alert in rest_alerts[:20]:
        for match in alert.matches:
            print(
                f"rest alert: {alert.customer} {match.kind} {match.shown!r} ~ {[(p.party, p.shown) for p in match.parties]}"
            )
    missed = [p for p in planted if p not in found]
    for p in missed[:20]:
        print(f"missed: {p}")
    print_near_misses(near_score)


def place_near_misses(
    customers: list[Customer],
    attributes: list[dict[str, str]],
    near: Sequence[NearMiss],
    free: Sequence[int],
    rng: random.Random,
) -> list[tuple[str, NearMiss, dict[str, str], tuple[str, ...]]]:
    """Each near miss given to a customer of `free` (positions), in its column instead of the
    customer's own value, with the countries it needs; (customer id, near miss, attributes, countries)."""
    placed: list[tuple[str, NearMiss, dict[str, str], tuple[str, ...]]] = []
    for at, miss in zip(rng.sample(list(free), len(near)), near, strict=True):
        attributes[at][miss.column] = miss.written
        if miss.countries is not None:
            customers[at] = replace(customers[at], countries=miss.countries)
        placed.append((customers[at].id, miss, attributes[at], customers[at].countries))
    return placed


def print_near_misses(near_score: NearMissScore, examples: int = 3) -> None:
    """Per variant: made, matched before the guards, alerted; then a few of each variant that matched."""
    print("\nnear misses by variant (made / matched a listed value / alerted):")
    for variant in Variant:
        made, matched, alerted = near_score.by_variant(variant)
        print(f"  {variant}: {made} / {matched} / {alerted}")
    for variant in Variant:
        for hit in [h for h in near_score.hits if h.near.variant is variant][:examples]:
            how = "alerted" if hit.alerted else "matched, withheld by a guard"
            print(
                f"near miss {how}: {variant}: listed {hit.near.listed!r} ({hit.near.party}), "
                f"written {hit.near.written!r} ({hit.customer}) ~ {list(hit.listed)[:3]}"
            )


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


if __name__ == "__main__":
    main()
