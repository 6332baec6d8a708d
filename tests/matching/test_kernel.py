"""The compiled kernel: features of known pairs, and bad input refused rather than read astray."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from sanctionwatch.matching import _kernel
from sanctionwatch.matching.features import NAME_FEATURES
from sanctionwatch.matching.index import MatchIndex
from sanctionwatch.matching.tokens import Spelling, token_shape
from sanctionwatch.model import Entity, Name

INDEX = MatchIndex.build(
    [
        Entity("x", "1", "Person", names=[Name("KIM, Jong Un")]),
        Entity("x", "2", "Person", names=[Name("PETROV, Ivan Sergeyevich")]),
        Entity("x", "3", "Organization", names=[Name("KOREA KWANGSON BANKING CORP")]),
    ]
)


def features(query: tuple[str, ...], listed: tuple[str, ...], text: str) -> dict[str, float]:
    q, listed_profile = INDEX.profile(query), INDEX.profile(listed, text)
    alignment = _kernel.align(q, listed_profile, Spelling.LATIN, token_shape)
    values = _kernel.name_features(alignment, q, listed_profile, False, False, 1.0, INDEX.max_weight)
    return dict(zip(NAME_FEATURES, values, strict=True))


def test_an_exact_name_is_explained_whole_on_both_sides() -> None:
    found = features(("kim", "jong", "un"), ("kim", "jong", "un"), "KIM, Jong Un")
    assert found["name_score"] == found["query_coverage"] == found["listed_coverage"] == 1.0
    assert found["exact_share"] == found["weakest_pair"] == 1.0
    assert found["query_words_unmatched"] == found["listed_words_unmatched"] == 0.0
    assert found["family_matched"] == found["listed_has_family"] == 1.0
    assert found["token_set_ratio"] == found["sorted_jaro_winkler"] == 1.0


def test_an_unexplained_query_word_is_counted_and_weighed() -> None:
    found = features(
        ("ivan", "petrov", "smirnoff"), ("petrov", "ivan", "sergeyevich"), "PETROV, Ivan Sergeyevich"
    )
    assert found["query_words_unmatched"] == 1.0 and found["listed_words_unmatched"] == 1.0
    assert found["heaviest_unmatched_query"] > 0.0
    assert 0.0 < found["residual_similarity"] < 1.0  # 'smirnoff' against 'sergeyevich'
    assert found["query_coverage"] < 1.0 and found["family_matched"] == 1.0


def test_a_profile_with_lists_of_different_lengths_is_refused() -> None:
    with pytest.raises(ValueError, match="profile of 1 tokens"):
        _kernel.Profile([token_shape("kim")], [1.0, 2.0], [False], [False], [False], [False])


def test_an_indexed_form_profile_is_the_profile_of_its_tokens_and_text() -> None:
    for form_id, form in enumerate(INDEX.forms):
        ready, made = INDEX.form_profile(form_id), INDEX.profile(form.tokens, form.text)
        for field in ("weights", "patronymic", "noise", "listed_words", "legal_forms"):
            assert getattr(ready, field) == getattr(made, field), field
        assert [s.token for s in ready.shapes] == list(form.tokens)
        assert (ready.joined, ready.sorted_joined, ready.family) == (
            made.joined,
            made.sorted_joined,
            made.family,
        )
    assert INDEX.form_profile(0).family == 1  # 'KIM, Jong Un'


def test_listed_forms_refuse_token_ids_outside_the_vocabulary_and_forms_outside_the_index() -> None:
    shapes = [token_shape("kim")]
    tokens, starts = np.array([0, 1], dtype=np.int32), np.array([0, 2], dtype=np.int64)
    with pytest.raises(IndexError):
        _kernel.ListedForms(shapes, [1.0], [False], [False], tokens, starts, ["KIM KIM"], len)
    with pytest.raises(ValueError, match="bound"):
        _kernel.ListedForms(shapes, [1.0], [False], [False], tokens[:1], starts, ["KIM"], len)
    assert INDEX.listed is not None
    with pytest.raises(IndexError):
        INDEX.listed.profile(len(INDEX.forms))


def test_a_token_id_outside_the_vocabulary_raises() -> None:
    with pytest.raises(IndexError):
        _kernel.token_votes(token_shape("kim"), [len(INDEX.shapes)], INDEX.shapes, INDEX.weight_array, 1.0, 0)


def test_vote_counting_refuses_postings_of_the_wrong_type() -> None:
    with pytest.raises(ValueError):
        _kernel.VoteCounter(np.zeros(3, dtype=np.int64), np.zeros(2, dtype=np.int64), 3)  # type: ignore[arg-type]


@settings(max_examples=500, deadline=None)
@given(st.text("abcdeiklmnos", max_size=12), st.text("abcdeiklmnos", max_size=12), st.integers(0, 4))
def test_the_compiled_edit_distance_is_rapidfuzz_osa(a: str, b: str, cutoff: int) -> None:
    assert _kernel.osa_distance(a, b, cutoff) == OSA.distance(a, b, score_cutoff=cutoff)


def test_long_tokens_fall_back_to_rapidfuzz() -> None:
    a, b = "a" * 100 + "bc", "a" * 100 + "cb"
    assert _kernel.osa_distance(a, b, 3) == OSA.distance(a, b, score_cutoff=3) == 1


def test_vote_counting_refuses_a_token_outside_the_vocabulary_and_stays_clean() -> None:
    counter = _kernel.VoteCounter(np.array([0, 1], dtype=np.int32), np.array([0, 1, 2], dtype=np.int64), 2)
    good = (np.array([0, 1], dtype=np.int64), np.array([1.0, 2.0]))
    with pytest.raises(IndexError, match="token id 5"):
        counter.top([good, (np.array([5], dtype=np.int64), np.array([1.0]))], 5)
    assert counter.top([good], 5) == [(1, 2.0), (0, 1.0)]  # nothing of the refused call left behind


def test_a_row_of_the_wrong_length_is_refused_not_read_past() -> None:
    from sanctionwatch.matching.model import default_model

    with pytest.raises(ValueError, match="3 features"):
        default_model().name_logit([0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="rows of 3 features"):
        default_model().name_logits(np.zeros((2, 3)))
