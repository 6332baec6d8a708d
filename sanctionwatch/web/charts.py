"""Small pictures drawn as SVG on the server: a party's network, designations over time, report figures.

Plain geometry handed to the templates (no charting library, no script): the pages stay fast, work
without JavaScript, and pass a strict Content-Security-Policy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sanctionwatch.ownership.assembly import ChainStep
from sanctionwatch.ownership.graph import HoldingKind
from sanctionwatch.ownership.rules import percent_text

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


@dataclass(frozen=True, slots=True)
class Node:
    x: float
    y: float
    label: str
    href: str | None
    kind: str  # how it is linked to the centre ("" for the centre)


def network(centre: str, links: list[tuple[str, str | None, str]], size: int = 360) -> list[Node]:
    """The party in the middle and its linked parties on a circle around it: (label, href, kind) each."""
    middle = size / 2
    nodes = [Node(middle, middle, centre, None, "")]
    radius = size / 2 - 60
    for i, (label, href, kind) in enumerate(links):
        angle = 2 * math.pi * i / max(len(links), 1) - math.pi / 2
        nodes.append(
            Node(middle + radius * math.cos(angle), middle + radius * math.sin(angle), label, href, kind)
        )
    return nodes


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]  # (x, text) of the axis labels under the columns
    legend: list[tuple[str, str]]  # (colour, series)
    top: float  # the value a full-height column stands for: the largest column's total, or the scale given
    totals: list[tuple[float, float, str]] = field(default_factory=list)  # (x, y, text) over each column


MAX_STEP = 64  # px per column at most: three columns are three bars, not three walls
HEAD = 14  # px over the tallest column, for its total
SPELLED_OUT = 31  # columns up to which each column's total is written over it (a month of days)


def _count_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def stacked_bars(
    series: dict[str, dict[str, float]],
    columns: Sequence[str],
    *,
    width: int = 720,
    height: int = 240,
    scale: float | None = None,
    value_text: Callable[[float], str] = _count_text,
) -> Chart:
    """One column per entry of `columns` (days, bands, lists), each stacked by series, in `series`' order.

    `scale` is the value of a full-height column (100 for percentages); by default the largest column's
    total. Every bar carries its column, series and value as a tooltip (the SVG <title>); up to
    SPELLED_OUT columns, each column's total is also written over it. A few columns make a narrower
    chart (`MAX_STEP` each)."""
    legend = [(PALETTE[i % len(PALETTE)], name) for i, name in enumerate(series)]
    if not columns:
        return Chart(width, height, [], [], legend, 0)
    sums = [sum(values.get(column, 0) for values in series.values()) for column in columns]
    top = scale if scale is not None else max(sums)
    floor = height - 30
    plot = floor - HEAD
    step = min((width - 40) / len(columns), MAX_STEP)
    bars: list[Bar] = []
    totals: list[tuple[float, float, str]] = []
    for index, column in enumerate(columns):
        base = float(floor)
        for colour, name in legend:
            value = series[name].get(column, 0)
            if not value or not top:
                continue
            bar_height = plot * value / top
            base -= bar_height
            bars.append(
                Bar(30 + index * step, base, max(step - 2, 1), bar_height, colour,
                    f"{column} {name}: {value_text(value)}")
            )  # fmt: skip
        if len(columns) <= SPELLED_OUT:
            totals.append((30 + index * step + step / 2, base - 3, value_text(sums[index])))
    labels_every = max(1, len(columns) // 10)
    axis = [(30 + i * step + step / 2, column) for i, column in enumerate(columns) if i % labels_every == 0]
    return Chart(int(40 + step * len(columns)), height, bars, axis, legend, top, totals)


def stacked_years(series: dict[str, dict[int, int]], width: int = 720, height: int = 240) -> Chart:
    """Designations per year, stacked by programme (every year of the span, empty ones too)."""
    years = sorted({year for counts in series.values() for year in counts})
    span = [str(year) for year in range(years[0], years[-1] + 1)] if years else []
    by_text: dict[str, dict[str, float]] = {
        program: {str(year): count for year, count in counts.items()} for program, counts in series.items()
    }
    return stacked_bars(by_text, span, width=width, height=height)


BOX_WIDTH, BOX_HEIGHT, BOX_GAP, LEVEL_HEIGHT = 190, 46, 20, 100


@dataclass(frozen=True, slots=True)
class TreeBox:
    x: float  # left
    y: float  # top
    name: str
    node: str
    standing: str  # "" when neither listed nor blocked


@dataclass(frozen=True, slots=True)
class TreeEdge:
    x1: float  # the owner's top centre
    y1: float
    x2: float  # the owned party's bottom centre
    y2: float
    label: str  # "40 %", "controls", "share not stated"


@dataclass(frozen=True, slots=True)
class Tree:
    width: float
    height: float
    boxes: list[TreeBox]
    edges: list[TreeEdge]
    box_width: float = BOX_WIDTH
    box_height: float = BOX_HEIGHT


def ownership_tree(root: ChainStep) -> Tree:
    """The owned party at the top and each owner below what it holds, leaves side by side and each
    party centred over its owners: the same tree `ChainStep.lines` prints, drawn."""
    boxes: list[TreeBox] = []
    edges: list[TreeEdge] = []
    next_slot = [0]

    def place(step: ChainStep, depth: int) -> float:
        centres = [place(owner, depth + 1) for owner in step.owners]
        if centres:
            centre = (centres[0] + centres[-1]) / 2
        else:
            centre = next_slot[0] * (BOX_WIDTH + BOX_GAP) + BOX_GAP + BOX_WIDTH / 2
            next_slot[0] += 1
        top = BOX_GAP + depth * LEVEL_HEIGHT
        boxes.append(TreeBox(centre - BOX_WIDTH / 2, top, step.name, step.node, step.standing or ""))
        for owner, owner_centre in zip(step.owners, centres, strict=True):
            edges.append(TreeEdge(owner_centre, top + LEVEL_HEIGHT, centre, top + BOX_HEIGHT, _held(owner)))
        return centre

    place(root, 0)
    depth = max(int((b.y - BOX_GAP) // LEVEL_HEIGHT) for b in boxes)
    width = next_slot[0] * (BOX_WIDTH + BOX_GAP) + BOX_GAP
    return Tree(width, BOX_GAP * 2 + depth * LEVEL_HEIGHT + BOX_HEIGHT, boxes, edges)


def _held(owner: ChainStep) -> str:
    if owner.kind is HoldingKind.CONTROL:
        return "controls"
    if owner.share is None:
        return "share not stated"
    return percent_text(owner.share)
