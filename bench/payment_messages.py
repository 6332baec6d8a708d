"""Payment messages generated from real sample messages: the test data of the payment benchmarks.

Both payment benchmarks (bench/payments_quality.py, bench/payments_speed.py) screen messages made here, so
that what one measures for quality is what the other measures for speed. A screening engine is only as good
as the messages it is tried on, so the messages are the real sample files of ../shared/data/payments (see its
PROVENANCE.md), with their parties, addresses and remittance text replaced and everything else kept:
routing, agents and their BICs, accounts, amounts, the templates' own codes in fields 72 and 77B.

Templates (TEMPLATES): the Fedwire pacs.008 customer credit transfers, the CBPR+ pacs.008 translations and
the CBPR+ and SWIFT-handbook MT103s. A message must hold 4 to 8 party fields (agents, and the sender and
receiver of the header, included: counted on the parsed message), so a template with more has optional
agents removed, in TRIM_ISO / TRIM_MT order (an intermediary, a previous instructing agent, the
correspondents), and an ISO message may gain an ultimate debtor and an ultimate creditor while it stays
within 8.

What is replaced:
- ISO 20022: the Nm of Dbtr, Cdtr, UltmtDbtr and UltmtCdtr (their PstlAdr replaced by ours, their Id,
  CtryOfRes and CtctDtls removed: they were the template party's), RmtInf/Ustrd (added when missing).
- SWIFT MT: the name line(s) of 50K, 50F (1/), 59 and 59F (1/) with their address lines, and field 70
  (added when missing). MT is written in SWIFT's X character set, so names and text are transliterated
  (ICU Any-Latin; Latin-ASCII), upper-cased and stripped of other characters, as a bank's system does
  before sending. Lines hold 35 characters: a longer name is wrapped onto the next line, in 50F/59F as
  further 1/ lines (which the reader joins) and in 50K/59 onto the first address line, as banks do (the
  reader takes the first line as the name: such a message is marked `wrapped`, so its figures can be told
  apart).

The names: ordinary parties are the dev benchmark's `customers` (../shared/bench/dev, 18 locales and
scripts); listed parties are the dev benchmark's positive variants with their expected list records
(`ofac-sdn:<ent_num>`): sets ssb (positives), hard, dob (class match; the name only, its birth date is not
written into the message) and ../shared/bench/dev_korean's classes typo, surname and spacing. Each name has
a fold (bench.train_scorer.fold: by listed party, customers by query id), and a message takes all its names
from one fold, so that folds split messages with no party in two folds.

Addresses are drawn from ADDRESSES, for ordinary and listed parties alike, in countries under no embargo of
refdata/embargoes.tsv: the benchmarks measure the matching of names, and an embargoed country holds a
message whatever its names (a listed party's own country would only help its name match).

Deterministic: the same seed and arguments give the same messages, byte for byte. Every message is read
back with sanctionwatch.payments.reader.read_messages before it is handed out (an assertion), with its
party count and the field the listed name went into checked.

Usage (a look at what is generated): .venv/bin/python -m bench.payment_messages [--count 5] [--seed 1]
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import random
import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import icu  # type: ignore[import-untyped]
from lxml import etree

from bench.train_scorer import FOLDS, fold
from sanctionwatch.payments.message import MessageFamily, PaymentMessage
from sanctionwatch.payments.reader import read_messages

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PAYMENTS = SHARED / "data" / "payments"
BENCH = SHARED / "bench"
SEED = 20261206
MIN_PARTIES, MAX_PARTIES = 4, 8

# Real sample messages used as templates (paths relative to ../shared/data/payments).
TEMPLATES = (
    *(f"iso20022/fedwire_fed_samples/CustomerCreditTransfer_{name}_pacs.008.xml" for name in (
        "Scenario1_Step1", "Scenario1_Step2", "Scenario2_Step1", "Scenario3_Step1", "Scenario4_Step1",
        "Scenario4_Step2", "Scenario5_Step1", "Scenario5_Step2", "Variation1", "Variation2", "Variation3",
        "Variation4", "Variation5", "Variation6",
    )),
    "iso20022/ballerina_mt_to_mx_translations/c_53_5_mt103_pacs008_A_B.xml",
    "iso20022/ballerina_mt_to_mx_translations/p_2_1_1_mt103_pacs_008_C_D.xml",
    "iso20022/ballerina_mt_to_mx_translations/p_2_1_2_mt103_pacs_008_A_B.xml",
    *(f"mt/ballerina_cbpr_scenarios/{name}_MT103.fin" for name in (
        "c_53_5_20", "custom_35", "custom_36", "custom_39", "p_2_1_1_41", "p_2_1_2_42", "p_2_1_2_44",
        "p_2_1_2_45", "p_2_1_2_46", "p_2_3_1_a_50", "p_2_3_1_b_52",
    )),
    "mt/swift_uhb_style_examples/testMt103ToIso20022Xml.fin",
    "mt/swift_uhb_style_examples/testMt103StpToIso20022Xml6.fin",
)  # fmt: skip
# Optional agents removed, in this order, from a template with more than MAX_PARTIES party fields.
TRIM_ISO = ("IntrmyAgt3", "IntrmyAgt2", "IntrmyAgt1", "PrvsInstgAgt3", "PrvsInstgAgt2", "PrvsInstgAgt1")
TRIM_MT = ("55", "54", "53", "51", "56")
# The customer parties of a pacs.008 transaction whose names are replaced, in schema order.
ISO_PARTIES = ("UltmtDbtr", "Dbtr", "Cdtr", "UltmtCdtr")
MT_NAME_TAGS = frozenset({"50K", "50F", "59", "59F"})
MT_LINE = 35
# Where a message's remittance text is read (the field a remittance hit names).
REMITTANCE_FIELD = {MessageFamily.ISO20022: "CdtTrfTxInf[1]/RmtInf/Ustrd[1]", MessageFamily.SWIFT_MT: "70"}

# Addresses of parties: (ISO country, town, street). Countries under no embargo (refdata/embargoes.tsv).
ADDRESSES = (
    ("DE", "Hamburg", "Grosse Elbstrasse 145"), ("DE", "Munich", "Leopoldstrasse 28"),
    ("GB", "Manchester", "12 Deansgate"), ("GB", "London", "88 Wood Street"),
    ("US", "Chicago", "233 South Wacker Drive"), ("US", "Houston", "1200 Smith Street"),
    ("FR", "Lyon", "14 Rue de la Republique"), ("ES", "Valencia", "Calle de Colon 32"),
    ("IT", "Milan", "Via Dante 7"), ("NL", "Rotterdam", "Coolsingel 40"),
    ("CH", "Zurich", "Bahnhofstrasse 45"), ("TR", "Izmir", "Ataturk Caddesi 112"),
    ("AE", "Dubai", "Sheikh Zayed Road 21"), ("SG", "Singapore", "10 Marina Boulevard"),
    ("HK", "Hong Kong", "18 Harbour Road"), ("JP", "Osaka", "3-6 Umeda"),
    ("KR", "Busan", "55 Jungang-daero"), ("IN", "Mumbai", "Nariman Point 4"),
    ("BR", "Sao Paulo", "Avenida Paulista 1000"), ("PL", "Gdansk", "Ulica Dluga 15"),
    ("CN", "Shenzhen", "Shennan Avenue 6011"), ("VN", "Hanoi", "25 Ly Thuong Kiet"),
)  # fmt: skip

# Remittance text. {NAME} is a party's name: an ordinary one, or the listed variant of set (b).
NAMED_REMITTANCE = (
    "INVOICE {n} {NAME}",
    "PAYMENT FOR CARGO ON BEHALF OF {NAME}",
    "/INV/{n} SERVICES {NAME}",
    "CONSULTING FEES {month} {year} {NAME}",
    "GOODS SUPPLIED BY {NAME} ORDER {n}",
    "FREIGHT CHARGES {NAME} CONTRACT {n}",
)
PLAIN_REMITTANCE = (
    "SALARY {month} {year}",
    "RENT {month} {year} FLAT {short}",
    "/ROC/{n}",
    "INVOICE {n} DATED {day}.{mm}.{year}",
    "SPARE PARTS ORDER {n}",
)
PLAIN_SHARE = 0.3  # of messages with only ordinary parties, the share whose remittance names nobody
MONTHS = (
    "JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER", "OCTOBER",
    "NOVEMBER", "DECEMBER",
)  # fmt: skip

# The listed-variant classes used: (set, class) of ../shared/bench answers; None: every positive class.
LISTED_CLASSES: dict[str, frozenset[str] | None] = {
    "ssb": None,
    "hard": None,
    "dob": frozenset({"match"}),
    "korean": frozenset({"typo", "surname", "spacing"}),
}


class Placement(StrEnum):
    """Where the listed variant of a message is (its set in the quality benchmark)."""

    PARTY = "party"  # (a) in one random party field, the others ordinary
    REMITTANCE = "remittance"  # (b) in the remittance text, every party ordinary
    NONE = "none"  # (c) only ordinary parties


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    key: str  # the benchmark query id
    label: str  # "ssb/typo", "korean/spacing", "customers/de_DE"
    expected: tuple[str, ...]  # the listed records it names; empty for an ordinary party
    fold: int
    schema: str | None  # the benchmark query's schema (Person, Organization ...): what a message does not say


@dataclass(frozen=True, slots=True)
class Case:
    """One generated message and what screening it should find."""

    source: str  # "gen-00042 (template file)"
    data: bytes
    family: MessageFamily
    template: str
    placement: Placement
    fold: int
    parties: int  # party fields of the parsed message
    name_fields: int  # customer party fields whose name was written (the rest are agents and headers)
    listed: Name | None = None
    field: str | None = None  # where the listed name was written ("CdtTrfTxInf[1]/Cdtr", "59F", "70")
    ordinary: tuple[Name, ...] = ()
    wrapped: bool = False  # the listed name did not fit the name line of 50K/59: its rest is an address line
    notes: tuple[str, ...] = ()


# ---- names --------------------------------------------------------------------------------------------


def _answers(path: Path) -> dict[str, dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return {row["id"]: row for row in map(json.loads, handle)}


def _queries(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


@cache
def benchmark_names(bench_dir: Path = BENCH) -> tuple[tuple[Name, ...], tuple[Name, ...]]:
    """(ordinary names, listed variants) of the dev benchmark and dev_korean, in file order."""
    ordinary: list[Name] = []
    listed: list[Name] = []
    for folder in ("dev", "dev_korean"):
        answers = _answers(bench_dir / folder / "answers.jsonl")
        for row in _queries(bench_dir / folder / "queries.csv"):
            answer = answers[row["id"]]
            kind, cls = str(answer["set"]), str(answer["class"])
            expected = tuple(str(e) for e in answer["expected"])  # type: ignore[attr-defined]
            name = Name(
                row["name"],
                row["id"],
                f"{kind}/{cls}",
                expected,
                fold(answer, row["id"]),
                row["schema"] or None,
            )
            if kind == "customers":
                ordinary.append(name)
            elif kind in LISTED_CLASSES and expected:
                wanted = LISTED_CLASSES[kind]
                if wanted is None or cls in wanted:
                    listed.append(name)
    return tuple(ordinary), tuple(listed)


# ---- MT character set ------------------------------------------------------------------------------------

_NOT_X = re.compile(r"[^A-Z0-9/\-?:().,'+ ]+")


@cache
def _latin() -> icu.Transliterator:
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def swift_x(text: str) -> str:
    """Text as a bank writes it into an MT field: ASCII letters, upper case, SWIFT's X characters only."""
    latin = text if text.isascii() else _latin().transliterate(text)
    cleaned = " ".join(_NOT_X.sub(" ", latin.upper()).split())
    return cleaned.lstrip("-:").strip() or "NAME"


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [text]


