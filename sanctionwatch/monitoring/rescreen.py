"""Screening the customer base: new and changed customers, a full re-screen, and the delta after a list update.

Every path scores a customer the same way, as the customer screened against the whole registry
(`screen_party` with the live Screener), so that an alert raised by a delta screen is exactly the one a
full re-screen would raise. The delta only decides *which* customers are worth screening when a few
listed parties are added or changed: those whose names share a token, or a lookalike of one (the
matcher's own lookup keys, verified by its token similarity), with a new party's name, or share an
identifier with it. Of those, only hits on the new or changed parties are kept.

Whoever must keep a record of each customer's screening (evidence's signed receipts) passes
`on_screened`: it receives every customer of a run as screened, with all the hits of its screening;
monitoring knows nothing of what is done with them.
"""

from __future__ import annotations

import hashlib
import itertools
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from sanctionwatch.matching.index import MatchIndex
from sanctionwatch.matching.names import is_noise
from sanctionwatch.matching.normalize import identifier_key
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.model import Entity
from sanctionwatch.monitoring.alerts import Alerts, Finding
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import MAX_TOKEN, Customers, lookup_keys
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.screening.party import party_key, screen_party
from sanctionwatch.screening.pool import available_cores, can_fork, map_in_workers
from sanctionwatch.screening.query import Hit, QueryError
from sanctionwatch.screening.screener import Screener

__all__ = ["HITS_PER_CUSTOMER", "CustomerScreen", "Monitor", "OnScreened", "ScreeningRun"]

WORK_CHUNK = 250  # customers per worker task
# Hits kept per customer above the threshold, in every kind of screen alike (so that a delta raises what
# a full screen would). Far above what any real name reaches: the threshold decides, not the cap.
HITS_PER_CUSTOMER = 100
Progress = Callable[[int], None]


@dataclass(slots=True)
class ScreeningRun:
    trigger: str  # customers | full | delta
    customers: int = 0  # customers screened
    candidates: int = 0  # delta: customers retrieved for the changed parties (= screened)
    parties: int = 0  # delta: listed parties added or changed
    hits: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)
    already_alerted: int = 0
    suppressed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (customer id, why it could not be screened)
    seconds: float = 0.0
    # Names the run in its audit record, in the command's report and in what `on_screened` is handed.
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def to_json(self) -> dict[str, Any]:
        return {
            "run": self.id,
            "trigger": self.trigger,
            "customers_screened": self.customers,
            "parties": self.parties,
            "hits": self.hits,
            "alerts_created": len(self.alerts),
            "already_alerted": self.already_alerted,
            "suppressed": self.suppressed,
            "failed": [{"customer_id": c, "error": e} for c, e in self.failed],
            "seconds": round(self.seconds, 3),
            "alerts": self.alerts,
        }


@dataclass(frozen=True, slots=True)
class CustomerScreen:
    """One customer as a run screened it: what `Monitor(on_screened=...)` receives, in run order.

    `hits` are all the hits of the customer's screening (`screen_party` with this threshold and limit,
    against the whole registry), best first: a delta run raises alerts only for those on the parties it
    looks at, but screens, and hands over, the customer as a full run would."""

    run: ScreeningRun
    customer: Customer
    hits: tuple[Hit, ...]
    error: str | None  # why the customer could not be screened (then no hits)
    threshold: float
    limit: int
    list_versions: Mapping[str, int]  # source -> the version screened against


OnScreened = Callable[[CustomerScreen], None]


def _quiet(_done: int) -> None:
    return None


