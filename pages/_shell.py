"""Callbacks of the app shell (around every page): the clock, the theme, the freshness strip
and kiosk mode. Registered on the app by ``register`` (not a page: the name starts with _)."""
from __future__ import annotations

from urllib.parse import parse_qsl

import dash
from dash import ClientsideFunction, Input, Output, State
from sqlalchemy.exc import SQLAlchemyError

from components.freshness import freshness_strip, source_problems, strip_error
from components.i18n import localised, t
from components.kiosk import is_kiosk, parse_kiosk
from components.layout import IDS
from data_sources.queries import alerts as alert_queries
from data_sources.queries import complaints, sources
from pages import _shared as ctx
from pages._callbacks import Data, Text, checked


def page_paths() -> dict[str, str]:
    """Page slug (its module's name) -> path, for every registered page."""
    return {p["module"].rsplit(".", 1)[-1]: p["relative_path"] for p in dash.page_registry.values()}


def update_strip(_n):
    lang, profile, now = ctx.language(), ctx.current_profile(), ctx.now()
    try:
        status = sources.source_status(profile.code)
    except SQLAlchemyError as exc:
        return strip_error(type(exc).__name__, lang)
    return freshness_strip(source_problems(localised(status, lang, "name"), now), now, lang=lang, tz=profile.timezone,
                           tz_label=profile.timezone_label)


def read_kiosk_config(search: Text):
    """The kiosk configuration from a kiosk URL; a URL without ``kiosk`` leaves the current one."""
    params = dict(parse_qsl((search or "").lstrip("?")))
    if not is_kiosk(params):
        raise dash.exceptions.PreventUpdate
    settings, lang = ctx.current_settings(), ctx.language()
    config = parse_kiosk(params, page_paths(), default_seconds=settings.kiosk_seconds,
                         reload_hours=settings.kiosk_reload_hours)
    notice = [t(key, lang, value=value) for key, value in config["problems"]]
    return config, " · ".join(notice) or None


def _grew(current: dict, previous: dict, prefix: str = "") -> bool:
    """A signature (count, newest) says something new came: a later newest or a higher count."""
    return ((current["newest"] or "") > str(previous.get(f"{prefix}newest") or "")
            or current["count"] > (previous.get(f"{prefix}count") or 0))


def watch_red_flags(_n, previous: Data):
    """Bump ``seq`` when a new red flag appears (see ``complaints.red_flag_signature``) or a new
    burst of complaints is raised (``alerts.alert_signature``); ``jump`` says which ('flag' or
    'burst': the kiosk shows the complaints page for a flag, the wall for a burst). ``polls``
    counts the answered checks (the page shows it as ``data-kiosk-polls``)."""
    code = ctx.current_profile().code
    try:
        current = complaints.red_flag_signature(code, ctx.now())
        burst = alert_queries.alert_signature(code)
    except SQLAlchemyError:
        raise dash.exceptions.PreventUpdate  # keep the last known state; the tiles say what failed
    previous = previous if isinstance(previous, dict) else {}
    seq, polls, jump = previous.get("seq", 0), previous.get("polls", 0), previous.get("jump")
    new_flag, new_burst = bool(previous) and _grew(current, previous), bool(previous) and _grew(burst, previous, "burst_")
    if new_flag or new_burst:
        seq, jump = seq + 1, "burst" if new_burst else "flag"
    return current | {"burst_count": burst["count"], "burst_newest": burst["newest"], "jump": jump, "seq": seq,
                      "polls": polls + 1}


def register(app: dash.Dash) -> None:
    app.clientside_callback("(n, open) => n ? !open : open", Output(IDS["menu"], "is_open"),
                            Input(IDS["menu_toggle"], "n_clicks"), State(IDS["menu"], "is_open"),
                            prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction(namespace="liveroom", function_name="clock"),
                            Output(IDS["clock"], "children"), Input(IDS["clock_tick"], "n_intervals"),
                            Input(IDS["clock_config"], "data"))
    app.clientside_callback(ClientsideFunction(namespace="liveroom", function_name="applyTheme"),
                            Output(IDS["theme_store"], "modified_timestamp"), Input(IDS["theme_store"], "data"))
    app.callback(Output(IDS["strip"], "children"), Input(IDS["strip_tick"], "n_intervals"))(checked(update_strip))
    app.clientside_callback(ClientsideFunction(namespace="kiosk", function_name="readSearch"),
                            Output(IDS["kiosk_search"], "data"), Input(IDS["theme_store"], "data"))
    app.callback(Output(IDS["kiosk_config"], "data"), Output(IDS["kiosk_notice"], "children"),
                 Input(IDS["kiosk_search"], "data"))(checked(read_kiosk_config))
    app.clientside_callback(ClientsideFunction(namespace="kiosk", function_name="apply"),
                            Output(IDS["kiosk_tick"], "disabled"), Output(IDS["kiosk_watch"], "disabled"),
                            Input(IDS["kiosk_config"], "data"))
    app.clientside_callback(ClientsideFunction(namespace="kiosk", function_name="step"),
                            Output(IDS["kiosk_state"], "data"), Input(IDS["kiosk_tick"], "n_intervals"),
                            Input(IDS["kiosk_alert"], "data"), State(IDS["kiosk_config"], "data"),
                            State(IDS["kiosk_state"], "data"))
    app.callback(Output(IDS["kiosk_alert"], "data"), Input(IDS["kiosk_watch"], "n_intervals"),
                 State(IDS["kiosk_alert"], "data"))(checked(watch_red_flags))
