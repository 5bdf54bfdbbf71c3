"""Complaint figures two ways, for the references of the complaint callbacks.

``floor_*``: the bare SQL aggregate the figure needs, on the raw ``complaints`` table (and the
small lookup tables), nothing else. ``common_*``: what most Dash examples do, the whole table
read with ``pd.read_sql`` in the callback, then filtered and grouped in pandas.
Each returns a small frame (or dict) so tests can compare it with the app's query layer."""
from __future__ import annotations

import pandas as pd

from benchmarks.references.sql import (AMBER, JUDGED, ON_TIME, OPEN, OPEN_STATUSES, PERIOD, RED, Ask, frame,
                                       local_date, local_hour, median_by, query, seconds)

LOOKUP = {"kecamatan": ("regions", "kecamatan_id"), "category": ("complaint_categories", "category_id"),
          "agency": ("agencies", "agency_id")}
TIMES = ["received_at", "first_response_at", "response_due_at", "response_amber_at", "reopened_at", "resolved_at"]
COUNTS = ["received", "open", "red"]
AGENCY_FIGURES = ["received", "answered", "answered_on_time", "judged", "resolved", "open", "red", "amber"]


def _params(ask: Ask) -> dict:
    return {"city": ask.city, "start": ask.start, "end": ask.end, "now": ask.now}


# --- floor: bare SQL -----------------------------------------------------------------------------

def floor_counts(conn, ask: Ask, by: str, full: bool = False) -> pd.DataFrame:
    """Received in the period, open and red now, per kecamatan, category or agency (``by``);
    with ``full`` the agency table's other figures too. Columns: code, figures (rows with any)."""
    table, column = LOOKUP[by]
    period = ["count(*)", "0", "0"] + (["count(first_response_at)", f"count(CASE WHEN {ON_TIME} THEN 1 END)",
                                        f"count(CASE WHEN {JUDGED} THEN 1 END)",
                                        "count(CASE WHEN status = 'resolved' THEN 1 END)", "0"] if full else [])
    state = ["0", "count(*)", f"count(CASE WHEN {RED} THEN 1 END)"] + (
        ["0", "0", "0", "0", f"count(CASE WHEN {AMBER} THEN 1 END)"] if full else [])
    names = COUNTS + (["answered", "answered_on_time", "judged", "resolved", "amber"] if full else [])
    sql = (f"SELECT n.code, {', '.join(f'sum(x.{c}) AS {c}' for c in names)} FROM {table} n JOIN ("
           f"SELECT {column} AS key, {', '.join(f'{e} AS {c}' for e, c in zip(period, names))} FROM complaints "
           f"WHERE city_code = :city AND {PERIOD} GROUP BY {column} UNION ALL "
           f"SELECT {column}, {', '.join(state)} FROM complaints WHERE city_code = :city AND {OPEN} "
           f"GROUP BY {column}) x ON x.key = n.id GROUP BY n.code ORDER BY n.code")
    result = frame(conn, sql, ["code", *names], **_params(ask))
    result[names] = result[names].astype(int)
    return result


def floor_agency_table(conn, ask: Ask) -> pd.DataFrame:
    """The agency table: every count and the median response per agency."""
    counts = floor_counts(conn, ask, "agency", full=True)
    value = seconds(conn, "first_response_at", "COALESCE(reopened_at, received_at)")
    medians = frame(conn, median_by(conn, value, "agency_id",
                                    f"city_code = :city AND {PERIOD} AND first_response_at IS NOT NULL"),
                    ["grp", "median"], **_params(ask))
    codes = frame(conn, "SELECT id, code FROM agencies WHERE city_code = :city", ["id", "code"], city=ask.city)
    medians = medians.merge(codes, left_on="grp", right_on="id")[["code", "median"]]
    return counts.merge(medians, on="code", how="left")


