"""The official lists we know: where each is published, and which parser reads which file format.

Formats are recognised from the content (document element, CSV header, a zip's members), never trusted
from the file name alone, because mirrors and download tools rename files. The file name only
settles what the content cannot: OFAC's SDN and Consolidated lists share their formats.

Besides the official lists, a user's own lists are sources too: `internal:NAME` (NAME a slug, see
`INTERNAL_NAME`), made on demand by `source_spec` rather than listed here. Each is fed only by the
files it is given (never downloaded), in the internal layout (`internal_list.py`) or as FtM JSON lines;
for such a source the target decides the format, so an internal CSV is never read as an OFAC or UK one.

FollowTheMoney datasets (OpenSanctions exports, a user's own FtM) are sources too, one per dataset:
`ftm:NAME`, NAME a followthemoney dataset name (`dataset_name_check`). Plain `ftm` names no dataset:
the import takes the one dataset the file's entities name (`sources.ftm.dataset_source`) and refuses
a file whose entities name several or none. Registries written before issue 18 may hold a source
`ftm` (every FtM import was a version of it): its versions stay readable; new imports never feed it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from followthemoney.dataset.util import dataset_name_check

from sanctionwatch.errors import InputError
from sanctionwatch.model import FTM_SOURCE_PREFIX, INTERNAL_SOURCE_PREFIX, LEGACY_FTM_SOURCE, is_ftm_source
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.files import is_xlsx, read_content_head
from sanctionwatch.sources.workbooks import sheet_names
from sanctionwatch.sources.xmlsafe import dtd_refused

__all__ = [
    "FTM_SOURCE_PREFIX",
    "INTERNAL_SOURCE_PREFIX",
    "SOURCES",
    "SourceSpec",
    "UnknownSourceError",
    "is_ftm_source",
    "is_internal",
    "parse_files",
    "source_spec",
]


class UnknownSourceError(InputError, ValueError):
    """A source name that is neither an official list nor a well-formed `internal:NAME`."""


@dataclass(frozen=True, slots=True)
class OfficialFile:
    url: str
    filename: str  # its name in a mirror: <mirror>/<source>/<filename>


@dataclass(frozen=True, slots=True)
class SourceSpec:
    name: str
    title: str
    files: tuple[OfficialFile, ...]  # what `update` downloads; empty for sources without an official feed


OFAC_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports"

SOURCES: dict[str, SourceSpec] = {
    spec.name: spec
    for spec in (
        SourceSpec(
            "ofac-sdn",
            "US OFAC Specially Designated Nationals and Blocked Persons List (advanced XML)",
            (OfficialFile(f"{OFAC_EXPORTS}/SDN_ADVANCED.XML", "SDN_ADVANCED.XML"),),
        ),
        SourceSpec(
            "ofac-cons",
            "US OFAC Consolidated (non-SDN) Sanctions List",
            (OfficialFile(f"{OFAC_EXPORTS}/CONSOLIDATED.XML", "CONSOLIDATED.XML"),),
        ),
        SourceSpec(
            "un",
            "UN Security Council Consolidated List",
            (
                OfficialFile(
                    "https://scsanctions.un.org/resources/xml/en/consolidated.xml", "consolidated.xml"
                ),
            ),
        ),
        SourceSpec(
            "eu",
            "EU Consolidated Financial Sanctions List",
            (
                OfficialFile(
                    "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
                    "?token=dG9rZW4tMjAxNw",
                    "xmlFullSanctionsList_1_1.xml",
                ),
            ),
        ),
        # The UK Sanctions List (FCDO) since 28 January 2026, when OFSI retired its ConList; ConList
        # archives (XLSX/CSV) still ingest into `uk`, under the same party ids (uk_sanctions_list.py).
        SourceSpec(
            "uk",
            "UK Sanctions List (FCDO)",
            (
                OfficialFile(
                    "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml", "UK-Sanctions-List.xml"
                ),
            ),
        ),
        SourceSpec(
            "ca",
            "Canada Consolidated Canadian Autonomous Sanctions List (SEMA and JVCFOR)",
            (
                OfficialFile(
                    "https://www.international.gc.ca/world-monde/assets/office_docs/"
                    "international_relations-relations_internationales/sanctions/sema-lmes.xml",
                    "sema-lmes.xml",
                ),
            ),
        ),
        SourceSpec(
            "au",
            "Australia DFAT Consolidated List",
            (
                OfficialFile(
                    "https://www.dfat.gov.au/sites/default/files/Australian_Sanctions_Consolidated_List.xlsx",
                    "Australian_Sanctions_Consolidated_List.xlsx",
                ),
            ),
        ),
        SourceSpec(
            "ch",
            "Switzerland SECO Sanctions List (whole list)",
            (
                OfficialFile(
                    "https://www.sesam.search.admin.ch/sesam-search-web/pages/downloadXmlGesamtliste.xhtml"
                    "?lang=en&action=downloadXmlGesamtlisteAction",
                    "swiss-sanctions-list.xml",
                ),
            ),
        ),
        SourceSpec(
            LEGACY_FTM_SOURCE,
            "FollowTheMoney entities, from a given file: stored as ftm:NAME, NAME the one dataset "
            "the file's entities name",
            (),
        ),
    )
}

# format -> (parser module, sources it can feed)
PARSERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ofac-advanced-xml": ("sanctionwatch.sources.ofac_advanced_xml", ("ofac-sdn", "ofac-cons")),
    "ofac-xml": ("sanctionwatch.sources.ofac_xml", ("ofac-sdn", "ofac-cons")),
    "ofac-enhanced-xml": ("sanctionwatch.sources.ofac_enhanced_xml", ("ofac-sdn", "ofac-cons")),
    "ofac-csv": ("sanctionwatch.sources.ofac_csv", ("ofac-sdn", "ofac-cons")),
    "un-xml": ("sanctionwatch.sources.un_xml", ("un",)),
    "eu-xml": ("sanctionwatch.sources.eu_xml", ("eu",)),
    "uk-ofsi": ("sanctionwatch.sources.uk_ofsi", ("uk",)),
    "uk-sanctions-list-xml": ("sanctionwatch.sources.uk_sanctions_list", ("uk",)),
    "ca-sema-xml": ("sanctionwatch.sources.ca_sema", ("ca",)),
    "au-dfat-xlsx": ("sanctionwatch.sources.au_dfat", ("au",)),
    "ch-seco-xml": ("sanctionwatch.sources.ch_seco", ("ch",)),
    "ftm-jsonl": ("sanctionwatch.sources.ftm", ("ftm",)),
    "internal-list": ("sanctionwatch.sources.internal_list", ()),  # feeds internal:NAME sources only
}
# What an internal source accepts: its documented CSV/XLSX layout, or FollowTheMoney entities.
INTERNAL_FORMATS = frozenset({"internal-list", "ftm-jsonl"})
# The NAME of internal:NAME: a slug that is safe in a URL path, a file name and a shell; 23 characters
# at most because the registry stores a source name in 32 (`internal:` takes 9).
INTERNAL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,22}")
# The NAME of ftm:NAME: a followthemoney dataset name (a-z, 0-9 and single '_' between them, as
# `dataset_name_check` has it), 28 characters at most (`ftm:` takes 4 of the registry's 32).
FTM_DATASET_NAME_MAX = 28


def is_internal(name: str) -> bool:
    """Whether the source name is meant as a user's own list (well-formed or not)."""
    return name.startswith(INTERNAL_SOURCE_PREFIX)


