"""/briefing's callbacks called directly: a failing query shows a message in its own tiles and
chart while the rest of the page keeps working; the links and the canonical query."""
import dash
import pytest
from sqlalchemy.exc import OperationalError

from app import create_app
from data_sources.queries import briefing as queries
from tests.helpers import FIXED_NOW, test_settings


@pytest.fixture(scope="module")
def app(city_db):
    return create_app(test_settings(city_db, frozen_now=FIXED_NOW))


@pytest.fixture
def request_context(app):
    with app.server.test_request_context("/briefing"):
        yield


def _broken(*_args, **_kwargs):
    raise OperationalError("SELECT ...", {}, Exception("database is locked"))


def _stored(page, **params) -> dict:
    """The period store as the layout or the controls leave it."""
    return page._parse(params).to_store()


def test_a_failing_uptime_query_stays_in_its_own_tiles_and_chart(request_context, monkeypatch):
    import pages.briefing as page

    week = _stored(page, period="7d")
    monkeypatch.setattr(queries, "uptime_comparison", _broken)
    sentences, tiles, table = page.update_devices(week)
    assert sentences is None
    assert str(tiles).count("Basis data tidak dapat dihubungi atau tidak menjawab") == 2  # CCTV and WiFi tiles
    assert "OperationalError" in str(table)
    figure, message = page.update_chart(week, {"type": page.CHART_ID, "index": "uptime"})
    assert figure is dash.no_update and "OperationalError" in str(message)
    # the rest of the page still works
    sentences, tiles, table = page.update_complaints(week)
    assert sentences[0].children.startswith("Aduan ") and "OperationalError" not in str(tiles)
    figure, message = page.update_chart(week, {"type": page.CHART_ID, "index": "complaints"})
    assert message is None and len(figure.data) == 2
    assert figure.layout.separators == ",."  # Indonesian decimals on the axes, labels and hovers: 98,6%


def test_heading_links_and_query_follow_the_period(request_context):
    import pages.briefing as page

    heading, cut, pdf, pngs, query = page.update_heading_and_links(_stored(page, start="2026-11-01", end="2026-11-14"))
    assert heading == ("Rentang tanggal: 1 Nov 2026 s.d. 14 Nov 2026, dibanding periode sebelumnya "
                       "(18 Okt 2026 s.d. 31 Okt 2026)")
    assert cut is None  # a past range is complete
    assert pdf == "/briefing/export.pdf?period=custom&from=2026-11-01&to=2026-11-14&lang=id"
    assert pngs == [f"/briefing/chart/{n}.png?period=custom&from=2026-11-01&to=2026-11-14&lang=id"
                    for n in ("complaints", "late", "uptime")]
    assert query == "?period=custom&from=2026-11-01&to=2026-11-14"
    _, cut, _, _, query = page.update_heading_and_links(_stored(page, period="7d"))
    assert cut == "Periode berjalan sampai 23 Nov 2026 14.30 WIB; periode pembanding dipotong pada jam yang sama."
    assert query == "?period=7d"


def test_controls_and_a_bad_link(request_context):
    import pages.briefing as page

    stored, style, notice, first, last = page.read_period("30d", "2026-11-17", "2026-11-23")
    assert stored["period"] == "30d" and style == {"display": "none"} and notice is None
    assert (first, last) == ("2026-10-25", "2026-11-23")  # the date picker follows the chosen days
    stored, style, notice, first, last = page.read_period("custom", first, last)
    assert (stored["period"], stored["from"], stored["to"]) == ("custom", "2026-10-25", "2026-11-23")
    assert style == {"display": "block"}
    layout = page.layout(period="year", start="2026-11-20")
    assert "periode tidak dikenal (period=year)" in str(layout)


def test_a_forged_period_store_is_a_message_not_an_error(request_context):
    import pages.briefing as page

    for forged in (None, {"period": "7d"}, {"from": "x"}, "7d", [1]):
        sentences, tiles, table = page.update_complaints(forged)
        assert sentences is None and "PeriodError" in str(table)
        figure, message = page.update_chart(forged, {"type": page.CHART_ID, "index": "late"})
        assert figure is dash.no_update and "PeriodError" in str(message)
