"""The evaluation's scorecard: every indicator of a year judged against its target, and the
weighted scores of the sub-dimensions and dimensions, by the rules of ``rules.scoring``.

Pure: the indicators' history (``queries.indicators.history``) and the city profile in,
small frames out; nothing here reads the database or changes its input.

* An indicator's **achievement** is value / target (target / value where lower is better),
  its **score** that achievement capped at 100 %, its **status** met / close / missed / no data
  (``scoring.indicator_status`` with the profile's ``close_share``), its **change** from the
  year before in percentage points for a figure in per cent, else in its own unit.
* A **sub-dimension's** score is the weighted mean of its indicators' scores (indicator
  weights), a **dimension's** the weighted mean of its sub-dimensions' scores (their weights in
  the profile), the **overall** score the weighted mean of the dimensions'. Indicators without a
  value for the year are left out of the means and counted as ``no_data``.
* A group (sub-dimension or dimension) is ``met`` only when every one of its indicators has a
  value and met its target; ``close`` when its score reaches ``close_share``; else ``missed``;
  ``no_data`` when none of its indicators has a value. Because scores are capped, a group with
  a missed (or close) indicator scores below 100 % and is never shown as fully met.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from data_sources.rules import scoring

HISTORY_COLUMNS = ["code", "dimension", "sub_dimension", "name_id", "name_en", "unit", "unit_en", "target", "direction",
                   "weight", "year", "value"]
INDICATOR_COLUMNS = ["code", "dimension", "sub_dimension", "name_id", "name_en", "unit", "unit_en", "target", "direction",
                     "weight", "value", "previous", "achievement", "score", "status", "change", "change_in"]
COUNTS = ("met", "close", "missed", "no_data")
SUB_COLUMNS = ["dimension", "sub_dimension", "name_id", "name_en", "weight", "score", *COUNTS, "indicators", "status"]
DIMENSION_COLUMNS = ["dimension", "weight", "score", "previous_score", "change", *COUNTS, "indicators", "status"]
FLAT = 0.005  # a dimension's score that moved less than half a percentage point "stayed"


@dataclass(frozen=True)
class Scorecard:
    """One year's scorecard: ``indicators`` (INDICATOR_COLUMNS), ``sub_dimensions``
    (SUB_COLUMNS) and ``dimensions`` (DIMENSION_COLUMNS) in the profile's order; ``overall`` is
    the weighted mean of the dimensions' scores (NaN without any value)."""

    year: int
    indicators: pd.DataFrame
    sub_dimensions: pd.DataFrame
    dimensions: pd.DataFrame
    overall: float


@dataclass(frozen=True)
class Segment:
    """Consecutive years in which a score went the same way (see ``trend``)."""

    direction: str
    years: tuple[int, ...]


def years(history: pd.DataFrame) -> list[int]:
    """The years that have at least one value, oldest first."""
    return sorted({int(y) for y in history["year"].dropna()})


def group_status(score: float, counts: dict[str, int], close_share: float) -> str:
    """A sub-dimension's or dimension's status from its score and its indicators' statuses."""
    if math.isnan(score):
        return "no_data"
    if scoring.fully_met(score) and counts["met"] == sum(counts.values()):
        return "met"
    return "close" if score >= close_share else "missed"


def _catalogue(history: pd.DataFrame, profile) -> pd.DataFrame:
    """One row per indicator (no year, no value), in the profile's order of dimensions,
    sub-dimensions and indicators; indicators whose sub-dimension the profile lacks are left out."""
    subs = [(d.code, s.code) for d in profile.dimensions for s in d.sub_dimensions]
    order = {code: i for i, code in enumerate(i.code for i in profile.indicators)}
    catalogue = history.drop(columns=["year", "value"]).drop_duplicates("code")
    catalogue = catalogue[[(d, s) in subs for d, s in zip(catalogue["dimension"], catalogue["sub_dimension"])]]
    rank = [(subs.index((d, s)), order.get(c, len(order)), c)
            for d, s, c in zip(catalogue["dimension"], catalogue["sub_dimension"], catalogue["code"])]
    return catalogue.assign(_rank=rank).sort_values("_rank").drop(columns="_rank").reset_index(drop=True)


def _values(history: pd.DataFrame, year: int) -> dict[str, float]:
    rows = history[history["year"] == year]
    return dict(zip(rows["code"], rows["value"].astype(float)))


def _judge(catalogue: pd.DataFrame, values: dict, previous: dict, close_share: float) -> pd.DataFrame:
    rows = []
    for item in catalogue.itertuples(index=False):
        value, before = values.get(item.code, math.nan), previous.get(item.code, math.nan)
        reached = scoring.achievement(value, item.target, item.direction)
        moved = scoring.change(value, before, item.unit)
        rows.append({**item._asdict(), "value": value, "previous": before, "achievement": reached,
                     "score": scoring.capped(reached),
                     "status": scoring.indicator_status(value, item.target, item.direction, close_share),
                     "change": math.nan if moved is None else moved[0],
                     "change_in": None if moved is None else ("pp" if moved[1] == "pp" else "unit")})
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def _counts(statuses) -> dict[str, int]:
    statuses = list(statuses)
    return {status: statuses.count(status) for status in COUNTS}


