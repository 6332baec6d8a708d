"""API keys: created once and shown once, stored only as a hash, revocable.

A key is 256 random bits, so a plain SHA-256 of it cannot be reversed or guessed; a slow password
hash (argon2) would add nothing but milliseconds to every API call. The first characters are kept
in clear so that an administrator can tell keys apart in listings without ever seeing one again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from sanctionwatch.access.printable import refuse_unprintable
from sanctionwatch.access.roles import AccessError, AccessNotFoundError, Role, parse_role
from sanctionwatch.access.tables import api_keys, users
from sanctionwatch.db.engine import as_utc
from sanctionwatch.registry import audit

__all__ = ["ApiKey", "ApiKeys", "key_digest"]

KEY_PREFIX = "sw_"
_SHOWN = 10  # characters of a key kept in clear (the prefix and a few random ones)
MAX_NAME = 150  # so that "key:#<id> <name>" fits where the audit log and cases name who acted


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    owner: str | None = None  # the user the key acts for; None: a system's key

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def label(self) -> str:
        """How the audit log, jobs and limits name the key (by id: names need not be unique)."""
        return f"key:#{self.id} {self.name}"

    @property
    def person(self) -> str | None:
        """Who a case decision made with this key is by (four eyes count people, not credentials)."""
        return f"user:{self.owner}" if self.owner else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "prefix": self.prefix,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "owner": self.owner,
        }


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiKeys:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self, name: str, role: str, *, owner: str | None = None, actor: str = "system"
    ) -> tuple[ApiKey, str]:
        """A new key: its record and the key itself, which is not stored and cannot be shown again.

        A key with an `owner` acts for that user (an analyst's own integration): its case decisions
        are that person's, and it can do no more than the person may.
        """
        if not name.strip():
            raise AccessError("name: empty; say who or what the key is for")
        if len(name.strip()) > MAX_NAME:
            raise AccessError(f"name: longer than {MAX_NAME} characters")
        refuse_unprintable("name", name.strip())
        checked = parse_role(role)
        if owner is not None:
            refuse_unprintable("owner", owner)
            self._check_owner(owner, checked)
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            key_id = conn.execute(
                insert(api_keys).values(
                    name=name.strip(),
                    role=checked.value,
                    prefix=key[:_SHOWN],
                    key_hash=key_digest(key),
                    owner=owner,
                    created_at=now,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            audit.append(
                conn, actor=actor, action="key.created", subject=f"key {key_id}",
                details={"name": name.strip(), "role": checked.value, "prefix": key[:_SHOWN], "owner": owner},
            )  # fmt: skip
        return ApiKey(int(key_id), name.strip(), checked, key[:_SHOWN], now, None, owner), key

    def _check_owner(self, owner: str, role: Role) -> None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users.c.role, users.c.disabled_at).where(users.c.name == owner)).first()
        if row is None or row.disabled_at is not None:
            raise AccessError(f"owner: no active user named {owner!r}")
        if not Role(row.role).allows(role):
            raise AccessError(f"owner: {owner} has the {row.role} role; their key cannot have {role.value}")

    def revoke(self, key_id: int, *, actor: str = "system") -> ApiKey:
        """Revoke a key (a key revoked already keeps its first revocation time)."""
        with self.engine.begin() as conn:
            revoked = conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            ).rowcount
            if revoked:
                audit.append(conn, actor=actor, action="key.revoked", subject=f"key {key_id}")
        found = self.get(key_id)
        if found is None:
            raise AccessNotFoundError(f"no API key with id {key_id}")
        return found

    def get(self, key_id: int) -> ApiKey | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        return _key(row._mapping) if row else None

    def list(self) -> list[ApiKey]:
        with self.engine.connect() as conn:
            return [_key(row._mapping) for row in conn.execute(select(api_keys).order_by(api_keys.c.id))]

    def active_digests(self) -> frozenset[str]:
        """The digests of every key not revoked: what lets the API's key cache tell a guessed key from
        a real one with one query per interval instead of a lookup per presented key."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_keys.c.key_hash).where(api_keys.c.revoked_at.is_(None)))
            return frozenset(str(value) for (value,) in rows)

    def verify(self, key: str) -> ApiKey | None:
        """The active key record for a presented key, or None (unknown, malformed or revoked).

        A key issued for a user lives and dies with that user: once the user is disabled (or gone)
        the key is refused, and while they are active it acts with at most their current role. A
        person who has left must not keep deciding through an integration's key.
        """
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    api_keys, users.c.role.label("owner_role"), users.c.disabled_at.label("owner_disabled")
                )
                .outerjoin(users, users.c.name == api_keys.c.owner)
                .where(api_keys.c.key_hash == key_digest(key))
            ).first()
        if row is None:
            return None
        found = _key(row._mapping)
        if not found.active:
            return None
        if found.owner is None:
            return found
        if row.owner_role is None or row.owner_disabled is not None:
            return None
        owner_role = Role(row.owner_role)
        return found if owner_role.allows(found.role) else replace(found, role=owner_role)


def _key(row: Any) -> ApiKey:
    return ApiKey(
        row["id"],
        row["name"],
        Role(row["role"]),
        row["prefix"],
        as_utc(row["created_at"]),
        as_utc(row["revoked_at"]) if row["revoked_at"] else None,
        row["owner"],
    )
