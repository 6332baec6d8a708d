"""The Screener: one registry snapshot, indexed in memory, answering screening queries.

Scores are calibrated on the development benchmark so that one default threshold
(`TUNING.threshold`, matching/tuning.py with the other tunables) separates alerts from non-alerts for
every kind of query: at it, about 1 % of ordinary customers alert while nearly all true variants of
listed names do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any

from sanctionwatch.matching.evidence import Effect, Evidence, EvidenceFeature, EvidenceKind
from sanctionwatch.matching.index import Alignment, FormScoring, IndexedName, MatchIndex, ScoredForm
from sanctionwatch.matching.model import NameModel, default_model, sigmoid
from sanctionwatch.matching.names import NameForm, looks_like_organization, name_forms
from sanctionwatch.matching.normalize import identifier_key
from sanctionwatch.matching.score import (
    NameMatch,
    birth_date_evidence,
    country_evidence,
    name_match,
    schema_evidence,
)
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.model import ORGANIZATION_SCHEMAS, Entity, Schema
from sanctionwatch.registry.terms import program_matches
from sanctionwatch.screening.explanation import (
    EvidenceShown,
    Explanation,
    LinkedRecord,
    NameExplanation,
    NameModelExplanation,
)
from sanctionwatch.screening.query import Hit, Query, QueryError
from sanctionwatch.sources.countries import country_code

if TYPE_CHECKING:  # the registry's database layer is not needed to screen (a Spark worker never loads it)
    from sanctionwatch.registry.store import Registry, VersionInfo

__all__ = ["Admits", "Screener", "validate"]

MAX_NAME_LENGTH = 1000
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SCHEMAS = {s.value.lower(): s.value for s in Schema}
# Whether a party (its records, the scoring one first) may be a hit: a caller's filter on the results.
Admits = Callable[[Sequence[Entity]], bool]


@dataclass(slots=True)
class _Memo:
    """What a screen computes per name form: the candidates voted for it, and the candidates aligned with
    it. Kept (`keep`) only across the readings of one name (Screener.screen_readings); a single screen
    computes each once anyway and pays nothing for keys it would never look up again."""

    keep: bool = False
    _candidates: dict[tuple[Any, ...], tuple[list[tuple[int, float]], float]] = field(default_factory=dict)
    _scored: dict[tuple[Any, ...], list[ScoredForm]] = field(default_factory=dict)

    def candidates(
        self, index: MatchIndex, form: NameForm, first: bool
    ) -> tuple[list[tuple[int, float]], float]:
        if not self.keep:
            return index.candidates(form.tokens, TUNING.candidates, form.spelling, further=first)
        key = (form.tokens, form.spelling, first)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = index.candidates(
                form.tokens, TUNING.candidates, form.spelling, further=first
            )
        return found

    def scored(self, index: MatchIndex, scoring: FormScoring) -> list[ScoredForm]:
        """The alignments of the form with its candidates: they do not depend on the query's schema."""
        if not self.keep:
            return index.score_form(scoring)
        form = scoring.form
        key = (form.tokens, form.text, form.spelling, scoring.organization, scoring.floor,
               scoring.query_weight, tuple(scoring.candidates))  # fmt: skip
        found = self._scored.get(key)
        if found is None:
            found = self._scored[key] = index.score_form(scoring)
        return found


_ONCE = _Memo()  # keeps nothing: one reading


@dataclass(slots=True)
class _Best:
    score: float
    pair: ScoredPair | None  # None: found by identifier alone
    identifier: Evidence | None = None


