"""Webhook notifications: tell the bank's own systems (case tools, chat, SIEM) that new alerts exist.

Why webhooks: an alert that nobody sees until someone opens the analyst pages is a compliance gap. A push
to an endpoint the bank controls closes it without that system having to poll us.

Signature scheme (after the Standard Webhooks convention, https://www.standardwebhooks.com). Every
request is a ``POST`` with ``content-type: application/json`` and three headers:

- ``webhook-id``: the message id, ``msg_<random>``. It is the same on every retry of one message (and
  for every endpoint one event goes to), so a receiver de-duplicates on it: a delivery whose answer was
  lost (timeout) is sent again.
- ``webhook-timestamp``: the attempt's time, integer seconds since the Unix epoch. Each attempt is
  signed afresh, so a message retried after a long Retry-After is not stale on arrival.
- ``webhook-signature``: ``v1,<base64 of HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>``,
  where ``body`` is the exact request body bytes. The header may carry several space-separated
  signatures (key rotation); a receiver accepts the message if any ``v1`` one matches.

The HMAC key is the UTF-8 encoding of the secret that :meth:`Webhooks.add` returned (a
``secrets.token_urlsafe(32)`` string: 256 random bits). Standard Webhooks libraries expect secrets as
``whsec_<base64 key>``; give them ``"whsec_" + base64.b64encode(secret.encode()).decode()``.

A receiver must verify before trusting anything (:func:`verify_signature` does it): compute the HMAC over
the raw body as received (never re-serialized JSON), compare in constant time, and refuse timestamps more
than five minutes from its clock (either way). Signing the id and timestamp with the body is what makes a
captured request useless to replay later, and what stops the id from being swapped.

The body is ``{"type": <event>, "timestamp": <ISO 8601 of the event>, "data": <payload>}``; for new
alerts the event is ``alerts.created`` and the data comes from :func:`alerts_payload`. It carries ids,
scores and list versions, never a customer's name or data: the receiver fetches details over the
authenticated API, so a misdirected webhook leaks nothing personal.

Delivery is at-least-once and best effort: connection errors, timeouts, 5xx and 429 are retried with
exponential backoff (Retry-After honoured, capped); other answers (4xx, 3xx: redirects are not followed,
a webhook that moved is re-registered) are final. :func:`notify` never raises for a failed delivery: it
reports each outcome, so that one broken endpoint cannot stop alerting or the other endpoints.

Where webhooks may point: a webhook is a request the server makes on an administrator's word, so
loopback, link-local (cloud metadata at 169.254.169.254), private, reserved, multicast and unspecified
addresses (IPv4-mapped IPv6 included) are refused, unless `SANCTIONWATCH_WEBHOOK_ALLOW_PRIVATE=1` allows
them (a receiver on the bank's own network). The host is checked when the webhook is added and again
before every delivery, after DNS resolution; the request then goes to the address just checked (Host
header and TLS name unchanged), so a DNS answer that changes in between cannot redirect it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy import Engine, insert, select, update

from sanctionwatch.config import WEBHOOK_ALLOW_PRIVATE, webhook_allow_private
from sanctionwatch.db.engine import as_utc
from sanctionwatch.errors import InputError, NotFoundError
from sanctionwatch.monitoring.tables import webhooks as webhooks_table
from sanctionwatch.registry import audit

__all__ = ["Delivery", "Webhooks"]

logger = logging.getLogger(__name__)

ALERTS_CREATED = "alerts.created"
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE_S = 300
# The longest wait a receiver's Retry-After can impose between two attempts: alerting must not stall
# for an hour because one endpoint asked it to.
RETRY_AFTER_CAP_S = 30.0
_MAX_URL_LENGTH = 2000
_USER_AGENT = "sanctionwatch-webhooks/1"


@dataclass(frozen=True, slots=True)
class Webhook:
    """An active endpoint with its secret: what the sender needs, and only the sender."""

    id: int
    url: str
    secret: str = field(repr=False)  # kept out of repr so that logging or printing one cannot leak it


@dataclass(frozen=True, slots=True)
class WebhookInfo:
    """An endpoint as listings show it: no secret (it was shown once, when the webhook was added)."""

    id: int
    url: str
    created_at: datetime
    disabled_at: datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "created_at": self.created_at.isoformat(),
            "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None,
            "active": self.active,
        }


@dataclass(frozen=True, slots=True)
class Delivery:
    """The outcome of one message to one endpoint: enough to report, audit or re-send it."""

    webhook_id: int
    url: str
    status: int | None  # the last HTTP status received; None when no answer came at all
    attempts: int
    error: str | None
    ok: bool

    def to_json(self) -> dict[str, Any]:
        """For reports: the URL without the credentials or tokens it may carry."""
        return {
            "webhook_id": self.webhook_id,
            "url": redact_url(self.url),
            "status": self.status,
            "attempts": self.attempts,
            "error": self.error,
            "ok": self.ok,
        }


class Webhooks:
    """The registered endpoints, in the registry database (table ``webhooks``).

    Removal disables rather than deletes, so that the record of where alerts were sent, and since when,
    survives for an examiner.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, url: str, *, actor: str = "system") -> tuple[int, str]:
        """Register an endpoint; returns its id and its new secret, which is shown this once only.

        Raises WebhookUrlError for a URL that is not an absolute http(s) URL with a host, and
        PrivateAddressError (a ValueError) for a host that is not public (see the module documentation).
        """
        checked = validate_url(url)
        secret = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            webhook_id = conn.execute(
                insert(webhooks_table).values(url=checked, secret=secret, created_at=datetime.now(UTC))
            ).inserted_primary_key[0]  # type: ignore[index]
            audit.append(
                conn, actor=actor, action="webhook.added", subject=f"webhook {webhook_id}",
                details={"url": redact_url(checked)},
            )  # fmt: skip
        return int(webhook_id), secret

    def remove(self, webhook_id: int, *, actor: str = "system") -> None:
        """Disable an endpoint: it gets nothing more. Removing one already removed keeps the first time.

        Raises UnknownWebhookError (a LookupError) when there is no webhook with that id.
        """
        with self.engine.begin() as conn:
            exists = conn.execute(
                select(webhooks_table.c.id).where(webhooks_table.c.id == webhook_id)
            ).first()
            if exists is None:
                raise UnknownWebhookError(f"no webhook with id {webhook_id}")
            disabled = conn.execute(
                update(webhooks_table)
                .where(webhooks_table.c.id == webhook_id, webhooks_table.c.disabled_at.is_(None))
                .values(disabled_at=datetime.now(UTC))
            ).rowcount
            if disabled:
                audit.append(conn, actor=actor, action="webhook.removed", subject=f"webhook {webhook_id}")

    def active(self) -> list[Webhook]:
        """The endpoints to notify, with their secrets (for :func:`notify`, not for display)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(webhooks_table.c.id, webhooks_table.c.url, webhooks_table.c.secret)
                .where(webhooks_table.c.disabled_at.is_(None))
                .order_by(webhooks_table.c.id)
            ).all()
        return [Webhook(int(row.id), row.url, row.secret) for row in rows]

    def list(self) -> list[WebhookInfo]:
        """Every endpoint, removed ones included, oldest first; never the secrets."""
        columns = (
            webhooks_table.c.id,
            webhooks_table.c.url,
            webhooks_table.c.created_at,
            webhooks_table.c.disabled_at,
        )
        with self.engine.connect() as conn:
            rows = conn.execute(select(*columns).order_by(webhooks_table.c.id)).all()
        return [
            WebhookInfo(
                int(row.id),
                redact_url(row.url),  # a token in the URL is a secret too: shown once, when added
                as_utc(row.created_at),
                as_utc(row.disabled_at) if row.disabled_at is not None else None,
            )
            for row in rows
        ]


class WebhookUrlError(InputError, ValueError):
    """A URL that cannot be a webhook endpoint (empty, not http(s), no host, a bad port ...)."""


class UnknownWebhookError(NotFoundError, LookupError):
    """No webhook with that id."""


def validate_url(url: str) -> str:
    """The URL, stripped, if it can be an endpoint; WebhookUrlError (a ValueError) saying what is wrong
    otherwise.

    Only http and https: other schemes (ftp, file, ...) cannot take a signed JSON POST, and file or
    gopher URLs are classic ways to make a server reach what it should not.
    """
    text = url.strip()
    if not text:
        raise WebhookUrlError("webhook URL: empty")
    if len(text) > _MAX_URL_LENGTH:
        raise WebhookUrlError(f"webhook URL: longer than {_MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise WebhookUrlError("webhook URL: contains whitespace or control characters")
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # "Invalid IPv6 URL"
        raise WebhookUrlError(str(exc)) from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = parts.scheme or "none"
        raise WebhookUrlError(f"webhook URL {text!r}: scheme {shown!r} not allowed; use http:// or https://")
    if not parts.hostname:
        raise WebhookUrlError(f"webhook URL {text!r}: no host; expected e.g. https://alerts.example.com/hook")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError as exc:
        raise WebhookUrlError(f"webhook URL {text!r}: invalid port ({exc})") from None
    if not webhook_allow_private():
        # A host that does not resolve from here and now is let through: it is checked again before
        # every delivery.
        with contextlib.suppress(OSError):
            try:
                public_addresses(parts.hostname)
            except UnicodeError as exc:  # a name IDNA cannot encode (an empty or over-long label)
                raise WebhookUrlError(str(exc)) from None
    return text


class PrivateAddressError(InputError, ValueError):
    """A webhook host that is, or resolves to, an address the service must not post to."""


def public_addresses(host: str) -> list[str]:
    """The addresses `host` resolves to, every one of them public; else PrivateAddressError naming it.

    Raises OSError when the host does not resolve. One private address among several is enough to
    refuse: which one a connection would use is not ours to choose.
    """
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        kind = _not_public(address)
        if kind is not None:
            shown = host if host.strip("[]") == address else f"{host} ({address})"
            raise PrivateAddressError(
                f"webhook URL: host {shown} is not a public address ({kind}); webhooks go to public "
                f"addresses only, unless {WEBHOOK_ALLOW_PRIVATE}=1 allows them"
            )
    return addresses


def _not_public(address: str) -> str | None:
    """What kind of non-public address this is (loopback, private ...), or None for a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    kinds = (
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_multicast, "multicast"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private"),
        (not ip.is_global, "non-public"),  # shared (100.64/10), documentation ranges ...
    )
    return next((kind for refused, kind in kinds if refused), None)


