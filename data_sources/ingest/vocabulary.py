"""Words an upload is matched by: the column names cities use for the project's fields, in
Bahasa Indonesia and English, and the words their systems use for the codes a field takes
(statuses, device states, site types), next to the codes and names of the city profile
(categories, agencies, device kinds, KPIs)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from cities import CityProfile
from data_sources.ingest.geocode import name_key
from data_sources.ingest.open311 import OPEN311_TO_STATUS, service_code_for
from data_sources.ingest.heartbeats import STATE_SYNONYMS
from data_sources.ingest.schemas import CHECK_METHODS, SITE_TYPES, UPDATE_STATUSES
from data_sources.models import COMPLAINT_STATUSES
from data_sources.rules.device_state import SAMPLE_STATES

# Column names by field (any kind that has the field). A field's own name and the model's
# aliases (service_request_id, requested_datetime, long, ...) count as well.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "no", "nomor", "no tiket", "nomor tiket", "tiket", "ticket", "ticket id", "ticket no",
                    "id laporan", "no laporan", "nomor laporan", "kode laporan", "id aduan", "no aduan",
                    "nomor aduan", "kode aduan", "id pengaduan", "no pengaduan", "report id", "complaint id",
                    "reference", "id perangkat", "kode perangkat", "id kamera", "kode kamera", "camera id",
                    "device id", "serial number"),
    "received_at": ("tanggal", "tanggal lapor", "tanggal laporan", "tgl lapor", "tgl laporan", "waktu lapor",
                    "waktu laporan", "tanggal masuk", "waktu masuk", "tanggal aduan", "tanggal pengaduan",
                    "tanggal diterima", "waktu diterima", "dilaporkan", "created", "created at", "reported at",
                    "date reported", "submitted at", "received"),
    "category": ("kategori", "jenis aduan", "jenis laporan", "kategori aduan", "kategori laporan", "topik",
                 "klasifikasi", "category", "complaint type"),
    "agency": ("opd", "dinas", "instansi", "skpd", "perangkat daerah", "unit kerja", "penanggung jawab",
               "disposisi ke", "agency", "department"),
    "status": ("status", "status aduan", "status laporan", "tahap", "progres", "progress"),
    "status_notes": ("keterangan status", "catatan status", "status notes"),
    "description": ("isi", "isi laporan", "isi aduan", "isi pengaduan", "uraian", "deskripsi", "keterangan",
                    "laporan", "aduan", "pesan", "description", "details", "complaint", "message"),
    "address": ("alamat", "lokasi", "alamat lokasi", "alamat kejadian", "lokasi kejadian", "address", "location",
                "street address"),
    "kecamatan": ("kecamatan", "kec", "district", "sub district"),
    "kelurahan": ("kelurahan", "kel", "desa", "kelurahan desa", "village", "ward"),
    "lat": ("lat", "latitude", "lintang", "garis lintang", "koordinat y"),
    "lon": ("lon", "lng", "long", "longitude", "bujur", "garis bujur", "koordinat x"),
    "updated_at": ("tanggal update", "terakhir diperbarui", "diperbarui", "tanggal perubahan", "updated",
                   "last updated", "modified"),
    "assigned_at": ("tanggal disposisi", "waktu disposisi", "didisposisi", "assigned"),
    "responded_at": ("tanggal tanggapan", "waktu tanggapan", "ditanggapi", "tanggapan pertama", "responded",
                     "first response"),
    "resolved_at": ("tanggal selesai", "waktu selesai", "diselesaikan", "resolved", "closed at", "completed at"),
    "channel": ("kanal", "saluran", "media", "sumber laporan", "channel"),
    "media_url": ("foto", "lampiran", "url foto", "gambar", "photo", "image", "attachment"),
    "reporter_name": ("nama", "nama pelapor", "pelapor", "reporter", "reporter name"),
    "first_name": ("nama depan", "first name"),
    "last_name": ("nama belakang", "last name", "surname"),
    "reporter_phone": ("telepon", "no hp", "nomor hp", "hp", "no telepon", "nomor telepon", "telp", "whatsapp",
                       "phone number", "mobile"),
    "reporter_email": ("surel", "e mail", "alamat email"),
    "reporter_nik": ("no ktp", "nomor ktp", "ktp", "nomor induk kependudukan"),
    "note": ("catatan", "keterangan", "tanggapan", "note", "comment"),
    "at": ("tanggal", "waktu", "tanggal waktu", "jam", "waktu kejadian", "time", "date", "timestamp"),
    "name": ("nama", "nama perangkat", "nama kamera", "nama lokasi", "nama titik", "device name", "label"),
    "kind": ("jenis", "jenis perangkat", "tipe", "tipe perangkat", "device type", "type"),
    "site_type": ("jenis lokasi", "tipe lokasi", "jenis tempat", "site type", "site"),
    "check_method": ("metode", "metode cek", "cara pemeriksaan", "check method", "method"),
    "host": ("ip", "alamat ip", "ip address", "hostname"),
    "check_url": ("url", "url cek", "check url", "link"),
    "uptime_target": ("target", "target uptime", "target ketersediaan", "uptime target", "sla"),
    "installed_at": ("tanggal pasang", "tanggal pemasangan", "dipasang", "installed", "installation date"),
    "active": ("aktif", "status aktif", "active", "enabled"),
    "device_id": ("id", "id perangkat", "kode perangkat", "id kamera", "kode kamera", "device", "perangkat",
                  "camera id", "monitor id"),
    "state": ("status", "kondisi", "keadaan", "status perangkat", "state"),
    "latency_ms": ("latensi", "latency", "ping", "waktu respon", "response time", "rtt"),
    "detail": ("keterangan", "catatan", "detail", "pesan", "message", "note"),
    "kpi": ("indikator", "kode kpi", "kode indikator", "indicator", "ikk", "kode"),
    "period_start": ("periode", "bulan", "period", "month", "periode awal", "bulan laporan"),
    "value": ("nilai", "capaian", "realisasi", "value", "angka", "hasil"),
}

# Words for codes, by field: what city systems write -> the project's code.
VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "status": {
        "baru": "received", "diterima": "received", "masuk": "received", "menunggu": "received",
        "belum diproses": "received", "new": "received", "didisposisi": "assigned", "disposisi": "assigned",
        "diteruskan": "assigned", "ditugaskan": "assigned", "ditanggapi": "responded", "direspon": "responded",
        "direspons": "responded", "dijawab": "responded", "diproses": "in_progress", "proses": "in_progress",
        "sedang diproses": "in_progress", "dalam proses": "in_progress", "dikerjakan": "in_progress",
        "ditindaklanjuti": "in_progress", "tindak lanjut": "in_progress", "in progress": "in_progress",
        "selesai": "resolved", "tuntas": "resolved", "sudah selesai": "resolved", "done": "resolved",
        "ditolak": "rejected", "tolak": "rejected", "tidak valid": "rejected", "dibuka kembali": "reopened",
        "dibuka ulang": "reopened",
    },
    "state": {
        "aktif": "online", "hidup": "online", "nyala": "online", "normal": "online", "baik": "online",
        "mati": "offline", "padam": "offline", "putus": "offline", "tidak aktif": "offline", "rusak": "offline",
        "off": "offline", "terganggu": "degraded", "gangguan": "degraded", "lambat": "degraded",
        "tidak diketahui": "unknown",
    },
    "site_type": {"taman": "park", "sekolah": "school", "kantor": "office", "ruang publik": "public_space",
                  "lainnya": "other", "puskesmas": "puskesmas"},
    "kind": {"kamera": "cctv", "camera": "cctv", "access point": "wifi", "hotspot": "wifi", "ap": "wifi"},
}


@dataclass(frozen=True)
class Vocabulary:
    """The codes one field takes: ``accepted`` are the words the store takes as they are,
    compared as the store compares them (``compare``: ``key`` by ``name_key``, ``lower`` without
    case, ``exact``), ``names`` every word that stands for a code (by ``name_key``)."""

    accepted: frozenset[str]
    names: dict[str, str] = field(default_factory=dict)
    compare: str = "exact"

    def accepts(self, value: str) -> bool:
        word = value.strip()
        return {"key": name_key, "lower": str.lower}.get(self.compare, str)(word) in self.accepted

    def propose(self, value: str) -> str | None:
        """The code ``value`` most likely stands for, or None."""
        key = name_key(value)
        if key in self.names:
            return self.names[key]
        close = difflib.get_close_matches(key, list(self.names), n=1, cutoff=0.8)
        return self.names[close[0]] if close else None


def _named(codes, *name_lists, synonyms: dict[str, str] | None = None) -> dict[str, str]:
    """name_key -> code for each code, its names (parallel lists) and the synonyms of codes in ``codes``."""
    names = {name_key(word): code for word, code in (synonyms or {}).items() if code in codes}
    for values in name_lists:
        names.update({name_key(word): code for word, code in zip(values, codes) if word})
    names.update({name_key(code): code for code in codes})
    return names


def vocabulary(kind: str, field_name: str, profile: CityProfile) -> Vocabulary | None:
    """The codes field ``field_name`` of record kind ``kind`` takes in ``profile``'s city; None
    for a field without a fixed set of codes."""
    if field_name == "category" and kind == "complaints":
        cats = profile.complaint_categories
        codes = [c.code for c in cats]
        names = _named(codes, [c.name_id for c in cats], [c.name_en for c in cats],
                       [service_code_for(c) for c in cats])
        return Vocabulary(frozenset(names), names, "key")
    if field_name == "agency":
        codes = [a.code for a in profile.agencies]
        return Vocabulary(frozenset(codes), _named(codes, [a.name for a in profile.agencies]))
    if field_name == "status" and kind in ("complaints", "complaint-updates"):
        codes = list(COMPLAINT_STATUSES if kind == "complaints" else UPDATE_STATUSES)
        words = [*codes, *OPEN311_TO_STATUS] if kind == "complaints" else codes
        return Vocabulary(frozenset(words), _named(codes, synonyms=VALUE_SYNONYMS["status"]), "lower")
    if field_name == "state":
        codes = list(SAMPLE_STATES)
        synonyms = VALUE_SYNONYMS["state"] | STATE_SYNONYMS
        return Vocabulary(frozenset([*codes, *STATE_SYNONYMS]), _named(codes, synonyms=synonyms), "lower")
    if field_name == "kind" and kind == "devices":
        codes = list(profile.devices)
        return Vocabulary(frozenset(codes), _named(codes, synonyms=VALUE_SYNONYMS["kind"]))
    if field_name in ("site_type", "check_method"):
        codes = list(SITE_TYPES if field_name == "site_type" else CHECK_METHODS)
        return Vocabulary(frozenset(codes), _named(codes, synonyms=VALUE_SYNONYMS.get(field_name)))
    if field_name == "kpi":
        codes = [k.code for k in profile.kpis]
        names = _named(codes, [k.name_id for k in profile.kpis], [k.name_en for k in profile.kpis])
        return Vocabulary(frozenset(codes), names)
    return None
