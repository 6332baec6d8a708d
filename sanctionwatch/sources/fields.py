"""Field cleaning shared by the XML parsers (UN, EU, UK Sanctions List, Canada SEMA).

Both lists are typed in by hand: values carry stray spaces and line breaks, genders are spelt
several ways, and bank or ship identifiers often sit in free-text remarks instead of their own
fields. Keeping these rules in one place means the two parsers agree on them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from lxml import etree

from sanctionwatch.model import Identifier, IdKind
from sanctionwatch.sources.base import SourceFormatError

_SPACE = re.compile(r"\s+")

# "SWIFT: DCBKKPPY", "SWIFT/BIC: KUDBKPPY", "SWIFT/BIC FTBDKPPY". A BIC is 4 bank letters, a 2-letter
# country, 2 location characters and an optional 3-character branch.
_BIC = re.compile(r"\bSWIFT(?:\s*/\s*BIC)?\s*(?:code)?\s*:?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")
# "IMO number: 5342883", "International Maritime Organization (IMO) Number: 1790183", "IMO 5434358".
_IMO = re.compile(r"\bIMO\)?\s*(?:number|no\.?)?\s*:?\s*([0-9]{7})\b", re.IGNORECASE)

_GENDERS = {"male": "male", "m": "male", "female": "female", "f": "female"}


def squash(value: str | None) -> str | None:
    """Collapse runs of whitespace (the UN file wraps long values over indented lines); None if blank."""
    if value is None:
        return None
    cleaned = _SPACE.sub(" ", value).strip()
    return cleaned or None


def packed_names(value: str) -> list[str]:
    """Names a list packed into one field, separated by semicolons ('Azim Adhajani; Azim Agha-Jani'):
    each is a name of its own, to be matched and shown on its own."""
    return [part for part in (p.strip() for p in value.split(";")) if part]


def gender_of(value: str | None) -> str | None:
    """'Male' / 'MALE' / 'M' -> 'male'; 'Unknown' and anything else -> None rather than a guess."""
    cleaned = squash(value)
    return _GENDERS.get(cleaned.lower()) if cleaned else None


def identifiers_in_text(text: str | None) -> list[Identifier]:
    """SWIFT/BIC codes and IMO numbers written into a remark.

    Only these two are taken because they have a fixed shape and an explicit label in front, so
    a match is the identifier itself, not a guess; an exact BIC or IMO hit is decisive in screening.
    """
    if not text:
        return []
    found = [
        Identifier(IdKind.BIC, m.group(1), label="SWIFT/BIC", note="from remarks")
        for m in _BIC.finditer(text)
    ]
    found += [
        Identifier(IdKind.IMO, m.group(1), label="IMO number", note="from remarks")
        for m in _IMO.finditer(text)
    ]
    return found


def only_path(paths: Sequence[Path], fmt: str) -> Path:
    """These formats are one file per publication; anything else is a caller or download error."""
    if len(paths) != 1:
        named = ", ".join(str(p) for p in paths) or "(no file)"
        raise SourceFormatError(named, f"{fmt} expects exactly one file, got {len(paths)}")
    return Path(paths[0])


def generation_date(path: Path, value: str | None, *, element: str, line: int | None) -> date | None:
    """The calendar date of a generation timestamp as the publisher wrote it (its own time zone).

    "2018-10-29T19:09:49.856-04:00" is 29 October for the UN even though it was the 30th in UTC;
    we keep the publisher's date because that is the date users see on the publication.
    """
    cleaned = squash(value)
    if cleaned is None:
        return None
    try:
        return date.fromisoformat(cleaned[:10])
    except ValueError as exc:
        raise SourceFormatError(
            path, f"generation date {cleaned!r} is not an ISO date", line=line, element=element
        ) from exc


def iso_day(value: str | None) -> str | None:
    """'2015-04-14-04:00' (UN dates sometimes carry a zone offset) -> '2015-04-14'; None if not a date."""
    cleaned = squash(value)
    if cleaned is None:
        return None
    try:
        return date.fromisoformat(cleaned[:10]).isoformat()
    except ValueError:
        return None


def join_parts(*parts: str | None, sep: str = ", ") -> str | None:
    """Address and place pieces -> one readable string, skipping blanks; None when nothing is left."""
    kept = [cleaned for part in parts if (cleaned := squash(part))]
    return sep.join(kept) if kept else None


def unique_identifiers(identifiers: list[Identifier]) -> list[Identifier]:
    """First occurrence of each (kind, value): a BIC given both as a field and in a remark is one identifier."""
    seen: set[tuple[str, str]] = set()
    kept: list[Identifier] = []
    for identifier in identifiers:
        key = (identifier.kind, identifier.value)
        if key not in seen:
            seen.add(key)
            kept.append(identifier)
    return kept


def line_of(element: etree._Element) -> int | None:
    """Source line of an element for error messages (lxml-stubs type `sourceline` loosely)."""
    line: object = element.sourceline
    return line if isinstance(line, int) else None


def claim_once(
    claimed: dict[str, int | None],
    key: str,
    path: Path,
    element: etree._Element,
    *,
    described: str,
    holder: str,
) -> None:
    """Record the line where a record's id is first used; a second use is refused, naming that line.

    The registry follows a party by its id, so two records under one id cannot both be kept, and keeping
    either would lose the other silently. `described` names the id as the format does ("UniqueID
    RUS0001"), `holder` what carries it ("designation").
    """
    line = line_of(element)
    if key in claimed:
        raise SourceFormatError(
            path,
            f"{described} already used by the {holder} at line {claimed[key]}",
            line=line,
            element=etree.QName(element).localname,
        )
    claimed[key] = line