def floor_summary(conn, ask: Ask) -> dict:
    """The tiles: period counts, open/red/amber now, received today, the median response."""
    p = _params(ask) | {"day_start": ask.day_start}
    row = query(conn, f"SELECT count(*), count(first_response_at), count(CASE WHEN {ON_TIME} THEN 1 END), "
                      f"count(CASE WHEN {JUDGED} THEN 1 END), count(CASE WHEN status = 'resolved' THEN 1 END) "
                      f"FROM complaints WHERE city_code = :city AND {PERIOD}", **p).one()
    state = query(conn, f"SELECT count(*), count(CASE WHEN {RED} THEN 1 END), count(CASE WHEN {AMBER} THEN 1 END) "
                        f"FROM complaints WHERE city_code = :city AND {OPEN}", **p).one()
    today = query(conn, "SELECT count(*) FROM complaints WHERE city_code = :city AND received_at >= :day_start "
                        "AND received_at <= :now", **p).scalar_one()
    value = seconds(conn, "first_response_at", "COALESCE(reopened_at, received_at)")
    median = frame(conn, median_by(conn, value, "city_code",
                                   f"city_code = :city AND {PERIOD} AND first_response_at IS NOT NULL"), **p)
    return {"received": row[0], "answered": row[1], "answered_on_time": row[2], "judged": row[3], "resolved": row[4],
            "open": state[0], "red": state[1], "amber": state[2], "received_today": today,
            "median": float(median.iloc[0, 1]) if len(median) else None}


def floor_trend(conn, ask: Ask, unit: str) -> pd.DataFrame:
    bucket = (local_date if unit == "day" else local_hour)(conn, "c.received_at", ask.tz)
    return frame(conn, f"SELECT {bucket} AS bucket, k.code, count(*) FROM complaints c "
                       f"JOIN complaint_categories k ON k.id = c.category_id WHERE c.city_code = :city AND "
                       f"c.received_at >= :start AND c.received_at < :end GROUP BY {bucket}, k.code ORDER BY 1, 2",
                 ["bucket", "category", "count"], **_params(ask))


def floor_locations(conn, ask: Ask, max_points: int = 4000) -> dict:
    """The count of located complaints in the period, then their points, or counts on a grid."""
    where = "c.city_code = :city AND c.received_at >= :start AND c.received_at < :end AND c.lat IS NOT NULL " \
            "AND c.lon IS NOT NULL"
    total = query(conn, f"SELECT count(*) FROM complaints c WHERE {where}", **_params(ask)).scalar_one()
    if total <= max_points:
        points = frame(conn, f"SELECT c.lat, c.lon, k.code, c.status FROM complaints c JOIN complaint_categories k "
                             f"ON k.id = c.category_id WHERE {where}", **_params(ask))
        return {"total": total, "frame": points}
    size = 0.002 if total <= 20_000 else 0.003 if total <= 100_000 else 0.004
    cells = frame(conn, f"SELECT CAST(floor((c.lat + 90.0) / {size}) AS INTEGER) AS r, "
                        f"CAST(floor((c.lon + 180.0) / {size}) AS INTEGER) AS k, count(*) FROM complaints c "
                        f"WHERE {where} GROUP BY 1, 2", **_params(ask)) if conn.dialect.name == "postgresql" else \
        frame(conn, f"SELECT CAST((c.lat + 90.0) / {size} AS INTEGER) AS r, "
                    f"CAST((c.lon + 180.0) / {size} AS INTEGER) AS k, count(*) FROM complaints c "
                    f"WHERE {where} GROUP BY 1, 2", **_params(ask))
    return {"total": total, "frame": cells}


def floor_red_list(conn, ask: Ask) -> dict:
    """How many complaints are red now, and the oldest ``ask.limit`` with their names."""
    p = _params(ask) | {"limit": ask.limit}
    total = query(conn, f"SELECT count(*) FROM complaints WHERE city_code = :city AND {RED}", **p).scalar_one()
    rows = frame(conn, f"SELECT c.external_id, k.code, k.name_id, r.name, a.name, c.status, c.received_at, "
                       f"c.response_due_at, c.description, c.address FROM complaints c "
                       f"JOIN complaint_categories k ON k.id = c.category_id "
                       f"LEFT JOIN regions r ON r.id = c.kecamatan_id LEFT JOIN agencies a ON a.id = c.agency_id "
                       f"WHERE c.city_code = :city AND c.{OPEN} AND c.first_response_at IS NULL "
                       f"AND c.response_due_at < :now ORDER BY c.received_at, c.id LIMIT :limit", **p)
    return {"total": total, "frame": rows}


def floor_headline(conn, ask: Ask) -> dict:
    p = _params(ask) | {"day_start": ask.day_start}
    row = query(conn, "SELECT (SELECT count(*) FROM complaints WHERE city_code = :city AND received_at >= :day_start "
                      f"AND received_at <= :now), (SELECT count(*) FROM complaints WHERE city_code = :city AND {OPEN}), "
                      f"(SELECT count(*) FROM complaints WHERE city_code = :city AND {RED})", **p).one()
    return {"today": row[0], "open": row[1], "overdue": row[2]}


