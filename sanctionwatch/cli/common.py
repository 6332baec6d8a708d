"""What every `sanctionwatch` command shares: the --db and --json options, the consoles, opening the
database for one command, and printing JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy import Engine

from sanctionwatch.config import database_url
from sanctionwatch.registry.database import connect

console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="SQLAlchemy URL or SQLite file path [env: SANCTIONWATCH_DB; default: user data dir]"
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


@contextmanager
def database(db: str | None) -> Iterator[Engine]:
    """The registry database for one command (migrated), closed when it is done."""
    engine = connect(database_url(db))
    try:
        yield engine
    finally:
        engine.dispose()


def print_json(data: Any) -> None:
    """JSON on stdout, as scripts read it (not through rich, which could wrap or colour it)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
