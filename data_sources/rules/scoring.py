"""How a figure is judged against its target: the status of a KPI or an indicator, its
achievement, and the weighted scores of the evaluation's sub-dimensions and dimensions.

Rules, once:

* **Achievement** is value / target where higher is better and target / value where lower is
  better (a lower-is-better indicator at 0 has met it). For **scoring** it is capped at 100 %:
  doing better than the target on one indicator never makes up for missing another, so a
  dimension with a missed indicator always scores below 100 %.
* **Status** of an indicator: ``met`` at or beyond the target, ``close`` from the profile's
  ``close_share`` of it (90 % by default), ``missed`` below that, ``no_data`` without a value.
  A KPI with an amber threshold is ``met`` at or beyond its target, ``close`` up to its amber
  threshold and ``missed`` beyond it; without one it is met or missed.
* **Scores** are weighted means of the capped achievements (weights from the city profile):
  indicators within a sub-dimension, sub-dimensions within a dimension. An indicator without
  a value for the year is left out of the mean (and counted in ``missing``), never taken as 0
  or as met.
* **Changes** of a figure in per cent are in percentage points; others in the figure's unit.
"""
from __future__ import annotations

import math

STATUSES = ("met", "close", "missed", "no_data")
SCORE_CAP = 1.0


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def achievement(value: float | None, target: float, direction: str) -> float:
    """Value against target (1.0 = on target), not capped; NaN without a value."""
    if _missing(value) or not target:
        return math.nan
    if direction == "higher":
        return value / target
    return math.inf if value <= 0 else target / value


def capped(value: float) -> float:
    """An achievement as it counts in a score: at most 100 %."""
    return value if math.isnan(value) else min(value, SCORE_CAP)


def indicator_status(value: float | None, target: float, direction: str, close_share: float) -> str:
    reached = achievement(value, target, direction)
    if math.isnan(reached):
        return "no_data"
    if reached >= 1.0:
        return "met"
    return "close" if reached >= close_share else "missed"


def kpi_status(value: float | None, target: float, direction: str, amber: float | None) -> str:
    if _missing(value):
        return "no_data"
    better = (lambda a, b: a >= b) if direction == "higher" else (lambda a, b: a <= b)
    if better(value, target):
        return "met"
    return "close" if amber is not None and better(value, amber) else "missed"


def weighted_score(scores: list[float], weights: list[float]) -> float:
    """The weighted mean of the scores that exist (NaN ones are left out); NaN if none does."""
    pairs = [(s, w) for s, w in zip(scores, weights) if not math.isnan(s)]
    total = sum(w for _, w in pairs)
    return sum(s * w for s, w in pairs) / total if total else math.nan


def fully_met(score: float) -> bool:
    """Only a score of exactly 100 % is shown as fully met (it is below whenever anything is missed)."""
    return not math.isnan(score) and score >= SCORE_CAP


def shown_percent(score: float) -> int | None:
    """A score as a whole per cent for display, rounded down below 100 so that 99.6 % never
    reads as 100 %; None for NaN."""
    if math.isnan(score):
        return None
    return 100 if fully_met(score) else min(99, math.floor(score * 100))


def change(value: float | None, previous: float | None, unit: str) -> tuple[float, str] | None:
    """The change from ``previous`` to ``value`` and what it is measured in: ``pp``
    (percentage points) for a figure in per cent, else the figure's unit; None if either is missing."""
    if _missing(value) or _missing(previous):
        return None
    return value - previous, "pp" if unit == "%" else unit