def floor_open_points(conn, ask: Ask, limit: int = 5000) -> pd.DataFrame:
    """Located open complaints for the wall map: red first (oldest deadline), amber, then the newest."""
    level = f"CASE WHEN {RED} THEN 0 WHEN {AMBER} THEN 1 ELSE 2 END"
    return frame(conn, f"SELECT c.id, c.lat, c.lon, {level} AS level, k.name_id, k.name_en FROM complaints c "
                       f"JOIN complaint_categories k ON k.id = c.category_id WHERE c.city_code = :city AND c.{OPEN} "
                       f"AND c.lat IS NOT NULL AND c.lon IS NOT NULL ORDER BY 4, CASE WHEN {level} < 2 "
                       f"THEN c.response_due_at END, c.received_at DESC, c.id LIMIT :limit",
                 **_params(ask) | {"limit": limit})


def floor_red_signature(conn, ask: Ask) -> tuple:
    return tuple(query(conn, f"SELECT count(*), max(response_due_at) FROM complaints WHERE city_code = :city "
                             f"AND {RED}", **_params(ask)).one())


def floor_briefing(conn, ask: Ask) -> pd.DataFrame:
    """Per agency, both periods: received, answered, on time, judged; and red flags raised in each."""
    p = _params(ask) | {"pstart": ask.previous_start, "pend": ask.previous_end}
    cur, prev = PERIOD, "received_at >= :pstart AND received_at < :pend"
    figures = frame(conn, f"SELECT agency_id, count(CASE WHEN {cur} THEN 1 END), count(CASE WHEN {prev} THEN 1 END), "
                          f"count(CASE WHEN {cur} AND {ON_TIME} THEN 1 END), count(CASE WHEN {cur} AND {JUDGED} THEN 1 END), "
                          f"count(CASE WHEN {prev} AND {ON_TIME} THEN 1 END), count(CASE WHEN {prev} AND {JUDGED} THEN 1 END) "
                          f"FROM complaints WHERE city_code = :city AND received_at >= :pstart AND received_at < :end "
                          f"GROUP BY agency_id", **p)
    value = seconds(conn, "first_response_at", "COALESCE(reopened_at, received_at)")
    medians = frame(conn, median_by(conn, value, "agency_id",
                                    f"city_code = :city AND {PERIOD} AND first_response_at IS NOT NULL"), **p)
    flags = frame(conn, "SELECT c.agency_id, count(CASE WHEN f.flagged_at >= :start AND f.flagged_at < :end THEN 1 END), "
                        "count(CASE WHEN f.flagged_at >= :pstart AND f.flagged_at < :pend THEN 1 END) "
                        "FROM complaint_flags f JOIN complaints c ON c.id = f.complaint_id WHERE c.city_code = :city "
                        "AND f.level = 'red' AND f.flagged_at >= :pstart AND f.flagged_at < :end GROUP BY c.agency_id",
                  **p)
    return figures.merge(medians, left_on=figures.columns[0], right_on=medians.columns[0], how="left").merge(
        flags, left_on=figures.columns[0], right_on=flags.columns[0], how="outer")


def floor_received_per_day(conn, ask: Ask) -> pd.DataFrame:
    day = local_date(conn, "received_at", ask.tz)
    return frame(conn, f"SELECT {day}, count(*) FROM complaints WHERE city_code = :city AND received_at >= :pstart "
                       f"AND received_at < :end GROUP BY 1 ORDER BY 1", **_params(ask) | {"pstart": ask.previous_start})


# --- common: the table into pandas ---------------------------------------------------------------

def read_complaints(conn) -> pd.DataFrame:
    """``SELECT *`` of the complaints into pandas, as the typical Dash example does."""
    data = pd.read_sql(text_of("SELECT * FROM complaints"), conn)
    for column in TIMES:
        data[column] = pd.to_datetime(data[column])
    return data


def text_of(sql: str):
    from sqlalchemy import text
    return text(sql)


def _lookup(conn, by: str) -> pd.DataFrame:
    return pd.read_sql(text_of(f"SELECT * FROM {LOOKUP[by][0]}"), conn)


def _masks(data: pd.DataFrame, ask: Ask) -> dict[str, pd.Series]:
    now = pd.Timestamp(ask.now)
    is_open = data["status"].isin(OPEN_STATUSES)
    unanswered = data["first_response_at"].isna()
    return {"period": (data["received_at"] >= pd.Timestamp(ask.start)) & (data["received_at"] < pd.Timestamp(ask.end)),
            "open": is_open, "red": is_open & unanswered & (data["response_due_at"] < now),
            "amber": is_open & unanswered & (data["response_amber_at"] <= now) & (data["response_due_at"] >= now),
            "on_time": data["first_response_at"].notna() & (data["first_response_at"] <= data["response_due_at"]),
            "judged": data["first_response_at"].notna() | (data["response_due_at"] < now)}


