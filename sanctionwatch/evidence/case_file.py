"""A case file: one alert told from its raising to its decision, for a person who was not there.

An examiner asks of a case: what was alerted (the customer or the payment beside the listed party, and
why they matched), against which lists (each list version with the SHA-256 of every official file it
was read from, so that the files can be fetched again and checked), who did what and when (every case
step, the proposal and its confirmation by a second person), and whether the bank's own record of it
can be trusted (the audit records about the alert, and the head of the hash chain they belong to).
`gather` reads all of that into plain typed values; `case_render` turns them into HTML and PDF.

Exporting a case file is itself recorded. `gather` runs in the caller's transaction and appends the
`case.export` audit record first: appending takes the audit log's lock, and every case step appends
its own record in the step's transaction, so no step can commit while the case is read. The alert,
its steps and the audit records it cites are one consistent state, and the head the file shows is
its own export record. Should the alert not exist, the caller's transaction rolls back, record and
all: a case file never exists without its record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, select

from sanctionwatch import __version__
from sanctionwatch.db.engine import as_utc
from sanctionwatch.errors import NotFoundError
from sanctionwatch.model import Entity, NameKind, entity_source
from sanctionwatch.monitoring import tables as mt
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.ownership_watch import CLEAR, LINKED, OWNERSHIP_TRIGGER
from sanctionwatch.monitoring.shared_watch import SHARED_TRIGGER
from sanctionwatch.payments.holds import TRIGGER as PAYMENT_TRIGGER
from sanctionwatch.payments.holds import PaymentHolds
from sanctionwatch.registry import audit
from sanctionwatch.registry.audit import AuditRecord
from sanctionwatch.registry.store import Registry, RegistryError, VersionInfo

__all__ = [
    "EXPORT_ACTION",
    "AuditEntry",
    "CaseFile",
    "CaseFileFormat",
    "CaseFileNotFoundError",
    "CaseStep",
    "Comparison",
    "Explanation",
    "FourEyes",
    "ListVersion",
    "Side",
    "gather",
]

EXPORT_ACTION = "case.export"
DETAILS_SHOWN = 1500  # characters of one audit record's details in the file; the log export has them all

# What raised the alert, in words (the alert's `trigger`).
KINDS = {
    "customers": "Name hit: a customer screened when imported or changed",
    "full": "Name hit: the customer base re-screened in full",
    "delta": "Name hit: a list update screened against the customer base",
    OWNERSHIP_TRIGGER: "Ownership or control",
    SHARED_TRIGGER: "Shared value: a contact, address or identifier the customer shares with a listed party",
    PAYMENT_TRIGGER: "Payment hold",
}
# The rows of the side-by-side comparison, in the order they are shown.
FACTS = (
    "Kind",
    "Names",
    "Birth dates",
    "Birth places",
    "Nationalities",
    "Countries",
    "Identifiers",
    "Addresses",
    "Programmes",
    "Listed on",
    "Other",
)
_VERSION_LABEL = re.compile(r"(?P<source>.+)/(?P<number>\d+)")


class CaseFileFormat(StrEnum):
    """What a case file is exported as: the PDF for the record, or the HTML it is rendered from."""

    PDF = "pdf"
    HTML = "html"


class CaseFileNotFoundError(NotFoundError):
    """No alert with that id: there is no case to export."""


# ---- what a case file holds ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Side:
    """One side of the comparison: the customer (or the held payment), or one listed record."""

    heading: str  # "Customer c-17", "Payment 3", "ofac-sdn:20157"
    where: str  # where its facts come from: "the customer base", "ofac-sdn version 2", ...
    facts: Mapping[str, tuple[str, ...]]  # by the labels of FACTS; only those with values
    note: str | None = None  # what the reader must know: changed since the alert, no longer found


@dataclass(frozen=True, slots=True)
class Comparison:
    """The customer and one listed record, row by row."""

    customer: Side
    listed: Side

    @property
    def rows(self) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
        return [
            (label, self.customer.facts.get(label, ()), self.listed.facts.get(label, ()))
            for label in FACTS
            if self.customer.facts.get(label) or self.listed.facts.get(label)
        ]


@dataclass(frozen=True, slots=True)
class TokenPair:
    query: str
    listed: str
    similarity: str


@dataclass(frozen=True, slots=True)
class OwnershipRule:
    """One authority's finding on an ownership alert, as it stood when the alert was raised."""

    authority: str
    standing: str
    share: str
    reason: str
    rule: str
    owners: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SharedValue:
    kind: str
    customer_value: str
    listed_value: str


