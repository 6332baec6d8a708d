"""Versioning, activation and the sanity guard, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading

import pytest

from sanctionwatch.model import Entity, Name
from sanctionwatch.registry.store import Registry, RegistryError
from tests.registry.factories import base_list, party, publication


def test_first_ingest_creates_active_version_one(registry: Registry) -> None:
    result = registry.ingest(publication(base_list()))
    assert result.version.number == 1
    assert result.version.active
    assert (result.added, result.removed, result.changed) == (100, 0, 0)
    assert registry.version("test").number == 1


def test_identical_list_creates_no_new_version(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    again = registry.ingest(publication(base_list(), day=2))
    assert again.unchanged
    assert again.version.number == 1
    assert [v.number for v in registry.versions("test")] == [1]


def test_new_version_counts_added_removed_changed(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    entities = [*base_list()[2:], party(101), party(102), party(103)]
    entities[0].names.append(Name("NEW ALIAS", kind="alias"))
    result = registry.ingest(publication(entities, day=19))
    assert (result.version.number, result.added, result.removed, result.changed) == (2, 3, 2, 1)
    assert result.version.active
    statuses = {v.number: v.status for v in registry.versions("test")}
    assert statuses == {1: "superseded", 2: "active"}


def test_changes_report_fields_and_values(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    entities = base_list()
    entities[4].names.append(Name("NEW ALIAS", kind="alias"))
    entities[4].programs.append("NPWMD")
    registry.ingest(publication(entities, day=19))
    diff = registry.changes("test")
    assert diff.old is not None and diff.old.number == 1 and diff.new.number == 2
    [changed] = diff.changed
    assert changed.summary.source_id == "5"
    fields = {f.field: f for f in changed.fields}
    assert set(fields) == {"names", "programs"}
    assert fields["names"].added == ["NEW ALIAS [alias]"]
    assert fields["programs"].added == ["NPWMD"]


def test_changes_filter_by_program_family(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    registry.ingest(publication([*base_list(), party(200), party(201, program="RUSSIA-EO14024")], day=19))
    assert [s.source_id for s in registry.changes("test", programs=["dprk"]).added] == ["200"]
    assert [s.source_id for s in registry.changes("test", programs=["RUSSIA-EO14024"]).added] == ["201"]


def test_shrink_over_ten_percent_is_held_and_previous_stays_active(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    result = registry.ingest(publication(base_list()[:85], day=19))
    assert not result.version.active
    assert result.version.status == "held"
    assert "shrank by 15.0%" in (result.problems or "")
    assert registry.version("test").number == 1
    assert registry.entity("test:99") is not None


def test_shrink_within_ten_percent_is_activated(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    assert registry.ingest(publication(base_list()[:91], day=19)).version.active


def test_losing_a_whole_programme_is_held(registry: Registry) -> None:
    registry.ingest(publication([*base_list(), party(300, program="CYBER2")]))
    result = registry.ingest(publication(base_list(), day=19))
    assert result.version.status == "held"
    assert "CYBER2" in (result.problems or "")


def test_force_activates_despite_guard(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    result = registry.ingest(publication(base_list()[:50], day=19), force=True)
    assert result.version.active
    assert "activated with --force" in (result.version.status_reason or "")
    assert registry.entity("test:99") is None


def test_held_version_can_be_activated_later_with_force(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    held = registry.ingest(publication(base_list()[:50], day=19)).version
    with pytest.raises(RegistryError, match="shrank"):
        registry.activate("test", held.number)
    assert registry.activate("test", held.number, force=True).active
    assert registry.version("test").number == held.number


def test_rollback_to_an_earlier_version(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    registry.ingest(publication([*base_list(), party(101)], day=19))
    registry.activate("test", 1)
    assert registry.version("test").number == 1
    assert registry.entity("test:101") is None


def test_failed_ingest_leaves_previous_version_untouched(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    broken = [*base_list(), party(1)]  # the same id twice: refused as a whole
    with pytest.raises(RegistryError, match="two records with the id test:1"):
        registry.ingest(publication(broken, day=19))
    assert [v.number for v in registry.versions("test")] == [1]
    assert registry.version("test").active


def test_entity_returns_full_record_of_active_or_given_version(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    changed = base_list()
    changed[0].names[0].full = "RENAMED"
    registry.ingest(publication(changed, day=19))
    current = registry.entity("test:1")
    assert current is not None and current.caption == "RENAMED"
    old = registry.entity("test:1", version=registry.version("test", 1))
    assert old is not None and old.caption == "PARTY 1"
    assert old.identifiers[0].value == "BANK0001KP"


def test_entities_filters(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    assert len(registry.entities(programs=["DPRK"])) == 50
    assert len(registry.entities(authorities=["Executive Order 14024"])) == 50
    assert len(registry.entities(authorities=["EO13722"], schemas=["organization"])) == 50
    assert registry.entities(authorities=["EO 13722"], schemas=["Person"]) == []
    assert len(registry.entities(sources=["test"])) == 100
    assert registry.entities(sources=["other"]) == []


def test_iter_entities_yields_active_records(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    assert sorted(int(e.source_id) for e in registry.iter_entities()) == list(range(1, 101))


def test_unknown_version_is_a_clear_error(registry: Registry) -> None:
    registry.ingest(publication(base_list()))
    with pytest.raises(RegistryError, match="test has no version 7"):
        registry.version("test", 7)


def test_concurrent_ingests_of_one_source_are_serialized(registry_url: str) -> None:
    """Two operators (or a cron job and an operator) updating at once: both versions land, numbered in turn."""
    errors: list[BaseException] = []

    def ingest(entities: list[Entity]) -> None:
        reg = Registry.open(registry_url)
        try:
            reg.ingest(publication(entities))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            reg.close()

    Registry.open(registry_url).close()  # migrate once, before the race
    threads = [
        threading.Thread(target=ingest, args=(base_list(),)),
        threading.Thread(target=ingest, args=([*base_list(), party(500)],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    reg = Registry.open(registry_url)
    try:
        versions = reg.versions("test")
        assert [v.number for v in versions] == [1, 2]
        assert sum(v.active for v in versions) == 1
        assert reg.version("test").number == 2
    finally:
        reg.close()
