"""The no-match certificate: issued only for a clean file, checked like a receipt, refused naming rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.evidence.certificate import CertificateRefusedError, certify_file
from sanctionwatch.evidence.receipt import CERTIFICATE_FORMAT, Settings
from sanctionwatch.evidence.verify import Check, verify_document
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.screening.screener import Screener
from tests.evidence.receipt_lists import NO_MATCH, UN_HIT, WATCH, WATCHED
from tests.evidence.test_receipts import World, receipts_world


@pytest.fixture(scope="module")
def world(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from receipts_world(shared_data, tmp_path_factory.mktemp("certificates"))


def _customers(path: Path, *names: str) -> Path:
    path.write_text(
        "id,name\n" + "".join(f"C-{n},{name}\n" for n, name in enumerate(names, 1)), encoding="utf-8"
    )
    return path


def _certify(world: World, path: Path, screener: Screener | None = None) -> str:
    settings = Settings(world.screener.threshold, 5)
    return certify_file(
        world.engine, world.key, screener or world.screener, path, settings=settings,
        versions=world.versions, actor="test:certify", workers=1,
    ).line  # fmt: skip


def test_a_clean_file_is_certified_and_the_certificate_verifies(world: World, tmp_path: Path) -> None:
    path = _customers(tmp_path / "clean.csv", NO_MATCH, "Grace Hopper", "Blue Harbour Shipping Ltd")
    line = _certify(world, path)
    document = json.loads(line)
    assert document["format"] == CERTIFICATE_FORMAT and document["result"]["outcome"] == "no match"
    assert [c["id"] for c in document["customers"]["screened"]] == ["C-1", "C-2", "C-3"]
    assert {v["source"] for v in document["lists"]} == {"un", WATCH}
    check = verify_document(line.rstrip("\n").encode(), world.key.public, log=AuditLog(world.engine))
    assert check.ok and {r.check for r in check.results if r.ok} == set(Check)
    # One byte changed (a customer's id) and it no longer holds.
    forged = line.replace('"C-2"', '"C-7"').rstrip("\n").encode()
    assert not verify_document(forged, world.key.public).ok


@pytest.mark.parametrize("listed", [UN_HIT, WATCHED])
def test_a_file_with_a_hit_gets_no_certificate_and_the_refusal_names_the_row(
    world: World, tmp_path: Path, listed: str
) -> None:
    path = _customers(tmp_path / "mixed.csv", NO_MATCH, listed)
    head = AuditLog(world.engine).head()
    with pytest.raises(CertificateRefusedError, match="row 2 \\(C-2: "):
        _certify(world, path)
    assert AuditLog(world.engine).head() == head  # nothing signed, nothing recorded


def test_a_row_that_cannot_be_screened_refuses_the_certificate(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"id,name,birth_date\nC-1,{NO_MATCH},\nC-2,Someone,31/12/1999\n", encoding="utf-8")
    with pytest.raises(CertificateRefusedError, match="1 row\\(s\\) not screened: row 2"):
        _certify(world, path)


def test_an_empty_file_certifies_nothing(world: World, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(CertificateRefusedError, match="no customer"):
        _certify(world, path)
