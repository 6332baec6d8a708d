"""What every request shares: the registry, the live screener, keys, users, limits and jobs."""

from __future__ import annotations

import logging
import threading

from starlette.requests import Request

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.users import Users
from sanctionwatch.api.entities import EntityJsonCache, ftm_versions
from sanctionwatch.api.keycache import KeyCache
from sanctionwatch.api.limits import ConcurrencyLimit, RateLimiter
from sanctionwatch.api.ownership import NetworkCache
from sanctionwatch.api.settings import ServiceSettings
from sanctionwatch.errors import UnavailableError
from sanctionwatch.evidence.signing import SigningKey, load_signing_key
from sanctionwatch.ownership.assembly import Network
from sanctionwatch.payments.embargo import prepare_embargoes
from sanctionwatch.registry.ftm import FtmEntities
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.jobs import Jobs
from sanctionwatch.screening.live import LiveScreener, Snapshot
from sanctionwatch.screening.search import FtmDocuments, SearchIndex, SearchIndexCache
from sanctionwatch.screening.trail import ScreeningTrail

__all__ = ["NotReadyError", "ServiceState", "state_of"]

log = logging.getLogger(__name__)


class NotReadyError(UnavailableError):
    """The index is still being built: the service answers 503 until it is."""


class ServiceState:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.registry = Registry.open(settings.database)
        self.live = LiveScreener(self.registry)
        self.keys = ApiKeys(self.registry.engine)
        self.key_cache = KeyCache(self.keys)
        self.ftm = FtmEntities(self.registry.engine)
        self.entity_json = EntityJsonCache(self.ftm)
        self._search = SearchIndexCache()  # GET /search's index, one per snapshot
        self._networks = NetworkCache(self.registry)  # GET /ownership's network, per snapshot and import
        self.users = Users(self.registry.engine)
        self.jobs = Jobs(self.registry.engine, settings.jobs_dir)
        self.rate = RateLimiter(settings.rate_per_second, settings.rate_burst)
        self.logins = RateLimiter(settings.login_attempts_per_minute / 60, settings.login_attempts_per_minute)
        self.bad_keys = RateLimiter(settings.bad_keys_per_minute / 60, settings.bad_keys_per_minute)
        self.costly = ConcurrencyLimit(settings.costly_concurrency, what="registry scans and uploads")
        self.trail = ScreeningTrail(self.registry.engine)
        self._signing_key: SigningKey | None = None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def snapshot(self) -> Snapshot:
        snapshot = self.live.snapshot
        if snapshot is None:
            raise NotReadyError("the screening index is being built; retry in a few seconds")
        return snapshot

    def search_index(self, snapshot: Snapshot) -> SearchIndex:
        """The text search index of `snapshot`: its parties and its FtM entities, built by the first
        /search after each new snapshot (the others waiting for it), not beside the screening index.

        Why lazily: built eagerly, it took each worker's CPU while the first screenings came in (service
        load, cold first pass: 684 req/s and p99 46.6 ms with it, 1,205 req/s and p99 17.4 ms without),
        and a deployment that only screens would pay for it at every list update."""
        index = snapshot.screener.index
        ftm = FtmDocuments(self.ftm, ftm_versions(snapshot))
        return self._search.get(snapshot, index.entities, index.parties.party_of, snapshot.dates, ftm)

    def network(self, snapshot: Snapshot) -> Network:
        """The ownership network of `snapshot` and of the holdings imported so far (api.ownership)."""
        return self._networks.get(snapshot)

    def signing_key(self) -> SigningKey:
        """The deployment's key, read on the first receipt asked for (a service without one still
        screens; a receipt request then fails naming what to set up)."""
        if self._signing_key is None:
            self._signing_key = load_signing_key()
        return self._signing_key

    def start(self) -> None:
        """Build the index in the background (readiness says when) and keep it current."""
        self._watcher = threading.Thread(target=self._watch, name="index-watcher", daemon=True)
        self._watcher.start()
        self.trail.start()

    def _watch(self) -> None:
        # The country vocabulary payment screening places addresses with (FollowTheMoney's, ~1.3 s to
        # load): loaded here, beside the first index build, not on a worker's first payment.
        prepare_embargoes()
        while not self._stop.is_set():
            try:
                self.live.refresh()
            except Exception:  # a failed rebuild keeps the index in use; the next round retries
                log.exception("rebuilding the screening index failed; keeping the one in use")
            self._stop.wait(self.settings.refresh_seconds)

    def stop(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            # A rebuild in progress reads the registry: it finishes before the database is closed.
            self._watcher.join()
        self.jobs.shutdown()
        self.trail.stop()
        self.registry.close()


def state_of(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state
