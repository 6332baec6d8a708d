"""Alembic environment: runs on the connection the registry hands over (see registry.database.migrate)."""

from __future__ import annotations

from alembic import context

from sanctionwatch.registry.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through sanctionwatch.registry.database.migrate()")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