# ---- templates ----------------------------------------------------------------------------------------


def _parse_one(data: bytes, source: str) -> PaymentMessage:
    messages = read_messages(data, source)
    assert len(messages) == 1, f"{source}: {len(messages)} messages, expected one"
    return messages[0]


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for item in element:
        if isinstance(item.tag, str) and _local(item) == name:
            return item
    return None


class IsoTemplate:
    """A pacs.008 sample: its tree with the optional agents over MAX_PARTIES removed."""

    family = MessageFamily.ISO20022

    def __init__(self, path: Path) -> None:
        self.name = path.name
        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
        self.tree = etree.ElementTree(etree.fromstring(path.read_bytes(), parser))
        self.base = len(_parse_one(self._bytes(self.tree), self.name).parties)
        for agent in TRIM_ISO:
            if self.base <= MAX_PARTIES:
                break
            transaction = self._transaction(self.tree)
            found = _child(transaction, agent)
            if found is not None:
                transaction.remove(found)
                self.base = len(_parse_one(self._bytes(self.tree), self.name).parties)
        assert MIN_PARTIES <= self.base <= MAX_PARTIES, f"{self.name}: {self.base} party fields"

    @staticmethod
    def _bytes(tree: etree._ElementTree) -> bytes:
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")

    @staticmethod
    def _transaction(tree: etree._ElementTree) -> etree._Element:
        found = [e for e in tree.iter() if isinstance(e.tag, str) and _local(e) == "CdtTrfTxInf"]
        assert found, "no CdtTrfTxInf"
        return found[0]

    def draw_extras(self, rng: random.Random) -> tuple[str, ...]:
        """The ultimate parties a message adds to the template: 0 to 2, within MAX_PARTIES."""
        transaction = self._transaction(self.tree)
        missing = [name for name in ("UltmtDbtr", "UltmtCdtr") if _child(transaction, name) is None]
        room = min(MAX_PARTIES - self.base, len(missing))
        return tuple(rng.sample(missing, rng.randint(0, room))) if room > 0 else ()

    def name_slots(self, extras: Sequence[str]) -> int:
        """How many names a message of this template with `extras` takes."""
        transaction = self._transaction(self.tree)
        return sum(_child(transaction, name) is not None for name in ISO_PARTIES) + len(extras)

    def _with_extras(self, extras: Sequence[str]) -> tuple[etree._ElementTree, list[etree._Element]]:
        """A copy of the tree with the ultimate parties added, and its party elements in schema order."""
        tree = copy.deepcopy(self.tree)
        transaction = self._transaction(tree)
        for name in extras:
            element = etree.Element(etree.QName(transaction, name))
            etree.SubElement(element, etree.QName(transaction, "Nm"))
            if name == "UltmtDbtr":
                anchor = _child(transaction, "InitgPty")
                anchor = anchor if anchor is not None else _child(transaction, "Dbtr")
                assert anchor is not None
                anchor.addprevious(element)
            else:
                anchor = _child(transaction, "CdtrAcct")
                anchor = anchor if anchor is not None else _child(transaction, "Cdtr")
                assert anchor is not None
                anchor.addnext(element)
        parties = [p for name in ISO_PARTIES if (p := _child(transaction, name)) is not None]
        return tree, parties

    def fill(
        self,
        rng: random.Random,
        names: Sequence[str],
        listed_slot: int | None,
        remittance: str,
        extras: Sequence[str],
    ) -> tuple[bytes, str | None, bool, list[str]]:
        tree, parties = self._with_extras(extras)
        transaction = self._transaction(tree)
        field_of_listed = None
        for position, (party, name) in enumerate(zip(parties, names, strict=False)):
            _set_iso_party(party, name, rng.choice(ADDRESSES))
            if position == listed_slot:
                field_of_listed = f"CdtTrfTxInf[1]/{_local(party)}"
        _set_iso_remittance(transaction, remittance)
        return self._bytes(tree), field_of_listed, False, []


