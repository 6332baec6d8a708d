"""Ownership from the command line: a holdings file makes an unlisted company and a customer blocked."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.runner import run, run_json

HOLDINGS = (
    "owner,owned,owned_id,percentage,kind,start_date,end_date,source\n"
    "KOREA MINING DEVELOPMENT TRADING CORPORATION,Sunrise Minerals Ltd,,40,,2021-01-01,,registry extract\n"
    "HWANG Su Man,Sunrise Minerals Ltd,,22.5,,,,registry extract\n"
    "Sunrise Minerals Ltd,,customer:C-100,50,,,,KYC file\n"
    "Sunrise Minerals Ltd,Old Harbour Shipping,,90,,2010-01-01,2015-12-31,KYC file\n"
    "Acme Holdings,Sunrise Minerals Ltd,,x,,,,bad row\n"
)


def test_a_holdings_file_blocks_an_unlisted_company_and_the_customer_it_owns(
    db: Path, tmp_path: Path
) -> None:
    run(db, "update", "--sample")
    file = tmp_path / "holdings.csv"
    file.write_text(HOLDINGS, encoding="utf-8")
    imported = run(db, "ownership", "import", str(file), "--json", check=False)
    assert imported.returncode == 1 and "row 5: percentage: not a percentage: 'x'" in imported.stderr

    shown = run_json(db, "ownership", "show", "Sunrise Minerals", "--authority", "ofac")
    [sunrise] = shown["parties"]
    ofac = sunrise["rules"]["ofac"]
    assert (sunrise["node"], ofac["standing"], ofac["share"]) == (
        "party:sunrise minerals ltd",
        "blocked",
        62.5,
    )
    assert {o["node"]: o["share"] for o in ofac["chain"]["owners"]} == {
        "ofac-sdn:9345": 40.0,
        "ofac-sdn:18552": 22.5,
    }

    [customer] = run_json(db, "ownership", "show", "customer:C-100")["parties"]
    chain = customer["rules"]["ofac"]["chain"]
    assert chain["owners"][0]["node"] == "party:sunrise minerals ltd"
    assert [o["standing"] for o in chain["owners"][0]["owners"]] == ["listed", "listed"]

    # A holding that ended in 2015 blocks today nothing, but it did on a day it was held.
    assert run_json(db, "ownership", "show", "party:old harbour shipping")["parties"][0]["rules"] == {}
    earlier = run_json(db, "ownership", "show", "party:old harbour shipping", "--on", "2014-06-01")[
        "parties"
    ][0]
    assert (
        earlier["rules"] == {}
    )  # in 2014 Sunrise itself was not held yet (its owners' holdings start 2021 or are undated)

    listed = run(db, "ownership", "blocked", "--authority", "ofac").stdout
    assert "Sunrise Minerals Ltd (party:sunrise minerals ltd): OFAC blocked" in listed
    assert "customer:C-100" in listed


def test_customers_blocked_by_ownership_are_alerted_and_a_cleared_one_asks_for_a_look(
    db: Path, tmp_path: Path
) -> None:
    run(db, "update", "--sample")
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,schema\nC-100,Pacific Ore Trading,Company\nC-200,Sunrise Minerals Limited,Company\nC-300,Harbour Bakery,Company\n",
        encoding="utf-8",
    )
    run(db, "customers", "import", str(customers))
    file = tmp_path / "holdings.csv"
    file.write_text(HOLDINGS.rsplit("Acme", 1)[0], encoding="utf-8")
    imported = run_json(db, "ownership", "import", str(file), "--dataset", "kyc")
    assert imported["imported"] == 4 and imported["errors"] == []
    alerts = {a["customer_id"]: a for a in run_json(db, "alerts", "list") if a["trigger"] == "ownership"}
    assert set(alerts) == {"C-100", "C-200"}  # C-100 by its key in the file, C-200 by its name
    assert alerts["C-100"]["entity_id"] == "customer:C-100" and alerts["C-100"]["score"] == 1.0
    assert alerts["C-200"]["entity_id"] == "party:sunrise minerals ltd"
    shown = run_json(db, "alerts", "show", str(alerts["C-100"]["id"]))
    ofac = shown["explanation"]["ownership"]["ofac"]
    assert (
        ofac["standing"] == "blocked" and ofac["chain"]["owners"][0]["node"] == "party:sunrise minerals ltd"
    )

    # The same file again: the same findings, no new alert.
    again = run_json(db, "ownership", "import", str(file), "--dataset", "kyc")
    assert again["screening"] is None or again["screening"]["alerts_created"] == 0

    # The holdings are withdrawn: both customers get an alert asking a person to confirm they are clear.
    file.write_text("owner,owned,percentage\nSomebody,Something,10\n", encoding="utf-8")
    cleared = run_json(db, "ownership", "import", str(file), "--dataset", "kyc")["screening"]
    assert sorted((a["customer_id"], a["entity_id"]) for a in cleared["alerts"]) == [
        ("C-100", "customer:C-100"),
        ("C-200", "party:sunrise minerals ltd"),
    ]
    clear = run_json(db, "alerts", "show", str(cleared["alerts"][0]["id"]))
    assert clear["explanation"]["ownership"] == "clear"


def test_a_customer_holding_a_listed_wallet_is_alerted_naming_the_value(db: Path, tmp_path: Path) -> None:
    run(db, "update", "--sample")
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,schema,wallet,phone\n"
        "W-1,Blue Harbour Exchange,Company,0x098b716b8aaf21512996dc57eb0615e2383e2f96,\n"  # the lower-case writing
        "W-2,Green Field Farms,Company,0x1111111111111111111111111111111111111111,+49 30 1234567\n",
        encoding="utf-8",
    )
    imported = run_json(db, "customers", "import", str(customers))
    [shared] = [r for r in imported["network"] if r["trigger"] == "shared-value"]
    [alert] = shared["alerts"]
    assert (alert["customer_id"], alert["entity_id"]) == ("W-1", "ofac-sdn:27307")
    shown = run_json(db, "alerts", "show", str(alert["id"]))
    assert shown["explanation"]["shared"] == [
        {
            "kind": "wallet",
            "customer_value": "0x098b716b8aaf21512996dc57eb0615e2383e2f96",
            "listed_value": "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
        }
    ]
    # Importing the same customers again raises nothing new.
    again = run_json(db, "customers", "import", str(customers))
    assert all(not r["alerts"] for r in again["network"])


def test_a_customer_two_links_from_a_listed_person_is_alerted_as_linked(db: Path, tmp_path: Path) -> None:
    run(db, "update", "--sample")
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,schema\nC-300,Harbour Bakery,Company\nC-400,Quiet Meadow Dairy,Company\n", encoding="utf-8"
    )
    run(db, "customers", "import", str(customers))
    file = tmp_path / "links.csv"
    file.write_text(
        "owner,owned,owned_id,percentage,kind\n"
        "HWANG Su Man,Golden Tide Trading,,,directorship\n"
        "Golden Tide Trading,,customer:C-300,10,ownership\n"
        "Unrelated Person,Other Holding,,,directorship\n"
        "Other Holding,,customer:C-400,10,ownership\n",
        encoding="utf-8",
    )
    screening = run_json(db, "ownership", "import", str(file))["screening"]
    [alert] = screening["alerts"]
    assert (alert["customer_id"], alert["entity_id"]) == ("C-300", "ofac-sdn:18552")
    shown = run_json(db, "alerts", "show", str(alert["id"]))["explanation"]
    assert shown["ownership"] == "linked"
    assert shown["paths"] == [
        "10 % owned by Golden Tide Trading (party:golden tide trading) directed by HWANG, Su Man (ofac-sdn:18552)"
    ]
    # No rule blocks it: a directorship is a tie, not a holding.
    assert run_json(db, "ownership", "show", "customer:C-300")["parties"][0]["rules"] == {}


def test_a_wire_to_a_company_blocked_by_ownership_is_held_naming_the_rule(db: Path, tmp_path: Path) -> None:
    run(db, "update", "--sample")
    file = tmp_path / "holdings.csv"
    file.write_text(HOLDINGS.rsplit("Acme", 1)[0], encoding="utf-8")
    run(db, "ownership", "import", str(file))
    wire = tmp_path / "wire.fin"
    wire.write_text(
        "{1:F01UBSWCHZHXXXX0000000000}{2:I103DEUTDEFFXXXXN}{4:\n:20:ORE-0605\n:23B:CRED\n:32A:240605EUR3200,\n"
        ":50K:/CH9300762011623852957\nALPINE MACHINERY AG\nBAHNHOFSTRASSE 10\nCH/ZURICH\n:57A:DEUTDEFF\n"
        ":59:/DE89370400440532013000\nSUNRISE MINERALS LTD\nLINDENSTRASSE 4\nDE/BERLIN\n:70:ORE INVOICE 17\n:71A:SHA\n-}",
        encoding="utf-8",
    )
    proc = run(
        db, "screen-payment", str(wire), "--json", "--dry-run", "--max-list-age", "100000", check=False
    )
    assert proc.returncode == 4, proc.stderr
    [message] = json.loads(proc.stdout)["messages"]
    [hit] = [h for h in message["hits"] if h["kind"] == "ownership"]
    assert hit["field"] == "59" and hit["entity_id"] == "party:sunrise minerals ltd"
    assert "OFAC blocked: 62.5 % held by blocked persons" in hit["why"]

    # A screen of the name finds it too, by ownership, though no list names it.
    screened = run_json(db, "screen", "Sunrise Minerals Ltd", "--schema", "Company")
    assert screened["hits"] == []
    assert [(f["node"], [x["authority"] for x in f["findings"]]) for f in screened["ownership"]] == [
        ("party:sunrise minerals ltd", ["ofac"])
    ]
