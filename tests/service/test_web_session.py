"""Browser sessions over plain HTTP: login, CSRF on every state change, logout, roles, throttling."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from sanctionwatch.access.users import Users
from sanctionwatch.db.engine import connect
from tests.service.conftest import PASSWORD, Service, make_settings, seed_registry, start_server

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(page: httpx.Response) -> str:
    found = _CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


@contextmanager
def _logged_in(service: Service, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=service.url, follow_redirects=True, timeout=30) as client:
        token = _csrf(client.get("/ui/login"))
        response = client.post(
            "/ui/login", data={"name": name, "password": PASSWORD, "csrf_token": token, "next": "/ui/"}
        )
        assert response.status_code == 200 and "Log out" in response.text
        yield client


def test_pages_redirect_to_login_and_back(service: Service) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        response = client.get("/ui/changes?program=DPRK")
        assert response.status_code == 303
        assert response.headers["location"] == "/ui/login?next=%2Fui%2Fchanges%3Fprogram%3DDPRK"


def test_login_sets_a_strict_http_only_session_cookie(service: Service) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        token = _csrf(client.get("/ui/login"))
        response = client.post(
            "/ui/login", data={"name": "analyst", "password": PASSWORD, "csrf_token": token}
        )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_login_without_csrf_token_or_with_a_wrong_password_fails(service: Service) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        client.get("/ui/login")
        no_token = client.post("/ui/login", data={"name": "analyst", "password": PASSWORD})
        token = _csrf(client.get("/ui/login"))
        wrong = client.post(
            "/ui/login", data={"name": "analyst", "password": "wrong password!", "csrf_token": token}
        )
        unknown = client.post("/ui/login", data={"name": "nobody", "password": PASSWORD, "csrf_token": token})
    assert no_token.status_code == 403
    assert wrong.status_code == 401 and "wrong password" in wrong.text
    assert unknown.status_code == 401


def test_screen_page_shows_hits_and_explanation(service: Service) -> None:
    with _logged_in(service, "analyst") as client:
        page = client.get("/ui/", params={"name": "Ким Чен Ын"})
    assert page.status_code == 200
    assert "KIM, Jong Un" in page.text and "Why this score" in page.text and "Words matched" in page.text


def test_viewer_may_read_but_not_screen(service: Service) -> None:
    with _logged_in(service, "viewer") as client:
        page = client.get("/ui/", params={"name": "Kim Jong Un"})
        entity = client.get("/ui/entities/ofac-sdn:20157")
    assert "Screening needs the analyst role" in page.text and "Why this score" not in page.text
    assert entity.status_code == 200 and "DPRK3" in entity.text


def test_session_state_changes_need_the_csrf_token(service: Service) -> None:
    with _logged_in(service, "admin") as client:
        refused = client.post("/admin/keys", json={"name": "from a forged form", "role": "admin"})
        token = _csrf(client.get("/ui/"))
        allowed = client.post(
            "/admin/keys", json={"name": "from the page", "role": "viewer"}, headers={"X-CSRF-Token": token}
        )
        logout_forged = client.post("/ui/logout")
        still_in = client.get("/ui/changes")
        client.post("/ui/logout", data={"csrf_token": token})
        after = client.get("/ui/changes")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert allowed.status_code == 201
    assert logout_forged.status_code == 403
    assert "Lists and changes" in still_in.text
    assert after.url.path == "/ui/login"


def test_open_redirects_are_not_followed_after_login(service: Service) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        token = _csrf(client.get("/ui/login"))
        response = client.post(
            "/ui/login",
            data={"name": "viewer", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
        )
    assert response.headers["location"] == "/ui/"


def test_repeated_failed_logins_are_throttled(tmp_path_factory: pytest.TempPathFactory) -> None:
    scratch = tmp_path_factory.mktemp("throttled")
    url = f"sqlite:///{scratch / 'registry.db'}"
    seed_registry(url, scratch)
    Users(connect(url)).create("analyst", "analyst", PASSWORD)
    running = start_server(make_settings(url, scratch, login_attempts_per_minute=3))
    try:
        with httpx.Client(base_url=running.url, timeout=30) as client:
            token = _csrf(client.get("/ui/login"))
            statuses = [
                client.post(
                    "/ui/login",
                    data={"name": "analyst", "password": f"guess number {i}", "csrf_token": token},
                ).status_code
                for i in range(3)
            ]
            right_but_blocked = client.post(
                "/ui/login", data={"name": "analyst", "password": PASSWORD, "csrf_token": token}
            )
    finally:
        running.stop()
    assert statuses == [401, 401, 401]
    assert right_but_blocked.status_code == 429 and "Too many attempts" in right_but_blocked.text


UI_PAGES = ("/ui/", "/ui/?name=Kim+Jong+Un", "/ui/entities/ofac-sdn:20157", "/ui/changes")


@pytest.mark.parametrize("name", ["viewer", "analyst", "approver", "admin"])
def test_every_role_reads_every_page_and_only_analysts_and_above_screen(service: Service, name: str) -> None:
    with _logged_in(service, name) as client:
        pages = {path: client.get(path) for path in UI_PAGES}
    assert all(page.status_code == 200 for page in pages.values())
    screened = "Why this score" in pages["/ui/?name=Kim+Jong+Un"].text
    assert screened == (name != "viewer")


def test_anonymous_visitors_see_only_the_login_page(service: Service) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        for path in UI_PAGES:
            response = client.get(path)
            assert response.status_code == 303 and response.headers["location"].startswith("/ui/login?next=")
        assert client.get("/ui/login").status_code == 200
        assert client.get("/ui/static/style.css").status_code == 200


def test_every_page_names_the_lists_that_are_not_current(service: Service) -> None:
    """The seeded UN sample (dated 2026-01-15) was loaded from a file and never checked: every signed-in page
    carries the banner naming them, and the changes page has the freshness table."""
    with _logged_in(service, "viewer") as client:
        screen = client.get("/ui/")
        changes = client.get("/ui/changes")
    for response in (screen, changes):
        assert response.status_code == 200
        assert 'class="stale" role="status"' in response.text and "Not every list is current" in response.text
        assert "<strong>un</strong> is stale: never checked" in response.text
    assert '<h2 id="freshness">Freshness</h2>' in changes.text and "never" in changes.text
    with httpx.Client(base_url=service.url, timeout=30) as anonymous:
        assert "Not every list is current" not in anonymous.get("/ui/login").text
