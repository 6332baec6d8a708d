"""The four roles, each allowed everything the one before it is.

viewer reads the lists; analyst also screens (and proposes case decisions); approver also confirms
what another analyst proposed; admin also manages keys and users. One ordered scale keeps every
permission check a single comparison, which the role-by-endpoint test can walk exhaustively.
"""

from __future__ import annotations

from enum import StrEnum

from sanctionwatch.errors import InputError, NotFoundError

__all__ = ["Role"]


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    APPROVER = "approver"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_ORDER = (Role.VIEWER, Role.ANALYST, Role.APPROVER, Role.ADMIN)


class AccessError(InputError, ValueError):
    """A request about keys or users that cannot be carried out (unknown role, duplicate user, ...)."""


class AccessNotFoundError(NotFoundError, AccessError):
    """No key or user with that id or name (404 over HTTP; still an AccessError to its callers)."""


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise AccessError(
            f"unknown role {value!r}; use one of {', '.join(r.value for r in _ORDER)}"
        ) from None
