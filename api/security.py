"""What every response carries, and what no response carries.

Headers (flask-talisman): a Content-Security-Policy that Dash, plotly and MapLibre run under
(scripts only from this site and the hashes Dash gives for its own inline scripts, no
``unsafe-inline`` script; MapLibre's worker from ``blob:``; map tiles from the hosts the map
style needs; ``frame-ancestors`` from the settings, so the city can embed the wall in its
portal), ``X-Content-Type-Options: nosniff``, a ``Referrer-Policy``, HSTS when served over
HTTPS, and no ``Server`` version. Request bodies have a limit (413 above it).

Errors: a callback request whose envelope is not what Dash sends (a body that is not an
object, inputs or outputs missing or of the wrong type) answers 400 from ``check_envelope``;
anything unexpected answers a short message, never a traceback (it is logged on the server).
"""
from __future__ import annotations

import json
import logging

import dash
from dash import ALL, ALLSMALLER, MATCH, Input, Output, State
from dash._utils import split_callback_id
from flask import Flask, current_app, jsonify, request
from flask_talisman import Talisman
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)


def content_security_policy(app: dash.Dash, map_hosts: list[str], frame_ancestors: list[str]) -> dict:
    scripts = ["'self'", *app.csp_hashes()]  # each already quoted: 'sha256-...'
    return {
        "default-src": "'self'",
        "script-src": scripts,
        "style-src": ["'self'", "'unsafe-inline'"],  # Dash, plotly and AG Grid set styles inline
        "img-src": ["'self'", "data:", "blob:", *map_hosts],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *map_hosts],  # MapLibre fetches its style, tiles and glyphs
        "worker-src": ["'self'", "blob:"],  # MapLibre draws in a worker made from a blob
        "child-src": ["'self'", "blob:"],
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors or "'none'",
    }


def check_envelope():
    """A callback request must look like what Dash's renderer sends; anything else is a 400."""
    if request.path != "/_dash-update-component" or request.method != "POST":
        return None
    body = request.get_json(silent=True)
    problem = None
    if not isinstance(body, dict):
        problem = "the body is not a JSON object"
    elif not isinstance(body.get("output"), str):
        problem = "output is missing or not text"
    elif not isinstance(body.get("outputs"), (dict, list)):
        problem = "outputs is missing or not an object or a list"
    elif not isinstance(body.get("inputs"), list) or not isinstance(body.get("state", []), list):
        problem = "inputs or state is not a list"
    elif not all(isinstance(item, (dict, list)) for item in body["inputs"] + body.get("state", [])):
        problem = "an input or state is not an object"
    elif not isinstance(body.get("changedPropIds", []), list) or not all(
            isinstance(prop, str) for prop in body.get("changedPropIds", [])):
        problem = "changedPropIds is not a list of texts"
    elif body["output"] not in current_app.config["LIVEROOM_DASH"].callback_map:
        problem = "no such callback"
    else:
        problem = _against_definition(body, current_app.config["LIVEROOM_DASH"].callback_map[body["output"]])
    if problem:
        return jsonify({"error": "bad_request", "message": problem}), 400
    return None


def _declared(spec: dict, kind):
    """A dependency of the callback's definition (its id a pattern when written as JSON)."""
    if not spec["id"].startswith("{"):
        return kind(spec["id"], spec["property"])
    wildcards = {"ALL": ALL, "ALLSMALLER": ALLSMALLER, "MATCH": MATCH}  # written as ["ALL"] in the JSON
    pattern = {key: wildcards[value[0]] if isinstance(value, list) else value
               for key, value in json.loads(spec["id"]).items()}
    return kind(pattern, spec["property"])


