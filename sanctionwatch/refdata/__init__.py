"""Reference data kept as data: the word lists and character tables the matcher and the parsers consult.

Legal forms, stopwords, Korean and Chinese organization words, lookalike letters, script labels: facts
about names and writing, not logic. They live in the TSV files beside this module, so that a reviewer
reads and amends them without reading Python, and each file says in its comments why its entries exist.

Every file has one format, read by one reader (`Table.rows`):

- UTF-8, one row a line, cells separated by a tab;
- lines starting with '#' are comments, blank lines are skipped;
- the first other line is the header, the column names in order;
- every row has one cell per column, none empty, none with spaces around it (a cell may hold words
  separated by single spaces; '-' stands for "none" where a table says so);
- the leading `key` columns identify a row: no two rows share them;
- a column with a format only takes cells that match it whole.

A row that breaks a rule is refused with the file and line named: a table read silently wrong would
change how names match, with nothing to show for it.

Public: one `Table` per file (`KOREAN_WORDS`, `LOOKALIKES`, `SCRIPTS`, ... listed in `__all__`, all of
them in `TABLES`); readers call `rows()` on the table they need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "CHINESE_COMPOUND_SURNAMES",
    "CHINESE_ORGANIZATION_WORDS",
    "CJK_LEGAL_FORMS",
    "COUNTRY_ACRONYMS",
    "EMBARGOES",
    "EMBARGO_PLACES",
    "INVISIBLE",
    "KOREAN_FAMILY_NAMES",
    "KOREAN_ORGANIZATION_ENDINGS",
    "KOREAN_WORDS",
    "LATIN_LEFTOVERS",
    "LOOKALIKES",
    "NAME_WORDS",
    "ORGANIZATION_EQUIVALENTS",
    "PUBLIC_HOSTS",
    "PUNCTUATION",
    "SCRIPTS",
    "TABLES",
    "Row",
    "Table",
]

Row = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """One data file of this package, with the columns it must have."""

    file: str
    columns: tuple[str, ...]
    key: int = 1  # leading columns that identify a row
    formats: tuple[tuple[str, str], ...] = ()  # (column, regular expression its cells match whole)

    def rows(self) -> tuple[Row, ...]:
        """The file's rows in file order, read and checked once per process."""
        return _read(self)

    def parse(self, text: str) -> tuple[Row, ...]:
        """The rows of a text in this table's format; a malformed row is refused by file and line."""
        numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line and line[0] != "#"]
        if not numbered or tuple(numbered[0][1].split("\t")) != self.columns:
            raise ValueError(f"{self.file}: the first row must be the header {', '.join(self.columns)}")
        formats = [
            (self.columns.index(column), column, re.compile(pattern)) for column, pattern in self.formats
        ]
        rows: list[Row] = []
        seen: dict[Row, int] = {}
        for number, line in numbered[1:]:
            cells = tuple(line.split("\t"))
            if len(cells) != len(self.columns) or not all(cells) or any(c != c.strip() for c in cells):
                raise ValueError(
                    f"{self.file}:{number}: needs {len(self.columns)} cells ({', '.join(self.columns)})"
                    f" without spaces around: {line!r}"
                )
            for at, column, pattern in formats:
                if not pattern.fullmatch(cells[at]):
                    raise ValueError(
                        f"{self.file}:{number}: {column} {cells[at]!r} is not of the form {pattern.pattern}"
                    )
            key = cells[: self.key]
            if key in seen:
                raise ValueError(f"{self.file}:{number}: {' '.join(key)} is a row already (line {seen[key]})")
            seen[key] = number
            rows.append(cells)
        return tuple(rows)


@cache
def _read(table: Table) -> tuple[Row, ...]:
    text = resources.files(__name__).joinpath(table.file).read_text(encoding="utf-8")
    return table.parse(text)


_SCRIPT = r"[A-Z][a-z]{3}"  # an ISO 15924 code
_CODEPOINT = r"[0-9A-F]{4,6}"

KOREAN_WORDS = Table(
    "korean_words.tsv", ("hangul", "english", "evidence"), formats=(("evidence", r"curated|list:\S+"),)
)
KOREAN_FAMILY_NAMES = Table("korean_family_names.tsv", ("hangul", "latin", "cyrillic"))
KOREAN_ORGANIZATION_ENDINGS = Table("korean_organization_endings.tsv", ("hangul",))
CHINESE_ORGANIZATION_WORDS = Table(
    "chinese_organization_words.tsv", ("hanzi", "english", "kind"), formats=(("kind", "word|place"),)
)
CHINESE_COMPOUND_SURNAMES = Table("chinese_compound_surnames.tsv", ("hanzi",))
NAME_WORDS = Table(
    "name_words.tsv", ("word", "role"), key=2, formats=(("role", "affix|stopword|legal-form|legal-word"),)
)
ORGANIZATION_EQUIVALENTS = Table("organization_equivalents.tsv", ("word", "canonical"))
COUNTRY_ACRONYMS = Table("country_acronyms.tsv", ("acronym", "name"))
EMBARGOES = Table("embargoes.tsv", ("code", "name", "authority"), formats=(("code", "[a-z]{2}(-[a-z]{3})?"),))
EMBARGO_PLACES = Table("embargo_places.tsv", ("place", "code"), formats=(("code", "[a-z]{2}(-[a-z]{3})?"),))
CJK_LEGAL_FORMS = Table("cjk_legal_forms.tsv", ("written", "latin"))
LOOKALIKES = Table(
    "lookalikes.tsv",
    ("letter", "like", "script", "name"),
    formats=(("script", "Cyrl|Grek"), ("like", "[A-Za-z]")),
)
PUNCTUATION = Table("punctuation.tsv", ("char", "as", "name"), formats=(("as", "['\"-]"),))
LATIN_LEFTOVERS = Table(
    "latin_leftovers.tsv", ("letter", "ascii", "name"), formats=(("ascii", "[A-Za-z']+"),)
)
INVISIBLE = Table(
    "invisible.tsv", ("first", "last", "name"), formats=(("first", _CODEPOINT), ("last", _CODEPOINT))
)
PUBLIC_HOSTS = Table(
    "public_hosts.tsv",
    ("host", "scope", "kind"),
    formats=(
        ("host", r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+"),
        ("scope", "host|subdomains"),
        ("kind", "social|messaging|video|search|archive|shortener|hosting|marketplace|mail"),
    ),
)
SCRIPTS = Table(
    "scripts.tsv",
    ("kind", "text", "script"),
    key=2,
    formats=(("kind", "label|unicode-word|unicode-prefix"), ("script", _SCRIPT)),
)

# Every data file of the package (tests read each through its Table, and refuse a file not listed here).
TABLES = (
    KOREAN_WORDS,
    KOREAN_FAMILY_NAMES,
    KOREAN_ORGANIZATION_ENDINGS,
    CHINESE_ORGANIZATION_WORDS,
    CHINESE_COMPOUND_SURNAMES,
    NAME_WORDS,
    ORGANIZATION_EQUIVALENTS,
    COUNTRY_ACRONYMS,
    EMBARGOES,
    EMBARGO_PLACES,
    CJK_LEGAL_FORMS,
    LOOKALIKES,
    PUNCTUATION,
    LATIN_LEFTOVERS,
    INVISIBLE,
    PUBLIC_HOSTS,
    SCRIPTS,
)
