"""Early warning: a burst of complaints of one category in one place, seen within minutes.

Pure statistics on small pandas frames; no database. Four parts:

1. **Baseline** (``fit_baseline``): the expected complaints per hour for every category
   city-wide and for every kecamatan x category, from the baseline window (default the 8
   whole local weeks before today), with the weekly and daily rhythm. Model:

       rate(kecamatan k, category c, local time t)
           = level[c, day-of-week(t)] * profile[c, day-type(t), hour(t)] * share[k, c]

   - ``level`` is the category's city-wide complaints per day on that day of the week
     (public holidays count as Sundays), shrunk toward the mean of its day group
     (Monday-Friday, or Saturday/Sunday/holiday) with ``level_prior_days`` pseudo-days, so one
     odd Monday in eight moves it little;
   - ``profile`` is the share of a day's complaints falling in each local hour, per day type
     (working day / rest day), shrunk toward the all-category profile of that day type with
     ``profile_prior`` pseudo-complaints (rare categories borrow the city's rhythm);
   - ``share`` is the kecamatan's share of the category, shrunk toward the kecamatan's share
     of all complaints with ``share_prior`` pseudo-complaints, so a cell with few or no
     complaints in the window still has a positive expectation.

   **Robust to past spikes** by outlier replacement (as outbreak-excluding baselines in
   public-health surveillance do): after a first fit, every hour x category count, every
   day x category total and every day x kecamatan x category count whose Poisson upper tail
   under the fit is below ``outlier_p`` is replaced by its expectation, and the model is
   fitted again (twice). A burst in the history is thus removed, not merely capped; on
   Poisson traffic only about ``outlier_p`` of the normal counts are touched. When more than
   ``max_outlier_share`` of a category's days would be replaced, the level has changed (a
   rainy season, a young database) and nothing is replaced, so the baseline follows it.

2. **Detection** (``detect``): for each window w in ``windows_hours``, category and region
   (each kecamatan, each pair of adjacent kecamatan, each kecamatan with all its neighbours,
   and the city), observed k = complaints received in (now - w, now], expected lam from the
   baseline, p = P(X >= k | Poisson(lam)) computed exactly in log space. The detector runs
   every minute or so, so a window is not tested once but continuously; the quantity held
   against alpha is therefore the scan rate k * P(X = k | lam), the expected number of times
   per window length that a sliding window newly reaches k under the baseline (about
   (k - lam) times the tail p; see ``scan_log_rate``). A test raises when k >= ``min_observed``
   and

       k * P(X = k | lam) < alpha = false_alarms_per_week / (categories * regions * sum_w 168 / w)

   i.e. Bonferroni over every test of one run and over the window lengths a week holds for
   each w (a 1-hour window fits 168 times in a week, a 6-hour window 28) — see
   ``per_test_alpha``. Bonferroni stays conservative (a kecamatan, its pairs, its star and
   the city share their counts; windows nest), and so does the discreteness of small
   counts: the realised rate on the demo generator is below the budget (measured in
   tests/test_early_warning.py). Excesses below alpha x ``keep_factor`` are returned as weak
   signals that keep an active alert alive but never raise one (hysteresis). Signals of one
   category that overlap in space are reduced to the most significant (greedy by score);
   the city-wide one is kept only when no local one is.

3. **Lifecycle** (``reconcile``): raise, update, clear alerts from successive signal lists.
4. **Replay** (``replay``): fit + detect + reconcile over simulated time for tests and
   benchmarks; ``history_frames`` is the pandas reference of the roll-up SQL.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

HOURS_PER_WEEK = 168
SUNDAY = 6
REST_DAYS = (5, 6)  # Saturday, Sunday (and holidays, which count as Sunday)


# --- settings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningSettings:
    """Tunable parameters (the city profile's ``early_warning`` block).

    - ``windows_hours``: sliding windows tested at every run, in hours.
    - ``baseline_weeks``: whole local weeks before today the baseline is fitted on.
    - ``false_alarms_per_week``: city-wide false-alarm budget that sets the per-test alpha.
    - ``min_observed``: fewest complaints in a window that can make a signal (3 complaints at
      night where 0.01 are expected are improbable, but 1 or 2 are not worth a red flag).
    - ``clear_after_minutes``: an alert clears when no signal for it was seen this long.
    - ``pair_clusters`` / ``star_clusters``: also test each pair of adjacent kecamatan / each
      kecamatan with all its neighbours (a burst split across a border).
    - ``outlier_p``: history counts with a Poisson tail below this are replaced by their
      expectation before the final fit (robustness to past bursts); 0 turns it off.
    - ``max_outlier_share``: when more than this share of a category's (or a cell's) days
      would be replaced, its level has changed rather than burst, and none are replaced.
    - ``level_prior_days``: pseudo-days shrinking a day-of-week level toward its day group.
    - ``profile_prior``: pseudo-complaints shrinking a category's hour profile toward the
      all-category profile of the same day type.
    - ``share_prior``: pseudo-complaints shrinking a kecamatan's share of a category toward
      its share of all complaints.
    - ``min_daily_level``: floor of a category's city-wide complaints per day, so a category
      absent from the window is still expected (rarely) rather than never.
    - ``recent_days`` / ``recent_prior``: each category's level is scaled to what its last
      ``recent_days`` days held against what the whole window's level expected of them (with
      ``recent_prior`` pseudo-complaints on both sides), so a level that moved within the window
      (the rainy season began) is followed within days instead of raising alerts; 0 turns it off.
    - ``keep_factor``: hysteresis. An excess whose scan rate is below alpha x keep_factor
      (not enough to raise) still counts as seen for an active alert of its key, so an alert
      does not clear and re-raise while the same complaints slide from one window into the
      next or the hourly expectation rises under them.
    """

    windows_hours: tuple[float, ...] = (1, 3, 6)
    baseline_weeks: int = 8
    false_alarms_per_week: float = 1.0
    min_observed: int = 3
    clear_after_minutes: float = 60
    pair_clusters: bool = True
    star_clusters: bool = True
    outlier_p: float = 1e-4
    level_prior_days: float = 4.0
    profile_prior: float = 24.0
    share_prior: float = 20.0
    min_daily_level: float = 0.1
    max_outlier_share: float = 0.2
    keep_factor: float = 1000.0
    recent_days: int = 14
    recent_prior: float = 10.0

    @classmethod
    def from_mapping(cls, block: Mapping | None) -> "WarningSettings":
        """Settings from a profile's ``early_warning`` block (unknown keys are an error)."""
        block = dict(block or {})
        if "windows_hours" in block:
            block["windows_hours"] = tuple(float(w) for w in block["windows_hours"])
        return cls(**block)