def validate(query: Query) -> Query:
    """A clean copy of the query, or QueryError naming the field at fault."""
    raw = query.name or ""
    if not raw.isprintable():  # control and invisible characters go (the common name has none)
        raw = "".join(ch if ch.isprintable() or ch.isspace() else "" for ch in raw)
    name = " ".join(raw.split())
    identifier = (query.identifier or "").strip() or None
    if not name and not identifier:
        raise QueryError("name: empty (and no identifier given)")
    if len(name) > MAX_NAME_LENGTH:
        raise QueryError(f"name: {len(name)} characters, more than the {MAX_NAME_LENGTH} allowed")
    schema = None
    if query.schema and query.schema.strip():
        schema = _SCHEMAS.get(query.schema.strip().lower())
        if schema is None:
            raise QueryError(f"schema: unknown {query.schema!r}; use one of {', '.join(_SCHEMAS.values())}")
    birth_date = (query.birth_date or "").strip() or None
    if birth_date:
        match = _DATE.match(birth_date)
        if not match or not _real_date(*match.groups()):
            raise QueryError(f"birth_date: {birth_date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    country = (query.country or "").strip() or None
    if country:
        code = country_code(country)
        if code is None:
            raise QueryError(f"country: {country!r} is not an ISO 3166 country")
        country = code
    return Query(name, schema, birth_date, country, identifier, query.id)


def _real_date(year: str, month: str | None, day: str | None) -> bool:
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return False
    return True


@dataclass(slots=True)
class ScoredPair:
    """One aligned (query form, listed name) pair with everything the name model weighs."""

    entity: int  # position in the index
    entity_id: str
    indexed: IndexedName
    query: tuple[str, ...]  # the query form's tokens
    alignment: Alignment
    evidence: list[Evidence]
    features: list[float]
    discount: float  # less likely spelling of the query, weak alias: multiplies the model's score

    @property
    def evidence_kinds(self) -> list[EvidenceKind]:
        return [e.kind for e in self.evidence if e.kind is not None]

    @property
    def match(self) -> NameMatch:
        """The alignment in words (for the explanation: only the hits shown need it)."""
        return name_match(self.alignment, self.query, self.indexed.tokens)


class Screener:
    def __init__(
        self, index: MatchIndex, threshold: float = TUNING.threshold, model: NameModel | None = None
    ) -> None:
        self.index = index
        self.threshold = threshold
        self._model = model

    @property
    def model(self) -> NameModel:
        """The name model (the one shipped with the package unless another was given)."""
        if self._model is None:
            self._model = default_model()
        return self._model

    @classmethod
    def from_entities(cls, entities: Iterable[Entity]) -> Screener:
        return cls(MatchIndex.build(entities))

    @classmethod
    def from_registry(
        cls, registry: Registry, *, sources: Sequence[str] = (), programs: Sequence[str] = ()
    ) -> Screener:
        """The active versions of the given sources (all by default), optionally only some programmes."""
        return cls._of(registry.iter_entities(sources or None), programs)

    @classmethod
    def from_versions(
        cls, registry: Registry, versions: Sequence[VersionInfo], *, programs: Sequence[str] = ()
    ) -> Screener:
        """The given list versions, active or not (a past screening replayed), optionally some programmes."""
        return cls._of(registry.version_entities(versions), programs)

    @classmethod
    def _of(cls, entities: Iterable[Entity], programs: Sequence[str]) -> Screener:
        if programs:
            entities = (
                e for e in entities if any(program_matches(p, w) for p in e.programs for w in programs)
            )
        return cls.from_entities(entities)

    def screen(
        self,
        query: Query,
        *,
        threshold: float | None = None,
        limit: int = 5,
        admits: Admits | None = None,
    ) -> list[Hit]:
        """Hits at or above the threshold, best first. Raises QueryError for unusable input.

        `admits`, given the records of a party (the scoring one first), says whether the party may be
        a hit at all (a caller's filter: not these ids, not this schema ...). It is asked before the
        `limit` is taken, so that a filter never leaves fewer hits than there are to give.
        """
        clean = validate(query)
        cutoff = self.threshold if threshold is None else threshold
        best: dict[int, _Best] = {}
        self._add_scores(clean, best, _ONCE)
        ranked = sorted(self._one_per_party(best).items(), key=lambda item: item[1].score, reverse=True)
        # Explanations are the costliest part of a hit: only the ones returned get one.
        if admits is None:
            shown = [(position, found) for position, found in ranked if found.score >= cutoff][:limit]
        else:  # asked best first, only until `limit` parties are admitted
            above = ((position, found) for position, found in ranked if found.score >= cutoff)
            shown = list(islice(((p, f) for p, f in above if admits(self._records(p))), limit))
        return [self._hit(position, found) for position, found in shown]

    def screen_readings(
        self,
        query: Query,
        schemas: Sequence[str | None],
        *,
        threshold: float | None = None,
        limit: int = 5,
    ) -> list[Hit]:
        """The hits of the query read as each of `schemas` (the query's own is ignored), each party at its
        best score over the readings: for a name whose kind nobody knows (a payment's party).

        The readings share what does not depend on the schema: the name's forms are looked up and aligned
        once per way of reading them (as a person's or an organization's name); only the evidence (the
        kind, the birth date, the country) is weighed again for each. Raises QueryError for unusable input.
        """
        cutoff = self.threshold if threshold is None else threshold
        best: dict[int, _Best] = {}
        memo = _Memo(keep=True)
        for schema in dict.fromkeys(schemas):
            self._add_scores(validate(replace(query, schema=schema)), best, memo)
        ranked = sorted(self._one_per_party(best).items(), key=lambda item: item[1].score, reverse=True)
        shown = [(position, found) for position, found in ranked if found.score >= cutoff][:limit]
        return [self._hit(position, found) for position, found in shown]

    def _add_scores(self, clean: Query, best: dict[int, _Best], memo: _Memo) -> None:
        """Each record's best score for the (validated) query into `best`, identifier matches included."""
        pairs = self._scored_pairs(clean, memo)
        for pair, final in zip(pairs, self._final_scores(pairs), strict=True):
            current = best.get(pair.entity)
            if current is None or final > current.score:
                best[pair.entity] = _Best(final, pair)
        if clean.identifier:
            self._identifier_hits(clean.identifier, best)

    def _one_per_party(self, best: dict[int, _Best]) -> dict[int, _Best]:
        """The best-scoring record of each party: one hit for a party the UN, the US and the UK all list."""
        party_of = self.index.parties.party_of
        chosen: dict[int, tuple[int, _Best]] = {}
        for position, found in best.items():
            current = chosen.get(party_of[position])
            if current is None or found.score > current[1].score:
                chosen[party_of[position]] = (position, found)
        return dict(chosen.values())

    def scored_pairs(self, query: Query) -> list[ScoredPair]:
        """Every pair the screen of `query` weighs, before the model: what bench/train_scorer.py learns on."""
        return self._scored_pairs(validate(query), _ONCE)

    def best_score_among(self, query: Query, form_ids: Iterable[int]) -> float:
        """The score the screen would give the best of these indexed forms, were they all retrieved.

        For judging retrieval (bench/candidate_recall.py): the same scoring, without the index's choice.
        """
        clean = validate(query)
        wanted = sorted(set(form_ids))
        pairs: list[ScoredPair] = []
        for rank, form, query_is_org, pieces in self._query_forms(clean):
            shares = self.index.vote_shares(form.tokens, wanted, form.spelling, rank == 0)
            # Every wanted form, as if voted for with its share of a query weighing 1.
            candidates = [(form_id, shares[form_id]) for form_id in wanted]
            pairs.extend(
                self._pairs(clean, rank, form, query_is_org, candidates, 0.0, 1.0, {}, _ONCE, pieces)
            )
        return max(self._final_scores(pairs), default=0.0)

    def _final_scores(self, pairs: Sequence[ScoredPair]) -> list[float]:
        model = self.model
        scores = []
        for pair in pairs:
            kinds = pair.evidence_kinds
            score = sigmoid(model.name_logit(pair.features) + model.evidence_logit(kinds)) * pair.discount
            mismatch = EvidenceKind.SCHEMA_OTHER in kinds
            scores.append(min(score, TUNING.kind_mismatch_score) if mismatch else score)
        return scores

    def _query_forms(self, clean: Query) -> list[tuple[int, NameForm, bool, tuple[int, ...]]]:
        """(rank, form, query is an organization, positions of the pieces of words read apart) for the Latin
        forms of the query name screened."""
        organization = clean.schema in ORGANIZATION_SCHEMAS
        forms = name_forms(clean.name, organization=organization) if clean.name else ()
        query_is_org = organization or any(looks_like_organization(f.tokens) for f in forms)
        if query_is_org and not organization:  # a legal form says so: compare legal forms canonically
            forms = name_forms(clean.name, organization=True)
        screened: list[tuple[NameForm, tuple[int, ...]]] = [(form, ()) for form in forms[: TUNING.max_forms]]
        screened.extend(self._split_forms(forms[:1]))
        return [(rank, form, query_is_org, pieces) for rank, (form, pieces) in enumerate(screened)]

    def _split_forms(self, forms: Sequence[NameForm]) -> list[tuple[NameForm, tuple[int, ...]]]:
        """Each Latin form with its words written together read apart as listed words (MatchIndex.
        split_glued: 'KIMJONGUN' is KIM Jong Un), when any is, with the positions of the pieces: screened
        as further spellings. Given the first form only: the others are our own spellings of it."""
        out: list[tuple[NameForm, tuple[int, ...]]] = []
        seen = {form.tokens for form in forms}
        for form in forms:
            if form.syllabic or form.abjad:  # spelled by us: its words are apart already
                continue
            split = self.index.split_glued(form.tokens)
            if split is not None and split[0] not in seen:
                seen.add(split[0])
                out.append((NameForm(split[0], " ".join(split[0])), split[1]))
        return out

    def _scored_pairs(self, clean: Query, memo: _Memo) -> list[ScoredPair]:
        pairs: list[ScoredPair] = []
        evidence_cache: dict[int, list[Evidence]] = {}
        for rank, form, query_is_org, pieces in self._query_forms(clean):
            # Words looked up beyond their keys in the first form only: the others are our own other
            # spellings of it, or its words read apart, whose slips are the first form's.
            candidates, query_weight = memo.candidates(self.index, form, rank == 0)
            if not candidates:
                continue
            # Votes bound the query coverage from above: skip forms that cannot come close to the best.
            # (Words written together vote beside their parts, so the best may pass the whole query.)
            best_share = min(candidates[0][1] / query_weight, 1.0)
            floor = max(TUNING.estimate_floor, best_share - TUNING.estimate_margin) * query_weight
            pairs.extend(
                self._pairs(
                    clean,
                    rank,
                    form,
                    query_is_org,
                    candidates,
                    floor,
                    query_weight,
                    evidence_cache,
                    memo,
                    pieces,
                )
            )
            if not pieces:  # (a reading of words written together is no lead to a birthday's names)
                pairs.extend(
                    self._born_that_day(clean, rank, form, query_is_org, candidates, evidence_cache, memo)
                )
        return pairs

    def _born_that_day(
        self,
        clean: Query,
        rank: int,
        form: NameForm,
        query_is_org: bool,
        candidates: list[tuple[int, float]],
        evidence_cache: dict[int, list[Evidence]],
        memo: _Memo,
    ) -> list[ScoredPair]:
        """The names of the people born on the query's full birth date, when the name's votes retrieved
        none of them ('KIN, Song' born 1964-01-11 for KIM, Song: a slip that no lookup key bridges), scored
        as any candidate. A handful of people share a birthday; the name model still decides."""
        born = self.index.born_on.get(clean.birth_date or "")
        if not born:
            return []
        forms = self.index.forms
        retrieved = {forms[form_id].entity for form_id, _votes in candidates}
        if any(forms[form_id].entity in retrieved for form_id in born):
            return []  # the name found someone born that day already: the common true match, no detour
        shares = self.index.vote_shares(form.tokens, born, form.spelling, rank == 0)
        # Only names that share a word, or a lookalike of one, with the query: a birthday alone is no lead.
        voted = [(form_id, share) for form_id in born if (share := shares[form_id]) > 0.0]
        if not voted:
            return []
        return self._pairs(clean, rank, form, query_is_org, voted, 0.0, 1.0, evidence_cache, memo)

    def _pairs(
        self,
        clean: Query,
        rank: int,
        form: NameForm,
        query_is_org: bool,
        candidates: list[tuple[int, float]],
        floor: float,
        query_weight: float,
        evidence_cache: dict[int, list[Evidence]],
        memo: _Memo,
        pieces: tuple[int, ...] = (),
    ) -> list[ScoredPair]:
        """The query form against the candidates (form id, votes) voted at least `floor`, best first;
        only pairs whose names are close enough to weigh (MatchIndex.score_form) come back.

        `pieces`: the positions of the words the form read apart from one written together. Such a
        reading is only a guess ('Scotto' holds 'otto'), so a pair stands only when the listed name
        explains every piece, each at least `TUNING.glued_piece_similarity`."""
        index = self.index
        scored = memo.scored(index, FormScoring(form, query_is_org, candidates, floor, query_weight))
        # Less likely spellings of a non-Latin name are slightly weaker evidence than the first.
        discount = 1.0 - TUNING.spelling_penalty * min(rank, 1)
        out: list[ScoredPair] = []
        for form_id, _share, alignment, features in scored:
            credit = alignment.query_credit
            if pieces and min(credit[i] for i in pieces) < TUNING.glued_piece_similarity:
                continue
            indexed = index.forms[form_id]
            evidence = evidence_cache.get(indexed.entity)
            entity = index.entities[indexed.entity]
            if evidence is None:
                evidence = evidence_cache[indexed.entity] = self._evidence(clean, query_is_org, entity)
            weak = TUNING.weak_alias if indexed.weak else 1.0
            out.append(
                ScoredPair(
                    indexed.entity,
                    entity.id,
                    indexed,
                    form.tokens,
                    alignment,
                    evidence,
                    features,
                    discount * weak,
                )
            )
        return out

    @staticmethod
    def _evidence(clean: Query, query_is_org: bool, entity: Entity) -> list[Evidence]:
        found = (
            schema_evidence(clean.schema, query_is_org, entity),
            birth_date_evidence(clean.birth_date, entity.birth_dates),
            country_evidence(clean.country, entity),
        )
        return [e for e in found if e is not None]

    def _explanation(self, found: _Best, caption: str, linked: list[LinkedRecord]) -> Explanation:
        """What an analyst reads: which names matched, word by word, what moved the score, and the other
        lists' records of the party (`linked`). Built here alone; explanation.py serializes it."""
        pair = found.pair
        score = round(found.score, 4)
        identifier = () if found.identifier is None else (EvidenceShown.of(found.identifier),)
        if pair is None:
            return Explanation(caption, identifier, score, linked_records=tuple(linked))
        model = self.model
        strongest = model.strongest_contributions(pair.features, TUNING.explained_features)
        exact = (
            f"the whole listed name matched word for word: scored at least {TUNING.exact_name_score}"
            if model.exact_name(pair.features)
            else None
        )
        return Explanation(
            matched_name=pair.indexed.text,
            evidence=(*(EvidenceShown.of(e, model.evidence) for e in pair.evidence), *identifier),
            score=score,
            name=NameExplanation.of(pair.indexed.weak, pair.match),
            name_model=NameModelExplanation.of(strongest, exact),
            linked_records=tuple(linked),
        )

    def _identifier_hits(self, identifier: str, best: dict[int, _Best]) -> None:
        """An exact identifier (passport, IMO, BIC, wallet) match is decisive whatever the name says."""
        for position in self.index.by_identifier(identifier):
            entity = self.index.entities[position]
            matched = next(i for i in entity.identifiers if i.value and _same_id(i.value, identifier))
            evidence = Evidence(
                EvidenceFeature.IDENTIFIER,
                Effect.DECIDES,
                f"{matched.label or matched.kind} {matched.value} matches exactly",
            )
            current = best.get(position)
            if current is None:
                best[position] = _Best(TUNING.identifier_score, None, evidence)
            else:
                current.score = max(current.score, TUNING.identifier_score)
                current.identifier = evidence

    def _records(self, position: int) -> list[Entity]:
        """Every record of the party of `position`, itself first."""
        return [self.index.entities[r.position] for r in self.index.parties.records(position)]

    def _hit(self, position: int, found: _Best) -> Hit:
        entity = self.index.entities[position]
        records = self.index.parties.records(position)
        linked = [self.index.entities[r.position] for r in records]
        others = [
            LinkedRecord(other.id, record.reason)
            for record, other in zip(records[1:], linked[1:], strict=True)
        ]
        return Hit(
            entity_id=entity.id,
            score=found.score,
            source_ids=[e.id for e in linked],
            matched_name=found.pair.indexed.text if found.pair else entity.caption,
            caption=entity.caption,
            schema=entity.schema,
            programs=list(dict.fromkeys(p for e in linked for p in e.programs)),
            explain=partial(self._explanation, found, entity.caption, others),  # built if read
        )


def _same_id(a: str, b: str) -> bool:
    return identifier_key(a) == identifier_key(b)