def _set_iso_party(party: etree._Element, name: str, address: tuple[str, str, str]) -> None:
    for unwanted in ("Id", "CtryOfRes", "CtctDtls", "PstlAdr"):
        found = _child(party, unwanted)
        if found is not None:
            party.remove(found)
    nm = _child(party, "Nm")
    if nm is None:
        nm = etree.Element(etree.QName(party, "Nm"))
        party.insert(0, nm)
    nm.text = name
    country, town, street = address
    postal = etree.Element(etree.QName(party, "PstlAdr"))
    for tag, value in (("StrtNm", street), ("TwnNm", town), ("Ctry", country)):
        etree.SubElement(postal, etree.QName(party, tag)).text = value
    nm.addnext(postal)


# Elements a pacs.008 transaction may have after RmtInf (RmtInf is inserted before the first present).
_AFTER_REMITTANCE = ("SplmtryData",)


def _set_iso_remittance(transaction: etree._Element, text: str) -> None:
    remittance = _child(transaction, "RmtInf")
    if remittance is None:
        remittance = etree.Element(etree.QName(transaction, "RmtInf"))
        after = next((e for n in _AFTER_REMITTANCE if (e := _child(transaction, n)) is not None), None)
        if after is not None:
            after.addprevious(remittance)
        else:
            transaction.append(remittance)
    for old in [e for e in remittance if isinstance(e.tag, str) and _local(e) == "Ustrd"]:
        remittance.remove(old)
    unstructured = etree.Element(etree.QName(remittance, "Ustrd"))
    unstructured.text = text
    remittance.insert(0, unstructured)


