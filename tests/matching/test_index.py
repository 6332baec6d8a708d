"""The candidate index: one postings array (CSR), and vote counts equal to a plain count, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.matching._kernel import VoteCounter
from sanctionwatch.matching.index import MatchIndex
from sanctionwatch.model import Entity, Name

PARTIES = [
    Entity("ofac-sdn", "1", "Person", names=[Name("KIM, Jong Un"), Name("KIM Jong-un")]),
    Entity("ofac-sdn", "2", "Person", names=[Name("KIM, Yo Jong")]),
    Entity("ofac-sdn", "3", "Person", names=[Name("RI, Man Gon")]),
    Entity("ofac-sdn", "4", "Organization", names=[Name("KOREA KWANGSON BANKING CORP")]),
]


def test_postings_list_every_form_of_a_token_once_in_ascending_order() -> None:
    index = MatchIndex.build(PARTIES)
    for token, token_id in index.vocabulary.items():
        expected = [f for f, form in enumerate(index.forms) if token in form.tokens]
        assert index.posting(token_id).tolist() == expected
    assert index.posting_starts[-1] == len(index.posting_forms)


def test_every_lookup_key_of_a_token_leads_back_to_it() -> None:
    index = MatchIndex.build(PARTIES)
    kim = index.vocabulary["kim"]
    assert kim in index.token_votes("kim")[0].tolist()
    assert any(index.words[token_id] == "kim" for token_id in index.token_votes("kimm")[0].tolist())


def test_candidates_rank_the_forms_sharing_most_rare_tokens_first() -> None:
    index = MatchIndex.build(PARTIES)
    candidates, _ = index.candidates(("kim", "jong", "un"), 3)
    best = index.forms[candidates[0][0]]  # (form id, votes)
    assert index.entities[best.entity].id == "ofac-sdn:1"
    assert [votes for _, votes in candidates] == sorted((votes for _, votes in candidates), reverse=True)


postings = st.lists(
    st.lists(st.integers(0, 40), max_size=12, unique=True).map(sorted), min_size=1, max_size=30
)


@settings(max_examples=100, deadline=None)
@given(postings, st.data())
def test_vote_counts_equal_a_plain_count_bit_for_bit(
    posting_lists: list[list[int]], data: st.DataObject
) -> None:
    """Each group (query token) votes its best vote once per form; forms sum the groups in order."""
    forms = np.array([f for posting in posting_lists for f in posting], dtype=np.int32)
    starts = np.concatenate(([0], np.cumsum([len(p) for p in posting_lists]))).astype(np.int64)
    tokens = st.integers(0, len(posting_lists) - 1)
    groups = data.draw(
        st.lists(st.lists(st.tuples(tokens, st.floats(0.01, 5.0)), min_size=1, max_size=6), max_size=5)
    )
    limit = data.draw(st.integers(1, 45))
    expected: dict[int, float] = {}
    for group in groups:
        best: dict[int, float] = {}
        for token, vote in group:
            for form in posting_lists[token]:
                best[form] = max(best.get(form, 0.0), vote)
        for form, vote in best.items():
            expected[form] = expected.get(form, 0.0) + vote
    ranked = sorted(expected.items(), key=lambda item: (-item[1], item[0]))[:limit]
    counter = VoteCounter(forms, starts, 41)
    arrays = [
        (np.array([t for t, _ in g], dtype=np.int64), np.array([v for _, v in g], dtype=np.float64))
        for g in groups
    ]
    assert counter.top(arrays, limit) == ranked
    assert counter.top(arrays, limit) == ranked  # the scratch arrays were reset


def test_a_query_word_votes_once_per_name_however_many_of_its_words_it_resembles() -> None:
    index = MatchIndex.build(
        [
            Entity("x", "1", "Vessel", names=[Name("CHONG CHON GANG")]),
            # Many syllables a letter away from the query's: each query word may vote only once here.
            Entity("x", "2", "Company", names=[Name("CHONG CHONG CHONN CHON GANG KANG GAN HANG")]),
        ]
    )
    candidates, reachable = index.candidates(("chong", "chon", "gang"), 10)
    assert all(votes <= reachable + 1e-9 for _, votes in candidates)
    shares = index.vote_shares(("chong", "chon", "gang"), [form for form, _ in candidates])
    assert all(shares[form] == pytest.approx(votes / reachable) for form, votes in candidates)


def test_a_listed_word_in_the_query_is_never_outvoted_by_its_lookalikes() -> None:
    index = MatchIndex.build(
        [Entity("x", "1", "Person", names=[Name("CHO IL U")])]
        # 'Choi' is rarer than 'Cho' here, and resembles it: it must not outvote the exact name.
        + [Entity("x", str(n), "Person", names=[Name(f"CHOI, Bu-il {n}")]) for n in range(2, 5)]
        + [Entity("x", str(n), "Person", names=[Name(f"CHO {n}"), Name(f"U {n}")]) for n in range(5, 40)]
    )
    candidates, reachable = index.candidates(("cho", "il", "u"), 10)
    [(exact, exact_votes)] = [(f, v) for f, v in candidates if index.forms[f].text == "CHO IL U"]
    assert exact_votes == pytest.approx(reachable)  # the whole query, so the screener aligns it
    assert all(
        votes < exact_votes
        for form, votes in candidates
        if form != exact and "choi" not in index.forms[form].tokens
    )  # a CHOI may tie or pass it only through 'choil', the two query words written together
