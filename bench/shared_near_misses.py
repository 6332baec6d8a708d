"""Near misses for bench.shared_values: customers whose value resembles a listed one and is another value.

Random Faker values never equal a listed value, so an alert rate of 0 % on them says nothing about the
values an analyst actually pays for: a phone one digit away from a listed one, another office in the
listed party's building, an e-mail at its company's domain under another name. Each near miss here is
built from one real listed value by one edit (`Variant`), and kept only when it differs from EVERY
listed value of its kind by the benchmark's own comparison (`fold`), written apart from
`shared_normalize` so that a normalizer that drops a difference is caught, not trusted. None of them
may alert: `score` counts those that do (before and after the flood guards) and keeps them to show.

The variants: a phone with one digit of its subscriber number changed (still a valid number, so that it
is compared), or with an extension after it (that one is the listed line itself, so it must alert:
`SAME_VALUE`, reported apart); an e-mail with another local part at the same domain (not a
free-mail domain: another name at gmail.com is no near miss worth the name) or the same local part at
another domain; an address with another floor, office or room number in the same building, with another
house number in the same street, or in another city of the same country; a wallet with one character
of its body changed (to another character of its alphabet, also in another case); a registration number
with one digit changed; a website on a subdomain of the listed domain, or under another top-level
domain; an IMO number one digit apart whose check digit holds.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import phonenumbers
from rigour.territories import lookup_territory

from sanctionwatch.model import Entity
from sanctionwatch.ownership.shared_index import ScanResult, SharedValueIndex
from sanctionwatch.ownership.shared_values import SharedKind, SharedValue, customer_values, listed_values
from sanctionwatch.refdata import PUBLIC_HOSTS


class Variant(StrEnum):
    """How a near miss differs from the listed value it is built from."""

    PHONE_DIGIT = "phone: one digit changed"
    PHONE_EXTENSION = "phone: an extension added"
    EMAIL_LOCAL = "e-mail: another local part, same domain"
    EMAIL_DOMAIN = "e-mail: same local part, another domain"
    ADDRESS_UNIT = "address: another floor/office/room"
    ADDRESS_HOUSE = "address: another house number"
    ADDRESS_CITY = "address: same street, another city"
    WALLET_CHARACTER = "wallet: one character changed"
    REGISTRATION_DIGIT = "registration: one digit changed"
    WEBSITE_SUBDOMAIN = "website: a subdomain"
    WEBSITE_DOMAIN = "website: another top-level domain"
    IMO_DIGIT = "imo: another valid number"


# Variants that hold the listed value itself: a listed line with an extension after it is the listed
# party's own switchboard (no listed phone gives an extension of its own), so sharing it is a real tie
# and the customer is alerted by design. They are made and reported, but are no near misses.
SAME_VALUE: frozenset[Variant] = frozenset({Variant.PHONE_EXTENSION})

KIND: Mapping[Variant, SharedKind] = {
    Variant.PHONE_DIGIT: SharedKind.PHONE,
    Variant.PHONE_EXTENSION: SharedKind.PHONE,
    Variant.EMAIL_LOCAL: SharedKind.EMAIL,
    Variant.EMAIL_DOMAIN: SharedKind.EMAIL,
    Variant.ADDRESS_UNIT: SharedKind.ADDRESS,
    Variant.ADDRESS_HOUSE: SharedKind.ADDRESS,
    Variant.ADDRESS_CITY: SharedKind.ADDRESS,
    Variant.WALLET_CHARACTER: SharedKind.WALLET,
    Variant.REGISTRATION_DIGIT: SharedKind.REGISTRATION,
    Variant.WEBSITE_SUBDOMAIN: SharedKind.WEBSITE,
    Variant.WEBSITE_DOMAIN: SharedKind.WEBSITE,
    Variant.IMO_DIGIT: SharedKind.IMO,
}
COLUMN: Mapping[SharedKind, str] = {  # the customer file's column for each kind (CUSTOMER_COLUMNS)
    SharedKind.PHONE: "phone",
    SharedKind.EMAIL: "email",
    SharedKind.WEBSITE: "website",
    SharedKind.ADDRESS: "address",
    SharedKind.REGISTRATION: "registration",
    SharedKind.WALLET: "wallet",
    SharedKind.IMO: "imo",
}
# Free-mail domains besides the public hosts of kind "mail": another name at one of them is another person.
_MORE_FREE_MAIL = (
    "yandex.ru",
    "bk.ru",
    "inbox.ru",
    "list.ru",
    "rambler.ru",
    "live.com",
    "icloud.com",
    "126.com",
)
_ROLES = ("info", "sales", "office", "export", "director", "contact", "admin", "trade", "secretary")
_SUBDOMAINS = ("shop", "mail", "en", "portal", "store", "old", "b2b")
_TLDS = ("com", "net", "org", "info", "biz", "io", "co", "ru", "ae", "cn")
_HEX = "0123456789abcdef"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# A floor, office or room number: the word before it says so ("Office 1203", "Pomeshch. 302", "#31-10",
# "2nd Floor"); a house number is any other number of one to four digits (longer ones are postal codes).
_UNIT = re.compile(
    r"(?i)(?:\b(?:office|off|of|room|rm|suite|ste|floor|fl|flat|apt|apartment|unit|kv|kvartira|pomeshch|"
    r"pom|ofis|kab|kabinet|level|lvl|shop)\b\.?\s*(?:no\.?\s*)?|#\s*)(\d{1,5})|\b(\d{1,3})(?:st|nd|rd|th)\s+floor\b"
)
_NUMBER = re.compile(r"(?<![\d])(\d{1,4})(?![\d])")
_BECH32_FORM = re.compile(r"[a-z]{1,20}1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{6,90}")
_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|x)\s*(\d{1,6})\s*$")


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A near miss: the listed value it resembles (its party and the list's writing) and the customer's."""

    variant: Variant
    party: str
    listed: str
    written: str
    countries: tuple[str, ...] | None  # the customer's countries it needs (a registration's issuer), or None

    @property
    def kind(self) -> SharedKind:
        return KIND[self.variant]

    @property
    def column(self) -> str:
        return COLUMN[self.kind]


