"""FtM Ownership and Directorship entities of an imported dataset feed the ownership network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sanctionwatch.ownership.aggregate import Standing
from sanctionwatch.ownership.assembly import load_network
from sanctionwatch.ownership.graph import HoldingKind
from sanctionwatch.ownership.rules import Authority
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import update_from_files

SOURCE = "ftm:us_ofac_sdn"  # a FtM export of OFAC's SDN list counts as OFAC's list


def entity(id: str, schema: str, target: bool | None = None, **properties: list[str]) -> str:
    data: dict[str, object] = {
        "id": id,
        "schema": schema,
        "properties": properties,
        "datasets": ["us_ofac_sdn"],
    }
    if target is not None:
        data["target"] = target
    return json.dumps(data)


@pytest.fixture
def registry(database_url: str) -> Iterator[Registry]:  # SQLite and PostgreSQL alike (database_url)
    opened = Registry.open(database_url)
    try:
        yield opened
    finally:
        opened.close()


def test_ownership_entities_block_under_ofac_with_their_share_and_dates(
    registry: Registry, tmp_path: Path
) -> None:
    lines = [
        entity("x-person", "Person", True, name=["Pak Chol Su"], topics=["sanction"]),
        entity("a-company", "Company", False, name=["Eastern Ore Holding"]),
        entity("b-company", "Company", False, name=["Eastern Ore Shipping"]),
        entity("c-company", "Company", False, name=["Old Pier Logistics"]),
        entity(
            "own-1",
            "Ownership",
            owner=["x-person"],
            asset=["a-company"],
            percentage=["60"],
            startDate=["2020"],
        ),
        entity("own-2", "Ownership", owner=["a-company"], asset=["b-company"], percentage=["50"]),
        entity(
            "own-3",
            "Ownership",
            owner=["x-person"],
            asset=["c-company"],
            percentage=["90"],
            endDate=["2019-05"],
        ),
        entity("dir-1", "Directorship", director=["x-person"], organization=["c-company"]),
        entity("own-bad", "Ownership", owner=["x-person"], asset=["c-company"], percentage=["most"]),
    ]
    path = tmp_path / "sdn.ftm.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [outcome] = update_from_files(registry, [path], source=SOURCE)
    assert outcome.error is None, outcome.error

    network = load_network(registry)
    ofac = network.assessors[Authority.OFAC]
    a, b, c = (f"{SOURCE}:{n}" for n in ("a-company", "b-company", "c-company"))
    assert ofac.findings[f"{SOURCE}:x-person"].standing is Standing.LISTED
    assert (ofac.findings[a].standing, ofac.findings[a].share) == (Standing.BLOCKED, 600_000)
    assert ofac.findings[b].standing is Standing.BLOCKED  # 50 % by a blocked company
    assert c not in ofac.findings  # held until May 2019 only; a directorship weighs nothing
    assert network.name(b) == "Eastern Ore Shipping"
    kinds = {(h.owner.rsplit(":", 1)[1], h.owned.rsplit(":", 1)[1]): h.kind for h in network.graph}
    assert kinds[("x-person", "c-company")] in (HoldingKind.OWNERSHIP, HoldingKind.DIRECTORSHIP)
    assert any("own-bad: not a percentage: 'most'" in p for p in network.problems)
    # The ended holding counts on a day it was in force.
    earlier = load_network(registry, day=date(2019, 1, 1))
    assert earlier.assessors[Authority.OFAC].findings[c].standing is Standing.BLOCKED
