"""`sanctionwatch receipt ...`: the signing key, and checking and replaying receipts; and the receipts
that `screen --receipt` and `screen-file --receipts` write."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from sanctionwatch.cli.common import DbOption, JsonOption, command_group, console, database, err, print_json
from sanctionwatch.config import database_url
from sanctionwatch.db.engine import connect
from sanctionwatch.errors import InputError
from sanctionwatch.evidence.replay import ReplayOutcome, ScreenerCache, replay_receipt
from sanctionwatch.evidence.signing import (
    PublicKey,
    create_signing_key,
    load_public_key,
    load_signing_key,
)
from sanctionwatch.evidence.verify import verify_file
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.registry.store import Registry, VersionInfo

__all__ = ["ReceiptsOut", "receipt_app", "receipt_file", "receipt_target", "screened_versions"]

receipt_app = command_group(
    help="Signed screening receipts: the deployment's key, and checking or replaying a receipt.",
)

KeyOption = Annotated[
    Path | None,
    typer.Option(
        "--key", help="The private key file [env: SANCTIONWATCH_SIGNING_KEY; default: user data dir]"
    ),
]


@receipt_app.command("init-key")
def init_key(key: KeyOption = None) -> None:
    """Create the deployment's Ed25519 signing key (never replaces one), and print its public key."""
    created = create_signing_key(key)
    err.print(f"signing key {created.id} written to {created.path} (readable by its owner only)")
    print(created.public.pem(), end="")


@receipt_app.command("public-key")
def public_key(key: KeyOption = None) -> None:
    """Print the public key that checks this deployment's receipts: give it to examiners."""
    print(load_signing_key(key).public.pem(), end="")


@receipt_app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="A receipt, or a file of receipts (one per line).")],
    public: Annotated[
        Path | None,
        typer.Option(
            "--public-key", help="The deployment's public key (PEM). Default: this deployment's own."
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Also check the audit record in this database's chain (offline otherwise)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check receipts offline: form, signature, audit record, Merkle inclusion; exit 1 if any fails."""
    checker = load_public_key(public) if public is not None else _own_public_key()
    with _log(db) as log:
        checks = list(verify_file(file, checker, log=log))
    failed = [c for c in checks if not c.ok]
    if as_json:
        print_json({"ok": not failed, "key_id": checker.id, "receipts": [c.to_json() for c in checks]})
    else:
        for check in checks:
            mark = "[green]valid[/green]" if check.ok else "[red]INVALID[/red]"
            console.print(f"line {check.line}: {mark} receipt {check.receipt_id or '?'}", highlight=False)
            for result in check.results:
                state = {True: "ok", False: "FAILED", None: "-"}[result.ok]
                console.print(
                    f"  {result.check.value}: {state}: {result.detail}", highlight=False, soft_wrap=True
                )
        console.print(f"{len(checks) - len(failed)} of {len(checks)} receipts valid", highlight=False)
    if failed:
        raise typer.Exit(1)


@receipt_app.command("replay")
def replay(
    file: Annotated[Path, typer.Argument(help="A receipt, or a file of receipts (one per line).")],
    current: Annotated[
        bool, typer.Option("--current", help="Against today's active lists, to see what changed since.")
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Screen each receipt's query again against the list versions it names; exit 1 unless all are the same."""
    documents = _documents(file)
    url = database_url(db)
    registry = Registry(connect(url))
    screeners: ScreenerCache = {}  # one index per set of versions, whatever the number of receipts
    try:
        results = [
            (document, replay_receipt(document, registry, against_current=current, screeners=screeners))
            for document in documents
        ]
    finally:
        registry.close()
    differing = [r for _d, r in results if r.outcome is not ReplayOutcome.SAME]
    if as_json:
        print_json([{"receipt": d.get("id"), **r.to_json()} for d, r in results])
    else:
        for document, result in results:
            colour = "green" if result.outcome is ReplayOutcome.SAME else "red"
            against = ", ".join(f"{s}/{n}" for s, n in sorted(result.against.items()))
            console.print(
                f"receipt {document.get('id')}: [{colour}]{result.outcome.value}[/{colour}] (against {against or 'nothing'})",
                highlight=False,
            )
            for reason in result.reasons:
                console.print(f"  {reason}", highlight=False, soft_wrap=True)
            for difference in result.differences:
                console.print(
                    f"  {difference.entity_id}: {difference.then} then, {difference.now} now: {difference.why}",
                    highlight=False,
                    soft_wrap=True,
                )
    if differing and not current:
        raise typer.Exit(1)


def _own_public_key() -> PublicKey:
    return load_signing_key().public


@contextmanager
def _log(db: str | None) -> Iterator[AuditLog | None]:
    if db is None:
        yield None
        return
    with database(db) as engine:
        yield AuditLog(engine)


def _documents(file: Path) -> list[dict[str, Any]]:
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: {exc}") from None
    documents = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{file}, line {number}: not JSON ({exc})") from None
        if not isinstance(document, dict):
            raise InputError(f"{file}, line {number}: not a receipt")
        documents.append(document)
    if not documents:
        raise InputError(f"{file}: no receipt in it")
    return documents


# ---- the receipts that the screening commands write -------------------------------------------------


def screened_versions(registry: Registry, sources: Sequence[str]) -> list[VersionInfo]:
    """The active list versions a screening narrowed to `sources` (all when empty) runs against."""
    return [v for v in registry.active_versions() if not sources or v.source in sources]


def receipt_target(path: Path, option: str) -> Path:
    """Where receipts go: never over an existing file (evidence is not overwritten)."""
    if path.exists() and not (path.is_dir() and not any(path.iterdir())):
        raise InputError(f"{option} {path}: exists already; receipts are never overwritten")
    return path


def receipt_file(path: Path, option: str) -> Path:
    """Where one receipt goes, checked before screening: a new file in an existing directory. Signing
    appends its audit record, so a receipt that could not be written after it would leave a record of
    a receipt that nobody holds."""
    receipt_target(path, option)
    if not path.parent.is_dir():
        raise InputError(f"{option} {path}: no directory {path.parent} to write it in")
    return path


class ReceiptsOut:
    """Receipts written as one file (.jsonl: one per line) or into a directory (one file per receipt,
    numbered in input order), opened before screening so that a bad path fails first."""

    def __init__(self, path: Path, option: str) -> None:
        self.path = receipt_target(path, option)
        self.as_lines = path.suffix == ".jsonl"
        if self.as_lines:
            self._file = path.open("x", encoding="utf-8")
        else:
            path.mkdir(parents=True, exist_ok=True)
        self.written = 0

    def write(self, line: str, index: int) -> None:
        if self.as_lines:
            self._file.write(line)
        else:
            (self.path / f"{index + 1:07d}.receipt.json").write_text(line, encoding="utf-8")
        self.written += 1

    def close(self) -> None:
        if self.as_lines:
            self._file.close()