# ---- telling values apart, independently of shared_normalize ------------------------------------------


def fold(kind: SharedKind, text: str) -> str:
    """The benchmark's own identity of a value: two texts with one fold are one value.

    Deliberately simple and apart from the project's normalizers: an address keeps every word,
    city and country included; a phone is its E.164 number (phonenumbers, read as international)
    and its extension; a registration every letter and digit outside brackets; an IMO number its
    digits; a website its host without "www.".
    """
    value = unicodedata.normalize("NFKC", text).strip()
    if kind is SharedKind.PHONE:
        extension = _EXTENSION.search(value)
        number = value[: extension.start()] if extension else value
        try:
            parsed = phonenumbers.parse(number if number.startswith("+") else "+" + number, None)
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            e164 = re.sub(r"\D", "", number)
        return f"{e164};ext={extension.group(1) if extension else ''}"
    if kind is SharedKind.ADDRESS:
        return " ".join(re.findall(r"[^\W_]+", value.casefold()))
    if kind is SharedKind.WEBSITE:
        host = urlsplit(value if "//" in value else "//" + value).hostname or value
        return host.lower().removeprefix("www.")
    if kind is SharedKind.IMO:
        return "".join(c for c in value if c.isdigit())  # "IMO 9123456" is 9123456
    if kind is SharedKind.REGISTRATION:  # a remark in brackets ("(Cali)") is no part of the number
        return "".join(c for c in re.sub(r"\([^)]*\)|\[[^\]]*\]", "", value).upper() if c.isalnum())
    if kind is SharedKind.WALLET:
        joined = "".join(value.split())
        case_blind = joined.lower().startswith("0x") or _BECH32_FORM.fullmatch(joined.lower())
        return joined.lower() if case_blind else joined  # base58: its case is part of it
    return value.lower()  # e-mail


def listed_fold(value: SharedValue) -> str:
    """A listed value's fold: a phone's from its E.164 key (the list may write it nationally), with the
    extension the list writes after it, if any."""
    if value.kind is SharedKind.PHONE:
        extension = _EXTENSION.search(value.shown)
        return f"{value.key};ext={extension.group(1) if extension else ''}"
    return fold(value.kind, value.shown)


