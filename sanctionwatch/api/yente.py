"""yente's request and response shapes (OpenSanctions' screening API), so that its clients work
against Sanctionwatch by changing only the base URL; and the datasets those clients name."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sanctionwatch.api.contracts.screening import ExplanationBody
from sanctionwatch.model import Entity, is_ftm_source
from sanctionwatch.registry.ftm import FtmFragment, merged_proxy, stated_dates_of
from sanctionwatch.screening.explanation import Explanation
from sanctionwatch.screening.live import RecordDates
from sanctionwatch.screening.query import Hit
from sanctionwatch.sources.datasets import FTM_DATASETS, ftm_dataset
from sanctionwatch.sources.ftm import to_ftm

# OpenSanctions' dataset names, for the lists we ingest (clients may use either name).
DATASET_ALIASES: dict[str, tuple[str, ...]] = {
    "default": (),
    "sanctions": (),
    **{name: (source,) for source, name in FTM_DATASETS.items()},
    "gb_hmt_sanctions": ("uk",),  # OFSI's ConList, retired; source `uk` is now the UK Sanctions List
}


class ErrorResponse(BaseModel):
    detail: str


class EntityExample(BaseModel):
    # Only what screening reads: another key (an entity's `caption`, `datasets` posted back as an example)
    # is refused naming it (422), not silently left unread.
    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    id: str | None = Field(None, max_length=200)
    schema_: str = Field(..., alias="schema", max_length=64, examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(..., examples=[{"name": ["Kim Jong Un"]}])


class EntityMatchQuery(BaseModel):
    # A key yente does not know either is refused, not ignored (422, naming it).
    model_config = ConfigDict(extra="forbid")
    weights: dict[str, float] = Field(
        {},
        description="yente's per-request feature weights: refused (400, naming them) when given; our "
        "coefficients are learned together and calibrated (GET /algorithms lists them)",
    )
    config: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict,
        description="Algorithm options: ours take none, so any key is refused (400, naming it)",
    )
    queries: dict[str, EntityExample]


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = True
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class FeatureExplanation(BaseModel):
    """One feature's part in a score, as nomenklatura explains it."""

    score: float
    detail: str


class ScoredEntityResponse(EntityResponse):
    score: float
    match: bool
    features: dict[str, float]
    explanations: dict[str, FeatureExplanation] = {}  # the name, then each piece of evidence
    explanation: ExplanationBody = Field(
        description="Sanctionwatch's whole explanation of the score (as POST /screen gives it)"
    )


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample
    unscreened: list[str] = Field(
        default_factory=list,
        description="Properties of the example that the scores did not weigh (an address, an e-mail; with "
        "algorithm=name-based, everything but the names): said, so that no one takes them as checked",
    )
    receipt: dict[str, Any] | None = Field(
        None,
        description="With ?receipt=true (not Yente's): the signed receipt of this query's screening (format "
        "sanctionwatch-receipt/1). Saved as canonical JSON (keys sorted, no whitespace, UTF-8) and a newline, "
        "it is the file `sanctionwatch receipt verify` checks",
    )


class FeatureDoc(BaseModel):
    description: str
    coefficient: float
    url: str | None = None


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None = None
    config: dict[str, Any] = {}
    features: dict[str, FeatureDoc]


class AlgorithmInfo(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc] = Field(description="As in `docs` (yente keeps it, deprecated)")
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    """GET /algorithms, in yente's shape: what `algorithm=` accepts on /match."""

    algorithms: list[AlgorithmInfo]
    default: str
    best: str


class SearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, Any] = {}


class AdjacentResults(BaseModel):
    """One property's adjacent entities, a page of them (yente's AdjacentResultsResponse)."""

    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[EntityResponse | str]


class EntityAdjacentResponse(BaseModel):
    """GET /entities/{id}/adjacent: the entity, then each property's page of adjacent entities."""

    entity: EntityResponse
    adjacent: dict[str, AdjacentResults]


class CatalogDataset(BaseModel):
    """A dataset a client may name: one of our sources, or a collection of them (`children`)."""

    name: str
    title: str
    version: str = Field(description="The active version's number; empty for a collection")
    load: bool
    children: list[str]
    index_current: bool


class CatalogResponse(BaseModel):
    """GET /catalog, in yente's shape: every dataset /match and /search accept, all of them current."""

    datasets: list[CatalogDataset]
    current: list[str]
    outdated: list[str]
    index_stale: bool


def shown_id(entity: Entity) -> str:
    """The id an API client sees: an FtM entity keeps its own id (`NK-aU5y...`, what yente's clients
    store); any other record shows its registry id (`ofac-sdn:36`). Both resolve at /entities/{id}."""
    return entity.source_id if is_ftm_source(entity.source) else entity.id


def source_dataset(source: str) -> str:
    """The dataset name of a source, as an FtM `datasets` value (sources.datasets.ftm_dataset)."""
    return ftm_dataset(source)


def entity_response(
    entity: Entity, records: list[Entity], dates: RecordDates | None = None
) -> dict[str, Any]:
    """A registry record as yente shows it: FtM properties (built by `to_ftm`), the datasets and other
    records of its party, and when the registry first saw the party, last saw it and last saw it change
    (`dates`: None, not known). For FtM sources `ftm_entity_response` is used instead, when the version
    kept the entity as FtM has it (versions of the legacy `ftm` source, before issue 18, did not)."""
    party = to_ftm(entity)[0]
    own = shown_id(entity)
    first_seen, last_seen, last_change = dates.of_party(records) if dates is not None else (None,) * 3
    return {
        "id": own,
        "caption": entity.caption,
        "schema": party["schema"],
        "properties": party.get("properties", {}),
        "datasets": sorted({source_dataset(r.source) for r in records} | {source_dataset(entity.source)}),
        "referents": list(dict.fromkeys(shown_id(r) for r in records if shown_id(r) != own)),
        "target": entity.target,
        # yente's dates, from the registry's versions (RecordDates: the fetch times of list versions).
        "first_seen": first_seen,
        "last_seen": last_seen,
        "last_change": last_change,
    }


