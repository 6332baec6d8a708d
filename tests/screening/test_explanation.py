"""The typed explanation and the vocabularies: the JSON they serialize to is the contract every
interface shows (API, CLI, batch files, stored alerts), so it is pinned here key by key, in order."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from sanctionwatch.api.contracts import JobBody, ScreenResponse, VersionBody
from sanctionwatch.api.settings import ServiceSettings
from sanctionwatch.matching.evidence import Effect, EvidenceFeature, EvidenceKind
from sanctionwatch.matching.model import EVIDENCE_KINDS, default_model
from sanctionwatch.model import DateValue, Entity, Identifier, Name
from sanctionwatch.registry.tables import VersionStatus
from sanctionwatch.screening.explanation import (
    EvidenceShown,
    Explanation,
    LinkedRecord,
    NameExplanation,
    NameModelExplanation,
    TokenPairShown,
)
from sanctionwatch.screening.jobs import JobStatus
from sanctionwatch.screening.query import Query
from sanctionwatch.screening.screener import Screener
from sanctionwatch.service import create_service

FULL = Explanation(
    matched_name="KIM, Jong Un",
    evidence=(
        EvidenceShown(EvidenceFeature.BIRTH_DATE, Effect.RAISES, "same birth date 1984-01-08", 2.481),
        EvidenceShown(EvidenceFeature.IDENTIFIER, Effect.DECIDES, "Passport 836410035 matches exactly"),
    ),
    score=0.9934,
    name=NameExplanation(
        weak_alias=False,
        name_score=0.9712,
        query_coverage=1.0,
        listed_coverage=0.9,
        token_pairs=(TokenPairShown("kim", "kim", 1.0), TokenPairShown("jongun", "jongun", 0.96)),
        unmatched_query_tokens=(),
        unmatched_listed_tokens=("chol",),
    ),
    name_model=NameModelExplanation({"query_coverage": 1.234, "exact_share": -0.5}, "whole name"),
    linked_records=(LinkedRecord("un:KPi.066", "UN reference KPi.066"),),
)


def test_a_full_explanation_serializes_to_the_documented_shape() -> None:
    assert json.dumps(FULL.to_json()) == json.dumps(
        {
            "matched_name": "KIM, Jong Un",
            "weak_alias": False,
            "name_score": 0.9712,
            "query_coverage": 1.0,
            "listed_coverage": 0.9,
            "token_pairs": [
                {"query": "kim", "listed": "kim", "similarity": 1.0},
                {"query": "jongun", "listed": "jongun", "similarity": 0.96},
            ],
            "unmatched_query_tokens": [],
            "unmatched_listed_tokens": ["chol"],
            "evidence": [
                {
                    "feature": "birth_date",
                    "effect": "raises",
                    "detail": "same birth date 1984-01-08",
                    "weight": 2.481,
                },
                {
                    "feature": "identifier",
                    "effect": "decides",
                    "detail": "Passport 836410035 matches exactly",
                },
            ],
            "score": 0.9934,
            "name_model": {
                "strongest_features": {"query_coverage": 1.234, "exact_share": -0.5},
                "exact_name": "whole name",
            },
            "linked_records": [{"source_id": "un:KPi.066", "linked_by": "UN reference KPi.066"}],
        }
    )


def test_an_identifier_hit_leaves_out_what_does_not_apply() -> None:
    evidence = EvidenceShown(EvidenceFeature.IDENTIFIER, Effect.DECIDES, "IMO 7937317 matches exactly")
    shown = Explanation("SOME VESSEL", (evidence,), 0.99).to_json()
    assert shown == {
        "matched_name": "SOME VESSEL",
        "evidence": [{"feature": "identifier", "effect": "decides", "detail": "IMO 7937317 matches exactly"}],
        "score": 0.99,
    }
    # Plain strings, not enum members: every encoder (json, orjson, pyarrow, openpyxl) writes them alike.
    assert type(shown["evidence"][0]["effect"]) is str


def test_vocabularies_keep_the_stored_strings() -> None:
    assert [k.value for k in EvidenceKind] == [
        "birth_date_same", "birth_year_fits", "birth_date_near", "birth_date_far",
        "country_linked", "country_other", "schema_other",
    ]  # fmt: skip
    assert tuple(EvidenceKind) == EVIDENCE_KINDS
    assert set(default_model().evidence) == {k.value for k in EvidenceKind}  # the shipped weights' keys
    assert [e.value for e in Effect] == ["raises", "lowers", "decides"]
    assert [s.value for s in JobStatus] == ["queued", "running", "done", "failed"]
    assert {s.value for s in VersionStatus} == {"held", "active", "superseded"}
    assert json.dumps({"status": JobStatus.DONE}) == '{"status": "done"}'
    with pytest.raises(ValueError, match="'paused'"):
        JobStatus("paused")  # a status this code does not know is refused, not carried along


@pytest.fixture(scope="module")
def screener() -> Screener:
    passport = [Identifier("passport", "836410035", "kp", label="Passport")]
    return Screener.from_entities(
        [
            Entity("ofac-sdn", "1", "Person", names=[Name("KIM, Jong Un")], identifiers=passport,
                   birth_dates=[DateValue("1984-01-08")], nationalities=["kp"], programs=["DPRK"]),
            Entity("un", "KPi.066", "Person", names=[Name("KIM JONG UN")], identifiers=passport,
                   birth_dates=[DateValue("1984-01-08")], programs=["DPRK-UN"]),
            Entity("ofac-sdn", "2", "Vessel", names=[Name("CHONG GEN")],
                   identifiers=[Identifier("imo", "7937317", label="IMO")]),
        ]
    )  # fmt: skip


QUERIES = [
    Query("Jong Un Kim", "Person", "1984-01-08", "kp", "836410035"),  # name, evidence, identifier, linked
    Query("Kim Jong Un", "Vessel", country="ru"),  # kind mismatch, country evidence
    Query("", identifier="IMO 7937317"),  # identifier alone: no name part
]


@pytest.mark.parametrize("query", QUERIES, ids=["full", "mismatch", "identifier"])
def test_the_screen_contract_passes_every_explanation_through_unchanged(
    screener: Screener, query: Query
) -> None:
    """What FastAPI does with /screen's answer (validate, then dump as declared) changes no byte."""
    hits = screener.screen(query, threshold=0.0)
    assert hits
    body: dict[str, Any] = {
        "threshold": 0.0,
        "hits": [h.to_json() for h in hits],
        "list_versions": [{"source": "ofac-sdn", "version": 3}],
    }
    passed = ScreenResponse.model_validate(body).model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert json.dumps(passed) == json.dumps(body)