@dataclass(frozen=True, slots=True)
class PaymentHit:
    """One field of a held payment message and what it hit."""

    field: str
    kind: str
    role: str
    value: str
    why: str
    listed: str
    score: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the alert was raised, as stored with the alert (the whole stored text is in `stored`)."""

    matched_name: str
    caption: str
    score: float
    token_pairs: tuple[TokenPair, ...]
    unmatched_query: tuple[str, ...]
    unmatched_listed: tuple[str, ...]
    evidence: tuple[str, ...]  # "raises the score: ...", one line each
    name_features: tuple[str, ...]
    ownership: tuple[OwnershipRule, ...]
    ownership_status: str | None  # "linked" or "clear" when no rule finding is stored
    paths: tuple[str, ...]
    shared: tuple[SharedValue, ...]
    payment_hits: tuple[PaymentHit, ...]
    reasons: tuple[str, ...]
    stored: str  # the explanation as stored, as indented JSON


@dataclass(frozen=True, slots=True)
class OfficialFile:
    name: str
    sha256: str
    size: int | None


@dataclass(frozen=True, slots=True)
class ListVersion:
    """A list version the alert names, with the official files it was ingested from."""

    label: str  # as the alert names it: "ofac-sdn/2"
    source: str
    number: int | None
    published: str | None
    fetched: datetime | None
    activated: datetime | None
    status: str
    records: int | None
    format: str
    files: tuple[OfficialFile, ...]
    problem: str | None = None  # why the registry cannot say more (not found, an entry without hash)


@dataclass(frozen=True, slots=True)
class CaseStep:
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    text: str | None


@dataclass(frozen=True, slots=True)
class FourEyes:
    """The decision and the two people behind it (None where the case has not got that far)."""

    decision: str | None
    reason: str | None
    proposed_by: str | None
    proposed_at: datetime | None
    confirmed_by: str | None
    confirmed_at: datetime | None
    comment: str | None  # the confirmer's note
    sent_back: int  # proposals sent back for another look

    @property
    def two_people(self) -> bool | None:
        """Whether proposer and confirmer differ (None while unconfirmed)."""
        if self.proposed_by is None or self.confirmed_by is None:
            return None
        return self.proposed_by != self.confirmed_by


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    details: str  # canonical JSON, narrowed to this alert where a record covers several
    list_versions: str
    engine_version: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class CaseFile:
    alert_id: int
    kind: str
    trigger: str
    status: str
    raised_at: datetime
    updated_at: datetime
    score: float
    assignee: str | None
    customer_id: str
    entity_id: str
    customer_hash: str
    record_hash: str
    list_version_label: str  # the alert's own words
    raised_by_engine: str
    customer: Side
    comparisons: tuple[Comparison, ...]  # one per listed record; none for a hold without a listed party
    explanation: Explanation
    versions: tuple[ListVersion, ...]
    steps: tuple[CaseStep, ...]
    four_eyes: FourEyes
    audit: tuple[AuditEntry, ...]
    head: AuditEntry  # the export's own record: the head of the chain when the file was made
    exported_at: datetime
    exported_by: str
    format: CaseFileFormat
    engine_version: str


# ---- gathering -------------------------------------------------------------------------------------


def gather(conn: Connection, alert_id: int, *, actor: str, fmt: CaseFileFormat) -> CaseFile:
    """The case file of an alert, with its export recorded, in the caller's transaction (see the module).

    Raises CaseFileNotFoundError when there is no such alert; the caller's rollback then takes the
    export record back too.
    """
    export = audit.append(
        conn, actor=actor, action=EXPORT_ACTION, subject=f"alert {alert_id}", details={"format": fmt.value}
    )
    row = conn.execute(select(mt.alerts).where(mt.alerts.c.id == alert_id)).first()
    if row is None:
        raise CaseFileNotFoundError(f"alert {alert_id}: no such alert")
    alert: Mapping[str, Any] = dict(row._mapping)
    explanation: Mapping[str, Any] = alert["explanation"] or {}
    registry = Registry(conn.engine)
    payment = _payment(conn, alert, explanation)
    labels = _version_labels(alert["list_version"], payment)
    resolved = [_list_version(registry, label) for label in labels]
    versions = [shown for shown, _ in resolved]
    in_force = {found.source: found for _, found in resolved if found is not None}

    if payment is not None:
        customer = _payment_side(payment, explanation)
    else:
        customer = _customer_side(conn, alert["customer_id"], alert["customer_hash"])
    comparisons = tuple(
        Comparison(customer, _listed_side(registry, record_id, in_force))
        for record_id in _listed_records(alert, in_force)
    )
    events = conn.execute(
        select(mt.case_events).where(mt.case_events.c.alert_id == alert_id).order_by(mt.case_events.c.id)
    ).all()
    steps = tuple(
        CaseStep(as_utc(e.at), e.actor, e.action, e.from_status, e.to_status, e.text) for e in events
    )
    records = _audit_records(conn, alert_id, as_utc(alert["created_at"]), payment)
    return CaseFile(
        alert_id=alert_id,
        kind=_kind(alert["trigger"], explanation),
        trigger=alert["trigger"],
        status=alert["status"],
        raised_at=as_utc(alert["created_at"]),
        updated_at=as_utc(alert["updated_at"]),
        score=float(alert["score"]),
        assignee=alert["assignee"],
        customer_id=alert["customer_id"],
        entity_id=alert["entity_id"],
        customer_hash=alert["customer_hash"],
        record_hash=alert["record_hash"],
        list_version_label=alert["list_version"],
        raised_by_engine=alert["engine_version"],
        customer=customer,
        comparisons=comparisons,
        explanation=_explanation(explanation, float(alert["score"])),
        versions=tuple(versions),
        steps=steps,
        four_eyes=_four_eyes(alert, steps),
        audit=tuple(_entry(r, alert_id) for r in records),
        head=_entry(export, alert_id),
        exported_at=export.at,
        exported_by=actor,
        format=fmt,
        engine_version=__version__,
    )


def _kind(trigger: str, explanation: Mapping[str, Any]) -> str:
    kind = KINDS.get(trigger)
    if kind is None:
        return f"{trigger} (a kind this engine version does not describe)"
    if trigger == OWNERSHIP_TRIGGER:
        status = explanation.get("ownership")
        if status == LINKED:
            return f"{kind}: tied to a listed party within two links, blocked by no rule"
        if status == CLEAR:
            return f"{kind}: no rule finds the customer blocked any more (confirm it is clear)"
        if isinstance(status, Mapping):
            standings = ", ".join(
                f"{authority.upper()} {_text(rule.get('standing'))}"
                for authority, rule in sorted(status.items())
                if isinstance(rule, Mapping)
            )
            return f"{kind}: {standings}" if standings else kind
    return kind


def _payment(
    conn: Connection, alert: Mapping[str, Any], explanation: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The held payment a payment alert is the case of (its stored screening)."""
    if alert["trigger"] != PAYMENT_TRIGGER:
        return None
    screening_id = explanation.get("payment")
    if not isinstance(screening_id, int):
        return {"id": None, "missing": True}
    return PaymentHolds(conn.engine).get(screening_id) or {"id": screening_id, "missing": True}


