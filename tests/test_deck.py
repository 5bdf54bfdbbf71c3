"""The evaluation deck PDF (/evaluation/deck.pdf) made through its route and opened with pypdf:
one landscape A4 page per slide in the outline's order, the language from ?lang=, evidence as
links, the budget chart as an image or, without a browser, as a table; bad parameters, a
database that fails and an empty city never give an error page; who may download it."""
import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy.exc import OperationalError

from app import create_app
from data_sources.db import make_engine
from data_sources.users import create_screen
from data_sources.queries import evidence, indicators
from data_sources.rules.scorecard import HISTORY_COLUMNS
from reports import deck_pdf
from reports.png import RenderError
from tests.evaluation_data import evaluation_db, evidence_id  # noqa: F401 - a fixture
from tests.helpers import FIXED_NOW, sign_in, test_settings

TITLES_ID = ["Evaluasi Kota Cerdas 2025", "Kebijakan", "Dukungan teknologi", "Tata kelola", "Program layanan",
             "Capaian enam dimensi 2025", "Konsistensi 2017\u20132025", "Anggaran", "Penghargaan",
             "Keamanan informasi (BSSN)"]
TITLES_EN = ["Smart City Evaluation 2025", "Policy", "Technology support", "Governance", "Service programmes",
             "The six dimensions in 2025", "Consistency 2017\u20132025", "Budget", "Awards",
             "Information security (BSSN)"]


@pytest.fixture(scope="module")
def app(evaluation_db):  # noqa: F811
    return create_app(test_settings(evaluation_db, frozen_now=FIXED_NOW))


@pytest.fixture
def client(app, evaluation_db):  # noqa: F811
    return sign_in(app.server.test_client(), evaluation_db, "evaluator")


def _pdf(client, query: str) -> PdfReader:
    answer = client.get(f"/evaluation/deck.pdf?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == "application/pdf"
    from io import BytesIO

    return PdfReader(BytesIO(answer.data))


def _texts(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _links(page) -> list[str]:
    return [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", []) if "/URI" in a.get_object().get("/A", {})]


def test_one_landscape_page_per_slide_in_the_outlines_order(client, evaluation_db):  # noqa: F811
    reader = _pdf(client, "lang=id&year=2025")
    assert len(reader.pages) == len(TITLES_ID)
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(841.89, abs=0.5)  # A4 landscape
        assert float(page.mediabox.height) == pytest.approx(595.28, abs=0.5)
    assert reader.metadata.title == "Evaluasi Kota Cerdas Kota Tangerang 2025"
    texts = _texts(reader)
    for number, (text, title) in enumerate(zip(texts, TITLES_ID), start=1):
        assert text.startswith(title) or title in text[:80], (number, text[:120])
        assert f"{number} / {len(TITLES_ID)}" in text and "Dibuat 23 Nov 2026 14.30 WIB" in text
    assert "Kota Tangerang" in texts[0] and "Capaian keseluruhan 2025" in texts[0]
    assert "Perwal No. 31 Tahun 2019" in texts[1]
    stored = evidence_id(evaluation_db, "Rencana Induk Kota Cerdas 2018\u20132027")
    assert set(_links(reader.pages[1])) == {"https://jdih.example.go.id/perwal-31-2019",
                                            f"http://localhost/evidence/file/{stored}"}
    assert "4 dari 5 aplikasi aktif, 3 terhubung SSO" in texts[2]
    assert texts[5].count("poin persen dari 2024") == 6 and "Hampir tercapai" in texts[5]
    assert "naik setiap tahun sejak" in texts[6]
    assert "Rp 35,2 miliar" in texts[7] and len(reader.pages[7].images) == 1  # the budget chart, drawn
    assert "Kementerian Komunikasi dan Informatika" in texts[8] and "2023" in texts[8]
    assert "Indeks KAMI 2024: skor 256, tingkat kematangan III+, dinilai 12 Sep 2024 (BSSN)" in texts[9]
    assert "Pelindungan data pribadi" in texts[9] and "II+" in texts[9]


def test_english_and_bad_parameters(client):
    texts = _texts(_pdf(client, "lang=en&year=2025"))
    for text, title in zip(texts, TITLES_EN):
        assert title in text[:80]
    assert "4 of 5 applications up, 3 on single sign-on" in texts[2] and "pp from 2024" in texts[5]
    assert "poin persen" not in " ".join(texts)
    for query in ("year=abc", "year=1999", "year=", "lang=xx", "year=2025&year=2024", "year=99999999999999999999",
                  "lang=en&year=%00", ""):
        reader = _pdf(client, query)
        assert len(reader.pages) == len(TITLES_ID), query
    assert "Evaluasi Kota Cerdas 2024" in _texts(_pdf(client, "lang=id&year=2024"))[0]


def test_without_a_browser_the_chart_is_a_table(client, monkeypatch):
    class NoBrowser:
        def png(self, *_args, **_kwargs):
            raise RenderError("cannot start the browser (not found)")

    monkeypatch.setattr(deck_pdf, "renderer", lambda _path: NoBrowser())
    reader = _pdf(client, "lang=id")
    budget = _texts(reader)[7]
    assert "Grafik tidak dapat digambar (RenderError); angkanya:" in budget
    assert "2021 Rp 18,5 miliar" in budget and len(reader.pages[7].images) == 0
    assert len(reader.pages) == len(TITLES_ID)


def _broken(*_args, **_kwargs):
    raise OperationalError("SELECT ...", {}, Exception("database is locked"))


def test_a_failing_database_and_an_empty_city_still_make_the_deck(client, monkeypatch):
    monkeypatch.setattr(indicators, "history", _broken)
    monkeypatch.setattr(evidence, "items", _broken)
    texts = _texts(_pdf(client, "lang=id"))
    assert len(texts) == len(TITLES_ID) and sum("Basis data tidak dapat dihubungi" in t for t in texts) == 8
    monkeypatch.setattr(indicators, "history", lambda _city: pd.DataFrame(columns=HISTORY_COLUMNS))
    monkeypatch.setattr(evidence, "items", lambda _city, **_kw: pd.DataFrame(columns=evidence.ITEM_COLUMNS))
    monkeypatch.setattr(evidence, "portfolio_summary", lambda _city: {"total": 0, "up": 0, "watched": 0,
                                                                      "sso_ready": 0, "groups": {}})
    texts = _texts(_pdf(client, "lang=en"))
    assert len(texts) == len(TITLES_ID) and "No evidence yet for this section." in texts[1]
    assert "No applications registered yet." in texts[2] and "No indicator values yet" in texts[5]


@pytest.mark.parametrize("role, status", [("admin", 200), ("leadership", 200), ("evaluator", 200), ("wall", 403)])
def test_who_may_download_it(app, evaluation_db, role, status):  # noqa: F811
    client = app.server.test_client()
    if role == "wall":
        engine = make_engine(evaluation_db)
        with engine.begin() as conn:
            token = create_screen(conn, f"deck-wall-{id(client)}", ("evaluation",), FIXED_NOW)
        engine.dispose()
        assert client.get(f"/login/wall?token={token}").status_code == 302
        assert client.get("/evaluation").status_code == 200  # the page, yes; the deck, no
    else:
        sign_in(client, evaluation_db, role)
    assert client.get("/evaluation/deck.pdf").status_code == status
    assert app.server.test_client().get("/evaluation/deck.pdf").status_code in (302, 401)  # not signed in
