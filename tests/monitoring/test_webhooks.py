"""Webhook notifications, against a real HTTP receiver on loopback that verifies what it gets."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring import webhooks as webhooks_module
from sanctionwatch.monitoring.webhooks import (
    ALERTS_CREATED,
    Webhook,
    Webhooks,
    alerts_payload,
    notify,
    sign,
    verify_signature,
)
from tests.monitoring.receiver import Receiver, receiving

SECRET = "test-secret-0123456789-abcdefghijklmnopqrstu"
PAYLOAD = {"count": 1, "trigger": "delta", "list_versions": {"ofac-sdn": 3}, "alerts": []}


@pytest.fixture(autouse=True)
def private_addresses_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The receiver listens on loopback, which webhooks may only reach when allowed explicitly."""
    monkeypatch.setenv("SANCTIONWATCH_WEBHOOK_ALLOW_PRIVATE", "1")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


@pytest.fixture
def registry(tmp_path: Path) -> Webhooks:
    return Webhooks(connect(f"sqlite:///{tmp_path}/r.db"))


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def send(hooks: list[Webhook], **kwargs: Any) -> list[webhooks_module.Delivery]:
    kwargs.setdefault("backoff", 0.01)
    kwargs.setdefault("timeout", 5.0)
    return notify(hooks, ALERTS_CREATED, PAYLOAD, **kwargs)


# ---- delivery and signatures -----------------------------------------------------------------------------


def test_delivery_arrives_with_a_signature_the_receiver_verifies(
    receiver: Receiver, registry: Webhooks
) -> None:
    webhook_id, secret = registry.add(receiver.url())

    [delivery] = send(registry.active())

    assert delivery.ok and delivery.status == 204 and delivery.attempts == 1 and delivery.error is None
    assert delivery.webhook_id == webhook_id
    [request] = receiver.requests
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"].startswith("msg_")
    assert request.headers["webhook-signature"].startswith("v1,")
    assert verify_signature(secret, request.headers, request.body)
    message = json.loads(request.body)
    assert message["type"] == "alerts.created"
    assert message["data"] == PAYLOAD
    assert datetime.fromisoformat(message["timestamp"]).tzinfo is not None
    assert secret not in request.body.decode() and secret not in json.dumps(request.headers)


def test_a_wrong_secret_fails_verification(receiver: Receiver) -> None:
    send([Webhook(1, receiver.url(), SECRET)])
    [request] = receiver.requests

    assert verify_signature(SECRET, request.headers, request.body)
    assert not verify_signature(SECRET + "x", request.headers, request.body)


def test_a_tampered_body_fails_verification(receiver: Receiver) -> None:
    send([Webhook(1, receiver.url(), SECRET)])
    [request] = receiver.requests
    tampered = request.body.replace(b'"delta"', b'"full"')

    assert tampered != request.body
    assert not verify_signature(SECRET, request.headers, tampered)


def test_a_swapped_message_id_fails_verification(receiver: Receiver) -> None:
    send([Webhook(1, receiver.url(), SECRET)])
    [request] = receiver.requests

    assert not verify_signature(SECRET, {**request.headers, "webhook-id": "msg_other"}, request.body)


def test_a_stale_or_future_timestamp_fails_verification() -> None:
    body = b'{"type":"alerts.created"}'
    timestamp = 1_700_000_000
    headers = {
        "Webhook-Id": "msg_1",
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": sign(SECRET, "msg_1", timestamp, body),
    }

    assert verify_signature(SECRET, headers, body, now=timestamp + 299)
    assert not verify_signature(SECRET, headers, body, now=timestamp + 301)
    assert not verify_signature(SECRET, headers, body, now=timestamp - 301)
    assert not verify_signature(SECRET, headers, body)  # against the real clock: years old
    assert verify_signature(SECRET, headers, body, now=timestamp + 3000, tolerance_s=3600)


def test_malformed_signature_headers_fail_without_raising() -> None:
    body = b"{}"
    good = sign(SECRET, "msg_1", 100, body)
    assert not verify_signature(SECRET, {}, body, now=100)
    assert not verify_signature(
        SECRET, {"webhook-id": "msg_1", "webhook-timestamp": "abc", "webhook-signature": good}, body, now=100
    )
    assert not verify_signature(
        SECRET, {"webhook-id": "msg_1", "webhook-timestamp": "100", "webhook-signature": "v1,"}, body, now=100
    )
    rotated = f"v1,c29tZXRoaW5nIGVsc2U= {good}"  # several signatures: any one matching is enough
    assert verify_signature(
        SECRET,
        {"webhook-id": "msg_1", "webhook-timestamp": "100", "webhook-signature": rotated},
        body,
        now=100,
    )


