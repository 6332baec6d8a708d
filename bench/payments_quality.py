"""Payment screening quality (issue 19): are listed parties held, wherever a message names them, and
ordinary payments passed?

Usage: .venv/bin/python -m bench.payments_quality [--thresholds 0.25,0.3,...] [--ordinary 10000] [--no-write]

Index: the dev benchmark's (OFAC sdn.csv of 2024-05-03, bench.screening_quality.dev_screener), so that the
listed variants' expected records (`ofac-sdn:<ent_num>`) are in it. Messages: bench.payment_messages,
three sets:
  (a) party: each listed variant of the dev benchmark once, in one random customer party field of a
      message (Dbtr, Cdtr, UltmtDbtr, UltmtCdtr; MT 50K/50F/59/59F); every other name ordinary;
  (b) remittance: each listed variant once, in the remittance text (RmtInf/Ustrd, MT field 70); every
      party ordinary;
  (c) ordinary: `--ordinary` messages naming only the dev benchmark's customers (in parties and text).
Each message is read with read_messages and screened with PaymentScreener, against a ListState with no
stale reason: this benchmark measures matching, not the age of the lists (lists older than allowed would
hold every message).

Figures: the share held, and the share held WITH the expected listed party among the hits (the honest
figure: a message held for an ordinary party's false alarm has not caught the listed one), per set and per
variant class; for (c), the share held and which hit kinds and fields held it, and the false-alarm rate
per name field; and, for (a), the same listed names screened alone (`name_alone`), to show where a
message loses what the name alone would find. Each message is screened once, at the lowest threshold asked; a hit counts at threshold t
when its score is at least t (names and text names; identifier, embargo and unreadable hits count at any
threshold). That is exact: Screener.screen applies its threshold after scoring, to the best-first list.

A threshold recommended from these figures is chosen on the same data, so it is also cross-validated:
5 folds split by listed party, customers split too (bench.train_scorer.fold; each message takes all its
names from one fold); the threshold is chosen on 4 folds (the lowest of the sweep at which at most 1 % of
their ordinary messages are held; when none is, the largest Youden's J, see `choose`) and measured on
the fifth. The out-of-sample figures are the headline.

The name model was fitted on dev and dev_korean (bench.train_scorer), the sets these names come from: the
per-name scores are in-sample for the model, so every figure here is optimistic for names it has not seen.

Targets (issue 19): listed in any party field held >= 99 %, in remittance text >= 95 %, ordinary <= 1 %.
The section is printed and, unless --no-write, appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bench.payment_messages import SEED, Case, MessageFactory, Placement, swift_x
from bench.screening_quality import dev_screener
from bench.screening_speed import (
    command_line,
    cpu_model,
    cpu_reference,
    git_revision,
    nproc,
    publish,
)
from bench.train_scorer import FOLDS
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.payments.decision import HitKind
from sanctionwatch.payments.message import AGENT_ROLES, MessageFamily
from sanctionwatch.payments.reader import read_messages
from sanctionwatch.payments.screening import ListState, PaymentScreener
from sanctionwatch.screening.query import Query, QueryError
from sanctionwatch.screening.screener import Screener

DEFAULT_THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
ORDINARY_MESSAGES = 10_000
TARGETS = {Placement.PARTY: 0.99, Placement.REMITTANCE: 0.95, Placement.NONE: 0.01}
SCORED = frozenset({HitKind.NAME, HitKind.TEXT_NAME})  # hits the threshold applies to
SET_LABEL = {
    Placement.PARTY: "(a) party",
    Placement.REMITTANCE: "(b) remittance",
    Placement.NONE: "(c) ordinary",
}
_INDEX = re.compile(r"\[\d+\]")
AGENT_ROLE_VALUES = frozenset(role.value for role in AGENT_ROLES)


@dataclass(frozen=True, slots=True)
class Found:
    """A hit of a screened message, reduced to what the figures need."""

    kind: HitKind
    field: str
    role: str | None  # the party's role (PartyRole value); None for free text
    score: float | None
    ids: frozenset[str]  # the listed records it names (entity id and source ids)
    value: str | None
    caption: str | None

    def counts_at(self, threshold: float) -> bool:
        return self.kind not in SCORED or (self.score is not None and self.score >= threshold)

    @property
    def agent(self) -> bool:
        """A hit on a bank of the message (an agent, the header's sender or receiver), not on a customer."""
        return self.role in AGENT_ROLE_VALUES


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    hits: tuple[Found, ...]

    def held(self, threshold: float) -> bool:
        return any(h.counts_at(threshold) for h in self.hits)

    def held_by_customers(self, threshold: float) -> bool:
        """Held for a hit on a customer party or on the text, the banks' hits aside."""
        return any(h.counts_at(threshold) and not h.agent for h in self.hits)

    def caught(self, threshold: float) -> bool:
        """Held with the expected listed party among the hits."""
        expected = set(self.case.listed.expected) if self.case.listed else set()
        return any(h.counts_at(threshold) and h.ids & expected for h in self.hits)


def field_label(field: str) -> str:
    """A field without its transaction and indices: 'CdtTrfTxInf[1]/RmtInf/Ustrd[1]' -> 'RmtInf/Ustrd'."""
    parts = field.split("/")
    if parts[0].startswith(("CdtTrfTxInf", "TxInf", "PmtInf")):
        parts = parts[1:]
    return _INDEX.sub("", "/".join(parts))


def screen_all(screener: PaymentScreener, cases: Iterable[Case]) -> list[Outcome]:
    out: list[Outcome] = []
    for case in cases:
        [message] = read_messages(case.data, case.source)
        decision = screener.screen(message)
        found = tuple(
            Found(
                hit.kind,
                hit.field,
                hit.role,
                hit.score,
                frozenset({hit.entity_id} if hit.entity_id else set())
                | frozenset(hit.hit.source_ids if hit.hit else ()),
                hit.value,
                hit.caption,
            )
            for hit in decision.hits
        )
        out.append(Outcome(case, found))
    return out


# ---- figures --------------------------------------------------------------------------------------


def share(
    outcomes: Sequence[Outcome], test: Callable[[Outcome, float], bool], threshold: float
) -> tuple[int, int]:
    """(outcomes passing `test` at `threshold`, outcomes): `test` is Outcome.held, .caught, ..."""
    return sum(test(o, threshold) for o in outcomes), len(outcomes)


def pct(count: int, total: int) -> str:
    return f"{count / total:.1%}" if total else "n/a"


def fraction(count: int, total: int) -> str:
    return f"{pct(count, total)} ({count:,}/{total:,})"


def choose(sets: dict[Placement, list[Outcome]], thresholds: Sequence[float]) -> float:
    """The threshold a bank would pick from these messages.

    The lowest at which at most 1 % of the ordinary messages are held (it keeps the most listed parties
    under the false-alarm target). When no threshold of the sweep meets it, the one with the largest
    Youden's J: the share of (a) held with the listed party minus the share of (c) held (ties: the lower).
    """
    ordinary, party = sets[Placement.NONE], sets[Placement.PARTY]
    held = {t: share(ordinary, Outcome.held, t) for t in thresholds}
    meeting = [t for t in sorted(thresholds) if held[t][0] <= TARGETS[Placement.NONE] * held[t][1]]
    if meeting:
        return meeting[0]

    def youden(t: float) -> float:
        caught, total = share(party, Outcome.caught, t)
        return caught / max(total, 1) - held[t][0] / max(held[t][1], 1)

    return max(sorted(thresholds), key=youden)


def name_alone(screener: Screener, party: Sequence[Outcome], thresholds: Sequence[float]) -> list[str]:
    """Where (a) loses its listed parties: the same names screened alone, as customer queries.

    Columns, from the dev benchmark's own query to the message: the name with the schema the dev set gives
    it (Person, Organization: what screening a customer knows); the name alone (a message rarely says
    which it is: its party kind is unknown); the name as the message writes it (MT: transliterated to
    SWIFT's character set, upper case); the message itself (the name with its field's country, wrapped
    lines, beside the other parties).
    """
    low = min(thresholds)
    best: dict[str, list[float]] = {"schema": [], "alone": [], "written": []}
    for outcome in party:
        listed = outcome.case.listed
        assert listed is not None
        written = listed.text if outcome.case.family is MessageFamily.ISO20022 else swift_x(listed.text)
        for column, query in (
            ("schema", Query(name=listed.text, schema=listed.schema)),
            ("alone", Query(name=listed.text)),
            ("written", Query(name=written)),
        ):
            try:
                hits = screener.screen(query, threshold=low, limit=5)
            except QueryError:
                hits = []
            scores = [h.score for h in hits if set(listed.expected) & {h.entity_id, *h.source_ids}]
            best[column].append(max(scores, default=-1.0))
    lines = [
        "| threshold | the dev query: name + its schema | name alone, no kind | name as written, no kind "
        "| in the message |",
        "|---|---|---|---|---|",
    ]
    for t in thresholds:
        cells = [fraction(sum(s >= t for s in best[c]), len(party)) for c in ("schema", "alone", "written")]
        cells.append(fraction(*share(party, Outcome.caught, t)))
        lines.append(f"| {t:.2f} | {' | '.join(cells)} |")
    return lines


def name_field_alarms(ordinary: Sequence[Outcome], threshold: float) -> tuple[int, int]:
    """(customer party fields with a name hit, customer party fields) over the ordinary messages."""
    fields = sum(o.case.name_fields for o in ordinary)
    alarmed = sum(
        len({h.field for h in o.hits if h.kind is HitKind.NAME and not h.agent and h.counts_at(threshold)})
        for o in ordinary
    )
    return alarmed, fields


def sweep_table(sets: dict[Placement, list[Outcome]], thresholds: Sequence[float]) -> list[str]:
    party, text, ordinary = sets[Placement.PARTY], sets[Placement.REMITTANCE], sets[Placement.NONE]
    lines = [
        "| threshold | (a) party: held | (a) held with the listed party | (b) remittance: held "
        "| (b) held with the listed party | (c) ordinary: held | (c) held, banks' hits aside "
        "| (c) customer name fields alarmed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in thresholds:
        lines.append(
            f"| {t:.2f}{_label(t)} "
            f"| {pct(*share(party, Outcome.held, t))} | {fraction(*share(party, Outcome.caught, t))} "
            f"| {pct(*share(text, Outcome.held, t))} | {fraction(*share(text, Outcome.caught, t))} "
            f"| {fraction(*share(ordinary, Outcome.held, t))} "
            f"| {pct(*share(ordinary, Outcome.held_by_customers, t))} "
            f"| {fraction(*name_field_alarms(ordinary, t))} |"
        )
    return lines


def by_key(outcomes: Iterable[Outcome], key: Callable[[Outcome], str]) -> dict[str, list[Outcome]]:
    grouped: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        grouped[key(outcome)].append(outcome)
    return dict(sorted(grouped.items()))


def class_table(sets: dict[Placement, list[Outcome]], thresholds: Sequence[float]) -> list[str]:
    """Held with the listed party, per variant class, (a) and (b), at each of `thresholds`."""
    party = by_key(sets[Placement.PARTY], lambda o: o.case.listed.label if o.case.listed else "")
    text = by_key(sets[Placement.REMITTANCE], lambda o: o.case.listed.label if o.case.listed else "")
    heads = [f"(a) at {t:.2f} | (b) at {t:.2f}" for t in thresholds]
    lines = [f"| variant class | n | {' | '.join(heads)} |", "|---|---|" + "---|---|" * len(thresholds)]
    for label in party:
        cells = []
        for t in thresholds:
            cells.append(pct(*share(party[label], Outcome.caught, t)))
            cells.append(pct(*share(text.get(label, []), Outcome.caught, t)))
        lines.append(f"| {label} | {len(party[label])} | {' | '.join(cells)} |")
    return lines


def split_table(
    title: str, groups: dict[str, list[Outcome]], thresholds: Sequence[float], test: str
) -> list[str]:
    heads = " | ".join(f"at {t:.2f}" for t in thresholds)
    lines = [f"| {title} | n | {heads} |", "|---|---|" + "---|" * len(thresholds)]
    for label, outcomes in groups.items():
        cells = [
            pct(*share(outcomes, Outcome.caught if test == "caught" else Outcome.held, t)) for t in thresholds
        ]
        lines.append(f"| {label} | {len(outcomes)} | {' | '.join(cells)} |")
    return lines


def causes(ordinary: Sequence[Outcome], threshold: float, examples: int = 12) -> list[str]:
    """Why ordinary messages are held at `threshold`: hit kinds by field, and the commonest matches."""
    kinds: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    held = 0
    for outcome in ordinary:
        counted = [h for h in outcome.hits if h.counts_at(threshold)]
        if not counted:
            continue
        held += 1
        for label in {f"{h.kind.value} in {field_label(h.field)}" for h in counted}:
            kinds[label] += 1
        for h in counted:
            score = f"{h.score:.2f}" if h.score is not None else "-"
            pairs[f"{h.kind.value} {field_label(h.field)}: {h.value!r} → {h.caption} ({score})"] += 1
    lines = [
        f"Held ordinary messages at {threshold:.2f}: {held:,} of {len(ordinary):,}. "
        "Messages held, by hit kind and field (a message may count under several):",
        "",
        "| hit kind in field | messages |",
        "|---|---|",
        *(f"| {label} | {count:,} |" for label, count in kinds.most_common()),
        "",
        f"Commonest matches (of {sum(pairs.values()):,} hits):",
        "",
        *(f"- {count}× {label}" for label, count in pairs.most_common(examples)),
    ]
    return lines


@dataclass(frozen=True, slots=True)
class FoldResult:
    fold: int
    threshold: float
    party: tuple[int, int]
    text: tuple[int, int]
    ordinary: tuple[int, int]


def cross_validate(sets: dict[Placement, list[Outcome]], thresholds: Sequence[float]) -> list[FoldResult]:
    results = []
    for held_out in range(FOLDS):
        train = {p: [o for o in outcomes if o.case.fold != held_out] for p, outcomes in sets.items()}
        t = choose(train, thresholds)
        test = {p: [o for o in outcomes if o.case.fold == held_out] for p, outcomes in sets.items()}
        results.append(
            FoldResult(
                held_out,
                t,
                share(test[Placement.PARTY], Outcome.caught, t),
                share(test[Placement.REMITTANCE], Outcome.caught, t),
                share(test[Placement.NONE], Outcome.held, t),
            )
        )
    return results


def _label(threshold: float) -> str:
    if threshold == TUNING.payment_threshold:
        return " (payments' default)"
    return " (customers' default)" if threshold == TUNING.threshold else ""


def met(value: float, placement: Placement) -> str:
    target = TARGETS[placement]
    ok = value <= target if placement is Placement.NONE else value >= target
    return "met" if ok else "NOT met"


def report(
    sets: dict[Placement, list[Outcome]], thresholds: Sequence[float], timing: str, control: list[str]
) -> str:
    default = TUNING.payment_threshold
    chosen = choose(sets, thresholds)
    folds = cross_validate(sets, thresholds)
    pooled = {
        Placement.PARTY: (sum(f.party[0] for f in folds), sum(f.party[1] for f in folds)),
        Placement.REMITTANCE: (sum(f.text[0] for f in folds), sum(f.text[1] for f in folds)),
        Placement.NONE: (sum(f.ordinary[0] for f in folds), sum(f.ordinary[1] for f in folds)),
    }
    shown = sorted({default, chosen})
    lines = [
        f"## Payment screening quality (issue 19), {date.today().isoformat()}",
        "",
        f"Command: `{command_line('bench.payments_quality')}` (code {git_revision()})",
        f"Machine: {nproc()} cores, {cpu_model()}, {platform.python_implementation()} "
        f"{platform.python_version()}; CPU reference {timing}.",
        "Index: the dev benchmark's (OFAC sdn.csv 2024-05-03, 14,965 parties). Messages: bench.payment_messages "
        f"(seed {SEED}) from 30 real sample templates (17 pacs.008, 13 MT103), 6–8 party fields each, ISO and MT "
        f"about half each: (a) {len(sets[Placement.PARTY]):,} messages, each listed variant once in one customer "
        f"party field; (b) {len(sets[Placement.REMITTANCE]):,}, each listed variant once in the remittance text; "
        f"(c) {len(sets[Placement.NONE]):,} with customers only. Lists judged fresh (matching measured, not "
        "list age). 'Held with the listed party' = held, and the expected record among the hits.",
        "",
        "**Headline: out-of-sample** (5 folds by listed party and customer; threshold chosen on 4 folds as the "
        "lowest of the sweep holding at most 1 % of their ordinary messages, or, when none does, the one with "
        "the largest Youden's J = (a) held with the listed party − (c) held; measured on the fifth):",
        "",
        "| figure | out-of-sample | target |",
        "|---|---|---|",
        f"| thresholds chosen per fold | {', '.join(f'{f.threshold:.2f}' for f in folds)} | |",
    ]
    for placement, label in (
        (Placement.PARTY, "(a) listed in a party field: held with the listed party"),
        (Placement.REMITTANCE, "(b) listed in remittance text: held with the listed party"),
        (Placement.NONE, "(c) ordinary messages held"),
    ):
        count, total = pooled[placement]
        target = TARGETS[placement]
        sign = "≤" if placement is Placement.NONE else "≥"
        lines.append(
            f"| {label} | **{fraction(count, total)}** | {sign} {target:.0%} ({met(count / total, placement)}) |"
        )
    lines += [
        "",
        f"In-sample, on all folds: the same rule chooses {chosen:.2f}.",
        "",
        "Threshold sweep (all messages):",
        "",
        *sweep_table(sets, thresholds),
        "",
        "Where (a) loses listed parties: the same names screened alone (a hit on the expected record at or "
        "above the threshold):",
        "",
        *control,
        "",
        "Held with the listed party, per variant class:",
        "",
        *class_table(sets, shown),
        "",
        "(a) held with the listed party, by the field it was written in (50K/59 'wrapped': a name longer than "
        "the 35-character line, its rest on the first address line):",
        "",
        *split_table(
            "field",
            by_key(
                sets[Placement.PARTY],
                lambda o: field_label(o.case.field or "") + (" wrapped" if o.case.wrapped else ""),
            ),
            shown,
            "caught",
        ),
        "",
        "By message family (a, b: held with the listed party; c: held):",
        "",
    ]
    for placement in Placement:
        test = "held" if placement is Placement.NONE else "caught"
        lines += split_table(
            SET_LABEL[placement], by_key(sets[placement], lambda o: o.case.family.value), shown, test
        )
        lines.append("")
    for t in shown:
        lines += causes(sets[Placement.NONE], t)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--thresholds",
        default=",".join(str(t) for t in DEFAULT_THRESHOLDS),
        help="comma-separated thresholds to sweep (the customers' and the payments' defaults are always added)",
    )
    parser.add_argument("--ordinary", type=int, default=ORDINARY_MESSAGES, help="messages of set (c)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    thresholds = sorted(
        {float(t) for t in args.thresholds.split(",") if t} | {TUNING.threshold, TUNING.payment_threshold}
    )
    reference = cpu_reference()
    started = time.perf_counter()
    screener = dev_screener()
    print(f"index built in {time.perf_counter() - started:.1f} s", flush=True)
    payments = PaymentScreener(screener, ListState(("ofac-sdn/2024-05-03",)), threshold=min(thresholds))
    factory = MessageFactory(args.seed)
    sets: dict[Placement, list[Outcome]] = {}
    for placement in Placement:
        cases = factory.cases(placement, args.ordinary if placement is Placement.NONE else None)
        began = time.perf_counter()
        sets[placement] = screen_all(payments, cases)
        elapsed = time.perf_counter() - began
        print(f"{SET_LABEL[placement]}: {len(cases):,} messages screened in {elapsed:.1f} s", flush=True)
    control = name_alone(screener, sets[Placement.PARTY], thresholds)
    timing = f"{reference:.2f} s at start, {cpu_reference():.2f} s at end (bench.screening_speed)"
    text = report(sets, thresholds, timing, control)
    publish(text, write=not args.no_write)


if __name__ == "__main__":
    main()