_FIELD = re.compile(r"^:([0-9]{2}[A-Z]?):(.*)$")


class MtTemplate:
    """An MT103 sample: its header and trailer kept as written, block 4 as (tag, lines) fields."""

    family = MessageFamily.SWIFT_MT

    def __init__(self, path: Path) -> None:
        self.name = path.name
        text = path.read_text(encoding="ascii")
        self.newline = "\r\n" if "\r\n" in text else "\n"
        start = text.index("{4:") + len("{4:")
        end = text.index(self.newline + "-}", start)
        self.head, self.tail = text[:start], text[end:]
        self.fields: list[tuple[str, list[str]]] = []
        for line in text[start:end].split(self.newline):
            if not line:
                continue
            match = _FIELD.match(line)
            if match:
                self.fields.append((match.group(1), [match.group(2)]))
            else:
                assert self.fields, f"{self.name}: block 4 starts with {line!r}"
                self.fields[-1][1].append(line)
        self.base = len(_parse_one(self._bytes(self.fields), self.name).parties)
        for number in TRIM_MT:
            if self.base <= MAX_PARTIES:
                break
            self.fields = [(tag, lines) for tag, lines in self.fields if tag[:2] != number]
            self.base = len(_parse_one(self._bytes(self.fields), self.name).parties)
        assert MIN_PARTIES <= self.base <= MAX_PARTIES, f"{self.name}: {self.base} party fields"
        assert any(tag in MT_NAME_TAGS for tag, _ in self.fields), f"{self.name}: no named customer"

    def _bytes(self, fields: Sequence[tuple[str, Sequence[str]]]) -> bytes:
        body = self.newline.join(
            f":{tag}:{lines[0]}" + "".join(self.newline + line for line in lines[1:]) for tag, lines in fields
        )
        return (self.head + self.newline + body + self.tail).encode("ascii")

    def draw_extras(self, rng: random.Random) -> tuple[str, ...]:
        return ()  # an MT103 has no field for ultimate parties

    def name_slots(self, extras: Sequence[str]) -> int:
        return sum(tag in MT_NAME_TAGS for tag, _ in self.fields)

    def fill(
        self,
        rng: random.Random,
        names: Sequence[str],
        listed_slot: int | None,
        remittance: str,
        extras: Sequence[str],
    ) -> tuple[bytes, str | None, bool, list[str]]:
        fields: list[tuple[str, list[str]]] = []
        names_left = iter(enumerate(names))
        field_of_listed, wrapped, notes = None, False, []
        for tag, lines in self.fields:
            if tag in MT_NAME_TAGS:
                position, name = next(names_left)
                new, over = _mt_party(tag, lines, swift_x(name), rng.choice(ADDRESSES))
                fields.append((tag, new))
                if position == listed_slot:
                    field_of_listed, wrapped = tag, over
            elif tag != "70":
                fields.append((tag, list(lines)))
        text_lines = _wrap(swift_x(remittance), MT_LINE)
        if len(text_lines) > 4:
            notes.append(f"field 70 takes {len(text_lines)} lines (the standard allows 4)")
        at = next((i for i, (tag, _) in enumerate(fields) if tag[:2] > "70"), len(fields))
        fields.insert(at, ("70", text_lines))
        return self._bytes(fields), field_of_listed, wrapped, notes