def source_spec(name: str) -> SourceSpec:
    """The spec of an official source, or of the user's own list `internal:NAME`, made on demand.

    The one place a source name is checked: the CLI, `update` and the API all come here, so an
    internal list is accepted wherever an official one is.
    """
    if name in SOURCES:
        return SOURCES[name]
    if is_internal(name):
        slug = name[len(INTERNAL_SOURCE_PREFIX) :]
        if not INTERNAL_NAME.fullmatch(slug):
            raise UnknownSourceError(
                f"bad internal list name {slug!r} in {name!r}: use 1 to 23 characters of a-z, 0-9, "
                "'-' and '_', starting with a letter or digit (e.g. internal:deny)"
            )
        return SourceSpec(name, f"Internal list {slug!r}, from a given file", ())
    if name.startswith(FTM_SOURCE_PREFIX):
        dataset = name[len(FTM_SOURCE_PREFIX) :]
        try:
            dataset_name_check(dataset)
        except ValueError:
            dataset = ""
        if not dataset or len(dataset) > FTM_DATASET_NAME_MAX:
            raise UnknownSourceError(
                f"bad FtM dataset name {name[len(FTM_SOURCE_PREFIX) :]!r} in {name!r}: a followthemoney "
                f"dataset name is 1 to {FTM_DATASET_NAME_MAX} characters of a-z and 0-9, words joined by "
                "single '_' (e.g. ftm:us_ofac_sdn)"
            )
        return SourceSpec(name, f"FollowTheMoney dataset {dataset!r}, from a given file", ())
    raise UnknownSourceError(
        f"unknown source {name!r}; known: {', '.join(SOURCES)}, ftm:NAME for a FollowTheMoney "
        "dataset, or internal:NAME for a list of your own"
    )


