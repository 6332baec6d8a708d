"""What every `sanctionwatch` command shares: the --db and --json options, the consoles, opening the
database for one command, reporting errors, and printing JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.core import TyperGroup

from sanctionwatch.config import database_url
from sanctionwatch.db.engine import connect
from sanctionwatch.errors import SanctionwatchError

console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="SQLAlchemy URL or SQLite file path [env: SANCTIONWATCH_DB; default: user data dir]"
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


class ReportedErrors(TyperGroup):
    """The command groups' class: a SanctionwatchError raised by any command below ends it with one
    line (its `cli_label` and message) and its `exit_code`, so that no command translates errors by
    hand. Anything else still ends in a traceback: a bug must be seen as one."""

    # `ctx` as Any: the Context this overrides is typer's vendored, private click (typer._click).
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SanctionwatchError as exc:
            report(exc)


def command_group(**options: Any) -> typer.Typer:
    """A Typer app (the top one or a group of subcommands) whose errors are reported by ReportedErrors,
    and which shows its help when called without a command."""
    return typer.Typer(cls=ReportedErrors, no_args_is_help=True, **options)


def report(exc: SanctionwatchError, *, exit_code: int | None = None) -> NoReturn:
    """One line on stderr, then exit with the error's code (or `exit_code`, for a command that
    documents its own)."""
    err.print(f"[red]{exc.cli_label}[/red] {exc}")
    raise typer.Exit(exc.exit_code if exit_code is None else exit_code) from None


@contextmanager
def database(db: str | None) -> Iterator[Engine]:
    """The registry database for one command (migrated), closed when it is done."""
    url = database_url(db)
    with failures_reported(url):
        engine = connect(url)
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def failures_reported(url: str) -> Iterator[None]:
    """A database or file system that fails under a command (a dropped connection, a server gone, a
    full disk, a read-only file) ends it with one line and exit code 1, not a traceback.

    The line says what failed, on which database (password hidden) and that the interrupted change
    was rolled back. That is true because every change is one transaction: a list version is written
    and activated in one, an alert with its audit record in one; what committed before stays, and
    `sanctionwatch lists` shows which versions are active.
    """
    try:
        yield
    except DBAPIError as exc:
        _abort(f"the database failed: {_first_line(exc.orig if exc.orig is not None else exc)}", url)
    except OSError as exc:  # ENOSPC, EACCES, EIO ... while writing files or the database
        _abort(f"a file operation failed: {_first_line(exc)}", url)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _abort(what: str, url: str) -> NoReturn:
    shown = make_url(url).render_as_string(hide_password=True)
    err.print(
        f"[red]error[/red] {escape(what)} (database {escape(shown)}); the interrupted change was rolled "
        "back: nothing of it was written or activated",
        soft_wrap=True,
        highlight=False,
    )
    raise typer.Exit(1) from None


def print_json(data: Any) -> None:
    """JSON on stdout, as scripts read it (not through rich, which could wrap or colour it)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
