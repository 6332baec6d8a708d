"""The Python API: a desk over a registry screens and records; no list, or old lists, hold everything."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sanctionwatch.db.engine import connect
from sanctionwatch.payments.decision import Decision, HitKind
from sanctionwatch.payments.desk import PaymentDesk
from sanctionwatch.payments.holds import PaymentHolds
from sanctionwatch.payments.screening import ListState, PaymentScreener
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files, update_from_files
from sanctionwatch.screening.screener import Screener
from tests.conftest import FIXTURES
from tests.payments.conftest import listed

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


def test_files_screened_in_two_processes_give_the_same_decisions_in_order(tmp_path: Path) -> None:
    sources = [p for p in sorted(MT.glob("*.fin")) if p.name != "README.md"]
    paths = []
    for i in range(40):  # more than one chunk of files, so that the pool is used
        source = sources[i % len(sources)]
        path = tmp_path / f"{i:02d}_{source.name}"
        path.write_bytes(source.read_bytes())
        paths.append(path)
    desk = PaymentDesk(PaymentScreener(Screener.from_entities(listed()), ListState(("ofac-sdn/1",))), None)

    def decisions(workers: int) -> list[tuple[str, str, list[str]]]:
        return [
            (s.decision.source, s.decision.decision.value, [h.key() for h in s.decision.hits])
            for s in desk.screen_files(paths, actor="t", workers=workers)
        ]

    one, two = decisions(1), decisions(2)
    assert one == two and len(one) >= 40
    assert [Path(source.split("#")[0]).name for source, _, _ in one][:2] == [paths[0].name, paths[1].name]
    assert {d for _, d, _ in one} == {"pass", "hold"}


def test_recording_while_two_processes_screen_on_both_backends(database_url: str, tmp_path: Path) -> None:
    """The forks inherit no database connection: the parent records every decision, in order."""
    engine = connect(database_url)
    try:
        paths = []
        for i in range(40):
            path = tmp_path / f"{i:02d}.fin"
            path.write_bytes(
                (MT / ("mt103_listed_beneficiary.fin" if i % 4 else "mt103_ordinary.fin")).read_bytes()
            )
            paths.append(path)
        screener = PaymentScreener(Screener.from_entities(listed()), ListState(("ofac-sdn/1",)))
        holds = PaymentHolds(engine)
        holds.recent(limit=1)  # a connection open before the fork
        stored = [s.stored for s in PaymentDesk(screener, holds).screen_files(paths, actor="t", workers=2)]
        assert all(s is not None for s in stored) and len(stored) == 40
        ids = [s["id"] for s in stored if s is not None]
        assert ids == sorted(ids)
        assert len(holds.recent(limit=100)) == 40
    finally:
        engine.dispose()