def _city(data: pd.DataFrame, ask: Ask) -> pd.DataFrame:
    return data[data["city_code"] == ask.city]


def common_counts(conn, ask: Ask, by: str, full: bool = False) -> pd.DataFrame:
    data = _city(read_complaints(conn), ask)
    names = _lookup(conn, by)[["id", "code"]]
    m = _masks(data, ask)
    data = data.assign(received=m["period"].astype(int), open=m["open"].astype(int), red=m["red"].astype(int),
                       answered=(m["period"] & data["first_response_at"].notna()).astype(int),
                       answered_on_time=(m["period"] & m["on_time"]).astype(int),
                       judged=(m["period"] & m["judged"]).astype(int),
                       resolved=(m["period"] & (data["status"] == "resolved")).astype(int), amber=m["amber"].astype(int))
    columns = AGENCY_FIGURES if full else COUNTS
    data = data[m["period"] | m["open"]]
    grouped = data.groupby(LOOKUP[by][1])[columns].sum().reset_index()
    result = grouped.merge(names, left_on=LOOKUP[by][1], right_on="id")[["code", *columns]]
    return result.sort_values("code", ignore_index=True)


def _response_seconds(data: pd.DataFrame) -> pd.Series:
    return (data["first_response_at"] - data["reopened_at"].fillna(data["received_at"])).dt.total_seconds()


def common_agency_table(conn, ask: Ask) -> pd.DataFrame:
    counts = common_counts(conn, ask, "agency", full=True)
    data = _city(read_complaints(conn), ask)
    answered = data[_masks(data, ask)["period"] & data["first_response_at"].notna()]
    names = _lookup(conn, "agency")[["id", "code"]]
    medians = _response_seconds(answered).groupby(answered["agency_id"]).median().rename("median").reset_index()
    medians = medians.merge(names, left_on="agency_id", right_on="id")[["code", "median"]]
    return counts.merge(medians, on="code", how="left")


def common_summary(conn, ask: Ask) -> dict:
    data = _city(read_complaints(conn), ask)
    m = _masks(data, ask)
    period = data[m["period"]]
    answered = period[period["first_response_at"].notna()]
    return {"received": len(period), "answered": len(answered), "answered_on_time": int(m["on_time"][m["period"]].sum()),
            "judged": int(m["judged"][m["period"]].sum()), "resolved": int((period["status"] == "resolved").sum()),
            "open": int(m["open"].sum()), "red": int(m["red"].sum()), "amber": int(m["amber"].sum()),
            "received_today": int(((data["received_at"] >= pd.Timestamp(ask.day_start))
                                   & (data["received_at"] <= pd.Timestamp(ask.now))).sum()),
            "median": float(_response_seconds(answered).median()) if len(answered) else None}


def _local(series: pd.Series, tz: str) -> pd.Series:
    return series.dt.tz_localize("UTC").dt.tz_convert(tz)


def common_trend(conn, ask: Ask, unit: str) -> pd.DataFrame:
    data = _city(read_complaints(conn), ask)
    data = data[_masks(data, ask)["period"]]
    names = _lookup(conn, "category")[["id", "code"]].rename(columns={"code": "category"})
    local = _local(data["received_at"], ask.tz)
    data = data.assign(bucket=local.dt.strftime("%Y-%m-%d") if unit == "day" else local.dt.hour)
    counts = data.groupby(["bucket", "category_id"]).size().rename("count").reset_index()
    return counts.merge(names, left_on="category_id", right_on="id")[["bucket", "category", "count"]].sort_values(
        ["bucket", "category"], ignore_index=True)