def _version_labels(alert_label: str, payment: Mapping[str, Any] | None) -> list[str]:
    """The list versions the alert names, each once: a payment's own list (the alert's column may be
    cut at 64 characters), else the alert's comma-separated labels."""
    labels: Iterable[Any] = alert_label.split(",")
    if payment is not None and isinstance(payment.get("list_versions"), list):
        labels = payment["list_versions"]
    return list(dict.fromkeys(str(label).strip() for label in labels if str(label).strip()))


def _list_version(registry: Registry, label: str) -> tuple[ListVersion, VersionInfo | None]:
    """A label as the alert writes it ("ofac-sdn/2"), with the registry's version when it has it."""
    matched = _VERSION_LABEL.fullmatch(label)
    if matched is None:
        problem = "the alert names no version number: the registry cannot say which files"
        return ListVersion(label, label, None, None, None, None, "", None, "", (), problem), None
    source, number = matched["source"], int(matched["number"])
    try:
        version = registry.version(source, number)
    except RegistryError as exc:
        return ListVersion(label, source, number, None, None, None, "", None, "", (), str(exc)), None
    files, problems = _files(version)
    shown = ListVersion(
        label=label,
        source=source,
        number=number,
        published=version.published.isoformat() if version.published else None,
        fetched=as_utc(version.fetched),
        activated=as_utc(version.activated_at) if version.activated_at else None,
        status=version.status.value,
        records=version.entity_count,
        format=version.format,
        files=files,
        problem="; ".join(problems) or None,
    )
    return shown, version


