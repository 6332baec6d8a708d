"""Upgrading a registry re-keys its records: the same list ingested again is no change (migration 0007)."""

from __future__ import annotations

import hashlib

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from sanctionwatch.db.engine import MIGRATIONS, migrate
from sanctionwatch.model import Entity, Name, NameKind
from sanctionwatch.registry.store import Registry
from sanctionwatch.sources.base import ParsedList


def _publication() -> ParsedList:
    return ParsedList(
        "un",
        "un-xml",
        None,
        [
            Entity(
                "un",
                f"QDi.{n}",
                "Person",
                names=[Name(f"P {n}"), Name("Alias", NameKind.ALIAS), Name("Alias", NameKind.ALIAS)],
                nationalities=["sy", "iq", "sy"],
                programs=["ZZ", "AA"],
            )
            for n in range(5)
        ],
    )


def test_same_list_after_upgrade_is_unchanged(registry_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = create_engine(registry_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
    with monkeypatch.context() as previous:  # the code before 0007: no normalization, hash of the data
        previous.setattr(Entity, "normalize", lambda self: None)
        previous.setattr(
            Entity, "content_hash", lambda self: hashlib.sha256(self.canonical_json().encode()).hexdigest()
        )
        registry = Registry(engine)
        registry.ingest(_publication())
        old = registry.entity("un:QDi.1")
        assert old is not None and old.nationalities == ["sy", "iq", "sy"]
    migrate(engine)
    try:
        again = registry.ingest(_publication())
        assert again.unchanged and (again.added, again.removed, again.changed) == (0, 0, 0)
        stored = registry.entity("un:QDi.1")
        assert stored is not None and stored.nationalities == ["sy", "iq"]
        assert [n.full for n in stored.names] == ["P 1", "Alias"]
    finally:
        engine.dispose()