def test_job_and_version_contracts_keep_every_field() -> None:
    job = {
        "id": "j", "status": "done", "input_name": "a.csv", "output_format": "csv", "rows_done": 2,
        "rows_with_hits": 1, "rows_failed": 0, "error": None, "created_at": "2024-01-01T00:00:00+00:00",
        "finished_at": None, "result_url": "/jobs/j/result",
    }  # fmt: skip
    version = {
        "source": "un", "version": 2, "published": None, "fetched": "2024-01-01T00:00:00+00:00",
        "entities": 10, "active": True, "status": "active", "status_reason": None, "format": "un-xml",
        "files": [{"name": "un.xml", "sha256": "ab"}],
    }  # fmt: skip
    for model, body in ((JobBody, job), (VersionBody, version)):
        assert json.dumps(model.model_validate(body).model_dump(mode="json")) == json.dumps(body)


def test_the_openapi_document_shows_the_contracts() -> None:
    app = create_service(
        ServiceSettings(database="sqlite://", secret="schema-only", jobs_dir=Path(tempfile.mkdtemp()))
    )
    document = app.openapi()
    schemas = document["components"]["schemas"]
    assert {"ScreenResponse", "HitBody", "ExplanationBody", "EvidenceBody", "JobBody", "VersionsResponse",
            "KeysResponse", "NewKeyResponse", "HealthResponse", "DeletedCustomer"} <= set(schemas)  # fmt: skip
    assert schemas["Effect"]["enum"] == ["raises", "lowers", "decides"]
    assert schemas["JobStatus"]["enum"] == ["queued", "running", "done", "failed"]

    def answer(path: str, method: str, code: str = "200") -> str:
        content = document["paths"][path][method]["responses"][code]["content"]["application/json"]
        return str(content["schema"]["$ref"]).rsplit("/", 1)[-1]

    assert answer("/screen", "post") == "ScreenResponse"
    assert answer("/lists", "get") == "VersionsResponse"
    assert answer("/jobs", "post", "202") == answer("/jobs/{job_id}", "get") == "JobBody"
    assert answer("/admin/keys", "get") == "KeysResponse"
    assert answer("/healthz", "get") == "HealthResponse"
