"""The headers of a SWIFT MT message (blocks 1, 2 and 3): type, sender, receiver, validation flag, UETR.

Who sent and who receives depends on the direction block 2 gives. An input message (`{2:I103...}`, as
the sender's interface writes it) has the sender's logical terminal in block 1 and the receiver's in
block 2. An output message (`{2:O103...}`, as the receiver gets it from the network) has the receiver's
terminal in block 1 and the sender's inside the message input reference of block 2. Reading block 1 as
the sender of an output message would screen the wrong bank as the instructing agent.

A logical terminal is a BIC8, a terminal letter and a branch ("BKAUATWWAXXX" is BIC BKAUATWWXXX); some
sample writers leave out the terminal and branch ("{1:F01AAAABEBB0000000000}"), which reads as the BIC8.

Block 3's field 119 (validation flag: STP, REMIT, COV) and 121 (UETR) are read; its screening-service
fields (433, 434: SWIFT's own sanctions screening result) are kept as notes for the operator, never taken
as a verdict; a field this module does not know is noted, not dropped unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sanctionwatch.payments.message import MessageError
from sanctionwatch.payments.mt_blocks import RawMessage
from sanctionwatch.payments.mt_fields import BIC

__all__ = ["Header", "read_header", "service_note"]

_BLOCK1 = re.compile(r"^([FAL])(\d{2})([A-Z0-9]{12}|[A-Z0-9]{8})(\d{10})?$")
_INPUT = re.compile(r"^I(\d{3})([A-Z0-9]{12})([SUN])?([123])?(\d{3})?$")
_OUTPUT = re.compile(r"^O(\d{3})(\d{4})(\d{6})([A-Z0-9]{12})(\d{4})(\d{6})(\d{6})(\d{4})([SUN])?$")
_UETR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.IGNORECASE)
_FLAG = re.compile(r"^[A-Z0-9]{1,8}$")
# User header fields read or knowingly left: service identifier, addressee, MUR, service type, banking
# priority, balance checkpoint, addition time, payment release information, sanctions screening (433,
# 434), ...
_BLOCK3_KNOWN = frozenset(
    {"103", "106", "108", "111", "113", "115", "119", "121", "165", "423", "424", "433", "434"}
)
_BLOCK3_NOTED = {"433": "SWIFT sanctions screening result", "434": "payment controls result"}


@dataclass(frozen=True, slots=True)
class Header:
    mt: str  # "103"
    sender_bic: str
    receiver_bic: str
    sender_block: str  # where the sender was read: "block 1" (input message) or "block 2" (output)
    receiver_block: str
    flag: str | None  # field 119
    uetr: str | None  # field 121
    notes: tuple[str, ...]


def _bic_of_terminal(terminal: str, where: str, block: str) -> str:
    bic = terminal if len(terminal) == 8 else terminal[:8] + terminal[9:]
    if not BIC.match(bic):
        raise MessageError(
            f"logical terminal {terminal!r} does not start with a BIC", source=where, field=block
        )
    return bic


def read_header(raw: RawMessage) -> Header:
    """Blocks 1 to 3 of a user message; MessageError for a missing or malformed header."""
    where = raw.label
    block1 = raw.blocks["1"].text or ""
    basic = _BLOCK1.match(block1.strip())
    if basic is None:
        raise MessageError(f"basic header not readable: {block1[:30]!r}", source=where, field="block 1")
    terminal1 = basic.group(3)
    if "2" not in raw.blocks:
        raise MessageError("no block 2 (application header)", source=where, field="block 2")
    block2 = (raw.blocks["2"].text or "").strip()
    sent = _INPUT.match(block2)
    received = _OUTPUT.match(block2)
    if sent is not None:
        mt = sent.group(1)
        sender = _bic_of_terminal(terminal1, where, "block 1")
        receiver = _bic_of_terminal(sent.group(2), where, "block 2")
        blocks = ("block 1", "block 2")
    elif received is not None:
        mt = received.group(1)
        sender = _bic_of_terminal(received.group(4), where, "block 2")
        receiver = _bic_of_terminal(terminal1, where, "block 1")
        blocks = ("block 2", "block 1")
    else:
        raise MessageError(f"application header not readable: {block2[:50]!r}", source=where, field="block 2")
    flag, uetr, notes = _user_header(raw, where)
    return Header(mt, sender, receiver, *blocks, flag, uetr, notes)


def _user_header(raw: RawMessage, where: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    block3 = raw.blocks.get("3")
    if block3 is None:
        return None, None, ()
    seen: dict[str, str] = {}
    notes: list[str] = []
    for tag, value in block3.parts:
        if tag in seen and tag in ("119", "121"):
            raise MessageError("appears twice in block 3", source=where, field=tag)
        seen.setdefault(tag, value)
        if tag in _BLOCK3_NOTED:
            notes.append(f"block 3 field {tag} ({_BLOCK3_NOTED[tag]}, not relied on): {value}")
        elif tag not in _BLOCK3_KNOWN:
            notes.append(f"block 3 field {tag} not read: {value}")
    flag = seen.get("119")
    if flag is not None and not _FLAG.match(flag):
        raise MessageError(f"not a validation flag: {flag!r}", source=where, field="119")
    uetr = seen.get("121")
    if uetr is not None and not _UETR.match(uetr):
        raise MessageError(f"not a UETR (a version 4 UUID): {uetr!r}", source=where, field="121")
    return flag, uetr, tuple(notes)


def service_note(raw: RawMessage) -> str:
    """What a skipped service message said, for the note on the message it accompanies."""
    header = (raw.blocks["1"].text or "").strip()
    parts = raw.blocks["4"].parts if "4" in raw.blocks else ()
    text = "".join(f"{{{tag}:{value}}}" for tag, value in parts)
    status = dict(parts).get("451")
    kind = {"0": "ACK", "1": "NAK"}.get(status or "", "service message")
    return f"{kind} skipped (line {raw.line}): {{1:{header}}}" + (f"{{4:{text}}}" if text else "")
