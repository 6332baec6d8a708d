"""The ownership network read from the real list files: the links the lists state, under each rule."""

from __future__ import annotations

from pathlib import Path

from sanctionwatch.ownership.aggregate import Standing
from sanctionwatch.ownership.assembly import Network
from sanctionwatch.ownership.graph import HoldingKind
from sanctionwatch.ownership.rules import Authority
from sanctionwatch.screening.query import Query
from sanctionwatch.screening.screener import Screener
from sanctionwatch.sources.uk_ofsi import parse


def test_uk_subsidiaries_are_controlled_under_the_uk_and_eu_rules_and_for_review_under_none(
    shared_data: Path,
) -> None:
    parsed = parse([shared_data / "uk_ofsi_conlist_xlsx" / "ConList_2025-04-10.xlsx"])
    network = Network.build(Screener.from_entities(parsed.entities))
    holdings = list(network.graph)
    assert holdings and all(h.kind is HoldingKind.CONTROL and h.share is None for h in holdings)
    uk = network.assessors[Authority.UK]
    derived = {n for n, f in uk.findings.items() if f.standing is Standing.BLOCKED}
    # Subsidiaries the ConList names but does not list are blocked by control under the UK's own test.
    assert "name:Green Pine Associated Corporation" in derived
    finding = uk.findings["name:Green Pine Associated Corporation"]
    assert (
        finding.reason(network.names)
        == "blocked: controlled by a blocked person: controlled by RECONNAISSANCE GENERAL BUREAU (RGB) (listed)"
    )
    # The ConList makes nobody listed under OFAC's rule, so OFAC's assessment finds nothing.
    assert network.assessors[Authority.OFAC].findings == {}
    # Screening finds the unlisted subsidiary, with the rule and the chain.
    [hit] = network.screen(Query("Green Pine Associated Corp"), limit=1)
    assert hit.node == "name:Green Pine Associated Corporation"
    assert hit.findings[Authority.UK].standing is Standing.BLOCKED
    chain = network.chain(hit.node, Authority.UK)
    assert chain.owners[0].standing is Standing.LISTED and chain.owners[0].kind is HoldingKind.CONTROL
