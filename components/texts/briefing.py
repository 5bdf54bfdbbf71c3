"""Texts of the briefing's PDF (see components/texts/__init__.py): the letterhead, the cover
summary's three points, the notes' heading."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "briefing.pdf.letterhead": {"id": "{app} · {subtitle}", "en": "{app} · {subtitle}"},
    "briefing.pdf.summary": {"id": "Tiga hal terpenting", "en": "Three things that matter most"},
    "briefing.pdf.notes": {"id": "Definisi", "en": "Definitions"},
    # the status word of a point, beside its colour
    "briefing.cover.status.action": {"id": "Perlu tindakan", "en": "Action needed"},
    "briefing.cover.status.clear": {"id": "Tidak ada", "en": "None open"},
    "briefing.cover.status.below": {"id": "Di bawah target", "en": "Below target"},
    "briefing.cover.status.met": {"id": "Memenuhi target", "en": "On target"},
    "briefing.cover.status.unknown": {"id": "Belum ada data", "en": "No data yet"},
    "briefing.cover.status.info": {"id": "Untuk diketahui", "en": "For information"},
    # how a figure moved against the previous period
    "briefing.cover.verdict.better": {"id": "membaik", "en": "better"},
    "briefing.cover.verdict.worse": {"id": "memburuk", "en": "worse"},
    "briefing.cover.verdict.steady": {"id": "tetap", "en": "steady"},
    "briefing.cover.moved": {"id": "{verdict} dibanding {compare} ({previous}).",
                             "en": "{verdict} compared with {compare} ({previous})."},
    # 1: what needs action now
    "briefing.cover.red": {"id": "{total} aduan berbendera merah masih terbuka",
                           "en": "{total} red-flag complaints are still open"},
    "briefing.cover.red.one": {"id": "1 aduan berbendera merah masih terbuka",
                               "en": "1 red-flag complaint is still open"},
    "briefing.cover.red.none": {"id": "Tidak ada aduan berbendera merah yang masih terbuka",
                                "en": "No red-flag complaint is open"},
    "briefing.cover.red.most": {"id": "Terbanyak di {agency} ({n}).", "en": "Most at {agency} ({n})."},
    "briefing.cover.late": {"id": "Aduan terlambat terbanyak pada periode ini: {agency} ({n}; {compare}: {previous}).",
                            "en": "Most late complaints in the period: {agency} ({n}; {compare}: {previous})."},
    "briefing.cover.late.none": {"id": "Tidak ada aduan terlambat pada periode ini.",
                                 "en": "No complaint of the period is late."},
    # 2: the promise to citizens
    "briefing.cover.on_time": {"id": "{share} aduan ditanggapi tepat waktu (target {target})",
                               "en": "{share} of complaints answered on time (target {target})"},
    # 3: infrastructure and services
    "briefing.cover.uptime": {"id": "Uptime {kind} {uptime} (target {target})",
                              "en": "{kind} uptime {uptime} (target {target})"},
    "briefing.cover.kpis": {"id": "{off} dari {total} KPI layanan di bawah target ({month}).",
                            "en": "{off} of {total} service KPIs off target ({month})."},
    "briefing.cover.kpis.headline": {"id": "{off} dari {total} KPI layanan di bawah target ({month})",
                                     "en": "{off} of {total} service KPIs off target ({month})"},
    "briefing.cover.kpis.all_met": {"id": "Semua {total} KPI layanan memenuhi target ({month}).",
                                    "en": "All {total} service KPIs on target ({month})."},
}
