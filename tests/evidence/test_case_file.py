"""Case files (issue 22): a real alert, raised by screening a customer with a Korean name against the
shipped sample lists and decided by two people, exported as HTML and PDF and read back.

The case is built once per backend and module; every export adds its own audit record, so the tests
compare against the log as they find it, not against fixed numbers.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from typer.testing import CliRunner

from sanctionwatch.access.roles import Role
from sanctionwatch.access.users import Users
from sanctionwatch.cases.workflow import Actor, Cases
from sanctionwatch.cli.app import app
from sanctionwatch.db.engine import connect
from sanctionwatch.evidence.case_export import export_case_file
from sanctionwatch.evidence.case_file import CaseFileFormat, CaseFileNotFoundError
from sanctionwatch.evidence.case_render import render_pdf
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import Monitor
from sanctionwatch.payments.holds import PaymentHolds
from sanctionwatch.payments.message import MessageFamily, PartyKind, PartyRole, PaymentMessage, PaymentParty
from sanctionwatch.payments.screening import ListState, PaymentScreener
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files, update_from_files
from sanctionwatch.screening.screener import Screener
from tests.postgres import drop_pg_database, make_pg_database

KIM = "ofac-sdn:20157"  # "KIM, Jong Un", DOB 1984-01-08
KOREAN_NAME = "김정은"
ALICE = Actor("user:alice", Role.ANALYST)
BOB = Actor("user:bob", Role.APPROVER)
REASON = "Same birth date and nationality as the listed party"
runner = CliRunner()


@dataclass(frozen=True)
class DecidedCase:
    url: str
    alert_id: int


def _decided_case(url: str) -> DecidedCase:
    """The sample lists ingested, a customer screened into an alert on KIM Jong Un, reviewed and
    proposed by an analyst, confirmed by an approver: the workflow every interface uses."""
    registry = Registry.open(url)
    try:
        for paths in sample_files().values():
            assert all(o.error is None for o in update_from_files(registry, paths))
        engine = registry.engine
        Users(engine).create("alice", "analyst", "a long enough password")
        Users(engine).create("bob", "approver", "a long enough password")
        customer = Customer(
            "k-1", "Person", (KOREAN_NAME,), ("1984-01-08",), ("kp",), attributes={"note": "<b>walk-in</b>"}
        )
        Customers(engine).upsert([customer])
        versions = {v.source: v.number for v in registry.active_versions()}
        run = Monitor(engine, Screener.from_registry(registry), versions, workers=1).screen_customers(["k-1"])
        alert_id = int(next(a["id"] for a in run.alerts if a["entity_id"] == KIM))
        cases = Cases(engine)
        cases.review(alert_id, ALICE)
        cases.propose(alert_id, ALICE, "true_match", REASON)
        cases.confirm(alert_id, BOB, comment="Agreed: block and report")
    finally:
        registry.close()
    return DecidedCase(url, alert_id)


@pytest.fixture(scope="module")
def sqlite_case(tmp_path_factory: pytest.TempPathFactory) -> DecidedCase:
    return _decided_case(f"sqlite:///{tmp_path_factory.mktemp('case') / 'registry.db'}")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def any_case(request: pytest.FixtureRequest, sqlite_case: DecidedCase) -> Iterator[DecidedCase]:
    if request.param == "sqlite":
        yield sqlite_case
        return
    admin = request.getfixturevalue("pg_server")
    name, url = make_pg_database(admin)
    try:
        yield _decided_case(url)
    finally:
        drop_pg_database(admin, name)


@pytest.fixture
def engine(any_case: DecidedCase) -> Iterator[Engine]:
    eng = connect(any_case.url)
    try:
        yield eng
    finally:
        eng.dispose()


def _flat(text: str) -> str:
    """Text without whitespace: a hash broken over two lines of a PDF reads whole again."""
    return "".join(text.split())


def test_the_export_is_on_record_and_the_file_cites_its_own_record_as_head(
    any_case: DecidedCase, engine: Engine
) -> None:
    log = AuditLog(engine)
    before = log.head()
    exported = export_case_file(
        engine, any_case.alert_id, actor="user:examiner-desk", fmt=CaseFileFormat.HTML
    )
    case = exported.case

    after = log.head()
    assert after.seq == before.seq + 1
    record = log.records(since_seq=before.seq)[0]
    assert (record.action, record.subject, record.actor) == (
        "case.export",
        f"alert {any_case.alert_id}",
        "user:examiner-desk",
    )
    assert record.details == {"format": "html"}
    assert (case.head.seq, case.head.hash, case.head.prev_hash) == (after.seq, after.hash, before.hash)
    assert log.verify().ok

    # Every record about the alert, and none about anything else: raised, three steps, this export.
    actions = [r.action for r in case.audit]
    assert actions[0] == "alerts.created"
    assert actions[1:4] == ["case.review", "case.propose", "case.confirm"]
    assert actions[-1] == "case.export" and case.audit[-1].hash == after.hash
    assert all(
        r.subject in (f"alert {any_case.alert_id}",) or r.action == "alerts.created" for r in case.audit
    )
    assert f'"alerts":[[{any_case.alert_id},"k-1","{KIM}"' in case.audit[0].details

    assert [s.action for s in case.steps] == ["opened", "review", "propose", "confirm"]
    eyes = case.four_eyes
    assert (eyes.decision, eyes.reason, eyes.proposed_by, eyes.confirmed_by) == (
        "true_match",
        REASON,
        "user:alice",
        "user:bob",
    )
    assert eyes.two_people is True and eyes.comment == "Agreed: block and report"

    # The sides as the customer base and the version the alert names have them.
    [*_, ofac] = [c for c in case.comparisons if c.listed.heading == KIM]
    assert ofac.customer.facts["Names"] == (KOREAN_NAME,)
    assert ofac.listed.facts["Names"][0] == "KIM, Jong Un" and ofac.listed.facts["Birth dates"] == (
        "1984-01-08",
    )
    assert case.kind.startswith("Name hit")
    version = next(v for v in case.versions if v.source == "ofac-sdn")
    registry_files = Registry(engine).version("ofac-sdn", version.number).files
    assert [(f.name, f.sha256) for f in version.files] == [(f["name"], f["sha256"]) for f in registry_files]
    assert version.problem is None

    html = exported.content.decode("utf-8")
    assert "&lt;b&gt;walk-in&lt;/b&gt;" in html and "<b>walk-in" not in html  # autoescaped
    assert exported.media_type.startswith("text/html")


def test_the_pdf_reads_back_names_hashes_actors_and_the_head(sqlite_case: DecidedCase) -> None:
    engine = connect(sqlite_case.url)
    try:
        exported = export_case_file(
            engine, sqlite_case.alert_id, actor="user:examiner-desk", fmt=CaseFileFormat.PDF
        )
        versions = exported.case.versions
        head = AuditLog(engine).head()
    finally:
        engine.dispose()
    assert exported.content.startswith(b"%PDF-") and exported.media_type == "application/pdf"
    reader = PdfReader(io.BytesIO(exported.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = _flat(text)

    assert KOREAN_NAME in text  # Hangul rendered as text, not as boxes
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("CJK" in f for f in fonts), fonts  # drawn with a font that has the glyphs
    assert f"page 1 of {len(reader.pages)}" in text  # the print stylesheet is in force (A4 page boxes)
    assert "KIM, Jong Un" in text
    files = [f for v in versions for f in v.files]
    assert files and all(f.sha256[:16] in flat for f in files)
    for actor in ("user:alice", "user:bob", "user:examiner-desk"):
        assert actor in flat
    assert REASON in text
    assert head.hash in flat and f"auditverify--expect-head{head.hash}" in flat
    assert exported.case.head.seq == head.seq


def test_an_unknown_alert_is_not_found_and_leaves_no_record(engine: Engine) -> None:
    log = AuditLog(engine)
    before = log.head()
    with pytest.raises(CaseFileNotFoundError, match="alert 999999: no such alert"):
        export_case_file(engine, 999_999, actor="user:examiner-desk", fmt=CaseFileFormat.PDF)
    assert log.head() == before


def test_a_payment_hold_shows_the_payment_and_its_hits_beside_the_listed_party(
    sqlite_case: DecidedCase,
) -> None:
    engine = connect(sqlite_case.url)
    try:
        registry = Registry(engine)
        versions = tuple(f"{v.source}/{v.number}" for v in registry.active_versions())
        screener = PaymentScreener(Screener.from_registry(registry), ListState(versions))
        wire = PaymentMessage(
            source="wire.fin", family=MessageFamily.SWIFT_MT, message_type="MT103", reference="INV-2291",
            parties=(PaymentParty("59", PartyRole.CREDITOR, PartyKind.UNKNOWN, name="KOREA KWANGSON BANKING CORP"),),
        )  # fmt: skip
        held = PaymentHolds(engine).record(screener.screen(wire), actor="gateway")
        case = export_case_file(
            engine, held["case"], actor="user:examiner-desk", fmt=CaseFileFormat.HTML
        ).case
    finally:
        engine.dispose()
    assert case.kind == "Payment hold" and case.customer.heading == f"Payment {held['id']}"
    assert "INV-2291" in " ".join(case.customer.facts["Identifiers"])
    assert [c.listed.facts["Names"][0] for c in case.comparisons] == ["KOREA KWANGSON BANKING CORP"]
    assert [(h.field, h.kind) for h in case.explanation.payment_hits] == [("59", "name")]
    assert [v.label for v in case.versions] == list(versions) and all(v.files for v in case.versions)
    assert [r.action for r in case.audit] == ["payment.held", "case.export"]


@pytest.mark.parametrize(
    "reference",
    ['<img src="http://127.0.0.1:9/logo.png">', '<link rel="stylesheet" href="file:///etc/hostname">'],
)
def test_rendering_fetches_nothing(reference: str) -> None:
    with pytest.raises(RuntimeError, match="never fetched"):
        render_pdf(f"<html><head></head><body><p>case</p>{reference}</body></html>")


# ---- the command line ------------------------------------------------------------------------------


def test_cli_writes_the_pdf_or_the_html_and_refuses_anything_else(
    sqlite_case: DecidedCase, tmp_path: Path
) -> None:
    db = ["--db", sqlite_case.url]
    alert = str(sqlite_case.alert_id)
    target = tmp_path / "case.pdf"
    done = runner.invoke(app, ["cases", "export", alert, "--pdf", "--output", str(target), *db])
    assert done.exit_code == 0, done.output
    assert target.read_bytes().startswith(b"%PDF-")
    assert f"written to {target}" in done.stderr and "audit record" in done.stderr

    html = runner.invoke(app, ["cases", "export", alert, "--html", *db])
    assert html.exit_code == 0, html.output
    assert f"Case file: alert #{sqlite_case.alert_id}" in html.stdout and KOREAN_NAME in html.stdout

    for wrong in ([], ["--pdf", "--html"]):
        refused = runner.invoke(app, ["cases", "export", alert, *wrong, *db])
        assert refused.exit_code == 2 and "exactly one of --pdf or --html" in refused.stderr
    unknown = runner.invoke(app, ["cases", "export", alert, "--docx", *db])
    assert unknown.exit_code == 2 and "--docx" in unknown.stderr

    missing = runner.invoke(app, ["cases", "export", "999999", "--pdf", "-o", str(tmp_path / "x.pdf"), *db])
    assert missing.exit_code == CaseFileNotFoundError.exit_code
    assert "alert 999999: no such alert" in missing.stderr
    assert not (tmp_path / "x.pdf").exists()
