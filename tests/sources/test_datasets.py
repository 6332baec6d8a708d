"""FtM dataset names of our sources (sources.datasets): valid for followthemoney, and found back."""

from __future__ import annotations

from followthemoney.dataset.util import dataset_name_check
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.sources.catalog import INTERNAL_NAME, SOURCES
from sanctionwatch.sources.datasets import FTM_DATASETS, ftm_dataset, sources_of_dataset


def test_every_official_source_has_its_opensanctions_name() -> None:
    official = {name for name, spec in SOURCES.items() if spec.files}
    assert set(FTM_DATASETS) == official
    for source in official:
        assert dataset_name_check(ftm_dataset(source)) == FTM_DATASETS[source]


@given(st.from_regex(INTERNAL_NAME, fullmatch=True))
def test_every_internal_list_name_gives_a_valid_ftm_dataset_name(slug: str) -> None:
    name = ftm_dataset(f"internal:{slug}")
    assert dataset_name_check(name) == name and name.startswith("internal_")
    assert f"internal:{slug}" in sources_of_dataset(name, [f"internal:{slug}", "ofac-sdn"])


def test_ftm_datasets_keep_their_own_name_and_lookups_find_them() -> None:
    assert ftm_dataset("ftm:zala") == "zala" and ftm_dataset("ftm") == "ftm"
    active = ["ofac-sdn", "ftm:zala", "internal:deny-list", "internal:deny_list"]
    assert sources_of_dataset("zala", active) == ("ftm:zala",)
    assert sources_of_dataset("us_ofac_sdn", active) == ("ofac-sdn",)
    assert sources_of_dataset("internal_deny_list", active) == ("internal:deny-list", "internal:deny_list")
    assert sources_of_dataset("ofac-sdn", active) == ()
