"""Filter controls: the period switch with its date range (the complaints page and the
briefing), the complaint filter bar (period, kecamatan, category, agency and status; built from
a parsed ``ComplaintFilter`` so a pasted link shows its filters in the controls), and the
warning that names what a link asked for but could not be used."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from cities import CityProfile
from components.controls import dropdown
from components.i18n import t
from data_sources.models import COMPLAINT_STATUSES
from data_sources.queries.filters import PERIODS, ComplaintFilter
from data_sources.rules.periods import Problem


def _multi(control_id: str, label: str, options: list[dict], value: tuple[str, ...], lang: str) -> dbc.Col:
    return dbc.Col([
        dbc.Label(label, html_for=control_id, className="filter-label"),
        dropdown(lang, id=control_id, options=options, value=list(value), multi=True,
                     placeholder=t("complaints.filter.all", lang), className="filter-dropdown"),
    ], md=6, lg=2)


def period_control(period_id: str, dates_id: str, *, label: str, options: list[dict], value: str,
                   first_day, last_day, custom: bool) -> list:
    """A period switch (one button group) with a date-range picker shown for a custom period;
    dates are local days (``first_day`` .. ``last_day`` inclusive)."""
    return [
        dbc.Label(label, className="filter-label"),
        dbc.RadioItems(id=period_id, options=options, value=value, inline=True,
                       className="btn-group period-switch", inputClassName="btn-check",
                       labelClassName="btn btn-outline-primary btn-sm", labelCheckedClassName="active"),
        dcc.DatePickerRange(id=dates_id, start_date=first_day.isoformat(), end_date=last_day.isoformat(),
                            display_format="DD-MM-YYYY", first_day_of_week=1, className="filter-dates",
                            style={"display": "block" if custom else "none"}),
    ]


def filter_bar(ids: dict[str, str], flt: ComplaintFilter, profile: CityProfile, lang: str) -> html.Div:
    """Controls whose ids come from ``ids`` (keys: period, dates, kecamatan, category, agency, status)."""
    period_options = [{"label": t(f"complaints.period.{p}", lang), "value": p} for p in PERIODS]
    return html.Div(dbc.Row([
        dbc.Col(period_control(ids["period"], ids["dates"], label=t("complaints.filter.period", lang),
                               options=period_options, value=flt.period.key, first_day=flt.first_day,
                               last_day=flt.last_day, custom=flt.period.key == "custom"), lg=4),
        _multi(ids["kecamatan"], t("complaints.filter.kecamatan", lang),
               [{"label": k.name, "value": k.code} for k in profile.kecamatan], flt.kecamatan, lang),
        _multi(ids["category"], t("complaints.filter.category", lang),
               [{"label": c.name_id if lang == "id" else c.name_en, "value": c.code}
                for c in profile.complaint_categories], flt.category, lang),
        _multi(ids["agency"], t("complaints.filter.agency", lang),
               [{"label": a.name, "value": a.code} for a in profile.agencies], flt.agency, lang),
        _multi(ids["status"], t("complaints.filter.status", lang),
               [{"label": t(f"status.{s}", lang), "value": s} for s in COMPLAINT_STATUSES], flt.status, lang),
    ], className="g-2 align-items-end"), className="filter-bar")


def params_from_controls(period: str | None, start_date: str | None, end_date: str | None, kecamatan, category,
                         agency, status) -> dict[str, str]:
    """Query parameters from the controls' values (the inverse of ``filter_bar``)."""
    params = {"period": period or ""}
    if period == "custom":
        params |= {"from": (start_date or "")[:10], "to": (end_date or "")[:10]}
    for name, values in (("kecamatan", kecamatan), ("category", category), ("agency", agency), ("status", status)):
        if values:
            params[name] = ",".join(values)
    return params


def problems_notice(problems: tuple[Problem, ...], lang: str, class_name: str = "") -> dbc.Alert | None:
    """One warning naming each part of the URL that was not used as given (``rules.periods.Problem``)."""
    if not problems:
        return None
    items = "; ".join(t(p.key, lang, value=p.value) for p in problems)
    return dbc.Alert(f"{t('problem.intro', lang)} {items}", color="warning", className=f"py-1 {class_name}".strip())
