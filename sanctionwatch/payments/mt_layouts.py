"""Which fields each screened MT type has, in which sequence, and the name each field gets in a message.

The field name is what a hit shows the operator, so it must say where in the message the line is. A
single-sequence message (MT103, MT202, MT205) names a field by its tag ("50K"). The cover payments
MT202COV and MT205COV repeat tags: sequence B, which starts at the ordering customer 50a, carries the
underlying customer payment, so its fields are named "B/50F", "B/59F", "B/72" and checked against what
sequence B allows (a 58A there is an error, not a second beneficiary). MT101 and MT102 carry several
transactions: each field 21 starts one, named "B[1]/59F", "B[2]/59F", ...; MT102's settlement sequence
starts at 32A and is named "C/53A".

MT101 and MT102 fields are checked against their message type rather than their sequence: the SWIFT
user handbook style samples put MT102's 53A in sequence A, and such a field is still read and named by
where it stands. Every tag not in the type, and every option letter the tag does not have in the type,
raises `MessageError` with the field named: nothing is passed over unread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from sanctionwatch.payments.message import MessageError
from sanctionwatch.payments.mt_blocks import RawField
from sanctionwatch.payments.mt_fields import PARTY_TAGS

__all__ = ["LAYOUTS", "Layout", "PlacedField", "Structure", "place_fields"]


class Structure(Enum):
    SINGLE = "single"  # one sequence
    COVER = "cover"  # A, then B from the first 50a (MT202COV, MT205COV)
    REPEATING = "repeating"  # A, a B per field 21, and C from 32A when the type has one (MT101, MT102)


@dataclass(frozen=True, slots=True)
class SequenceSpec:
    parties: Mapping[str, frozenset[str]]  # party tag number -> its option letters ("" = no letter)
    others: frozenset[str]  # the other tags, as written
    required: frozenset[str]  # tags as written, or a party tag number for any of its options


@dataclass(frozen=True, slots=True)
class Layout:
    mt: str  # "103"
    structure: Structure
    flags: frozenset[str]  # the validation flags (block 3 field 119) the type takes
    a: SequenceSpec
    b: SequenceSpec | None = None  # MT202/205: the cover sequence, used when the flag is COV
    c: SequenceSpec | None = None


@dataclass(frozen=True, slots=True)
class PlacedField:
    """A field of block 4 with the name it gets and the sequence it stands in."""

    raw: RawField
    name: str  # "50K", "B/59F", "B[2]/57A", "C/32A"
    sequence: str  # "A", "B", "B[2]", "C"

    @property
    def tag(self) -> str:
        return self.raw.tag


def _options(**tags: str) -> dict[str, frozenset[str]]:
    """_options(t50="AFK", t59="-AF") -> {"50": {"A", "F", "K"}, "59": {"", "A", "F"}} ('-': no letter)."""
    return {
        name[1:]: frozenset("" if letter == "-" else letter for letter in letters)
        for name, letters in tags.items()
    }


_MT103 = SequenceSpec(
    parties=_options(
        t50="AFK", t51="A", t52="AD", t53="ABD", t54="ABD", t55="ABD", t56="ACD", t57="ABCD", t59="-AF"
    ),
    others=frozenset(
        {"20", "13C", "23B", "23E", "26T", "32A", "33B", "36", "70", "71A", "71F", "71G", "72", "77B", "77T"}
    ),
    required=frozenset({"20", "32A", "50", "59"}),
)
_FI_TRANSFER = SequenceSpec(  # MT202 and MT205, and sequence A of their COV forms
    parties=_options(t52="AD", t53="ABD", t54="ABD", t56="AD", t57="ABD", t58="AD"),
    others=frozenset({"20", "21", "13C", "32A", "72"}),
    required=frozenset({"20", "32A", "58"}),
)
_COVER_B = SequenceSpec(
    parties=_options(t50="AFK", t52="AD", t56="ACD", t57="ABCD", t59="-AF"),
    others=frozenset({"70", "72", "33B"}),
    required=frozenset({"50", "59"}),
)
_MT101_A = SequenceSpec(
    parties=_options(t50="CLFGH", t51="A", t52="AC"),
    others=frozenset({"20", "21R", "28D", "30", "25"}),
    required=frozenset({"20", "30"}),
)
_MT101_B = SequenceSpec(
    parties=_options(t50="CLFGH", t52="AC", t56="ACD", t57="ACD", t59="-AF"),
    others=frozenset({"21", "21F", "23E", "32B", "70", "77B", "33B", "71A", "25A", "36"}),
    required=frozenset({"21", "32B", "59"}),
)
_MT102_A = SequenceSpec(
    parties=_options(t50="AFK", t51="A", t52="ABC"),
    others=frozenset({"20", "23", "26T", "77B", "71A", "36"}),
    required=frozenset({"20"}),
)
_MT102_B = SequenceSpec(
    parties=_options(t50="AFK", t52="ABC", t57="AC", t59="-AF"),
    others=frozenset({"21", "32B", "70", "26T", "77B", "33B", "71A", "71F", "71G", "36"}),
    required=frozenset({"21", "32B", "59"}),
)
_MT102_C = SequenceSpec(
    parties=_options(t53="AC", t54="A"),
    others=frozenset({"32A", "19", "71G", "13C", "72"}),
    required=frozenset({"32A"}),
)

LAYOUTS: dict[str, Layout] = {
    "103": Layout("103", Structure.SINGLE, frozenset({"STP", "REMIT"}), _MT103),
    "202": Layout("202", Structure.COVER, frozenset({"COV"}), _FI_TRANSFER, b=_COVER_B),
    "205": Layout("205", Structure.COVER, frozenset({"COV"}), _FI_TRANSFER, b=_COVER_B),
    "101": Layout("101", Structure.REPEATING, frozenset(), _MT101_A, b=_MT101_B),
    "102": Layout("102", Structure.REPEATING, frozenset({"STP"}), _MT102_A, b=_MT102_B, c=_MT102_C),
}


def place_fields(
    layout: Layout, fields: Sequence[RawField], cover: bool, type_name: str, where: str
) -> list[PlacedField]:
    """Each field with its sequence and name, every tag and option checked, mandatory fields required."""
    if layout.structure is Structure.REPEATING:
        placed = _place_repeating(layout, fields, type_name, where)
    elif layout.structure is Structure.COVER and cover:
        placed = _place_cover(layout, fields, type_name, where)
    else:
        placed = [PlacedField(f, f.tag, "A") for f in fields]
        for item in placed:
            _check(layout.a, item, f"an {type_name}", where)
    _require_sequences(layout, placed, cover, where)
    return placed


def _place_cover(layout: Layout, fields: Sequence[RawField], type_name: str, where: str) -> list[PlacedField]:
    assert layout.b is not None
    placed: list[PlacedField] = []
    in_b = False
    for raw in fields:
        in_b = in_b or raw.tag[:2] == "50"
        item = PlacedField(raw, f"B/{raw.tag}", "B") if in_b else PlacedField(raw, raw.tag, "A")
        _check(layout.b if in_b else layout.a, item, f"sequence {item.sequence} of an {type_name}", where)
        placed.append(item)
    return placed


def _place_repeating(
    layout: Layout, fields: Sequence[RawField], type_name: str, where: str
) -> list[PlacedField]:
    specs = [s for s in (layout.a, layout.b, layout.c) if s is not None]
    union = SequenceSpec(
        parties={
            n: frozenset().union(*(s.parties.get(n, frozenset()) for s in specs))
            for s in specs
            for n in s.parties
        },
        others=frozenset().union(*(s.others for s in specs)),
        required=frozenset(),
    )
    placed: list[PlacedField] = []
    sequence, transactions = "A", 0
    for raw in fields:
        if raw.tag == "21":
            if sequence == "C":
                raise MessageError(
                    "a transaction (field 21) after the settlement sequence",
                    source=where,
                    field=f"C/{raw.tag}",
                )
            transactions += 1
            sequence = f"B[{transactions}]"
        elif raw.tag == "32A" and layout.c is not None:
            sequence = "C"
        item = PlacedField(raw, raw.tag if sequence == "A" else f"{sequence}/{raw.tag}", sequence)
        _check(union, item, f"an {type_name}", where)
        placed.append(item)
    if transactions == 0:
        raise MessageError(f"an {type_name} without any transaction (field 21)", source=where, field="21")
    return placed


def _check(spec: SequenceSpec, item: PlacedField, what: str, where: str) -> None:
    number, option = item.tag[:2], item.tag[2:]
    if number in PARTY_TAGS and number in spec.parties:
        allowed = spec.parties[number]
        if option not in allowed:
            letters = ", ".join(sorted(o or "no letter" for o in allowed))
            raise MessageError(
                f"option {option or 'without letter'} is not an option of field {number}a in {what} ({letters})",
                source=where,
                field=item.name,
            )
    elif item.tag not in spec.others:
        raise MessageError(f"field {item.tag} is not part of {what}", source=where, field=item.name)


def _require_sequences(layout: Layout, placed: Sequence[PlacedField], cover: bool, where: str) -> None:
    by_sequence: dict[str, list[PlacedField]] = {}
    for item in placed:
        by_sequence.setdefault(item.sequence, []).append(item)
    _require(layout.a, "A", by_sequence.get("A", []), "", where)
    if layout.structure is Structure.COVER and cover:
        assert layout.b is not None
        _require(layout.b, "B", by_sequence.get("B", []), "B/", where)
    if layout.structure is Structure.REPEATING:
        assert layout.b is not None
        for sequence, items in by_sequence.items():
            if sequence.startswith("B["):
                _require(layout.b, sequence, items, f"{sequence}/", where)
        if layout.c is not None:
            _require(layout.c, "C", by_sequence.get("C", []), "C/", where)


def _require(
    spec: SequenceSpec, sequence: str, items: Sequence[PlacedField], prefix: str, where: str
) -> None:
    for tag in sorted(spec.required):
        party = tag in PARTY_TAGS
        if not any(i.tag == tag or (party and i.tag[:2] == tag) for i in items):
            written = f"{tag}a" if party else tag
            raise MessageError(
                f"mandatory field {written} missing from sequence {sequence}",
                source=where,
                field=f"{prefix}{written}",
            )
