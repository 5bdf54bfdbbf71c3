"""How good or bad a figure is, decided once for every page: the share of complaints answered
on time and a device uptime against its target. A level is a Bootstrap colour name
('success', 'warning', 'danger') that tiles, tables and charts use for their colours, or
None when the figure or its target is unknown."""
from __future__ import annotations

import math

from data_sources.rules.flags import ON_TIME_TARGET, ON_TIME_WARNING

COLOURS = {"success": "#009e73", "warning": "#e69f00", "danger": "#d55e00"}  # Okabe-Ito, as the maps (components.theme)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def on_time_level(share: float | None) -> str | None:
    """'success' at or above the on-time target, 'warning' down to the warning share, else 'danger'."""
    if _missing(share):
        return None
    return "success" if share >= ON_TIME_TARGET else "warning" if share >= ON_TIME_WARNING else "danger"


def on_time_cell_rules() -> dict:
    """AG Grid ``cellClassRules`` for a column of on-time shares, by ``on_time_level``'s rule."""
    return {"cell-success": f"params.value != null && params.value >= {ON_TIME_TARGET}",
            "cell-warning": f"params.value != null && params.value >= {ON_TIME_WARNING} && params.value < {ON_TIME_TARGET}",
            "cell-danger": f"params.value != null && params.value < {ON_TIME_WARNING}"}


def as_shown(value: float) -> float:
    """A share or a percentage as the pages print it (one decimal of a per cent): levels are
    judged on that, so '97,0 %' is never red beside another '97,0 %' that is green."""
    return round(value, 3) if abs(value) <= 1.5 else round(value, 1)


def uptime_level(uptime: float | None, target: float | None) -> str | None:
    """'success' on or above target, 'danger' below it (both as shown)."""
    if _missing(uptime) or _missing(target):
        return None
    return "success" if as_shown(uptime) >= as_shown(target) else "danger"


LEVEL_MARKS = {"success": "✓", "warning": "!", "danger": "✗"}  # status in a sign, not colour alone