@dataclass(frozen=True, slots=True)
class _Route:
    """Where one attempt goes: the URL to connect to, and what keeps the registered host's identity."""

    url: str
    headers: dict[str, str]
    extensions: dict[str, Any]


def _route(url: str) -> _Route:
    """The registered URL if private addresses are allowed; otherwise the URL pinned to the public
    address just checked, with the registered host as Host header and TLS name (SNI and certificate).

    Raises PrivateAddressError (final) or OSError (DNS failure: worth retrying).
    """
    if webhook_allow_private():
        return _Route(url, {}, {})
    parsed = httpx.URL(url)
    host = parsed.raw_host.decode("ascii")
    [address, *_] = public_addresses(host)
    return _Route(
        str(parsed.copy_with(host=address)),
        {"host": parsed.netloc.decode("ascii")},
        {"sni_hostname": host},
    )


# ---- signing -------------------------------------------------------------------------------------------


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one message: ``v1,<base64 HMAC-SHA256>``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def verify_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """Whether a received message is authentic, unaltered and fresh (for receivers, and our tests).

    `headers` are matched case-insensitively; `body` is the raw request body. A timestamp more than
    `tolerance_s` seconds from `now` (default: the clock) in either direction fails, which bounds how long
    a captured request could be replayed. Malformed headers fail; nothing here raises.
    """
    lowered = {str(key).lower(): str(value) for key, value in headers.items()}
    message_id = lowered.get("webhook-id", "")
    timestamp_text = lowered.get("webhook-timestamp", "").strip()
    signatures = lowered.get("webhook-signature", "")
    if not message_id or not signatures or not timestamp_text.isascii() or not timestamp_text.isdigit():
        return False
    timestamp = int(timestamp_text)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return False
    expected = sign(secret, message_id, timestamp, body).encode("ascii")
    found = False
    for candidate in signatures.split():
        # Compare every candidate (no early exit) so timing says nothing about which one matched.
        found |= hmac.compare_digest(candidate.encode("utf-8", "replace"), expected)
    return found


