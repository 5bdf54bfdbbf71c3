"""The scorecard (rules.scorecard) and its words (reports.evaluation_text): capped, weighted
scores; statuses; a dimension with a missed indicator is never fully met; changes in
percentage points or the indicator's unit; the sentence that tells how a dimension moved."""
import math
import random

import pandas as pd
import pytest

from components.i18n import t
from data_sources.rules import scorecard
from data_sources.rules.scoring import shown_percent
from reports import evaluation_text as words

COLUMNS = scorecard.HISTORY_COLUMNS


def _history(profile, values: dict[str, dict[int, float]], codes: set[str] | None = None) -> pd.DataFrame:
    """A history like queries.indicators.history: every indicator of ``codes`` (default: those
    in ``values``), with its values by year; one without values once, with no year."""
    rows = []
    for spec in profile.indicators:
        if spec.code not in (codes or set(values)):
            continue
        by_year = values.get(spec.code) or {None: None}
        for year, value in by_year.items():
            rows.append([spec.code, spec.dimension, spec.sub_dimension, spec.name_id, spec.name_en, spec.unit,
                         spec.unit_en, spec.target, spec.direction, spec.weight, year,
                         math.nan if value is None else value])
    return pd.DataFrame(rows, columns=COLUMNS)


ECONOMY = {  # industry: 200 % (capped at 100) and 50 %; welfare: two met (lower is better), one without a value;
    # finance: one met, one without a value
    "eco_pertumbuhan": {2025: 11.0, 2024: 5.0}, "eco_industri_kreatif": {2025: 1500.0, 2024: 1400.0},
    "eco_pengangguran": {2025: 3.0}, "eco_kemiskinan": {2025: 4.5},
    "eco_nontunai": {2025: 90.0, 2024: 84.0},
}


def _row(frame: pd.DataFrame, column: str, value: str) -> dict:
    return frame[frame[column] == value].iloc[0].to_dict()


def test_capped_weighted_scores_and_counts(profile):
    history = _history(profile, ECONOMY, set(ECONOMY) | {"eco_umkm_digital", "eco_qris"})
    before = history.copy()
    card = scorecard.build(history, profile, 2025)
    pd.testing.assert_frame_equal(history, before)  # the input is not changed
    industry = _row(card.sub_dimensions, "sub_dimension", "industry")
    assert industry["score"] == pytest.approx((1.0 + 0.5) / 2)  # 200 % counts as 100 %, not 200 %
    assert (industry["met"], industry["missed"], industry["no_data"]) == (1, 1, 0)
    welfare = _row(card.sub_dimensions, "sub_dimension", "public_welfare")
    assert welfare["score"] == 1.0 and welfare["no_data"] == 1  # eco_umkm_digital has no value
    finance = _row(card.sub_dimensions, "sub_dimension", "financial_transactions")
    assert finance["score"] == 1.0 and finance["no_data"] == 1  # left out of the mean, never taken as 0 or as met
    assert finance["status"] == "close"  # 100 % with a figure missing is not "met"
    economy = _row(card.dimensions, "dimension", "economy")
    assert economy["score"] == pytest.approx((0.75 + 1 + 1) / 3)
    assert economy["status"] == "close" and shown_percent(economy["score"]) == 91
    assert (economy["met"], economy["close"], economy["missed"], economy["no_data"]) == (4, 0, 1, 2)
    governance = _row(card.dimensions, "dimension", "governance")
    assert math.isnan(governance["score"]) and governance["status"] == "no_data"
    growth = _row(card.indicators, "code", "eco_pertumbuhan")
    assert growth["achievement"] == pytest.approx(2.0) and growth["score"] == 1.0 and growth["status"] == "met"
    assert _row(card.indicators, "code", "eco_pengangguran")["achievement"] == 2.0  # lower is better: target / value


