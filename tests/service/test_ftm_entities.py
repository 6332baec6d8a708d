"""FtM datasets served over HTTP as yente serves them (issue 18): the entities under their own FtM ids,
referents redirecting to the entity they were merged into, `target` as the file set it, non-parties
served and nested, one id in two datasets shown as one entity; registry ids keep working."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.roles import Role
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files, update_from_files
from tests.service.conftest import make_settings, start_server

PERSON = "NK-aU5ybkbRFJucf8YMwsJvDw"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path) -> Iterator[httpx.Client]:
    scratch = tmp_path_factory.mktemp("ftm-service")
    url = f"sqlite:///{scratch / 'registry.db'}"
    registry = Registry.open(url)
    try:
        folder = fixtures_dir / "ftm_datasets"
        for paths, source in (
            (sample_files()["ofac-sdn"], None),
            ([folder / "alpha_sanctions.ftm.json"], "ftm"),
            ([folder / "beta_list.ftm.json"], "ftm"),
        ):
            outcomes = update_from_files(registry, paths, source=source)
            assert all(o.error is None for o in outcomes), outcomes
        key = ApiKeys(registry.engine).create("ftm-test", Role.ANALYST.value)[1]
    finally:
        registry.close()
    running = start_server(make_settings(url, scratch))
    try:
        with httpx.Client(base_url=running.url, headers={"Authorization": f"ApiKey {key}"}, timeout=30) as c:
            yield c
    finally:
        running.stop()


def _get(client: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_ftm_party_keeps_its_id_datasets_and_referents(client: httpx.Client) -> None:
    shown = _get(client, f"/entities/{PERSON}", nested="false")
    assert (shown["id"], shown["schema"], shown["target"]) == (PERSON, "Person", True)
    assert shown["datasets"] == ["alpha_sanctions"]
    assert shown["referents"] == ["ofac-45937", "alpha-old-1"]
    assert shown["properties"]["addressEntity"] == ["alpha-addr-1"]  # not nested: the id
    assert shown["first_seen"] == "2024-01-02T00:00:00"
    # The registry id finds the same entity, shown under its FtM id.
    assert _get(client, f"/entities/ftm:alpha_sanctions:{PERSON}", nested="false") == shown


def test_a_referent_redirects_to_its_entity(client: httpx.Client) -> None:
    response = client.get("/entities/ofac-45937", params={"nested": "false"})
    assert response.status_code == 308
    assert response.headers["location"] == f"/entities/{PERSON}?nested=false"
    assert client.get("/entities/ofac-45937", follow_redirects=True).json()["id"] == PERSON
    assert client.get("/entities/no-such-entity").status_code == 404


def test_nested_entity_shows_its_graph(client: httpx.Client) -> None:
    properties = _get(client, f"/entities/{PERSON}")["properties"]
    assert [s["id"] for s in properties["sanctions"]] == ["alpha-sanction-1"]
    assert "entity" not in properties["sanctions"][0]["properties"]  # no way back to the root
    assert [a["properties"]["full"] for a in properties["addressEntity"]] == [["1 Example Street, Moscow"]]
    assert [d["id"] for d in properties["identification"]] == ["alpha-passport-1"]
    # An edge (Directorship, Family) shows its far end too.
    [directorship] = properties["directorshipDirector"]
    assert [o["id"] for o in directorship["properties"]["organization"]] == ["alpha-co-1"]
    [family] = properties["familyPerson"]
    [relative] = family["properties"]["relative"]
    assert (relative["id"], relative["target"]) == ("alpha-owner-1", False)
    company = _get(client, "/entities/alpha-co-1")["properties"]
    [ownership] = company["ownershipAsset"]
    assert [o["id"] for o in ownership["properties"]["owner"]] == ["alpha-owner-1"]
    assert [p["id"] for p in company["paymentPayer"]] == ["alpha-pay-1"]


def test_non_targets_and_non_parties_are_served(client: httpx.Client) -> None:
    owner = _get(client, "/entities/alpha-owner-1", nested="false")
    assert (owner["schema"], owner["target"], owner["datasets"]) == ("Person", False, ["alpha_sanctions"])
    payment = _get(client, "/entities/alpha-pay-1", nested="false")
    assert (payment["schema"], payment["target"]) == ("Payment", False)
    assert payment["properties"]["payer"] == ["alpha-co-1"]


def test_one_id_in_two_datasets_is_one_entity(client: httpx.Client) -> None:
    shared = _get(client, "/entities/NK-shared1", nested="false")
    assert shared["datasets"] == ["alpha_sanctions", "beta_list"]
    assert set(shared["properties"]["alias"]) == {"Sergey Sharedov"}
    assert set(shared["properties"]["nationality"]) == {"by"}
    assert shared["referents"] == ["beta-old-shared"]
    assert _get(client, "/entities/ftm:beta_list:NK-shared1", nested="false") == shared


def test_match_shows_ftm_ids_and_non_targets(client: httpx.Client) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Olga Alphaeva"]}}}}
    response = client.post("/match/default", json=body)
    assert response.status_code == 200, response.text
    [best, *_] = response.json()["responses"]["q"]["results"]
    assert (best["id"], best["target"], best["datasets"]) == ("alpha-owner-1", False, ["alpha_sanctions"])
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Sergei Sharedov"]}}}}
    results = client.post("/match/default", json=body).json()["responses"]["q"]["results"]
    # Two datasets' records of one FtM id are one party: one result, both datasets.
    assert [(r["id"], r["datasets"]) for r in results if r["id"] == "NK-shared1"] == [
        ("NK-shared1", ["alpha_sanctions", "beta_list"])
    ]


def test_registry_ids_of_official_lists_work_as_before(client: httpx.Client) -> None:
    shown = _get(client, "/entities/ofac-sdn:15603")
    assert shown["id"] == "ofac-sdn:15603" and "FOREIGN TRADE BANK" in shown["caption"]


def test_match_by_the_ftm_dataset_name(client: httpx.Client) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Boris Betanov"]}}}}
    for dataset in ("beta_list", "ftm:beta_list"):
        response = client.post(f"/match/{dataset}", json=body)
        assert response.status_code == 200, response.text
        assert [r["id"] for r in response.json()["responses"]["q"]["results"]][:1] == ["beta-p2"]
    only_alpha = client.post("/match/alpha_sanctions", json=body).json()["responses"]["q"]["results"]
    assert "beta-p2" not in [r["id"] for r in only_alpha]
