"""/evaluation, its presentation and the deck PDF in English show no profile string in its
Indonesian form where the profile gives an English one: indicator names, sub-dimension names,
units (read after a number, where values and changes carry them) and agency names. Every
dimension is opened with all its sub-dimensions, and every indicator with its history."""
import json
import re
from io import BytesIO

import pytest
from dash.development.base_component import Component
from pypdf import PdfReader

from app import create_app
from tests.evaluation_data import evaluation_db  # noqa: F401 - a fixture
from tests.helpers import FIXED_NOW, sign_in, test_settings


@pytest.fixture(scope="module")
def app(evaluation_db):  # noqa: F811
    return create_app(test_settings(evaluation_db, frozen_now=FIXED_NOW))


def _texts(node):
    """Every text a reader can see in a component tree: children, titles, labels, figures' texts."""
    if node is None or isinstance(node, (int, float, bool)):
        return
    if isinstance(node, str):
        yield node
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _texts(item)
    elif isinstance(node, Component):
        for prop in ("children", "title", "label", "placeholder", "options"):
            yield from _texts(getattr(node, prop, None))
        figure = getattr(node, "figure", None)
        if figure is not None:
            yield json.dumps(figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure,
                             ensure_ascii=False, default=str)
    elif isinstance(node, dict):
        yield from _texts(node.get("label"))


def _forbidden(profile) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(names, units): pairs of (what must not show, where it comes from) whose English form differs."""
    names = [(i.name_id, f"indicator {i.code}") for i in profile.indicators if i.name_id != i.name_en]
    names += [(s.name_id, f"sub-dimension {s.code}") for s in profile.sub_dimensions.values() if s.name_id != s.name_en]
    names += [(a.name, f"agency {a.code}") for a in profile.agencies if a.name != a.name_en]
    units = sorted({(i.unit, f"unit of {i.code}") for i in profile.indicators if i.unit != i.unit_en})
    return names, units


def _problems(text: str, profile) -> list[str]:
    names, units = _forbidden(profile)
    found = [f"{where}: {value!r}" for value, where in names
             if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text)]
    found += [f"{where}: {value!r}" for value, where in units
              if re.search(rf"\d {re.escape(value)}(?!\w)", text)]  # values and changes: '298 layanan'
    return found


def test_the_page_in_english_shows_no_indonesian_profile_strings(app, profile):
    import pages.evaluation as page

    with app.server.test_request_context("/evaluation", headers={"Cookie": "liveroom_lang=en"}):
        parts = [page.layout(), page.layout(present="1")]
        for year in (2025, 2020):
            for dimension in profile.dimensions:
                subs = [[s.code for s in dimension.sub_dimensions]]
                parts.append(page.dimension_view({"type": "evaluation-dimension", "index": dimension.code}, year,
                                                 None, subs)[0])
            parts += [page.indicator_view(spec.code, year) for spec in profile.indicators]
        parts.append(page.year_view(2019))
    text = "\n".join(_texts(parts))
    assert "Smart Economy" in text and "pp from 2024" in text  # it is the English page
    for spec in profile.indicators[:5]:
        assert spec.name_en in text
    assert _problems(text, profile) == []
    assert _problems("Layanan publik yang tersedia daring: 298 layanan", profile)  # the check itself finds them


def test_the_deck_in_english_shows_no_indonesian_profile_strings(app, evaluation_db, profile):  # noqa: F811
    client = sign_in(app.server.test_client(), evaluation_db, "evaluator")
    answer = client.get("/evaluation/deck.pdf?lang=en&year=2025")
    assert answer.status_code == 200
    reader = PdfReader(BytesIO(answer.data))
    text = "\n".join(page.extract_text() for page in reader.pages) + str(reader.metadata)
    assert "Smart City Evaluation" in text and "Economy" in text
    assert _problems(" ".join(text.split()), profile) == []
