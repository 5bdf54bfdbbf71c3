"""Demo complaints: when they arrive (each category's hours of day and season), where
(inside the kelurahan, weighted by population and a few hotspots), who sends them (invented
people, some of whom write their phone number into the text), and how the agencies answer
(some slower than others, so some complaints are overdue)."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from cities import CityProfile
from data_sources.demo import texts as words
from data_sources.demo.common import DAY, HOUR, DemoSize, place_in_kelurahan, to_datetime64
from data_sources.rules.deadlines import WorkCalendar, due_at
from data_sources.rules.flags import amber_share

# Relative complaints per local hour of day, by category code; unknown codes use "default".
_HOURS = {
    "default": [1, .6, .4, .3, .4, 1, 3, 6, 8, 8, 7, 7, 7, 6, 6, 6, 6, 6, 5, 5, 4, 3, 2, 1.5],
    "rush": [.3, .2, .1, .1, .3, 2, 7, 10, 9, 5, 3, 3, 3, 3, 4, 6, 9, 10, 8, 5, 3, 2, 1, .5],
    "evening": [5, 3, 1.5, 1, .8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.5, 3, 8, 10, 10, 9, 8, 7],
    "morning": [.5, .3, .3, .5, 2, 6, 9, 9, 8, 6, 4, 3, 3, 3, 3, 3, 3, 3, 2, 2, 1.5, 1, .8, .6],
    "afternoon": [1, 1, .8, .8, .8, 1, 1.5, 2, 2, 2, 2, 3, 4, 6, 8, 9, 9, 8, 7, 5, 4, 3, 2, 1.5],
    "office": [.1, .1, .1, .1, .1, .2, .5, 3, 9, 10, 10, 9, 7, 9, 9, 7, 4, 2, 1, .8, .6, .4, .2, .1],
}
_CATEGORY_HOURS = {"macet": "rush", "lalin": "rush", "pju": "evening", "sampah": "morning", "banjir": "afternoon",
                   "adminduk": "office", "kesehatan": "office", "sosial": "office"}
_RAINY_MONTHS = {11, 12, 1, 2, 3}
_SEASONAL = {"banjir", "drainase", "pohon"}


def hour_shape(code: str) -> np.ndarray:
    """A category's complaints per local hour of day relative to its daily mean (mean 1)."""
    hours = np.asarray(_HOURS[_CATEGORY_HOURS.get(code, "default")], dtype=float)
    return hours / hours.mean()


def day_factor(code: str, rest_day: bool) -> float:
    """How busy a category is on a working day or a weekend, relative to its weekly mean."""
    weekend = 0.75 * (0.2 if _CATEGORY_HOURS.get(code) == "office" else 1.0)
    return (weekend if rest_day else 1.0) / ((5 + 2 * weekend) / 7)


