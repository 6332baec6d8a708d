"""`sanctionwatch keys ...` and `sanctionwatch users ...`: who may use the service."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.table import Table

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.users import Users
from sanctionwatch.cli.common import DbOption, command_group, console, database
from sanctionwatch.config import cli_actor

keys_app = command_group(help="API keys for the REST service (stored hashed; shown once).")
users_app = command_group(help="Users of the analyst web pages.")

RoleOption = Annotated[str, typer.Option("--role", help="viewer, analyst, approver or admin.")]


@keys_app.command("create")
def create_key(
    role: RoleOption,
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")],
    user: Annotated[
        str | None,
        typer.Option(
            "--user", help="The user the key acts for (needed to propose or confirm case decisions)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Create a key. It is printed once, as the last word of the output, and cannot be shown again."""
    with database(db) as engine:
        record, key = ApiKeys(engine).create(name, role, owner=user, actor=cli_actor())
    # Plain print: a rich console could wrap the key or add markup.
    print(
        f"Created API key {record.id} ({record.name}, role {record.role.value}); keep it safe, it is shown once: {key}"
    )


@keys_app.command("revoke")
def revoke_key(
    key_id: Annotated[int, typer.Argument(help="The key's id (see `keys list`).")], db: DbOption = None
) -> None:
    """Revoke a key: requests with it are refused from now on."""
    with database(db) as engine:
        record = ApiKeys(engine).revoke(key_id, actor=cli_actor())
    console.print(f"Revoked API key {record.id} ({record.name}).")


@keys_app.command("list")
def list_keys(db: DbOption = None) -> None:
    """Every key with its role and state (never the key itself)."""
    table = Table(title="API keys")
    for column in ("id", "name", "role", "starts with", "created", "revoked"):
        table.add_column(column)
    with database(db) as engine:
        keys = ApiKeys(engine).list()
    for k in keys:
        table.add_row(
            str(k.id), k.name, k.role.value, k.prefix + "…", k.created_at.strftime("%Y-%m-%d %H:%M"),
            k.revoked_at.strftime("%Y-%m-%d %H:%M") if k.revoked_at else "",
        )  # fmt: skip
    console.print(table)


@users_app.command("create")
def create_user(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: RoleOption,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (for scripts).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a user of the web pages. The password is asked for (or read from stdin), never an argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif os.environ.get("SANCTIONWATCH_PASSWORD"):
        password = os.environ["SANCTIONWATCH_PASSWORD"]
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with database(db) as engine:
        user = Users(engine).create(name, role, password, actor=cli_actor())
    console.print(f"Created user {user.name} (role {user.role.value}).")


@users_app.command("disable")
def disable_user(name: Annotated[str, typer.Argument(help="Login name.")], db: DbOption = None) -> None:
    """Disable a user: their sessions end at their next request."""
    with database(db) as engine:
        user = Users(engine).disable(name, actor=cli_actor())
    console.print(f"Disabled user {user.name}.")


@users_app.command("list")
def list_users(db: DbOption = None) -> None:
    table = Table(title="Users")
    for column in ("name", "role", "created", "disabled"):
        table.add_column(column)
    with database(db) as engine:
        users = Users(engine).list()
    for u in users:
        table.add_row(u.name, u.role.value, u.created_at.strftime("%Y-%m-%d"), "yes" if u.disabled_at else "")
    console.print(table)
