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
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sanctionwatch.registry import audit
from sanctionwatch.screening.query import Hit

log = logging.getLogger(__name__)
FLUSH_SECONDS = 1.0
FLUSH_AT = 500  # notes per record at most


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
    """Notes screenings and writes them to the audit log in batches (a background thread)."""

    def __init__(self, engine: Engine, *, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.engine = engine
        self.flush_seconds = flush_seconds
        self._notes: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def note(self, actor: str, channel: str, query: Any, hits: Sequence[Hit]) -> None:
        entry = note_for(actor, channel, query, hits)
        with self._lock:
            self._notes.append(entry)

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
        written = 0
        try:
            for start in range(0, len(notes), FLUSH_AT):
                batch = notes[start : start + FLUSH_AT]
                with self.engine.begin() as conn:
                    audit.append(
                        conn,
                        actor="service",
                        action="screening.calls",
                        subject=f"{len(batch)} screenings {batch[0]['at']} .. {batch[-1]['at']}",
                        details={"calls": batch},
                    )
                written += len(batch)
        except Exception:
            with self._lock:  # put back what was not written, in order, ahead of newer notes
                self._notes[:0] = notes[written:]
            raise
        return written


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes: proves which input a batch screening read."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_screening(
    engine: Engine, *, actor: str, action: str, subject: str, details: dict[str, Any]
) -> None:
    """One audit record for one screening made outside the service's trail (a command, a batch file)."""
    with engine.begin() as conn:
        audit.append(conn, actor=actor, action=action, subject=subject, details=details)
