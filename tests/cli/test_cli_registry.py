"""End-to-end: the `sanctionwatch` command as operators and scripts run it, on a scratch database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.runner import run, run_json
from tests.httpserver import serve_directory


@pytest.fixture
def un_dir(shared_data: Path) -> Path:
    return shared_data / "un_consolidated"


def test_update_from_files_then_changes_between_versions(db: Path, un_dir: Path) -> None:
    [first] = run_json(db, "update", "--file", str(un_dir / "consolidated_2025-04-19_reserialized.xml"))
    assert first == {
        "source": "un", "version": 1, "published": "2025-04-19", "entities": 877, "added": 877, "removed": 0,
        "changed": 0, "active": True, "status": "active", "status_reason": None, "unchanged": False,
        "left_out": {},
    }  # fmt: skip
    [second] = run_json(db, "update", "--source", "un", "--file", str(un_dir / "consolidated_2026-02-27.xml"))
    assert (second["version"], second["entities"], second["active"]) == (2, 1003, True)
    assert second["added"] - second["removed"] == 1003 - 877

    diff = run_json(db, "changes", "--source", "un")
    assert len(diff["added"]) == second["added"] and len(diff["removed"]) == second["removed"]
    assert {"source_id", "name", "schema", "programs"} <= set(diff["added"][0])
    assert all(c["fields"] for c in diff["changed"])
    iran = run_json(db, "changes", "--source", "un", "--program", "Iran")
    assert iran["added"] and all("Iran" in a["programs"] for a in iran["added"])

    human = run(db, "changes", "--source", "un").stdout
    assert f"{second['added']}" in human.replace("\n", " ") or "added" in human


def test_lists_entity_and_entities(db: Path, un_dir: Path) -> None:
    run(db, "update", "--file", str(un_dir / "consolidated_2026-02-27.xml"))
    [version] = run_json(db, "lists")
    assert {k: version[k] for k in ("source", "version", "published", "entities", "active")} == {
        "source": "un", "version": 1, "published": "2026-02-27", "entities": 1003, "active": True,
    }  # fmt: skip
    assert version["fetched"]
    record = run_json(db, "entity", "un:KPi.013")
    assert record["id"] == "un:KPi.013" and record["schema"] == "Person"
    assert record["birth_dates"][0]["value"] == "1954-10-12"
    dprk = run_json(db, "entities", "--program", "DPRK", "--source", "un")
    assert len(dprk) == 155  # 80 KPi + 75 KPe (PROVENANCE.md)
    people = run_json(db, "entities", "--program", "DPRK", "--schema", "Person")
    assert len(people) == 80


def test_malformed_file_fails_cleanly_and_keeps_active_version(
    db: Path, un_dir: Path, tmp_path: Path
) -> None:
    good = un_dir / "consolidated_2026-02-27.xml"
    run(db, "update", "--file", str(good))
    broken = tmp_path / "consolidated.xml"
    broken.write_bytes(good.read_bytes()[:500_000])  # a truncated download
    proc = run(db, "update", "--source", "un", "--file", str(broken), check=False)
    assert proc.returncode == 1
    assert str(broken) in proc.stderr.replace("\n", "")
    assert "malformed XML" in proc.stderr
    versions = run_json(db, "lists")
    assert [(v["version"], v["active"]) for v in versions] == [(1, True)]


def test_hostile_xml_is_refused(db: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "consolidated.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>&b;</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>\n"
    )
    proc = run(db, "update", "--file", str(bomb), check=False)
    assert proc.returncode == 1
    assert "DTD" in proc.stderr
    assert run_json(db, "lists") == []


def test_update_from_mirror_directory_and_http_mirror(db: Path, un_dir: Path, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "un").mkdir(parents=True)
    (mirror / "un" / "consolidated.xml").symlink_to(un_dir / "consolidated_2025-04-19_reserialized.xml")
    [local] = run_json(db, "update", "--source", "un", "--mirror", str(mirror))
    assert (local["version"], local["entities"]) == (1, 877)
    (mirror / "un" / "consolidated.xml").unlink()
    (mirror / "un" / "consolidated.xml").symlink_to(un_dir / "consolidated_2026-02-27.xml")
    with serve_directory(mirror) as base:
        [remote] = run_json(db, "update", "--source", "un", "--mirror", base)
    assert (remote["version"], remote["entities"], remote["active"]) == (2, 1003, True)


def test_unreachable_sources_say_so_and_explain_mirror(db: Path) -> None:
    proc = run(db, "update", "--source", "un", "--mirror", "http://127.0.0.1:9/", check=False)
    assert proc.returncode == 3
    text = " ".join(proc.stderr.split())
    assert "could not be reached" in text and "--mirror" in text
    assert run_json(db, "lists") == []


def test_sample_update_warns_loudly(db: Path) -> None:
    proc = run(db, "update", "--sample", "--json")
    assert "SAMPLE" in proc.stderr
    results = json.loads(proc.stdout)
    assert {r["source"] for r in results} == {"ofac-sdn", "un"}
    assert all(r["active"] for r in results)


def test_guard_holds_a_shrunken_list_and_exit_code_says_so(db: Path, un_dir: Path) -> None:
    run(db, "update", "--file", str(un_dir / "consolidated_2018-10-29.xml"))  # 1,093 records
    proc = run(db, "update", "--file", str(un_dir / "consolidated_2025-04-19_reserialized.xml"), check=False)
    assert proc.returncode == 2  # 877 records: -19.8 %
    assert "NOT activated" in " ".join(proc.stderr.split())
    versions = run_json(db, "lists")
    assert [(v["version"], v["status"]) for v in versions] == [(1, "active"), (2, "held")]
    run(db, "activate", "un", "2", "--force")
    assert [v["active"] for v in run_json(db, "lists")] == [False, True]


def test_unknown_source_is_rejected(db: Path) -> None:
    proc = run(db, "lists", "--source", "nowhere", check=False)
    assert proc.returncode == 2
    assert "unknown source" in proc.stderr


def test_export_to_followthemoney_and_import_back(db: Path, tmp_path: Path) -> None:
    run(db, "update", "--sample")
    exported = tmp_path / "registry.ftm.json"
    proc = run(db, "export", "--output", str(exported))
    assert "FollowTheMoney entities" in proc.stderr
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    parties = {line["id"] for line in lines if line["schema"] in {"Person", "Organization", "Vessel"}}
    active = sum(v["entities"] for v in run_json(db, "lists") if v["active"])
    assert len(parties) == active
    # The export's entities name the lists they come from: plain `ftm` cannot tell which dataset the
    # file is, and says so; named, it is one dataset (issue 18).
    refused = run(db, "update", "--source", "ftm", "--file", str(exported), check=False)
    assert refused.returncode != 0 and "belong to 2 datasets (un_sc_sanctions, us_ofac_sdn)" in " ".join(
        refused.stderr.split()
    )
    [imported] = run_json(db, "update", "--source", "ftm:export", "--file", str(exported))
    assert (imported["source"], imported["entities"], imported["active"]) == ("ftm:export", active, True)
    # Every entity of the file is counted: the parties, and the rest by schema (none unknown, none untargeted).
    assert set(imported["import"]) == {"party", "non-party"}
    assert sum(imported["import"]["party"].values()) == active
    assert imported["import"]["non-party"]["Sanction"] == 11
    bank = [
        e for e in run_json(db, "entities", "--source", "ftm:export") if "FOREIGN TRADE BANK" in e["name"]
    ]
    assert bank and "NPWMD" in bank[0]["programs"]


def test_screen_one_name_with_explanation(db: Path) -> None:
    run(db, "update", "--sample")
    result = run_json(db, "screen", "Ким Чен Ын")
    [hit, *_] = result["hits"]
    assert hit["entity_id"] == "ofac-sdn:20157" and hit["source_ids"] == ["ofac-sdn:20157"]
    assert hit["explanation"]["matched_name"] == "KIM, Jong Un"
    human = run(db, "screen", "Kim Jong-un", "--dob", "1984-01-08").stdout
    assert "KIM, Jong Un" in human and "same birth date" in " ".join(human.split())
    by_id = run_json(db, "screen", "--id", "IMO 7937317")
    assert by_id["hits"][0]["entity_id"] == "ofac-sdn:17069"
    bad = run(db, "screen", "Kim", "--dob", "1984-13-45", check=False)
    assert bad.returncode == 1 and "birth_date" in bad.stderr


def test_screen_file_contract(db: Path, tmp_path: Path) -> None:
    run(db, "update", "--sample")
    queries = tmp_path / "queries.csv"
    queries.write_text(
        "id,name,schema,birth_date,country,identifier\n"
        "q1,Kim Jong Un,Person,1984,,\n"
        "q2,Gail Smith,Person,,,\n"
        "q3,Broken,Person,1984-99-99,,\n"
        "q4,,,,,FTBDKPPY\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.jsonl"
    run(db, "screen-file", str(queries), "--output", str(output), "--limit", "3")
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["q1", "q2", "q3", "q4"]
    assert lines[0]["hits"][0]["source_ids"] == ["ofac-sdn:20157"]
    assert {"entity_id", "score", "source_ids", "matched_name", "programs", "explanation"} <= set(
        lines[0]["hits"][0]
    )
    assert lines[1]["hits"] == []
    assert "birth_date" in lines[2]["error"] and lines[2]["hits"] == []
    assert lines[3]["hits"][0]["entity_id"] == "ofac-sdn:15603"


def test_screening_an_empty_registry_says_what_to_do(db: Path) -> None:
    proc = run(db, "screen", "Kim Jong Un", check=False)
    assert proc.returncode == 1 and "sanctionwatch update" in proc.stderr


def test_update_refuses_options_that_would_not_apply(tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    listed = str(tmp_path / "listed.csv")
    for args, named in [
        (("update", "--sample", "--mirror", str(tmp_path)), "--mirror"),
        (("update", "--file", listed, "--mirror", str(tmp_path)), "--mirror"),
        (("update", "--file", listed, "--source", "un", "--source", "eu"), "at most one --source"),
        (("update", "--sample", "--source", "ca"), "no sample list is shipped for ca"),
    ]:
        proc = run(db, *args, check=False)
        assert proc.returncode == 2, args
        assert named in " ".join((proc.stdout + proc.stderr).split()), args


def test_update_says_what_the_parser_left_out(tmp_path: Path, fixtures_dir: Path) -> None:
    """SECO's whole list keeps de-listed targets; update leaves them out and says so, in text and JSON."""
    db = tmp_path / "r.db"
    shown = run(db, "update", "--source", "ch", "--file", str(fixtures_dir / "ch" / "seco_2025-01-10.xml"))
    assert "left out of ch, on purpose: 1 de-listed targets" in " ".join(shown.stderr.split())
    [again] = run_json(
        db, "update", "--source", "ch", "--file", str(fixtures_dir / "ch" / "seco_2025-01-10.xml"), "--json"
    )
    assert again["unchanged"] and again["left_out"] == {"de-listed targets": 1}
