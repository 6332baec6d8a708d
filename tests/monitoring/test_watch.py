"""Done when: an official file that never changes, served from a local server and watched while the clock
moves past its alarm age, raises the staleness alarm in `lists --json`, `/readyz`, the webhook and
`/metrics` -- once, not at every round."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ServiceSettings
from sanctionwatch.cli.app import app
from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring.watch import Round, due_sources, watch
from sanctionwatch.monitoring.webhooks import Webhooks
from sanctionwatch.registry import freshness
from sanctionwatch.registry.freshness import FreshnessState, official_sources
from sanctionwatch.registry.store import Registry
from tests.httpserver import ListServerHandler, serve_directory
from tests.monitoring.receiver import Receiver, receiving
from tests.service.conftest import make_settings

UN_FILE = "consolidated_2026-02-27.xml"  # states its publication date, 2026-02-27
runner = CliRunner()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


def _metric(text: str, name: str) -> float:
    [value] = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.rsplit(" ", 1)[0] == name]
    return value


def _cli(url: str, cache: Path, *args: str) -> tuple[int, object]:
    result = runner.invoke(app, [*args, "--json", "--db", url], env={"SANCTIONWATCH_CACHE": str(cache)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def test_an_unchanging_list_raises_the_staleness_alarm_everywhere(
    shared_data: Path, tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANCTIONWATCH_WEBHOOK_ALLOW_PRIVATE", "1")  # the receiver is on loopback
    now = [datetime(2026, 3, 1, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr(freshness, "utcnow", lambda: now[0])
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    engine = connect(url)
    Webhooks(engine).add(receiver.url())
    viewer_key = ApiKeys(engine).create("metrics", "viewer")[1]
    engine.dispose()
    mirror = tmp_path / "mirror"
    (mirror / "un").mkdir(parents=True)
    (mirror / "un" / "consolidated.xml").symlink_to(shared_data / "un_consolidated" / UN_FILE)
    cache = tmp_path / "cache"

    with serve_directory(mirror) as base:
        watch = ("watch", "--once", "--source", "un", "--mirror", base)
        code, first = _cli(url, cache, *watch)
        assert code == 0, first
        assert isinstance(first, dict) and [f["state"] for f in first["freshness"]] == ["fresh"]
        assert first["outcomes"][0]["version"] == 1 and first["outcomes"][0]["active"]

        now[0] += timedelta(days=20)  # the file, dated 2026-02-27, is now 22 days old: over 14
        code, second = _cli(url, cache, *watch)
        assert code == 4, second
        assert isinstance(second, dict)
        [judged] = second["freshness"]
        assert judged["state"] == "stale" and judged["last_outcome"] == "not-modified"
        assert "2026-02-27" in judged["reason"] and "14 d" in judged["reason"]
        assert second["announced"] == [{"source": "un", "event": "list.stale", "delivered": 1}]

        now[0] += timedelta(hours=1)
        code, third = _cli(url, cache, *watch)
        assert code == 4 and isinstance(third, dict) and third["announced"] == []  # said once
    assert ListServerHandler.hits["/un/consolidated.xml"] == 3

    [hook] = receiver.at("/hook")
    event = json.loads(hook.body)
    assert event["type"] == "list.stale" and event["data"]["source"] == "un"
    assert event["data"]["state"] == "stale" and event["data"]["newest_published"] == "2026-02-27"

    code, versions = _cli(url, cache, "lists")
    assert code == 0 and isinstance(versions, list)
    [version] = versions
    assert version["freshness"]["state"] == "stale" and version["freshness"]["checks"] == 3
    assert version["freshness"]["age_seconds"] == (now[0] - datetime(2026, 2, 27, tzinfo=UTC)).total_seconds()

    service = create_app(make_settings(url, tmp_path))
    with TestClient(service, raise_server_exceptions=False) as client:
        deadline = time.monotonic() + 60
        while (ready := client.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, "the index was not built"
            time.sleep(0.05)
        metrics = client.get("/metrics", headers={"Authorization": f"ApiKey {viewer_key}"}).text
    [degraded] = ready.json()["degraded"]
    assert degraded["source"] == "un" and degraded["state"] == "stale"
    assert "2026-02-27" in degraded["reason"]
    assert 'sanctionwatch_list_freshness{source="un",state="stale"} 1.0' in metrics
    assert 'sanctionwatch_list_freshness{source="un",state="fresh"} 0.0' in metrics
    assert 'sanctionwatch_list_checks_total{source="un"} 3.0' in metrics
    assert 'sanctionwatch_list_check_failures_total{source="un"} 0.0' in metrics
    assert (
        _metric(metrics, 'sanctionwatch_list_file_age_seconds{source="un"}') == judged["age_seconds"] + 3600
    )
    assert 'sanctionwatch_list_last_success_timestamp_seconds{source="un"}' in metrics
    # the other official sources were never checked: shown as such, not degraded
    assert 'sanctionwatch_list_freshness{source="eu",state="never-checked"} 1.0' in metrics


def test_the_loop_checks_what_is_due_and_announces_a_failing_source_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [datetime(2026, 3, 1, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr(freshness, "utcnow", lambda: now[0])
    registry = Registry.open(f"sqlite:///{tmp_path / 'registry.db'}")
    rounds: list[Round] = []
    stop = threading.Event()

    def seen(result: Round) -> None:
        rounds.append(result)
        now[0] += timedelta(minutes=30)  # the second round is not due, the third is
        if len(rounds) == 3:
            stop.set()

    empty_mirror = str(tmp_path / "empty")  # a directory without the file: every check fails
    try:
        watch(registry, ["un"], cache=tmp_path / "cache", mirror=empty_mirror, stop=stop, on_round=seen)
    finally:
        registry.close()
    assert [r.checked for r in rounds] == [["un"], [], ["un"]]
    assert [f.state for r in rounds for f in r.freshness] == [FreshnessState.FAILING] * 3
    assert [[a.event for a in r.announced] for r in rounds] == [["list.failing"], [], []]
    assert "has no un/consolidated.xml" in (rounds[0].freshness[0].reason or "")


def test_serve_runs_the_watch_when_enabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONWATCH_CACHE", str(tmp_path / "cache"))
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    settings = make_settings(url, tmp_path, watch=True, watch_mirror=str(tmp_path / "empty"))
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 60
        while not (degraded := client.get("/readyz").json().get("degraded")) or len(degraded) < len(
            official_sources()
        ):
            assert time.monotonic() < deadline, "the service did not check the lists"
            time.sleep(0.05)
    assert {d["source"] for d in degraded} == set(official_sources())
    assert {d["state"] for d in degraded} == {"failing"}


def test_the_watch_setting_is_refused_unless_0_or_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONWATCH_WATCH", "yes")
    with pytest.raises(RuntimeError, match="SANCTIONWATCH_WATCH='yes'"):
        ServiceSettings(secret="s" * 40)


def test_a_source_is_due_after_its_policy_interval_or_the_override(tmp_path: Path) -> None:
    registry = Registry.open(f"sqlite:///{tmp_path / 'registry.db'}")
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    try:
        freshness.record_check(registry.engine, "un", freshness.CheckOutcome.NOT_MODIFIED, t0)
        later = t0 + timedelta(minutes=10)
        assert due_sources(registry, ["un", "eu"], later) == ["eu"]  # eu never checked; un hourly
        assert due_sources(registry, ["un", "eu"], later, interval=timedelta(minutes=5)) == ["un", "eu"]
        assert due_sources(registry, ["un"], t0 + timedelta(hours=1)) == ["un"]
    finally:
        registry.close()
