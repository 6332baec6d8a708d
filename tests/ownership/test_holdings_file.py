"""The user's holdings file: each row a holding or an error naming the row (its record number) and the field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.ownership.graph import HoldingKind
from sanctionwatch.ownership.holdings_file import StatedHolding, read_holdings
from sanctionwatch.screening.batchio import RowError
from sanctionwatch.sources.base import SourceFormatError


def write(tmp_path: Path, text: str, name: str = "holdings.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_become_holdings_or_errors_naming_row_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "owner,owned,owned_id,percentage,kind,start_date,end_date,source\n"
        "KOREA MINING DEVELOPMENT TRADING CORPORATION,Sunrise Minerals Ltd,,40 %,,2021-01-01,,extract\n"
        'Sunrise Minerals Ltd,,customer:C-100,"62,5",ownership,,,KYC\n'
        "Acme,Sunrise Minerals Ltd,,x,,,,\n"
        "Acme,Beta,,120,,,,\n"
        "Acme,Beta,,10,voting,,,\n"
        "Acme,Beta,,10,,2024-05-01,2024-01-01,\n"
        ",Beta,,10,,,,\n"
        "Acme,Beta,,,control,,,\n",
    )
    rows = list(read_holdings(path))
    first, second = rows[0], rows[1]
    assert isinstance(first, StatedHolding) and first.share == 400_000 and first.start == date(2021, 1, 1)
    assert first.owner.name == "KOREA MINING DEVELOPMENT TRADING CORPORATION" and first.source == "extract"
    assert (
        isinstance(second, StatedHolding) and second.share == 625_000 and second.owned.key == "customer:C-100"
    )
    errors = {r.row: r.reason for r in rows if isinstance(r, RowError)}
    assert errors == {
        3: "percentage: not a percentage: 'x'",
        4: "percentage: a percentage is between 0 and 100, not '120'",
        5: "kind: 'voting' is not one of ownership, control, directorship",
        6: "end_date: 2024-01-01 is before start_date 2024-05-01",
        7: "owner: missing (give owner, owner_id or owner_identifier)",
    }
    control = rows[-1]
    assert (
        isinstance(control, StatedHolding) and control.kind is HoldingKind.CONTROL and control.share is None
    )


def test_an_unknown_column_refuses_the_file_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "owner,owned,percentge\nA,B,50\n")
    with pytest.raises(SourceFormatError, match=r"unknown column.*'percentge'"):
        list(read_holdings(path))


def test_json_lines_are_read_alike(tmp_path: Path) -> None:
    lines = [
        {"owner": "A", "owned": "B", "percentage": 51},
        {"owner_id": "ofac-sdn:9345", "owned": "C", "percentage": "50"},
    ]
    path = write(tmp_path, "\n".join(json.dumps(line) for line in lines) + "\n", "h.jsonl")
    rows = list(read_holdings(path))
    assert [r.share for r in rows if isinstance(r, StatedHolding)] == [510_000, 500_000]


@given(st.text(max_size=40))
def test_any_percentage_cell_gives_a_holding_or_a_row_error(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "h.jsonl"
        path.write_text(json.dumps({"owner": "A", "owned": "B", "percentage": text}) + "\n", encoding="utf-8")
        rows = list(read_holdings(path))
    assert len(rows) == 1
    row = rows[0]
    assert isinstance(row, RowError | StatedHolding)
    if isinstance(row, StatedHolding) and row.share is not None:
        assert 0 <= row.share <= 1_000_000
