"""/evaluation's layout and callbacks called directly: the year from the URL (a bad one named
and replaced), the tiles, the drill-down to an indicator's evidence, another year, a database
that fails, presentation mode's slides and the roles that may see the page and the deck link."""
import dash
import pytest
from sqlalchemy.exc import OperationalError

from app import create_app
from data_sources.queries import evidence, indicators
from tests.evaluation_data import INDICATOR, evaluation_db  # noqa: F401 - a fixture
from tests.helpers import FIXED_NOW, test_settings


@pytest.fixture(scope="module")
def app(evaluation_db):  # noqa: F811
    return create_app(test_settings(evaluation_db, frozen_now=FIXED_NOW))


@pytest.fixture
def as_role(app, monkeypatch):
    """A request context as ``role`` in ``lang`` (the page reads both from the request)."""
    contexts = []

    def enter(role: str = "admin", lang: str = "id", path: str = "/evaluation"):
        monkeypatch.setattr("pages._shared.role", lambda: role)
        context = app.server.test_request_context(path, headers={"Cookie": f"liveroom_lang={lang}"})
        context.push()
        contexts.append(context)

    yield enter
    for context in reversed(contexts):
        context.pop()


def _broken(*_args, **_kwargs):
    raise OperationalError("SELECT ...", {}, Exception("database is locked"))


def test_layout_shows_the_newest_year_and_names_a_bad_one(as_role):
    import pages.evaluation as page

    as_role()
    text = str(page.layout())
    assert "Capaian keseluruhan 2025" in text and "value=2025" in text
    for dimension in ("governance", "branding", "economy", "living", "society", "environment"):
        assert f"data-kpi='dimension_{dimension}'" in text
    assert "Pilih salah satu dimensi" in text  # nothing opened yet
    assert "/evaluation/deck.pdf?lang=id&year=2025" in text and "/evaluation?present=1&year=2025" in text
    assert "4 dari 5 aplikasi aktif, 3 terhubung SSO" in text
    bad = str(page.layout(year="1999"))
    assert "Tahun 1999 tidak tersedia; ditampilkan 2025." in bad
    assert "Tahun abc tidak tersedia" in str(page.layout(year="abc"))
    opened = str(page.layout(year="2020", dimension="economy"))
    assert "Nilai 2020" in opened and "Kesejahteraan rakyat" in opened
    twice = str(page.layout(year=["2020", "2021"], dimension=["economy", "x"], present=["1", "0"], slide=["2", "3"]))
    assert "ditampilkan 2025" in twice and "Pilih salah satu dimensi" in twice  # repeated parameters: a notice
    assert "3 / 10" not in str(page.layout(present="1", slide=["2", "3"])) and "1 / 10" in str(
        page.layout(present="1", slide=["2", "3"]))


def test_drill_down_to_an_indicator_and_its_evidence(as_role):
    import pages.evaluation as page

    as_role()
    detail, selected, classes, pressed = page.dimension_view({"type": "evaluation-dimension", "index": "economy"}, 2025,
                                                             None, [])
    assert selected == "economy" and classes[2] == "dimension-tile active" and pressed[2] == "true"
    assert pressed.count("true") == 1 and "Industri" in str(detail)
    shown = page.indicator_view(INDICATOR, 2025)
    text = str(shown)
    assert "UMKM terdigitalisasi" in text and "Laporan UMKM go digital" in text
    assert "https://example.go.id/umkm" in text and "makin tinggi makin baik" in text
    graph = next(c for c in shown.children if getattr(c, "id", "") == f"evaluation-history-{INDICATOR}")
    assert graph.figure.layout.shapes[0].y0 == 60  # the target line
    without = str(page.indicator_view("eco_qris", 2025))
    assert "Belum ada bukti untuk indikator ini." in without
    # another year keeps the dimension and its open sub-dimensions
    detail, selected, _, _ = page.dimension_view("evaluation-year", 2020, "economy", [["public_welfare"]])
    assert selected == "economy" and detail.children[2].active_item == ["public_welfare"] and "Nilai 2020" in str(detail)
    with pytest.raises(dash.exceptions.PreventUpdate):
        page.dimension_view("evaluation-year", 2020, None, [])  # nothing open: nothing to redraw
    with pytest.raises(dash.exceptions.PreventUpdate):
        page.indicator_view("no_such_indicator", 2025)


def test_another_year_and_a_failing_database(as_role, monkeypatch):
    import pages.evaluation as page

    as_role()
    bodies, overall, trends, present, notice = page.year_view(2021)
    assert len(bodies) == 6 and overall.startswith("Capaian keseluruhan 2021") and present.endswith("year=2021")
    assert "dari 2020" in str(bodies[2]) and notice is None
    monkeypatch.setattr(indicators, "history", _broken)
    bodies, overall, trends, present, _ = page.year_view(2021)
    assert "Basis data tidak dapat dihubungi" in str(overall) and present is dash.no_update
    assert "OperationalError" in str(page.dimension_view({"type": "evaluation-dimension", "index": "living"}, 2021,
                                                         None, [])[0])
    assert "OperationalError" in str(page.layout())
    monkeypatch.setattr(evidence, "items", _broken)
    deck_page = str(page.layout(present="1"))
    assert deck_page.count("Basis data tidak dapat dihubungi") >= 8  # each slide says so; the page still opens


def test_presentation_slides_in_both_languages(as_role):
    import pages.evaluation as page

    as_role("evaluator")
    deck_page = page.layout(present="1", slide="3", year="2024")
    text = str(deck_page)
    assert "3 / 10" in text and "Dukungan teknologi" in text and "Capaian enam dimensi 2024" in text
    assert "data-exit='/evaluation?year=2024'" in text
    assert "Indeks KAMI 2024: skor 256, tingkat kematangan III+, dinilai 12 Sep 2024 (BSSN)" in text
    assert "'displayModeBar': False" in text.replace('"', "'")
    assert "10 / 10" in str(page.layout(present="1", slide="99"))  # too far: the last slide
    assert "1 / 10" in str(page.layout(present="1", slide="x"))
    as_role("evaluator", "en")
    english = str(page.layout(present="true"))
    assert "Technology support" in english and "4 of 5 applications up, 3 on single sign-on" in english
    assert "Dukungan teknologi" not in english


def test_the_deck_link_only_for_those_who_may_export(as_role):
    import pages.evaluation as page

    as_role("wall")
    text = str(page.layout())
    assert "deck.pdf" not in text and "/evaluation?present=1&year=2025" in text
    as_role("evaluator")
    assert "deck.pdf" in str(page.layout())
