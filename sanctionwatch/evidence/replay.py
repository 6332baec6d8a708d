"""Replaying a receipt: the same query, the same settings, the list versions it names, screened again
(a party screened with several values by the same call: `evidence.party_receipt.screen_again`).

The registry keeps every list version it ever ingested, with its parties as they were (records are
stored once by content hash and versions point at them; nothing is pruned), so a screening made
against a version that was later replaced is replayed against that version, not today's. Before
screening, each version is checked against the receipt: present, with the same parties (the version's
digest) and ingested from the same official files (their SHA-256). The outcome says whether the result
is the same (the hits, their order, their scores to 6 decimals and matched names) and, if not, why:
the engine that replays is another one (its fingerprint differs), a list version is no longer there
or holds other parties, or, with `against_current`, the lists changed since (which versions, and for
each differing party whether it was added, removed or changed in the newer version).

A payment message's receipt (channel `payment`) is replayed from the message it carries: read and
screened again by the payment path (`evidence.payment_replay`) on the same list versions, checked the
same way; the same means the same decision and the same hits, field by field, with the same listed
parties and scores to 6 decimals. What it cannot make again (the lists' age as judged then, holdings
imported since) is named in the reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sanctionwatch.errors import InputError
from sanctionwatch.evidence.engine import engine_identity, payments_fingerprint
from sanctionwatch.evidence.party_receipt import screen_again
from sanctionwatch.evidence.payment_replay import HitKey, Rescreened, rescreen_payment
from sanctionwatch.evidence.receipt import FORMAT, SCORE_DIGITS, Channel
from sanctionwatch.model import entity_source
from sanctionwatch.registry.store import Registry, RegistryError, VersionInfo
from sanctionwatch.screening.query import Query, QueryError
from sanctionwatch.screening.screener import Screener

__all__ = ["Difference", "Replay", "ReplayOutcome", "ScreenerCache", "replay_receipt"]


class ReplayOutcome(StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    NOT_REPLAYABLE = "not replayable"


@dataclass(frozen=True, slots=True)
class Difference:
    entity_id: str
    then: float | None  # the receipt's score (None: not a hit then)
    now: float | None  # the replay's (None: not a hit now)
    why: str

    def to_json(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "then": self.then, "now": self.now, "why": self.why}


@dataclass(frozen=True, slots=True)
class Replay:
    outcome: ReplayOutcome
    against: dict[str, int]  # the list versions screened against in the replay
    reasons: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "against": self.against,
            "reasons": self.reasons,
            "differences": [d.to_json() for d in self.differences],
        }


Hits = list[tuple[str, float, str]]  # entity id, score, matched name, best first


ScreenerCache = dict[tuple[tuple[int, ...], tuple[str, ...]], Screener]


def replay_receipt(
    document: Mapping[str, Any],
    registry: Registry,
    *,
    against_current: bool = False,
    screeners: ScreenerCache | None = None,
) -> Replay:
    """Screen the receipt's query again, against its own list versions (or today's active ones).

    `screeners` keeps the index built for each set of versions and programmes across calls: the
    receipts of one file all name the same versions, and an index of the full lists takes seconds."""
    if document.get("format") != FORMAT:
        raise InputError(f"not a {FORMAT} receipt")
    if document.get("channel") == Channel.PAYMENT.value:
        return _replay_payment(document, registry, against_current)
    try:
        given = document["query"]["given"]
        settings = document["settings"]
        then_hits = _receipt_hits(document["result"])
        lists = list(document["lists"])
        then_error = document["result"].get("error")
        row = document["query"].get("row")  # a screened file's row: its errors name the row
        screened = document["query"].get("screened")  # a party's screening call (evidence.party_receipt)
    except (KeyError, TypeError) as exc:
        raise InputError(f"receipt: missing or malformed member {exc}") from None
    found = _replay_versions(registry, lists, against_current, settings["sources"])
    if isinstance(found, Replay):
        return found
    versions, reasons = found
    against = {v.source: v.number for v in versions}
    screener = _screener(registry, versions, tuple(settings["programs"]), screeners)
    threshold, limit = float(settings["threshold"]), int(settings["limit"])
    try:
        if screened is not None:
            hits = screen_again(screened, screener, threshold=threshold, limit=limit)
        else:
            query = Query(
                given["name"],
                given["schema"],
                given["birth_date"],
                given["country"],
                given["identifier"],
                given.get("id"),
            )
            hits = screener.screen(query, threshold=threshold, limit=limit)
        now_hits: Hits = [(h.entity_id, round(h.score, SCORE_DIGITS), h.matched_name) for h in hits]
        now_error = None
    except QueryError as exc:
        now_hits, now_error = [], str(exc) if row is None else f"row {row}: {exc}"  # as screen-file says it
    engine_now = engine_identity()
    engine_then = document.get("engine", {})
    if then_error is not None or now_error is not None:
        if then_error == now_error:
            return Replay(
                ReplayOutcome.SAME, against, [*reasons, f"the query is refused as it was: {now_error}"]
            )
        return Replay(
            ReplayOutcome.DIFFERENT,
            against,
            [*reasons, f"then: {then_error or 'screened'}; now: {now_error or 'screened'}"],
        )
    if now_hits == then_hits:
        return Replay(ReplayOutcome.SAME, against, reasons)
    differences = _differences(then_hits, now_hits, registry, lists, versions, against_current)
    if engine_then.get("fingerprint") != engine_now.fingerprint:
        reasons.append(
            f"the engine changed: the receipt's {engine_then.get('version')} (fingerprint "
            f"{str(engine_then.get('fingerprint'))[:16]}…), now {engine_now.version} ({engine_now.fingerprint[:16]}…)"
        )
    elif not against_current:
        reasons.append("the same engine on the same list versions gave another result: report this")
    return Replay(ReplayOutcome.DIFFERENT, against, reasons, differences)


def _replay_payment(document: Mapping[str, Any], registry: Registry, against_current: bool) -> Replay:
    """A payment message's receipt: on its own list versions (or every list active today)."""
    try:
        lists = list(document["lists"])
    except (KeyError, TypeError) as exc:
        raise InputError(f"receipt: missing or malformed member {exc}") from None
    found = _replay_versions(registry, lists, against_current, ())
    if isinstance(found, Replay):
        return found
    versions, reasons = found
    against = {v.source: v.number for v in versions}
    again = rescreen_payment(document, registry, versions, today=against_current)
    if isinstance(again, str):
        return Replay(ReplayOutcome.NOT_REPLAYABLE, against, [*reasons, again])
    reasons += again.reasons
    if again.same:
        return Replay(ReplayOutcome.SAME, against, reasons)
    if again.then != again.now:
        reasons.append(f"then: {again.then}; now: {again.now or 'no such message'}")
    engine_then = document.get("engine", {})
    engine_now = engine_identity()
    if engine_then.get("fingerprint") != engine_now.fingerprint:
        reasons.append(
            f"the engine changed: the receipt's {engine_then.get('version')}, now {engine_now.version}"
        )
    elif engine_then.get("payments_fingerprint") != payments_fingerprint():
        reasons.append("the payment readers, embargoes or ownership rules changed since the receipt")
    elif not against_current:
        reasons.append("the same engine on the same list versions gave another result: report this")
    return Replay(ReplayOutcome.DIFFERENT, against, reasons, _payment_differences(again))