# ---- delivery ------------------------------------------------------------------------------------------


def notify(
    webhooks: Sequence[Webhook],
    event: str,
    payload: Mapping[str, Any],
    *,
    timeout: float = 10.0,
    attempts: int = 3,
    backoff: float = 0.5,
    client: httpx.Client | None = None,
) -> list[Delivery]:
    """Send one event to each endpoint, signed; one :class:`Delivery` per endpoint, in the given order.

    Endpoints are served one after the other: there are a handful per bank, and a slow one only delays
    the others by its own timeout and retries. Waits between attempts are ``backoff * 2**n`` seconds, or
    the receiver's Retry-After (capped at ``RETRY_AFTER_CAP_S``). Failures are logged and returned, never
    raised; secrets and signatures are never logged.
    """
    if attempts < 1:
        raise ValueError("attempts: at least 1")
    message_id = "msg_" + secrets.token_urlsafe(18)
    body = _json_body({"type": event, "timestamp": datetime.now(UTC).isoformat(), "data": payload})
    own_client = client is None
    http = client if client is not None else httpx.Client(follow_redirects=False)
    try:
        return [
            _deliver(http, webhook, message_id, body, timeout=timeout, attempts=attempts, backoff=backoff)
            for webhook in webhooks
        ]
    finally:
        if own_client:
            http.close()


