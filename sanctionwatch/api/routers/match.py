"""yente's query-by-example matching: POST /match/{dataset}, same request, same response; and
GET /algorithms, what its `algorithm` parameter accepts here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from sanctionwatch.api.deps import dataset_sources
from sanctionwatch.api.match_receipts import MatchReceipts, refuse_unrecorded_filters
from sanctionwatch.api.responses import FastJSONResponse
from sanctionwatch.api.security import Analyst, Viewer
from sanctionwatch.api.state import state_of
from sanctionwatch.api.yente import (
    AlgorithmResponse,
    EntityMatchQuery,
    EntityMatchResponse,
    ErrorResponse,
    matcher_docs,
    scored_response,
)
from sanctionwatch.api.yente_params import (
    ChangedSince,
    ExcludeDataset,
    ExcludeEntityIds,
    ExcludeSchema,
    IncludeDataset,
    Topics,
    dataset_scope,
    refuse_unknown_params,
    result_filter,
)
from sanctionwatch.errors import InputError
from sanctionwatch.evidence.receipt import Settings
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.screening.examples import (
    NAME_PART_PROPERTIES,
    NAME_PROPERTIES,
    SCREENED_PROPERTIES,
    clean_properties,
    party_from_example,
)
from sanctionwatch.screening.party import PartyQuery, screen_party
from sanctionwatch.screening.query import QueryError

# yente parses a body sent without a Content-Type header as JSON, on purpose: some clients send none.
router = APIRouter(tags=["Matching"], strict_content_type=False)
DEFAULT_CUTOFF = TUNING.shown_floor  # results below this are not returned at all (yente's `cutoff`)


@dataclass(frozen=True, slots=True)
class Algorithm:
    """A way of scoring that `algorithm=` can choose: ours are one engine, with or without evidence."""

    name: str
    description: str
    names_only: bool  # the example's dates, countries and identifiers are not weighed


ENGINE = Algorithm(
    "sanctionwatch",
    "Sanctionwatch's calibrated screening model: a learned, transliteration-aware name model, then the "
    "example's birth dates, countries and identifiers as evidence for or against (see each result's "
    "explanation)",
    names_only=False,
)
NAME_BASED = Algorithm(
    "name-based",
    "The same name model alone: the example's birth dates, countries and identifiers are not weighed "
    "(the schema still is: a person is not matched as an organization)",
    names_only=True,
)
ALGORITHMS = {a.name: a for a in (ENGINE, NAME_BASED)}
BEST = ENGINE.name  # what yente's `best` stands for here
DEFAULT_ALGORITHM = "best"  # as yente's default
_NAME_ONLY_FEATURES = ("name_score", "schema_other")


def algorithm_named(name: str) -> Algorithm:
    """The algorithm a client names (case and spaces aside, `best` as yente's alias); 400 otherwise."""
    wanted = name.strip().lower()
    found = ALGORITHMS.get(BEST if wanted == "best" else wanted)
    if found is None:
        raise InputError(
            f"algorithm: unknown {name!r}; use one of best, {', '.join(ALGORITHMS)} (GET /algorithms)"
        )
    return found


def _refuse_options(body: EntityMatchQuery, algorithm: Algorithm) -> None:
    """yente's per-request `weights` and `config` change its scoring; ours cannot be changed so."""
    if body.weights:
        raise InputError(
            f"weights: {', '.join(sorted(body.weights))}: not supported; the {algorithm.name} "
            "algorithm's coefficients are learned together and calibrated, not set per request "
            "(GET /algorithms lists them)"
        )
    for key in body.config:
        raise InputError(
            f"config: invalid configuration parameter {key!r} for algorithm {algorithm.name} (it takes none)"
        )


NAME_ONLY_PROPERTIES = frozenset(NAME_PROPERTIES + NAME_PART_PROPERTIES)  # what name-based weighs


def _names_only(party: PartyQuery) -> PartyQuery:
    if not party.names:
        raise QueryError("properties.name: none given; the name-based algorithm scores names only")
    party.birth_dates, party.countries, party.identifiers = (), (), ()
    return party


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    responses={
        400: {"model": ErrorResponse},
        404: {"model": ErrorResponse},
        409: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
    dependencies=[Analyst, Depends(refuse_unknown_params)],
    summary="Query-by-example matching (yente-compatible)",
)
async def match(
    request: Request,
    body: EntityMatchQuery,
    dataset: str,
    limit: Annotated[int, Query(ge=1, le=500, description="Results per query")] = 5,
    threshold: Annotated[
        float, Query(ge=0.0, le=1.0, description="Score at which `match` is true")
    ] = TUNING.threshold,
    cutoff: Annotated[
        float, Query(ge=0.0, le=1.0, description="Lowest score returned at all")
    ] = DEFAULT_CUTOFF,
    algorithm: Annotated[
        str, Query(description=f"best (= {BEST}), {', '.join(ALGORITHMS)}; see GET /algorithms")
    ] = DEFAULT_ALGORITHM,
    include_dataset: IncludeDataset = (),
    exclude_dataset: ExcludeDataset = (),
    exclude_schema: ExcludeSchema = (),
    topics: Topics = (),
    changed_since: ChangedSince = None,
    exclude_entity_ids: ExcludeEntityIds = (),
    receipt: Annotated[
        bool,
        Query(
            description="Also return, in each query's response, a signed receipt of its screening "
            "(not Yente's; not with the result filters, which a receipt does not record)"
        ),
    ] = False,
) -> FastJSONResponse:
    """Each example (`schema` and FtM `properties`: name, birthDate, nationality, idNumber ...) is
    screened against the dataset's lists; results carry yente's fields plus our explanation. The
    `query` echoed is the example as FollowTheMoney reads it (lists of cleaned strings). With
    `receipt=true` each response also holds a `receipt` (api.match_receipts).

    (The answer is built as the schema says and sent without a second validation.)
    """
    state = state_of(request)
    chosen = algorithm_named(algorithm)
    _refuse_options(body, chosen)
    if not body.queries:
        raise HTTPException(400, "queries: none provided")
    if len(body.queries) > state.settings.max_match_queries:
        raise HTTPException(400, f"queries: more than {state.settings.max_match_queries} in one request")
    if receipt:
        unrecorded = {
            "include_dataset": include_dataset, "exclude_dataset": exclude_dataset,
            "exclude_schema": exclude_schema, "exclude_entity_ids": exclude_entity_ids,
            "changed_since": changed_since, "topics": topics,
        }  # fmt: skip
        refuse_unrecorded_filters(unrecorded)
    signing_key = state.signing_key() if receipt else None  # no key: refused before screening
    snapshot = state.snapshot()
    sources = dataset_sources(snapshot, dataset)
    filtered = (
        include_dataset or exclude_dataset or exclude_entity_ids or exclude_schema or changed_since or topics
    )
    admits = (
        result_filter(
            snapshot,
            scope=dataset_scope(snapshot, dataset, include_dataset, exclude_dataset),
            exclude_entity_ids=exclude_entity_ids,
            exclude_schema=exclude_schema,
            changed_since=changed_since,
            topics=topics,
            canonical=lambda given: state.entity_json.canonical(snapshot, given),
        ).predicate()
        if filtered
        else None  # the common call: nothing to build
    )
    caller = request.state.principal.label
    versions = snapshot.list_versions
    receipts = (
        None
        if signing_key is None
        else MatchReceipts(
            signing_key,
            actor=caller,
            settings=Settings(min(cutoff, threshold), limit),
            versions=snapshot.versions,
            extra={"dataset": dataset, "algorithm": chosen.name, "threshold": threshold, "cutoff": cutoff},
        )
    )

    def answer() -> dict[str, Any]:
        responses: dict[str, Any] = {}
        for key, example in body.queries.items():
            try:
                party = party_from_example(example.schema_, example.properties, query_id=key)
                party.sources = sources
                if chosen.names_only:
                    party = _names_only(party)
                hits = screen_party(
                    snapshot.screener, party, threshold=min(cutoff, threshold), limit=limit, admits=admits
                )
                echoed = clean_properties(example.schema_, example.properties)
            except QueryError as exc:  # named by where it is in the request
                raise QueryError(f"queries.{key}.{exc}") from None
            state.trail.note(caller, "match", [example.schema_, example.properties], hits, versions)
            if receipts is not None:
                given = {"id": example.id, "schema": example.schema_, "properties": echoed}
                receipts.add(key, party, hits, given)
            results = []
            for hit in hits:
                shown = state.entity_json.get(snapshot, hit.entity_id)
                if shown is not None:
                    results.append(scored_response(hit, shown, threshold))
            weighed = NAME_ONLY_PROPERTIES if chosen.names_only else SCREENED_PROPERTIES
            responses[key] = {
                "status": 200,
                "results": results,
                "total": {"value": len(results), "relation": "eq"},
                "query": {"id": example.id, "schema": example.schema_, "properties": echoed},
                "unscreened": sorted(p for p in echoed if p not in weighed),
            }
        if receipts is not None:
            receipts.sign(
                state.registry.engine, responses, subject=f"match {dataset}: {len(responses)} queries"
            )
        return responses

    # One example (the common call, a millisecond of CPU) is answered on the event loop: a thread hop
    # would cost more than it frees. Batches of examples go to a worker thread, so that a request of a
    # hundred does not hold up every other connection (health checks included) while it runs.
    single = len(body.queries) == 1 and not receipt  # signing writes to the database: not on the loop
    try:
        responses = answer() if single else await run_in_threadpool(answer)
    finally:
        if receipts is not None:
            receipts.close()
    evidence = tuple(sorted(snapshot.screener.model.evidence.items()))
    return FastJSONResponse(
        {"responses": responses, "matcher": matcher_docs(evidence), "limit": limit},
        headers={"x-batch-size": str(len(responses))},
    )


@router.get(
    "/algorithms",
    response_model=AlgorithmResponse,
    dependencies=[Viewer, Depends(refuse_unknown_params)],
    summary="The scoring algorithms /match accepts (yente's shape)",
    tags=["System information"],
)
def algorithms(request: Request) -> dict[str, Any]:
    """Ours, with each feature's coefficient in the model in use; `best` names the one yente's
    `algorithm=best` selects, `default` what /match uses when none is given."""
    snapshot = state_of(request).snapshot()
    features = matcher_docs(tuple(sorted(snapshot.screener.model.evidence.items())))
    listed = []
    for algo in ALGORITHMS.values():
        own = {k: v for k, v in features.items() if not algo.names_only or k in _NAME_ONLY_FEATURES}
        docs = {"name": algo.name, "description": algo.description, "config": {}, "features": own}
        listed.append({"name": algo.name, "description": algo.description, "features": own, "docs": docs})
    return {"algorithms": listed, "default": DEFAULT_ALGORITHM, "best": BEST}
