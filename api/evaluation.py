"""The evaluation deck as a PDF, made on the server: ``/evaluation/deck.pdf?lang=id|en&year=YYYY``,
one landscape A4 page per slide of the presentation (``reports.deck``, ``reports.deck_pdf``). A
``year`` without values (or not a year) gives the newest year, an unknown ``lang`` the reader's
language; never an error page. Behind the ``briefing_export`` permission (``api.auth``)."""
from __future__ import annotations

from flask import Blueprint, Response, request

from api.auth import note
from api.preferences import request_language
from components import formatting
from data_sources.runtime import current_now, current_profile, current_settings
from reports import deck, deck_pdf
from reports.png import browser_path

blueprint = Blueprint("evaluation_export", __name__)


@blueprint.get("/evaluation/deck.pdf")
def deck_pdf_file():
    profile, lang, now = current_profile(), request_language(), current_now()
    built = deck.build(profile, request.args.get("year"), lang)
    note("export", f"evaluation deck {built.year} {lang}")
    made = formatting.local_datetime(now, profile.timezone, profile.timezone_label, lang)
    body = deck_pdf.build_pdf(built, now, made, request.host_url, browser_path(current_settings().browser_path))
    name = f"evaluasi_{profile.slug}_{built.year or 'kosong'}_{lang}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