def _deliver(
    http: httpx.Client,
    webhook: Webhook,
    message_id: str,
    body: bytes,
    *,
    timeout: float,
    attempts: int,
    backoff: float,
) -> Delivery:
    shown_url = redact_url(webhook.url)
    status: int | None = None
    error: str | None = None
    attempt = 0
    while attempt < attempts:
        attempt += 1
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "user-agent": _USER_AGENT,
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(webhook.secret, message_id, timestamp, body),
        }
        retry_after: float | None = None
        try:
            route = _route(webhook.url)
            # Streamed and closed unread: the receiver's answer body is of no use, and an endpoint
            # that answers with gigabytes must not be able to exhaust our memory.
            with http.stream(
                "POST",
                route.url,
                content=body,
                headers=headers | route.headers,
                extensions=route.extensions,
                timeout=timeout,
            ) as response:
                status = response.status_code
                retry_after = _retry_after(response.headers.get("retry-after"))
        except ValueError as exc:  # PrivateAddressError (the host now resolves to an address we must not
            # post to), or a setting that says neither yes nor no: final either way, and said
            status, error, retryable = None, str(exc), False
        except OSError as exc:  # the host did not resolve (checked before connecting)
            status, error, retryable = None, f"DNS: {exc}", True
        except httpx.HTTPError as exc:  # connection refused, DNS, TLS, timeouts, protocol errors
            status = None
            error = _describe(exc)
            retryable = True
        else:
            if 200 <= status < 300:
                logger.info(
                    "webhook %d (%s): %s delivered, HTTP %d, attempt %d",
                    webhook.id,
                    shown_url,
                    message_id,
                    status,
                    attempt,
                )
                return Delivery(webhook.id, webhook.url, status, attempt, None, True)
            error = f"HTTP {status}"
            retryable = status >= 500 or status == 429
        if not retryable or attempt >= attempts:
            break
        wait = (
            min(retry_after, RETRY_AFTER_CAP_S) if retry_after is not None else backoff * 2 ** (attempt - 1)
        )
        logger.info(
            "webhook %d (%s): %s attempt %d failed (%s); retrying in %.2f s",
            webhook.id,
            shown_url,
            message_id,
            attempt,
            error,
            wait,
        )
        time.sleep(max(wait, 0.0))
    logger.warning(
        "webhook %d (%s): %s not delivered after %d attempt(s): %s",
        webhook.id,
        shown_url,
        message_id,
        attempt,
        error,
    )
    return Delivery(webhook.id, webhook.url, status, attempt, error, False)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent or invalid."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _describe(exc: httpx.HTTPError) -> str:
    detail = str(exc).strip()
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def redact_url(url: str) -> str:
    """The URL for logs: without credentials, query or fragment, which endpoints often use as tokens."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{host}:{parts.port}" if parts.port is not None else host
    except ValueError:
        return "<invalid URL>"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _json_body(message: Mapping[str, Any]) -> bytes:
    return json.dumps(
        message, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_default
    ).encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"webhook payload: {type(value).__name__} is not JSON serializable")


# ---- payloads ------------------------------------------------------------------------------------------


def alerts_payload(
    alerts: Sequence[Mapping[str, Any]], *, trigger: str, list_versions: Mapping[str, int]
) -> dict[str, Any]:
    """The ``data`` of an ``alerts.created`` event, from alert rows as given (nothing is queried).

    Identifiers and scores only: no names or customer data leave through a webhook, the receiver asks the
    API for them. `list_versions` ({"ofac-sdn": 3, ...}) says which list versions the screening ran on.
    """
    return {
        "count": len(alerts),
        "trigger": trigger,
        "list_versions": dict(list_versions),
        "alerts": [
            {
                "id": alert["id"],
                "customer_id": alert["customer_id"],
                "entity_id": alert["entity_id"],
                "source_ids": list(alert["source_ids"]),
                "score": float(alert["score"]),
                "status": alert["status"],
                "list_version": alert["list_version"],
            }
            for alert in alerts
        ],
    }
