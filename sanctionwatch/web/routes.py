"""The analyst pages under /ui: log in, screen a name, read a listed party, follow the lists' changes.

Every page is plain HTML with forms (no script needed); what changes state is a POST carrying the
session's CSRF token. Pages call the same core the API does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from sanctionwatch.access.roles import Role
from sanctionwatch.api.security import (
    check_csrf,
)
from sanctionwatch.api.state import NotReadyError, state_of
from sanctionwatch.registry.freshness import freshness_of
from sanctionwatch.registry.timeline import change_timeline, designations_by_year
from sanctionwatch.screening.query import Query as ScreeningQuery
from sanctionwatch.screening.query import QueryError
from sanctionwatch.web import cases, ownership, payments, reports
from sanctionwatch.web.charts import network, stacked_years
from sanctionwatch.web.pages import HERE, LoginRequiredError, page, signed_in

__all__ = ["mount_web"]

router = APIRouter(prefix="/ui", include_in_schema=False)
SCHEMAS = ("", "Person", "Organization", "Company", "Vessel", "Aircraft")
EXPLAINED_AMONG = 50  # hits looked through for the party opened from a screening
NETWORK_NODES = 24  # linked parties drawn around a party; the list below the picture has them all


def _safe_next(value: str | None) -> str:
    """Only a path of this site: an open redirect would let a phishing link borrow our login page."""
    if value and value.startswith("/ui") and not value.startswith("//"):
        return value
    return "/ui/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html", None, next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    name: str = Form("", max_length=200),
    password: str = Form("", max_length=1000),
    next: str = Form("/ui/", max_length=2000),
) -> Response:
    await check_csrf(request)
    state = state_of(request)
    client = request.client.host if request.client else "unknown"
    # Only failed attempts count: a guessing attacker is slowed down, colleagues behind one proxy are not.
    if not state.logins.would_allow(f"login:{client}"):
        return page(
            request,
            "login.html",
            None,
            status=429,
            next=_safe_next(next),
            error="Too many attempts: wait a minute.",
        )
    user = await run_in_threadpool(state.users.authenticate, name, password)  # argon2: ~50 ms of CPU
    if user is None:
        state.logins.allow(f"login:{client}")
        return page(
            request,
            "login.html",
            None,
            status=401,
            next=_safe_next(next),
            error="Unknown name or wrong password.",
        )
    request.session.clear()  # a fresh session (and CSRF token) at each login
    request.session["user"] = user.name
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    await check_csrf(request)
    request.session.clear()
    return RedirectResponse("/ui/login", status_code=303)


class ScreeningForm:
    """The screening fields of a page's URL (the search form, and a hit's page opened from it)."""

    def __init__(
        self,
        name: str = Query("", max_length=1000),
        schema: str = Query("", max_length=64),
        birth_date: str = Query("", max_length=10),
        country: str = Query("", max_length=64),
        identifier: str = Query("", max_length=200),
    ) -> None:
        self.fields = {
            "name": name,
            "schema": schema,
            "birth_date": birth_date,
            "country": country,
            "identifier": identifier,
        }

    @property
    def filled(self) -> bool:
        return bool(self.fields["name"] or self.fields["identifier"])

    def query(self) -> ScreeningQuery:
        f = self.fields
        return ScreeningQuery(
            f["name"],
            f["schema"] or None,
            f["birth_date"] or None,
            f["country"] or None,
            f["identifier"] or None,
        )

    def url_query(self) -> str:
        return urlencode({k: v for k, v in self.fields.items() if v})


@router.get("/", response_class=HTMLResponse)
def screen_page(request: Request, form: ScreeningForm = Depends()) -> Response:
    principal = signed_in(request, Role.VIEWER)
    context: dict[str, Any] = {
        "form": form.fields,
        "schemas": SCHEMAS,
        "hits": None,
        "error": None,
        "versions": [],
        "query_string": form.url_query(),  # carried to the hit's page
    }
    if form.filled and not principal.role.allows(Role.ANALYST):
        context["error"] = "Screening needs the analyst role."
    elif form.filled:
        try:
            snapshot = state_of(request).snapshot()
            query = form.query()
            context["hits"] = snapshot.screener.screen(query, limit=10)
            state_of(request).trail.note(
                principal.label, "page", form.fields, context["hits"], snapshot.list_versions
            )
            context["threshold"] = snapshot.screener.threshold
            context["versions"] = snapshot.versions
        except (QueryError, NotReadyError) as exc:
            context["error"] = str(exc)
    return page(request, "screen.html", principal, **context)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str, form: ScreeningForm = Depends()) -> Response:
    """A listed party; opened from a screening (the query in the URL), with why it matched that query."""
    principal = signed_in(request, Role.VIEWER)
    snapshot = state_of(request).snapshot()
    found = snapshot.party(entity_id)
    if found is None:
        raise HTTPException(404, f"no listed party {entity_id!r} in the active lists")
    entity, records = found
    screened = None
    if form.filled and principal.role.allows(Role.ANALYST):
        try:
            hits = snapshot.screener.screen(form.query(), threshold=0.0, limit=EXPLAINED_AMONG)
        except QueryError:
            hits = []
        record_ids = {r.id for r in records}
        hit = next((h for h in hits if record_ids & {h.entity_id, *h.source_ids}), None)
        if hit is not None:
            screened = {"query": form.fields["name"] or form.fields["identifier"], "hit": hit}
    links = []
    for link in entity.links:
        target_id = f"{entity.source}:{link.target}"
        known = snapshot.party(target_id)
        label = known[0].caption if known else (link.target_name or link.target)
        # The list's own wording of the relation ("Owned or Controlled By; former"), where it gives one.
        links.append((label, f"/ui/entities/{quote(target_id)}" if known else None, link.note or link.kind))
    for other_id, kind in snapshot.linked_to(entity_id):
        other = snapshot.party(other_id)
        if other is not None:
            links.append(
                (other[0].caption, f"/ui/entities/{quote(other_id)}", f"{kind} (recorded on their side)")
            )
    return page(
        request,
        "entity.html",
        principal,
        entity=entity,
        records=records,
        links=links,
        nodes=network(entity.caption, links[:NETWORK_NODES]),
        screened=screened,
        hidden=max(0, len(links) - NETWORK_NODES),
    )


@router.get("/changes", response_class=HTMLResponse)
def changes_page(
    request: Request,
    program: str = Query("", max_length=100),
    authority: str = Query("", max_length=100),
) -> Response:
    principal = signed_in(request, Role.VIEWER)
    state = state_of(request)
    programs = [program] if program else []
    authorities = [authority] if authority else []
    with state.costly.held():  # every version's diff and a pass over every party: see api.costly
        timeline = change_timeline(state.registry, programs=programs, authorities=authorities)
        snapshot = state.live.snapshot
        series = designations_by_year(snapshot.screener.index.entities, programs=programs) if snapshot else {}
    return page(
        request,
        "changes.html",
        principal,
        timeline=timeline,
        versions=state.registry.versions(),
        freshness=freshness_of(state.registry),
        chart=stacked_years(series),
        program=program,
        authority=authority,
    )


def mount_web(app: FastAPI) -> None:
    app.include_router(router)
    app.include_router(cases.router)
    app.include_router(payments.router)
    app.include_router(ownership.router)
    app.include_router(reports.router)
    app.mount("/ui/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(LoginRequiredError)
    async def to_login(_request: Request, exc: LoginRequiredError) -> Response:
        return RedirectResponse(f"/ui/login?next={quote(exc.next_path, safe='')}", status_code=303)

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/ui/", status_code=307)