# --- Poisson tail -----------------------------------------------------------------------------------


def _log_factorials(n: int) -> np.ndarray:
    """ln(k!) for k = 0..n."""
    out = np.zeros(n + 1)
    if n > 0:
        out[1:] = np.cumsum(np.log(np.arange(1, n + 1, dtype=float)))
    return out


def poisson_log_sf(k, lam) -> np.ndarray:
    """ln P(X >= k) for X ~ Poisson(lam), elementwise, exact to double precision.

    For k > lam the tail is summed upward from the term at k (each further term is the last
    times lam/(j+1) < 1), in units of that term, so p-values far below 1e-300 keep a finite
    logarithm. For k <= lam it is 1 - P(X <= k-1), summed downward from k-1 (no cancellation:
    the tail is then above about 0.3). k must be integers; lam >= 0.
    """
    k = np.asarray(k, dtype=np.int64)
    lam = np.asarray(lam, dtype=float)
    k, lam = np.broadcast_arrays(k, lam)
    out = np.zeros(k.shape)
    positive = k > 0
    out[positive & (lam <= 0)] = -np.inf
    upper = positive & (lam > 0) & (k > lam)
    lower = positive & (lam > 0) & (k <= lam)
    if upper.any() or lower.any():
        logfact = _log_factorials(int(k.max()))
    if upper.any():
        kk, ll = k[upper].astype(float), lam[upper]
        log_term = -ll + kk * np.log(ll) - logfact[k[upper]]
        total, term = np.ones_like(ll), np.ones_like(ll)
        for i in range(1, 100_000):
            term = term * ll / (kk + i)
            total += term
            if np.all(term < 1e-17 * total):
                break
        out[upper] = log_term + np.log(total)
    if lower.any():
        kk, ll = k[lower], lam[lower]
        log_term = -ll + (kk - 1) * np.log(ll) - logfact[kk - 1]  # ln P(X = k-1)
        total, term = np.ones_like(ll), np.ones_like(ll)
        j = (kk - 1).astype(float)
        for i in range(int(kk.max())):
            term = term * np.maximum(j - i, 0) / ll  # P(X = k-2-i) / P(X = k-1)
            total += term
            if np.all(term < 1e-17 * total):
                break
        cdf = np.exp(log_term + np.log(total))
        out[lower] = np.log(np.clip(1.0 - cdf, 1e-300, 1.0))
    return out


def poisson_sf(k, lam) -> np.ndarray:
    """P(X >= k) for X ~ Poisson(lam) (see ``poisson_log_sf``; may underflow to 0 below 1e-308)."""
    return np.exp(poisson_log_sf(k, lam))


# --- calendar helpers -------------------------------------------------------------------------------


def _day_of_week(days: Iterable[date], holidays: frozenset | set) -> np.ndarray:
    """Monday=0 .. Sunday=6, with public holidays counted as Sunday."""
    return np.array([SUNDAY if d in holidays else d.weekday() for d in days], dtype=np.int64)


def _day_type(dow: np.ndarray) -> np.ndarray:
    """0 for a working day (Mon-Fri), 1 for a rest day (Sat, Sun, holiday)."""
    return np.isin(dow, REST_DAYS).astype(np.int64)


def _as_date(value) -> date:
    return value if type(value) is date else pd.Timestamp(value).date()