def _mt_party(
    tag: str, lines: Sequence[str], name: str, address: tuple[str, str, str]
) -> tuple[list[str], bool]:
    """The field's new lines (its account line kept) and whether the name ran over its line."""
    country, town, street = (swift_x(part) for part in address)
    account = [lines[0]] if lines and lines[0].startswith("/") else []
    if tag.endswith("F"):
        numbered = [f"1/{part}" for part in _wrap(name, MT_LINE - 2)]
        return [*account, *numbered, f"2/{street}", f"3/{country}/{town}"], False
    name_lines = _wrap(name, MT_LINE)
    address_lines = [street, f"{country}/{town}"] if len(name_lines) < 3 else [f"{country}/{town}"]
    return [*account, *name_lines, *address_lines], len(name_lines) > 1


@cache
def templates() -> tuple[IsoTemplate | MtTemplate, ...]:
    loaded: list[IsoTemplate | MtTemplate] = []
    for relative in TEMPLATES:
        path = PAYMENTS / relative
        loaded.append(IsoTemplate(path) if path.suffix == ".xml" else MtTemplate(path))
    return tuple(loaded)


# ---- messages ---------------------------------------------------------------------------------------


def _remittance(rng: random.Random, name: str | None) -> str:
    values = {
        "n": str(rng.randint(10_000, 9_999_999)),
        "short": str(rng.randint(1, 250)),
        "month": rng.choice(MONTHS),
        "year": str(rng.randint(2023, 2026)),
        "day": f"{rng.randint(1, 28):02d}",
        "mm": f"{rng.randint(1, 12):02d}",
    }
    if name is None:
        return rng.choice(PLAIN_REMITTANCE).format(**values)
    return rng.choice(NAMED_REMITTANCE).format(NAME=name, **values)


