"""The Python API: a desk over a registry screens and records; no list, or old lists, hold everything."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sanctionwatch.payments.decision import Decision, HitKind
from sanctionwatch.payments.desk import PaymentDesk
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files, update_from_files
from tests.conftest import FIXTURES

MT = FIXTURES / "payments" / "mt"
LONG_AGO = timedelta(days=100_000)


def test_a_desk_over_the_sample_lists(tmp_path: Path) -> None:
    registry = Registry.open(f"sqlite:///{tmp_path / 'r.db'}")
    try:
        empty = PaymentDesk.from_registry(registry, record=False)
        [nothing] = empty.screen((MT / "mt103_ordinary.fin").read_bytes(), "w.fin", actor="t")
        assert nothing.decision.decision is Decision.HOLD
        assert nothing.decision.reasons == ["stale_lists in lists"]  # no list is no screening

        for paths in sample_files().values():
            assert all(o.error is None for o in update_from_files(registry, paths))
        stale = PaymentDesk.from_registry(registry, record=False)
        [old] = stale.screen((MT / "mt103_ordinary.fin").read_bytes(), "w.fin", actor="t")
        assert [h.kind for h in old.decision.hits] == [
            HitKind.STALE_LISTS
        ]  # the UN sample is long out of date

        desk = PaymentDesk.from_registry(registry, max_list_age=LONG_AGO)
        [passed] = desk.screen((MT / "mt103_ordinary.fin").read_bytes(), "w.fin", actor="gateway")
        [held] = desk.screen((MT / "mt103_listed_beneficiary.fin").read_bytes(), "l.fin", actor="gateway")
        assert (passed.decision.decision, held.decision.decision) == (Decision.PASS, Decision.HOLD)
        assert held.stored is not None and held.stored["state"] == "held" and held.stored["case"]
        assert sorted(held.decision.list_versions) == ["ofac-sdn/1", "un/1"]
    finally:
        registry.close()