# --- baseline ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """Expected complaints per hour, city-wide per category and per kecamatan x category.

    ``rate[c, dow, hour]``: city-wide complaints per hour of category index c on local day of
    week dow (holidays = 6) at local hour. ``share[k, c]``: the fraction of category c's
    complaints expected in kecamatan index k (rows sum to at most 1: complaints without a
    kecamatan are city-wide only). Look-ups by id go through ``category_index`` /
    ``kecamatan_index``.
    """

    today: date
    tz: str
    holidays: frozenset
    category_ids: tuple[int, ...]
    kecamatan_ids: tuple[int, ...]
    rate: np.ndarray = field(repr=False)  # (C, 7, 24)
    share: np.ndarray = field(repr=False)  # (K, C)

    @property
    def category_index(self) -> dict[int, int]:
        return {c: i for i, c in enumerate(self.category_ids)}

    @property
    def kecamatan_index(self) -> dict[int, int]:
        return {k: i for i, k in enumerate(self.kecamatan_ids)}

    def city_expected(self, start: datetime, end: datetime) -> np.ndarray:
        """City-wide expected complaints received in [start, end) for every category (vector in
        ``category_ids`` order); partial local hours are prorated."""
        total = np.zeros(len(self.category_ids))
        for dow, hour, hours in _local_hour_pieces(start, end, self.tz, self.holidays):
            total += self.rate[:, dow, hour] * hours
        return total

    def expected(self, kecamatan_ids, category_id: int, start: datetime, end: datetime) -> float:
        """Expected complaints of ``category_id`` received in [start, end) (UTC datetimes) in one
        kecamatan (an int), a set of kecamatan (a cluster), or city-wide (None). Kecamatan the
        baseline does not know contribute nothing; an unknown category expects 0."""
        c = self.category_index.get(category_id)
        if c is None:
            return 0.0
        city = float(self.city_expected(start, end)[c])
        if kecamatan_ids is None:
            return city
        ids = [kecamatan_ids] if isinstance(kecamatan_ids, (int, np.integer)) else list(kecamatan_ids)
        index = self.kecamatan_index
        rows = [index[k] for k in ids if k in index]
        return city * float(self.share[rows, c].sum())


def _local_hour_pieces(start: datetime, end: datetime, tz: str, holidays) -> list[tuple[int, int, float]]:
    """[start, end) cut at local hour boundaries: (day of week with holidays as Sunday, local
    hour, length in hours) per piece."""
    zone = ZoneInfo(tz)
    pieces = []
    t = start.astimezone(timezone.utc)
    end = end.astimezone(timezone.utc)
    while t < end:
        local = t.astimezone(zone)
        into_hour = timedelta(minutes=local.minute, seconds=local.second, microseconds=local.microsecond)
        boundary = min(t - into_hour + timedelta(hours=1), end)
        day = local.date()
        dow = SUNDAY if day in holidays else day.weekday()
        pieces.append((dow, local.hour, (boundary - t).total_seconds() / 3600.0))
        t = boundary
    return pieces


def fit_baseline(daily_cells: pd.DataFrame, hourly_categories: pd.DataFrame, *, today, holidays=(),
                 settings: "WarningSettings" = None, tz: str = "Asia/Jakarta", kecamatan_ids=None,
                 category_ids=None, history_start=None) -> Baseline:
    """Fit the baseline from the roll-ups of the baseline window.

    ``daily_cells``: columns day (local date), kecamatan_id, category_id, count — complaints
    per local day, kecamatan and category (rows with a null kecamatan are ignored here).
    ``hourly_categories``: columns day, hour (0-23 local), category_id, count — city-wide.
    Both cover the same whole local days (the window: ``baseline_weeks`` weeks before
    ``today``; days outside it are ignored, days inside without rows count as zero).
    ``kecamatan_ids`` / ``category_ids``: the full lists (default: those in the frames), so a
    kecamatan or category without complaints in the window still gets an expectation.
    ``history_start``: the first local day with data at all (a young database); earlier days
    of the window are left out instead of counting as days without complaints.
    ``tz``: the city's IANA zone (local days and hours; ``Baseline.expected`` takes UTC).
    """
    settings = settings or WarningSettings()
    today = _as_date(today)
    holidays = frozenset(_as_date(h) for h in holidays)
    first = today - timedelta(weeks=settings.baseline_weeks)
    days = [first + timedelta(days=i) for i in range(settings.baseline_weeks * 7)]
    if history_start is not None:
        days = [d for d in days if d >= _as_date(history_start)]
    cats = _ids(category_ids, hourly_categories["category_id"], daily_cells["category_id"])
    kecs = _ids(kecamatan_ids, daily_cells["kecamatan_id"].dropna())
    hourly = _hourly_array(hourly_categories, days, cats)  # (C, D, 24)
    cells = _cells_array(daily_cells, days, cats, kecs)  # (K, C, D)
    dow = _day_of_week(days, holidays)
    rate, share = _robust_fit(hourly, cells, dow, settings)
    return Baseline(today=today, tz=tz, holidays=holidays, category_ids=cats, kecamatan_ids=kecs,
                    rate=rate, share=share)


def _ids(given, *columns) -> tuple[int, ...]:
    if given is not None:
        return tuple(sorted(int(i) for i in given))
    values = set()
    for col in columns:
        values.update(int(v) for v in pd.unique(col.dropna()))
    return tuple(sorted(values))


def _day_positions(frame: pd.DataFrame, days: list[date]) -> np.ndarray:
    """Index of each row's day in ``days`` (-1 outside the window)."""
    lookup = {d: i for i, d in enumerate(days)}
    return np.array([lookup.get(_as_date(d), -1) for d in frame["day"]], dtype=np.int64) if len(frame) else \
        np.zeros(0, dtype=np.int64)


