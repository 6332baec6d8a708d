"""ISO 20022 payment messages (pacs.008, pacs.009 and its COV form, pacs.004, pain.001) read for screening.

`parse_iso20022` turns a file's bytes into PaymentMessage values, one per `<Document>` in the file
(wrappers and headers: iso_envelope; the namespace decides the type: iso_namespaces; parties and free
text: iso_walk and iso_parties). `looks_like_iso20022` tells the format by content. Validation against
the official XSDs is separate and optional (iso_schema), because the schemas are not shipped.

The message-level values, and the choices made where a message holds several transactions:

- reference: GrpHdr/MsgId (required; its absence is a MessageError).
- uetr: the first transaction's PmtId/UETR (a pacs.004 return has none of its own: its TxInf/OrgnlUETR,
  the UETR of the payment returned, by which tracking links the two). Other UETRs that differ are noted.
- amount and currency: with one transaction, its amount exactly as written (IntrBkSttlmAmt; for
  pacs.004 RtrdIntrBkSttlmAmt; for pain.001 Amt/InstdAmt or Amt/EqvtAmt/Amt). With several in one
  currency, their total (the value the message moves, which is what an operator weighs), and a note
  says so; in several currencies no amount at all, with a note giving each currency's total, because
  no single figure would be true. A group total (TtlIntrBkSttlmAmt) that disagrees is noted. An amount
  or currency that does not parse is a MessageError; a missing one is a note.
- value_date: the first transaction's IntrBkSttlmDt (or the group header's, as in pacs.008.001.07),
  for pain.001 the first payment information's ReqdExctnDt (a date, or its Dt, or the date of its
  DtTm). Other dates that differ are noted; a date that does not parse is a MessageError.
- message_type: the Document namespace's identifier, `pacs.009.001.08 COV` when a pacs.009 carries an
  underlying customer credit transfer. A header whose MsgDefIdr says otherwise is noted (the namespace
  is trusted: it is what the elements were written against).

A file with several Documents gives several messages, their sources `file#1`, `file#2`; any of them
that cannot be read makes the whole file a MessageError naming it, so nothing in it passes unscreened.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from sanctionwatch.payments.iso_envelope import MessagePart, open_envelope
from sanctionwatch.payments.iso_namespaces import (
    DocumentType,
    IsoMessageKind,
    document_type,
    looks_like_iso20022,
)
from sanctionwatch.payments.iso_walk import Collected, join, path_segments, read_header_parties, walk_message
from sanctionwatch.payments.iso_xml import (
    child,
    child_text,
    elements,
    localname,
    namespace,
    parse_xml,
    text_of,
)
from sanctionwatch.payments.message import MessageError, MessageFamily, PaymentMessage

__all__ = ["looks_like_iso20022", "parse_iso20022"]

_AMOUNT = re.compile(r"\d{1,18}(\.\d{1,5})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso20022(data: bytes, source: str) -> list[PaymentMessage]:
    """Every message in the file, read; a MessageError naming the file (and message, and field) otherwise."""
    root = parse_xml(data, source)
    envelope = open_envelope(root, source)
    several = len(envelope.parts) > 1
    return [
        _read_message(part, f"{source}#{number}" if several else source, envelope.notes)
        for number, part in enumerate(envelope.parts, start=1)
    ]


@dataclass(frozen=True, slots=True)
class _Transaction:
    path: str  # "CdtTrfTxInf[2]", "PmtInf[1]/CdtTrfTxInf[3]"
    element: etree._Element
    batch: etree._Element | None  # pain.001's PmtInf, which holds the date


def _read_message(part: MessagePart, source: str, wrapper_notes: tuple[str, ...]) -> PaymentMessage:
    kind = document_type(namespace(part.document), source=source)
    body = _message_element(part.document, kind, source)
    found = Collected(notes=list(wrapper_notes))
    if part.header is not None:
        read_header_parties(part.header, found)
        found.notes += _header_notes(part.header, kind)
    walked = walk_message(body)
    found.parties += walked.parties
    found.free_text += walked.free_text
    found.notes += walked.notes

    reference = child_text(body, "GrpHdr", "MsgId")
    if not reference:
        raise MessageError("the message has no id (GrpHdr/MsgId)", source=source, field="GrpHdr/MsgId")
    transactions = list(_transactions(body, kind))
    if not transactions:
        expected = "TxInf" if kind.kind is IsoMessageKind.PACS_004 else "CdtTrfTxInf"
        raise MessageError(f"the message holds no transaction ({expected})", source=source, field=expected)
    amount, currency = _amount(body, kind, transactions, source, found.notes)
    is_cover = kind.kind is IsoMessageKind.PACS_009 and any(
        child(t.element, "UndrlygCstmrCdtTrf") is not None for t in transactions
    )
    return PaymentMessage(
        source=source,
        family=MessageFamily.ISO20022,
        message_type=f"{kind.identifier} COV" if is_cover else kind.identifier,
        reference=reference,
        uetr=_uetr(kind, transactions, found.notes),
        amount=amount,
        currency=currency,
        value_date=_value_date(body, kind, transactions, source, found.notes),
        parties=tuple(found.parties),
        free_text=tuple(found.free_text),
        notes=tuple(dict.fromkeys(found.notes)),  # once each, in order (a batch repeats its date note)
    )


def _message_element(document: etree._Element, kind: DocumentType, source: str) -> etree._Element:
    kids = elements(document)
    names = ", ".join(f"<{localname(k)}>" for k in kids) or "nothing"
    if len(kids) != 1 or localname(kids[0]) != kind.root_element:
        raise MessageError(
            f"a {kind.identifier} Document (namespace {kind.namespace!r}) holds <{kind.root_element}>; "
            f"this one holds {names}",
            source=source,
            field="Document",
        )
    return kids[0]


def _header_notes(header: etree._Element, kind: DocumentType) -> list[str]:
    notes = []
    declared = child_text(header, "MsgDefIdr")
    if declared and not declared.lower().replace(" ", "").startswith(kind.identifier.lower()):
        notes.append(
            f"AppHdr/MsgDefIdr says {declared!r} but the Document's namespace is {kind.identifier}; "
            "read as the namespace says"
        )
    return notes


def _transactions(body: etree._Element, kind: DocumentType) -> Iterator[_Transaction]:
    if kind.kind is IsoMessageKind.PAIN_001:
        for batch, batch_segment in path_segments(body):
            if localname(batch) != "PmtInf":
                continue
            for element, segment in path_segments(batch):
                if localname(element) == "CdtTrfTxInf":
                    yield _Transaction(join(batch_segment, segment), element, batch)
        return
    wanted = "TxInf" if kind.kind is IsoMessageKind.PACS_004 else "CdtTrfTxInf"
    for element, segment in path_segments(body):
        if localname(element) == wanted:
            yield _Transaction(segment, element, None)


def _uetr(kind: DocumentType, transactions: list[_Transaction], notes: list[str]) -> str | None:
    def of(transaction: _Transaction) -> str | None:
        own = child_text(transaction.element, "PmtId", "UETR")
        if own is None and kind.kind is IsoMessageKind.PACS_004:
            return child_text(transaction.element, "OrgnlUETR")
        return own

    first = of(transactions[0])
    for transaction in transactions[1:]:
        other = of(transaction)
        if other and other != first:
            notes.append(f"{transaction.path} has UETR {other}, not the first transaction's ({first})")
    return first


def _amount(
    body: etree._Element, kind: DocumentType, transactions: list[_Transaction], source: str, notes: list[str]
) -> tuple[str | None, str | None]:
    amounts: list[tuple[str, Decimal, str]] = []  # (as written, value, currency)
    for transaction in transactions:
        element, where = _amount_element(transaction, kind)
        if element is None:
            notes.append(f"{where}: no amount")
            continue
        amounts.append(_parse_amount(element, where, source))
    if not amounts:
        return None, None
    currencies = sorted({currency for _, _, currency in amounts})
    if len(amounts) == 1:
        written, _, currency = amounts[0]
        return written, currency
    totals = {c: sum((value for _, value, cur in amounts if cur == c), Decimal(0)) for c in currencies}
    if len(currencies) > 1:
        listed = ", ".join(f"{format(totals[c], 'f')} {c}" for c in currencies)
        notes.append(
            f"{len(amounts)} transactions in {len(currencies)} currencies ({listed}): no single amount"
        )
        return None, None
    currency = currencies[0]
    total = format(totals[currency], "f")
    notes.append(f"amount is the total of {len(amounts)} transactions")
    header = child(body, "GrpHdr")
    group_total = child(header, "TtlIntrBkSttlmAmt") if header is not None else None
    if group_total is not None:
        written, value, group_currency = _parse_amount(group_total, "GrpHdr/TtlIntrBkSttlmAmt", source)
        if value != totals[currency] or group_currency != currency:
            notes.append(
                f"GrpHdr/TtlIntrBkSttlmAmt is {written} {group_currency}, the transactions total {total}"
            )
    return total, currency


def _amount_element(transaction: _Transaction, kind: DocumentType) -> tuple[etree._Element | None, str]:
    element = transaction.element
    if kind.kind is IsoMessageKind.PAIN_001:
        amount = child(element, "Amt")
        if amount is not None:
            instructed = child(amount, "InstdAmt")
            if instructed is not None:
                return instructed, f"{transaction.path}/Amt/InstdAmt"
            equivalent = child(amount, "EqvtAmt")
            if equivalent is not None:
                return child(equivalent, "Amt"), f"{transaction.path}/Amt/EqvtAmt/Amt"
        return None, f"{transaction.path}/Amt"
    name = "RtrdIntrBkSttlmAmt" if kind.kind is IsoMessageKind.PACS_004 else "IntrBkSttlmAmt"
    return child(element, name), f"{transaction.path}/{name}"


def _parse_amount(element: etree._Element, where: str, source: str) -> tuple[str, Decimal, str]:
    written = text_of(element) or ""
    currency = (element.get("Ccy") or "").strip()
    if not _AMOUNT.fullmatch(written):
        raise MessageError(f"amount {written!r} is not a decimal amount", source=source, field=where)
    if not _CURRENCY.fullmatch(currency):
        raise MessageError(f"currency (Ccy) {currency!r} is not a currency code", source=source, field=where)
    try:
        value = Decimal(written)
    except InvalidOperation as exc:  # the pattern above admits only decimals; kept for the type's sake
        raise MessageError(f"amount {written!r} does not parse", source=source, field=where) from exc
    return written, value, currency


def _value_date(
    body: etree._Element, kind: DocumentType, transactions: list[_Transaction], source: str, notes: list[str]
) -> str | None:
    dates: list[tuple[str, str]] = []  # (where, date)
    for transaction in transactions:
        found = _date_of(body, kind, transaction, source)
        if found is not None:
            dates.append(found)
    if not dates:
        return None
    first = dates[0][1]
    for where, other in dates[1:]:
        if other != first:
            notes.append(f"{where} is {other}, not the first transaction's date ({first})")
    return first


def _date_of(
    body: etree._Element, kind: DocumentType, transaction: _Transaction, source: str
) -> tuple[str, str] | None:
    if kind.kind is IsoMessageKind.PAIN_001:
        assert transaction.batch is not None
        element = child(transaction.batch, "ReqdExctnDt")
        where = f"{transaction.path.rsplit('/', 1)[0]}/ReqdExctnDt"
        if element is not None and elements(element):
            inner = child(element, "Dt")
            if inner is None:
                inner = child(element, "DtTm")
            where = f"{where}/{localname(inner)}" if inner is not None else where
            element = inner
    else:
        element = child(transaction.element, "IntrBkSttlmDt")
        where = f"{transaction.path}/IntrBkSttlmDt"
        if element is None:
            header = child(body, "GrpHdr")
            element = child(header, "IntrBkSttlmDt") if header is not None else None
            where = "GrpHdr/IntrBkSttlmDt"
    if element is None:
        return None
    written = text_of(element) or ""
    day = written[:10]
    try:
        if not _DATE.fullmatch(day):
            raise ValueError(day)
        date.fromisoformat(day)
    except ValueError:
        raise MessageError(
            f"date {written!r} is not a date (YYYY-MM-DD)", source=source, field=where
        ) from None
    return where, day