def test_indicator_weights_and_sub_dimension_weights_count(profile):
    values = {"gov_spbe": {2025: 4.0}, "gov_sakip": {2025: 40.0}}  # weight 2 at 100 %, weight 1 at 50 %
    card = scorecard.build(_history(profile, values, set(values) | {"gov_aplikasi_sso"}), profile, 2025)
    assert _row(card.sub_dimensions, "sub_dimension", "bureaucracy")["score"] == pytest.approx((2 * 1 + 0.5) / 3)
    weighted = profile.model_copy(deep=True)
    governance = next(d for d in weighted.dimensions if d.code == "governance")
    values |= {"gov_ikm": {2025: 85.0}}  # public services at 100 %, bureaucracy at 5/6
    governance.sub_dimensions[0].weight = 3.0  # public services counts three times
    plain = _row(scorecard.build(_history(profile, values), profile, 2025).dimensions, "dimension", "governance")
    heavy = _row(scorecard.build(_history(profile, values), weighted, 2025).dimensions, "dimension", "governance")
    assert plain["score"] == pytest.approx((1 + 5 / 6) / 2)
    assert heavy["score"] == pytest.approx((3 * 1 + 5 / 6) / 4)


def test_a_dimension_with_a_missed_indicator_is_never_fully_met(profile):
    codes = [i for i in profile.indicators if i.dimension == "environment"]
    generator = random.Random(14)
    for _ in range(200):
        values = {}
        for spec in codes:
            share = generator.choice([0.3, 0.89, 0.95, 1.0, 1.5, 5.0])
            values[spec.code] = {2025: spec.target * share if spec.direction == "higher" else spec.target / share}
        card = scorecard.build(_history(profile, values), profile, 2025)
        row = _row(card.dimensions, "dimension", "environment")
        if row["missed"] or row["close"]:
            assert row["status"] != "met" and row["score"] < 1 and shown_percent(row["score"]) <= 99, values
        else:
            assert row["status"] == "met" and shown_percent(row["score"]) == 100


@pytest.mark.parametrize("value, status", [(90.0, "met"), (81.0, "close"), (80.0, "missed"), (None, "no_data")])
def test_indicator_status(profile, value, status):
    values = {"eco_nontunai": {2025: value}} if value is not None else {}
    card = scorecard.build(_history(profile, values, {"eco_nontunai"}), profile, 2025)
    assert _row(card.indicators, "code", "eco_nontunai")["status"] == status  # target 90 %, close from 90 % of it


def test_lower_is_better_is_judged_inverted(profile):
    card = scorecard.build(_history(profile, {"liv_stunting": {2025: 15.4}, "eco_kemiskinan": {2025: 0.0}}), profile,
                           2025)
    stunting = _row(card.indicators, "code", "liv_stunting")  # target 14 %: 15,4 % reaches 14 / 15,4 = 91 %
    assert stunting["achievement"] == pytest.approx(14 / 15.4) and stunting["status"] == "close"
    poverty = _row(card.indicators, "code", "eco_kemiskinan")  # none at all: met, counted as 100 %
    assert poverty["status"] == "met" and poverty["score"] == 1.0


def test_changes_are_labelled_in_points_or_the_unit(profile):
    values = {"eco_nontunai": {2024: 84.0, 2025: 90.0}, "gov_spbe": {2024: 3.7, 2025: 4.0},
              "gov_mpp": {2024: 300.0, 2025: 288.0}, "gov_ikm": {2025: 85.0}}
    card = scorecard.build(_history(profile, values), profile, 2025)
    rows = {r["code"]: r for r in card.indicators.to_dict("records")}
    assert (rows["eco_nontunai"]["change"], rows["eco_nontunai"]["change_in"]) == (pytest.approx(6.0), "pp")
    assert rows["gov_spbe"]["change_in"] == "unit" and math.isnan(rows["gov_ikm"]["change"])
    label = lambda code, lang: words.change_label(rows[code]["change"], rows[code]["change_in"],  # noqa: E731
                                                  words.unit(rows[code], lang), lang)
    assert label("eco_nontunai", "id") == "+6,0 poin persen" and label("eco_nontunai", "en") == "+6.0 pp"
    assert label("gov_spbe", "id") == "+0,3 indeks" and label("gov_spbe", "en") == "+0.3 index"
    assert label("gov_mpp", "id") == "\u221212 layanan" and label("gov_mpp", "en") == "\u221212 services"
    assert label("gov_ikm", "id") == "\u2013"
    for code in ("eco_nontunai", "gov_spbe", "gov_mpp"):
        assert not label(code, "id").endswith("%") and not label(code, "en").endswith("%")  # never a bare "%"
    economy = _row(card.dimensions, "dimension", "economy")  # 84/90 -> 90/90 on the only indicator with values
    assert economy["change"] == pytest.approx(1 - 84 / 90)
    assert words.score_change_label(economy["change"], "id") == "+6,7 poin persen"
    assert words.value_label(4.0, "indeks", "id") == "4 indeks" and words.value_label(80.5, "%", "en") == "80.5%"


