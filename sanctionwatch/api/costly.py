"""The costly requests' shared slots, as a dependency: `dependencies=[Viewer, Costly]` (after the
caller's check, so that a refusal is never a stranger's to see) or a `_slot: None = Costly` parameter.

Costly means scanning the registry (every version's diff for the changes timeline, one diff for a
list's changes) or taking a file (batch jobs, customer imports): seconds of CPU each, against a
millisecond for a /match. They share `ServiceState.costly` (SANCTIONWATCH_COSTLY_CONCURRENCY slots
per process); screening (/match, /screen, /search, /reconcile) never waits on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends, Request

from sanctionwatch.api.state import state_of


async def costly_slot(request: Request) -> AsyncIterator[None]:
    """Holds a slot while the request runs (released even when it fails); 503 when none is free."""
    with state_of(request).costly.held():
        yield


Costly = Depends(costly_slot)
