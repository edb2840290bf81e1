"""The events table of `marsad events`: every field in a column of its own while they fit the console,
then the less needed ones (evidence, mode, place, counts, id) folded into the cell of a column that stays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

__all__ = ["events_table"]

EVIDENCE_CHARS = 80


def _side(codes: Sequence[str] | None, names: str | None) -> str:
    shown = ",".join(codes or ())
    return f"{shown} ({names})" if names else shown


def _who(event: Mapping[str, Any]) -> str:
    who = _side(event["actor_codes"], event["actor_names"])
    if event["recipient_codes"]:
        who = f"{who} → {_side(event['recipient_codes'], event['recipient_names'])}"
    return who


def _place(event: Mapping[str, Any]) -> str:
    place: str = event["location_name"] or ""
    if event["location_country"]:
        place = f"{place} ({event['location_country']})" if place else event["location_country"]
    return place


def _evidence(event: Mapping[str, Any]) -> str:
    evidence = " ".join((event["evidence"] or "").split())
    return evidence[: EVIDENCE_CHARS - 1] + "…" if len(evidence) > EVIDENCE_CHARS else evidence


@dataclass(frozen=True)
class _Field:
    """One thing the table shows of an event: in a column of its own, or folded into its host's cell."""

    header: str
    value: Callable[[Mapping[str, Any]], str]
    min_width: int = 0  # 0: never wrapped, as wide as its widest line; else wrapped, at least this wide
    ratio: int = 0  # a wrapped column's share of the room the others leave
    host: str | None = None  # the field whose cell takes this one's value when the table is too narrow
    label: str = ""  # before the value when it is folded
    style: str = ""


_FIELDS = {
    "id": _Field("id", lambda e: str(e["event_id"]), host="date", label="#"),
    "date": _Field("date", lambda e: e["event_date"].isoformat() if e["event_date"] else ""),
    "type": _Field("type", lambda e: str(e["type"])),
    "mode": _Field("mode", lambda e: e["mode"] or "", host="type", style="italic"),
    "who": _Field("actors → recipients", _who, min_width=20, ratio=2),
    "place": _Field("place", _place, min_width=12, ratio=1, host="who", label="in "),
    "counts": _Field(
        "articles/\noutlets",
        lambda e: f"{e['num_articles']}/{e['num_sources']}",
        host="who",
        label="articles/outlets ",
    ),
    "evidence": _Field("evidence", _evidence, min_width=30, ratio=3, host="who", style="dim"),
}
# What is folded, first to last, as the width shrinks: the least needed to tell events apart goes first.
_FOLDS = ("evidence", "mode", "place", "counts", "id")
# Between two columns: a space of padding on each side of a one-character separator.
_GAP = 3


@dataclass(frozen=True)
class _Column:
    fields: tuple[str, ...]  # the host first, then what is folded into it, in _FIELDS order

    @property
    def host(self) -> _Field:
        return _FIELDS[self.fields[0]]

    def header(self) -> str:
        first, *rest = self.fields
        return "\n".join([_FIELDS[first].header, *(_FIELDS[name].header.replace("\n", "") for name in rest)])

    def cell(self, event: Mapping[str, Any]) -> Text:
        cell = Text()
        for index, name in enumerate(self.fields):
            field = _FIELDS[name]
            value = field.value(event)
            if value:
                cell.append("\n" if cell else "")
                cell.append(f"{field.label if index else ''}{value}", style=field.style)
        return cell


def _columns(folded: frozenset[str]) -> list[_Column]:
    """The table's columns when the `folded` fields have no column of their own."""

    def host(name: str) -> str:
        outer = _FIELDS[name].host
        return host(outer) if name in folded and outer is not None else name

    hosts = [name for name in _FIELDS if host(name) == name]
    return [
        _Column((name, *(other for other in _FIELDS if other != name and host(other) == name)))
        for name in hosts
    ]


def _widest(lines: Iterable[str]) -> int:
    return max((cell_len(line) for text_ in lines for line in text_.split("\n")), default=1)


def _wrapped_widths(minimums: list[int], widest: list[int], ratios: list[int], room: int) -> list[int]:
    """Wrapped columns' widths: each its minimum, then the rest of `room` one character at a time to the
    column furthest below its share, none past its widest line. Below the minimums, all shrink alike."""
    if room < sum(minimums):
        return [max(1, minimum * room // sum(minimums)) for minimum in minimums]
    widths = list(minimums)
    spare = room - sum(widths)
    while spare > 0:
        growing = [i for i, width in enumerate(widths) if width < widest[i]]
        if not growing:
            break
        chosen = min(growing, key=lambda i: widths[i] / max(ratios[i], 1))
        widths[chosen] += 1
        spare -= 1
    return widths


def events_table(events: Sequence[Mapping[str, Any]], width: int) -> Table:
    """The events as a table for reading in `width` character cells: a column for each field while they
    fit; as the width shrinks, the evidence, mode, place, counts and id in turn are folded into the cell
    of a more important field (the mode under the type; place, counts and evidence under the actors).
    Dates, types and codes are never cut; no line is wider than `width`."""
    for count in range(len(_FOLDS) + 1):
        columns = _columns(frozenset(_FOLDS[:count]))
        cells = [[column.cell(event) for event in events] for column in columns]
        fixed = [
            _widest([column.header(), *(cell.plain for cell in column_cells)])
            for column, column_cells in zip(columns, cells, strict=True)
            if not column.host.min_width
        ]
        wrapped = [column for column in columns if column.host.min_width]
        room = width - sum(fixed) - _GAP * (len(columns) - 1)
        if room >= sum(column.host.min_width for column in wrapped):
            break
    widest = [
        _widest([column.header(), *(cell.plain for cell in column_cells)])
        for column, column_cells in zip(columns, cells, strict=True)
        if column.host.min_width
    ]
    widths = iter(
        _wrapped_widths(
            [column.host.min_width for column in wrapped],
            widest,
            [column.host.ratio for column in wrapped],
            room,
        )
    )
    fixed_widths = iter(fixed)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1))
    for column in columns:
        if column.host.min_width:
            table.add_column(column.header(), width=next(widths), overflow="fold")
        else:
            table.add_column(column.header(), width=next(fixed_widths), no_wrap=True)
    for row in zip(*cells, strict=True):
        table.add_row(*row)
    return table
