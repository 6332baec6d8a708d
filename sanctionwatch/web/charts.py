"""Small pictures drawn as SVG on the server: a party's network and designations over time.

Plain geometry handed to the templates (no charting library, no script): the pages stay fast, work
without JavaScript, and pass a strict Content-Security-Policy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    years: list[tuple[float, int]]  # (x, year) of the axis labels
    legend: list[tuple[str, str]]  # (colour, programme)
    top: int  # the largest yearly total


def stacked_years(series: dict[str, dict[int, int]], width: int = 720, height: int = 240) -> Chart:
    """Designations per year, stacked by programme."""
    years = sorted({year for counts in series.values() for year in counts})
    legend = [(PALETTE[i % len(PALETTE)], program) for i, program in enumerate(series)]
    if not years:
        return Chart(width, height, [], [], legend, 0)
    span = list(range(years[0], years[-1] + 1))
    totals = {year: sum(counts.get(year, 0) for counts in series.values()) for year in span}
    top = max(totals.values()) or 1
    plot = height - 30
    step = (width - 40) / len(span)
    bars: list[Bar] = []
    for column, year in enumerate(span):
        base = float(plot)
        for colour, program in legend:
            count = series[program].get(year, 0)
            if not count:
                continue
            bar_height = plot * count / top
            base -= bar_height
            bars.append(
                Bar(
                    30 + column * step,
                    base,
                    max(step - 2, 1),
                    bar_height,
                    colour,
                    f"{year} {program}: {count}",
                )
            )
    labels_every = max(1, len(span) // 10)
    axis = [(30 + i * step + step / 2, year) for i, year in enumerate(span) if i % labels_every == 0]
    return Chart(width, height, bars, axis, legend, top)


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