def ftm_entity_response(fragments: Sequence[FtmFragment], records: Sequence[Entity] = ()) -> dict[str, Any]:
    """An FtM entity as yente shows it, from the fragments the active FtM datasets hold of its id.

    Two datasets holding one id hold one entity (FtM's rule): properties are merged (FtM's merge, which
    takes the more specific schema), datasets and referents united, and it is a target if any dataset
    targets it. A fragment whose schema cannot be merged (a Person and a Vessel under one id) gives
    the values its first fragment's schema has room for. `records` are the other lists' records of the
    same party (linked by `matching.parties`): their datasets and ids are added, as for any party.
    """
    first = fragments[0].data
    proxy = merged_proxy(fragments)
    # The datasets the entity says it is in (an OpenSanctions export names its sources), and the dataset
    # it was loaded as here (yente's clients scope by that name).
    datasets = {d for f in fragments for d in [*f.data.get("datasets", []), source_dataset(f.source)]}
    datasets |= {source_dataset(r.source) for r in records if not is_ftm_source(r.source)}
    referents = [r for f in fragments for r in f.data.get("referents", [])]
    referents += [shown_id(r) for r in records]
    first_seen, last_seen, last_change = stated_dates_of(f.data for f in fragments)
    return {
        "id": proxy.id,
        "caption": str(first.get("caption") or proxy.caption),
        "schema": proxy.schema.name,
        "properties": proxy.to_dict()["properties"],
        "datasets": sorted(datasets),
        "referents": [r for r in dict.fromkeys(referents) if r != proxy.id],
        "target": any(bool(f.data.get("target")) for f in fragments),
        "first_seen": first_seen,
        "last_seen": last_seen,
        "last_change": last_change,
    }


def scored_response(hit: Hit, shown: dict[str, Any], threshold: float) -> dict[str, Any]:
    """A hit as yente shows a result: the entity (`shown`, from entity_response) with its score."""
    explanation = hit.explanation
    name = explanation.name if explanation is not None else None
    features: dict[str, float] = {"name_score": float(name.name_score if name is not None else hit.score)}
    if explanation is not None and explanation.name_model is not None:
        strongest = explanation.name_model.strongest_features
        features.update({f"name_model.{k}": float(v) for k, v in strongest.items()})
    for item in explanation.evidence if explanation is not None else ():
        if item.weight is not None:
            features[item.feature.value] = float(item.weight)
    return {
        **shown,
        "score": round(hit.score, 4),
        "match": hit.score >= threshold,
        "features": features,
        "explanations": _feature_explanations(explanation),
        # ours, whole: what an analyst reads (see screening.explanation)
        "explanation": hit.explanation_json(),
    }


def _feature_explanations(explanation: Explanation | None) -> dict[str, dict[str, Any]]:
    """nomenklatura's shape, one {score, detail} per feature: the names word for word, then each piece
    of evidence with the weight it carried."""
    name = explanation.name if explanation is not None else None
    pairs = ", ".join(
        f"{p.query}={p.listed}" + ("" if p.similarity == 1.0 else f" ({p.similarity})")
        for p in (name.token_pairs if name is not None else ())
    )
    unmatched = name.unmatched_query_tokens if name is not None else ()
    detail = f"{explanation.matched_name if explanation is not None else ''}: {pairs or 'no word matched'}"
    if unmatched:
        detail += f"; not found: {', '.join(unmatched)}"
    out = {"name": {"score": float(name.name_score if name is not None else 0.0), "detail": detail}}
    for item in explanation.evidence if explanation is not None else ():
        weight = item.weight if item.weight is not None else 0.0
        out[item.feature.value] = {"score": float(weight), "detail": item.detail}
    return out


_EVIDENCE_DOCS = {
    "birth_date_same": "The query's birth date is the listed one, day for day",
    "birth_year_fits": "The query's birth year is within the listed dates",
    "birth_date_near": "The birth years differ by at most two",
    "birth_date_far": "The birth years are more than two apart",
    "country_linked": "The query's country is among the listed party's countries",
    "country_other": "The query's country is not among the listed party's countries",
    "schema_other": "A person against an organization, or the reverse (capped at 0.1)",
}


@cache
def matcher_docs(evidence_weights: tuple[tuple[str, float], ...]) -> dict[str, Any]:
    """What the scores are made of, in yente's `matcher` shape: the name model, then each evidence
    kind with the logit it adds (its coefficient). Cached: the same for every request of a model."""
    weights = dict(evidence_weights)
    docs = {
        "name_score": FeatureDoc(
            description="The learned name model: transliteration-aware alignment of the query's names "
            "with the listed names, weighted by word rarity (see each result's explanations)",
            coefficient=1.0,
        )
    }
    for kind, description in _EVIDENCE_DOCS.items():
        docs[kind] = FeatureDoc(description=description, coefficient=round(weights.get(kind, 0.0), 4))
    return {name: doc.model_dump() for name, doc in docs.items()}
