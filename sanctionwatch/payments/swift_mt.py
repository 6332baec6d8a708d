"""SWIFT MT payment messages (MT101, MT102, MT103, MT202, MT205 and their STP, REMIT and COV forms) read
into `PaymentMessage`: every party field, every free-text field, named where it stands in the message.

A file holds one message or many (back to back, RJE batches separated by `$`, SAA exports with the ACK
or NAK before each message). Service messages are skipped and noted on the message they accompany. The
sender and receiver of the headers are the instructing and instructed agents; the fields of block 4 are
placed in their sequences (`mt_layouts`), read as parties (`mt_fields`) or as free text, and field 20,
32A (or MT101's 30 and 32B, MT102's settlement 32A) give the reference, value date and amount.

Any message that cannot be read raises `MessageError` naming the message (`file#n`, counting the
file's payment messages from 1) and the field: an unknown or unsupported type (MT199 included), a
validation flag the type does not take (an MT103 with COV), a block not closed, no block 4, no field 20,
an unknown option letter. One unreadable message fails the whole file: the file is held, never screened
in part. Fields without party data (23B, 71A, 13C, ...) are known to the layouts and not read.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from sanctionwatch.payments.message import (
    FreeText,
    MessageError,
    MessageFamily,
    PartyIdentifier,
    PartyIdKind,
    PartyKind,
    PartyRole,
    PaymentMessage,
    PaymentParty,
)
from sanctionwatch.payments.mt_blocks import RawMessage, block4_fields, split_messages
from sanctionwatch.payments.mt_fields import (
    FREE_TEXT_TAGS,
    PARTY_TAGS,
    free_text,
    instructing_institutions,
    read_party,
)
from sanctionwatch.payments.mt_header import read_header, service_note
from sanctionwatch.payments.mt_layouts import LAYOUTS, PlacedField, place_fields
from sanctionwatch.payments.mt_values import (
    Money,
    amount_text,
    currency_amount,
    execution_date,
    value_date_amount,
)

__all__ = ["looks_like_swift_mt", "parse_swift_mt"]

# Control characters other than line breaks and tabs have no place in SWIFT text (SOH/ETX framing of
# other RJE dialects included): refused rather than carried into names.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SINGLE = ("20", "32A", "30")  # fields that give the message its reference, date and amount: once only


def looks_like_swift_mt(data: bytes) -> bool:
    """Whether the bytes start like a SWIFT MT file (a basic header block), after a BOM and white space."""
    head = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    return head.lstrip()[:3] == b"{1:"


def parse_swift_mt(data: bytes, source: str) -> list[PaymentMessage]:
    """Every payment message of the file, in file order; MessageError when any of them cannot be read."""
    text = _text(data, source)
    messages: list[PaymentMessage] = []
    pending: list[str] = []
    for raw in split_messages(text, source):
        if raw.service:
            _check_service(raw)
            pending.append(service_note(raw))
            continue
        message = _read_message(raw)
        if pending:
            message = replace(message, notes=(*pending, *message.notes))
            pending = []
        messages.append(message)
    if not messages:
        found = f": only service messages ({'; '.join(pending)})" if pending else ""
        raise MessageError(f"no payment message in the file{found}", source=source)
    if pending:
        last = messages[-1]
        messages[-1] = replace(last, notes=(*last.notes, *(f"after this message: {n}" for n in pending)))
    return messages


def _text(data: bytes, source: str) -> str:
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MessageError(
            f"not UTF-8 text: byte 0x{body[error.start]:02x} at offset {error.start}", source=source
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise MessageError(f"control character U+{ord(control.group()):04X} on line {line}", source=source)
    return text


def _check_service(raw: RawMessage) -> None:
    """A service message has no application header and no text block: one that has is not skipped unread."""
    block4 = raw.blocks.get("4")
    if "2" in raw.blocks or (block4 is not None and block4.text is not None):
        raise MessageError(
            f"a service message (line {raw.line}) with an application header or a text block",
            source=raw.label,
            field="block 1",
        )


def _read_message(raw: RawMessage) -> PaymentMessage:
    where = raw.label
    header = read_header(raw)
    layout = LAYOUTS.get(header.mt)
    if layout is None:
        raise MessageError(f"unsupported message type MT{header.mt}", source=where, field="block 2")
    if header.flag is not None and header.flag not in layout.flags:
        raise MessageError(
            f"validation flag {header.flag} does not apply to an MT{header.mt}", source=where, field="119"
        )
    type_name = f"MT{header.mt}{header.flag or ''}"
    block4 = raw.blocks.get("4")
    if block4 is None:
        raise MessageError("no block 4 (text)", source=where, field="block 4")
    placed = place_fields(layout, block4_fields(block4, where), header.flag == "COV", type_name, where)
    for tag in _SINGLE:
        repeated = [p for p in placed if p.tag == tag]
        if len(repeated) > 1:
            raise MessageError("appears more than once", source=where, field=repeated[1].name)
    parties = [
        _agent(header.sender_block, PartyRole.INSTRUCTING_AGENT, header.sender_bic),
        _agent(header.receiver_block, PartyRole.INSTRUCTED_AGENT, header.receiver_bic),
    ]
    free: list[FreeText] = []
    for item in placed:
        lines = item.raw.lines
        if item.tag[:2] in PARTY_TAGS:
            parties.append(read_party(item.tag, lines, item.name, where))
        elif item.tag in FREE_TEXT_TAGS:
            free.append(free_text(lines, item.name, where))
            if item.tag == "72":
                parties.extend(instructing_institutions(lines, item.name))
    reference = _reference(placed, where)
    value_date, money, notes = _settlement(placed, where)
    return PaymentMessage(
        source=where,
        family=MessageFamily.SWIFT_MT,
        message_type=type_name,
        reference=reference,
        uetr=header.uetr,
        amount=amount_text(money.amount) if money else None,
        currency=money.currency if money else None,
        value_date=value_date,
        parties=tuple(parties),
        free_text=tuple(free),
        notes=(*raw.notes, *header.notes, *notes),
    )


def _agent(field: str, role: PartyRole, bic: str) -> PaymentParty:
    return PaymentParty(
        field, role, PartyKind.FINANCIAL_INSTITUTION, identifiers=(PartyIdentifier(PartyIdKind.BIC, bic),)
    )


def _reference(placed: Sequence[PlacedField], where: str) -> str:
    for item in placed:
        if item.tag == "20":
            if len(item.raw.lines) != 1 or not item.raw.lines[0].strip():
                raise MessageError("the reference takes exactly one line", source=where, field=item.name)
            return item.raw.lines[0].strip()
    raise MessageError("mandatory field 20 missing", source=where, field="20")


def _settlement(placed: Sequence[PlacedField], where: str) -> tuple[str | None, Money | None, list[str]]:
    """The value date and amount: 32A where the type has one, else MT101's 30 and its transactions' 32B."""
    for item in placed:
        if item.tag == "32A":
            settled, money = value_date_amount(item.raw.lines, item.name, where)
            return settled, money, []
    value_date: str | None = None
    amounts: list[Money] = []
    for item in placed:
        if item.tag == "30":
            value_date = execution_date(item.raw.lines, item.name, where)
        elif item.tag == "32B":
            amounts.append(currency_amount(item.raw.lines, item.name, where))
    if not amounts:
        return value_date, None, []
    currencies = sorted({m.currency for m in amounts})
    if len(currencies) > 1:
        return (
            value_date,
            None,
            [f"transactions in several currencies ({', '.join(currencies)}): no one amount"],
        )
    total = Money(currencies[0], sum((m.amount for m in amounts), Decimal(0)))
    notes = [f"amount is the sum of the {len(amounts)} transactions' 32B"] if len(amounts) > 1 else []
    return value_date, total, notes
