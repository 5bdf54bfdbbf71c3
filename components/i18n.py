"""Every string a user reads, in Bahasa Indonesia (default) and English.

``t("tile.complaints_today", "en")`` looks a key up; a missing key raises KeyError in
tests rather than showing a raw key on a wall screen.
"""
from __future__ import annotations

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

CATALOGUE: dict[str, dict[str, str]] = {
    "app.title": {"id": "Live Room", "en": "Live Room"},
    "app.subtitle": {"id": "Pusat Komando", "en": "Command Center"},
    "app.language": {"id": "Bahasa", "en": "Language"},
    "app.theme": {"id": "Tema", "en": "Theme"},
    "app.theme.light": {"id": "Terang", "en": "Light"},
    "app.theme.dark": {"id": "Gelap", "en": "Dark"},
    "app.footer": {
        "id": "Data demo dihasilkan otomatis; bukan data resmi kota.",
        "en": "Demo data generated automatically; not official city data.",
    },
    "page.overview": {"id": "Ringkasan", "en": "Overview"},
    "page.services": {"id": "Kinerja Layanan", "en": "Service KPIs"},
    "page.evaluation": {"id": "Evaluasi Kota Cerdas", "en": "Smart City Evaluation"},
    "page.sources": {"id": "Sumber Data", "en": "Data Sources"},
    "page.not_found": {"id": "Halaman tidak ditemukan", "en": "Page not found"},
    "page.not_found.back": {"id": "Kembali ke ringkasan", "en": "Back to the overview"},
    "tile.complaints_today": {"id": "Aduan hari ini", "en": "Complaints today"},
    "tile.complaints_open": {"id": "Aduan terbuka", "en": "Open complaints"},
    "tile.complaints_overdue": {"id": "Lewat tenggat tanggapan", "en": "Past response deadline"},
    "tile.cameras_online": {"id": "CCTV aktif", "en": "Cameras online"},
    "tile.access_points_online": {"id": "WiFi publik aktif", "en": "Public WiFi online"},
    "tile.of_total": {"id": "dari {total}", "en": "of {total}"},
    "tile.share_online": {"id": "{share} aktif", "en": "{share} online"},
    "tile.updated": {"id": "Diperbarui {age}", "en": "Updated {age}"},
    "tile.stale_since": {"id": "Data basi sejak {time}", "en": "Stale since {time}"},
    "tile.no_data": {"id": "Belum ada data", "en": "No data yet"},
    "tile.error": {"id": "Data tidak dapat dimuat: {reason}", "en": "Could not load data: {reason}"},
    "age.seconds": {"id": "baru saja", "en": "just now"},
    "age.minutes": {"id": "{n} menit lalu", "en": "{n} min ago"},
    "age.hours": {"id": "{n} jam lalu", "en": "{n} h ago"},
    "age.days": {"id": "{n} hari lalu", "en": "{n} days ago"},
    "map.open_complaints": {"id": "Aduan terbuka per kecamatan", "en": "Open complaints by kecamatan"},
    "map.approximate": {
        "id": "Batas wilayah perkiraan (dari titik pusat kecamatan), bukan batas resmi",
        "en": "Approximate areas (from kecamatan centres), not official boundaries",
    },
    "map.official": {"id": "Batas wilayah: {source}", "en": "Boundaries: {source}"},
    "chart.today_by_category": {"id": "Aduan hari ini menurut kategori", "en": "Complaints today by category"},
    "chart.complaints": {"id": "Aduan", "en": "Complaints"},
    "chart.empty": {"id": "Belum ada aduan hari ini", "en": "No complaints yet today"},
    "services.title": {"id": "KPI layanan menurut capaian terbaru", "en": "Service KPIs by latest value"},
    "services.kpi": {"id": "Indikator", "en": "Indicator"},
    "services.agency": {"id": "OPD", "en": "Agency"},
    "services.value": {"id": "Capaian", "en": "Value"},
    "services.target": {"id": "Target", "en": "Target"},
    "services.status": {"id": "Status", "en": "Status"},
    "services.on_target": {"id": "Sesuai target", "en": "On target"},
    "services.off_target": {"id": "Di bawah target", "en": "Off target"},
    "services.off_target_count": {"id": "KPI di bawah target", "en": "KPIs off target"},
    "services.trend": {"id": "Tren 12 bulan", "en": "12-month trend"},
    "evaluation.title": {"id": "Enam dimensi kota cerdas", "en": "The six smart-city dimensions"},
    "evaluation.year": {"id": "Tahun", "en": "Year"},
    "evaluation.achievement": {"id": "Capaian terhadap target", "en": "Achievement against target"},
    "evaluation.indicator": {"id": "Indikator", "en": "Indicator"},
    "evaluation.dimension": {"id": "Dimensi", "en": "Dimension"},
    "evaluation.score": {"id": "Capaian {year}", "en": "Achievement {year}"},
    "evaluation.previous": {"id": "Tahun sebelumnya", "en": "Previous year"},
    "evaluation.no_data": {"id": "Belum ada nilai indikator", "en": "No indicator values yet"},
    "services.period": {"id": "Periode {period}", "en": "Period {period}"},
    "services.choose_kpi": {"id": "Pilih KPI", "en": "Choose a KPI"},
    "sources.none": {"id": "Tidak ada", "en": "None"},
    "unit.day": {"id": "h", "en": "d"},
    "unit.hour": {"id": "j", "en": "h"},
    "unit.minute": {"id": "m", "en": "m"},
    "evaluation.sub_dimension": {"id": "Subdimensi", "en": "Sub-dimension"},
    "evaluation.evidence": {"id": "Bukti", "en": "Evidence"},
    "evaluation.value": {"id": "Nilai", "en": "Value"},
    "evaluation.target": {"id": "Target", "en": "Target"},
    "evaluation.change": {"id": "Perubahan dari tahun lalu", "en": "Change from last year"},
    "run.ok": {"id": "berhasil", "en": "ok"},
    "run.failed": {"id": "gagal", "en": "failed"},
    "run.running": {"id": "berjalan", "en": "running"},
    "dimension.governance.short": {"id": "Tata kelola", "en": "Governance"},
    "dimension.branding.short": {"id": "Citra kota", "en": "Branding"},
    "dimension.economy.short": {"id": "Ekonomi", "en": "Economy"},
    "dimension.living.short": {"id": "Kehidupan", "en": "Living"},
    "dimension.society.short": {"id": "Masyarakat", "en": "Society"},
    "dimension.environment.short": {"id": "Lingkungan", "en": "Environment"},
    "dimension.governance": {"id": "Tata kelola (Smart Governance)", "en": "Smart Governance"},
    "dimension.branding": {"id": "Citra kota (Smart Branding)", "en": "Smart Branding"},
    "dimension.economy": {"id": "Ekonomi (Smart Economy)", "en": "Smart Economy"},
    "dimension.living": {"id": "Kehidupan (Smart Living)", "en": "Smart Living"},
    "dimension.society": {"id": "Masyarakat (Smart Society)", "en": "Smart Society"},
    "dimension.environment": {"id": "Lingkungan (Smart Environment)", "en": "Smart Environment"},
    "sources.title": {"id": "Sumber data dan kesegarannya", "en": "Data sources and their freshness"},
    "sources.name": {"id": "Sumber", "en": "Source"},
    "sources.kind": {"id": "Jenis", "en": "Kind"},
    "sources.last_success": {"id": "Terakhir berhasil", "en": "Last success"},
    "sources.budget": {"id": "Batas kesegaran", "en": "Freshness budget"},
    "sources.state": {"id": "Keadaan", "en": "State"},
    "sources.fresh": {"id": "Segar", "en": "Fresh"},
    "sources.stale": {"id": "Basi", "en": "Stale"},
    "sources.never": {"id": "Belum pernah", "en": "Never"},
    "sources.runs": {"id": "Riwayat impor terbaru", "en": "Latest import runs"},
    "sources.rejected": {"id": "Baris ditolak", "en": "Rejected rows"},
    "sources.reason": {"id": "Alasan", "en": "Reason"},
    "sources.raw": {"id": "Data mentah", "en": "Raw record"},
    "sources.started": {"id": "Waktu", "en": "Time"},
    "sources.status": {"id": "Hasil", "en": "Result"},
    "sources.received": {"id": "Diterima", "en": "Received"},
    "sources.accepted": {"id": "Disimpan", "en": "Kept"},
    "sources.refused": {"id": "Ditolak", "en": "Refused"},
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for ``key`` in ``lang`` (falling back to Indonesian), formatted with ``values``."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def normalise_language(value: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    return value if value in LANGUAGES else default
