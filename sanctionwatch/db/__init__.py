"""The database every package shares: engine, dialect helpers, Alembic migrations, named locks, settings.

Below the registry and everything else that keeps rows: it declares the shared `MetaData` and its own
two tables (`locks`, `meta`), and each package declares its tables on that metadata next to its code.
Its modules import no package above it; `sanctionwatch.tables` (at the top) assembles every package's
tables. The one file here that reads that assembly is `migrations/env.py`, a script Alembic runs (not a
module of this package), which gives Alembic the whole metadata to compare revisions against.

Public to other packages: `engine` (`connect`, `dialect_insert`, `as_utc`, `take_lock`) and `tables`
(`metadata`, and the `meta` settings table).
"""