def _positions(values, ids: tuple[int, ...]) -> np.ndarray:
    """Index of each value in the sorted ``ids`` (-1 when absent or null)."""
    ids_arr = np.asarray(ids, dtype=np.int64)
    vals = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    out = np.full(len(vals), -1, dtype=np.int64)
    ok = ~np.isnan(vals)
    if len(ids_arr) and ok.any():
        v = vals[ok].astype(np.int64)
        pos = np.clip(np.searchsorted(ids_arr, v), 0, len(ids_arr) - 1)
        out[ok] = np.where(ids_arr[pos] == v, pos, -1)
    return out


def _hourly_array(frame: pd.DataFrame, days, cats) -> np.ndarray:
    out = np.zeros((len(cats), len(days), 24))
    if len(frame):
        d = _day_positions(frame, days)
        c = _positions(frame["category_id"], cats)
        h = frame["hour"].to_numpy(dtype=np.int64)
        ok = (d >= 0) & (c >= 0) & (h >= 0) & (h < 24)
        np.add.at(out, (c[ok], d[ok], h[ok]), frame["count"].to_numpy(dtype=float)[ok])
    return out


def _cells_array(frame: pd.DataFrame, days, cats, kecs) -> np.ndarray:
    out = np.zeros((len(kecs), len(cats), len(days)))
    if len(frame):
        d = _day_positions(frame, days)
        c = _positions(frame["category_id"], cats)
        k = _positions(frame["kecamatan_id"], kecs)
        ok = (d >= 0) & (c >= 0) & (k >= 0)
        np.add.at(out, (k[ok], c[ok], d[ok]), frame["count"].to_numpy(dtype=float)[ok])
    return out


def _fit_once(hourly, cells, dow, settings):
    """One fit: level (C, 7), profile (C, 2, 24), share (K, C)."""
    totals = hourly.sum(axis=2)  # (C, D)
    n_cats = hourly.shape[0]
    level = np.zeros((n_cats, 7))
    overall = totals.mean(axis=1) if totals.shape[1] else np.zeros(n_cats)
    for group in ((0, 1, 2, 3, 4), REST_DAYS):
        in_group = np.isin(dow, group)
        group_mean = totals[:, in_group].mean(axis=1) if in_group.any() else overall
        for d in group:
            on = dow == d
            n = on.sum()
            raw = totals[:, on].sum(axis=1)
            level[:, d] = (raw + settings.level_prior_days * group_mean) / (n + settings.level_prior_days)
    level = np.maximum(level, settings.min_daily_level)
    if settings.recent_days and totals.shape[1] > settings.recent_days:
        # a level that moved within the window (the rainy season began, a new channel opened):
        # scale each category to what its last days held against what the level expected of them
        recent = slice(totals.shape[1] - settings.recent_days, None)
        observed, expected = totals[:, recent].sum(axis=1), level[:, dow[recent]].sum(axis=1)
        level = level * ((observed + settings.recent_prior) / (expected + settings.recent_prior))[:, None]
        level = np.maximum(level, settings.min_daily_level)

    day_type = _day_type(dow)
    profile = np.zeros((n_cats, 2, 24))
    for t in (0, 1):
        counts = hourly[:, day_type == t, :].sum(axis=1)  # (C, 24)
        everything = counts.sum(axis=0) + 1.0 / 24  # a flat pseudo-day guards an empty window
        city_profile = everything / everything.sum()
        n = counts.sum(axis=1, keepdims=True)
        profile[:, t, :] = (counts + settings.profile_prior * city_profile) / (n + settings.profile_prior)

    share = _shares(cells, hourly, settings)
    return level, profile, share


def _shares(cells, hourly, settings) -> np.ndarray:
    """(K, C): kecamatan shares of each category, shrunk toward the kecamatan's share of all
    complaints and scaled by the fraction of the category's complaints that have a kecamatan."""
    n_kec = cells.shape[0]
    if n_kec == 0:
        return np.zeros((0, hourly.shape[0]))
    per_cell = cells.sum(axis=2)  # (K, C)
    per_kec = per_cell.sum(axis=1)
    overall = (per_kec + 1.0) / (per_kec.sum() + n_kec)  # Laplace: never 0
    per_cat = per_cell.sum(axis=0)
    share = (per_cell + settings.share_prior * overall[:, None]) / (per_cat + settings.share_prior)
    city = hourly.sum(axis=(1, 2))
    known = np.where(city > 0, np.minimum(per_cat / np.maximum(city, 1e-12), 1.0), 1.0)
    return share * known[None, :]


def _outliers(observed, expected, outlier_p) -> np.ndarray:
    """Where the Poisson tail of a count under ``expected`` is below ``outlier_p``."""
    flagged = np.zeros(observed.shape, dtype=bool)
    suspect = observed > expected + 1
    if outlier_p <= 0 or not suspect.any():
        return flagged
    log_p = poisson_log_sf(np.rint(observed[suspect]).astype(np.int64), expected[suspect])
    flagged[suspect] = log_p < math.log(outlier_p)
    return flagged


