"""Any unknown path: a friendly message, never a blank screen."""
import dash
from dash import html

from components.i18n import t
from pages import _shared as ctx

dash.register_page(__name__, path="/404", hidden=True)


def layout(**_query):
    lang = ctx.language()
    return html.Div([html.H2(t("page.not_found", lang)), html.A(t("page.not_found.back", lang), href="/")],
                    className="page page-not-found")
