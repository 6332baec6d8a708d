"""Scoring a query against one listed party: name alignment first, then the secondary evidence.

Name score: the query's tokens and the listed name's tokens are aligned one-to-one (best pairs
first, a token may also match two adjacent tokens written together: "Jongun" / "Jong Un"). Each
side's coverage is the rarity-weighted share of its tokens that found a partner, scaled by how
similar the partners are. Unmatched *query* tokens count fully against the match (a different
person shares a family name but has another given name), unmatched *listed* tokens count less
(customers omit middle names; lists add patronymics).

Secondary evidence then moves the score: a birth date that agrees raises it, one that is years
apart lowers it below the alert threshold, a matching identifier decides on its own, and a
person can never be a company.

Every step is recorded in the explanation an analyst reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sanctionwatch.matching.index import MatchIndex
from sanctionwatch.matching.tokens import token_similarity
from sanctionwatch.model import ORGANIZATION_SCHEMAS, DateValue, Entity, Schema

QUERY_SHARE = 0.62  # weight of query coverage against listed-name coverage in the name score
UNMATCHED_QUERY = 2.5  # an unexplained distinctive word in the query weighs more than a matched one
#   (except a patronymic: see UNMATCHED_PATRONYMIC)
COMPOUND_FLOOR = 0.84  # a word against two written together: spelt alike, not merely sounding alike
WEAK_ALIAS = 0.95  # a weak alias (OFAC 'weak a.k.a.', UN 'low quality') is less reliable evidence
UNMATCHED_PATRONYMIC = 1.0  # a query patronymic the list omits weighs like an omitted listed token
# East Slavic patronymics ('Vasilyevich', 'Petrovna', 'Ilyich'): lists often leave them out.
_LONGEST_PATRONYMIC = 30
_PATRONYMIC = re.compile(r"^[a-z]{3,}(?:[oea]v[iy]ch|[oe]vna|ivna|ichna|inichna|ich)$")


@dataclass(slots=True)
class TokenPair:
    query: str
    listed: str
    similarity: float
    q_span: tuple[int, ...] = ()
    l_span: tuple[int, ...] = ()


@dataclass(slots=True)
class NameMatch:
    score: float
    query_coverage: float
    listed_coverage: float
    pairs: list[TokenPair] = field(default_factory=list)
    unmatched_query: list[str] = field(default_factory=list)
    unmatched_listed: list[str] = field(default_factory=list)
    # Per token: the similarity of its partner (0: none) and its rarity weight, a query token
    # weighing what its partner weighs. What the name model's features are computed from.
    query_credit: list[float] = field(default_factory=list)
    listed_credit: list[float] = field(default_factory=list)
    query_weights: list[float] = field(default_factory=list)
    listed_weights: list[float] = field(default_factory=list)


_Option = tuple[float, float, tuple[int, ...], tuple[int, ...], str, str]


def align(
    index: MatchIndex,
    query: Sequence[str],
    listed: Sequence[str],
    similar: Callable[[str, str], float] = token_similarity,
) -> NameMatch:
    """Best one-to-one alignment of query and listed tokens (greedy on similarity, rare tokens first).

    Single tokens compete with pairs of two adjacent tokens written together on the other side
    ('Jongun' for 'Jong Un'); the greedy pass takes the most similar first. `similar` is the query
    form's token similarity (NameForm.similarity): a query spelled by us from Hangul or Chinese has no
    typos, one read from Arabic script has no short vowels.
    """
    own_weights = [index.token_weight(t) for t in query]
    l_weights = [index.token_weight(t) for t in listed]
    q_weights = own_weights
    q_credit = [0.0] * len(query)
    l_credit = [0.0] * len(listed)
    pairs: list[TokenPair] = []
    options: list[_Option] = [
        (similarity, q_weights[i] + l_weights[j], (i,), (j,), q, t)
        for i, q in enumerate(query)
        for j, t in enumerate(listed)
        if (similarity := similar(q, t)) > 0.0
    ]
    # Two adjacent tokens written as one on the other side ('Jong Un' / 'Jongun', 'Pl aneta'): these
    # compete with the single-token pairs, so a split word is not half-matched as an initial. Not
    # needed when every token on both sides has its exact twin already (the common true match).
    exact = [(o[2][0], o[3][0]) for o in options if o[0] == 1.0]
    if len({i for i, _ in exact}) < len(query) or len({j for _, j in exact}) < len(listed):
        options.extend(_compound_options(query, listed, q_weights, l_weights, similar, flipped=False))
        options.extend(_compound_options(listed, query, l_weights, q_weights, similar, flipped=True))
    _take(options, q_credit, l_credit, pairs)
    # A query token that found its partner weighs what the partner weighs: 'Mhmmd' is as common
    # as 'Muhammad', however unknown its spelling. Unmatched ones keep their own weight.
    q_weights = list(own_weights)
    for pair in pairs:
        if pair.q_span and pair.l_span:
            partner = sum(l_weights[j] for j in pair.l_span) / len(pair.q_span)
            for i in pair.q_span:
                q_weights[i] = partner
    if len(query) == 1 and len(listed) == 1 and q_credit[0] < 1.0:
        # One word against one word: a near-miss spelling is much weaker evidence than in a full name.
        q_credit[0] = l_credit[0] = q_credit[0] ** 2
    q_total = (
        sum(
            w * (1.0 if c else _unmatched_factor(t))
            for c, w, t in zip(q_credit, q_weights, query, strict=True)
        )
        or 1.0
    )
    l_total = sum(l_weights) or 1.0
    q_cov = sum(c * w for c, w in zip(q_credit, q_weights, strict=True)) / q_total
    l_cov = sum(c * w for c, w in zip(l_credit, l_weights, strict=True)) / l_total
    return NameMatch(
        score=QUERY_SHARE * q_cov + (1 - QUERY_SHARE) * l_cov,
        query_coverage=q_cov,
        listed_coverage=l_cov,
        pairs=pairs,
        unmatched_query=[t for i, t in enumerate(query) if q_credit[i] == 0.0],
        unmatched_listed=[t for j, t in enumerate(listed) if l_credit[j] == 0.0],
        query_credit=q_credit,
        listed_credit=l_credit,
        query_weights=q_weights,
        listed_weights=l_weights,
    )


def _unmatched_factor(token: str) -> float:
    """How much an unmatched query token counts against the match, relative to a matched one."""
    # (The length guard keeps a 1,000-letter garbage token from costing a regex scan per pair.)
    patronymic = len(token) <= _LONGEST_PATRONYMIC and _PATRONYMIC.match(token)
    return UNMATCHED_PATRONYMIC if patronymic else UNMATCHED_QUERY


def _take(
    options: list[_Option], q_credit: list[float], l_credit: list[float], pairs: list[TokenPair]
) -> None:
    """Greedy assignment: most similar pairs first, rarer (heavier) pairs first among equals."""
    for similarity, _weight, q_span, l_span, q_text, l_text in sorted(
        options, key=lambda o: (o[0], o[1]), reverse=True
    ):
        if any(q_credit[i] for i in q_span) or any(l_credit[j] for j in l_span):
            continue
        for i in q_span:
            q_credit[i] = similarity
        for j in l_span:
            l_credit[j] = similarity
        pairs.append(TokenPair(q_text, l_text, round(similarity, 3), q_span, l_span))


def _compound_options(
    singles: Sequence[str],
    pairs: Sequence[str],
    single_weights: Sequence[float],
    pair_weights: Sequence[float],
    similar: Callable[[str, str], float],
    *,
    flipped: bool,
) -> list[_Option]:
    """Options pairing one token of `singles` with two adjacent tokens of `pairs` written together.

    A join and its single must start alike and be of similar length: both are checked (cheaply)
    before any similarity is computed. The looser token rules (same consonants, same sound) are too
    loose for a join of two names: 'Duong' is not 'Deng Gao'.
    """
    if len(pairs) < 2:
        return []
    by_initial: dict[str, list[int]] = {}
    for i, single in enumerate(singles):
        by_initial.setdefault(single[0], []).append(i)
    out: list[_Option] = []
    for a in range(len(pairs) - 1):
        starting_alike = by_initial.get(pairs[a][0])
        if not starting_alike:
            continue
        joined = pairs[a] + pairs[a + 1]
        size = len(joined)
        for i in starting_alike:
            single = singles[i]
            if abs(size - len(single)) > 2:
                continue
            similarity = similar(joined, single) if flipped else similar(single, joined)
            if similarity >= COMPOUND_FLOOR:
                weight = single_weights[i] + pair_weights[a] + pair_weights[a + 1]
                out.append(
                    (similarity, weight, (a, a + 1), (i,), joined, single)
                    if flipped
                    else (similarity, weight, (i,), (a, a + 1), single, joined)
                )
    return out


# ---- secondary evidence ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Evidence:
    feature: str
    effect: str  # "raises" | "lowers" | "decides"
    detail: str
    kind: str = ""  # the kind of evidence the name model weighs (model.EVIDENCE_KINDS)

    def to_json(self) -> dict[str, Any]:
        return {"feature": self.feature, "effect": self.effect, "detail": self.detail}


def _year(value: str) -> int | None:
    return int(value[:4]) if len(value) >= 4 and value[:4].isdecimal() else None


def birth_date_evidence(query: str | None, dates: Sequence[DateValue]) -> Evidence | None:
    """Agreement of a birth date with the listed dates, at the precision both sides give."""
    if not query or not dates:
        return None
    year = _year(query)
    if year is None:
        return None
    best: Evidence | None = None
    for listed in dates:
        start, end = _year(listed.value), _year(listed.end) if listed.end else None
        if start is None:
            continue
        low, high = (start, end) if end else (start, start)
        slack = 1 if listed.approximate else 0
        if not low - slack <= year <= high + slack:
            continue
        if len(query) >= 10 and len(listed.value) >= 10 and not listed.end:
            if query[:10] == listed.value[:10]:
                return Evidence("birth_date", "raises", f"same birth date {listed.value}", "birth_date_same")
            continue  # same year, different day: neither confirms nor refutes much
        best = Evidence("birth_date", "raises", f"birth year {year} fits {_show(listed)}", "birth_year_fits")
    if best is not None:
        return best
    shown = ", ".join(_show(d) for d in dates[:3])
    nearest = min(abs(year - (_year(d.value) or year)) for d in dates)
    near = nearest <= 2
    return Evidence(
        "birth_date",
        "lowers",
        f"born {query}, listed {shown}",
        "birth_date_near" if near else "birth_date_far",
    )


def _show(value: DateValue) -> str:
    text = value.value + (f" to {value.end}" if value.end else "")
    return f"circa {text}" if value.approximate else text


def country_evidence(query: str | None, entity: Entity) -> Evidence | None:
    if not query:
        return None
    wanted = query.lower()
    known = {c.lower() for c in (*entity.nationalities, *entity.citizenships, *entity.countries)}
    known.update(a.country.lower() for a in entity.addresses if a.country)
    if not known:
        return None
    if wanted in known:
        return Evidence(
            "country", "raises", f"country {wanted} is linked to the listed party", "country_linked"
        )
    return Evidence(
        "country", "lowers", f"country {wanted} not among {', '.join(sorted(known))}", "country_other"
    )


def schema_evidence(query_schema: str | None, query_is_org: bool, entity: Entity) -> Evidence | None:
    """A person is never a company or a vessel: mismatched kinds lower the score sharply."""
    listed = entity.schema
    kind = _kind(query_schema) if query_schema else ("organization" if query_is_org else None)
    if kind is None:
        return None
    if kind == _kind(listed):
        return None
    return Evidence("schema", "lowers", f"query is a {kind}, listed party a {_kind(listed)}", "schema_other")


def _kind(schema: str) -> str:
    if schema in ORGANIZATION_SCHEMAS:
        return "organization"
    if schema == Schema.PERSON:
        return "person"
    return schema.lower()


def explain(
    listed_name: str, weak: bool, name: NameMatch, evidence: Sequence[Evidence], final: float
) -> dict[str, Any]:
    return {
        "matched_name": listed_name,
        "weak_alias": weak,
        "name_score": round(name.score, 4),
        "query_coverage": round(name.query_coverage, 4),
        "listed_coverage": round(name.listed_coverage, 4),
        "token_pairs": [
            {"query": p.query, "listed": p.listed, "similarity": p.similarity} for p in name.pairs
        ],
        "unmatched_query_tokens": name.unmatched_query,
        "unmatched_listed_tokens": name.unmatched_listed,
        "evidence": [e.to_json() for e in evidence],
        "score": round(final, 4),
    }
