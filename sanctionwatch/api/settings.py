"""The service's settings, in one place, each with the environment variable that overrides it."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from sanctionwatch.config import APP_NAME, database_url

__all__ = ["ServiceSettings"]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_flag(name: str) -> bool:
    """A yes/no setting: 1 or 0 (unset: no); anything else is refused, not read as either."""
    raw = os.environ.get(name, "").strip()
    if raw in ("", "0"):
        return False
    if raw == "1":
        return True
    raise RuntimeError(f"{name}={raw!r}: expected 1 (on) or 0 (off)")


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in os.environ.get(name, "").split(",") if v.strip())


def service_secret() -> str:
    """The key that signs session cookies: SANCTIONWATCH_SECRET, or one made once and kept in the data
    directory (readable by its owner only), so that every worker process and every restart agrees."""
    explicit = os.environ.get("SANCTIONWATCH_SECRET")
    if explicit:
        return _checked(explicit, "SANCTIONWATCH_SECRET")
    path = Path(user_data_dir(APP_NAME)) / "service-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole under another name, then linked into place: a worker starting at the same
        # moment either finds no file or the whole secret, never an empty one.
        draft = path.with_name(f".service-secret.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)  # fails if another process linked its own first: theirs wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return _checked(path.read_text().strip(), str(path))


MIN_SECRET = 32


def _checked(secret: str, origin: str) -> str:
    """A secret short enough to guess would let anyone forge a session cookie: refuse to start."""
    if len(secret) < MIN_SECRET:
        raise RuntimeError(f"{origin}: the session secret must be at least {MIN_SECRET} characters")
    return secret


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    database: str = field(default_factory=lambda: database_url(None))
    secret: str = field(default_factory=service_secret)
    # Request bodies: JSON calls are small; uploaded batch files may be large.
    max_body_bytes: int = field(default_factory=lambda: _env_int("SANCTIONWATCH_MAX_BODY", 1 << 20))
    max_upload_bytes: int = field(default_factory=lambda: _env_int("SANCTIONWATCH_MAX_UPLOAD", 64 << 20))
    # Per key or user: a sustained rate and a burst (token bucket). Generous by default: keys belong to
    # systems the bank runs; the limit stops a runaway client from starving the others.
    rate_per_second: int = field(default_factory=lambda: _env_int("SANCTIONWATCH_RATE", 2000))
    rate_burst: int = field(default_factory=lambda: _env_int("SANCTIONWATCH_BURST", 4000))
    login_attempts_per_minute: int = field(  # failed logins per client address
        default_factory=lambda: _env_int("SANCTIONWATCH_LOGIN_ATTEMPTS", 10)
    )
    bad_keys_per_minute: int = field(  # invalid API keys per client address (valid keys are never held)
        default_factory=lambda: _env_int("SANCTIONWATCH_BAD_KEYS", 60)
    )
    # Requests that scan the registry or take a file (GET /changes, /lists/{source}/changes, the changes
    # page, POST /jobs and /customers) run at most this many at once per process; the next is refused
    # with 503 and Retry-After rather than queued, so that they cannot starve /match, /screen, /search.
    costly_concurrency: int = field(default_factory=lambda: _env_int("SANCTIONWATCH_COSTLY_CONCURRENCY", 2))
    cors_origins: tuple[str, ...] = field(default_factory=lambda: _env_list("SANCTIONWATCH_CORS_ORIGINS"))
    # Session cookies are sent over HTTPS only, unless the service is run on plain HTTP on purpose.
    secure_cookies: bool = field(
        default_factory=lambda: os.environ.get("SANCTIONWATCH_INSECURE_COOKIES") != "1"
    )
    session_hours: int = 8
    refresh_seconds: int = field(default_factory=lambda: _env_int("SANCTIONWATCH_REFRESH", 60))
    jobs_dir: Path = field(
        default_factory=lambda: Path(
            os.environ.get("SANCTIONWATCH_JOBS_DIR") or Path(user_data_dir(APP_NAME)) / "jobs"
        )
    )
    max_match_queries: int = 100  # examples per /match request (yente's MAX_BATCH)
    # The list watch loop (monitoring/watch.py) on a thread of each service process: off by default, since
    # with several workers each would check the lists; a separate `sanctionwatch watch` does it once.
    watch: bool = field(default_factory=lambda: _env_flag("SANCTIONWATCH_WATCH"))
    watch_mirror: str | None = field(
        default_factory=lambda: os.environ.get("SANCTIONWATCH_WATCH_MIRROR") or None
    )
    # Payments are held while a list is older than this many days; 0: each authority's freshness policy.
    payment_max_list_age_days: int = field(
        default_factory=lambda: _env_int("SANCTIONWATCH_PAYMENT_MAX_LIST_AGE_DAYS", 0)
    )

    def environment(self) -> dict[str, str]:
        """These settings as the environment variables that give them: what a server process started
        apart (a uvicorn worker, a test's server) needs to build the same service."""
        return {
            "SANCTIONWATCH_DB": self.database,
            "SANCTIONWATCH_SECRET": self.secret,
            "SANCTIONWATCH_MAX_BODY": str(self.max_body_bytes),
            "SANCTIONWATCH_MAX_UPLOAD": str(self.max_upload_bytes),
            "SANCTIONWATCH_RATE": str(self.rate_per_second),
            "SANCTIONWATCH_BURST": str(self.rate_burst),
            "SANCTIONWATCH_LOGIN_ATTEMPTS": str(self.login_attempts_per_minute),
            "SANCTIONWATCH_BAD_KEYS": str(self.bad_keys_per_minute),
            "SANCTIONWATCH_COSTLY_CONCURRENCY": str(self.costly_concurrency),
            "SANCTIONWATCH_CORS_ORIGINS": ",".join(self.cors_origins),
            "SANCTIONWATCH_INSECURE_COOKIES": "" if self.secure_cookies else "1",
            "SANCTIONWATCH_REFRESH": str(self.refresh_seconds),
            "SANCTIONWATCH_JOBS_DIR": str(self.jobs_dir),
            "SANCTIONWATCH_WATCH": "1" if self.watch else "0",
            "SANCTIONWATCH_WATCH_MIRROR": self.watch_mirror or "",
            "SANCTIONWATCH_PAYMENT_MAX_LIST_AGE_DAYS": str(self.payment_max_list_age_days),
        }
