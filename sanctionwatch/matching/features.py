"""What the name scorer looks at: a fixed vector of figures describing one aligned pair of names.

The alignment (score.align) says which query word matched which listed word and how closely; these
features summarise it the way an analyst would weigh it: how much of each name is explained, how
rare the explained and the unexplained words are, whether the family name is among the explained
ones, and how alike the two names look as whole strings. The learned name model (model.py) turns
them into one score. They are computed in one place, compiled (_kernel.name_features, in this
order), so training (bench/train_scorer.py) and screening see exactly the same definitions.
"""

from __future__ import annotations

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