_ROOT_FORMATS = {
    "Sanctions": "ofac-advanced-xml",
    "sdnList": "ofac-xml",
    "sanctionsData": "ofac-enhanced-xml",
    "CONSOLIDATED_LIST": "un-xml",
    "export": "eu-xml",
    "Designations": "uk-sanctions-list-xml",
    "data-set": "ca-sema-xml",
    "swiss-sanctions-list": "ch-seco-xml",
}
# Workbook lists, told apart by their sheet (DFAT names its sheet; OFSI's ConList calls it "Data").
_SHEET_FORMATS = {"Consolidated List": "au-dfat-xlsx"}
_FIRST_ELEMENT = re.compile(rb"<(?![?!])(?:[\w.-]+:)?([\w.-]+)")


class Parser(Protocol):
    def __call__(self, paths: Sequence[Path], source: str = ...) -> ParsedList: ...


def detect_format(path: Path) -> str:
    """The list format of a file, from its content."""
    if is_xlsx(path):
        return next((_SHEET_FORMATS[n] for n in sheet_names(path) if n in _SHEET_FORMATS), "uk-ofsi")
    content = read_content_head(path, 8192)  # a zip of one list file is read through to that file
    stripped = content.data
    if stripped.upper().startswith(b"<!DOCTYPE"):
        raise dtd_refused(path, content.line)
    if stripped.startswith(b"<"):
        body = re.sub(rb"<!--.*?-->", b"", stripped, flags=re.S)
        match = _FIRST_ELEMENT.search(body)
        root = match.group(1).decode("ascii", "replace") if match else "?"
        if root in _ROOT_FORMATS:
            return _ROOT_FORMATS[root]
        raise SourceFormatError(
            path, f"unknown XML list format (document element <{root}>)", line=content.line
        )
    if stripped.startswith(b"{"):
        return "ftm-jsonl"
    first_line = stripped.split(b"\n", 1)[0]
    if _is_internal_list_csv(first_line):
        raise SourceFormatError(
            path,
            "this is an internal list (its header holds id, name and schema): "
            "name the list it feeds, e.g. --source internal:deny",
            line=content.line,
        )
    if _is_uk_sanctions_list_csv(stripped):
        raise SourceFormatError(
            path,
            "this is the UK Sanctions List (FCDO) CSV, which is not supported: "
            "ingest the same list as XML (UK-Sanctions-List.xml)",
            line=content.line,
        )
    if b"Last Updated" in first_line or b"Name 6" in first_line:
        return "uk-ofsi"
    if re.match(rb'^"?\d+"?,', first_line) or _is_ofac_companion(path):
        return "ofac-csv"
    if not stripped:
        raise SourceFormatError(path, "holds nothing but whitespace, comments or processing instructions")
    raise SourceFormatError(
        path,
        "unrecognised list format (not OFAC, UN, EU, UK, Canada, Australia, Switzerland or FollowTheMoney)",
        line=content.line,
    )