class Monitor:
    """Screens customers against one registry snapshot (its Screener) and raises the alerts."""

    def __init__(
        self,
        engine: Engine,
        screener: Screener,
        list_versions: dict[str, int],
        *,
        threshold: float = TUNING.threshold,
        actor: str = "system",
        workers: int | None = None,
        on_screened: OnScreened | None = None,
    ) -> None:
        self.engine = engine
        self.on_screened = on_screened  # every customer screened, with its hits (a receipt per customer)
        self.screener = screener
        self.list_versions = list_versions  # source -> active version number, for every alert's record
        self.threshold = threshold
        self.actor = actor
        self.workers = available_cores() if workers is None else max(1, workers)
        self.customers = Customers(engine)
        self.alerts = Alerts(engine)

    # ---- what to screen ---------------------------------------------------------------------------

    def screen_new_customers(self, progress: Progress = _quiet) -> ScreeningRun:
        """Customers added or changed since they were last screened (after an import)."""
        unscreened = self.customers.iter_all(unscreened_only=True)
        return self._run(ScreeningRun("customers"), unscreened, progress=progress)

    def screen_customers(self, ids: Collection[str], *, trigger: str = "customers") -> ScreeningRun:
        return self._run(ScreeningRun(trigger), [self.customers.many(ids)])

    def full(self, progress: Progress = _quiet) -> ScreeningRun:
        """Every customer against the whole registry (on demand, or after a change of the engine)."""
        return self._run(ScreeningRun("full"), self.customers.iter_all(), progress=progress)

    def delta(self, entity_ids: Collection[str], progress: Progress = _quiet) -> ScreeningRun:
        """The listed parties added or changed by a list update, against the whole customer base."""
        started = time.perf_counter()
        index = self.screener.index
        parties = [index.entities[p] for e in entity_ids if (p := index.position_of(e)) is not None]
        candidates = self.candidates_for(parties)
        changed = frozenset(e.id for e in parties)
        run = ScreeningRun("delta", parties=len(parties), candidates=len(candidates))
        self._run(run, self._batches(sorted(candidates)), only=changed, progress=progress)
        run.seconds = time.perf_counter() - started  # the candidates' retrieval included
        return run

    def candidates_for(self, parties: Sequence[Entity]) -> set[str]:
        """Ids of the customers that could match any of these listed parties.

        A customer qualifies when its name tokens cover, exactly or by a lookalike, two tokens of one
        of a party's names (all of them for a one-word name: a vessel, a mononym), or when it holds one
        of a party's identifiers. Lookalikes are found as the matcher retrieves them (its lookup keys)
        and confirmed by its token similarity, in an index of these parties alone. A token that is a
        party's words written together ('KIMJONGUN') covers the words it reads as (_glued).
        """
        if not parties:
            return set()
        self.customers.refile_vocabulary()  # a no-op unless the engine's keys changed since the filing
        small = MatchIndex.build(parties)
        keys = {key for word in small.words for key in lookup_keys(word)}
        resembles: dict[str, set[int]] = {}  # customer vocabulary token -> party token ids it resembles
        for token in self.customers.tokens_with_keys(keys):
            votes = small.token_votes(token)
            if len(votes.ids):
                resembles[token] = {int(i) for i in votes.ids}
        for token, pieces in self._glued(small).items():
            resembles.setdefault(token, set()).update(pieces)
        forms = _FormCover(small)
        found = {
            customer_id
            for customer_id, tokens in self.customers.with_tokens(resembles).items()
            if forms.covered(set().union(*(resembles[tok] for tok in tokens)))
        }
        identifiers = {identifier_key(i.value) for e in parties for i in e.identifiers} - {""}
        found |= self.customers.with_identifiers(identifiers)
        return found

    def _glued(self, small: MatchIndex) -> dict[str, tuple[int, ...]]:
        """Customer tokens that are a party's words written together ('KIMJONGUN'), each with the party
        token ids it reads as: what the Screener screens such a name as (MatchIndex.split_glued).

        Found by the lookup keys of the parties' names written together (so one slip in such a word is
        found too), and confirmed by the parties' index reading the token apart into its words."""
        spellings = [glued for glued in small.glued_spellings() if len(glued) <= MAX_TOKEN]
        keys = {key for glued in spellings for key in lookup_keys(glued)}
        found: dict[str, tuple[int, ...]] = {}
        for token in self.customers.tokens_with_keys(keys):
            if pieces := small.glued_reading(token):
                found[token] = pieces
        return found

    def _batches(self, ids: Sequence[str], size: int = 2000) -> Iterable[list[Customer]]:
        for start in range(0, len(ids), size):
            yield self.customers.many(ids[start : start + size])

    # ---- screening and alerting -------------------------------------------------------------------

    def _run(
        self,
        run: ScreeningRun,
        batches: Iterable[Sequence[Customer]],
        *,
        only: frozenset[str] | None = None,
        limit: int = HITS_PER_CUSTOMER,
        progress: Progress = _quiet,
    ) -> ScreeningRun:
        """Screen the customers batch by batch (on every core once there is enough of them) and raise
        the alerts of each batch as it comes back.

        A customer counts as screened (screened_at) only after a screen against every listed party
        that did not fail: a delta screen, which looks at a few parties, does not count.
        """
        started = time.perf_counter()
        trigger = run.trigger
        jobs = (
            ScreenJob(
                tuple(part), self.threshold, limit, only, self.list_versions, self.on_screened is not None
            )
            for batch in batches
            for part in _parts(batch, WORK_CHUNK)
        )
        for screened in self._screened(jobs):
            raised = self.alerts.raise_alerts(
                screened.findings, trigger=trigger, actor=self.actor, list_versions=self.list_versions
            )
            run.customers += len(screened.states)
            run.failed.extend(screened.failed)
            run.alerts.extend(raised.created)
            run.already_alerted += raised.already_alerted
            run.suppressed += raised.suppressed
            run.hits += len(screened.findings)
            if only is None:
                failed = {customer_id for customer_id, _error in screened.failed}
                self.customers.mark_screened([(i, h) for i, h in screened.states if i not in failed])
            if self.on_screened is not None:
                for customer, hits, error in screened.screens:
                    self.on_screened(
                        CustomerScreen(run, customer, hits, error, self.threshold, limit, self.list_versions)
                    )
            progress(run.customers)
        run.seconds = time.perf_counter() - started
        self._audit(run)
        return run

    def _screened(self, jobs: Iterator[ScreenJob]) -> Iterator[Screened]:
        """Each job's findings, in order: in this process for a job or two, else in forked workers."""
        ahead = list(itertools.islice(jobs, 2))
        everything = itertools.chain(ahead, jobs)
        if self.workers <= 1 or len(ahead) < 2 or not can_fork():
            return (screen_job(self.screener, job) for job in everything)
        return map_in_workers(self.screener, screen_job, everything, self.workers)

    def _audit(self, run: ScreeningRun) -> None:
        """One record per screening run: what was screened, against which lists, what it raised."""
        AuditLog(self.engine).record(
            actor=self.actor,
            action=f"screening.{run.trigger}",
            subject=f"{run.customers} customers",
            details={
                "run": run.id,
                "customers": run.customers,
                "parties": run.parties,
                "candidates": run.candidates,
                "hits": run.hits,
                "alerts_created": len(run.alerts),
                "already_alerted": run.already_alerted,
                "suppressed": run.suppressed,
                "failed": len(run.failed),
                "threshold": self.threshold,
            },
            list_versions=self.list_versions,
        )