def test_a_year_before_is_the_previous_score(profile):
    history = _history(profile, {"eco_nontunai": {2023: 45.0, 2024: 81.0, 2025: 90.0}})
    card = scorecard.build(history, profile, 2025)
    economy = _row(card.dimensions, "dimension", "economy")
    assert economy["previous_score"] == pytest.approx(0.9) and economy["change"] == pytest.approx(0.1)
    trend = scorecard.dimension_history(history, profile)
    assert trend[trend["dimension"] == "economy"]["score"].round(3).tolist() == [0.5, 0.9, 1.0]
    assert list(trend["year"].unique()) == [2023, 2024, 2025] and scorecard.years(history) == [2023, 2024, 2025]
    assert scorecard.indicator_history(history, "eco_nontunai")["value"].tolist() == [45.0, 81.0, 90.0]


PANDEMIC = [(2017, .66), (2018, .713), (2019, .744), (2020, .547), (2021, .698), (2022, .879), (2023, .917),
            (2024, .973), (2025, .982)]


def test_the_sentence_names_the_years_it_fell_recovered_and_rose():
    segments = scorecard.trend(PANDEMIC)
    assert [(s.direction, s.years) for s in segments] == [
        ("up", (2018, 2019)), ("down", (2020,)), ("recovering", (2021,)), ("up", (2022, 2023, 2024, 2025))]
    assert words.trend_sentence("Ekonomi", segments, 2017, "id") == (
        "Ekonomi naik pada 2018 dan 2019, turun pada 2020, pulih sebagian pada 2021 dan naik setiap tahun sejak 2022.")
    assert words.trend_sentence("Economy", segments, 2017, "en") == (
        "Economy rose in 2018 and 2019, fell in 2020, partly recovered in 2021 and has risen every year since 2022.")
    steady = scorecard.trend([(2017, .6), (2018, .7), (2019, .8), (2020, math.nan), (2021, .9)])
    assert words.trend_sentence("Lingkungan", steady, 2017, "id") == "Lingkungan naik setiap tahun sejak 2018."
    flat = scorecard.trend([(2023, .8), (2024, .802), (2025, .7)])
    assert words.trend_sentence("Society", flat, 2023, "en") == "Society held steady in 2024 and fell in 2025."
    assert words.trend_sentence("Ekonomi", [], 2025, "id") == "Ekonomi: baru ada nilai untuk 2025."
    assert words.trend_sentence("Ekonomi", [], None, "en") == "Ekonomi: no values yet."
    zigzag = scorecard.trend([(2017 + i, s) for i, s in enumerate([.5, .6, .55, .7, .65, .8, .75, .9])])
    assert words.trend_sentence("Citra kota", zigzag, 2017, "id") == (
        "Citra kota turun pada 2019, 2021 dan 2023; naik atau stabil pada tahun lain sejak 2018.")


def test_status_words_have_a_sign_and_both_languages():
    for status in ("met", "close", "missed", "no_data"):
        assert words.status_text(status, "id").split(" ", 1)[1] == t(f"evaluation.status.{status}", "id")
        assert words.STATUS_ICONS[status] in words.status_text(status, "en")
    assert words.counts_label({"met": 4, "close": 2, "missed": 1, "no_data": 0}, "id") == "4 tercapai \u00b7 2 hampir \u00b7 1 belum"
    assert words.counts_label({"met": 1, "close": 0, "missed": 0, "no_data": 2}, "en") == (
        "1 met \u00b7 0 close \u00b7 0 missed \u00b7 2 without data")
    assert words.score_label(0.996, "id") == "99%" and words.score_label(1.0, "id") == "100%"
    assert words.score_label(math.nan, "id") == "\u2013"
