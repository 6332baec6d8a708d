"""Users of the web pages: a name, a role and an argon2id password hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from sanctionwatch.access.printable import refuse_unprintable
from sanctionwatch.access.roles import AccessError, AccessNotFoundError, Role, parse_role
from sanctionwatch.access.tables import users
from sanctionwatch.db.engine import as_utc
from sanctionwatch.registry import audit

__all__ = ["User", "Users", "user_in"]

MIN_PASSWORD = 12
MAX_NAME = 100  # a key's owner column holds it too
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so that a login takes as long for an unknown name as
# for a wrong password and does not reveal which names exist.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: Role
    created_at: datetime
    disabled_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "created_at": self.created_at.isoformat(),
            "disabled": self.disabled_at is not None,
        }


class Users:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, name: str, role: str, password: str, *, actor: str = "system") -> User:
        name = name.strip()
        if not name:
            raise AccessError("name: empty")
        if len(name) > MAX_NAME:
            raise AccessError(f"name: longer than {MAX_NAME} characters")
        refuse_unprintable("name", name)
        checked = parse_role(role)
        if len(password) < MIN_PASSWORD:
            raise AccessError(f"password: shorter than {MIN_PASSWORD} characters")
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as conn:
                user_id = conn.execute(
                    insert(users).values(
                        name=name, role=checked.value, password_hash=_HASHER.hash(password), created_at=now
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
                audit.append(
                    conn,
                    actor=actor,
                    action="user.created",
                    subject=f"user {name}",
                    details={"role": checked.value},
                )
        except IntegrityError:
            raise AccessError(f"a user named {name!r} exists already") from None
        return User(int(user_id), name, checked, now, None)

    def disable(self, name: str, *, actor: str = "system") -> User:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(users).where(users.c.name == name).values(disabled_at=datetime.now(UTC))
            ).rowcount
            if changed:
                audit.append(conn, actor=actor, action="user.disabled", subject=f"user {name}")
        if not changed:
            raise AccessNotFoundError(f"no user named {name!r}")
        found = self.get(name)
        assert found is not None
        return found

    def get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            return user_in(conn, name)

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            return [_user(row._mapping) for row in conn.execute(select(users).order_by(users.c.name))]

    def authenticate(self, name: str, password: str) -> User | None:
        """The active user with this name and password, or None; takes as long either way."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name.strip())).first()
        stored = row._mapping["password_hash"] if row else _DUMMY_HASH
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        user = _user(row._mapping)
        return user if user.disabled_at is None else None


def user_in(conn: Connection, name: str) -> User | None:
    """The user with this name as the caller's transaction sees it, or None: for a check that must
    hold in the same transaction as the step it guards (the cases' four eyes), not a moment before."""
    row = conn.execute(select(users).where(users.c.name == name)).first()
    return _user(row._mapping) if row else None


def _user(row: Any) -> User:
    return User(
        row["id"],
        row["name"],
        Role(row["role"]),
        as_utc(row["created_at"]),
        as_utc(row["disabled_at"]) if row["disabled_at"] else None,
    )
