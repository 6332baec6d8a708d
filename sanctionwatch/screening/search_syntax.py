"""yente's search box syntax (GET /search's `q`), the part of it Sanctionwatch can honour.

yente hands `q` to Elasticsearch: as a Lucene `query_string` by default, as a `simple_query_string` with
`simple=true`. Both read words (all of them must be found, yente's default operator AND), quoted phrases,
and a leading `-` that excludes a word. The rest of either syntax (OR, grouping, wildcards, fuzziness,
boosts, ranges, regular expressions) has no counterpart in our index: it is refused, naming the part,
instead of being read as plain words, which would silently answer another question.

Lucene syntax only: `field:value` for the fields in `FIELDS` (`properties.<prop>` an FtM property's
exact value), `+word` (required: as a plain word), `NOT word` / `!word` (as `-word`), `AND` / `&&`
(the default anyway). `simple=true` has no field syntax (a colon is punctuation there) and never fails
on an unclosed quote, as simple_query_string does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sanctionwatch.errors import InputError

__all__ = ["FIELDS", "Clause", "SearchSyntaxError", "TextQuery", "parse_query"]

# Fields a Lucene `field:value` may name (besides `properties.<prop>`): what yente indexes under them.
FIELDS = ("names", "countries", "datasets", "schema", "topics", "entity_id")


class SearchSyntaxError(InputError):
    """A part of `q` that is not supported (HTTP 400, naming it)."""


@dataclass(frozen=True, slots=True)
class Clause:
    """One word or phrase of the query: `text` in any field (field None) or in the one named."""

    text: str
    phrase: bool = False
    field: str | None = None  # None: anywhere; "names", "countries", ..., "properties.birthDate"
    negated: bool = False


@dataclass(frozen=True, slots=True)
class TextQuery:
    clauses: tuple[Clause, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.clauses

    @property
    def free_text(self) -> str | None:
        """The query as a name, when it is only words and phrases to find anywhere (no field, no
        exclusion): what the name model can rank results by. None otherwise."""
        if self.empty or any(c.field is not None or c.negated for c in self.clauses):
            return None
        return " ".join(c.text for c in self.clauses)


# Lucene's operators and special characters we do not support, with what they mean there.
_LUCENE_REFUSED = (
    ("(", "grouping with parentheses"),
    (")", "grouping with parentheses"),
    ("[", "range queries"),
    ("]", "range queries"),
    ("{", "range queries"),
    ("}", "range queries"),
    ("^", "boosts (^)"),
    ("~", "fuzzy and proximity searches (~)"),
    ("*", "wildcards (*)"),
    ("?", "wildcards (?)"),
    ("/", "regular expressions (/.../)"),
    ("\\", "escapes (\\)"),
    ("||", "OR (||)"),
    ("|", "OR (|)"),
    ("<", "range queries (<, >)"),
    (">", "range queries (<, >)"),
    ("=", "range queries (=)"),
)
_SIMPLE_REFUSED = (
    ("|", "OR (|)"),
    ("(", "grouping with parentheses"),
    (")", "grouping with parentheses"),
    ("*", "prefix searches (*)"),
    ("~", "fuzzy and proximity searches (~)"),
)
_PIECE = re.compile(r'[-+!]?(?:[^\s:"]+:)?"[^"]*"|\S+')
_FIELD = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*):(.*)$", re.DOTALL)


def parse_query(q: str | None, *, simple: bool = False) -> TextQuery:
    """`q` as clauses; SearchSyntaxError (400) naming the first unsupported part."""
    text = (q or "").strip()
    if not text:
        return TextQuery()
    return _simple(text) if simple else _lucene(text)


def _refuse_chars(text: str, refused: tuple[tuple[str, str], ...], syntax: str) -> None:
    for char, meaning in refused:
        if char in text:
            raise SearchSyntaxError(
                f"q: {char!r}: {meaning} in yente's {syntax} syntax is not supported; Sanctionwatch "
                'reads words (all must match), "quoted phrases" and -excluded words'
            )


def _lucene(text: str) -> TextQuery:
    if text.count('"') % 2:
        raise SearchSyntaxError('q: a quotation mark (") is not closed')
    outside = re.sub(r'"[^"]*"', " ", text)  # special characters inside a phrase are only text
    _refuse_chars(outside, _LUCENE_REFUSED, "query_string")
    clauses: list[Clause] = []
    negate_next = False
    for piece in _PIECE.findall(text):
        if piece in ("AND", "&&"):
            continue
        if piece in ("OR",):
            raise SearchSyntaxError("q: OR is not supported; every word must match (yente's default AND)")
        if piece == "NOT":
            negate_next = True
            continue
        negated = negate_next
        negate_next = False
        if piece[0] in "-!":
            negated, piece = True, piece[1:]
        elif piece[0] == "+":
            piece = piece[1:]
        if not piece:
            continue
        field_name = None
        match = _FIELD.match(piece)
        if match:
            field_name, piece = match.group(1), match.group(2)
            if field_name not in FIELDS and not field_name.startswith("properties."):
                raise SearchSyntaxError(
                    f"q: field {field_name!r} is not supported; use one of "
                    f"{', '.join(FIELDS)}, properties.<FtM property>"
                )
        if ":" in piece.strip('"'):
            raise SearchSyntaxError(f"q: {piece!r}: a colon outside a phrase makes a field:value query")
        phrase = len(piece) >= 2 and piece.startswith('"') and piece.endswith('"')
        value = piece[1:-1].strip() if phrase else piece
        if value:
            clauses.append(Clause(value, phrase, field_name, negated))
    if negate_next:
        raise SearchSyntaxError("q: NOT is not followed by a word")
    return TextQuery(tuple(clauses))


def _simple(text: str) -> TextQuery:
    _refuse_chars(text, _SIMPLE_REFUSED, "simple_query_string")
    clauses: list[Clause] = []
    parts = text.split('"')
    if len(parts) % 2 == 0:  # an unclosed quote is plain text there, as in simple_query_string
        parts = [*parts[:-2], parts[-2] + " " + parts[-1]]
    for index, part in enumerate(parts):
        if index % 2:  # inside quotes
            negated = bool(clauses) and clauses[-1].text == "-" and not clauses.pop().phrase
            if part.strip():
                clauses.append(Clause(part.strip(), True, None, negated))
            continue
        for word in part.split():
            negated = word.startswith("-")
            word = word.lstrip("+-")
            if not word:
                clauses.append(Clause("-" if negated else "+"))  # a sign before a phrase
                continue
            clauses.append(Clause(word, False, None, negated))
    return TextQuery(tuple(c for c in clauses if c.text not in ("-", "+")))
