"""What follows a change of the active lists: the owed delta screen, through `update` and `activate`,
and a delta that did not run being made up by the next one."""

from __future__ import annotations

from pathlib import Path

from sanctionwatch.monitoring.after_update import owed_parties, rescreen_owed, screened_versions
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.registry.store import Registry
from tests.cli.runner import run, run_json
from tests.service.conftest import seed_registry

KIM = "ofac-sdn:20157"  # in the sample's second OFAC version only
KIM_CUSTOMER = Customer("k-1", "Person", ("Kim Jong Un",), ("1984-01-08",))


def _registry(tmp_path: Path) -> Registry:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    seed_registry(url, tmp_path)
    return Registry.open(url)


def test_a_delta_that_did_not_run_is_made_up_by_the_next(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    try:
        Customers(registry.engine).upsert([KIM_CUSTOMER])
        registry.activate("ofac-sdn", 1, force=True)  # rolled back (the sample's v1 lacks one party)
        rescreen_owed(registry)
        assert screened_versions(registry.engine) == {"ofac-sdn": 1, "un": 1}
        registry.activate("ofac-sdn", 2)  # forward again, and no delta runs for it (a crash, say)
        ids, versions = owed_parties(registry)
        assert KIM in ids and versions == {"ofac-sdn": 2, "un": 1}
        caught_up = rescreen_owed(registry)  # the next call makes it up
        assert caught_up.run is not None
        assert KIM in [a["entity_id"] for a in caught_up.run.alerts]
        assert screened_versions(registry.engine) == {"ofac-sdn": 2, "un": 1}
        assert owed_parties(registry)[0] == []
        assert rescreen_owed(registry).run is None  # nothing owed twice
    finally:
        registry.close()


def test_activate_screens_what_the_activation_changed(tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    seed_registry(f"sqlite:///{db}", tmp_path)
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name,schema,birth_date\nk-1,Kim Jong Un,Person,1984-01-08\n", encoding="utf-8")
    run(db, "activate", "ofac-sdn", "1", "--force")  # before the customers: nobody to screen
    imported = run_json(db, "customers", "import", str(customers))
    assert imported["screening"]["alerts"] == []  # v1 does not list him
    activated = run(db, "activate", "ofac-sdn", "2")
    assert "1 new alert(s)" in activated.stderr
    [alert] = run_json(db, "alerts", "list")
    assert (alert["customer_id"], alert["entity_id"], alert["trigger"]) == ("k-1", KIM, "delta")


def test_a_customer_whose_name_is_written_without_spaces_is_alerted_by_the_delta(tmp_path: Path) -> None:
    """'KIMJONGUN' is one word, no lookalike of 'kim', 'jong' or 'un': the delta finds it as the party's
    words written together (in either order), as a full screen would."""
    registry = _registry(tmp_path)
    glued = [
        Customer("g-1", "Person", ("KIMJONGUN",)),
        Customer("g-2", "Person", ("Jongunkim",)),
        Customer("g-3", "Person", ("Maria Schmidt",)),
    ]
    try:
        registry.activate("ofac-sdn", 1, force=True)  # v1 does not list him
        Customers(registry.engine).upsert(glued)
        before = rescreen_owed(registry)
        assert before.catch_up is not None and before.catch_up.customers == len(glued)
        assert before.catch_up.alerts == []
        registry.activate("ofac-sdn", 2)  # the list update that adds him
        after = rescreen_owed(registry)
        assert after.run is not None and after.catch_up is None
        assert {(a["customer_id"], a["entity_id"], a["trigger"]) for a in after.run.alerts} == {
            ("g-1", KIM, "delta"),
            ("g-2", KIM, "delta"),
        }
    finally:
        registry.close()