def _files(version: VersionInfo) -> tuple[tuple[OfficialFile, ...], list[str]]:
    """The version's official files; an entry without a name or a SHA-256 is named as a problem."""
    files: list[OfficialFile] = []
    problems: list[str] = []
    for position, entry in enumerate(version.files or [], 1):
        name = entry.get("name") if isinstance(entry, Mapping) else None
        digest = entry.get("sha256") if isinstance(entry, Mapping) else None
        if (
            not isinstance(name, str)
            or not isinstance(digest, str)
            or not re.fullmatch(r"[0-9a-f]{64}", digest)
        ):
            problems.append(f"file {position} of the version has no name or no SHA-256 in the registry")
            continue
        size = entry.get("size")
        files.append(OfficialFile(name, digest, size if isinstance(size, int) else None))
    if not files and not problems:
        problems.append("the registry keeps no official file for this version")
    return tuple(files), problems


def _customer_side(conn: Connection, customer_id: str, alerted_hash: str) -> Side:
    row = conn.execute(select(mt.customers.c.data).where(mt.customers.c.id == customer_id)).first()
    heading = f"Customer {customer_id}"
    if row is None:
        return Side(
            heading, "the customer base", {}, "No longer in the customer base; the case stays for the record."
        )
    customer = Customer.from_data(customer_id, row.data)
    facts = _facts(
        kind=[customer.schema or "not stated"],
        names=customer.names,
        birth_dates=customer.birth_dates,
        countries=[c.upper() for c in customer.countries],
        identifiers=customer.identifiers,
        other=[f"{key}: {value}" for key, value in sorted(customer.attributes.items())],
    )
    note = None
    if customer.hash != alerted_hash:
        note = (
            "The customer's record changed since the alert was raised: these are its facts now "
            f"(record hash {customer.hash[:16]}…, alerted as {alerted_hash[:16]}…)."
        )
    return Side(heading, "the customer base", facts, note)


def _payment_side(payment: Mapping[str, Any], explanation: Mapping[str, Any]) -> Side:
    heading = f"Payment {payment.get('id') if payment.get('id') is not None else '(unknown)'}"
    if payment.get("missing"):
        return Side(heading, "the payment screenings", {}, "The screened payment is not in the database.")
    hits = [h for h in payment.get("hits") or [] if isinstance(h, Mapping)]
    parties = [
        f"{_text(h.get('value'))} ({_text(h.get('role')) or 'field'} {_text(h.get('field'))})"
        for h in hits
        if h.get("value") and h.get("role")
    ]
    facts = _facts(
        kind=[f"payment message {payment.get('message_type') or 'that could not be read'}"],
        names=parties,
        identifiers=[
            f"{label}: {payment[key]}"
            for label, key in (("reference", "reference"), ("UETR", "uetr"), ("message SHA-256", "digest"))
            if payment.get(key)
        ],
        other=[
            f"read from {_text(payment.get('source'))}",
            f"screened {_text(payment.get('screened_at'))} by {_text(payment.get('screened_by'))}",
            *(f"held: {_text(r)}" for r in payment.get("reasons") or explanation.get("reasons") or []),
        ],
    )
    return Side(heading, "the payment screenings", facts)


def _listed_records(alert: Mapping[str, Any], in_force: Mapping[str, VersionInfo]) -> list[str]:
    """The listed records the alert is about: its hit's records (a party on several lists has several),
    or the alert's party itself when it is a record of a list the alert names."""
    records = [str(r) for r in alert["source_ids"] or []]
    if not records and entity_source(alert["entity_id"]) in in_force:
        records = [alert["entity_id"]]
    return list(dict.fromkeys(records))


