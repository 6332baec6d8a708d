"""The holdings the lists and FtM datasets state, read into the ownership graph.

Three ways in feed one graph (the third, the user's own file, is `holdings_file.py`):
- the lists' own links: OFAC's "Owned or Controlled By" / "Owns, controls, or operates", the UK's
  parent company and subsidiaries, SECO's and FtM's relations as the parsers keep them (`Link`). The
  lists state no percentage and do not separate ownership from control, so such a link is a
  `CONTROL` holding: it blocks under the EU and UK tests, and is raised for review under OFAC's rule,
  which is about ownership only;
- FtM `Ownership` entities of imported datasets, with their percentage and dates.

Nodes are the registry's party keys (`ofac-sdn:12345`, `ftm:zala:abc`); a linked party the list
names but does not list (a parent company given by name) becomes `name:<the name as written>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sanctionwatch.model import Entity, LinkKind, NameKind, is_ftm_source
from sanctionwatch.ownership.graph import Holding, HoldingKind
from sanctionwatch.ownership.rules import Authority, authorities_of_source, parse_percentage
from sanctionwatch.registry.ftm import FtmFragment

__all__ = ["NAME_NODE", "ListedParties", "ftm_holdings", "list_holdings", "listed_parties"]

NAME_NODE = "name:"
# kind -> (the record is the holder, what kind of holding the link is)
_HOLDING_LINKS = {
    LinkKind.OWNED_BY: (False, HoldingKind.CONTROL),
    LinkKind.OWNER_OF: (True, HoldingKind.CONTROL),
    LinkKind.LEADER_OF: (True, HoldingKind.DIRECTORSHIP),
}


@dataclass(slots=True)
class ListedParties:
    """The parties each authority's rule starts from, and a caption for every node known by name."""

    by_authority: dict[Authority, set[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    records: set[str] = field(default_factory=set)  # every party some list names, blocking or not


def listed_parties(entities: Iterable[Entity]) -> ListedParties:
    out = ListedParties({authority: set() for authority in Authority})
    for entity in entities:
        if entity.target:
            out.records.add(entity.id)
        primary = next((n for n in entity.names if n.kind == NameKind.PRIMARY), None)
        if primary or entity.names:
            out.names[entity.id] = (primary or entity.names[0]).full
        if not entity.target:
            continue  # listed beside a target (an owner, a relative), not blocked by the listing
        for authority in authorities_of_source(entity.source):
            out.by_authority[authority].add(entity.id)
    return out


def list_holdings(entities: Iterable[Entity], known: set[str]) -> Iterator[Holding]:
    """A CONTROL holding for every ownership link; `known` holds the registry keys of listed parties."""
    for entity in entities:
        if is_ftm_source(entity.source):
            continue  # its links are read from the FtM entities themselves, with shares and dates (ftm_holdings)
        for link in entity.links:
            if link.kind not in _HOLDING_LINKS:
                continue
            record_owns, kind = _HOLDING_LINKS[LinkKind(link.kind)]
            other = f"{entity.source}:{link.target}"
            if other not in known:
                other = NAME_NODE + (link.target_name or link.target)
            owner, owned = (entity.id, other) if record_owns else (other, entity.id)
            if owner == owned:
                continue
            yield Holding(owner, owned, None, kind, source=f"{entity.source} ({link.note or link.kind})")


def ftm_holdings(fragments: Iterable[FtmFragment]) -> Iterator[Holding | str]:
    """A holding per FtM Ownership (with its share and dates) and Directorship entity; a problem with
    one is a message naming it.

    Messages are yielded, not raised: one bad Ownership entity must not hide the others, and the
    caller reports each one.
    """
    for fragment in fragments:
        data = fragment.data
        schema = data.get("schema")
        if schema not in _FTM_RELATIONS:
            continue
        holder_prop, held_prop, kind = _FTM_RELATIONS[schema]
        props: dict[str, list[str]] = data.get("properties", {})
        where = f"{fragment.source} {schema} {fragment.id}"
        owners, assets = props.get(holder_prop, []), props.get(held_prop, [])
        if not owners or not assets:
            yield f"{where}: no {holder_prop} or no {held_prop}"
            continue
        try:
            share = _share(props.get("percentage", [])) if kind is HoldingKind.OWNERSHIP else None
            start = _date(props.get("startDate", []), first=True)
            end = _date(props.get("endDate", []), first=False)
        except ValueError as exc:
            yield f"{where}: {exc}"
            continue
        for owner in owners:
            for asset in assets:
                if owner != asset:
                    yield Holding(
                        f"{fragment.source}:{owner}",
                        f"{fragment.source}:{asset}",
                        share,
                        kind,
                        start,
                        end,
                        where,
                    )


# FtM schema -> (the holder's property, the held one's, the holding's kind)
_FTM_RELATIONS = {
    "Ownership": ("owner", "asset", HoldingKind.OWNERSHIP),
    "Directorship": ("director", "organization", HoldingKind.DIRECTORSHIP),
}


def _share(values: list[str]) -> int | None:
    if not values:
        return None
    shares = {parse_percentage(v) for v in values}
    if len(shares) > 1:
        raise ValueError(f"several percentages: {', '.join(values)}")
    return shares.pop()


def _date(values: list[str], *, first: bool) -> date | None:
    """FtM dates may be partial ('2019', '2019-05'): a start counts from its first day, an end to its last."""
    if not values:
        return None
    days = [_day(v, first=first) for v in values]
    return min(days) if first else max(days)


def _day(value: str, *, first: bool) -> date:
    parts = value[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (1 if first else 12)
        if len(parts) > 2:
            return date(year, month, int(parts[2]))
        if first:
            return date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    except (ValueError, IndexError):
        raise ValueError(f"not a date: {value!r}") from None