class MessageFactory:
    """Generated messages, deterministic for a seed: each from a template drawn at random, ISO and MT alike."""

    def __init__(self, seed: int = SEED, bench_dir: Path = BENCH) -> None:
        self.seed = seed
        ordinary, listed = benchmark_names(bench_dir)
        self.ordinary_by_fold: dict[int, list[Name]] = {k: [] for k in range(FOLDS)}
        for name in ordinary:
            self.ordinary_by_fold[name.fold].append(name)
        self.listed = listed
        self.templates = templates()
        iso = [t for t in self.templates if t.family is MessageFamily.ISO20022]
        mt = [t for t in self.templates if t.family is MessageFamily.SWIFT_MT]
        self.families = (iso, mt)
        self.count = 0

    def message(
        self,
        rng: random.Random,
        placement: Placement,
        listed: Name | None = None,
        *,
        fold_of: int | None = None,
    ) -> Case:
        """One message: `listed` placed as `placement` says, every other name an ordinary one of its fold."""
        assert (listed is None) == (placement is Placement.NONE)
        group = (
            listed.fold if listed is not None else (fold_of if fold_of is not None else rng.randrange(FOLDS))
        )
        template = rng.choice(rng.choice(self.families))
        extras = template.draw_extras(rng)
        slots = template.name_slots(extras)
        pool = self.ordinary_by_fold[group]
        ordinary = [rng.choice(pool) for _ in range(slots)]
        listed_slot = rng.randrange(slots) if placement is Placement.PARTY else None
        names = [n.text for n in ordinary]
        if listed is not None and listed_slot is not None:
            names[listed_slot] = listed.text
            ordinary.pop(listed_slot)
        if placement is Placement.REMITTANCE:
            assert listed is not None
            remittance = _remittance(rng, listed.text)
        elif rng.random() < PLAIN_SHARE:
            remittance = _remittance(rng, None)
        else:
            extra = rng.choice(pool)
            ordinary.append(extra)
            remittance = _remittance(rng, extra.text)
        data, field_of_listed, wrapped, notes = template.fill(rng, names, listed_slot, remittance, extras)
        if placement is Placement.REMITTANCE:
            field_of_listed = REMITTANCE_FIELD[template.family]
        self.count += 1
        source = f"gen-{self.count:05d} ({template.name})"
        parsed = _parse_one(data, source)
        case = Case(
            source=source,
            data=data,
            family=template.family,
            template=template.name,
            placement=placement,
            fold=group,
            parties=len(parsed.parties),
            name_fields=slots,
            listed=listed,
            field=field_of_listed,
            ordinary=tuple(ordinary),
            wrapped=wrapped,
            notes=tuple(notes),
        )
        _check(case, parsed, remittance)
        return case

    def cases(self, placement: Placement, count: int | None = None) -> list[Case]:
        """`count` messages of one set (for PARTY and REMITTANCE: each listed variant once when count is
        None, else a seeded sample); the random stream is the set's own, so sets do not shift each other."""
        rng = random.Random(f"{self.seed}/{placement.value}")
        if placement is Placement.NONE:
            return [self.message(rng, placement, fold_of=i % FOLDS) for i in range(count or 0)]
        listed = list(self.listed)
        rng.shuffle(listed)
        if count is not None:
            listed = [listed[i % len(listed)] for i in range(count)]
        return [self.message(rng, placement, name) for name in listed]