@given(
    secret=st.text(min_size=1, max_size=64),
    message_id=st.text(min_size=1, max_size=40),
    timestamp=st.integers(min_value=0, max_value=2**40),
    body=st.binary(min_size=1, max_size=512),
    data=st.data(),
)
def test_sign_verify_round_trip_and_any_flipped_body_byte_fails(
    secret: str, message_id: str, timestamp: int, body: bytes, data: st.DataObject
) -> None:
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
    assert verify_signature(secret, headers, body, now=timestamp)

    index = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
    mask = data.draw(st.integers(min_value=1, max_value=255))
    flipped = body[:index] + bytes([body[index] ^ mask]) + body[index + 1 :]
    assert not verify_signature(secret, headers, flipped, now=timestamp)


# ---- retries ---------------------------------------------------------------------------------------------


def test_a_500_is_retried_with_the_same_message_id(receiver: Receiver) -> None:
    receiver.plan["/hook"] = [(500, {})]

    [delivery] = send([Webhook(1, receiver.url(), SECRET)])

    assert delivery.ok and delivery.attempts == 2 and delivery.status == 204
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert verify_signature(SECRET, first.headers, first.body)
    assert verify_signature(SECRET, second.headers, second.body)


def test_a_429_waits_as_long_as_retry_after_says(receiver: Receiver) -> None:
    receiver.plan["/hook"] = [(429, {"Retry-After": "1"})]

    started = time.monotonic()
    [delivery] = send([Webhook(1, receiver.url(), SECRET)])
    elapsed = time.monotonic() - started

    assert delivery.ok and delivery.attempts == 2
    assert elapsed >= 0.95  # the 0.01 s backoff alone would not wait this long
    assert len(receiver.requests) == 2


def test_retry_after_is_capped(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhooks_module, "RETRY_AFTER_CAP_S", 0.05)
    receiver.plan["/hook"] = [(503, {"Retry-After": "3600"})]

    started = time.monotonic()
    [delivery] = send([Webhook(1, receiver.url(), SECRET)])

    assert delivery.ok and delivery.attempts == 2
    assert time.monotonic() - started < 3


def test_a_400_is_not_retried(receiver: Receiver) -> None:
    receiver.plan["/hook"] = [(400, {}), (204, {})]

    [delivery] = send([Webhook(1, receiver.url(), SECRET)])

    assert not delivery.ok
    assert delivery.status == 400 and delivery.attempts == 1 and delivery.error == "HTTP 400"
    assert len(receiver.requests) == 1


def test_persistent_5xx_gives_up_after_the_attempts(receiver: Receiver) -> None:
    receiver.plan["/hook"] = [(502, {})] * 5

    [delivery] = send([Webhook(1, receiver.url(), SECRET)], attempts=3)

    assert not delivery.ok and delivery.status == 502 and delivery.attempts == 3
    assert len(receiver.requests) == 3


def test_an_unreachable_url_is_reported_not_raised() -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"

    [delivery] = send([Webhook(7, url, SECRET)])

    assert not delivery.ok
    assert delivery.webhook_id == 7 and delivery.url == url
    assert delivery.status is None and delivery.attempts == 3
    assert delivery.error and "ConnectError" in delivery.error


def test_one_failing_endpoint_does_not_stop_the_others(receiver: Receiver) -> None:
    hooks = [
        Webhook(1, f"http://127.0.0.1:{closed_port()}/down", SECRET),
        Webhook(2, receiver.url("/a"), SECRET),
    ]

    deliveries = send(hooks)

    assert [(d.webhook_id, d.ok) for d in deliveries] == [(1, False), (2, True)]
    assert len(receiver.at("/a")) == 1


def test_redirects_are_not_followed(receiver: Receiver) -> None:
    receiver.plan["/moved"] = [(307, {"Location": receiver.url("/elsewhere")})]

    [delivery] = send([Webhook(1, receiver.url("/moved"), SECRET)])

    assert not delivery.ok and delivery.status == 307 and delivery.attempts == 1
    assert receiver.at("/elsewhere") == []


# ---- the registry of endpoints ---------------------------------------------------------------------------


