"""yente's query-by-example matching: POST /match/{dataset}, same request, same response."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from sanctionwatch.api.deps import dataset_sources
from sanctionwatch.api.responses import FastJSONResponse
from sanctionwatch.api.security import Analyst
from sanctionwatch.api.state import state_of
from sanctionwatch.api.yente import (
    EntityMatchQuery,
    EntityMatchResponse,
    ErrorResponse,
    matcher_docs,
    scored_response,
)
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.screening.examples import party_from_example
from sanctionwatch.screening.party import screen_party
from sanctionwatch.screening.query import QueryError

router = APIRouter(tags=["Matching"])
ALGORITHMS = ("sanctionwatch", "best", "default", "logic-v2", "logic-v1", "name-based", "regression-v1")
DEFAULT_CUTOFF = TUNING.shown_floor  # results below this are not returned at all (yente's `cutoff`)


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    dependencies=[Analyst],
    summary="Query-by-example matching (yente-compatible)",
)
async def match(
    request: Request,
    body: EntityMatchQuery,
    dataset: str,
    limit: int = Query(5, ge=1, le=500, description="Results per query"),
    threshold: float = Query(TUNING.threshold, ge=0.0, le=1.0, description="Score at which `match` is true"),
    cutoff: float = Query(DEFAULT_CUTOFF, ge=0.0, le=1.0, description="Lowest score returned at all"),
    algorithm: str = Query("sanctionwatch", description="Accepted for compatibility: one engine scores"),
) -> FastJSONResponse:
    """Each example (`schema` and FtM `properties`: name, birthDate, nationality, idNumber ...) is
    screened against the dataset's lists; results carry yente's fields plus our explanation.

    (The answer is built as the schema says and sent without a second validation.)
    """
    state = state_of(request)
    if algorithm not in ALGORITHMS:
        raise HTTPException(400, f"algorithm: unknown {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    if not body.queries:
        raise HTTPException(400, "queries: none provided")
    if len(body.queries) > state.settings.max_match_queries:
        raise HTTPException(400, f"queries: more than {state.settings.max_match_queries} in one request")
    snapshot = state.snapshot()
    sources = dataset_sources(snapshot, dataset)
    caller = request.state.principal.label
    versions = snapshot.list_versions

    def answer() -> dict[str, Any]:
        responses: dict[str, Any] = {}
        for key, example in body.queries.items():
            try:
                party = party_from_example(example.schema_, example.properties, query_id=key)
                party.sources = sources
                hits = screen_party(snapshot.screener, party, threshold=min(cutoff, threshold), limit=limit)
            except QueryError as exc:  # named by where it is in the request
                raise QueryError(f"queries.{key}.{exc}") from None
            state.trail.note(caller, "match", [example.schema_, example.properties], hits, versions)
            results = []
            for hit in hits:
                shown = state.entity_json.get(snapshot, hit.entity_id)
                if shown is not None:
                    results.append(scored_response(hit, shown, threshold))
            responses[key] = {
                "status": 200,
                "results": results,
                "total": {"value": len(results), "relation": "eq"},
                "query": example.model_dump(by_alias=True),
            }
        return responses

    # One example (the common call, a millisecond of CPU) is answered on the event loop: a thread hop
    # would cost more than it frees. Batches of examples go to a worker thread, so that a request of a
    # hundred does not hold up every other connection (health checks included) while it runs.
    single = len(body.queries) == 1
    responses = answer() if single else await run_in_threadpool(answer)
    evidence = tuple(sorted(snapshot.screener.model.evidence.items()))
    return FastJSONResponse(
        {"responses": responses, "matcher": matcher_docs(evidence), "limit": limit},
        headers={"x-batch-size": str(len(responses))},
    )
