"""Texts of the evaluation area (see components/texts/__init__.py): /evaluation, its
presentation mode and the deck PDF."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # numbers in words
    "evaluation.pp": {"id": "poin persen", "en": "pp"},
    "evaluation.status.met": {"id": "Tercapai", "en": "Met"},
    "evaluation.status.close": {"id": "Hampir tercapai", "en": "Close"},
    "evaluation.status.missed": {"id": "Belum tercapai", "en": "Missed"},
    "evaluation.status.no_data": {"id": "Tanpa data", "en": "No data"},
    "evaluation.count.met": {"id": "{n} tercapai", "en": "{n} met"},
    "evaluation.count.close": {"id": "{n} hampir", "en": "{n} close"},
    "evaluation.count.missed": {"id": "{n} belum", "en": "{n} missed"},
    "evaluation.count.no_data": {"id": "{n} tanpa data", "en": "{n} without data"},
    "evaluation.trend.up": {"id": "naik pada {years}", "en": "rose in {years}"},
    "evaluation.trend.up_since": {"id": "naik setiap tahun sejak {year}", "en": "has risen every year since {year}"},
    "evaluation.trend.down": {"id": "turun pada {years}", "en": "fell in {years}"},
    "evaluation.trend.recovering": {"id": "pulih sebagian pada {years}", "en": "partly recovered in {years}"},
    "evaluation.trend.flat": {"id": "stabil pada {years}", "en": "held steady in {years}"},
    "evaluation.trend.only": {"id": "{dimension}: baru ada nilai untuk {year}.", "en": "{dimension}: values for {year} only."},
    "evaluation.trend.none": {"id": "{dimension}: belum ada nilai.", "en": "{dimension}: no values yet."},
    "evaluation.trend.many": {"id": "{dimension} turun pada {years}; naik atau stabil pada tahun lain sejak {first}.",
                              "en": "{dimension} fell in {years} and rose or held steady in the other years since {first}."},
    # the page
    "evaluation.page_title": {"id": "Evaluasi Kota Cerdas {city}", "en": "Smart city evaluation, {city}"},
    "evaluation.overall": {"id": "Capaian keseluruhan {year}: {score}", "en": "Overall achievement in {year}: {score}"},
    "evaluation.present": {"id": "Mode presentasi", "en": "Presentation mode"},
    "evaluation.download_pdf": {"id": "Unduh paparan (PDF)", "en": "Download the deck (PDF)"},
    "evaluation.change_from": {"id": "{change} dari {year}", "en": "{change} from {year}"},
    "evaluation.year_problem": {"id": "Tahun {value} tidak tersedia; ditampilkan {year}.",
                                "en": "Year {value} is not available; {year} is shown."},
    "evaluation.consistency": {"id": "Konsistensi {first}\u2013{last}", "en": "Consistency {first}\u2013{last}"},
    "evaluation.consistency.plain": {"id": "Konsistensi dari tahun ke tahun", "en": "Consistency year by year"},
    "evaluation.consistency.note": {
        "id": "Skor tiap dimensi per tahun (garis putus-putus: 100%); tahun yang dipilih ditandai.",
        "en": "Each dimension's score per year (dashed line: 100%); the chosen year is marked."},
    "evaluation.drill.title": {"id": "Rincian dimensi", "en": "Dimension details"},
    "evaluation.drill.hint": {
        "id": "Pilih salah satu dimensi di atas untuk melihat subdimensi, indikator, riwayat dan buktinya.",
        "en": "Choose one of the dimensions above to see its sub-dimensions, indicators, their history and evidence."},
    "evaluation.col.indicator": {"id": "Indikator", "en": "Indicator"},
    "evaluation.col.value": {"id": "Nilai {year}", "en": "Value {year}"},
    "evaluation.col.target": {"id": "Target", "en": "Target"},
    "evaluation.col.achievement": {"id": "Capaian", "en": "Achievement"},
    "evaluation.col.status": {"id": "Status", "en": "Status"},
    "evaluation.col.change": {"id": "Perubahan dari {year}", "en": "Change from {year}"},
    "evaluation.col.weight": {"id": "Bobot", "en": "Weight"},
    "evaluation.direction.higher": {"id": "makin tinggi makin baik", "en": "higher is better"},
    "evaluation.direction.lower": {"id": "makin rendah makin baik", "en": "lower is better"},
    "evaluation.indicator.target": {"id": "Target {target} ({direction})", "en": "Target {target} ({direction})"},
    "evaluation.indicator.history": {"id": "Riwayat {first}\u2013{last}", "en": "History {first}\u2013{last}"},
    "evaluation.indicator.target_line": {"id": "Target", "en": "Target"},
    "evaluation.evidence.heading": {"id": "Bukti pendukung", "en": "Supporting evidence"},
    "evaluation.evidence.none": {"id": "Belum ada bukti untuk indikator ini.", "en": "No evidence yet for this indicator."},
    "evaluation.evidence.none_section": {"id": "Belum ada bukti untuk bagian ini.",
                                         "en": "No evidence yet for this section."},
    "evaluation.technology.title": {"id": "Dukungan teknologi: portofolio aplikasi",
                                    "en": "Technology support: the application portfolio"},
    "evaluation.technology.summary": {"id": "{up} dari {total} aplikasi aktif, {sso} terhubung SSO",
                                      "en": "{up} of {total} applications up, {sso} on single sign-on"},
    "evaluation.technology.watched": {"id": "{watched} aplikasi dipantau ketersediaannya tiap menit.",
                                      "en": "{watched} applications have their availability watched every minute."},
    "evaluation.technology.none": {"id": "Belum ada aplikasi terdaftar.", "en": "No applications registered yet."},
    "evaluation.app_group.e_government": {"id": "e-Government", "en": "e-Government"},
    "evaluation.app_group.e_health": {"id": "e-Kesehatan", "en": "e-Health"},
    "evaluation.app_group.e_education": {"id": "e-Pendidikan", "en": "e-Education"},
    "evaluation.app_group.e_logistics": {"id": "e-Logistik", "en": "e-Logistics"},
    "evaluation.app_group.e_procurement": {"id": "e-Pengadaan", "en": "e-Procurement"},
    "evaluation.app_group.count": {"id": "{group}: {n}", "en": "{group}: {n}"},
    "evaluation.method.title": {"id": "Cara menilai", "en": "How the scores are made"},
    "evaluation.method.achievement": {
        "id": "Capaian indikator = nilai \u00f7 target; untuk indikator yang makin rendah makin baik (mis. angka "
              "kemiskinan) = target \u00f7 nilai.",
        "en": "An indicator's achievement = value \u00f7 target; where lower is better (e.g. the poverty rate), "
              "target \u00f7 value."},
    "evaluation.method.cap": {
        "id": "Dalam skor, capaian dibatasi 100%: melampaui target pada satu indikator tidak menutupi indikator lain "
              "yang belum tercapai, jadi dimensi yang memiliki indikator belum tercapai selalu di bawah 100%.",
        "en": "In a score, achievement counts at most 100%: beating one target never makes up for missing another, "
              "so a dimension with a missed indicator always scores below 100%."},
    "evaluation.method.status": {
        "id": "Status: tercapai bila capaian 100% atau lebih; hampir tercapai dari {close}%; belum tercapai di "
              "bawahnya; tanpa data bila tahun itu belum ada nilai.",
        "en": "Status: met at 100% of the target or beyond; close from {close}%; missed below that; no data when the "
              "year has no value."},
    "evaluation.method.weights": {
        "id": "Skor subdimensi = rata-rata tertimbang skor indikatornya (bobot indikator); skor dimensi = rata-rata "
              "tertimbang skor subdimensinya (bobot dari profil kota). Indikator tanpa data tidak dihitung, bukan "
              "dianggap 0 atau tercapai, dan disebut dalam jumlah \u201ctanpa data\u201d.",
        "en": "A sub-dimension's score is the weighted mean of its indicators' scores (indicator weights); a "
              "dimension's is the weighted mean of its sub-dimensions' scores (weights from the city profile). "
              "Indicators without a value are left out, never counted as 0 or as met, and are counted as "
              "\u201cwithout data\u201d."},
    "evaluation.method.met": {
        "id": "Dimensi tercapai hanya bila semua indikatornya berdata dan tercapai. Skor di bawah 100% dibulatkan ke "
              "bawah: 99,6% tertulis 99%.",
        "en": "A dimension is met only when every one of its indicators has a value and met its target. Scores "
              "below 100% are rounded down: 99.6% reads 99%."},
    "evaluation.method.change": {
        "id": "Perubahan dari tahun sebelumnya: angka dalam persen berubah dalam poin persen; angka lain dalam "
              "satuannya sendiri (mis. +0,3 indeks).",
        "en": "Changes from the year before: figures in per cent change in percentage points (pp); others in their "
              "own unit (e.g. +0.3 index)."},
    # the outline's sections, the slides and the deck
    "evaluation.section.policy": {"id": "Kebijakan", "en": "Policy"},
    "evaluation.section.technology": {"id": "Dukungan teknologi", "en": "Technology support"},
    "evaluation.section.governance": {"id": "Tata kelola", "en": "Governance"},
    "evaluation.section.services": {"id": "Program layanan", "en": "Service programmes"},
    "evaluation.section.budget": {"id": "Anggaran", "en": "Budget"},
    "evaluation.section.awards": {"id": "Penghargaan", "en": "Awards"},
    "evaluation.section.security": {"id": "Keamanan informasi (BSSN)", "en": "Information security (BSSN)"},
    "evaluation.section.scorecard": {"id": "Capaian enam dimensi {year}", "en": "The six dimensions in {year}"},
    "evaluation.slide.heading": {"id": "Evaluasi Kota Cerdas {year}", "en": "Smart City Evaluation {year}"},
    "evaluation.slide.presenter": {"id": "Paparan {city} kepada tim penilai", "en": "{city} presents to the evaluators"},
    "evaluation.slide.outline": {"id": "Alur paparan", "en": "Outline"},
    "evaluation.slide.counter": {"id": "{n} / {total}", "en": "{n} / {total}"},
    "evaluation.slide.previous": {"id": "Sebelumnya", "en": "Previous"},
    "evaluation.slide.next": {"id": "Berikutnya", "en": "Next"},
    "evaluation.slide.hint": {"id": "\u2190 \u2192 atau klik untuk berpindah \u00b7 Esc untuk keluar",
                              "en": "\u2190 \u2192 or click to move \u00b7 Esc to leave"},
    "evaluation.slide.more": {"id": "dan {n} lainnya", "en": "and {n} more"},
    "evaluation.slide.scorecard_note": {
        "id": "Capaian dibatasi 100% dalam skor; tercapai: 100% target atau lebih, hampir: dari {close}%.",
        "en": "Achievement counts at most 100% in a score; met: 100% of the target or beyond, close: from {close}%."},
    "evaluation.kind.regulation": {"id": "Regulasi", "en": "Regulation"},
    "evaluation.kind.plan": {"id": "Rencana", "en": "Plan"},
    "evaluation.kind.report": {"id": "Laporan", "en": "Report"},
    "evaluation.kind.budget": {"id": "Anggaran", "en": "Budget"},
    "evaluation.kind.award": {"id": "Penghargaan", "en": "Award"},
    "evaluation.kind.assessment": {"id": "Penilaian", "en": "Assessment"},
    "evaluation.kind.link": {"id": "Tautan", "en": "Link"},
    "evaluation.budget.chart": {"id": "Anggaran kota cerdas per tahun", "en": "Smart-city budget per year"},
    "evaluation.budget.axis": {"id": "Rp miliar", "en": "IDR billion"},
    "evaluation.budget.billion": {"id": "Rp {value} miliar", "en": "IDR {value} billion"},
    "evaluation.budget.col.year": {"id": "Tahun", "en": "Year"},
    "evaluation.budget.col.line": {"id": "Mata anggaran", "en": "Budget line"},
    "evaluation.budget.col.amount": {"id": "Jumlah", "en": "Amount"},
    "evaluation.award.by": {"id": "dari {giver}", "en": "from {giver}"},
    "evaluation.budget.realised": {"id": "terealisasi {share}", "en": "{share} spent"},
    "evaluation.security.kami": {"id": "Indeks KAMI", "en": "KAMI index"},
    "evaluation.security.maturity": {"id": "tingkat kematangan {level}", "en": "maturity level {level}"},
    "evaluation.security.maturity_row": {"id": "Tingkat kematangan", "en": "Maturity level"},
    "evaluation.security.assessed": {"id": "dinilai {date}", "en": "assessed {date}"},
    "evaluation.security.total": {"id": "skor {score}", "en": "score {score}"},
    "evaluation.security.area": {"id": "Area", "en": "Area"},
    "evaluation.security.score": {"id": "Skor", "en": "Score"},
    "evaluation.kami.governance": {"id": "Tata kelola", "en": "Governance"},
    "evaluation.kami.risk": {"id": "Pengelolaan risiko", "en": "Risk management"},
    "evaluation.kami.framework": {"id": "Kerangka kerja", "en": "Framework"},
    "evaluation.kami.assets": {"id": "Pengelolaan aset", "en": "Asset management"},
    "evaluation.kami.technology": {"id": "Teknologi dan keamanan informasi", "en": "Technology and information security"},
    "evaluation.kami.data_protection": {"id": "Pelindungan data pribadi", "en": "Personal data protection"},
    "evaluation.kami.third_party": {"id": "Pihak ketiga", "en": "Third parties"},
    "evaluation.deck.title": {"id": "Evaluasi Kota Cerdas {city} {year}", "en": "Smart City Evaluation, {city} {year}"},
    "evaluation.deck.generated": {"id": "Dibuat {time}", "en": "Made {time}"},
    "evaluation.deck.chart_missing": {"id": "Grafik tidak dapat digambar ({reason}); angkanya:",
                                      "en": "The chart could not be drawn ({reason}); its figures:"},
}
