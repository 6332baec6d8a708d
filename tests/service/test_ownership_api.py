"""Ownership over HTTP: a customer blocked through a company that two listed parties own together.

The lists are two real OFAC SDN rows (KOMID, 9345, and Tanchon Commercial Bank, 9346, from the 2024
file in ../shared/data); the holdings are a small file imported as `sanctionwatch ownership import`
would: KOMID owns 40 % and Tanchon 22.5 % of Sunrise Minerals Ltd, which owns 50 % of customer C-100.
OFAC adds the two listed owners' shares (62.5 %, blocked) and C-100 is blocked through Sunrise; the
EU and UK rules count one designated person's holdings only, so neither passes 50 % there.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.roles import Role
from sanctionwatch.access.users import Users
from sanctionwatch.ownership.store import OwnershipStore, Resolver
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import update_from_files
from sanctionwatch.screening.screener import Screener
from tests.service.conftest import PASSWORD, Service, make_settings, start_server

SUNRISE = "party:sunrise minerals ltd"
HOLDINGS = (
    "owner,owner_id,owned,owned_id,percentage,source\n"
    "KOREA MINING DEVELOPMENT TRADING CORPORATION,,Sunrise Minerals Ltd,,40,registry extract\n"
    "Tanchon Commercial Bank,,Sunrise Minerals Ltd,,22.5,registry extract\n"
    "Sunrise Minerals Ltd,,C-100 Trading,customer:C-100,50,KYC file\n"
)


def real_rows(shared_data: Path, *ids: str) -> str:
    """The SDN file's own rows for the given entity numbers (as OFAC published them in May 2024)."""
    with gzip.open(shared_data / "ofac_sdn_csv_2024" / "sdn_2024-05-03.csv.gz", "rt", encoding="utf-8") as f:
        rows = [line for line in f if line.split(",", 1)[0] in ids]
    assert len(rows) == len(ids)
    return "".join(rows)


