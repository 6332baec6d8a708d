"""What the payment receipt tests screen: real published sample messages (../shared/data/payments, see
its PROVENANCE.md and MANIFEST.tsv) against an internal list that names the beneficiary of one of them.

No official list names a party of the public samples, so the bank's own list does: `internal:payees`
lists the beneficiary of the CBPR+ MT103 `custom_36` ("SHASHU LANXI SHANYE", field 59), which is held;
the Fedwire pacs.008 sample (Corporation A pays Corporation B) names nobody listed, and passes. Its
second version renames the listed party, so that a replay against it finds the hit gone.
"""

from __future__ import annotations

from pathlib import Path

HELD = ("payments", "mt", "ballerina_cbpr_scenarios", "custom_36_MT103.fin")  # under the shared data
CLEAN = ("payments", "iso20022", "fedwire_fed_samples", "CustomerCreditTransfer_Scenario1_Step1_pacs.008.xml")
PAYEES = "internal:payees"
LISTED_ID = "internal:payees:P-01"
HELD_FIELD = "59"


def payee_list(path: Path, *, version: int = 1) -> Path:
    """The internal list as a CSV file; version 2 names P-01 otherwise (the hit is gone)."""
    listed = "Shashu Lanxi Shanye" if version == 1 else "Marchbanks Harbour Supplies"
    path.write_text(
        "id,name,schema\n"
        f"P-01,{listed},Company\n"
        "P-02,Ottoline Marchbanks-Vey,Person\n"
        "P-03,Brackwater Salvage Holdings,Company\n",
        encoding="utf-8",
    )
    return path