def common_locations(conn, ask: Ask, max_points: int = 4000) -> dict:
    data = _city(read_complaints(conn), ask)
    data = data[_masks(data, ask)["period"] & data["lat"].notna() & data["lon"].notna()]
    if len(data) <= max_points:
        return {"total": len(data), "frame": data[["lat", "lon", "category_id", "status"]]}
    size = 0.002 if len(data) <= 20_000 else 0.003 if len(data) <= 100_000 else 0.004
    cells = data.groupby([((data["lat"] + 90) // size).astype(int), ((data["lon"] + 180) // size).astype(int)]).size()
    return {"total": len(data), "frame": cells.reset_index()}


def common_red_list(conn, ask: Ask) -> dict:
    data = _city(read_complaints(conn), ask)
    red = data[_masks(data, ask)["red"]].sort_values(["received_at", "id"])
    names = {by: _lookup(conn, by).set_index("id") for by in LOOKUP}
    top = red.head(ask.limit)
    top = top.assign(category=top["category_id"].map(names["category"]["code"]),
                     kecamatan=top["kecamatan_id"].map(names["kecamatan"]["name"]),
                     agency=top["agency_id"].map(names["agency"]["name"]))
    return {"total": len(red), "frame": top}


def common_headline(conn, ask: Ask) -> dict:
    data = _city(read_complaints(conn), ask)
    m = _masks(data, ask)
    today = (data["received_at"] >= pd.Timestamp(ask.day_start)) & (data["received_at"] <= pd.Timestamp(ask.now))
    return {"today": int(today.sum()), "open": int(m["open"].sum()), "overdue": int(m["red"].sum())}


def common_open_points(conn, ask: Ask, limit: int = 5000) -> pd.DataFrame:
    data = _city(read_complaints(conn), ask)
    m = _masks(data, ask)
    data = data[m["open"] & data["lat"].notna() & data["lon"].notna()].assign(
        level=(~m["red"]).astype(int) + (~m["red"] & ~m["amber"]).astype(int))
    ordered = pd.concat([data[data["level"] < 2].sort_values(["level", "response_due_at", "id"]),
                         data[data["level"] == 2].sort_values(["received_at", "id"], ascending=[False, True])])
    return ordered.head(limit)


def common_red_signature(conn, ask: Ask) -> tuple:
    data = _city(read_complaints(conn), ask)
    red = data[_masks(data, ask)["red"]]
    return len(red), red["response_due_at"].max()


def common_briefing(conn, ask: Ask) -> pd.DataFrame:
    data = _city(read_complaints(conn), ask)
    flags = pd.read_sql(text_of("SELECT * FROM complaint_flags"), conn)
    flags["flagged_at"] = pd.to_datetime(flags["flagged_at"])
    m = _masks(data, ask)
    previous = (data["received_at"] >= pd.Timestamp(ask.previous_start)) & (
        data["received_at"] < pd.Timestamp(ask.previous_end))
    figures = data.assign(received=m["period"], received_previous=previous, on_time=m["period"] & m["on_time"],
                          judged=m["period"] & m["judged"], on_time_previous=previous & m["on_time"],
                          judged_previous=previous & m["judged"]).groupby("agency_id")[
        ["received", "received_previous", "on_time", "judged", "on_time_previous", "judged_previous"]].sum()
    answered = data[m["period"] & data["first_response_at"].notna()]
    figures["median"] = _response_seconds(answered).groupby(answered["agency_id"]).median()
    red = flags[flags["level"] == "red"].merge(data[["id", "agency_id"]], left_on="complaint_id", right_on="id")
    at = red["flagged_at"]
    figures["late"] = red[(at >= pd.Timestamp(ask.start)) & (at < pd.Timestamp(ask.end))].groupby("agency_id").size()
    figures["late_previous"] = red[(at >= pd.Timestamp(ask.previous_start))
                                   & (at < pd.Timestamp(ask.previous_end))].groupby("agency_id").size()
    return figures.reset_index()


def common_received_per_day(conn, ask: Ask) -> pd.DataFrame:
    data = _city(read_complaints(conn), ask)
    data = data[(data["received_at"] >= pd.Timestamp(ask.previous_start)) & (data["received_at"] < pd.Timestamp(ask.end))]
    return _local(data["received_at"], ask.tz).dt.date.value_counts().sort_index().reset_index()


def floor_alerts(conn, ask: Ask) -> pd.DataFrame:
    """The bursts running now, with their category (the wall's banner)."""
    return frame(conn, "SELECT a.id, c.code, a.region_ids, a.observed, a.expected, a.window_hours FROM complaint_alerts a "
                       "JOIN complaint_categories c ON c.id = a.category_id WHERE a.city_code = :city "
                       "AND a.cleared_at IS NULL ORDER BY a.raised_at DESC", **_params(ask))


def common_alerts(conn, ask: Ask) -> pd.DataFrame:
    alerts = pd.read_sql(text_of("SELECT * FROM complaint_alerts"), conn)
    categories = pd.read_sql(text_of("SELECT id, code FROM complaint_categories"), conn)
    running = alerts[(alerts["city_code"] == ask.city) & alerts["cleared_at"].isna()]
    return running.merge(categories, left_on="category_id", right_on="id").sort_values("raised_at", ascending=False)

