"""Every chart on every page starts on a transparent placeholder: until its callback answers, a
dark wall shows nothing rather than plotly's white empty figure with default axes."""
from __future__ import annotations

import json

import dash
import pytest

from app import create_app
from tests.helpers import FIXED_NOW, sign_in, test_settings


@pytest.fixture(scope="module")
def admin(city_db):
    app = create_app(test_settings(city_db, frozen_now=FIXED_NOW, theme="dark"))
    return sign_in(app.server.test_client(), city_db, "admin")


def _graphs(node):
    """Every dcc.Graph in a serialised layout."""
    if isinstance(node, dict):
        if node.get("type") == "Graph" and node.get("namespace") == "dash_core_components":
            yield node["props"]
        for value in node.values():
            yield from _graphs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _graphs(value)


def test_every_chart_waits_on_a_transparent_placeholder(admin):
    checked = 0
    for page in dash.page_registry.values():
        if "<" in page["path"]:
            continue
        body = {"output": "..\u005fpages_content.children...\u005fpages_store.data..",
                "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
                "inputs": [{"id": "_pages_location", "property": "pathname", "value": page["relative_path"]},
                           {"id": "_pages_location", "property": "search", "value": ""}],
                "changedPropIds": ["_pages_location.pathname"]}
        layout = json.loads(admin.post("/_dash-update-component", json=body).get_data(as_text=True))
        for props in _graphs(layout):
            figure = props.get("figure")
            assert figure is not None, (page["path"], props.get("id"))  # plotly's default would be white
            layout_props = figure.get("layout", {}) if isinstance(figure, dict) else {}
            if not figure.get("data"):  # a placeholder (a figure built in the layout brings its own theme)
                assert layout_props.get("paper_bgcolor") == "rgba(0,0,0,0)", (page["path"], props.get("id"))
            checked += 1
    assert checked >= 15
