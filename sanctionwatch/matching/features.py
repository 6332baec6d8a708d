"""What the name scorer looks at: a fixed vector of figures describing one aligned pair of names.

The alignment (score.align) says which query word matched which listed word and how closely; these
features summarise it the way an analyst would weigh it: how much of each name is explained, how
rare the explained and the unexplained words are, whether the family name is among the explained
ones, and how alike the two names look as whole strings. The learned name model (model.py) turns
them into one score; keeping them in one place keeps training (bench/train_scorer.py) and
screening on exactly the same definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from sanctionwatch.matching.names import is_noise, name_forms
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
)


@dataclass(frozen=True, slots=True)
class PairInput:
    """One aligned pair as the screener holds it."""

    query: Sequence[str]
    listed: Sequence[str]
    query_weights: Sequence[float]  # the index's rarity weights, per token
    listed_weights: Sequence[float]
    listed_text: str  # the listed name as written: 'FAMILY, Given' tells the family name
    match: NameMatch
    query_is_organization: bool
    vote_share: float
    max_weight: float


def name_features(pair: PairInput) -> list[float]:
    """The NAME_FEATURES of one pair, in order."""
    query, listed, match = pair.query, pair.listed, pair.match
    q_credit = [0.0] * len(query)
    l_credit = [0.0] * len(listed)
    # A query word that found its partner weighs what the partner weighs (as in align).
    q_weights = list(pair.query_weights)
    for token_pair in match.pairs:
        for i in token_pair.q_span:
            q_credit[i] = token_pair.similarity
        for j in token_pair.l_span:
            l_credit[j] = token_pair.similarity
        if token_pair.q_span and token_pair.l_span:
            partner = sum(pair.listed_weights[j] for j in token_pair.l_span) / len(token_pair.q_span)
            for i in token_pair.q_span:
                q_weights[i] = partner
    scale = pair.max_weight or 1.0
    matched_q = sum(c * w for c, w in zip(q_credit, q_weights, strict=True))
    unmatched_q = [w for c, w in zip(q_credit, q_weights, strict=True) if not c]
    matched_l = sum(c * w for c, w in zip(l_credit, pair.listed_weights, strict=True))
    unmatched_l = sum(w for c, w in zip(l_credit, pair.listed_weights, strict=True) if not c)
    similarities = [c for c in q_credit if c]
    q_noise = [is_noise(t) for t in query]
    l_noise = [is_noise(t) for t in listed]
    family = _family_size(pair.listed_text)
    query_text, listed_text = " ".join(query), " ".join(listed)
    return [
        match.score,
        matched_q / (sum(q_weights) or 1.0),
        matched_l / (sum(pair.listed_weights) or 1.0),
        matched_q / scale,
        sum(unmatched_q) / scale,
        unmatched_l / scale,
        sum(1 for c in q_credit if c == 1.0) / len(query),
        1.0 if len(query) == 1 else 0.0,
        min(similarities, default=0.0),
        float(sum(1 for c, n in zip(q_credit, q_noise, strict=True) if not c and not n)),
        float(sum(1 for c, n in zip(l_credit, l_noise, strict=True) if not c and not n)),
        float(sum(1 for c, n in zip(q_credit, q_noise, strict=True) if c and not n)),
        1.0 if pair.query_is_organization else 0.0,
        max(unmatched_q, default=0.0) / scale,
        pair.vote_share,
        fuzz.token_set_ratio(query_text, listed_text) / 100.0,
        JaroWinkler.normalized_similarity(" ".join(sorted(query)), " ".join(sorted(listed))),
        max((w for c, w in zip(q_credit, q_weights, strict=True) if c), default=0.0) / scale,
        1.0 if family and all(l_credit[j] for j in range(min(family, len(listed)))) else 0.0,
        1.0 if family else 0.0,
        len(listed) / 5,
        len(query) / 5,
    ]


def _family_size(listed_text: str) -> int:
    """Tokens of the family name in a list's 'FAMILY, Given' writing; 0 when the name has no comma."""
    if "," not in listed_text:
        return 0
    forms = name_forms(listed_text.split(",", 1)[0])
    return len(forms[0].tokens) if forms else 0
