"""The database every package shares: engine, dialect helpers, Alembic migrations, named locks, settings.

Below the registry and everything else that keeps rows: it declares the shared `MetaData` and its own
two tables (`locks`, `meta`), and each package declares its tables on that metadata next to its code.
It imports no package above it; `sanctionwatch.tables` assembles every package's tables.
"""