def _robust_fit(hourly, cells, dow, settings):
    """Fit, replace outlying history counts by their expectation, refit (twice).

    A category (or kecamatan x category cell) with more than ``max_outlier_share`` of its
    days flagged has changed level (a season, a new channel, a young database), not burst:
    nothing of it is replaced, so the baseline follows the new level instead of ignoring it.
    """
    day_type = _day_type(dow)
    clean_hourly, clean_cells = hourly, cells
    for _ in range(2):
        level, profile, share = _fit_once(clean_hourly, clean_cells, dow, settings)
        day_level = level[:, dow]  # (C, D)
        expected_hourly = day_level[:, :, None] * profile[:, day_type, :]  # (C, D, 24)
        in_hours = _outliers(hourly, expected_hourly, settings.outlier_p)
        # a burst spread thinly over a whole day: screen the day totals too
        totals = np.where(in_hours, expected_hourly, hourly).sum(axis=2)
        whole_day = _outliers(totals, day_level, settings.outlier_p)
        flagged_days = in_hours.any(axis=2) | whole_day
        burst_like = flagged_days.mean(axis=1) <= settings.max_outlier_share if flagged_days.size else \
            np.ones(hourly.shape[0], dtype=bool)
        replace_hours = (in_hours | whole_day[:, :, None]) & burst_like[:, None, None]
        clean_hourly = np.where(replace_hours, expected_hourly, hourly)
        expected_cells = share[:, :, None] * day_level[None, :, :]  # (K, C, D)
        in_cells = _outliers(cells, expected_cells, settings.outlier_p)
        if in_cells.size:
            in_cells &= (in_cells.mean(axis=2) <= settings.max_outlier_share)[:, :, None]
        clean_cells = np.where(in_cells, expected_cells, cells)
    level, profile, share = _fit_once(clean_hourly, clean_cells, dow, settings)
    rate = level[:, :, None] * profile[:, _day_type(np.arange(7)), :]  # (C, 7, 24)
    return rate, share