def _received_times(rng, codes, size: DemoSize, now_s: int, offset_s: int) -> np.ndarray:
    """UTC seconds of receipt for complaints of the given category codes."""
    local_midnight_today = ((now_s + offset_s) // DAY) * DAY
    day_starts_local = local_midnight_today - (size.days - 1 - np.arange(size.days)) * DAY
    dates = pd.to_datetime(day_starts_local, unit="s")
    weekday_factor = np.where(dates.day_of_week >= 5, 0.75, 1.0)
    trend = 0.85 + 0.3 * np.arange(size.days) / max(size.days - 1, 1)
    rainy = np.isin(dates.month, list(_RAINY_MONTHS))
    out = np.empty(len(codes), dtype=np.int64)
    for code in np.unique(codes):
        idx = np.flatnonzero(codes == code)
        weights = weekday_factor * trend * (np.where(rainy, 2.5, 0.5) if code in _SEASONAL else 1.0)
        if _CATEGORY_HOURS.get(code) == "office":
            weights = weights * np.where(dates.day_of_week >= 5, 0.2, 1.0)
        day = rng.choice(size.days, size=len(idx), p=weights / weights.sum())
        hours = np.asarray(_HOURS[_CATEGORY_HOURS.get(code, "default")], dtype=float)
        hour = rng.choice(24, size=len(idx), p=hours / hours.sum())
        local = day_starts_local[day] + hour * HOUR + rng.integers(0, HOUR, len(idx))
        out[idx] = local - offset_s
    late = out > now_s  # today's hours still to come: move them one day back
    out[late] -= DAY
    return out


def _place_complaints(rng, n, profile: CityProfile, shapes, kel_ids, kec_ids):
    kels = profile.kelurahan
    choice, lat, lon = place_in_kelurahan(rng, n, profile, shapes, hotspots=True)
    kel_codes = np.array([kel.code for _, kel in kels], dtype=object)[choice]
    kel_names = np.array([kel.name for _, kel in kels], dtype=object)[choice]
    kec_codes = np.array([kec.code for kec, _ in kels], dtype=object)[choice]
    return dict(
        lat=lat, lon=lon, kel_name=kel_names, kec_code=kec_codes,
        kelurahan_id=np.array([kel_ids[c] for c in kel_codes]), kecamatan_id=np.array([kec_ids[c] for c in kec_codes]),
    )


def _people(rng, n, kec_codes):
    first = rng.choice(words.FIRST_NAMES, n)
    last = rng.choice(words.LAST_NAMES, n)
    names = np.char.add(np.char.add(first.astype(str), " "), last.astype(str)).astype(object)
    phones = np.array([f"08{p:010d}"[:12] for p in rng.integers(1_100_000_000, 9_999_999_999, n)], dtype=object)
    emails = np.array([f"{a.lower()}.{b.lower()}{k}@example.com" for a, b, k in zip(first, last, rng.integers(1, 99, n))],
                      dtype=object)
    birth = rng.integers(0, 365 * 60, n)
    niks = np.array([f"{c.replace('.', '')}{(d % 28) + 1:02d}{(d // 28) % 12 + 1:02d}{(50 + d // 365) % 100:02d}{s:04d}"
                     for c, d, s in zip(kec_codes, birth, rng.integers(1, 9999, n))], dtype=object)
    has_name = rng.random(n) < 0.85
    return dict(
        reporter_name=np.where(has_name, names, None),
        reporter_phone=np.where(has_name, phones, None),
        reporter_email=np.where(has_name & (rng.random(n) < 0.45), emails, None),
        reporter_nik=np.where(has_name & (rng.random(n) < 0.3), niks, None),
        names=names, phones=phones, emails=emails, niks=niks,
    )


def _texts(rng, codes, addresses, people):
    n = len(codes)
    pick = rng.integers(0, 1000, n)
    personal = rng.random(n) < 0.08
    suffix = rng.integers(0, len(words.PERSONAL_SUFFIXES), n)
    out = []
    for i in range(n):
        templates = words.TEMPLATES.get(codes[i], words.GENERIC_TEMPLATE)
        text = templates[pick[i] % len(templates)].format(place=addresses[i])
        if personal[i]:
            text += words.PERSONAL_SUFFIXES[suffix[i]].format(
                phone=people["phones"][i], name=people["names"][i], email=people["emails"][i], nik=people["niks"][i])
        out.append(text)
    return np.array(out, dtype=object)


def _deadlines(received_s, categories, cat_idx, calendar: WorkCalendar, hours_of, share: float = 1.0) -> np.ndarray:
    """Deadlines as Unix seconds: ``share`` of each category's ``hours_of(category)``,
    in calendar or working hours as the category says (see ``deadlines.due_at``)."""
    hours = np.array([hours_of(c) for c in categories])[cat_idx] * share
    working = np.array([c.working_hours_only for c in categories])[cat_idx]
    due = received_s + (hours * HOUR).astype(np.int64)
    for i in np.flatnonzero(working):
        start = datetime.fromtimestamp(int(received_s[i]), timezone.utc)
        due[i] = int(due_at(start, float(hours[i]), True, calendar).timestamp())
    return due



def complaint_frames(rng, profile, ids, shapes, size: DemoSize, now_s: int, start_id: int, source_id: int):
    n = size.complaints
    offset_s = int(ZoneInfo(profile.timezone).utcoffset(datetime.now()).total_seconds())
    calendar = WorkCalendar.for_profile(profile)
    cats = profile.complaint_categories
    weights = np.array([c.demo_weight for c in cats], dtype=float)
    cat_idx = rng.choice(len(cats), size=n, p=weights / weights.sum())
    codes = np.array([c.code for c in cats], dtype=object)[cat_idx]
    received = _received_times(rng, codes, size, now_s, offset_s)
    order = np.argsort(received, kind="stable")  # ids follow arrival order, like a real system
    cat_idx, codes, received = cat_idx[order], codes[order], received[order]

    where = _place_complaints(rng, n, profile, shapes, ids["kelurahan"], ids["kecamatan"])
    streets = rng.choice(words.STREETS, n)
    numbers = rng.integers(1, 200, n)
    addresses = np.array([f"{s} No. {k}, {kel}" for s, k, kel in zip(streets, numbers, where["kel_name"])], dtype=object)
    people = _people(rng, n, where["kec_code"])
    texts = _texts(rng, codes, addresses, people)

    agency_codes = [a.code for a in profile.agencies]
    speed = dict(zip(agency_codes, rng.lognormal(0.0, 0.3, len(agency_codes))))
    for slow in rng.choice(agency_codes, size=min(2, len(agency_codes)), replace=False):
        speed[slow] *= 2.6
    cat_agency = np.array([c.agency for c in cats], dtype=object)[cat_idx]
    agency_speed = np.array([speed[a] for a in cat_agency])

    response_due = _deadlines(received, cats, cat_idx, calendar, lambda c: c.response_hours)
    amber_at = _deadlines(received, cats, cat_idx, calendar, lambda c: c.response_hours, amber_share(profile))
    resolution_due = _deadlines(received, cats, cat_idx, calendar, lambda c: c.resolution_hours)
    allowed = (response_due - received).astype(float)
    assigned = received + rng.exponential(20 * 60, n).astype(np.int64) + 60
    rejected = rng.random(n) < 0.03
    never_answered = rng.random(n) < 0.03
    responded = assigned + (allowed * agency_speed * rng.lognormal(-0.6, 0.9, n)).astype(np.int64)
    resolution_time = (resolution_due - received).astype(float) * agency_speed * rng.lognormal(-0.7, 0.7, n)
    in_progress = responded + (0.1 * resolution_time).astype(np.int64) + 60
    resolved = responded + resolution_time.astype(np.int64) + 120
    never_resolved = rng.random(n) < 0.04

    def reached(ts, mask=None):
        ok = ts <= now_s
        return ok if mask is None else ok & mask

    has_assigned = reached(assigned)
    has_rejected = has_assigned & rejected & reached(assigned + 1800)
    live = has_assigned & ~rejected
    has_response = live & ~never_answered & reached(responded)
    has_progress = has_response & reached(in_progress)
    has_resolved = has_progress & ~never_resolved & reached(resolved)

    status = np.full(n, "received", dtype=object)
    status[has_assigned] = "assigned"
    status[has_response] = "responded"
    status[has_progress] = "in_progress"
    status[has_resolved] = "resolved"
    status[has_rejected] = "rejected"

    complaint_ids = np.arange(start_id, start_id + n)
    nan = np.nan
    first_response_s = np.where(has_response, responded, nan)
    resolved_s = np.where(has_resolved, resolved, np.where(has_rejected, assigned + 1800, nan))
    updated = np.nanmax(np.vstack([received, np.where(has_assigned, assigned, nan), first_response_s,
                                   np.where(has_progress, in_progress, nan), resolved_s]), axis=0)
    channel = rng.choice(words.CHANNELS, size=n, p=words.CHANNEL_WEIGHTS)
    system = profile.complaint_system.get("name", "DEMO").upper()
    complaints = pd.DataFrame({
        "id": complaint_ids,
        "city_code": profile.code,
        "source_id": source_id,
        "external_id": [f"{system}-{i:08d}" for i in complaint_ids],
        "category_id": np.array([ids["category"][c] for c in codes]),
        "agency_id": np.array([ids["agency"][a] for a in cat_agency]),
        "kecamatan_id": where["kecamatan_id"],
        "kelurahan_id": where["kelurahan_id"],
        "lat": where["lat"],
        "lon": where["lon"],
        "address": addresses,
        "description": texts,
        "channel": channel.astype(object),
        "media_url": None,
        "reporter_name": people["reporter_name"],
        "reporter_phone": people["reporter_phone"],
        "reporter_email": people["reporter_email"],
        "reporter_nik": people["reporter_nik"],
        "status": status,
        "received_at": to_datetime64(received),
        "assigned_at": to_datetime64(np.where(has_assigned, assigned, nan)),
        "first_response_at": to_datetime64(first_response_s),
        "resolved_at": to_datetime64(resolved_s),
        "response_due_at": to_datetime64(response_due),
        "resolution_due_at": to_datetime64(resolution_due),
        "response_amber_at": to_datetime64(amber_at),
        "reopened_at": pd.NaT,
        "reopen_count": 0,
        "updated_at": to_datetime64(updated),
    })
    agency_id = complaints["agency_id"].to_numpy()
    parts = [
        ("received", np.ones(n, bool), received, "Aduan diterima"),
        ("assigned", has_assigned, assigned, "Diteruskan ke OPD"),
        ("responded", has_response, responded, "Ditanggapi OPD"),
        ("in_progress", has_progress, in_progress, "Sedang ditangani"),
        ("resolved", has_resolved, resolved, "Selesai ditangani"),
        ("rejected", has_rejected, assigned + 1800, "Bukan kewenangan / duplikat"),
    ]
    events = pd.concat([
        pd.DataFrame({"complaint_id": complaint_ids[mask], "status": name, "at": to_datetime64(ts[mask]),
                      "agency_id": np.where(name == "received", None, agency_id[mask].astype(object)), "note": note})
        for name, mask, ts, note in parts
    ], ignore_index=True).sort_values(["complaint_id", "at"], kind="stable")
    return complaints, events