# ---- the edits ---------------------------------------------------------------------------------------


def _phone_digit(value: SharedValue, rng: random.Random) -> str | None:
    number = phonenumbers.parse(value.key)
    national = phonenumbers.national_significant_number(number)
    spots = [(at, d) for at in range(max(1, len(national) - 4), len(national)) for d in "0123456789"]
    for at, digit in rng.sample(spots, len(spots)):
        if digit == national[at]:
            continue
        other = phonenumbers.parse(f"+{number.country_code}{national[:at]}{digit}{national[at + 1 :]}")
        if phonenumbers.is_valid_number(other):
            return phonenumbers.format_number(other, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return None


def _phone_extension(value: SharedValue, rng: random.Random) -> str | None:
    if _EXTENSION.search(value.shown):
        return None  # the list gives an extension of its own: "another extension" is the digit edit's job
    number = phonenumbers.format_number(
        phonenumbers.parse(value.key), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return f"{number}{rng.choice([' ext. ', ' x', ' ext '])}{rng.randrange(10, 9999)}"


def _free_mail() -> frozenset[str]:
    return frozenset([*(host for host, _, kind in PUBLIC_HOSTS.rows() if kind == "mail"), *_MORE_FREE_MAIL])


def _email_local(value: SharedValue, rng: random.Random) -> str | None:
    local, _, domain = value.key.partition("@")
    if domain in _free_mail():
        return None
    return f"{rng.choice([r for r in _ROLES if r != local])}@{domain}"


def _email_domain(value: SharedValue, rng: random.Random) -> str | None:
    local, _, domain = value.key.partition("@")
    free = _free_mail()
    if domain in free:
        return f"{local}@{rng.choice(sorted(free - {domain}))}"
    return f"{local}@{_other_tld(domain, rng)}"


def _other_tld(host: str, rng: random.Random) -> str:
    body, _, tld = host.rpartition(".")
    return f"{body}.{rng.choice([t for t in _TLDS if t != tld])}"


def _renumbered(text: str, start: int, end: int, rng: random.Random) -> str:
    old = int(text[start:end])
    new = old + rng.choice([d for d in range(-9, 10) if d and old + d > 0])
    return f"{text[:start]}{new}{text[end:]}"


def _address_unit(value: SharedValue, rng: random.Random) -> str | None:
    spots = [(m.start(g), m.end(g)) for m in _UNIT.finditer(value.shown) for g in (1, 2) if m.group(g)]
    if not spots:
        return None
    start, end = rng.choice(spots)
    return _renumbered(value.shown, start, end, rng)


def _address_house(value: SharedValue, rng: random.Random) -> str | None:
    units = {m.start(g) for m in _UNIT.finditer(value.shown) for g in (1, 2) if m.group(g)}
    spots = [m.span(1) for m in _NUMBER.finditer(value.shown) if m.start(1) not in units]
    if not spots:
        return None
    start, end = spots[0]
    return _renumbered(value.shown, start, end, rng)


def _address_city(value: SharedValue, rng: random.Random, cities: Mapping[str, Sequence[str]]) -> str | None:
    """The same address with its city replaced by another city of its country that the lists' addresses
    name (`cities_by_country`): the last comma-separated part, after the first, that is a city."""
    country = value.country
    if country is None or country not in cities:
        return None
    parts = [p.strip() for p in value.shown.split(",")]
    for at in range(len(parts) - 1, 0, -1):
        if _is_city(parts[at], country):
            here = fold(SharedKind.ADDRESS, parts[at])
            others = [c for c in cities[country] if fold(SharedKind.ADDRESS, c) != here]
            return ", ".join([*parts[:at], rng.choice(others), *parts[at + 1 :]])
    return None


def _is_city(part: str, country: str) -> bool:
    """Whether an address part names a place inside `country` and not the country itself: a territory
    below it ("Moscow" is ru-mow, "Dubai" ae-du, "Donetsk" ua-dpr) or one of the places rigour gives it
    ("Tehran")."""
    if not part or any(c.isdigit() for c in part):
        return False
    territory = lookup_territory(part)
    if territory is None:
        return False
    if territory.ftm_country != country:
        return territory.parent is not None and territory.parent.code == country
    if territory.code != country:
        return True
    return fold(SharedKind.ADDRESS, part) in {fold(SharedKind.ADDRESS, p) for p in territory.places}


def cities_by_country(values: Iterable[SharedValue]) -> dict[str, list[str]]:
    """Per country, the cities the listed addresses name (`_is_city`), each once as first written;
    countries with fewer than two are left out (there is no other city to move to)."""
    found: dict[str, dict[str, str]] = {}
    for value in values:
        if value.kind is not SharedKind.ADDRESS or value.country is None:
            continue
        for part in value.shown.split(",")[1:]:
            if _is_city(part.strip(), value.country):
                found.setdefault(value.country, {}).setdefault(fold(SharedKind.ADDRESS, part), part.strip())
    return {country: sorted(places.values()) for country, places in found.items() if len(places) > 1}


def _wallet_character(value: SharedValue, rng: random.Random) -> str | None:
    text = "".join(value.shown.split())
    lower = text.lower()
    if lower.startswith("0x"):
        alphabet, start = _HEX, 2
    elif _BECH32_FORM.fullmatch(lower):
        alphabet, start = _BECH32, lower.index("1") + 2
    elif all(c in _BASE58 for c in text):
        alphabet, start = _BASE58, 1
    else:
        alphabet, start = "0123456789abcdefghijklmnopqrstuvwxyz", 1
    if len(text) <= start:
        return None
    at = rng.randrange(start, len(text))
    old = text[at]
    choices = [c for c in alphabet if c.lower() != old.lower()]
    new = rng.choice(choices)
    new = new.upper() if old.isupper() and alphabet in (_HEX, _BECH32) else new
    return text[:at] + new + text[at + 1 :]


def _registration_digit(value: SharedValue, rng: random.Random) -> str | None:
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", value.shown).strip()
    digits = [at for at, c in enumerate(text) if c.isdigit()]
    if not digits:
        return None
    at = rng.choice(digits)
    return text[:at] + rng.choice([d for d in "0123456789" if d != text[at]]) + text[at + 1 :]


def _website_subdomain(value: SharedValue, rng: random.Random) -> str | None:
    return f"https://{rng.choice(_SUBDOMAINS)}.{value.key}/"


def _website_domain(value: SharedValue, rng: random.Random) -> str | None:
    return f"http://www.{_other_tld(value.key, rng)}"


def _imo_digit(value: SharedValue, rng: random.Random) -> str | None:
    at = rng.randrange(6)
    digits = (
        value.key[:at] + rng.choice([d for d in "0123456789" if d != value.key[at]]) + value.key[at + 1 : 6]
    )
    check = sum(int(d) * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return f"IMO {digits}{check}"


_Edit = Callable[[SharedValue, random.Random], str | None]


# ---- the near misses ---------------------------------------------------------------------------------


def near_misses(parties: Sequence[tuple[str, Entity]], count: int, rng: random.Random) -> list[NearMiss]:
    """`count` near misses, the variants in turn (the next one when a variant has no listed value left
    to build from), each from another listed value, each unlike every listed value of its kind."""
    listed: dict[SharedKind, list[tuple[str, SharedValue]]] = {kind: [] for kind in SharedKind}
    for party, entity in parties:
        for value in listed_values(entity):
            listed[value.kind].append((party, value))
    folds = {kind: {listed_fold(v) for _, v in values} for kind, values in listed.items()}
    cities = cities_by_country(v for _, v in listed[SharedKind.ADDRESS])
    edits: dict[Variant, _Edit] = {
        Variant.PHONE_DIGIT: _phone_digit,
        Variant.PHONE_EXTENSION: _phone_extension,
        Variant.EMAIL_LOCAL: _email_local,
        Variant.EMAIL_DOMAIN: _email_domain,
        Variant.ADDRESS_UNIT: _address_unit,
        Variant.ADDRESS_HOUSE: _address_house,
        Variant.ADDRESS_CITY: lambda v, r: _address_city(v, r, cities),
        Variant.WALLET_CHARACTER: _wallet_character,
        Variant.REGISTRATION_DIGIT: _registration_digit,
        Variant.WEBSITE_SUBDOMAIN: _website_subdomain,
        Variant.WEBSITE_DOMAIN: _website_domain,
        Variant.IMO_DIGIT: _imo_digit,
    }
    pools = {
        variant: iter(rng.sample(listed[KIND[variant]], len(listed[KIND[variant]]))) for variant in Variant
    }
    used: set[tuple[SharedKind, str]] = set()  # each listed value is the source of one near miss at most
    made: list[NearMiss] = []
    live = list(Variant)
    turn = 0
    while len(made) < count and live:
        variant = live[turn % len(live)]
        kind = KIND[variant]
        near = None
        for party, value in pools[variant]:
            if (kind, value.key) in used:
                continue
            written = edits[variant](value, rng)
            if written is None or fold(kind, written) in folds[kind]:
                continue  # no such edit of this value, or the edit gives another listed value
            used.add((kind, value.key))
            countries = None
            if kind is SharedKind.REGISTRATION:  # issued where the list says, or unscoped like the list's
                countries = (value.country,) if value.country else ()
            near = NearMiss(variant, party, value.shown, written, countries)
            break
        if near is None:
            live.remove(variant)
            continue
        made.append(near)
        turn += 1
    return made


# ---- scoring -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NearMissHit:
    """A near miss that matched a listed value: the customer, the near miss, what it matched."""

    customer: str
    near: NearMiss
    listed: tuple[str, ...]  # the listed writings it matched ("party: value")
    alerted: bool  # False: matched, but withheld as common or crowded (the guards)


@dataclass(frozen=True, slots=True)
class NearMissScore:
    made: Mapping[Variant, int]
    hits: tuple[NearMissHit, ...]

    @property
    def alerted(self) -> int:
        """Near misses alerted: what must be 0 (the SAME_VALUE variants are not near misses)."""
        return sum(1 for hit in self.hits if hit.alerted and hit.near.variant not in SAME_VALUE)

    @property
    def near_misses(self) -> int:
        return sum(count for variant, count in self.made.items() if variant not in SAME_VALUE)

    @property
    def same_value(self) -> tuple[int, int]:
        """(made, alerted) of the variants that hold the listed value itself: alerted by design."""
        made = sum(count for variant, count in self.made.items() if variant in SAME_VALUE)
        return made, sum(1 for hit in self.hits if hit.alerted and hit.near.variant in SAME_VALUE)

    def by_variant(self, variant: Variant) -> tuple[int, int, int]:
        """(made, matched, alerted) of one variant."""
        hits = [h for h in self.hits if h.near.variant is variant]
        return self.made.get(variant, 0), len(hits), sum(1 for h in hits if h.alerted)


def score(
    placed: Sequence[tuple[str, NearMiss, Mapping[str, str], Sequence[str]]],
    index: SharedValueIndex,
    result: ScanResult,
) -> NearMissScore:
    """Which near misses matched a listed value of their kind (the index asked again, customer by
    customer: before the flood guards), and which of those the scan alerted on.

    `placed` is (customer id, near miss, the customer's attributes, its countries) for each."""
    alerted = {a.customer: a for a in result.alerts}
    hits: list[NearMissHit] = []
    for customer, near, attributes, countries in placed:
        values = [v for v in customer_values(attributes, (), countries) if v.kind is near.kind]
        matches = [m for m in index.match(values) if m.kind is near.kind]
        crowded = [c for c in index.crowded_in(values) if c.kind is near.kind]
        if not matches and not crowded:
            continue
        listed = tuple(
            [f"{p.party}: {p.shown}" for m in matches for p in m.parties]
            + [f"{c.parties} parties: {c.shown}" for c in crowded]
        )
        shares = alerted.get(customer)
        hit = shares is not None and any(m.kind is near.kind for m in shares.matches)
        hits.append(NearMissHit(customer, near, listed, hit))
    made: dict[Variant, int] = {}
    for _, near, _, _ in placed:
        made[near.variant] = made.get(near.variant, 0) + 1
    return NearMissScore(made, tuple(hits))
