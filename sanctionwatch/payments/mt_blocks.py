"""SWIFT MT files cut into messages, messages into blocks, block 4 into fields: structure only, no meaning.

A file as banks hand it over holds one message or many: FIN messages written back to back
(`{1:...}{2:...}{4:...-}{1:...}`), RJE batches with `$` between messages, and SAA exports where each
message is preceded by the ACK or NAK the network sent for it (`{1:F21...}{4:{177:...}{451:0}}`). This
module finds the messages and their blocks and says which are service messages (anything but an F01 user
message); `swift_mt` gives the blocks their meaning.

Nothing here guesses: a block that is not closed, text between blocks, a block out of order, a field
tag that is not a tag all raise `MessageError` naming the message (`file#n`, numbered over the user
messages, as the caller sees them) and the line. The one tolerance is a lone `{` after a message's last
block, followed by nothing (an anonymised real RJE export has one): it holds no data, and the message
keeps a note of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from sanctionwatch.payments.message import MessageError

__all__ = ["Block", "RawField", "RawMessage", "block4_fields", "split_messages"]

# The blocks a message may have, in the order they must come: basic header, application header, user
# header, text, trailer, and the system trailer SAA adds.
BLOCK_ORDER = ("1", "2", "3", "4", "5", "S")

_BLOCK_START = re.compile(r"\{([^:{}\s]{1,3}):")
_SUBBLOCK_START = re.compile(r"\{([^:{}\s]{1,8}):")
# A field starts a line with `:tag:`; a tag is two digits and an optional upper-case option letter.
_TAG_LINE = re.compile(r"^:([0-9A-Za-z]{2,3}):(.*)$", re.DOTALL)
_VALID_TAG = re.compile(r"^\d{2}[A-Z]?$")
_USER_MESSAGE = re.compile(r"^F01")  # application FIN, service 01: a user-to-user message


@dataclass(frozen=True, slots=True)
class Block:
    """One `{id:...}` block: its text (blocks 1, 2 and a FIN text block 4) or its `{tag:value}` parts."""

    id: str
    line: int  # where the block starts in the file, 1-based
    text: str | None = None
    parts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message's blocks, as found in the file."""

    label: str  # "batch.rje#3": the file and the user message's position (a service message: the next one)
    line: int
    blocks: dict[str, Block]
    service: bool  # an ACK/NAK or other service message: not a payment, skipped by the caller
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RawField:
    """One field of block 4: its tag as written (`50K`) and its lines, line breaks removed."""

    tag: str
    lines: tuple[str, ...]
    line: int  # where the field starts in the file