def _matches(sent, declared, kind) -> bool:
    """Whether a sent output/input is what ``declared`` names: one object, or a list of them
    for an ALL/ALLSMALLER pattern (as Dash's renderer sends)."""
    many = isinstance(declared.component_id, dict) and any(
        value in (ALL, ALLSMALLER) for value in declared.component_id.values())
    items = sent if many and isinstance(sent, list) else [sent] if not many else None
    if items is None:
        return False
    for item in items:
        if not (isinstance(item, dict) and isinstance(item.get("property"), str)
                and isinstance(item.get("id"), (str, dict))):
            return False
        try:
            if not kind(item["id"], item["property"]) == declared:
                return False
        except Exception:  # an id Dash cannot even compare is not this callback's
            return False
    return True


# Properties with one meaning on every component, checked for every callback (Dash's own pages
# router among them, whose function the project cannot annotate): None, or a value they accept.
def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_PROPERTY_CHECKS = {
    "pathname": lambda value: isinstance(value, str) and value.startswith("/"),
    "search": lambda value: isinstance(value, str), "hash": lambda value: isinstance(value, str),
    "href": lambda value: isinstance(value, str), "n_clicks": _count, "n_intervals": _count,
}


def _typed(item) -> bool:
    for one in item if isinstance(item, list) else [item]:
        check, value = _PROPERTY_CHECKS.get(one.get("property")), one.get("value")
        if check and value is not None and not check(value):
            return False
    return True


def _against_definition(body: dict, callback: dict) -> str | None:
    """The outputs, inputs and state must be those of the callback's definition: the same
    count, the same ids (or ids matching its patterns) and properties."""
    declared = split_callback_id(body["output"])
    outputs = body["outputs"]
    if isinstance(declared, list):
        if not isinstance(outputs, list) or len(outputs) != len(declared):
            return "outputs do not match the callback"
        pairs = zip(outputs, declared)
    else:
        pairs = [(outputs, declared)]
    if not all(_matches(sent, _declared(spec, Output), Output) for sent, spec in pairs):
        return "outputs do not match the callback"
    for name, kind in (("inputs", Input), ("state", State)):
        sent, specs = body.get(name, []), callback.get(name, [])
        if len(sent) != len(specs) or not all(_matches(s, _declared(d, kind), kind) for s, d in zip(sent, specs)):
            return f"{name} do not match the callback"
        if not all(_typed(item) for item in sent):
            return f"{name}: a value is not of its property's type"
    return None


def _unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return error
    log.exception("unexpected error on %s %s", request.method, request.path)
    message = "the request could not be answered; the error is in the server's log"
    if request.path.startswith(("/_dash", "/api/")):
        return jsonify({"error": "server_error", "message": message}), 500
    return message, 500, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(server: Flask, app: dash.Dash) -> None:
    settings = server.config["LIVEROOM_SETTINGS"]
    server.config["LIVEROOM_DASH"] = app
    server.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    if settings.proxy_hops:  # the address and scheme the proxy saw (sign-in limits, Secure cookies, HSTS)
        hops = settings.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    policy = lambda: content_security_policy(app, settings.map_hosts, settings.frame_ancestors)  # noqa: E731
    talisman = Talisman(  # one per app: its settings live on the instance
        server, force_https=False, strict_transport_security=settings.https, session_cookie_secure=settings.https,
        frame_options=None,  # frame-ancestors in the policy says who may embed
        content_security_policy=policy(), referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
        permissions_policy={"browsing-topics": "()", "geolocation": "()", "camera": "()", "microphone": "()"})

    @server.before_request
    def _hash_late_scripts():
        """Dash adds inline scripts of its own when it sets up at the first request (the pages
        plugin's title script): the policy is computed again once that has happened."""
        if not server.config.get("LIVEROOM_CSP_COMPLETE"):
            talisman.content_security_policy = policy()
            server.config["LIVEROOM_CSP_COMPLETE"] = True

    server.before_request(check_envelope)
    server.register_error_handler(Exception, _unexpected)

    @server.after_request
    def _no_server_version(response):
        response.headers["Server"] = "Live Room"
        return response
