"""The dialect helper: one INSERT with ON CONFLICT clauses on both backends, any other dialect refused."""

from __future__ import annotations

import pytest
from sqlalchemy import create_mock_engine, select

from sanctionwatch.db.engine import connect, dialect_insert
from sanctionwatch.db.tables import meta


def test_dialect_insert_skips_and_upserts_on_both_backends(database_url: str) -> None:
    engine = connect(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(dialect_insert(conn, meta).values(name="x", value="1").on_conflict_do_nothing())
            conn.execute(dialect_insert(conn, meta).values(name="x", value="2").on_conflict_do_nothing())
            assert conn.execute(select(meta.c.value).where(meta.c.name == "x")).scalar_one() == "1"
            upsert = dialect_insert(conn, meta).values(name="x", value="3")
            conn.execute(upsert.on_conflict_do_update(index_elements=["name"], set_={"value": "3"}))
            assert conn.execute(select(meta.c.value).where(meta.c.name == "x")).scalar_one() == "3"
    finally:
        engine.dispose()


def test_dialect_insert_refuses_another_dialect_by_name() -> None:
    conn = create_mock_engine("mssql://", lambda *args, **kwargs: None)
    with pytest.raises(ValueError, match="'mssql' not supported"):
        dialect_insert(conn, meta)  # type: ignore[arg-type]
