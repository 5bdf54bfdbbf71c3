"""The map refresh's diff (``components.figure_diff``): applied as the browser applies a Patch,
it turns the old points into exactly the new ones, for random changes (points joining, leaving,
moving and changing), and it is far smaller than the arrays when little changed."""
from __future__ import annotations

import copy
import json
import random

import pytest
from dash import Patch

from components import figure_diff


def apply(figure: dict, patch: Patch) -> dict:
    """``patch`` applied to a copy of ``figure`` as dash-renderer applies its operations in order:
    Assign sets a value, Delete removes a list's item (the rest move up), Insert puts a value at
    an index of a list."""
    result = copy.deepcopy(figure)
    for operation in patch.to_plotly_json()["operations"]:
        *path, last = operation["location"]
        target = result
        for key in path:
            target = target[key]
        name, params = operation["operation"], operation["params"]
        if name == "Assign":
            target[last] = params["value"]
        elif name == "Delete":
            del target[last]
        elif name == "Insert":
            target[last].insert(params["index"], params["value"])
        else:
            raise AssertionError(f"unexpected operation {name}")
    return result


COLOURS = {"aktif": "#009e73", "mati": "#d55e00"}


def _points(ids: list[int], state: dict[int, str]) -> dict:
    return {"ids": ids, "lat": [-6.2 + i / 1e5 for i in ids], "lon": [106.6 + i / 1e5 for i in ids],
            "text": [f"Titik {i} · {state[i]}" for i in ids], "marker.color": [COLOURS[state[i]] for i in ids],
            "marker.size": [14 if state[i] == "mati" else 6 for i in ids]}


def _figure(points: dict) -> dict:
    return {"data": [{"lat": points["lat"], "lon": points["lon"], "text": points["text"],
                      "marker": {"color": points["marker.color"], "size": points["marker.size"], "opacity": 1}}]}


def _ordered(ids: list[int], state: dict[int, str]) -> list[int]:
    """The wall's drawing order: by state (down last, on top), then by id."""
    return sorted(ids, key=lambda i: (state[i] == "mati", i))


@pytest.mark.parametrize("seed", range(40))
def test_the_patch_turns_the_old_points_into_the_new_ones(seed):
    rng = random.Random(seed)
    state = {i: rng.choice(["aktif", "mati"]) for i in range(400)}
    old_ids = _ordered(rng.sample(range(300), rng.randint(0, 200)), state)
    old = _points(old_ids, state)
    for i in rng.sample(range(400), rng.randint(0, 60)):  # states change: points move to their state's place
        state[i] = "mati" if state[i] == "aktif" else "aktif"
    kept = [i for i in old_ids if rng.random() > 0.1]  # some leave
    joined = rng.sample(range(300, 400), rng.randint(0, 30))  # some join
    new = _points(_ordered(kept + joined, state), state)
    patch = Patch()
    how = figure_diff.trace_patch(patch, 0, old, new)
    assert apply(_figure(old), patch) == _figure(new)
    assert how in ({"same"} if old == new else {"diff", "full"})


def test_a_few_changes_among_twenty_thousand_points_travel_as_a_few_operations():
    rng = random.Random(1)
    state = {i: "aktif" for i in range(20_000)}
    old = _points(_ordered(list(state), state), state)
    for i in rng.sample(range(20_000), 50):
        state[i] = "mati"
    new = _points(_ordered(list(state), state), state)
    patch = Patch()
    assert figure_diff.trace_patch(patch, 0, old, new) == "diff"
    sent = len(json.dumps(patch.to_plotly_json()))
    whole = len(json.dumps([new[f] for f in figure_diff.FIELDS]))
    assert apply(_figure(old), patch) == _figure(new)
    assert sent < whole / 20  # 50 points moved and changed, not 20,000 sent again


def test_without_a_known_copy_or_with_most_points_changed_the_arrays_go_whole():
    state = {i: "aktif" for i in range(100)}
    old = _points(list(range(100)), state)
    patch = Patch()
    assert figure_diff.trace_patch(patch, 0, None, old) == "full"
    assert {op["operation"] for op in patch.to_plotly_json()["operations"]} == {"Assign"}
    everything_new = _points(list(range(100, 200)), {i: "mati" for i in range(100, 200)})
    patch = Patch()
    assert figure_diff.trace_patch(patch, 0, old, everything_new) == "full"
    assert apply(_figure(old), patch) == _figure(everything_new)
    assert figure_diff.trace_patch(Patch(), 0, old, copy.deepcopy(old)) == "same"


def test_a_snapshot_keeps_only_per_point_fields():
    trace = {"lat": [1, 2], "lon": [3, 4], "marker": {"color": "#fff", "size": [5, 6]}, "hoverinfo": "skip"}
    assert figure_diff.snapshot(trace, [7, 8]) == {"ids": [7, 8], "lat": [1, 2], "lon": [3, 4], "marker.size": [5, 6]}
