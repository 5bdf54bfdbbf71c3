"""What a refresh of a map sends: only what changed in its traces since the browser's copy.

A trace's points are kept as a *snapshot*: the points' ids in drawing order and, per field
(``lat``, ``lon``, ``text``, ``marker.color``, ``marker.size``), one value per point. Given
the snapshot the browser holds and the new one, ``trace_patch`` writes the smallest change
it can into a ``dash.Patch``: points deleted and inserted where they left, joined or moved in
the sequence (a device whose state changed moves to its state's place in the drawing order; a new
complaint comes in, an answered one leaves), and single values assigned where a point stayed
but changed (a complaint turning amber). When that would be longer than the arrays themselves
(a first refresh after a restart, say) it assigns the whole arrays instead.

Operations are applied in the order written: deletions from the end (each index still where it
was in the browser's copy), then insertions from the start at their new places, then values.
"""
from __future__ import annotations

import json
from bisect import bisect_left

from dash import Patch

FIELDS = ("lat", "lon", "text", "marker.color", "marker.size")
_OPERATION_BYTES = 95  # about one JSON operation: {"operation": "Insert", "location": [...], "params": {...}}


def snapshot(trace: dict, ids: list) -> dict:
    """A trace's points as ``trace_patch`` compares them: ``ids`` and each of ``FIELDS`` the trace has
    as one value per point (a field given once for all points is left out)."""
    found = {"ids": list(ids)}
    for field in FIELDS:
        value = _get(trace, field)
        if isinstance(value, list) and len(value) == len(ids):
            found[field] = value
    return found


def trace_patch(patch: Patch, index: int, old: dict | None, new: dict) -> str:
    """Write into ``patch`` what turns trace ``index``'s points from ``old`` into ``new``
    (``snapshot``s); returns how: 'same', 'diff' or 'full' (the arrays assigned whole, as when
    there is no ``old`` or its fields differ)."""
    fields = [f for f in FIELDS if f in new]
    if old is None or [f for f in FIELDS if f in old] != fields:
        _assign_whole(patch, index, new, fields)
        return "full"
    operations = _operations(old, new, fields)
    if not operations:
        return "same"
    if len(operations) * _OPERATION_BYTES > _whole_bytes(new, fields):
        _assign_whole(patch, index, new, fields)
        return "full"
    for kind, field, position, value in operations:
        target = _at(patch, index, field)
        if kind == "delete":
            del target[position]
        elif kind == "insert":
            target.insert(position, value)
        else:
            target[position] = value
    return "diff"


def _operations(old: dict, new: dict, fields: list[str]) -> list[tuple]:
    """(kind, field, index, value) in the order to apply them. Point ids are unique, so the points
    kept in place are the longest run of common points whose order did not change (a longest
    increasing subsequence, O(n log n)); every other old point is deleted (from the end), every
    other new point inserted at its new place (from the start), and kept points that changed get
    their new values."""
    if old["ids"] == new["ids"]:  # no point came, went or moved: only values, field by field
        return [("assign", field, j, value) for field in fields if old[field] != new[field]
                for j, (before, value) in enumerate(zip(old[field], new[field])) if before != value]
    old_index = {point: i for i, point in enumerate(old["ids"])}
    common = [(old_index[point], j) for j, point in enumerate(new["ids"]) if point in old_index]
    kept = [common[k] for k in _increasing_run([i for i, _ in common])]  # (old index, new index), in order
    deleted = sorted(set(range(len(old["ids"]))).difference(i for i, _ in kept), reverse=True)
    inserted = sorted(set(range(len(new["ids"]))).difference(j for _, j in kept))
    operations = [("delete", field, i, None) for i in deleted for field in fields]
    operations += [("insert", field, j, new[field][j]) for j in inserted for field in fields]
    for field in fields:
        before, after = old[field], new[field]
        if [before[i] for i, _ in kept] != [after[j] for _, j in kept]:
            operations += [("assign", field, j, after[j]) for i, j in kept if before[i] != after[j]]
    return operations


def _increasing_run(values: list[int]) -> list[int]:
    """The positions in ``values`` of one longest strictly increasing subsequence."""
    tails, tail_at, before = [], [], [-1] * len(values)
    for position, value in enumerate(values):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_at.append(position)
        else:
            tails[k], tail_at[k] = value, position
        before[position] = tail_at[k - 1] if k else -1
    run, position = [], tail_at[-1] if tail_at else -1
    while position >= 0:
        run.append(position)
        position = before[position]
    return run[::-1]


def _whole_bytes(new: dict, fields: list[str]) -> int:
    """About how many bytes the arrays take as JSON (from a sample of the points)."""
    count = len(new["ids"])
    sample = range(0, count, max(1, count // 200))
    return len(json.dumps([[new[f][k] for k in sample] for f in fields])) * count // max(1, len(sample))


def _assign_whole(patch: Patch, index: int, new: dict, fields: list[str]) -> None:
    for field in fields:
        *parents, last = field.split(".")
        target = patch["data"][index]
        for part in parents:
            target = target[part]
        target[last] = new[field]


def _at(patch: Patch, index: int, field: str) -> Patch:
    target = patch["data"][index]
    for part in field.split("."):
        target = target[part]
    return target


def _get(trace: dict, field: str):
    value = trace
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value

