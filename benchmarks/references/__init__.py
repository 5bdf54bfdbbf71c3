"""The two references every callback is compared with, in the same run (issue 16, part 4).

- **floor**: the bare SQL aggregate the callback's figure needs, run directly on the raw tables
  (``references.complaints.floor_*``, ``references.devices.floor_*``); no figure, no JSON.
- **common**: what most Dash examples do: ``pd.read_sql`` of the whole table(s) in the callback,
  filtered and grouped in pandas (``common_*``); no figure either.

One reference per figure family; ``FAMILY_OF`` maps each callback (its first output, with the
device kind written ``<kind>-``) to its family. Callbacks that only move UI state (a filter
store, a click, the heading, the kiosk configuration) read no data: they have no family, and
their floor and common figures are left empty.
"""
from __future__ import annotations

from collections.abc import Callable

from benchmarks.references import complaints as c
from benchmarks.references import devices as d
from benchmarks.references.sql import Ask

KINDS = ("cctv", "wifi")


def _both(fn_floor, fn_common, *args, **kwargs) -> tuple[Callable, Callable]:
    return (lambda conn, ask: fn_floor(conn, ask, *args, **kwargs),
            lambda conn, ask: fn_common(conn, ask, *args, **kwargs))


def _wall_map_floor(conn, ask):
    return c.floor_open_points(conn, ask), d.floor_points(conn, ask, KINDS)


def _wall_map_common(conn, ask):
    return c.common_open_points(conn, ask), d.common_points(conn, ask, KINDS)


def _kind_points_floor(conn, ask):
    return d.floor_points(conn, ask, (ask.kind,))


def _kind_points_common(conn, ask):
    return d.common_points(conn, ask, (ask.kind,))


def _uptime_groups(ask: Ask) -> tuple[str, ...]:
    return ("kecamatan_id", "site_type") if ask.kind == "wifi" else ("kecamatan_id",)


FAMILIES: dict[str, tuple[Callable, Callable]] = {
    "complaint_summary": _both(c.floor_summary, c.common_summary),
    "complaints_by_kecamatan": _both(c.floor_counts, c.common_counts, "kecamatan"),
    "complaints_by_category": _both(c.floor_counts, c.common_counts, "category"),
    "complaints_by_agency": _both(c.floor_counts, c.common_counts, "agency"),
    "agency_table": _both(c.floor_agency_table, c.common_agency_table),
    "trend_day": _both(c.floor_trend, c.common_trend, "day"),
    "trend_hour": _both(c.floor_trend, c.common_trend, "hour"),
    "locations": _both(c.floor_locations, c.common_locations),
    "red_list": _both(c.floor_red_list, c.common_red_list),
    "headline_counts": _both(c.floor_headline, c.common_headline),
    "red_signature": _both(c.floor_red_signature, c.common_red_signature),
    "wall_map": (_wall_map_floor, _wall_map_common),
    "device_states": _both(d.floor_states, d.common_states),
    "devices_down_all": _both(d.floor_down, d.common_down, KINDS),
    "devices_down": (lambda conn, ask: d.floor_down(conn, ask, (ask.kind,)),
                     lambda conn, ask: d.common_down(conn, ask, (ask.kind,))),
    "device_summary": _both(d.floor_summary, d.common_summary),
    "device_points": (_kind_points_floor, _kind_points_common),
    "device_uptime_by": (lambda conn, ask: d.floor_uptime_by(conn, ask, _uptime_groups(ask)),
                         lambda conn, ask: d.common_uptime_by(conn, ask, _uptime_groups(ask))),
    "device_history": _both(d.floor_history, d.common_history),
    "device_detail": _both(d.floor_detail, d.common_detail),
    "sources": _both(d.floor_sources, d.common_sources),
    "kpi_status": _both(d.floor_kpis, d.common_kpis),
    "briefing_complaints": _both(c.floor_briefing, c.common_briefing),
    "briefing_per_day": _both(c.floor_received_per_day, c.common_received_per_day),
    "briefing_uptime": _both(d.floor_briefing_uptime, d.common_briefing_uptime),
    "alerts": _both(c.floor_alerts, c.common_alerts),
}

FAMILY_OF: dict[str, str | None] = {
    # the shell around every page
    "freshness-strip.children": "sources",
    "kiosk-alert.data": "red_signature",
    "kiosk-config.data": None,
    # the wall overview (/)
    "overview-alerts.children": "alerts",
    "overview-complaint-tiles.children": "headline_counts",
    "overview-device-tiles.children": "device_states",
    "overview-kpi-tile.children": "kpi_status",
    "overview-red-flags.children": "red_list",
    "overview-devices-down.children": "devices_down_all",
    "overview-map.figure": "wall_map",
    "overview-map.figure (refresh: Patch)": "wall_map",
    # /complaints
    "complaints-filter.data": None,
    "complaints-kecamatan.value": None,
    "complaints-tiles.children": "complaint_summary",
    "complaints-choropleth.figure": "complaints_by_kecamatan",
    "complaints-locations.figure": "locations",
    "complaints-trend-day.figure": "trend_day",
    "complaints-trend-hour.figure": "trend_hour",
    "complaints-by-category.figure": "complaints_by_category",
    "complaints-by-agency.figure": "complaints_by_agency",
    "complaints-agency-grid.rowData": "agency_table",
    "complaints-red-grid.rowData": "red_list",
    "complaints-download.data": "agency_table",
    "complaints-red-download.data": "red_list",
    "complaints-alerts.children": "alerts",
    # /cctv and /wifi
    "<kind>-tiles.children": "device_summary",
    "<kind>-map.figure": "device_points",
    "<kind>-down-grid.rowData": "devices_down",
    "<kind>-by-kecamatan.figure": "device_uptime_by",
    "<kind>-history.figure": "device_history",
    "<kind>-selected.data": None,
    "<kind>-detail.is_open": "device_detail",
    # /briefing
    "briefing-period-store.data": None,
    "briefing-heading.children": None,
    "briefing-sentences-complaints.children": "briefing_complaints",
    "briefing-sentences-devices.children": "briefing_uptime",
    "briefing-sentences-kpis.children": "kpi_status",
    "briefing-chart.figure[complaints]": "briefing_per_day",
    "briefing-chart.figure[late]": "briefing_complaints",
    "briefing-chart.figure[uptime]": "briefing_uptime",
}


def family_of(callback: str) -> str | None:
    """The reference family of a callback; KeyError for one nobody mapped (a new callback must be mapped)."""
    for kind in KINDS:
        if callback.startswith(f"{kind}-"):
            callback = "<kind>-" + callback[len(kind) + 1:]
    return FAMILY_OF[callback]