@dataclass(frozen=True, slots=True)
class ScreenJob:
    """A chunk of customers and how to screen them: what a worker receives."""

    customers: tuple[Customer, ...]
    threshold: float
    limit: int
    only: frozenset[str] | None  # keep only hits on these listed records (a delta screen)
    list_versions: dict[str, int]
    keep: bool = False  # send every customer back with all its hits (for Monitor's on_screened)


@dataclass(frozen=True, slots=True)
class Screened:
    states: list[tuple[str, str]]  # (id, hash) of every customer of the job, as it was screened
    findings: list[Finding]
    failed: list[tuple[str, str]]
    # With ScreenJob.keep: every customer of the job, all its hits and why it failed, in job order.
    screens: list[tuple[Customer, tuple[Hit, ...], str | None]] = field(default_factory=list)


def screen_job(screener: Screener, job: ScreenJob) -> Screened:
    """Screen a chunk of customers: every hit as a Finding with both sides' state (runs in a worker)."""
    index = screener.index
    findings: list[Finding] = []
    failed: list[tuple[str, str]] = []
    states: list[tuple[str, str]] = []
    screens: list[tuple[Customer, tuple[Hit, ...], str | None]] = []
    for customer in job.customers:
        customer_hash = customer.hash  # (a JSON dump and a SHA-256: computed once per customer)
        states.append((customer.id, customer_hash))
        try:
            hits = screen_party(screener, customer.party(), threshold=job.threshold, limit=job.limit)
        except QueryError as exc:
            failed.append((customer.id, str(exc)))
            if job.keep:
                screens.append((customer, (), str(exc)))
            continue
        if job.keep:
            screens.append((customer, tuple(hits), None))
        for hit in hits:
            if job.only is not None and job.only.isdisjoint(hit.source_ids):
                continue
            records = [index.entities[p] for r in hit.source_ids if (p := index.position_of(r)) is not None]
            if not records:
                continue
            findings.append(
                Finding(
                    customer.id,
                    customer_hash,
                    hit,
                    _party_hash(records),
                    ", ".join(_version_label(e.source, job.list_versions) for e in records),
                    party_key(hit),
                )
            )
    return Screened(states, findings, failed, screens)


def _party_hash(records: Sequence[Entity]) -> str:
    """The state of a listed party: every linked record's content (a new UN alias changes it too)."""
    if len(records) == 1:
        return records[0].content_hash()
    return hashlib.sha256("\n".join(sorted(e.content_hash() for e in records)).encode()).hexdigest()


def _version_label(source: str, versions: dict[str, int]) -> str:
    version = versions.get(source)
    return f"{source}/{version}" if version is not None else source


def _parts(batch: Sequence[Customer], size: int) -> Iterator[Sequence[Customer]]:
    for start in range(0, len(batch), size):
        yield batch[start : start + size]


class _FormCover:
    """Whether a customer's tokens cover enough of one of the parties' name forms: two meaningful
    tokens of it, or its only one.

    Asked for every customer that shares any token with the parties (a third of a big customer base,
    through common words), so it looks only at the forms the customer's tokens are in.
    """

    def __init__(self, small: MatchIndex) -> None:
        self.forms_of: dict[int, list[int]] = {}  # party token id -> forms it is a meaningful token of
        self.needed: list[int] = []  # per form: how many of its tokens a candidate must cover
        self.alone: set[int] = set()  # tokens that are the whole of a one-token form
        for form in small.forms:
            meaningful = {small.vocabulary[tok] for tok in form.tokens if not is_noise(tok)}
            if not meaningful:
                continue
            number = len(self.needed)
            self.needed.append(min(2, len(meaningful)))
            for token_id in meaningful:
                self.forms_of.setdefault(token_id, []).append(number)
            if len(meaningful) == 1:
                self.alone |= meaningful

    def covered(self, token_ids: set[int]) -> bool:
        if len(token_ids) == 1:  # the common case: one shared word, enough only for a one-word name
            return not self.alone.isdisjoint(token_ids)
        seen: dict[int, int] = {}
        for token_id in token_ids:
            for form in self.forms_of.get(token_id, ()):
                seen[form] = count = seen.get(form, 0) + 1
                if count >= self.needed[form]:
                    return True
        return False