def _payment_differences(again: Rescreened) -> list[Difference]:
    """Each hit (field, kind, what it matched) that is not the same then and now."""

    def scored(hits: list[HitKey]) -> dict[tuple[str, str, str], float | None]:
        return {(f, kind, what): score for f, kind, what, score in hits}

    then, now = scored(again.then_hits), scored(again.now_hits)
    out = []
    for key in dict.fromkeys([*then, *now]):
        if key in then and key in now and then[key] == now[key]:
            continue
        where = f"{key[0]} ({key[1]})"
        why = (
            f"{where}: its score changed"
            if key in then and key in now
            else (f"{where}: no longer a hit" if key in then else f"{where}: a hit now, not then")
        )
        out.append(Difference(key[2], then.get(key), now.get(key), why))
    return out


def _receipt_hits(result: Mapping[str, Any]) -> Hits:
    return [
        (str(h["entity_id"]), round(float(h["score"]), SCORE_DIGITS), str(h["matched_name"]))
        for h in result["hits"]
    ]


def _screener(
    registry: Registry,
    versions: Sequence[VersionInfo],
    programs: tuple[str, ...],
    cache: ScreenerCache | None,
) -> Screener:
    key = (tuple(sorted(v.id for v in versions)), programs)
    if cache is not None and key in cache:
        return cache[key]
    screener = Screener.from_versions(registry, versions, programs=programs)
    if cache is not None:
        cache[key] = screener
    return screener


