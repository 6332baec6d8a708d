"""FtM datasets served over HTTP as yente serves them (issue 18): the entities under their own FtM ids,
referents redirecting to the entity they were merged into, `target` as the file set it, non-parties
served and nested, one id in two datasets shown as one entity; registry ids keep working."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sanctionwatch.access.roles import Role
from tests.service.conftest import ftm_service

PERSON = "NK-aU5ybkbRFJucf8YMwsJvDw"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path) -> Iterator[httpx.Client]:
    folder = fixtures_dir / "ftm_datasets"
    files = [folder / f"{name}.ftm.json" for name in ("alpha_sanctions", "beta_list", "gamma_graph")]
    with ftm_service(tmp_path_factory.mktemp("ftm-service"), files, Role.ANALYST) as c:
        yield c


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
    # the way back to the root is its id, not nested (as yente shows it)
    assert properties["sanctions"][0]["properties"]["entity"] == [PERSON]
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


def test_adjacent_entities_paged_by_property_in_the_files_order(client: httpx.Client) -> None:
    """yente's /entities/{id}/adjacent: per property, `limit` from `offset` in the dataset's own order
    (the file lists gamma-addr-z first), each with its total; an edge shows its far end, the way back
    to the root stays an id."""
    whole = _get(client, "/entities/gamma-co/adjacent")
    assert whole["entity"]["id"] == "gamma-co" and whole["entity"]["caption"] == "Gamma Trading LLC"
    addresses = whole["adjacent"]["addressEntity"]
    assert [a["id"] for a in addresses["results"]] == ["gamma-addr-z", "gamma-addr-a"]
    assert (addresses["total"]["value"], addresses["limit"], addresses["offset"]) == (2, 10, 0)
    payments = whole["adjacent"]["paymentPayer"]["results"]
    assert [p["id"] for p in payments] == ["gamma-pay-z", "gamma-pay-a"]
    assert payments[0]["properties"]["payer"] == ["gamma-co"]
    assert [b["id"] for b in payments[0]["properties"]["beneficiary"]] == ["gamma-ben-1", "gamma-ben-2"]
    second = _get(client, "/entities/gamma-co/adjacent", limit=1, offset=1)["adjacent"]
    assert [a["id"] for a in second["addressEntity"]["results"]] == ["gamma-addr-a"]
    assert second["addressEntity"]["total"]["value"] == 2
    one = _get(client, "/entities/gamma-co/adjacent/paymentPayer", limit=1)
    assert ([p["id"] for p in one["results"]], one["total"]["value"]) == (["gamma-pay-z"], 2)
    payment = _get(client, "/entities/gamma-pay-z/adjacent")["adjacent"]
    assert [p["id"] for p in payment["payer"]["results"]] == ["gamma-co"]


def test_adjacent_refuses_what_it_does_not_do(client: httpx.Client) -> None:
    not_entities = client.get("/entities/gamma-co/adjacent/country")
    assert not_entities.status_code == 404 and "country" in not_entities.text
    sort = client.get("/entities/gamma-co/adjacent", params={"sort": "caption:asc"})
    assert sort.status_code == 400 and "sort" in sort.json()["detail"]
    unknown = client.get("/entities/gamma-co/adjacent", params={"limt": "3"})
    assert unknown.status_code == 400 and "limt" in unknown.json()["detail"]
    assert client.get("/entities/no-such-id/adjacent").status_code == 404
    moved = client.get("/entities/gamma-old/adjacent", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"].endswith("/entities/gamma-co")


def test_excluding_a_referent_excludes_the_entity_it_was_merged_into(client: httpx.Client) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Petrovich Alphaev"]}}}}

    def ids(**params: str) -> list[str]:
        response = client.post("/match/alpha_sanctions", json=body, params=params)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["responses"]["q"]["results"]]

    assert PERSON in ids()
    assert PERSON not in ids(exclude_entity_ids=PERSON)
    assert PERSON not in ids(exclude_entity_ids="ofac-45937")  # a referent the client stored


def test_reconcile_extends_an_entity_by_its_ftm_id(client: httpx.Client) -> None:
    extend = {"ids": [PERSON], "properties": [{"id": "nationality"}]}
    response = client.post("/reconcile/alpha_sanctions", data={"extend": json.dumps(extend)})
    assert response.status_code == 200, response.text
    assert response.json()["rows"][PERSON]["nationality"] == [{"str": "Russia"}]
