"""Reading payment messages from bytes and files: the format recognised from the content, never the name.

A file may hold one message or several (an MT batch, RJE files); a directory is every file in it, in name
order. What cannot be read raises MessageError naming the file (and the message and field where known),
which screening turns into a hold: a file nobody could read is not a file somebody screened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from sanctionwatch.errors import InputError
from sanctionwatch.payments.iso20022 import looks_like_iso20022, parse_iso20022
from sanctionwatch.payments.iso_schema import validate_iso20022
from sanctionwatch.payments.message import MessageError, MessageFamily, PaymentMessage
from sanctionwatch.payments.swift_mt import looks_like_swift_mt, parse_swift_mt

__all__ = ["MAX_MESSAGE_BYTES", "message_files", "payload_format", "read_messages"]

MAX_MESSAGE_BYTES = 20_000_000  # a file of messages larger than this is refused, not read half


def read_messages(data: bytes, source: str) -> list[PaymentMessage]:
    """Every message in `data`, of whichever format it is; MessageError when it is neither or is broken."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise MessageError(f"larger than {MAX_MESSAGE_BYTES} bytes: refused", source=source)
    if not data.strip():
        raise MessageError("empty: no message", source=source)
    family = payload_format(data)
    if family is MessageFamily.ISO20022:
        messages = parse_iso20022(data, source)
        # With a schema directory configured (SANCTIONWATCH_ISO20022_XSD_DIR), a message that breaks its
        # official schema is refused (held); what was validated, or could not be, is noted on each.
        checked = tuple(str(check) for check in validate_iso20022(data, source))
        messages = [replace(m, notes=m.notes + checked) for m in messages] if checked else messages
    elif family is MessageFamily.SWIFT_MT:
        messages = parse_swift_mt(data, source)
    else:
        raise MessageError(
            "neither an ISO 20022 XML message nor a SWIFT MT message ({1:...}{2:...}{4:...})", source=source
        )
    if not messages:
        raise MessageError("no payment message in it", source=source)
    return messages


def payload_format(data: bytes) -> MessageFamily | None:
    """Which format the bytes are in, from their content (None: neither)."""
    if looks_like_iso20022(data):
        return MessageFamily.ISO20022
    if looks_like_swift_mt(data):
        return MessageFamily.SWIFT_MT
    return None


def message_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and the files of the directories named (name order, hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            yield path
        else:
            raise InputError(f"{path}: no such file or directory")
