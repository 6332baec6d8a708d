"""Settings that every interface shares: where the registry lives and where downloads are cached."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

__all__ = [
    "APP_NAME",
    "WEBHOOK_ALLOW_PRIVATE",
    "cache_dir",
    "cli_actor",
    "database_url",
    "signing_key_path",
    "webhook_allow_private",
]

APP_NAME = "sanctionwatch"


def default_database_url() -> str:
    """The embedded default: one SQLite file in the user's data directory."""
    directory = Path(user_data_dir(APP_NAME))
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'registry.db'}"


def database_url(explicit: str | None = None) -> str:
    """`--db` wins over SANCTIONWATCH_DB, which wins over the default. A bare path means a SQLite file."""
    value = explicit or os.environ.get("SANCTIONWATCH_DB") or ""
    if not value:
        return default_database_url()
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    return value


def cache_dir() -> Path:
    """Downloaded list files and their HTTP validators (ETag, Last-Modified) for conditional requests."""
    override = os.environ.get("SANCTIONWATCH_CACHE")
    directory = Path(override) if override else Path(user_cache_dir(APP_NAME))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def signing_key_path() -> Path:
    """The deployment's Ed25519 private key that signs receipts and certificates (PEM, PKCS#8):
    SANCTIONWATCH_SIGNING_KEY, else `signing-key.pem` in the user's data directory. Kept apart from the
    database on purpose: whoever can write the database must not thereby be able to sign."""
    override = os.environ.get("SANCTIONWATCH_SIGNING_KEY")
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir(APP_NAME)) / "signing-key.pem"


def cli_actor() -> str:
    """How the audit log names a change made from the command line: the operating-system account the
    process runs as (from the password database, not $USER, which anyone can set)."""
    try:
        return f"cli:{pwd.getpwuid(os.getuid()).pw_name}"
    except (KeyError, OSError):  # an account without an entry (some containers)
        return f"cli:uid {os.getuid()}"


WEBHOOK_ALLOW_PRIVATE = "SANCTIONWATCH_WEBHOOK_ALLOW_PRIVATE"


def webhook_allow_private() -> bool:
    """Whether webhooks may go to loopback, link-local or private addresses (the setting above, `=1`).

    Off by default: a webhook URL is a request the server makes on an administrator's word, and one to
    http://169.254.169.254/ or an internal service is the classic server-side request forgery. A bank
    whose receiver lives on its own network turns it on, knowingly.
    """
    raw = os.environ.get(WEBHOOK_ALLOW_PRIVATE, "").strip().lower()
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("", "0", "false", "no"):
        return False
    raise ValueError(f"{WEBHOOK_ALLOW_PRIVATE}={raw!r}: expected 1 (allow) or 0 (refuse)")
