"""/admin : for the administrator: people's accounts (make one: its password is shown once;
disable or enable), wall screens (make one: its sign-in address is shown once; revoke), the
sources' API keys (make one: shown once; revoke) and the audit log, filtered by who and what.
Only the admin role opens this page or reaches its callbacks (``rules.access``); every
change is written to the audit log."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from components.admin import audit_table, screen_table, secret_notice, user_table
from components.cards import card
from components.controls import dropdown
from components.i18n import localised, t
from components.tables import key_table
from components.tiles import error_panel
from data_sources import audit, models, users
from data_sources.db import database
from data_sources.ingest import keys
from data_sources.queries import sources
from data_sources.rules.access import PEOPLE_ROLES, WALL_PAGES
from pages import _shared as ctx
from pages._callbacks import Text, Texts, callback

dash.register_page(__name__, path="/admin", name="Admin", order=99)

PAGE = "admin"
IDS = {name: f"{PAGE}-{name.replace('_', '-')}" for name in (
    "refresh", "users", "user_name", "user_role", "user_create", "user_toggle_name", "user_toggle", "user_result",
    "screens", "screen_name", "screen_pages", "screen_create", "screen_revoke", "screen_result", "keys",
    "key_source", "key_create", "key_prefix", "key_revoke", "key_result", "audit", "audit_actor", "audit_action")}


def _field(label: str, control) -> dbc.Col:
    return dbc.Col([dbc.Label(label, className="filter-label"), control], md=3)


def layout(**_query):
    lang = ctx.language()
    roles = [{"label": t(f"role.{r}", lang), "value": r} for r in PEOPLE_ROLES]
    pages = [{"label": t(f"page.{p}", lang), "value": p} for p in WALL_PAGES]
    button = lambda key, id_, color="primary": dbc.Button(t(key, lang), id=IDS[id_], color=color, size="sm")  # noqa: E731
    return html.Div([
        dcc.Interval(id=IDS["refresh"], interval=ctx.current_settings().refresh_interval_seconds * 1000),
        card(t("admin.users", lang), [
            dbc.Row([_field(t("login.username", lang), dbc.Input(id=IDS["user_name"], size="sm")),
                     _field(t("admin.role", lang), dropdown(lang, id=IDS["user_role"], options=roles, value="operator",
                                                                clearable=False)),
                     dbc.Col(button("admin.create", "user_create"), md=2, className="align-self-end"),
                     _field(t("admin.disable_name", lang), dbc.Input(id=IDS["user_toggle_name"], size="sm")),
                     dbc.Col(button("admin.toggle", "user_toggle", "secondary"), md=1, className="align-self-end")],
                    className="g-2 mb-2"),
            html.Div(id=IDS["user_result"]), html.Div(id=IDS["users"])], class_name="mb-3"),
        card(t("admin.screens", lang), [
            dbc.Row([_field(t("admin.screen_name", lang), dbc.Input(id=IDS["screen_name"], size="sm")),
                     dbc.Col([dbc.Label(t("admin.screen_pages", lang), className="filter-label"),
                              dropdown(lang, id=IDS["screen_pages"], options=pages, multi=True,
                                           value=["overview", "complaints", "cctv", "wifi"])], md=5),
                     dbc.Col([button("admin.create", "screen_create"), " ",
                              button("admin.revoke", "screen_revoke", "danger")], md=4, className="align-self-end")],
                    className="g-2 mb-2"),
            html.Div(id=IDS["screen_result"]), html.Div(id=IDS["screens"])], class_name="mb-3"),
        card(t("sources.keys", lang), [
            dbc.Row([_field(t("sources.name", lang), dropdown(lang, id=IDS["key_source"], clearable=False)),
                     dbc.Col(button("admin.create", "key_create"), md=2, className="align-self-end"),
                     _field(t("sources.keys.prefix", lang), dbc.Input(id=IDS["key_prefix"], size="sm")),
                     dbc.Col(button("admin.revoke", "key_revoke", "danger"), md=2, className="align-self-end")],
                    className="g-2 mb-2"),
            html.Div(id=IDS["key_result"]), html.Div(id=IDS["keys"])], class_name="mb-3"),
        card(t("admin.audit", lang), [
            dbc.Row([_field(t("admin.actor", lang), dbc.Input(id=IDS["audit_actor"], size="sm", debounce=True)),
                     _field(t("admin.action", lang), dropdown(
                         lang, id=IDS["audit_action"],
                         options=[{"label": t(f"audit.{a}", lang), "value": a} for a in audit.ACTIONS]))],
                    className="g-2 mb-2"),
            html.Div(id=IDS["audit"])], class_name="mb-3"),
    ], className="page page-admin")


def _changed(conn, detail: str) -> None:
    ctx.note("admin_change", detail, conn)


@callback(Output(IDS["users"], "children"), Output(IDS["screens"], "children"), Output(IDS["keys"], "children"),
          Output(IDS["key_source"], "options"), Input(IDS["refresh"], "n_intervals"), Input(IDS["user_result"], "children"),
          Input(IDS["screen_result"], "children"), Input(IDS["key_result"], "children"))
def update_lists(*_):
    lang, profile = ctx.language(), ctx.current_profile()
    tz, label = profile.timezone, profile.timezone_label
    try:
        with database.engine.connect() as conn:
            people = conn.execute(select(models.User.username, models.User.role, models.User.active,
                                         models.User.last_login_at).order_by(models.User.username)).all()
            screens = conn.execute(select(models.WallScreen.name, models.WallScreen.pages, models.WallScreen.last_seen_at,
                                          models.WallScreen.revoked_at).order_by(models.WallScreen.name)).all()
        status = localised(sources.source_status(profile.code), lang, "name")
        source_keys = sources.source_keys(profile.code)
    except SQLAlchemyError as exc:
        panel = error_panel(type(exc).__name__, lang)
        return panel, panel, panel, []
    options = [{"label": f"{r.name} ({r.key})", "value": r.key} for r in status.itertuples() if r.feed != "indicators"]
    return (user_table(people, lang, tz, label), screen_table(screens, lang, tz, label),
            key_table(source_keys, lang, tz, label), options)


@callback(Output(IDS["user_result"], "children"), Input(IDS["user_create"], "n_clicks"),
          Input(IDS["user_toggle"], "n_clicks"), State(IDS["user_name"], "value"), State(IDS["user_role"], "value"),
          State(IDS["user_toggle_name"], "value"), prevent_initial_call=True)
def change_user(_create, _toggle, name: Text, role: Text, toggle_name: Text):
    lang, now = ctx.language(), ctx.now()
    try:
        with database.engine.begin() as conn:
            if dash.ctx.triggered_id == IDS["user_create"]:
                password = users.new_password()
                made = users.create_user(conn, str(name or ""), str(role or ""), password, now)
                _changed(conn, f"user {made.username} ({made.role}) created")
                return secret_notice(t("admin.password_once", lang, name=made.username), password, "password")
            found = conn.execute(select(models.User.active).where(models.User.username == str(toggle_name or ""))).first()
            if found is None:
                raise users.AccountError(t("admin.no_user", lang, name=str(toggle_name or "")[:100]))
            users.set_active(conn, str(toggle_name), not found.active)
            _changed(conn, f"user {toggle_name} {'disabled' if found.active else 'enabled'}")
            return dbc.Alert(t("admin.toggled", lang, name=toggle_name), color="success", className="py-1")
    except users.AccountError as exc:
        return dbc.Alert(str(exc), color="warning", className="py-1")
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang)


@callback(Output(IDS["screen_result"], "children"), Input(IDS["screen_create"], "n_clicks"),
          Input(IDS["screen_revoke"], "n_clicks"), State(IDS["screen_name"], "value"), State(IDS["screen_pages"], "value"),
          prevent_initial_call=True)
def change_screen(_create, _revoke, name: Text, pages: Texts):
    lang, now, name = ctx.language(), ctx.now(), str(name or "")
    chosen = tuple(p for p in (pages if isinstance(pages, list) else []) if isinstance(p, str))
    try:
        with database.engine.begin() as conn:
            if dash.ctx.triggered_id == IDS["screen_create"]:
                token = users.create_screen(conn, name, chosen, now)
                _changed(conn, f"wall screen {name} created ({', '.join(chosen)})")
                return secret_notice(t("admin.screen_once", lang, name=name), f"/login/wall?token={token}", "wall")
            if not users.revoke_screen(conn, name, now):
                raise users.AccountError(t("admin.no_screen", lang, name=name[:100]))
            _changed(conn, f"wall screen {name} revoked")
            return dbc.Alert(t("admin.revoked", lang, name=name), color="success", className="py-1")
    except users.AccountError as exc:
        return dbc.Alert(str(exc), color="warning", className="py-1")
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang)


@callback(Output(IDS["key_result"], "children"), Input(IDS["key_create"], "n_clicks"),
          Input(IDS["key_revoke"], "n_clicks"), State(IDS["key_source"], "value"), State(IDS["key_prefix"], "value"),
          prevent_initial_call=True)
def change_key(_create, _revoke, source: Text, prefix: Text):
    lang, profile, now = ctx.language(), ctx.current_profile(), ctx.now()
    try:
        with database.engine.begin() as conn:
            if dash.ctx.triggered_id == IDS["key_create"]:
                found = conn.execute(select(models.Source.id).where(models.Source.city_code == profile.code,
                                                                    models.Source.key == str(source or ""))).scalar()
                if found is None:
                    raise ValueError(t("admin.no_source", lang))
                key = keys.make_key(conn, found, f"{source} {now:%Y-%m-%d}", now)
                _changed(conn, f"key for source {source} created ({key[:12]}…)")
                return secret_notice(t("admin.key_once", lang, name=source), key, "key")
            count = keys.revoke(conn, profile.code, str(prefix or ""), now)
            _changed(conn, f"{count} key(s) starting {str(prefix)[:12]} revoked")
            return dbc.Alert(t("admin.keys_revoked", lang, n=count), color="success" if count else "warning",
                             className="py-1")
    except ValueError as exc:
        return dbc.Alert(str(exc), color="warning", className="py-1")
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang)


@callback(Output(IDS["audit"], "children"), Input(IDS["refresh"], "n_intervals"), Input(IDS["audit_actor"], "value"),
          Input(IDS["audit_action"], "value"))
def update_audit(_n, actor: Text, action: Text):
    lang, profile = ctx.language(), ctx.current_profile()
    try:
        with database.engine.connect() as conn:
            frame = audit.entries(conn, actor=str(actor or "")[:120] or None,
                                  action=action if action in audit.ACTIONS else None)
    except SQLAlchemyError as exc:
        return error_panel(type(exc).__name__, lang)
    return audit_table(frame, lang, profile.timezone, profile.timezone_label)