def _replay_versions(
    registry: Registry, lists: Sequence[Mapping[str, Any]], against_current: bool, sources: Sequence[str]
) -> tuple[list[VersionInfo], list[str]] | Replay:
    """The versions to screen against, and what is to be said of them: today's active ones (of `sources`,
    all when empty) with how they differ from the receipt's, or the receipt's own, each checked; or the
    replay that cannot be made."""
    if against_current:
        versions = [v for v in registry.active_versions() if not sources or v.source in sources]
        return versions, _list_changes(lists, versions)
    found = _versions_as_receipt(registry, lists)
    if isinstance(found, str):
        return Replay(ReplayOutcome.NOT_REPLAYABLE, {}, [found])
    return found, []


def _versions_as_receipt(registry: Registry, lists: Sequence[Mapping[str, Any]]) -> list[VersionInfo] | str:
    """The receipt's versions from the registry, each checked; or why they cannot be replayed."""
    versions = []
    for item in lists:
        source, number = str(item["source"]), int(item["version"])
        try:
            version = registry.version(source, number)
        except RegistryError:
            return f"list version {source}/{number} is no longer in this registry"
        if version.digest != item["digest"]:
            return (
                f"the registry's {source}/{number} holds other parties than the receipt's "
                f"(digest {version.digest[:16]}…, receipt {str(item['digest'])[:16]}…)"
            )
        files = sorted((f["name"], f["sha256"]) for f in version.files)
        if files != sorted((f["name"], f["sha256"]) for f in item["files"]):
            return f"the registry's {source}/{number} was ingested from other files than the receipt names"
        versions.append(version)
    return versions


def _list_changes(lists: Sequence[Mapping[str, Any]], versions: Sequence[VersionInfo]) -> list[str]:
    then = {str(item["source"]): int(item["version"]) for item in lists}
    now = {v.source: v.number for v in versions}
    changes = [
        f"{s}: version {then[s]} then, {now[s]} now" for s in sorted(then) if s in now and now[s] != then[s]
    ]
    changes += [
        f"{s}: screened then (version {then[s]}), not active now" for s in sorted(then) if s not in now
    ]
    changes += [
        f"{s}: active now (version {now[s]}), not screened then" for s in sorted(now) if s not in then
    ]
    return changes or ["the same list versions are active now"]


def _differences(
    then: Hits,
    now: Hits,
    registry: Registry,
    lists: Sequence[Mapping[str, Any]],
    versions: Sequence[VersionInfo],
    against_current: bool,
) -> list[Difference]:
    then_by = {entity: score for entity, score, _ in then}
    now_by = {entity: score for entity, score, _ in now}
    old = {str(item["source"]): int(item["version"]) for item in lists}
    out = []
    for entity in dict.fromkeys([*then_by, *now_by]):
        before, after = then_by.get(entity), now_by.get(entity)
        if before == after:
            continue
        why = (
            "its score changed"
            if before is not None and after is not None
            else ("no longer a hit" if after is None else "a hit now, not then")
        )
        if against_current:
            why += _party_change(entity, registry, old, versions)
        out.append(Difference(entity, before, after, why))
    return out


def _party_change(
    entity: str, registry: Registry, old: Mapping[str, int], versions: Sequence[VersionInfo]
) -> str:
    source = entity_source(entity)  # not the id's first part: "internal:deny:C-1" is of internal:deny
    current = next((v for v in versions if v.source == source), None)
    if source not in old or current is None:
        return ""
    if current.number == old[source]:
        return f" ({source} is at the same version)"
    try:
        before = registry.entity(entity, version=registry.version(source, old[source]))
    except RegistryError:
        return f" ({source}/{old[source]} is no longer in the registry)"
    after = registry.entity(entity, version=current)
    if before is None and after is not None:
        return f": listed in {source}/{current.number}, not in {source}/{old[source]}"
    if before is not None and after is None:
        return f": removed from {source}/{current.number}"
    if before is not None and after is not None and before.content_hash() != after.content_hash():
        return f": its record changed between {source}/{old[source]} and {source}/{current.number}"
    return f": its record is unchanged in {source}/{current.number}"
