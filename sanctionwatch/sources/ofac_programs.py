"""OFAC program codes -> the legal authority each one stands for.

The legacy CSV and the SDN.XML/CONSOLIDATED.XML formats name only the program ("SDGT",
"DPRK3"), never the legal basis, while the advanced format and other lists name the authority.
Screening reports and cross-list comparisons need the authority, so we derive it — but only
where a code is tied to exactly one authority. Codes that cover several executive orders or
regulations ("SYRIA", "IRAN", "CUBA", "IFSR", "BALKANS", "ZIMBABWE"...) get no authority: a
wrong legal basis in a compliance record is worse than none.

Codes with the order number in them ("RUSSIA-EO14024", "BPI-RUSSIA-EO14024",
"IRAN-EO13846") name their order, so they need no table entry.
"""

from __future__ import annotations

import re

from sanctionwatch.model import unique

# Codes whose single authority is public record but not spelt out in the code itself.
# Statutes are written by the acronym OFAC itself uses in its recent-actions notices.
PROGRAM_AUTHORITIES: dict[str, str] = {
    "SDGT": "EO 13224",
    "NPWMD": "EO 13382",
    "DPRK2": "EO 13687",
    "DPRK3": "EO 13722",
    "DPRK4": "EO 13810",
    "DPRK-NKSPEA": "NKSPEA",
    "CYBER": "EO 13694",
    "CYBER2": "EO 13757",
    "GLOMAG": "EO 13818",
    "MAGNIT": "Magnitsky Act",
    "SDNTK": "Kingpin Act",
    "SDNT": "EO 12978",
    "TCO": "EO 13581",
    "IRAN-HR": "EO 13553",
    "IRAN-TRA": "EO 13628",
    "IRAN-CON-ARMS-EO": "EO 13949",
    "HRIT-IR": "EO 13606",
    "HRIT-SY": "EO 13606",
    "FSE-IR": "EO 13608",
    "FSE-SY": "EO 13608",
    "BELARUS": "EO 13405",
    "VENEZUELA": "EO 13692",
    "NICARAGUA": "EO 13851",
    "NICARAGUA-NHRAA": "NHRAA",
    "SOUTH SUDAN": "EO 13664",
    "CAR": "EO 13667",
    "YEMEN": "EO 13611",
    "LIBYA2": "EO 13566",
    "LIBYA3": "EO 13726",
    "SOMALIA": "EO 13536",
    "DRCONGO": "EO 13413",
    "LEBANON": "EO 13441",
    "BURUNDI": "EO 13712",
    "DARFUR": "EO 13400",
    "CAATSA - RUSSIA": "CAATSA",
    "CAATSA - IRAN": "CAATSA",
    "IFCA": "IFCA",
    "ISA": "ISA",
    "HIFPAA": "HIFPAA",
    "PEESA": "PEESA",
    "UHRPA": "UHRPA",
    "SSIDES": "SSIDES",
    "SYRIA-CAESAR": "Caesar Act",
}

_EO_IN_CODE = re.compile(r"(?:^|-)EO(\d{5})(?:$|-)")


def normalize_program(code: str) -> str:
    """Programs are compared across list versions, so stray brackets and spacing must not count."""
    return " ".join(code.strip().strip("[]").split())


def authority_for(program: str) -> str | None:
    """The single authority a program code stands for, or None when it has none or several."""
    code = normalize_program(program).upper()
    if code in PROGRAM_AUTHORITIES:
        return PROGRAM_AUTHORITIES[code]
    match = _EO_IN_CODE.search(code)
    if match:
        return f"EO {match.group(1)}"
    return None


def authorities_for(programs: list[str]) -> list[str]:
    """Authorities of a party's programs, in program order, each once."""
    return unique([a for a in (authority_for(p) for p in programs) if a])


def split_programs(field: str | None) -> list[str]:
    """The legacy CSV packs several programs into one field as `A] [B` (the outer brackets stripped)."""
    if not field:
        return []
    return unique([normalize_program(part) for part in field.split("] [") if part.strip(" []")])
