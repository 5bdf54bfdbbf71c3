"""HTTP and parsing for the Open311 pull (``open311_pull``): GET a GeoReport v2 server's
``services`` and ``requests`` as JSON or XML, a window of requests however many answers it
takes, or requests by id. No database.

Every request has a time limit on the whole answer (connect, headers and body together: a
server that trickles bytes is cut off too) and a size limit. Connection errors, timeouts, 429
and 5xx are tried again, up to ``attempts`` times, after ``backoff_seconds`` doubled per retry
with jitter (0.5x to 1.5x); a redirect, any other 4xx and an answer that cannot be read are
not. XML is parsed with defusedxml: a DTD, entities or external references are refused.
Whatever goes wrong is a ``PullError`` whose message names the call and the cause, never the
API key.
"""
from __future__ import annotations

import json
import random
import time
from datetime import datetime, timedelta, timezone
from xml.etree.ElementTree import Element, ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from cities import Open311PullSpec

MAX_BYTES = 32 * 1024 * 1024
USER_AGENT = "LiveRoom-Open311-Pull/1"
_ROOTS = {"services": ("services", "service"), "requests": ("service_requests", "request")}


class PullError(Exception):
    """The server could not be read; the message says where and why."""


class _Transient(PullError):
    """Worth another attempt."""


def iso(moment: datetime) -> str:
    """A GeoReport date parameter: UTC, whole seconds, ``Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _start(body: bytes) -> str:
    return repr(body[:60].decode("utf-8", "replace").strip()) if body.strip() else "nothing (an empty answer)"


def _error_text(items) -> str | None:
    """The descriptions of a GeoReport error answer (``[{code, description}]``), if it is one."""
    if isinstance(items, list) and items and all(isinstance(i, dict) and set(i) <= {"code", "description"}
                                                 and "description" in i for i in items):
        return "; ".join(f"{i.get('code', '')} {i['description']}".strip() for i in items)
    return None


def _element(node: Element) -> dict:
    """An XML item as a dict of its leaf children's text (empty ones left out)."""
    return {child.tag: child.text.strip() for child in node if len(child) == 0 and child.text and child.text.strip()}


def parse_json(body: bytes, name: str, what: str) -> list:
    """The items of a JSON answer: a list, or a list under ``service_requests``/``requests``/``services``."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise PullError(f"{what}: the answer is not JSON ({exc}); it starts with {_start(body)}") from None
    if isinstance(data, dict):
        data = next((data[k] for k in (_ROOTS[name][0], name) if isinstance(data.get(k), list)), data)
    if not isinstance(data, list):
        raise PullError(f"{what}: the answer is a JSON {type(data).__name__}, not a list of {name}")
    errors = _error_text(data)
    if errors:
        raise PullError(f"{what}: the server answered with errors: {errors}")
    return data


def parse_xml(body: bytes, name: str, what: str) -> list:
    """The items of a GeoReport XML answer (``<service_requests><request>``, ``<services><service>``)."""
    try:
        root = fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise PullError(f"{what}: refused XML with a DTD, entities or external references ({exc!r})") from None
    except ParseError as exc:
        raise PullError(f"{what}: the answer is not XML ({exc}); it starts with {_start(body)}") from None
    if root.tag == "errors":
        raise PullError(f"{what}: the server answered with errors: {_error_text([_element(e) for e in root])}")
    outer, inner = _ROOTS[name]
    if root.tag != outer:
        raise PullError(f"{what}: the XML answer is <{root.tag}>, not <{outer}>")
    return [_element(node) for node in root if node.tag == inner]


def _detail(body: bytes, fmt: str) -> str:
    """A GeoReport error description from an error answer's body, if it has one."""
    try:
        items = json.loads(body) if fmt == "json" else [_element(e) for e in fromstring(body, forbid_dtd=True)]
    except (ValueError, ParseError, DefusedXmlException):
        return ""
    text = _error_text(items)
    return f": {text[:300]}" if text else ""