# --- detection --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    """An excess of one category in one region over one window. ``kecamatan_ids`` is sorted;
    empty means city-wide. ``p_value`` = P(X >= observed | Poisson(expected)); ``score`` =
    -log10 p. ``raises``: significant (may raise an alert); False for a weaker excess that
    only keeps an active alert alive (hysteresis, see ``WarningSettings.keep_factor``)."""

    category_id: int
    kecamatan_ids: tuple[int, ...]
    window_hours: float
    observed: int
    expected: float
    p_value: float
    score: float
    raises: bool = True

    @property
    def key(self) -> str:
        return alert_key(self.category_id, self.kecamatan_ids)


def alert_key(category_id: int, kecamatan_ids: Iterable[int]) -> str:
    """Stable identity of an alert: '<category>:<sorted kecamatan ids joined by ->' or ':city'."""
    ids = sorted(int(k) for k in kecamatan_ids)
    return f"{int(category_id)}:{'-'.join(map(str, ids)) if ids else 'city'}"


def regions(kecamatan_ids: Iterable[int], neighbours: Mapping[int, Iterable[int]],
            settings: WarningSettings = None) -> list[tuple[int, ...]]:
    """The regions tested: each kecamatan, each adjacent pair, each kecamatan with all its
    neighbours (as settings allow), and the city (the empty tuple); duplicates removed."""
    settings = settings or WarningSettings()
    known = sorted(int(k) for k in kecamatan_ids)
    known_set = set(known)
    found: dict[tuple[int, ...], None] = {(k,): None for k in known}
    for k in known:
        near = sorted({int(n) for n in neighbours.get(k, ())} & known_set - {k})
        if settings.pair_clusters:
            for n in near:
                found.setdefault(tuple(sorted((k, n))), None)
        if settings.star_clusters and len(near) > 1:
            found.setdefault(tuple(sorted([k, *near])), None)
    out = [r for r in found if len(r) < len(known) or len(known) == 1]
    return out + [()]


def per_test_alpha(n_categories: int, n_regions: int, settings: WarningSettings = None) -> float:
    """alpha = budget / (categories x regions x sum over windows of the non-overlapping windows
    per week): Bonferroni over a run's tests and a week's independent windows. It is held
    against the scan rate k * P(X = k) (``scan_log_rate``), not the plain tail, because the
    detector re-tests sliding windows continuously."""
    settings = settings or WarningSettings()
    looks = sum(HOURS_PER_WEEK / w for w in settings.windows_hours)
    return settings.false_alarms_per_week / max(n_categories * n_regions * looks, 1.0)


@dataclass(frozen=True)
class _Plan:
    """What one baseline and one adjacency fix for every run: regions and their shares."""

    regions: list[tuple[int, ...]]
    membership: np.ndarray  # (R, K) 0/1; the city row is all ones
    region_share: np.ndarray  # (R, C): expected fraction of the city-wide count; city row = 1
    log_alpha: float


def _plan(baseline: Baseline, neighbours, settings) -> _Plan:
    regs = regions(baseline.kecamatan_ids, neighbours, settings)
    index = baseline.kecamatan_index
    membership = np.zeros((len(regs), len(baseline.kecamatan_ids)))
    for r, reg in enumerate(regs):
        if reg:
            membership[r, [index[k] for k in reg]] = 1.0
        else:
            membership[r, :] = 1.0
    region_share = membership @ baseline.share
    region_share[-1, :] = 1.0  # city-wide: every complaint, with or without a kecamatan
    alpha = per_test_alpha(len(baseline.category_ids), len(regs), settings)
    return _Plan(regs, membership, region_share, math.log(alpha))


def detect(recent: pd.DataFrame, baseline: Baseline, now: datetime, neighbours: Mapping[int, Iterable[int]],
           settings: WarningSettings = None) -> list[Signal]:
    """Excesses at ``now``, reduced to the most significant per overlapping group: signals
    with ``raises`` True are significant (scan rate below alpha, see the module docstring);
    those with False are weaker (below alpha x keep_factor) and only keep alerts alive.
    Feed them all to ``reconcile``; show only alerts, never raw weak signals.

    ``recent``: columns received_at (tz-aware UTC), kecamatan_id (may be null), category_id —
    at least the complaints of the last max(windows_hours) hours. Categories the baseline does
    not know are ignored; kecamatan it does not know count city-wide only.
    """
    settings = settings or WarningSettings()
    _check_aware(now)
    times = _utc_ns(recent["received_at"])
    kec = _positions(recent["kecamatan_id"], baseline.kecamatan_ids)
    cat = _positions(recent["category_id"], baseline.category_ids)
    return _detect_arrays(times, kec, cat, baseline, _plan(baseline, neighbours, settings), now, settings)


def _check_aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError("early warning times must be timezone-aware (UTC)")


def _utc_ns(values) -> np.ndarray:
    series = pd.to_datetime(pd.Series(values), utc=True)
    return series.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def _detect_arrays(times, kec, cat, baseline, plan: _Plan, now, settings) -> list[Signal]:
    """Detection on arrays: UTC ns times (any order), kecamatan and category positions."""
    n_kec, n_cat = len(baseline.kecamatan_ids), len(baseline.category_ids)
    now_ns = pd.Timestamp(now).value
    found = []
    for w in settings.windows_hours:
        start = now - timedelta(hours=w)
        inside = (times > now_ns - int(w * 3600e9)) & (times <= now_ns) & (cat >= 0)
        city_counts = np.bincount(cat[inside], minlength=n_cat).astype(float)
        located = inside & (kec >= 0)
        cell_counts = np.bincount(kec[located] * n_cat + cat[located], minlength=n_kec * n_cat)
        observed = plan.membership @ cell_counts.reshape(n_kec, n_cat).astype(float)  # (R, C)
        observed[-1, :] = city_counts
        # [start, end) in the baseline vs (start, end] here: equal for a continuous rate
        expected = plan.region_share * baseline.city_expected(start, now)[None, :]
        candidate = (observed >= settings.min_observed) & (observed > expected)
        if not candidate.any():
            continue
        r_idx, c_idx = np.nonzero(candidate)
        k, lam = observed[r_idx, c_idx].astype(np.int64), expected[r_idx, c_idx]
        log_scan = scan_log_rate(k, lam)
        keep = log_scan < plan.log_alpha + math.log(settings.keep_factor)
        r_idx, c_idx, k, log_scan = r_idx[keep], c_idx[keep], k[keep], log_scan[keep]
        log_p = poisson_log_sf(k, expected[r_idx, c_idx])
        for r, c, lp, ls in zip(r_idx, c_idx, log_p, log_scan):
            found.append(Signal(
                category_id=baseline.category_ids[c], kecamatan_ids=plan.regions[r], window_hours=w,
                observed=int(observed[r, c]), expected=float(expected[r, c]), p_value=float(math.exp(lp)),
                score=float(-lp / math.log(10)), raises=bool(ls < plan.log_alpha)))
    return reduce_signals(found)


def scan_log_rate(k, lam) -> np.ndarray:
    """ln(k * P(X = k)), X ~ Poisson(lam): the expected number of times per window length that
    a continuously sliding window of a Poisson process with lam per window newly reaches k
    (arrivals at rate lam/w meeting a count of k-1: lam * P(X = k-1) = k * P(X = k)). It is
    the tail P(X >= k) times about (k - lam): the price of looking at every minute rather than
    at disjoint windows. Testing it against alpha makes the Bonferroni count of ``per_test_alpha``
    (disjoint windows per week) valid for a detector run continuously."""
    k = np.asarray(k, dtype=np.int64)
    lam = np.maximum(np.asarray(lam, dtype=float), 1e-300)
    log_pmf = -lam + k * np.log(lam) - _log_factorials(int(k.max()) if k.size else 0)[k]
    return np.log(np.maximum(k, 1)) + log_pmf


def _overlaps(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """Regions overlap when they share a kecamatan; the city (empty) overlaps every region."""
    return not a or not b or bool(set(a) & set(b))


def reduce_signals(signals: list[Signal]) -> list[Signal]:
    """Per category, keep the most significant of overlapping signals (greedy by score; ties:
    the smaller region, then the shorter window). City-wide signals are kept only when no
    local signal of the category is (a local burst explains a city-wide excess)."""
    ordered = sorted(signals, key=lambda s: (s.category_id, not s.raises, not s.kecamatan_ids, -s.score,
                                             len(s.kecamatan_ids), s.window_hours))
    kept: list[Signal] = []
    for s in ordered:
        if not any(k.category_id == s.category_id and _overlaps(k.kecamatan_ids, s.kecamatan_ids) for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: -s.score)


# --- lifecycle --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertState:
    """One alert. ``key`` is the key of the signal that raised it and never changes.
    ``score`` is the highest score seen; ``kecamatan_ids``, ``window_hours``, ``observed``,
    ``expected`` and ``last_score`` are those of the latest significant signal that matched it
    (one consistent set for a banner: the region may narrow or widen as the burst is better
    located). ``updated_at``: when any of those last changed; ``last_seen_at``: when a
    matching signal (significant or weak) was last seen; ``cleared_at``: None while active."""

    key: str
    category_id: int
    kecamatan_ids: tuple[int, ...]
    window_hours: float
    observed: int
    expected: float
    score: float
    raised_at: datetime
    updated_at: datetime
    last_seen_at: datetime
    cleared_at: datetime | None = None
    last_score: float = 0.0

    @property
    def active(self) -> bool:
        return self.cleared_at is None


@dataclass(frozen=True)
class Changes:
    """What one reconcile did; ``active`` is the new list of active alerts to keep."""

    raised: list[AlertState]
    updated: list[AlertState]
    cleared: list[AlertState]
    active: list[AlertState]


def reconcile(active: list[AlertState], signals: list[Signal], now: datetime,
              settings: WarningSettings = None) -> Changes:
    """Raise, update and clear alerts (pure: the caller stores ``Changes.active``).

    A signal matches the active alert with its key, else an active alert of the same category
    whose current region overlaps it (a burst first seen in a pair and then located in one
    kecamatan stays one alert). Matching signals are taken strongest first, one per alert.
    A significant (``raises``) match refreshes the alert's region, window, observed, expected
    and ``last_score``, raises ``score`` to the highest seen, and bumps ``updated_at`` when any
    of those changed; any match (weak ones too) sets ``last_seen_at``. A significant signal
    matching no alert raises a new one; weak signals never raise. An alert not matched for
    ``clear_after_minutes`` is cleared at ``now``.

    ``Changes.updated`` lists every alert matched this run (its ``last_seen_at`` moved).
    """
    settings = settings or WarningSettings()
    current = {a.key: a for a in active}
    seen: dict[str, Signal] = {}
    raised: list[AlertState] = []
    for s in sorted(signals, key=lambda s: (not s.raises, -s.score)):
        target = s.key if s.key in current else next(
            (a.key for a in current.values()
             if a.category_id == s.category_id and _overlaps(a.kecamatan_ids, s.kecamatan_ids)), None)
        if target is None:
            if s.raises:
                alert = AlertState(key=s.key, category_id=s.category_id, kecamatan_ids=s.kecamatan_ids,
                                   window_hours=s.window_hours, observed=s.observed, expected=s.expected,
                                   score=s.score, raised_at=now, updated_at=now, last_seen_at=now, last_score=s.score)
                current[s.key] = alert
                raised.append(alert)
                seen[s.key] = s
        elif target not in seen:
            seen[target] = s
    updated, cleared, still = [], [], []
    raised_keys = {a.key for a in raised}
    for key, alert in current.items():
        s = seen.get(key)
        if key in raised_keys:
            still.append(alert)
        elif s is not None:
            new = _refresh(alert, s, now)
            updated.append(new)
            still.append(new)
        elif now - alert.last_seen_at >= timedelta(minutes=settings.clear_after_minutes):
            cleared.append(replace(alert, cleared_at=now))
        else:
            still.append(alert)
    return Changes(raised=raised, updated=updated, cleared=cleared, active=still)


def _refresh(alert: AlertState, s: Signal, now: datetime) -> AlertState:
    new = replace(alert, last_seen_at=now)
    if s.raises:
        new = replace(new, kecamatan_ids=s.kecamatan_ids, window_hours=s.window_hours, observed=s.observed,
                      expected=s.expected, score=max(alert.score, s.score), last_score=s.score)
    shown = ("kecamatan_ids", "window_hours", "observed", "expected", "score", "last_score")
    if any(getattr(new, f) != getattr(alert, f) for f in shown):
        new = replace(new, updated_at=now)
    return new


# --- explanation ------------------------------------------------------------------------------------


def _join(values: list[str], word: str) -> str:
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} {word} {values[-1]}"


def explain(settings: WarningSettings = None, lang: str = "id") -> str:
    """One sentence saying how an alert is decided, in Bahasa Indonesia ('id') or English."""
    settings = settings or WarningSettings()
    windows = [f"{w:g}" for w in settings.windows_hours]
    budget = f"{settings.false_alarms_per_week:g}"
    if lang == "en":
        return (f"A spike is declared when the complaints of one category in one kecamatan (or in neighbouring "
                f"kecamatan) over the last {_join(windows, 'or')} hours are far above their usual weekly pattern "
                f"(at least {settings.min_observed} complaints; Poisson test corrected for the number of tests: "
                f"about {budget} false alarm per week).")
    return (f"Lonjakan dinyatakan bila jumlah aduan satu kategori di satu kecamatan (atau kecamatan bertetangga) "
            f"dalam {_join(windows, 'atau')} jam terakhir jauh di atas pola mingguan biasanya (minimal "
            f"{settings.min_observed} aduan; uji Poisson, dikoreksi untuk banyaknya uji: sekitar {budget} alarm "
            f"palsu per minggu).")


# --- history roll-ups and replay --------------------------------------------------------------------


def _local_parts(received_at, tz: str):
    """Local day (as datetime64[D]) and local hour of UTC instants."""
    local = pd.to_datetime(pd.Series(received_at), utc=True).dt.tz_convert(tz)
    return local.dt.tz_localize(None).to_numpy(dtype="datetime64[D]"), local.dt.hour.to_numpy()


def history_frames(received: pd.DataFrame, first_day, end_day, tz: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The roll-ups ``fit_baseline`` reads, from raw rows (received_at, kecamatan_id,
    category_id), for local days [first_day, end_day): the pandas reference of the SQL.
    Returns (daily_cells, hourly_categories)."""
    day, hour = _local_parts(received["received_at"], tz)
    keep = (day >= np.datetime64(_as_date(first_day), "D")) & (day < np.datetime64(_as_date(end_day), "D"))
    return _frames_from_parts(day[keep], hour[keep], received["kecamatan_id"].to_numpy()[keep],
                              received["category_id"].to_numpy()[keep])


