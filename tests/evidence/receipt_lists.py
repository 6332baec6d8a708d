"""The lists the receipt tests screen against: the real UN list, and an internal list of made-up parties.

The internal list `internal:watch` has twelve parties; its second version drops one of them (WATCHED),
which is 8.3 % of the list, under the registry's 10 % shrink guard, so that it is activated as an
update would be, without forcing. A receipt of a screening of WATCHED against the first version must
still replay against that version after the second is active.
"""

from __future__ import annotations

from pathlib import Path

UN_FILE = ("un_consolidated", "consolidated_2026-02-27.xml")  # under the shared data directory
UN_HIT = "Choe Chun Sik"  # un:KPi.013 on that list
NO_MATCH = "Ada Lovelace"
WATCH = "internal:watch"
WATCHED = "Corvin Halloway Trading FZE"
WATCHED_ID = "internal:watch:W-03"

_PARTIES = (
    ("W-01", "Ottoline Marchbanks-Vey", "Person"),
    ("W-02", "Perpetua Ashgrove-Linden", "Person"),
    ("W-03", WATCHED, "Company"),
    ("W-04", "Quentin Farrowdale", "Person"),
    ("W-05", "Brackwater Salvage Holdings", "Company"),
    ("W-06", "Isolde Penhallow-Crane", "Person"),
    ("W-07", "MV Saltmarsh Wren", "Vessel"),
    ("W-08", "Thaddeus Oakenshaw", "Person"),
    ("W-09", "Glimmerfen Logistics SARL", "Company"),
    ("W-10", "Rosalind Vantreight", "Person"),
    ("W-11", "Harcastle Meridian Freight", "Company"),
    ("W-12", "Evander Quillon-Roche", "Person"),
)


def watch_list(path: Path, *, version: int) -> Path:
    """The internal list as a CSV file: all twelve parties (version 1), or all but WATCHED (version 2)."""
    rows = [p for p in _PARTIES if version == 1 or p[1] != WATCHED]
    path.write_text(
        "id,name,schema\n" + "".join(f"{pid},{name},{schema}\n" for pid, name, schema in rows),
        encoding="utf-8",
    )
    return path
