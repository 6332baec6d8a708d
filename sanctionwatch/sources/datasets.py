"""The FollowTheMoney dataset name of each source: what FtM exports and yente-shaped answers call it.

Why: FtM dataset names are `a-z0-9` words joined by `_` (followthemoney's `dataset_name_check`), so our
source names (`ofac-sdn`, `internal:deny`, `ftm:zala`) are not valid FtM `datasets` values. A yente client
validates them, and an FtM file we export must import anywhere. The official lists take the names
OpenSanctions gives them (so a client's stored dataset names keep working); an FtM dataset its own name;
a user's list `internal:NAME` the name `internal_NAME`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sanctionwatch.model import FTM_SOURCE_PREFIX, INTERNAL_SOURCE_PREFIX

__all__ = ["FTM_DATASETS", "ftm_dataset", "sources_of_dataset"]

# OpenSanctions' names of the official lists (https://www.opensanctions.org/datasets/).
FTM_DATASETS: dict[str, str] = {
    "ofac-sdn": "us_ofac_sdn",
    "ofac-cons": "us_ofac_cons",
    "un": "un_sc_sanctions",
    "eu": "eu_fsf",
    "uk": "gb_fcdo_sanctions",  # the UK Sanctions List; OFSI's ConList was gb_hmt_sanctions
    "ca": "ca_dfatd_sema_sanctions",
    "au": "au_dfat_sanctions",
    "ch": "ch_seco_sanctions",
}
_SEPARATORS = re.compile(r"[-_]+")


def ftm_dataset(source: str) -> str:
    """`ofac-sdn` -> `us_ofac_sdn`, `ftm:zala` -> `zala`, `internal:deny-list` -> `internal_deny_list`."""
    if source in FTM_DATASETS:
        return FTM_DATASETS[source]
    if source.startswith(FTM_SOURCE_PREFIX):
        return source[len(FTM_SOURCE_PREFIX) :]
    if source.startswith(INTERNAL_SOURCE_PREFIX):
        slug = _SEPARATORS.sub("_", source[len(INTERNAL_SOURCE_PREFIX) :]).strip("_")
        return f"internal_{slug}"
    return _SEPARATORS.sub("_", source).strip("_")


def sources_of_dataset(dataset: str, sources: Iterable[str]) -> tuple[str, ...]:
    """The sources among `sources` whose FtM dataset name is `dataset` (two internal lists whose names
    differ only by `-` and `_` share one: both are given)."""
    return tuple(sorted(s for s in sources if ftm_dataset(s) == dataset))
