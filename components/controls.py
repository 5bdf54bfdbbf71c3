"""Form controls in the page's language: a ``dcc.Dropdown`` whose own words ("3 selected",
"Select All", "Search", "No options found") are Indonesian or English like the rest of the page."""
from __future__ import annotations

from dash import dcc

from components.i18n import t

LABELS = ("select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection",
          "no_options_found")


def dropdown(lang: str, **props) -> dcc.Dropdown:
    """``dcc.Dropdown(**props)`` with its labels in ``lang``."""
    return dcc.Dropdown(labels={key: t(f"dropdown.{key}", lang) for key in LABELS}, **props)
