"""``callback``: ``dash.callback`` with the function's annotated parameters checked first.

The renderer sends what the components hold, but anyone can post to /_dash-update-component.
A value that is not of its parameter's declared type (a dict where a date belongs, a list
where a page number belongs) is a bad request: it is answered 400 naming the parameter and
never reaches the function. Parameters without an annotation are passed as sent. pydantic
does the checking (lax mode: "3" for an int is 3, but a dict for a str is refused).
"""
from __future__ import annotations

import functools
import inspect
import typing

from typing import Annotated, Any

import dash
from pydantic import Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12
from werkzeug.exceptions import BadRequest

# What components hold, as callbacks take it
Text = str | None  # a dropdown's or a text input's value, a date picker's date
Texts = list[str] | None  # a multi-select dropdown's values
Count = int | None  # n_clicks, n_intervals
Data = dict | None  # a Store's data (its shape is checked where it is read)
Rows = list[dict] | None  # a grid's rowData
MAX_ID = 2**31 - 1  # a row id is a PostgreSQL integer
Id = Annotated[int, Field(ge=1, le=MAX_ID)] | None  # a row's id kept in a Store
Flag = bool | None  # a Store that only says whether something happened
Year = Annotated[int, Field(ge=1900, le=2200)] | None
Scale = Annotated[float, Field(gt=0, le=20)] | None  # a map's marker scale (the screen's size over the reference)


class Point(TypedDict, total=False):
    location: str | int | None
    customdata: str | int | float | list | None


class Click(TypedDict, total=False):
    """A figure's clickData: the clicked points."""
    points: list[Point]


class Cell(TypedDict, total=False):
    """An AG Grid's cellClicked."""
    rowId: str | int | None
    colId: str | None
    value: Any


class BadCallbackInput(BadRequest):
    """A callback request whose values are not of the types the callback takes."""


def checked(func):
    """``func`` with its annotated parameters validated (and converted) before each call."""
    target = func.func if isinstance(func, functools.partial) else func
    signature = inspect.signature(func)
    hints = typing.get_type_hints(target, include_extras=True)  # keep Annotated bounds
    adapters = {name: TypeAdapter(hints[name]) for name in signature.parameters if name in hints}

    @functools.wraps(target)
    def call(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise BadCallbackInput(f"{target.__name__}: {exc}") from None
        for name, adapter in adapters.items():
            if name in bound.arguments:
                try:
                    bound.arguments[name] = adapter.validate_python(bound.arguments[name])
                except ValidationError as exc:
                    first = exc.errors()[0]
                    raise BadCallbackInput(f"{target.__name__}: {name}: {first['msg']}") from None
        return func(*bound.args, **bound.kwargs)

    return call


def callback(*dependencies, **options):
    """Like ``dash.callback`` (same arguments); returns the undecorated function, so pages and
    tests can still call it directly."""
    def register(func):
        dash.callback(*dependencies, **options)(checked(func))
        return func

    return register
