"""Throw-away PostgreSQL databases for tests (the server of the machine, or SANCTIONWATCH_TEST_PG)."""

from __future__ import annotations

import os
import uuid

import psycopg
from psycopg import sql

PG_ADMIN_URL = os.environ.get("SANCTIONWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def pg_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def make_pg_database(admin_url: str) -> tuple[str, str]:
    """Create a throw-away database; returns (name, SQLAlchemy URL)."""
    name = f"sw_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return name, f"{base}/{name}"


def drop_pg_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