@dataclass(slots=True)
class _Open:
    """The message being read: its blocks so far and what was noticed."""

    line: int
    blocks: dict[str, Block] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Scanner:
    """Walks the text once, block by block, counting user messages for the labels."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.pos = 0
        self.users = 0  # user messages completed so far
        # The last position whose line was counted, and that line: a batch of thousands of messages is
        # counted onwards from there, not from the start of the file for every block.
        self.counted_pos, self.counted_line = 0, 1

    def line_at(self, pos: int) -> int:
        if pos < self.counted_pos:
            self.counted_pos, self.counted_line = 0, 1
        self.counted_line += self.text.count("\n", self.counted_pos, pos)
        self.counted_pos = pos
        return self.counted_line

    def label(self) -> str:
        return f"{self.source}#{self.users + 1}"

    def fail(self, reason: str, pos: int, field: str | None = None) -> MessageError:
        return MessageError(f"{reason} (line {self.line_at(pos)})", source=self.label(), field=field)

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def messages(self) -> Iterator[RawMessage]:
        current: _Open | None = None
        while True:
            self.skip_space()
            if self.pos >= len(self.text):
                break
            char = self.text[self.pos]
            if char == "$":  # RJE: the separator between messages
                if current is not None:
                    yield self.finish(current)
                    current = None
                self.pos += 1
                continue
            if char != "{":
                snippet = self.text[self.pos : self.pos + 20].split("\n")[0]
                raise self.fail(f"text outside any block: {snippet!r}", self.pos)
            start = _BLOCK_START.match(self.text, self.pos)
            if start is None:
                if current is not None and current.blocks and self.lone_brace():
                    current.notes.append(
                        f"a lone '{{' after the message's last block was ignored (line {self.line_at(self.pos)})"
                    )
                    self.pos += 1
                    continue
                raise self.fail("'{' is not followed by a block id such as '{1:'", self.pos)
            block_id = start.group(1)
            if block_id not in BLOCK_ORDER:
                raise self.fail(f"unknown block {{{block_id}:", self.pos)
            if block_id == "1" and current is not None:
                yield self.finish(current)
                current = None
            if current is None:
                if block_id != "1":
                    raise self.fail(f"block {block_id} comes before any block 1 (basic header)", self.pos)
                current = _Open(line=self.line_at(self.pos))
            last = max((BLOCK_ORDER.index(b) for b in current.blocks), default=-1)
            if BLOCK_ORDER.index(block_id) <= last:
                raise self.fail(f"block {block_id} repeated or out of order", self.pos)
            current.blocks[block_id] = self.block(block_id, start.end())
        if current is not None:
            yield self.finish(current)

    def lone_brace(self) -> bool:
        """Whether the `{` at the cursor is followed by nothing but white space up to a `$` or the end."""
        rest = self.pos + 1
        while rest < len(self.text) and self.text[rest].isspace():
            rest += 1
        return rest >= len(self.text) or self.text[rest] == "$"

    def block(self, block_id: str, body: int) -> Block:
        opened = body - len(block_id) - 2
        line = self.line_at(opened)
        if block_id in ("1", "2"):
            end = self.text.find("}", body)
            inner = self.text.find("{", body)
            if end < 0 or 0 <= inner < end:
                raise self.fail(f"block {block_id} is not closed", opened, field=f"block {block_id}")
            self.pos = end + 1
            return Block(block_id, line, text=self.text[body:end])
        if block_id == "4":
            self.pos = body
            self.skip_space()
            if not self.text.startswith("{", self.pos):
                return self.text_block(body, opened, line)
        else:
            self.pos = body
        return Block(block_id, line, parts=self.parts(block_id, opened))

    def text_block(self, body: int, opened: int, line: int) -> Block:
        """Block 4 of a FIN message: the fields, ended by `-}`."""
        end = self.text.find("}", body)
        inner = self.text.find("{", body)
        if inner >= 0 and (end < 0 or inner < end):
            raise self.fail(
                f"block 4 is not closed before the '{{' on line {self.line_at(inner)}", opened, "block 4"
            )
        if end < 0:
            raise self.fail("block 4 is not closed (no '-}')", opened, field="block 4")
        content = self.text[body:end]
        if not content.endswith("-"):
            raise self.fail("block 4 does not end with '-}'", end, field="block 4")
        self.pos = end + 1
        return Block("4", line, text=content[:-1])

    def parts(self, block_id: str, opened: int) -> tuple[tuple[str, str], ...]:
        """The `{tag:value}` parts of blocks 3, 5, S and of a service message's block 4."""
        found: list[tuple[str, str]] = []
        where = f"block {block_id}"
        while True:
            self.skip_space()
            if self.pos >= len(self.text):
                raise self.fail(f"block {block_id} is not closed", opened, field=where)
            if self.text[self.pos] == "}":
                self.pos += 1
                return tuple(found)
            start = _SUBBLOCK_START.match(self.text, self.pos)
            if start is None:
                raise self.fail(
                    f"block {block_id} holds text outside its {{tag:value}} parts", self.pos, where
                )
            end = self.text.find("}", start.end())
            inner = self.text.find("{", start.end())
            if end < 0 or 0 <= inner < end:
                raise self.fail(
                    f"part {{{start.group(1)}: of block {block_id} is not closed", self.pos, where
                )
            found.append((start.group(1), self.text[start.end() : end]))
            self.pos = end + 1

    def finish(self, current: _Open) -> RawMessage:
        header = current.blocks["1"].text or ""
        service = _USER_MESSAGE.match(header.strip()) is None and re.match(r"^[FAL]\d{2}", header) is not None
        label = self.label()
        if not service:
            self.users += 1
        return RawMessage(label, current.line, dict(current.blocks), service, tuple(current.notes))


def split_messages(text: str, source: str) -> Iterator[RawMessage]:
    """The messages of a file's text (line breaks already `\\n`), in file order, service messages included."""
    return _Scanner(text, source).messages()


def block4_fields(block: Block, label: str) -> list[RawField]:
    """The fields of a FIN text block: `:tag:` starts a field at the start of a line, other lines continue it.

    Trailing spaces of a line are dropped (they carry nothing); empty lines at the end of a field too.
    """
    if block.text is None:
        raise MessageError("block 4 holds no text", source=label, field="block 4")
    lines = block.text.split("\n")
    number = block.line
    if lines and not lines[0].strip():  # "{4:" is followed by a line break
        lines = lines[1:]
        number += 1
    fields: list[RawField] = []
    tag: str | None = None
    body: list[str] = []
    start = number

    def close() -> None:
        if tag is not None:
            while body and not body[-1]:
                body.pop()
            fields.append(RawField(tag, tuple(body), start))

    for offset, raw in enumerate(lines):
        line = raw.rstrip()
        match = _TAG_LINE.match(line)
        if match is not None:
            if not _VALID_TAG.match(match.group(1)):
                raise MessageError(
                    f"malformed field tag ':{match.group(1)}:' (line {number + offset})",
                    source=label,
                    field="block 4",
                )
            close()
            tag, body, start = match.group(1), [match.group(2).rstrip()], number + offset
        elif tag is not None:
            body.append(line)
        elif line:
            raise MessageError(
                f"text before the first field of block 4: {line[:20]!r} (line {number + offset})",
                source=label,
                field="block 4",
            )
    close()
    return fields