def import_holdings(database: str, path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    registry = Registry.open(database)
    try:
        result = OwnershipStore(registry.engine).import_file(path, Resolver(Screener.from_registry(registry)))
    finally:
        registry.close()
    assert not result.errors, result.errors


@pytest.fixture(scope="module")
def owned(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Service]:
    scratch = tmp_path_factory.mktemp("ownership")
    url = f"sqlite:///{scratch / 'registry.db'}"
    sdn = scratch / "lists" / "sdn.csv"
    sdn.parent.mkdir()
    sdn.write_text(real_rows(shared_data, "9345", "9346"), encoding="utf-8")
    registry = Registry.open(url)
    try:
        outcomes = update_from_files(registry, [sdn])
        assert all(o.error is None for o in outcomes), outcomes
        keys = {role: ApiKeys(registry.engine).create(f"test-{role.value}", role.value)[1] for role in Role}
        for role in Role:  # a user per role, named after it, for the pages (conftest.log_in)
            Users(registry.engine).create(role.value, role.value, PASSWORD)
    finally:
        registry.close()
    import_holdings(url, scratch / "holdings.csv", HOLDINGS)
    settings = make_settings(url, scratch)
    running = start_server(settings)
    try:
        yield Service(running.url, keys, url, settings.jobs_dir)
    finally:
        running.stop()


def get(client: httpx.Client, path: str, status: int = 200, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def by_rule(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["authority"]: f for f in body["findings"]}


def test_the_aggregate_of_two_listed_owners_blocks_under_ofac_only(owned: Service) -> None:
    with owned.client(Role.ANALYST) as client:
        body = get(client, f"/ownership/{quote(SUNRISE)}")
    assert (body["node"], body["name"]) == (SUNRISE, "Sunrise Minerals Ltd")
    rules = by_rule(body)
    ofac = rules["ofac"]
    assert (ofac["standing"], ofac["share"]) == ("blocked", 62.5)
    assert ofac["reason"].startswith("blocked: 62.5 % held by blocked persons")
    assert "40 % by KOREA MINING DEVELOPMENT TRADING CORPORATION (listed)" in ofac["reason"]
    assert ofac["rule"].startswith("OFAC 50 % rule")
    chain = ofac["chain"]
    assert (chain["node"], chain["standing"], chain["share"]) == (SUNRISE, "blocked", None)
    owners = {o["node"]: o for o in chain["owners"]}
    assert set(owners) == {"ofac-sdn:9345", "ofac-sdn:9346"}
    assert (owners["ofac-sdn:9345"]["share"], owners["ofac-sdn:9345"]["standing"]) == (40.0, "listed")
    assert owners["ofac-sdn:9346"]["share"] == 22.5
    assert owners["ofac-sdn:9346"]["source"].startswith("holdings.csv row 2")
    # The EU and UK do not add up different designated persons' shares: nothing is blocked there.
    assert all(rules[a]["standing"] != "blocked" for a in ("eu", "uk") if a in rules)


def test_a_customer_is_blocked_through_its_blocked_owner_with_the_whole_chain(owned: Service) -> None:
    with owned.client(Role.ANALYST) as client:
        ofac = by_rule(get(client, "/ownership/customer:C-100"))["ofac"]
    assert (ofac["standing"], ofac["share"]) == ("blocked", 50.0)
    [sunrise] = ofac["chain"]["owners"]
    assert (sunrise["node"], sunrise["share"], sunrise["standing"]) == (SUNRISE, 50.0, "blocked")
    assert {o["node"] for o in sunrise["owners"]} == {"ofac-sdn:9345", "ofac-sdn:9346"}
    assert all(o["owners"] == [] for o in sunrise["owners"])  # the chain stops at the listed parties


def test_a_listed_party_stands_as_listed_and_an_unknown_key_is_404(owned: Service) -> None:
    with owned.client(Role.ANALYST) as client:
        listed = by_rule(get(client, "/ownership/ofac-sdn:9345"))
        missing = get(client, f"/ownership/{quote('party:nobody at all')}", status=404)
    assert listed["ofac"]["standing"] == "listed" and listed["ofac"]["chain"]["owners"] == []
    assert "party:nobody at all" in missing["detail"]


def test_the_flagged_are_the_parties_no_list_names(owned: Service) -> None:
    with owned.client(Role.ANALYST) as client:
        every = get(client, "/ownership")["flagged"]
        eu_only = get(client, "/ownership", authority="eu")["flagged"]
    found = {f["node"]: f for f in every}
    assert set(found) == {SUNRISE, "customer:C-100"}
    assert found[SUNRISE]["standings"]["ofac"] == "blocked"
    assert found["customer:C-100"]["name"] == "C-100 Trading"
    assert all("ofac" not in f["standings"] for f in eu_only)


def test_unknown_parameters_and_authorities_are_refused(owned: Service) -> None:
    with owned.client(Role.ANALYST) as client:
        unknown = get(client, "/ownership", status=400, rule="ofac")
        bad = get(client, "/ownership", status=400, authority="ca")
        on_key = get(client, "/ownership/customer:C-100", status=400, on="2024-01-01")
    assert "query.rule" in unknown["detail"] and "authority" in unknown["detail"]
    assert "'ca'" in bad["detail"]
    assert "query.on" in on_key["detail"]


def test_a_new_import_is_seen_without_a_restart(owned: Service, tmp_path: Path) -> None:
    with owned.client(Role.ANALYST) as client:
        get(client, "/ownership/customer:C-200", status=404)
        import_holdings(
            owned.database,
            tmp_path / "more.csv",
            "owner,owned,owned_id,percentage\nTanchon Commercial Bank,C-200 Shipping,customer:C-200,51\n",
        )
        ofac = by_rule(get(client, "/ownership/customer:C-200"))["ofac"]
    assert (ofac["standing"], ofac["share"]) == ("blocked", 51.0)


def test_ownership_needs_the_analyst_role(owned: Service) -> None:
    with owned.client(Role.VIEWER) as client:
        assert client.get("/ownership").status_code == 403
    with owned.client() as client:
        assert client.get("/ownership/customer:C-100").status_code == 401


def test_screening_a_name_finds_the_company_blocked_by_ownership_that_no_list_names(owned: Service) -> None:
    with owned.client(Role.ANALYST) as client:
        response = client.post("/screen", json={"name": "Sunrise Minerals Limited", "schema": "Company"})
        assert response.status_code == 200, response.text
        body = response.json()
    assert body["hits"] == []  # no list names it
    [found] = body["ownership"]
    assert found["node"] == SUNRISE and found["score"] >= 0.7
    [ofac] = [f for f in found["findings"] if f["authority"] == "ofac"]
    assert (ofac["standing"], ofac["share"]) == ("blocked", 62.5)
    assert {o["node"] for o in ofac["chain"]["owners"]} == {"ofac-sdn:9345", "ofac-sdn:9346"}
