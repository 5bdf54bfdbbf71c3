"""The briefing's server-side exports through the Flask routes: the PDF (opened with pypdf:
pages, title, city, periods, page numbers, chart images) and each chart's PNG (opened with
PIL: size, not blank, the chart's colours), made by kaleido in the system Chromium."""
import io
import re

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

import plotly.graph_objects as go

from app import create_app
from reports.charts import CHARTS, CURRENT_COLOUR, EXPORT_SIZE
from reports.png import browser_path, renderer
from tests.helpers import FIXED_NOW, sign_in, test_settings
from tests.sql import scalar

WEEK = ("2026-11-16 17:00:00", "2026-11-23 07:30:00")  # 17 Nov 00.00 WIB up to the frozen now


def _client(url: str, **overrides):
    app = create_app(test_settings(url, frozen_now=FIXED_NOW, **overrides))
    return sign_in(app.server.test_client(), url, "evaluator")


@pytest.fixture(scope="module")
def client(city_db):
    return _client(city_db)


def _pdf(response) -> tuple[PdfReader, list[str]]:
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return reader, [page.extract_text() for page in reader.pages]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def _share_of_colour(image: Image.Image, colour: tuple[int, int, int]) -> float:
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return float((np.abs(pixels - np.array(colour)).sum(axis=2) < 12).mean())


def test_pdf_export_has_pages_title_periods_page_numbers_and_charts(client, city_db):
    response = client.get("/briefing/export.pdf?period=7d")
    reader, text = _pdf(response)
    assert 'filename="briefing_kota_tangerang_2026-11-17_2026-11-23.pdf"' in response.headers["Content-Disposition"]
    pages = len(reader.pages)
    assert pages >= 1
    assert reader.metadata.title == "Briefing Pimpinan Kota Tangerang"
    first = text[0]
    assert "Briefing Pimpinan Kota Tangerang" in first
    assert "Periode: 7 hari terakhir, 17 Nov 2026 s.d. 23 Nov 2026" in first
    assert "Dibanding: minggu lalu, 10 Nov 2026 s.d. 16 Nov 2026" in first
    assert "Dibuat 23 Nov 2026 14.30 WIB" in first
    assert "Periode berjalan sampai 23 Nov 2026 14.30 WIB" in first  # today is not over: both periods are cut
    for number, page_text in enumerate(text, start=1):
        assert f"Halaman {number} dari {pages}" in page_text
    received = scalar(city_db, "SELECT count(*) FROM complaints WHERE received_at >= :s AND received_at < :e", s=WEEK[0],
                      e=WEEK[1])
    assert re.search(rf"Aduan (naik|turun) \d+% dibanding minggu lalu: {received:,} aduan".replace(",", "."),
                     " ".join(text).replace("\n", " "))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == len(CHARTS)  # every chart made it in
    for image, name in zip(images, CHARTS):
        width, height = EXPORT_SIZE[name]
        assert image.image.size == (width * 2, height * 2)  # drawn at twice the size for print
        assert _share_of_colour(image.image, _rgb(CURRENT_COLOUR)) > 0.003  # this period's bars are there


def test_pdf_export_in_english_for_a_custom_range(client):
    reader, text = _pdf(client.get("/briefing/export.pdf?start=2026-11-01&end=2026-11-14&lang=en"))
    assert reader.metadata.title == "Leadership briefing, Kota Tangerang"
    assert "Period: Date range, 1 Nov 2026 to 14 Nov 2026" in text[0]
    assert "Compared with: the previous period, 18 Oct 2026 to 31 Oct 2026" in text[0]
    assert f"Page 1 of {len(reader.pages)}" in text[0]


def test_pdf_export_of_a_bad_link_falls_back_to_the_default_period(client):
    _, text = _pdf(client.get("/briefing/export.pdf?period=year&lang=id"))
    assert "17 Nov 2026 s.d. 23 Nov 2026" in text[0]


@pytest.mark.parametrize("name", CHARTS)
def test_png_export_of_each_chart(client, name):
    response = client.get(f"/briefing/chart/{name}.png?period=30d")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].endswith(f'_{name}.png"')
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size == EXPORT_SIZE[name]
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 50  # not a blank single-colour image: text, axes, bars
    assert _share_of_colour(image, (255, 255, 255)) > 0.5  # white paper for print
    assert _share_of_colour(image, _rgb(CURRENT_COLOUR)) > 0.003  # this period's bars are drawn


def test_png_export_scale_and_unknown_chart(client):
    response = client.get("/briefing/chart/uptime.png?scale=2")
    width, height = EXPORT_SIZE["uptime"]
    assert Image.open(io.BytesIO(response.data)).size == (2 * width, 2 * height)
    assert client.get("/briefing/chart/nope.png").status_code == 404


def test_without_a_browser_the_png_says_why_and_the_pdf_still_comes(city_db):
    client = _client(city_db, browser_path="/nonexistent/chromium")
    response = client.get("/briefing/chart/late.png")
    assert response.status_code == 503 and response.mimetype == "text/plain"
    assert "/nonexistent/chromium" in response.get_data(as_text=True)
    reader, text = _pdf(client.get("/briefing/export.pdf"))
    assert not [image for page in reader.pages for image in page.images]
    assert "Data tidak dapat dimuat: RenderError" in " ".join(text)
    assert "Aduan" in text[0]  # the sentences and tables are still there


def test_a_browser_that_died_between_images_is_replaced():
    chromium = renderer(browser_path(None))
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 3]))
    assert Image.open(io.BytesIO(chromium.png(figure, 300, 200))).size == (300, 200)
    chromium.kill()  # as if Chromium had crashed
    assert Image.open(io.BytesIO(chromium.png(figure, 320, 200))).size == (320, 200)
