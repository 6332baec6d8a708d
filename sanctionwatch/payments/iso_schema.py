"""Optional validation of ISO 20022 messages against the official XSDs, from a directory the deployment names.

The schemas are ISO's (and SIX's) publications, not Sanctionwatch's, so they are not shipped: a
deployment that wants validation points `SANCTIONWATCH_ISO20022_XSD_DIR` (or the `schema_dir`
argument) at a directory holding them under their identifiers' names (`pacs.008.001.08.xsd`,
`head.001.001.02.xsd`). Screening does not depend on validation: the parser reads schema-invalid
messages as far as they can be read and notes what it does not know. Validation is for the stricter
question "is this message what its namespace promises?", e.g. at intake from a new counterparty.

Compiled schemas are cached by file (path, size and modification time), since compiling pacs.008
costs far more than validating one message with it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from lxml import etree

from sanctionwatch.errors import SanctionwatchError
from sanctionwatch.payments.iso_envelope import open_envelope
from sanctionwatch.payments.iso_namespaces import ISO_NAMESPACE_PREFIX, document_type
from sanctionwatch.payments.iso_xml import localname, namespace, parse_xml, safe_parser
from sanctionwatch.payments.message import MessageError

__all__ = ["XSD_DIR_SETTING", "SchemaCheck", "validate_iso20022"]

XSD_DIR_SETTING = "SANCTIONWATCH_ISO20022_XSD_DIR"


@dataclass(frozen=True, slots=True)
class SchemaCheck:
    """What was done with one part (a Document or an AppHdr) of the file."""

    part: str  # "Document", "AppHdr"; with "#2" when the file holds several messages
    identifier: str  # "pacs.008.001.08", "head.001.001.02"
    schema: Path | None  # the XSD it was validated against; None when there was none to use

    @property
    def validated(self) -> bool:
        return self.schema is not None

    def __str__(self) -> str:
        if self.schema is None:
            return f"{self.part} ({self.identifier}): not validated, no {self.identifier}.xsd in the schema directory"
        return f"{self.part} ({self.identifier}): valid against {self.schema.name}"


def validate_iso20022(data: bytes, source: str, *, schema_dir: Path | None = None) -> list[SchemaCheck]:
    """Validate every Document and AppHdr of the file whose XSD is in the schema directory.

    Returns what was checked and what could not be (no XSD for that namespace); raises MessageError at
    the first part that violates its schema, naming the message and the first error's line. With no
    directory given nor configured, returns an empty list: validation was not asked for. A configured
    directory that does not exist, or an XSD that does not compile, is a SanctionwatchError: the
    deployment is broken, not the message.
    """
    directory = schema_dir if schema_dir is not None else _configured_dir()
    if directory is None:
        return []
    if not directory.is_dir():
        raise SanctionwatchError(
            f"ISO 20022 schema directory {directory} does not exist (see {XSD_DIR_SETTING})"
        )
    root = parse_xml(data, source)
    envelope = open_envelope(root, source)
    several = len(envelope.parts) > 1
    checks: list[SchemaCheck] = []
    for number, part in enumerate(envelope.parts, start=1):
        name = f"{source}#{number}" if several else source
        suffix = f"#{number}" if several else ""
        if part.header is not None:
            checks.append(
                _check(part.header, _header_identifier(part.header), f"AppHdr{suffix}", name, directory)
            )
        kind = document_type(namespace(part.document), source=name)
        checks.append(_check(part.document, kind.identifier, f"Document{suffix}", name, directory))
    return checks


def _configured_dir() -> Path | None:
    raw = os.environ.get(XSD_DIR_SETTING, "").strip()
    return Path(raw) if raw else None


def _header_identifier(header: etree._Element) -> str:
    uri = namespace(header) or ""
    if uri.startswith(ISO_NAMESPACE_PREFIX):
        return uri.removeprefix(ISO_NAMESPACE_PREFIX)
    return f"AppHdr in namespace {uri!r}" if uri else "AppHdr without a namespace"


def _check(element: etree._Element, identifier: str, part: str, source: str, directory: Path) -> SchemaCheck:
    path = directory / f"{identifier}.xsd"
    if not path.is_file():
        return SchemaCheck(part=part, identifier=identifier, schema=None)
    stat = path.stat()
    schema = _compiled(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if not schema.validate(element):
        # lxml-stubs declare the error log opaque; at run time it is a sequence of entries with line and message.
        entries: list[Any] = list(cast(Iterable[Any], schema.error_log))
        where = f"line {entries[0].line}: {entries[0].message}" if entries else "no detail given"
        raise MessageError(
            f"{localname(element)} is not valid against {path.name}: {where}",
            source=source,
            field=part.split("#", 1)[0],
        )
    return SchemaCheck(part=part, identifier=identifier, schema=path)


@lru_cache(maxsize=64)
def _compiled(path: str, size: int, mtime_ns: int) -> etree.XMLSchema:
    """One compiled schema per file version (size and mtime are part of the key, so an update is seen)."""
    del size, mtime_ns  # only the cache key
    try:
        return etree.XMLSchema(etree.parse(path, safe_parser()))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError, OSError) as exc:
        raise SanctionwatchError(f"ISO 20022 schema {path} cannot be used: {exc}") from exc
