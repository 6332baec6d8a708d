"""Tables of access control (SQLAlchemy Core), on the shared metadata of `sanctionwatch.db`.

Kept in the same database as the lists so that one backup, one migration stream and one transaction
model cover everything an examiner may ask about.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, Table, Text

from sanctionwatch.db.tables import metadata

# Imported whole by `sanctionwatch.tables` for the tables it declares on the shared metadata;
# other packages go through `access.keys` and `access.users`.
__all__: list[str] = []

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # viewer | analyst | approver | admin
    Column("prefix", String(16), nullable=False),  # the key's first characters, to tell keys apart
    Column("key_hash", String(64), nullable=False, unique=True),  # sha256 of the whole key
    # The person a key acts for (a user's name), if any: case decisions need a person, for four eyes.
    Column("owner", String(100), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),  # argon2id, with its parameters and salt
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
)
