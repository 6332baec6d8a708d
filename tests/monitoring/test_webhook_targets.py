"""Webhooks go to public addresses only, unless an administrator allows private ones: checked when a
webhook is added (API, CLI) and again before every delivery, after DNS resolution."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring import webhooks as webhooks_module
from sanctionwatch.monitoring.webhooks import ALERTS_CREATED, PrivateAddressError, Webhook, Webhooks, notify
from tests.cli.runner import run
from tests.monitoring.receiver import Receiver, receiving

ALLOW = "SANCTIONWATCH_WEBHOOK_ALLOW_PRIVATE"
SECRET = "test-secret-0123456789-abcdefghijklmnopqrstu"
PUBLIC = "93.184.215.14"
NOT_PUBLIC = {
    "http://169.254.169.254/latest/meta-data/": "link-local",
    "http://127.0.0.1:8080/hook": "loopback",
    "http://2130706433/hook": "loopback",  # 127.0.0.1 written as one number
    "http://[::1]/hook": "loopback",
    "http://[::ffff:127.0.0.1]/hook": "loopback",
    "http://[fe80::1]/hook": "link-local",
    "http://10.0.0.5:8080/sanctions": "private",
    "https://192.168.1.20/hook": "private",
    "http://[fd00::1]/hook": "private",
    "http://0.0.0.0/hook": "unspecified",
    "http://224.0.0.1/hook": "multicast",
    "http://240.0.0.1/hook": "reserved",
    "http://100.64.0.1/hook": "non-public",
}


@pytest.fixture(autouse=True)
def not_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW, raising=False)


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Webhooks]:
    engine = connect(f"sqlite:///{tmp_path}/r.db")
    yield Webhooks(engine)
    engine.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Names the test makes resolve to an address of its choosing; every other name resolves as usual."""
    answers: dict[str, str] = {}
    real = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            return real(answers[host], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return answers


def send(hooks: list[Webhook], **kwargs: Any) -> list[webhooks_module.Delivery]:
    return notify(hooks, ALERTS_CREATED, {"count": 0}, backoff=0.01, timeout=5.0, **kwargs)


@pytest.mark.parametrize("url", NOT_PUBLIC)
def test_adding_a_webhook_to_a_non_public_address_is_refused(registry: Webhooks, url: str) -> None:
    with pytest.raises(
        PrivateAddressError, match=rf"is not a public address \({NOT_PUBLIC[url]}\); .*{ALLOW}=1"
    ):
        registry.add(url)
    assert registry.list() == []


def test_a_name_that_resolves_to_a_private_address_is_refused(
    registry: Webhooks, dns: dict[str, str]
) -> None:
    dns["metadata.internal.test"] = "169.254.169.254"
    with pytest.raises(PrivateAddressError, match=r"host metadata.internal.test \(169.254.169.254\)"):
        registry.add("http://metadata.internal.test/latest")
    assert registry.list() == []


def test_public_addresses_and_unresolvable_names_are_accepted(registry: Webhooks) -> None:
    registry.add(f"https://{PUBLIC}/hook")
    registry.add("https://alerts.invalid/hook")  # checked again at delivery
    assert [w.url for w in registry.list()] == [f"https://{PUBLIC}/hook", "https://alerts.invalid/hook"]


def test_the_administrator_may_allow_private_addresses(
    registry: Webhooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOW, "1")
    for url in NOT_PUBLIC:
        registry.add(url)
    assert len(registry.list()) == len(NOT_PUBLIC)


def test_a_setting_that_says_neither_yes_nor_no_is_refused_not_read_as_no(
    registry: Webhooks, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOW, "maybe")
    with pytest.raises(ValueError, match="SANCTIONWATCH_WEBHOOK_ALLOW_PRIVATE='maybe'"):
        registry.add(f"https://{PUBLIC}/hook")
    [delivery] = send([Webhook(1, receiver.url(), SECRET)])
    assert not delivery.ok and delivery.attempts == 1
    assert delivery.error is not None and "SANCTIONWATCH_WEBHOOK_ALLOW_PRIVATE" in delivery.error
    assert receiver.requests == []


def test_delivery_to_a_loopback_receiver_is_refused_without_the_allowance(receiver: Receiver) -> None:
    [delivery] = send([Webhook(1, receiver.url(), SECRET)])
    assert not delivery.ok and delivery.attempts == 1 and delivery.status is None
    assert delivery.error is not None and "loopback" in delivery.error
    assert receiver.requests == []


def test_delivery_refuses_a_name_that_now_resolves_to_a_private_address(
    registry: Webhooks, dns: dict[str, str], receiver: Receiver
) -> None:
    dns["hooks.example.test"] = PUBLIC
    registry.add("http://hooks.example.test/hook")
    dns["hooks.example.test"] = "127.0.0.1"  # DNS changed since (rebinding)
    [delivery] = send(registry.active())
    assert not delivery.ok and delivery.attempts == 1
    assert (
        delivery.error is not None
        and "hooks.example.test (127.0.0.1) is not a public address (loopback)" in delivery.error
    )


def test_delivery_goes_to_the_checked_address_under_the_registered_name(dns: dict[str, str]) -> None:
    dns["hooks.example.test"] = PUBLIC
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        [delivery] = send([Webhook(1, "https://hooks.example.test:8443/in?t=1", SECRET)], client=client)
    assert delivery.ok
    [request] = seen
    assert (request.url.host, request.url.port, request.url.path) == (PUBLIC, 8443, "/in")
    assert request.headers["host"] == "hooks.example.test:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.test"


def test_delivery_to_loopback_works_when_allowed(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW, "1")
    [delivery] = send([Webhook(1, receiver.url(), SECRET)])
    assert delivery.ok and len(receiver.requests) == 1


def test_cli_refuses_the_metadata_address(tmp_path: Path) -> None:
    refused = run(tmp_path / "registry.db", "webhooks", "add", "http://169.254.169.254/", check=False)
    assert refused.returncode == 1
    assert "169.254.169.254 is not a public address (link-local)" in " ".join(refused.stderr.split())
    assert run(tmp_path / "registry.db", "webhooks", "list").stdout.strip() == ""