def test_disabled_webhooks_get_nothing(receiver: Receiver, registry: Webhooks) -> None:
    kept, _ = registry.add(receiver.url("/kept"))
    removed, _ = registry.add(receiver.url("/removed"))
    registry.remove(removed)

    deliveries = send(registry.active())

    assert [d.webhook_id for d in deliveries] == [kept]
    assert len(receiver.at("/kept")) == 1
    assert receiver.at("/removed") == []


def test_secrets_never_appear_in_logs(
    receiver: Receiver, registry: Webhooks, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.plan["/fails"] = [(500, {})] * 5
    receiver.plan["/refuses"] = [(400, {})]
    added = [
        registry.add(receiver.url("/ok")),
        registry.add(receiver.url("/fails")),
        registry.add(receiver.url("/refuses")),
        registry.add(f"http://user:password@127.0.0.1:{closed_port()}/down?token=abc"),
    ]

    deliveries = send(registry.active())

    assert [d.ok for d in deliveries] == [True, False, False, False]
    assert "not delivered" in caplog.text  # failures are logged ...
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    for _, secret in added:
        assert secret not in logged  # ... without any secret
    for request in receiver.requests:
        assert request.headers["webhook-signature"].split(",", 1)[1] not in logged
    assert "password" not in logged and "token=abc" not in logged  # nor a URL's credentials


def test_add_rejects_urls_that_cannot_be_endpoints(registry: Webhooks) -> None:
    with pytest.raises(ValueError, match=r"scheme 'ftp' not allowed; use http:// or https://"):
        registry.add("ftp://files.example.com/hook")
    with pytest.raises(ValueError, match="no host"):
        registry.add("http:///hook")
    with pytest.raises(ValueError, match="no host"):
        registry.add("https://")
    with pytest.raises(ValueError, match="scheme 'none'"):
        registry.add("alerts.example.com/hook")
    with pytest.raises(ValueError, match="empty"):
        registry.add("  ")
    with pytest.raises(ValueError, match="invalid port"):
        registry.add("https://alerts.example.com:99999/hook")
    assert registry.list() == []


def test_add_list_remove_round_trip(registry: Webhooks) -> None:
    first, secret = registry.add(" https://alerts.example.com/hook ")
    second, other = registry.add("http://10.0.0.5:8080/sanctions")

    assert len(secret) >= 43 and secret != other  # 32 random bytes, url-safe base64
    listed = registry.list()
    assert [(w.id, w.url, w.active) for w in listed] == [
        (first, "https://alerts.example.com/hook", True),
        (second, "http://10.0.0.5:8080/sanctions", True),
    ]
    assert all(w.created_at.tzinfo is not None for w in listed)
    assert not hasattr(listed[0], "secret")
    assert secret not in json.dumps([w.to_json() for w in listed])
    assert [(w.id, w.secret) for w in registry.active()] == [(first, secret), (second, other)]
    assert secret not in repr(registry.active())

    registry.remove(first)
    removed_at = registry.list()[0].disabled_at
    assert removed_at is not None and removed_at <= datetime.now(UTC)
    registry.remove(first)  # again: keeps the first time
    assert registry.list()[0].disabled_at == removed_at
    assert [w.id for w in registry.active()] == [second]
    assert [w.active for w in registry.list()] == [False, True]
    with pytest.raises(LookupError, match="no webhook with id 999"):
        registry.remove(999)


# ---- payload ---------------------------------------------------------------------------------------------


def test_alerts_payload_carries_ids_and_scores_only() -> None:
    alert = {
        "id": 12,
        "customer_id": "C-001",
        "entity_id": "ofac-sdn:15603",
        "source_ids": ("ofac-sdn:15603", "un:KPi.066"),
        "score": 0.93,
        "status": "open",
        "list_version": "ofac-sdn/3",
        "explanation": {"name": "KIM Jong Un"},
        "customer_hash": "ab" * 32,
    }

    data = alerts_payload([alert], trigger="delta", list_versions={"ofac-sdn": 3, "un": 7})

    assert data == {
        "count": 1,
        "trigger": "delta",
        "list_versions": {"ofac-sdn": 3, "un": 7},
        "alerts": [
            {
                "id": 12,
                "customer_id": "C-001",
                "entity_id": "ofac-sdn:15603",
                "source_ids": ["ofac-sdn:15603", "un:KPi.066"],
                "score": 0.93,
                "status": "open",
                "list_version": "ofac-sdn/3",
            }
        ],
    }
    json.dumps(data)  # serializable as it is
    assert alerts_payload([], trigger="full", list_versions={})["count"] == 0
