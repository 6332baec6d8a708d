"""`--receipts` of the commands that screen the customer base (`rescreen`, `customers import`, `update`,
`activate`): a signed receipt per customer screened (evidence.monitoring_receipts), written as
`screen-file --receipts` writes its own: FILE.jsonl, one per line, or a new directory, one file each."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from sanctionwatch.cli.common import err
from sanctionwatch.cli.receipts import ReceiptsOut
from sanctionwatch.config import cli_actor
from sanctionwatch.evidence.monitoring_receipts import MonitoringReceipts
from sanctionwatch.evidence.signing import load_signing_key
from sanctionwatch.monitoring.rescreen import OnScreened
from sanctionwatch.registry.store import Registry

__all__ = ["CustomerReceipts", "CustomerReceiptsOption", "customer_receipts"]

CustomerReceiptsOption = Annotated[
    Path | None,
    typer.Option(
        "--receipts",
        help="Write a signed receipt per customer screened: FILE.jsonl (one per line) or a new directory "
        "(one file each); never over an existing one.",
    ),
]


class CustomerReceipts:
    """The key and the target, checked before anything is screened (a missing key or an existing file
    fails first), and the receipts collected as the monitor screens."""

    def __init__(self, path: Path, registry: Registry) -> None:
        self.key = load_signing_key()
        self._made = not path.exists()  # an empty directory given is left, if nothing goes in it
        self.out = ReceiptsOut(path, "--receipts")
        self.collected = MonitoringReceipts(registry, actor=cli_actor())

    @property
    def on_screened(self) -> OnScreened:
        return self.collected.add

    def finish(self, registry: Registry) -> None:
        """Sign what was collected and write it; with no customer screened, no receipt and no file."""
        with self.collected:
            try:
                issued = self.collected.sign(registry.engine, self.key, self.out.write)
            finally:
                self.out.close()
        if issued is None:
            self._discard()
            err.print(f"no customer was screened: no receipt written ({self.out.path} not created)")
            return
        err.print(f"{issued.count} receipts (audit record {issued.audit_seq}) -> {self.out.path}")

    def abandon(self) -> None:
        """The command failed before signing: nothing signed, and the empty target it made removed."""
        with self.collected:
            self.out.close()
        self._discard()

    def _discard(self) -> None:
        path = self.out.path
        if self.out.as_lines:
            path.unlink(missing_ok=True)
        elif self._made and path.is_dir() and not any(path.iterdir()):
            path.rmdir()


@contextmanager
def customer_receipts(path: Path | None, registry: Registry) -> Iterator[CustomerReceipts | None]:
    """Receipts to `path` (None: none asked for) of the screening done inside the block, signed at its end."""
    if path is None:
        yield None
        return
    receipts = CustomerReceipts(path, registry)
    try:
        yield receipts
    except BaseException:
        receipts.abandon()
        raise
    receipts.finish(registry)