def _check(case: Case, parsed: PaymentMessage, remittance: str) -> None:
    """The message reads back as generated: party count, and the listed name where it was put."""
    assert MIN_PARTIES <= case.parties <= MAX_PARTIES, f"{case.source}: {case.parties} party fields"
    if case.placement is Placement.PARTY:
        assert case.listed is not None and case.field is not None, case.source
        party = next(p for p in parsed.parties if p.field == case.field)
        written = case.listed.text if case.family is MessageFamily.ISO20022 else swift_x(case.listed.text)
        if case.wrapped:
            assert party.name and written.startswith(party.name), (case.source, party.name, written)
        else:
            assert " ".join((party.name or "").split()) == " ".join(written.split()), (
                case.source,
                party.name,
            )
    pieces = [t for t in parsed.free_text if t.field == REMITTANCE_FIELD[case.family]]
    assert len(pieces) == 1, (case.source, [t.field for t in parsed.free_text])
    texts = " ".join(pieces[0].text.split())
    wanted = remittance if case.family is MessageFamily.ISO20022 else swift_x(remittance)
    if case.family is MessageFamily.SWIFT_MT:  # wrapped at 35: compare without the line breaks
        assert wanted.replace(" ", "") in texts.replace(" ", ""), (case.source, wanted)
    else:
        assert " ".join(wanted.split()) in texts, (case.source, wanted)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=3, help="messages per set to print")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    factory = MessageFactory(args.seed)
    for placement in Placement:
        for case in factory.cases(placement, args.count):
            listed = f"{case.listed.label} {case.listed.text!r} -> {case.field}" if case.listed else "-"
            print(f"== {case.source} {placement.value}: {case.parties} party fields; listed: {listed}")
            print(case.data.decode())


if __name__ == "__main__":
    main()
