"""What every analyst page shares: who is signed in, and rendering a template with the session's CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from sanctionwatch.access.roles import Role
from sanctionwatch.api.security import CSRF_FIELD, Principal, csrf_token, enforce_rate, session_principal
from sanctionwatch.api.state import state_of
from sanctionwatch.errors import SanctionwatchError
from sanctionwatch.registry.freshness import freshness_of

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")


class LoginRequiredError(SanctionwatchError):
    """A page asked for without a session; answered with a redirect to the login page (web.routes)."""

    http_status = 401

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def signed_in(request: Request, role: Role) -> Principal:
    principal = session_principal(request)
    if principal is None:
        raise LoginRequiredError(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if not principal.role.allows(role):
        raise HTTPException(403, f"this page needs the {role.value} role; you have {principal.role.value}")
    enforce_rate(request, principal)
    return principal


def page(
    request: Request, template: str, principal: Principal | None, status: int = 200, **context: Any
) -> Response:
    """A page; for a signed-in analyst, with a banner on every page naming each stale or failing list:
    a hit (or its absence) read against a list that is not current must not look like a current answer."""
    degraded = [f for f in freshness_of(state_of(request).registry) if f.degraded] if principal else []
    context.update(
        request=request, user=principal, csrf=csrf_token(request), csrf_field=CSRF_FIELD, degraded=degraded
    )
    return templates.TemplateResponse(request, template, context, status_code=status)