def _frames_from_parts(day, hour, kec, cat):
    frame = pd.DataFrame({"day": day, "hour": hour, "kecamatan_id": kec, "category_id": cat})
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    daily = (frame.dropna(subset=["kecamatan_id"]).groupby(["day", "kecamatan_id", "category_id"]).size()
             .rename("count").reset_index())
    hourly = frame.groupby(["day", "hour", "category_id"]).size().rename("count").reset_index()
    return daily, hourly


def replay(received: pd.DataFrame, start: datetime, end: datetime, step_minutes: float = 15, *, tz: str,
           neighbours: Mapping[int, Iterable[int]], holidays=(), settings: WarningSettings = None,
           kecamatan_ids=None, category_ids=None) -> list[AlertState]:
    """Run the detector over simulated time: at every ``step_minutes`` from ``start`` to ``end``
    (both included) detect on the rows received so far and reconcile; the baseline is refitted
    once per local day from the ``baseline_weeks`` whole weeks before that day (or from the
    first day of ``received`` when that is later: ``history_start``). Returns every
    alert raised, in its final state (``cleared_at`` None if still active at ``end``)."""
    settings = settings or WarningSettings()
    _check_aware(start)
    holidays = frozenset(_as_date(h) for h in holidays)
    frame = received.sort_values("received_at", kind="stable")
    times = _utc_ns(frame["received_at"])
    day, hour = _local_parts(frame["received_at"], tz)
    kec_raw = frame["kecamatan_id"].to_numpy()
    cat_raw = frame["category_id"].to_numpy()
    cats = _ids(category_ids, frame["category_id"])
    kecs = _ids(kecamatan_ids, frame["kecamatan_id"].dropna())
    kec_pos, cat_pos = _positions(kec_raw, kecs), _positions(cat_raw, cats)
    span_ns = int(max(settings.windows_hours) * 3600e9)
    step = timedelta(minutes=step_minutes)
    baseline = plan = None
    fitted_for = None
    alerts: dict[str, AlertState] = {}
    history: list[AlertState] = []
    now = start
    while now <= end:
        today = now.astimezone(ZoneInfo(tz)).date()
        if today != fitted_for:
            first = today - timedelta(weeks=settings.baseline_weeks)
            lo = np.searchsorted(day, np.datetime64(first, "D"))
            hi = np.searchsorted(day, np.datetime64(today, "D"))
            daily, hourly = _frames_from_parts(day[lo:hi], hour[lo:hi], kec_raw[lo:hi], cat_raw[lo:hi])
            baseline = fit_baseline(daily, hourly, today=today, holidays=holidays, settings=settings, tz=tz,
                                    kecamatan_ids=kecs, category_ids=cats,
                                    history_start=day[0].item() if len(day) else None)
            plan = _plan(baseline, neighbours, settings)
            fitted_for = today
        now_ns = pd.Timestamp(now).value
        lo = np.searchsorted(times, now_ns - span_ns, side="right")
        hi = np.searchsorted(times, now_ns, side="right")
        signals = _detect_arrays(times[lo:hi], kec_pos[lo:hi], cat_pos[lo:hi], baseline, plan, now, settings)
        changes = reconcile(list(alerts.values()), signals, now, settings)
        history.extend(changes.raised)
        for alert in changes.cleared:
            history[_find(history, alert)] = alert
        for alert in changes.updated:
            history[_find(history, alert)] = alert
        alerts = {a.key: a for a in changes.active}
        now += step
    return history


def _find(history: list[AlertState], alert: AlertState) -> int:
    """Index of the latest entry of ``alert``'s key raised at the same time."""
    for i in range(len(history) - 1, -1, -1):
        if history[i].key == alert.key and history[i].raised_at == alert.raised_at:
            return i
    raise KeyError(alert.key)