def _is_internal_list_csv(first_line: bytes) -> bool:
    """The internal layout's header: its required columns, by name (`internal_list.REQUIRED`)."""
    cells = {c.strip().strip(b'"').lower() for c in first_line.lstrip(b"\xef\xbb\xbf").split(b",")}
    return {b"id", b"name", b"schema"} <= cells


def _internal_format(path: Path) -> str:
    """The format of a file given for an internal list: FtM JSON lines, else the internal layout
    (CSV or XLSX, whose header the parser then checks column by column)."""
    if is_xlsx(path):
        return "internal-list"
    content = read_content_head(path, 8192)
    if content.data.startswith(b"{"):
        return "ftm-jsonl"
    if content.data.startswith(b"<"):
        raise SourceFormatError(
            path,
            "an internal list is a CSV or XLSX file in the internal layout, or FtM JSON lines, not XML",
            line=content.line,
        )
    return "internal-list"


def _can_feed(fmt: str, source: str) -> bool:
    if is_internal(source):
        return fmt in INTERNAL_FORMATS
    if is_ftm_source(source):
        return fmt == "ftm-jsonl"
    return source in PARSERS[fmt][1]


def _is_uk_sanctions_list_csv(head: bytes) -> bool:
    """The FCDO CSV: a 'Report Date' line, or a header naming 'Unique ID' (ConList's has 'Group ID' only).

    Its header shares ConList's column names ('Name 6', 'Last Updated'), so without this check it
    would be read as ConList and misparsed; it is refused by name instead.
    """
    first_lines = head.split(b"\n", 3)[:3]
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"Report Date") or any(
        b"Unique ID" in line and b"Name 6" in line for line in first_lines
    )


def _is_ofac_companion(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".csv", ".csv.gz")) and any(
        k in name for k in ("add", "alt", "comments", "prim", "sdn")
    )


def default_source(fmt: str, path: Path) -> str:
    """The source a file of this format feeds when the user did not say (OFAC: 'cons' in the name)."""
    candidates = PARSERS[fmt][1]
    if len(candidates) > 1 and "cons" in path.name.lower():
        return "ofac-cons"
    return candidates[0]


def parser_for(fmt: str) -> Parser:
    module_name = PARSERS[fmt][0]
    module = importlib.import_module(module_name)
    parse: Parser = module.parse
    return parse


def parse_files(paths: Sequence[Path], source: str | None = None) -> list[ParsedList]:
    """Parse the given files, grouping the files of one publication (e.g. sdn.csv + add.csv + alt.csv)."""
    if source is not None:
        source_spec(source)  # refuses an unknown or malformed name
    if source is not None and is_internal(source) and len(paths) != 1:
        raise SourceFormatError(
            ", ".join(str(p) for p in paths) or "-",
            f"an internal list is one file: give {source} exactly one (got {len(paths)})",
        )
    groups: dict[tuple[str, str], list[Path]] = {}
    for path in paths:
        if not path.is_file():
            raise SourceFormatError(path, "no such file")
        internal = source is not None and is_internal(source)
        fmt = _internal_format(path) if internal else detect_format(path)
        target = source or default_source(fmt, path)
        if not _can_feed(fmt, target):
            raise SourceFormatError(path, f"a {fmt} file cannot feed source {target!r}")
        groups.setdefault((target, fmt), []).append(path)
    single_file_formats = {
        "ofac-advanced-xml",
        "ofac-xml",
        "ofac-enhanced-xml",
        "un-xml",
        "eu-xml",
        "uk-ofsi",
        "uk-sanctions-list-xml",
        "ca-sema-xml",
        "au-dfat-xlsx",
        "ch-seco-xml",
        "ftm-jsonl",
        "internal-list",
    }
    results: list[ParsedList] = []
    for (target, fmt), files in groups.items():
        if fmt in single_file_formats:
            results.extend(parser_for(fmt)([f], source=target) for f in files)
        else:
            results.append(parser_for(fmt)(files, source=target))
    return results
