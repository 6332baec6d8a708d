"""Every table of the database: each package's `tables.py`, assembled on the shared metadata.

A package declares its tables next to its code on `sanctionwatch.db.tables.metadata`, so the metadata
holds a table only once that package's module is imported. This module imports them all, and it sits
at the top because it must: `db` is below every package that keeps rows and imports none of them.
The Alembic migrations must create exactly `metadata` as it stands after this import (see the
migration test); the migrations' environment imports it for the same reason.
"""

from __future__ import annotations

from types import ModuleType

from sanctionwatch.access import tables as access
from sanctionwatch.db import tables as db
from sanctionwatch.monitoring import tables as monitoring
from sanctionwatch.ownership import tables as ownership
from sanctionwatch.payments import tables as payments
from sanctionwatch.registry import tables as registry
from sanctionwatch.screening import tables as screening

__all__ = ["metadata"]

# Each module that declares tables on the shared metadata, lowest layer first.
DECLARING_MODULES: tuple[ModuleType, ...] = (db, registry, screening, ownership, monitoring, access, payments)

metadata = db.metadata
