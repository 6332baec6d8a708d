"""The matcher's tunables in one place: thresholds, floors, caps and weights, each with its reason.

Every value here was calibrated on the development benchmark (bench/RESULTS.md tells the runs); change
one only with a benchmark run beside it, since scores are compared across versions and the alert
threshold was chosen for these values together.

Not here, because they are compiled into the kernel (`_kernel.pyx`, which this package alone imports)
and a Python value could not reach its inner loops without costing them: the token similarity levels
(INITIAL 0.68, PREFIX 0.84, VOWELLESS 0.86, SKELETON 0.82, PHONETIC 0.78, STEM 0.88, ROMANIZED 0.9,
VISUAL 0.9, ABJAD 0.7, SLIP 0.75, SYLLABLE_SLIP 0.68, EDIT_COST 1.3 and FLOOR 0.66, below which two
words are simply different) and the alignment's weights (QUERY_SHARE 0.62 of the name score for the
query's coverage against the listed name's 0.38; UNMATCHED_QUERY 2.5: an unexplained query word costs
that many times a matched one, UNMATCHED_PATRONYMIC 1.0; COMPOUND_FLOOR 0.84: a word against two
written together must be spelt alike). Each is documented where it is declared, at the top of the .pyx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

__all__ = ["TUNING"]


def _short_token_information() -> MappingProxyType[int, float]:
    return MappingProxyType({2: 0.6, 3: 0.8})


@dataclass(frozen=True, slots=True)
class Tuning:
    """The matcher's calibrated constants (one instance, `TUNING`; frozen: a screen never changes them)."""

    threshold: float = 0.25
    """The default alert threshold. Scores are calibrated so that this one value separates alerts from
    non-alerts for every kind of query: at it, about 1 % of ordinary customers alert while nearly all
    true variants of listed names do."""

    payment_threshold: float = 0.40
    """The default threshold for the names in payment messages (sanctionwatch.payments). A message names
    6 to 8 parties, most of them unknown to the bank: at the customers' threshold a wire would be held for
    one of its names far more often than a customer alerts (bench.payments_quality at 0.25: 7.5 % of
    ordinary messages held). Chosen out of sample: five folds split by listed party and customer, each
    fold's four others choosing among 0.25-0.50 by the rule in bench.payments_quality.choose; every fold
    chose 0.40. A bank sets its own (`--threshold`, `threshold=` on /payments/screen)."""

    shown_floor: float = 0.12
    """The lowest score a search or a list of candidates shows: well below the alert threshold, for an
    analyst looking around, and just above `kind_mismatch_score` (a person is no answer to a vessel
    search)."""

    kind_mismatch_score: float = 0.1
    """The most a pair of different kinds scores (a person is never a company or a vessel, whatever the
    names say): below any sensible threshold, but still shown with its reason when all pairs are asked
    for. A rule, not only the model's evidence weight: on the full registry a Chinese person's two
    syllables inside a long Chinese company name drove the name model beyond what that weight could take
    back. On the dev set no true pair has different kinds, among 6,536 such pairs."""

    identifier_score: float = 0.99
    """The score of an exact identifier match (passport, IMO, BIC, wallet): it alerts whatever the names
    say."""

    exact_name_score: float = 0.9
    """A listed name matched whole, word for word, is never scored below this by its name: a compliance
    rule, not a statistic. (The benchmark's near misses include exact names of other companies, 'MAPLES
    S.A.' for 'MAPLES SA', which would teach the model to doubt exact matches of long names.) Evidence
    still moves the score: a birth date years apart takes a namesake below the threshold."""

    weak_alias: float = 0.95
    """Multiplies the score of a weak alias (OFAC 'weak a.k.a.', UN 'low quality'): less reliable
    evidence than a full name."""

    spelling_penalty: float = 0.03
    """Taken off the score of every Latin spelling of a non-Latin query name but the first (the most
    likely): less likely spellings are slightly weaker evidence."""

    max_forms: int = 6
    """Latin spellings (name forms) of one query name that are screened."""

    candidates: int = 30
    """Name forms scored in full per query form, the best-voted first."""

    estimate_floor: float = 0.3
    """Forms whose votes cover less of the query than this share are not aligned at all: votes bound the
    query coverage from above. (0.45 with a margin of 0.15 was 1.45 times faster but lost recall: alias
    -0.05, ssb -0.02.)"""

    estimate_margin: float = 0.25
    """... nor those whose vote share is this far behind the best-voted form's."""

    prefilter: float = 0.4
    """Name scores below this are not worth weighing the secondary evidence for (the kernel drops those
    pairs before the name model sees them)."""

    noise_weight: float = 0.15
    """The share of a full rarity weight that noise tokens (legal forms, 'of', initials) carry."""

    short_token_information: MappingProxyType[int, float] = field(default_factory=_short_token_information)
    """By length, the share of its rarity weight a short word keeps: two- and three-letter tokens (Korean
    and Chinese syllables, 'Li', 'Kim') recur across unrelated people far more than their frequency in
    one list suggests. Longer words keep their whole weight."""

    fuzzy_lookup_below: float = 0.66
    """A query word that no listed word resembles this much through the lookup keys is also looked up by
    its letter pairs (vocabulary.GramIndex: two or three slips, which the token similarity accepts but no
    key reaches, 'Aiexandvr' for 'Alexander') and read as listed words written together. At the
    similarity's floor (0.66): only words that resemble no listed word at all. At 0.8 (no word within one
    slip) the dev-index variants gained a little (slips found 0.990 against 0.968, glued 0.948 against
    0.940, bench.query_variants) for a third more lookups on a fresh customer base, whose screening is
    what these lookups slow most (bench/RESULTS.md, issue 18 item 10)."""

    glued_word: int = 6
    """An unknown query word of at least this many letters is also read as listed words written together
    (vocabulary.segment: 'kimjongun' is 'kim jong un')."""

    glued_piece_similarity: float = 0.8
    """A name read from such a word is a guess ('Scotto' holds 'otto'): a listed name is a candidate for it
    only when it explains every piece, each this alike (Alexander / Aleksandr is 0.82)."""

    glued_piece: int = 20
    """The longest listed word a piece of such a word may be: bounds the reading's cost per letter."""

    explained_features: int = 5
    """Name-model features shown per hit in its explanation, strongest first."""


TUNING: Final = Tuning()
