"""`sanctionwatch snapshot` and `sanctionwatch spark-screen`: the lists frozen into one file, and a table
screened on Spark against it.

PySpark is an optional dependency (`pip install 'sanctionwatch[spark]'`): the Spark modules are imported
when `spark-screen` runs, so the rest of the command works without it, and its absence is said by name.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from sanctionwatch.cli.common import DbOption, JsonOption, console, database, err, print_json
from sanctionwatch.config import cli_actor
from sanctionwatch.errors import InputError, UnavailableError
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.frozen import freeze


def snapshot(
    output: Annotated[Path, typer.Argument(help="The file to write (gzip JSON lines, e.g. lists.swsnap).")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Freeze the active lists into one file: what a Spark job ships to its executors."""
    with database(db) as engine:
        frozen = freeze(Registry(engine, actor=cli_actor()), output)
    answer = {
        "file": str(output),
        "sha256": frozen.digest,
        "parties": frozen.parties,
        "list_versions": frozen.list_versions,
    }
    if as_json:
        print_json(answer)
    else:
        console.print(
            f"{output}: {frozen.parties:,} parties of {frozen.list_versions}; sha256 {frozen.digest}"
        )


def spark_screen(
    input_uri: Annotated[
        str, typer.Option("--input", help="A table Spark reads: path, URI or catalog name.")
    ],
    output_uri: Annotated[str, typer.Option("--output", help="Where the results go (must not exist).")],
    snapshot_uri: Annotated[
        str | None,
        typer.Option(
            "--snapshot", help="A frozen snapshot (`sanctionwatch snapshot`); default: freeze --db now."
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option("--input-format", help="parquet, csv, json, orc, delta or table (default: by name)."),
    ] = None,
    output_format: Annotated[
        str | None, typer.Option("--output-format", help="parquet (default), csv, json, orc or delta.")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Minimum score (default: the calibrated threshold).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most hits per row.")] = 5,
    master: Annotated[
        str | None,
        typer.Option("--master", help="local[2], spark://host:7077, yarn ... (default: spark-submit's)."),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option("--column", help="TABLE_COLUMN=FIELD, e.g. customer_name=name (repeatable)."),
    ] = None,
    changed_since: Annotated[
        list[str] | None,
        typer.Option(
            "--changed-since",
            help="SOURCE=VERSION (repeatable): keep only hits on parties added or changed since that version.",
        ),
    ] = None,
    conf: Annotated[
        list[str] | None,
        typer.Option(
            "--conf",
            help="spark.KEY=VALUE (repeatable), as spark-submit's, e.g. spark.executor.memory=512m.",
        ),
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing output.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Screen every row of a table on Spark: one row per hit, a row for each query without hits, every
    bad row with its error; each names the snapshot's SHA-256 and list versions."""
    try:
        from sanctionwatch.spark.run import run_screen, session
    except ImportError as exc:
        raise UnavailableError(
            f"spark-screen needs PySpark: pip install 'sanctionwatch[spark]' ({exc})"
        ) from None
    columns = dict(_pair(value, "--column") for value in column or [])
    settings = dict(_pair(value, "--conf") for value in conf or [])
    only: set[str] | None = None
    with tempfile.TemporaryDirectory(prefix="sw-spark-") as scratch:
        if snapshot_uri is None or changed_since:
            with database(db) as engine:
                registry = Registry(engine, actor=cli_actor())
                if changed_since:
                    only = _changed(
                        registry, dict(_pair(value, "--changed-since") for value in changed_since)
                    )
                if snapshot_uri is None:
                    snapshot_uri = str(freeze(registry, Path(scratch) / "lists.swsnap").path)
        spark = session(master, conf=settings)
        result = run_screen(
            spark,
            input_uri=input_uri,
            output_uri=output_uri,
            snapshot_uri=snapshot_uri,
            input_format=input_format,
            output_format=output_format,
            threshold=threshold,
            limit=limit,
            columns=columns,
            only=only,
            overwrite=overwrite,
        )
    if as_json:
        print_json({**result.to_json(), "changed_parties": None if only is None else len(only)})
        return
    console.print(
        f"{result.rows:,} rows screened into {output_uri}: {result.with_hits:,} with hits, {result.errors:,} errors "
        f"({result.snapshot.list_versions}; snapshot {result.snapshot.digest[:12]}) in {result.seconds:.1f} s"
    )
    if result.errors:
        err.print(f"[yellow]{result.errors:,} rows could not be screened[/yellow]: see their `error` column")


def _pair(value: str, option: str) -> tuple[str, str]:
    left, sep, right = value.partition("=")
    if not sep or not left.strip() or not right.strip():
        raise InputError(f"{option}: {value!r} is not NAME=VALUE")
    return left.strip(), right.strip()


def _changed(registry: Registry, since: dict[str, str]) -> set[str]:
    """The listed records added or changed since the given version of each named source, up to its active one."""
    active = {v.source: v for v in registry.active_versions()}
    ids: set[str] = set()
    for source, number in since.items():
        if source not in active:
            raise InputError(f"--changed-since: {source!r} has no active version in the registry")
        try:
            start = int(number)
        except ValueError:
            raise InputError(f"--changed-since: {number!r} is not a version number of {source}") from None
        changes = registry.changes(source, from_number=start, to_number=active[source].number)
        ids.update(s.id for s in changes.added)
        ids.update(c.summary.id for c in changes.changed)
    return ids
