"""Texts of the early warning (see components/texts/__init__.py): the wall's banner, the
alerts on /complaints, the briefing's sentence."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "alerts.banner": {"id": "Lonjakan aduan {category} di {place}: {observed} dalam {window}, biasanya {expected}",
                      "en": "Spike in {category} complaints in {place}: {observed} in {window}, usually {expected}"},
    "alerts.city": {"id": "seluruh kota", "en": "the whole city"},
    "alerts.hours": {"id": "{n} jam", "en": "{n} hours"},
    "alerts.hour": {"id": "1 jam", "en": "1 hour"},
    "alerts.under_one": {"id": "kurang dari 1", "en": "under 1"},
    "alerts.title": {"id": "Lonjakan aduan", "en": "Complaint spikes"},
    "alerts.none": {"id": "Tidak ada lonjakan aduan dalam periode ini.", "en": "No complaint spikes in this period."},
    "alerts.running": {"id": "berlangsung", "en": "running"},
    "alerts.cleared": {"id": "selesai {when}", "en": "ended {when}"},
    "alerts.raised": {"id": "sejak {when}", "en": "since {when}"},
    "alerts.show": {"id": "Tampilkan aduannya", "en": "Show its complaints"},
    "alerts.failed": {"id": "Lonjakan aduan tidak dapat dibaca", "en": "Complaint spikes could not be read"},
    "briefing.sentence.alerts": {"id": "Lonjakan aduan dalam periode ini: {items}.",
                                 "en": "Complaint spikes in this period: {items}."},
    "briefing.sentence.alerts.none": {"id": "Tidak ada lonjakan aduan dalam periode ini.",
                                      "en": "No complaint spikes in this period."},
    "briefing.sentence.alerts.item": {"id": "{category} di {place} ({when}: {observed} dalam {window}, biasanya {expected})",
                                      "en": "{category} in {place} ({when}: {observed} in {window}, usually {expected})"},
}
