"""The audit trail of screenings made one by one (API calls, pages, the CLI): what was asked, by whom,
against which list versions, and what came back, in the hash-chained audit log.

A service answering a thousand calls a second cannot append a chained record per call (each append
waits for the chain's head): calls are noted in memory and written as one record per batch, a second
or a few hundred calls at a time. A note holds a digest of the query, not the query itself: the
customer data stays in the systems that own it, and the digest still proves, given the query, that
it was screened, when, and with what outcome.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sanctionwatch.registry import audit
from sanctionwatch.screening.query import Hit

__all__ = ["ScreeningTrail", "file_digest", "note_for"]

log = logging.getLogger(__name__)
FLUSH_SECONDS = 1.0
FLUSH_AT = 500  # notes per record at most
MAX_WAITING = 200_000  # notes kept while the audit log cannot be written (a few minutes of calls)
Versions = tuple[tuple[str, int], ...]


def query_digest(query: Any) -> str:
    """SHA-256 of the query's canonical JSON: equal queries, equal digests."""
    text = json.dumps(query, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def note_for(actor: str, channel: str, query: Any, hits: Sequence[Hit]) -> dict[str, Any]:
    top = hits[0] if hits else None
    return {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "actor": actor,
        "channel": channel,
        "query": query_digest(query),
        "hits": len(hits),
        "top": [top.entity_id, round(top.score, 4)] if top else None,
    }


class ScreeningTrail:
    """Notes screenings and writes them to the audit log in batches (a background thread).

    Each note carries the list versions it was screened against (the index in use, which may be
    older than the database's during a rebuild); a batch is written per set of versions. While the
    database cannot be written, at most MAX_WAITING notes wait; beyond that the oldest are dropped,
    and the next record written says how many.
    """

    def __init__(self, engine: Engine, *, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.engine = engine
        self.flush_seconds = flush_seconds
        self._notes: list[tuple[Versions, dict[str, Any]]] = []
        self._dropped = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def note(
        self, actor: str, channel: str, query: Any, hits: Sequence[Hit], versions: Mapping[str, int]
    ) -> None:
        entry = note_for(actor, channel, query, hits)
        key = tuple(sorted(versions.items()))
        with self._lock:
            self._notes.append((key, entry))
            if len(self._notes) > MAX_WAITING:
                excess = len(self._notes) - MAX_WAITING
                del self._notes[:excess]
                self._dropped += excess

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="screening-trail", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Write what is noted and stop (the service's shutdown: nothing noted is lost)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            try:
                self.flush()
            except Exception:  # the next round retries: the notes stay in memory until written
                log.exception("writing screenings to the audit log failed; retrying")

    def flush(self) -> int:
        """Write the notes taken so far, FLUSH_AT per audit record; how many were written."""
        with self._lock:
            notes, self._notes = self._notes, []
            dropped, self._dropped = self._dropped, 0
        batches: dict[Versions, list[dict[str, Any]]] = {}
        for key, entry in notes:
            batches.setdefault(key, []).append(entry)
        done: set[int] = set()  # ids of the notes written
        try:
            for key, entries in batches.items():
                for start in range(0, len(entries), FLUSH_AT):
                    batch = entries[start : start + FLUSH_AT]
                    details: dict[str, Any] = {"calls": batch}
                    if dropped:
                        details["dropped_before"] = dropped  # notes lost while the log could not be written
                    with self.engine.begin() as conn:
                        audit.append(
                            conn,
                            actor="service",
                            action="screening.calls",
                            subject=f"{len(batch)} screenings {batch[0]['at']} .. {batch[-1]['at']}",
                            details=details,
                            list_versions=dict(key),
                        )
                    dropped = 0
                    done.update(id(entry) for entry in batch)
        except Exception:
            with self._lock:  # put back what was not written, in order, ahead of newer notes
                self._notes[:0] = [(key, entry) for key, entry in notes if id(entry) not in done]
                self._dropped += dropped
            raise
        return len(done)


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes: proves which input a batch screening read."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