def _listed_side(registry: Registry, record_id: str, in_force: Mapping[str, VersionInfo]) -> Side:
    source = entity_source(record_id)
    version = in_force.get(source)
    if version is None:
        return Side(
            record_id, source, {}, f"The alert names no version of {source}: the record is not shown."
        )
    where = f"{source} version {version.number}"
    entity = registry.entity(record_id, version=version)
    if entity is None:
        return Side(record_id, where, {}, f"{record_id} is not in {where}.")
    return Side(record_id, where, _entity_facts(entity))


def _entity_facts(entity: Entity) -> dict[str, tuple[str, ...]]:
    names = [
        n.full
        if n.kind == NameKind.PRIMARY
        else f"{n.full} ({n.kind}{', weak' if n.quality == 'weak' else ''})"
        for n in entity.names
    ]
    births = [
        ("circa " if d.approximate else "") + d.value + (f" to {d.end}" if d.end else "")
        for d in entity.birth_dates
    ]
    identifiers = [
        f"{i.label or i.kind}: {i.value}"
        + (f" ({i.country.upper()})" if i.country else "")
        + (f", {i.note}" if i.note else "")
        for i in entity.identifiers
    ]
    addresses = [
        a.full
        or ", ".join(p for p in (a.street, a.postal_code, a.city, a.region) if p)
        + (f" ({a.country.upper()})" if a.country else "")
        for a in entity.addresses
    ]
    other = [f"gender: {entity.gender}"] if entity.gender else []
    other += [f"position: {p}" for p in entity.positions]
    return _facts(
        kind=[entity.schema],
        names=names,
        birth_dates=births,
        birth_places=entity.birth_places,
        nationalities=[c.upper() for c in dict.fromkeys([*entity.nationalities, *entity.citizenships])],
        countries=[c.upper() for c in entity.countries],
        identifiers=identifiers,
        addresses=[a for a in addresses if a],
        programmes=entity.programs,
        listed_on=[entity.listed_on] if entity.listed_on else [],
        other=other,
    )


def _facts(
    *,
    kind: Sequence[str] = (),
    names: Sequence[str] = (),
    birth_dates: Sequence[str] = (),
    birth_places: Sequence[str] = (),
    nationalities: Sequence[str] = (),
    countries: Sequence[str] = (),
    identifiers: Sequence[str] = (),
    addresses: Sequence[str] = (),
    programmes: Sequence[str] = (),
    listed_on: Sequence[str] = (),
    other: Sequence[str] = (),
) -> dict[str, tuple[str, ...]]:
    """The facts of one side by the labels of FACTS, those without values left out."""
    rows = (kind, names, birth_dates, birth_places, nationalities, countries, identifiers, addresses,
            programmes, listed_on, other)  # fmt: skip
    return {label: tuple(values) for label, values in zip(FACTS, rows, strict=True) if values}