class Open311Client:
    """One GeoReport v2 server, as a source's ``open311`` block describes it; ``calls`` counts the
    HTTP requests made. Use it as a context manager."""

    def __init__(self, spec: Open311PullSpec, api_key: str | None = None) -> None:
        self.spec, self.api_key, self.calls = spec, api_key, 0
        self.base = spec.url.rstrip("/")
        accept = "application/xml, text/xml" if spec.format == "xml" else "application/json"
        self._http = httpx.Client(timeout=httpx.Timeout(spec.timeout_seconds), follow_redirects=False,
                                  headers={"User-Agent": USER_AGENT, "Accept": accept})

    def __enter__(self) -> "Open311Client":
        return self

    def __exit__(self, *exc) -> None:
        self._http.close()

    def services(self) -> list:
        return self._items("services", {})

    def requests(self, **params) -> list:
        """``requests.{format}`` with these parameters (``start_date``, ``page``, ``service_request_id``, ...)."""
        return self._items("requests", params)

    def requests_between(self, start: datetime, end: datetime) -> list:
        """The requests of one window, however many answers that takes: with ``paging: split`` the
        window is halved while an answer holds ``page_size`` requests (only standard parameters), with
        ``paging: page`` it is asked again with ``page=2, 3, ...``; at most ``max_pages`` answers."""
        if self.spec.paging == "page":
            return self._pages(start, end)
        return self._halves(start, end, [self.spec.max_pages])

    def requests_by_id(self, ids: list[str]) -> list:
        """The current state of these requests (GeoReport's comma-separated ``service_request_id``)."""
        return self.requests(service_request_id=",".join(ids))

    def _halves(self, start: datetime, end: datetime, left: list[int]) -> list:
        if left[0] <= 0 or end - start < timedelta(seconds=2):
            raise PullError(f"requests from {iso(start)}: {self.spec.page_size} or more requests in a window of "
                            f"{(end - start).total_seconds():g} s after {self.spec.max_pages} answers; the server "
                            "may ignore start_date/end_date, or page_size is larger than what it returns")
        left[0] -= 1
        items = self.requests(start_date=iso(start), end_date=iso(end))
        if len(items) < self.spec.page_size:
            return items
        middle = start + timedelta(seconds=(end - start).total_seconds() // 2)
        return self._halves(start, middle, left) + self._halves(middle, end, left)

    def _pages(self, start: datetime, end: datetime) -> list:
        items: list = []
        for page in range(1, self.spec.max_pages + 1):
            answer = self.requests(start_date=iso(start), end_date=iso(end), **({"page": page} if page > 1 else {}))
            items += answer
            if len(answer) < self.spec.page_size:
                return items
        raise PullError(f"requests from {iso(start)} to {iso(end)}: still full after {self.spec.max_pages} pages "
                        f"of {self.spec.page_size}; raise max_pages or shorten window_hours")

    def _items(self, name: str, params: dict) -> list:
        fmt = self.spec.format
        shown = " ".join(f"{k}={v}" for k, v in params.items())
        what = f"{name}.{fmt}" + (f" ({shown[:120]})" if shown else "")
        query = {**params, "jurisdiction_id": self.spec.jurisdiction_id, "api_key": self.api_key}
        body = self._get(f"{self.base}/{name}.{fmt}", {k: v for k, v in query.items() if v not in (None, "")}, what)
        return (parse_xml if fmt == "xml" else parse_json)(body, name, what)

    def _get(self, url: str, query: dict, what: str) -> bytes:
        for attempt in range(1, self.spec.attempts + 1):
            try:
                return self._once(url, query, what)
            except _Transient as exc:
                if attempt == self.spec.attempts:
                    raise PullError(f"{exc} (tried {attempt} times)") from None
                time.sleep(self.spec.backoff_seconds * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
        raise AssertionError("unreachable")

    def _once(self, url: str, query: dict, what: str) -> bytes:
        self.calls += 1
        limit = self.spec.timeout_seconds
        started = time.monotonic()
        try:
            with self._http.stream("GET", url, params=query) as answer:
                chunks, size = [], 0
                for chunk in answer.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise PullError(f"{what}: the answer is larger than {MAX_BYTES // 2 ** 20} MB")
                    if time.monotonic() - started > limit:
                        raise _Transient(f"{what}: no complete answer within {limit:g} s")
                    chunks.append(chunk)
        except httpx.TimeoutException:
            raise _Transient(f"{what}: no answer within {limit:g} s") from None
        except httpx.TransportError as exc:
            raise _Transient(f"{what}: cannot read the server: {type(exc).__name__} {exc}".strip()) from None
        body, status = b"".join(chunks), answer.status_code
        if status == 429 or status >= 500:
            raise _Transient(f"{what}: HTTP {status} {answer.reason_phrase}{_detail(body, self.spec.format)}")
        if 300 <= status < 400:
            where = answer.headers.get("location", "").split("?")[0]
            raise PullError(f"{what}: HTTP {status}, redirected to {where or 'nowhere'}; set the source's url to "
                            "the final address")
        if status >= 400:
            raise PullError(f"{what}: HTTP {status} {answer.reason_phrase}{_detail(body, self.spec.format)}")
        return body
