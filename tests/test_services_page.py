"""/services' layout and callbacks called directly (as a signed-in role), and forged callback
input answered 400, never 500."""
from __future__ import annotations

import json

import dash
import pytest
from plotly.utils import PlotlyJSONEncoder

from tests.helpers import FIXED_NOW, sign_in


@pytest.fixture
def app(city_db):
    from app import create_app
    from data_sources.db import database
    from tests.helpers import test_settings

    yield create_app(test_settings(city_db, frozen_now=FIXED_NOW))
    database.dispose()


@pytest.fixture
def as_role(app):
    """``as_role(role, lang)``: the page module in a request of a person with ``role``."""
    from flask_login import login_user

    from api.auth import Identity

    contexts = []

    def enter(role: str, lang: str = "id"):
        context = app.server.test_request_context("/services", headers={"Cookie": f"liveroom_lang={lang}"})
        context.push()
        contexts.append(context)
        login_user(Identity(f"u:{len(contexts)}", f"test-{role}", role))
        import pages.services as module

        return module

    yield enter
    for context in reversed(contexts):
        context.pop()


def _text(component) -> str:
    """A component tree as the JSON sent to the browser."""
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_the_layout_reads_the_view_from_the_url_and_ignores_what_does_not_fit(as_role):
    page = as_role("admin")
    layout = _text(page.layout(group="dimension", agency="DLH", status="missed", kpi="jalan_mantap", span="36"))
    assert '"value": "dimension"' in layout and '"value": "jalan_mantap"' in layout and '"value": "36"' in layout
    assert "Templat pelaporan KPI per OPD" in layout and "/upload?source=kpi_sheet" in layout
    odd = _text(page.layout(group="nope", agency="PDAM", dimension="x", status="late", kpi="<script>", span="99",
                            extra=["a", "b"]))
    assert '"value": "agency"' in odd and '"value": "12"' in odd and "<script>" not in odd
    assert page._view(page.ctx.current_profile(), {"status": "missed", "span": "24"})["span"] == "24"


def test_templates_are_offered_only_to_the_roles_that_may_have_them(as_role):
    page = as_role("leadership")
    assert "Templat pelaporan KPI" not in _text(page.layout())
    cards, _count = page.update_cards(0, "agency", None, None, None, None)
    assert "/services/template/" not in _text(cards)


def test_cards_filters_detail_and_query(as_role):
    page = as_role("admin")
    cards, count = page.update_cards(0, "agency", "DISKOMINFO", None, None, "uptime_cctv")
    assert count == "3 dari 12 KPI" and "/services/template/DISKOMINFO.xlsx" in _text(cards)
    assert '"data-kpi-card": "uptime_cctv"' in _text(cards) and "services-card status-met selected" in _text(cards)
    _, count = page.update_cards(0, "dimension", None, "society", "met", None)
    assert count.endswith("dari 12 KPI")
    empty, count = page.update_cards(0, "forged", "NOPE", "nope", "late", "nope")
    assert count == "0 dari 12 KPI" and "Tidak ada KPI yang cocok" in _text(empty)
    name, facts, figure, note, revisions = page.update_detail("uptime_cctv", "24", 0)
    assert name == "Ketersediaan CCTV" and "Dinas Komunikasi dan Informatika" in facts
    assert figure.layout.title.text == "24 bulan terakhir (Nov 2024 – Okt 2026)"
    assert note == "23 dari 24 periode dilaporkan"  # October has not been reported
    assert "Belum ada koreksi" in _text(revisions)
    assert page.update_detail("nope", "99", 0)[2] is dash.no_update
    assert page.update_detail("jalan_mantap", "99", 0)[2].layout.title.text.startswith("12 triwulan terakhir")
    assert page.write_query("agency", None, None, None, "uptime_cctv", "12") == "kpi=uptime_cctv"
    assert page.write_query("dimension", "DLH", "environment", "close", "nope", "36") == (
        "group=dimension&agency=DLH&dimension=environment&status=close&span=36")


def test_summary_in_english(as_role):
    page = as_role("evaluator", "en")
    tiles, late = page.update_summary(0)
    assert "KPIs met" in _text(tiles) and "Late reports" in _text(tiles)
    assert "late since 11 Nov 2026" in _text(late) and "Excel template" not in _text(late)


def test_forged_input_is_a_bad_request_not_an_error(app, city_db):
    client = sign_in(app.server.test_client(), city_db, "admin")
    body = {"output": "..services-detail-name.children...services-detail-facts.children...services-detail-chart.figure"
                      "...services-detail-note.children...services-revisions.children..",
            "outputs": [{"id": i, "property": p} for i, p in (
                ("services-detail-name", "children"), ("services-detail-facts", "children"),
                ("services-detail-chart", "figure"), ("services-detail-note", "children"),
                ("services-revisions", "children"))],
            "inputs": [{"id": "services-kpi", "property": "value", "value": {"$ne": 1}},
                       {"id": "services-span", "property": "value", "value": "12"},
                       {"id": "services-refresh", "property": "n_intervals", "value": None}],
            "changedPropIds": ["services-kpi.value"]}
    assert client.post("/_dash-update-component", json=body).status_code == 400
    body["inputs"][0]["value"] = "uptime_wifi"
    assert client.post("/_dash-update-component", json=body).status_code == 200
    click = {"output": "services-kpi.value", "outputs": {"id": "services-kpi", "property": "value"},
             "inputs": [[{"id": {"type": "services-card", "index": "uptime_wifi"}, "property": "n_clicks",
                          "value": "many"}]],
             "changedPropIds": ['{"index":"uptime_wifi","type":"services-card"}.n_clicks']}
    assert client.post("/_dash-update-component", json=click).status_code == 400