def _explanation(stored: Mapping[str, Any], score: float) -> Explanation:
    """The stored explanation read into rows; a key an older alert lacks is an empty row."""
    ownership = stored.get("ownership")
    rules = ownership if isinstance(ownership, Mapping) else {}
    model = stored.get("name_model")
    features = model.get("strongest_features") if isinstance(model, Mapping) else None
    return Explanation(
        matched_name=_text(stored.get("matched_name")),
        caption=_text(stored.get("caption")),
        score=score,
        token_pairs=tuple(
            TokenPair(_text(p.get("query")), _text(p.get("listed")), _text(p.get("similarity")))
            for p in _mappings(stored.get("token_pairs"))
        ),
        unmatched_query=_texts(stored.get("unmatched_query_tokens")),
        unmatched_listed=_texts(stored.get("unmatched_listed_tokens")),
        evidence=tuple(
            f"{_text(e.get('effect'))} the score: {_text(e.get('detail'))}"
            for e in _mappings(stored.get("evidence"))
        ),
        name_features=tuple(
            f"{name} {value:+.2f}" if isinstance(value, int | float) else f"{name} {value}"
            for name, value in (features.items() if isinstance(features, Mapping) else ())
        ),
        ownership=tuple(
            OwnershipRule(
                authority=str(authority).upper(),
                standing=_text(rule.get("standing")),
                share=f"{rule['share']:g} %" if isinstance(rule.get("share"), int | float) else "",
                reason=_text(rule.get("reason")),
                rule=_text(rule.get("rule")),
                owners=_texts(rule.get("owners")),
            )
            for authority, rule in sorted(rules.items())
            if isinstance(rule, Mapping)
        ),
        ownership_status=ownership if isinstance(ownership, str) else None,
        paths=_texts(stored.get("paths")),
        shared=tuple(
            SharedValue(_text(v.get("kind")), _text(v.get("customer_value")), _text(v.get("listed_value")))
            for v in _mappings(stored.get("shared"))
        ),
        payment_hits=tuple(
            PaymentHit(
                field=_text(h.get("field")),
                kind=_text(h.get("kind")),
                role=_text(h.get("role")),
                value=_text(h.get("value")),
                why=_text(h.get("why")),
                listed=_text(h.get("entity_id") or h.get("code")),
                score=f"{h['score']:.2f}" if isinstance(h.get("score"), int | float) else "",
            )
            for h in _mappings(stored.get("hits"))
        ),
        reasons=_texts(stored.get("reasons")),
        stored=json.dumps(stored, indent=1, sort_keys=True, ensure_ascii=False),
    )


def _four_eyes(alert: Mapping[str, Any], steps: Sequence[CaseStep]) -> FourEyes:
    proposed = [s for s in steps if s.action == "propose"]
    confirmed = [s for s in steps if s.action == "confirm"]
    return FourEyes(
        decision=alert["decision"],
        reason=alert["reason"],
        proposed_by=alert["proposed_by"],
        proposed_at=proposed[-1].at if proposed and alert["proposed_by"] else None,
        confirmed_by=alert["confirmed_by"],
        confirmed_at=confirmed[-1].at if confirmed and alert["confirmed_by"] else None,
        comment=confirmed[-1].text if confirmed and alert["confirmed_by"] else None,
        sent_back=sum(1 for s in steps if s.action == "send_back"),
    )


def _audit_records(
    conn: Connection, alert_id: int, raised_at: datetime, payment: Mapping[str, Any] | None
) -> list[AuditRecord]:
    """The records about this alert: its steps and exports ("alert N"), the record that raised it
    (one "alerts A..B" record names every alert of a screening), and its payment's hold."""
    subjects = {f"alert {alert_id}"}
    if payment is not None and not payment.get("missing"):
        subjects.add(f"payment {payment['id']}")
    found = {r.seq: r for r in audit.records_about(conn, subjects=subjects)}
    for record in audit.records_about(conn, subject_prefix="alerts ", since=raised_at):
        if _raised(record, alert_id) is not None:
            found[record.seq] = record
    return [found[seq] for seq in sorted(found)]


def _raised(record: AuditRecord, alert_id: int) -> list[Any] | None:
    """This alert's entry in an `alerts.created` record ([id, customer, party, score]), if it has one."""
    for entry in record.details.get("alerts") or []:
        if isinstance(entry, list) and entry and entry[0] == alert_id:
            return entry
    return None


def _entry(record: AuditRecord, alert_id: int) -> AuditEntry:
    details: Mapping[str, Any] = record.details
    entry = _raised(record, alert_id)
    count = len(record.details.get("alerts") or [])
    if entry is not None and count > 1:  # one screening's record names all the alerts it raised
        details = {**details, "alerts": [entry]}
    text = audit.canonical_json(dict(details))
    if len(text) > DETAILS_SHOWN:
        text = f"{text[:DETAILS_SHOWN]}… ({len(text)} characters)"
    if entry is not None and count > 1:
        text += f" (this alert's entry of the {count} the record names)"
    if text != audit.canonical_json(dict(record.details)):
        text += "; `sanctionwatch audit export` has the record whole"
    return AuditEntry(
        seq=record.seq,
        at=record.at,
        actor=record.actor,
        action=record.action,
        subject=record.subject,
        details=text,
        list_versions=", ".join(f"{s}/{n}" for s, n in sorted(record.list_versions.items())),
        engine_version=record.engine_version,
        prev_hash=record.prev_hash,
        hash=record.hash,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []
