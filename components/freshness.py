"""The freshness strip at the top of every page: which sources are stale or failing.

Pure builders: ``source_problems`` reads a ``queries.sources.source_status`` frame,
``freshness_strip`` turns the problems into the strip. A source is *stale* when its last
success is older than its freshness budget (amber; red past twice the budget or never) and
*failing* when its latest run failed after its last success.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from dash import html

from components import formatting
from components.i18n import t
from components.tiles import error_message, freshness_level
from data_sources.clock import as_datetime

_SEVERITY = {"red": 0, "amber": 1, "fresh": 2}


def source_problems(status: pd.DataFrame, now: datetime) -> list[dict]:
    """One dict per stale or failing source, worst first: key, name, level ('amber'/'red'),
    last_success_at, failing (bool), last_error."""
    problems = []
    for row in status.itertuples(index=False):
        success, failure = as_datetime(row.last_success_at), as_datetime(row.last_failure_at)
        level = freshness_level(success, now, int(row.freshness_budget_seconds))
        failing = failure is not None and (success is None or failure >= success)
        if level == "fresh" and not failing:
            continue
        problems.append({"key": row.key, "name": row.name, "level": "red" if failing and level == "fresh" else level,
                         "last_success_at": success, "failing": failing, "last_error": row.last_error})
    return sorted(problems, key=lambda p: (_SEVERITY[p["level"]], p["name"]))


def _problem_text(problem: dict, now: datetime, lang: str, tz: str, tz_label: str) -> str:
    if problem["failing"]:
        error = (problem["last_error"] or "").strip().splitlines()[0][:120] if problem["last_error"] else "–"
        return t("freshness.failing", lang, name=problem["name"], error=error)
    if problem["last_success_at"] is None:
        return t("freshness.never", lang, name=problem["name"])
    return t("freshness.stale", lang, name=problem["name"],
             time=formatting.local_datetime(problem["last_success_at"], tz, tz_label, lang),
             age=formatting.age(problem["last_success_at"], now, lang))


def freshness_strip(problems: list[dict], now: datetime, *, lang: str, tz: str, tz_label: str) -> list:
    """The strip's children: one badge per problem, or one quiet line when every source is current."""
    if not problems:
        return [html.Span(t("freshness.all_fresh", lang), className="freshness-ok", **{"data-freshness": "fresh"})]
    badges = [html.Span(t("freshness.title", lang, n=len(problems)), className="freshness-title")]
    for problem in problems:
        badges.append(html.Span(_problem_text(problem, now, lang, tz, tz_label),
                                className=f"freshness-item freshness-{problem['level']}",
                                **{"data-source": problem["key"], "data-freshness": problem["level"],
                                   "data-failing": "true" if problem["failing"] else "false"}))
    if any(problem["failing"] for problem in problems):  # a source failing: a banner across the page
        return [html.Div(badges, className="freshness-banner", role="alert", **{"data-banner": "failing"})]
    return badges


def strip_error(reason: str, lang: str) -> list:
    """The strip when the source table itself cannot be read."""
    return [html.Span(error_message(reason, lang), className="freshness-item freshness-red", role="alert",
                      **{"data-freshness": "error"})]