def _groups(indicators: pd.DataFrame, profile) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    close_share = profile.scoring.close_share
    members: dict[str, list[tuple[float, float, str]]] = {}
    for sub, score, weight, status in zip(indicators["sub_dimension"], indicators["score"], indicators["weight"],
                                          indicators["status"]):
        members.setdefault(sub, []).append((float(score), float(weight), status))
    sub_rows, dim_rows = [], []
    for dimension in profile.dimensions:
        sub_scores, sub_weights, dim_counts = [], [], dict.fromkeys(COUNTS, 0)
        for sub in dimension.sub_dimensions:
            mine = members.get(sub.code, [])
            score = scoring.weighted_score([m[0] for m in mine], [m[1] for m in mine])
            counts = _counts(m[2] for m in mine)
            sub_rows.append({"dimension": dimension.code, "sub_dimension": sub.code, "name_id": sub.name_id,
                             "name_en": sub.name_en, "weight": sub.weight, "score": score, **counts,
                             "indicators": len(mine), "status": group_status(score, counts, close_share)})
            sub_scores.append(score)
            sub_weights.append(sub.weight)
            dim_counts = {k: dim_counts[k] + counts[k] for k in COUNTS}
        score = scoring.weighted_score(sub_scores, sub_weights)
        dim_rows.append({"dimension": dimension.code, "weight": dimension.weight, "score": score, **dim_counts,
                         "indicators": sum(dim_counts.values()), "status": group_status(score, dim_counts, close_share)})
    dims = pd.DataFrame(dim_rows)
    overall = scoring.weighted_score(dims["score"].tolist(), dims["weight"].tolist())
    return pd.DataFrame(sub_rows, columns=SUB_COLUMNS), dims, overall


def build(history: pd.DataFrame, profile, year: int) -> Scorecard:
    """The scorecard of ``year``; ``history`` has HISTORY_COLUMNS (one row per indicator and
    year, an indicator without any value once with a missing year)."""
    catalogue = _catalogue(history, profile)
    close_share = profile.scoring.close_share
    indicators = _judge(catalogue, _values(history, year), _values(history, year - 1), close_share)
    subs, dims, overall = _groups(indicators, profile)
    before = _judge(catalogue, _values(history, year - 1), {}, close_share)
    previous = _groups(before, profile)[1]["score"].tolist()
    dims.insert(3, "previous_score", previous)
    dims.insert(4, "change", dims["score"] - dims["previous_score"])
    return Scorecard(year, indicators, subs, dims[DIMENSION_COLUMNS], overall)


def dimension_history(history: pd.DataFrame, profile) -> pd.DataFrame:
    """Every dimension's score and status in every year with values. Columns: year,
    dimension, score, status (years oldest first, dimensions in the profile's order)."""
    catalogue = _catalogue(history, profile)
    frames = []
    for year in years(history):
        dims = _groups(_judge(catalogue, _values(history, year), {}, profile.scoring.close_share), profile)[1]
        frames.append(dims[["dimension", "score", "status"]].assign(year=year))
    if not frames:
        return pd.DataFrame(columns=["year", "dimension", "score", "status"])
    return pd.concat(frames, ignore_index=True)[["year", "dimension", "score", "status"]]


def indicator_history(history: pd.DataFrame, code: str) -> pd.DataFrame:
    """One indicator's values by year, oldest first. Columns: year (int), value."""
    rows = history[(history["code"] == code) & history["year"].notna()]
    return pd.DataFrame({"year": rows["year"].astype(int), "value": rows["value"].astype(float)}
                        ).sort_values("year").reset_index(drop=True)


def trend(points: list[tuple[int, float]], flat: float = FLAT) -> list[Segment]:
    """How a score moved from year to year, as runs of consecutive years that went the same
    way: ``up`` (above the year before and at least as high as ever), ``recovering`` (above the
    year before but still below an earlier best), ``down`` (below the year before) or ``flat``
    (within ``flat`` of it). ``points`` are (year, score) pairs; years without a score are skipped."""
    known = sorted((y, s) for y, s in points if not (s is None or math.isnan(s)))
    segments: list[Segment] = []
    best = known[0][1] if known else math.nan
    for (_, before), (year, score) in zip(known, known[1:]):
        if abs(score - before) < flat:
            direction = "flat"
        elif score < before:
            direction = "down"
        else:
            direction = "up" if score >= best - flat else "recovering"
        best = max(best, score)
        if segments and segments[-1].direction == direction:
            segments[-1] = Segment(direction, segments[-1].years + (year,))
        else:
            segments.append(Segment(direction, (year,)))
    return segments
