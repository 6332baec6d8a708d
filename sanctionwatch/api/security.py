"""Authentication and authorization for every endpoint.

Two ways in: an API key in `Authorization: ApiKey KEY` (OpenSanctions' convention; `Bearer KEY` is
accepted too), for systems; a signed session cookie set by the login page, for analysts in a
browser. Cookie-authenticated requests that change something must also carry the session's CSRF
token (a form field or the X-CSRF-Token header): a cookie alone proves only that a browser sent it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request

from sanctionwatch.access.roles import Role
from sanctionwatch.api.state import state_of

__all__ = ["CSRF_FIELD", "Principal", "check_csrf", "csrf_token", "enforce_rate", "session_principal"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "key" | "user"
    name: str
    role: Role
    person: str | None = None  # "user:<name>": the person behind the caller, when there is one

    @property
    def label(self) -> str:
        """How audit records and job owners name the caller."""
        return f"{self.kind}:{self.name}"


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in ("apikey", "bearer") and value.strip():
        return value.strip()
    return None


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuses an unsafe cookie-authenticated request whose CSRF token is missing or wrong."""
    expected = request.session.get(CSRF_FIELD)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if (
        not isinstance(expected, str)
        or sent is None
        or not hmac.compare_digest(expected.encode(), sent.encode())
    ):
        raise HTTPException(403, "CSRF token missing or invalid: reload the page and try again")


def session_principal(request: Request) -> Principal | None:
    """The user a browser session belongs to, checked against the users table on every request so that
    disabling a user or changing their role takes effect at once (the cookie only names them)."""
    if "session" not in request.scope:
        return None
    name = request.session.get("user")
    if not isinstance(name, str):
        return None
    user = state_of(request).users.get(name)
    if user is None or user.disabled_at is not None:
        request.session.clear()
        return None
    return Principal("user", user.name, user.role, f"user:{user.name}")


async def authenticate(request: Request, *, query_key: bool = False) -> Principal:
    """The caller, or 401. `query_key` also accepts ?api_key= (OpenRefine cannot send headers)."""
    key = presented_key(request)
    if key is None and query_key:
        key = request.query_params.get("api_key")
    principal: Principal | None = None
    if key is not None:
        principal = key_principal(request, key)
    else:
        principal = session_principal(request)
        if principal is not None and request.method not in SAFE_METHODS:
            await check_csrf(request)
    if principal is None:
        raise HTTPException(
            401,
            "authentication required: send 'Authorization: ApiKey KEY'",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    enforce_rate(request, principal)
    request.state.principal = principal
    return principal


def key_principal(request: Request, key: str) -> Principal:
    """The caller an API key stands for; 401 for a wrong key, 429 for wrong keys beyond the budget.

    Wrong keys are counted per client address (`bad_keys`, spent by failures only) and only wrong
    keys are throttled: an address that has used up its budget (a guesser, or colleagues behind one
    proxy with a client still sending a revoked key) keeps the use of its valid keys, which are
    verified and admitted as always. Beyond the budget, a key is first compared with the digests of
    the active keys held in memory (`KeyCache.may_be_valid`): a guess gets its 429 without a database
    lookup, so guessing stays slow for the guesser and cheap for the service; only a key that could be
    real is looked up.
    """
    state = state_of(request)
    address = f"bad-key:{request.client.host if request.client else 'unknown'}"
    throttled = not state.bad_keys.would_allow(address)
    if throttled and not state.key_cache.may_be_valid(key):
        raise _too_many_bad_keys(state.bad_keys.retry_after(address))
    record = state.key_cache.verify(key)
    if record is None:
        state.bad_keys.allow(address)
        if throttled:
            raise _too_many_bad_keys(state.bad_keys.retry_after(address))
        raise HTTPException(401, "invalid or revoked API key", headers={"WWW-Authenticate": "ApiKey"})
    # Named by id as well: key names need not be unique, and jobs and limits belong to one key.
    return Principal("key", f"#{record.id} {record.name}", record.role, record.person)


def _too_many_bad_keys(retry_after: int) -> HTTPException:
    return HTTPException(
        429, "too many invalid API keys from this address", headers={"Retry-After": str(retry_after)}
    )


def enforce_rate(request: Request, principal: Principal) -> None:
    """429 once the caller has used up its share (per key or user, pages and API alike)."""
    limiter = state_of(request).rate
    if not limiter.allow(principal.label):
        raise HTTPException(
            429, "rate limit exceeded", headers={"Retry-After": str(limiter.retry_after(principal.label))}
        )


def require(role: Role, *, query_key: bool = False) -> Callable[..., object]:
    """A dependency that admits callers with at least `role` (403 for the others)."""

    async def dependency(request: Request) -> Principal:
        principal = await authenticate(request, query_key=query_key)
        if not principal.role.allows(role):
            raise HTTPException(403, f"this needs the {role.value} role; you have {principal.role.value}")
        return principal

    dependency.required_role = role  # type: ignore[attr-defined]  # read by the role-matrix test
    return dependency


Viewer = Depends(require(Role.VIEWER))
Analyst = Depends(require(Role.ANALYST))
Admin = Depends(require(Role.ADMIN))
