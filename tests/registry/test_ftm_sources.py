"""FtM datasets as registry sources (issue 18): several side by side, each versioned; the FtM entities
kept as FtM has them (ids, referents, target, non-parties) and read back, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sanctionwatch.model import entity_local_id, entity_source
from sanctionwatch.registry.ftm import FtmEntities
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import update_from_files
from sanctionwatch.sources.catalog import UnknownSourceError, parse_files, source_spec

PERSON = "NK-aU5ybkbRFJucf8YMwsJvDw"


@pytest.fixture
def alpha(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ftm_datasets" / "alpha_sanctions.ftm.json"


@pytest.fixture
def beta(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ftm_datasets" / "beta_list.ftm.json"


def _ingest(registry: Registry, path: Path, source: str | None = "ftm") -> str:
    [outcome] = update_from_files(registry, [path], source=source)
    assert outcome.error is None and outcome.result is not None, outcome.error
    return outcome.source


def _versions(registry: Registry) -> list[int]:
    return [v.id for v in registry.active_versions()]


def test_source_names() -> None:
    assert source_spec("ftm:us_ofac_sdn").name == "ftm:us_ofac_sdn"
    for bad in ("ftm:", "ftm:US_OFAC", "ftm:a-b", "ftm:a__b", "ftm:_a", "ftm:" + "a" * 29):
        with pytest.raises(UnknownSourceError, match="followthemoney dataset name"):
            source_spec(bad)


def test_two_datasets_side_by_side_each_versioned(registry: Registry, alpha: Path, beta: Path) -> None:
    assert _ingest(registry, alpha) == "ftm:alpha_sanctions"  # plain ftm: the file's one dataset
    assert _ingest(registry, beta, None) == "ftm:beta_list"  # no --source: the same
    assert {v.source: v.number for v in registry.active_versions()} == {
        "ftm:alpha_sanctions": 1,
        "ftm:beta_list": 1,
    }
    # The same file again is no new version; the second dataset did not replace the first.
    [again] = update_from_files(registry, [alpha], source="ftm:alpha_sanctions")
    assert again.result is not None and again.result.unchanged
    alpha_version = registry.version("ftm:alpha_sanctions")
    assert alpha_version.entity_count == 4  # parties, targeted or not: the person, the company, two more
    assert alpha_version.stats["import"] == {
        "party": {"Company": 1, "Person": 2},
        "non-target": {"Person": 1},
        "non-party": {
            "Address": 1,
            "Directorship": 1,
            "Family": 1,
            "Ownership": 1,
            "Passport": 1,
            "Payment": 1,
            "Sanction": 1,
        },
    }
    owner = registry.entity("ftm:alpha_sanctions:alpha-owner-1")
    assert owner is not None and owner.target is False
    person = registry.entity(f"ftm:alpha_sanctions:{PERSON}")
    assert person is not None and person.target is True and person.programs == ["Alpha programme"]


def test_a_changed_non_party_is_a_new_version(registry: Registry, alpha: Path, tmp_path: Path) -> None:
    _ingest(registry, alpha)
    edited = tmp_path / alpha.name
    edited.write_text(alpha.read_text().replace('"amount": ["1000000"]', '"amount": ["2000000"]'))
    [outcome] = update_from_files(registry, [edited], source="ftm:alpha_sanctions")
    assert outcome.result is not None and not outcome.result.unchanged
    assert (outcome.result.version.number, outcome.result.changed) == (2, 0)
    store = FtmEntities(registry.engine)
    [payment] = store.get(_versions(registry), ["alpha-pay-1"])["alpha-pay-1"]
    assert payment.data["properties"]["amount"] == ["2000000"]


def test_entities_referents_and_adjacency(registry: Registry, alpha: Path, beta: Path) -> None:
    _ingest(registry, alpha)
    _ingest(registry, beta)
    store, versions = FtmEntities(registry.engine), _versions(registry)
    found = store.get(versions, [PERSON, "alpha-sanction-1", "alpha-owner-1", "NK-shared1", "nowhere"])
    assert set(found) == {PERSON, "alpha-sanction-1", "alpha-owner-1", "NK-shared1"}
    [person] = found[PERSON]
    assert (person.source, person.role, person.data["target"]) == ("ftm:alpha_sanctions", "party", True)
    assert person.data["referents"] == ["ofac-45937", "alpha-old-1"]
    assert found["alpha-owner-1"][0].data["target"] is False
    assert found["alpha-sanction-1"][0].role == "non-party"
    # One id in two datasets: two fragments, one per source.
    assert [f.source for f in found["NK-shared1"]] == ["ftm:alpha_sanctions", "ftm:beta_list"]
    assert store.canonical(versions, "ofac-45937") == [PERSON]
    assert store.canonical(versions, "beta-old-shared") == ["NK-shared1"]
    assert store.canonical(versions, PERSON) == []
    near = {(a.prop, a.holder, a.outbound) for a in store.adjacent(versions, PERSON)}
    assert near == {
        ("addressEntity", PERSON, True),
        ("entity", "alpha-sanction-1", False),
        ("holder", "alpha-passport-1", False),
        ("director", "alpha-dir-1", False),
        ("person", "alpha-fam-1", False),
    }
    company = {(a.prop, a.holder) for a in store.adjacent(versions, "alpha-co-1")}
    assert company == {("asset", "alpha-own-1"), ("organization", "alpha-dir-1"), ("payer", "alpha-pay-1")}
    # Only the versions asked for are read: without alpha's, nothing of it is found.
    beta_only = [v.id for v in registry.active_versions() if v.source == "ftm:beta_list"]
    assert store.get(beta_only, [PERSON]) == {}
    assert store.canonical(beta_only, "ofac-45937") == []


def test_plain_ftm_refuses_a_file_of_several_datasets(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "mixed.ftm.json"
    lines = [
        {"id": "a1", "schema": "Person", "properties": {"name": ["A One"]}, "datasets": ["one"]},
        {"id": "b1", "schema": "Person", "properties": {"name": ["B One"]}, "datasets": ["two"]},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    [outcome] = update_from_files(registry, [path], source="ftm")
    assert outcome.error is not None and "belong to 2 datasets (one, two)" in outcome.error
    assert registry.active_versions() == []
    [parsed] = parse_files([path], "ftm:mixed")  # named, it is one dataset; each entity keeps its own
    assert [r["datasets"] for r in parsed.ftm_entities] == [["one"], ["two"]]


def test_legacy_ftm_ids_still_split() -> None:
    assert entity_source("ftm:NK-abc") == "ftm"  # a version of the single `ftm` of before issue 18
    assert entity_source("ftm:us_ofac_sdn:NK-abc") == "ftm:us_ofac_sdn"
    assert entity_local_id("ftm:us_ofac_sdn:NK-abc") == "NK-abc"
