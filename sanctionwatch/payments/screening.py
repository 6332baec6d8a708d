"""Screening one payment message, field by field, to a decision: pass, or hold with every hit named.

Each party field becomes the query its format allows: a person's or an organization's name where the
format says which (an agent is a bank: an organization), with the party's country and birth date when the
message carries them; each identifier (BIC, LEI, national id) is looked up exactly and decides on its own,
as it does for a customer. Free text is scanned for listed names and identifiers (free_text.py), and every
place the message mentions is checked against the embargoes (embargo.py). Whatever cannot be read (a name
the screener refuses, the message itself) holds the message; so do lists older than the bank allows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sanctionwatch import __version__
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.ownership.assembly import Network
from sanctionwatch.payments.decision import Decision, FieldHit, HitKind, PaymentDecision
from sanctionwatch.payments.embargo import party_embargoes
from sanctionwatch.payments.free_text import scan_text
from sanctionwatch.payments.message import (
    MessageError,
    PartyIdKind,
    PartyKind,
    PartyRole,
    PaymentMessage,
    PaymentParty,
)
from sanctionwatch.screening.query import Hit, Query, QueryError
from sanctionwatch.screening.screener import Screener

__all__ = ["ListState", "PaymentScreener", "message_digest", "unreadable_decision"]

# The kinds a party's name is screened as (see PaymentScreener._name_hits).
_READINGS: dict[PartyKind, tuple[str | None, ...]] = {
    PartyKind.PERSON: ("Person",),
    PartyKind.ORGANIZATION: ("Organization",),
    PartyKind.FINANCIAL_INSTITUTION: ("Organization",),
    PartyKind.UNKNOWN: ("Person", "Organization", None),  # None: any schema (a vessel named as a party)
}
CACHE_SIZE = 100_000  # name screens remembered per PaymentScreener (one snapshot of the lists)
# Identifiers that lists carry and that decide alone. Accounts and clearing codes (IBANs, ABA routing
# numbers) are looked up too: no list we read carries them today, a list that does would decide on them.
_LOOKED_UP = frozenset(PartyIdKind)


@dataclass(frozen=True, slots=True)
class ListState:
    """The lists a screening runs against, as the decision records them, and any reason to distrust them."""

    versions: tuple[str, ...]  # "ofac-sdn/12", ...
    stale: tuple[str, ...] = ()  # one reason per list older than allowed: each holds every message


class PaymentScreener:
    """Screens messages against one screener (one snapshot of the lists); safe to share between threads."""

    def __init__(
        self,
        screener: Screener,
        lists: ListState,
        *,
        threshold: float | None = None,
        limit: int = 5,
        network: Network | None = None,
    ) -> None:
        self.screener = screener
        # The ownership network of the same snapshot: a party named as an entity that no list names but
        # an ownership rule blocks (a listed party's majority-owned company) is held too.
        self.network = network
        self.lists = lists
        self.threshold = TUNING.payment_threshold if threshold is None else threshold
        self.limit = limit
        # Hits depend on the snapshot and the threshold only, both fixed here. A dict's item assignment and
        # clear are atomic under the GIL, so threads sharing the screener at worst screen a name twice.
        self._cache: dict[tuple[str, tuple[str | None, ...], str | None, str | None], tuple[Hit, ...]] = {}

    def screen(self, message: PaymentMessage) -> PaymentDecision:
        hits: list[FieldHit] = []
        notes = list(message.notes)
        for party in message.parties:
            hits += self._party_hits(party, notes)
        for piece in message.free_text:
            for found in scan_text(self.screener, piece.text, threshold=self.threshold):
                kind = HitKind.TEXT_IDENTIFIER if found.by_identifier else HitKind.TEXT_NAME
                hits.append(_listed_hit(piece.field, kind, found.hit, value=found.window))
        decision = PaymentDecision(
            source=message.source,
            decision=Decision.PASS,
            message_type=message.message_type,
            reference=message.reference,
            uetr=message.uetr,
            digest=message_digest(message),
            hits=hits,
            list_versions=list(self.lists.versions),
            engine_version=__version__,
            screened_at=_now(),
            fields_screened=len(message.parties) + len(message.free_text),
            notes=notes,
        )
        _decide(decision, self.lists)
        return decision

    def _party_hits(self, party: PaymentParty, notes: list[str]) -> list[FieldHit]:
        hits: list[FieldHit] = []
        if party.name:
            hits += self._name_hits(party, notes)
        seen: set[str] = set()
        for identifier in party.identifiers:
            if identifier.kind not in _LOOKED_UP or identifier.value in seen:
                continue
            seen.add(identifier.value)
            if not self.screener.index.by_identifier(identifier.value):
                continue
            for hit in self.screener.screen(
                Query(identifier=identifier.value), threshold=0.0, limit=self.limit
            ):
                hits.append(
                    _listed_hit(party.field, HitKind.IDENTIFIER, hit, value=identifier.value, role=party.role)
                )
        for finding in party_embargoes(party):
            embargo = finding.embargo
            hits.append(
                FieldHit(
                    field=party.field,
                    kind=HitKind.EMBARGO,
                    why=f"located in {embargo.name} ({embargo.authority}): {finding.evidence}",
                    role=party.role.value,
                    value=finding.evidence,
                    code=embargo.code,
                )
            )
        return hits

    def _name_hits(self, party: PaymentParty, notes: list[str]) -> list[FieldHit]:
        """The party's name screened as what its format says it is; a party of unknown kind (most MT
        fields, an ISO party without PrvtId or OrgId) as a person, as an organization and as any schema (a
        vessel or an aircraft named as a party), each hit kept at its best score: the screener weighs a
        name by its kind, and its guess of the kind from the name alone loses listed parties (on the dev
        benchmark's variants at 0.40: 92 persons and 149 organizations the guess misses are found with
        their kind; 108 vessels and aircraft only without one)."""
        assert party.name is not None
        readings = _READINGS[party.kind]
        country, birth = _party_country(party), party.birth_date
        try:
            found = self._screen(party.name, readings, country, birth)
        except QueryError as exc:
            if country is None and birth is None:
                why = f"name not screenable: {exc}"
                return [FieldHit(party.field, HitKind.UNREADABLE, why, role=party.role.value)]
            # A country or birth date the screener cannot read must not stop the name being screened:
            # screened without them (which can only add hits), and said.
            notes.append(f"{party.field}: screened by name alone ({exc})")
            try:
                found = self._screen(party.name, readings, None, None)
            except QueryError as again:
                why = f"name not screenable: {again}"
                return [FieldHit(party.field, HitKind.UNREADABLE, why, role=party.role.value)]
        hits = [
            _listed_hit(party.field, HitKind.NAME, hit, value=party.name, role=party.role) for hit in found
        ]
        if self.network is not None and party.kind is not PartyKind.PERSON:
            hits += self._ownership_hits(party, party.name, country)
        return hits

    def _ownership_hits(self, party: PaymentParty, name: str, country: str | None) -> list[FieldHit]:
        """The name against the entities an ownership rule blocks or sends to review though no list names
        them; a review holds as a block does (a person decides)."""
        assert self.network is not None
        out = []
        for found in self.network.screen(
            Query(name=name, country=country), threshold=self.threshold, limit=self.limit
        ):
            rules = "; ".join(
                f"{authority.value.upper()} {finding.reason(self.network.names)}"
                for authority, finding in sorted(found.findings.items())
            )
            out.append(
                FieldHit(
                    field=party.field,
                    kind=HitKind.OWNERSHIP,
                    why=f"name {name!r} matches {found.hit.caption}, score {found.hit.score:.2f}: {rules}",
                    role=party.role.value,
                    value=name,
                    score=found.hit.score,
                    entity_id=found.node,
                    caption=found.hit.caption,
                )
            )
        return out

    def _screen(
        self, name: str, readings: tuple[str | None, ...], country: str | None, birth: str | None
    ) -> tuple[Hit, ...]:
        """One name screened in its readings (Screener.screen_readings shares their lookups), remembered:
        payments name the same banks and customers again and again (bench.payments_speed: half the name
        screens of a run repeat one already made)."""
        key = (name, readings, country, birth)
        cached = self._cache.get(key)
        if cached is None:
            query = Query(name=name, birth_date=birth, country=country)
            cached = tuple(
                self.screener.screen_readings(query, readings, threshold=self.threshold, limit=self.limit)
            )
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()  # atomic, unlike evicting one entry while other threads read
            self._cache[key] = cached
        return cached


def _party_country(party: PaymentParty) -> str | None:
    if party.address is not None and party.address.country:
        return party.address.country
    return party.country_of_residence


def _listed_hit(
    field: str, kind: HitKind, hit: Hit, *, value: str, role: PartyRole | None = None
) -> FieldHit:
    what = {
        HitKind.NAME: "name",
        HitKind.IDENTIFIER: "identifier",
        HitKind.TEXT_NAME: "text",
        HitKind.TEXT_IDENTIFIER: "identifier in text",
    }[kind]
    why = f"{what} {value!r} matches {hit.caption} ({hit.matched_name}), score {hit.score:.2f}"
    if hit.programs:
        why += f"; programs {', '.join(hit.programs)}"
    return FieldHit(
        field=field,
        kind=kind,
        why=why,
        role=role.value if role is not None else None,
        value=value,
        score=hit.score,
        entity_id=hit.entity_id,
        caption=hit.caption,
        hit=hit,
    )


def _decide(decision: PaymentDecision, lists: ListState) -> None:
    """Hold on any hit, and on lists older than allowed (a STALE_LISTS hit per list, so the reason shows)."""
    for reason in lists.stale:
        decision.hits.append(FieldHit("lists", HitKind.STALE_LISTS, reason))
    if not decision.hits:
        return
    decision.decision = Decision.HOLD
    kinds: dict[HitKind, list[str]] = {}
    for hit in decision.hits:
        kinds.setdefault(hit.kind, []).append(hit.field)
    decision.reasons = [
        f"{kind.value} in {', '.join(dict.fromkeys(fields))}" for kind, fields in kinds.items()
    ]


def message_digest(message: PaymentMessage) -> str:
    """SHA-256 of what the message says (not where it was read): the same message, re-sent, has the same.

    Over the message's repr with the source blanked: the model is frozen dataclasses of strings, enums
    and tuples, whose repr is deterministic, and costs a tenth of a JSON dump of `asdict` (which took 12 %
    of a message's screening time, bench.payments_speed)."""
    return hashlib.sha256(repr(replace(message, source="")).encode()).hexdigest()


def unreadable_decision(error: MessageError, lists: ListState, digest: str) -> PaymentDecision:
    """The hold of a message nobody could read: never a pass."""
    decision = PaymentDecision(
        source=error.source,
        decision=Decision.PASS,
        message_type=None,
        reference=None,
        uetr=None,
        digest=digest,
        hits=[FieldHit(error.field or "message", HitKind.UNREADABLE, error.reason)],
        list_versions=list(lists.versions),
        engine_version=__version__,
        screened_at=_now(),
    )
    _decide(decision, lists)
    return decision


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
