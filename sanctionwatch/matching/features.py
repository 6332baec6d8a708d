"""What the name scorer looks at: a fixed vector of figures describing one aligned pair of names.

The alignment (score.align) says which query word matched which listed word and how closely; these
features summarise it the way an analyst would weigh it: how much of each name is explained, how
rare the explained and the unexplained words are, whether the family name is among the explained
ones, and how alike the two names look as whole strings. The learned name model (model.py) turns
them into one score; keeping them in one place keeps training (bench/train_scorer.py) and
screening on exactly the same definitions.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from sanctionwatch.matching.names import LEGAL_FORMS, is_noise, name_forms
from sanctionwatch.matching.score import NameMatch

NAME_FEATURES = (
    "name_score",  # the hand-written alignment score: coverage both ways, unexplained words penalised
    "query_coverage",  # rarity-weighted share of the query explained (similarity-scaled)
    "listed_coverage",  # the same for the listed name
    "query_weight_matched",  # how much rare material the query and the listed name share
    "query_weight_unmatched",
    "listed_weight_unmatched",
    "exact_share",  # share of query words matched letter for letter
    "single_word_query",
    "weakest_pair",  # similarity of the loosest word pair taken
    "query_words_unmatched",  # distinctive (non-noise) words left unexplained, counted
    "listed_words_unmatched",
    "query_words_matched",
    "query_is_organization",
    "heaviest_unmatched_query",  # the rarest query word left unexplained
    "vote_share",  # retrieval's estimate of the query share reachable in this name
    "token_set_ratio",  # the names as strings: shared words and the rest
    "sorted_jaro_winkler",
    "heaviest_matched",  # the rarest word explained
    "family_matched",  # the listed family name ('FAMILY, Given') is among the explained words
    "listed_has_family",
    "listed_words",  # lengths, divided by 5
    "query_words",
    "listed_elsewhere_unmatched",  # the rarest unexplained query word that is a word of another listed name
    "syllabic_query",  # spelled by us from Hangul or Chinese: short common syllables, no typos
    "legal_form_replaced",  # the listed legal form is unexplained and a query word stands unexplained
    "residual_similarity",  # how alike the closest unexplained query and listed words still are
)


@dataclass(frozen=True, slots=True)
class PairInput:
    """One aligned pair as the screener holds it."""

    query: Sequence[str]
    listed: Sequence[str]
    listed_text: str  # the listed name as written: 'FAMILY, Given' tells the family name
    match: NameMatch
    query_is_organization: bool
    syllabic_query: bool
    vote_share: float
    max_weight: float
    # Words of the registry's names: an unexplained query word that is one of them points elsewhere
    # ('MENYAILO Sergei AMHAZ': AMHAZ is another listed party's name), an unknown one may be a typo.
    listed_words: Container[str] = frozenset()


def name_features(pair: PairInput) -> list[float]:
    """The NAME_FEATURES of one pair, in order."""
    query, listed, match = pair.query, pair.listed, pair.match
    q_credit, l_credit = match.query_credit, match.listed_credit
    q_weights, l_weights = match.query_weights, match.listed_weights
    scale = pair.max_weight or 1.0
    matched_q = unmatched_q = heaviest_unmatched = heaviest_matched = heaviest_elsewhere = 0.0
    exact = unmatched_words = matched_words = 0
    weakest = 1.0
    for token, credit, weight in zip(query, q_credit, q_weights, strict=True):
        noise = is_noise(token)
        if credit:
            matched_q += credit * weight
            heaviest_matched = max(heaviest_matched, weight)
            weakest = min(weakest, credit)
            exact += credit == 1.0
            matched_words += not noise
        else:
            unmatched_q += weight
            heaviest_unmatched = max(heaviest_unmatched, weight)
            unmatched_words += not noise
            if not noise and token in pair.listed_words:
                heaviest_elsewhere = max(heaviest_elsewhere, weight)
    matched_l = unmatched_l = 0.0
    listed_unmatched_words = 0
    legal_form_unmatched = False
    for token, credit, weight in zip(listed, l_credit, l_weights, strict=True):
        if credit:
            matched_l += credit * weight
        else:
            unmatched_l += weight
            listed_unmatched_words += not is_noise(token)
            legal_form_unmatched = legal_form_unmatched or token in LEGAL_FORMS
    family = _family_size(pair.listed_text)
    query_joined, listed_joined = " ".join(query), " ".join(listed)
    return [
        match.score,
        matched_q / (sum(q_weights) or 1.0),
        matched_l / (sum(l_weights) or 1.0),
        matched_q / scale,
        unmatched_q / scale,
        unmatched_l / scale,
        exact / len(query),
        1.0 if len(query) == 1 else 0.0,
        weakest if matched_q else 0.0,
        float(unmatched_words),
        float(listed_unmatched_words),
        float(matched_words),
        1.0 if pair.query_is_organization else 0.0,
        heaviest_unmatched / scale,
        pair.vote_share,
        fuzz.token_set_ratio(query_joined, listed_joined) / 100.0,
        JaroWinkler.normalized_similarity(" ".join(sorted(query)), " ".join(sorted(listed))),
        heaviest_matched / scale,
        1.0 if family and all(l_credit[j] for j in range(min(family, len(listed)))) else 0.0,
        1.0 if family else 0.0,
        len(listed) / 5,
        len(query) / 5,
        heaviest_elsewhere / scale,
        1.0 if pair.syllabic_query else 0.0,
        1.0 if legal_form_unmatched and not all(q_credit) else 0.0,
        _residual_similarity(match),
    ]


def _residual_similarity(match: NameMatch) -> float:
    """Jaro-Winkler of the closest pair of words left unexplained on both sides (0: none on one side).

    A nickname or a spelling beyond the token rules ('Patty' / 'Patricia') stays close; a word
    swapped for another name ('Sergei AMHAZ' for 'Sergei Ivanovich') does not.
    """
    queries = [t for t in match.unmatched_query if not is_noise(t)]
    listed = [t for t in match.unmatched_listed if not is_noise(t)]
    return max((JaroWinkler.similarity(q, t) for q in queries for t in listed), default=0.0)


@lru_cache(maxsize=200_000)
def _family_size(listed_text: str) -> int:
    """Tokens of the family name in a list's 'FAMILY, Given' writing; 0 when the name has no comma."""
    if "," not in listed_text:
        return 0
    forms = name_forms(listed_text.split(",", 1)[0])
    return len(forms[0].tokens) if forms else 0
