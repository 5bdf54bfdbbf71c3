"""Personal data in raw records and free text is masked before anyone sees it."""
import itertools
import json
import re

import pytest

from data_sources.demo import texts as demo_text
from data_sources.rules.privacy import MASK, mask_complaint_text, mask_record, mask_text


def test_phone_numbers_emails_and_nik_are_masked():
    text = ("Hubungi 081234567890, 0812-3456-7890 atau +62 812 3456 7890; email budi.s@example.com; "
            "NIK 3671011201800001. Lokasi Jl. Merdeka No. 12 RT 03 jam 14.30")
    masked = mask_text(text)
    for secret in ("081234567890", "0812-3456-7890", "+62 812 3456 7890", "budi.s@example.com", "3671011201800001"):
        assert secret not in masked
    assert masked.count(MASK) == 7
    assert f"Jl. Merdeka No. {MASK} RT/RW {MASK} jam 14.30" in masked  # the street and ordinary numbers survive


def test_raw_records_lose_personal_keys_and_patterns():
    raw = json.dumps({"service_request_id": "X-9", "first_name": "Budi", "email": "b@example.com",
                      "description": "WA 08123456789", "lat": -6.1})
    masked = json.loads(mask_record(raw))
    assert masked == {"service_request_id": "X-9", "first_name": MASK, "email": MASK, "description": f"WA {MASK}",
                      "lat": -6.1}
    assert mask_record("nama Budi 081234567890") == f"nama Budi {MASK}"


# --- names ----------------------------------------------------------------------------------

M = MASK
CUE_CASES = [
    ("Nama saya Budi Santoso, rumah di Jl. Merdeka No. 12.", f"Nama saya {M}, rumah di Jl. Merdeka No. {M}."),
    ("nama lengkap saya Siti Rahayu", f"nama lengkap saya {M}"),
    ("Saya Dewi Lestari, warga Cikokol.", f"Saya {M}, warga Cikokol."),
    ("Lampu mati, saya Agus Hidayat mohon dicek.", f"Lampu mati, saya {M} mohon dicek."),
    ("Paket a.n. Rina Wijaya belum datang.", f"Paket a.n. {M} belum datang."),
    ("Paket a/n Rina Wijaya belum datang.", f"Paket a/n {M} belum datang."),
    ("Rekening an. Andi Saputra.", f"Rekening an. {M}."),
    ("Laporan atas nama Joko Pratama sudah masuk.", f"Laporan atas nama {M} sudah masuk."),
    ("Nama pelapor Ayu Permana, mohon dicek.", f"Nama pelapor {M}, mohon dicek."),
    ("Nama: Rizky Ramadhan", f"Nama: {M}"),
    ("nama lengkap: Putri Anggraini", f"nama lengkap: {M}"),
    ("Pelapor: Hendra Siregar", f"Pelapor: {M}"),
    ("Sudah lapor ke Bapak Teguh Gunawan.", f"Sudah lapor ke Bapak {M}."),
    ("Rumah Ibu Wulan sering banjir.", f"Rumah Ibu {M} sering banjir."),
    ("Kata Pak Dedi jalan rusak.", f"Kata Pak {M} jalan rusak."),
    ("Warung Bu Yuni tutup.", f"Warung Bu {M} tutup."),
    ("Diterima Sdr. Fajar Maulana.", f"Diterima Sdr. {M}."),
    ("Diterima Sdri. Indah Susanti.", f"Diterima Sdri. {M}."),
    ("Hello, my name is John O'Neil.", f"Hello, my name is {M}."),
    ("I am Jane Doe-Smith, resident.", f"I am {M}, resident."),
    ("Saya M. Hakim bin Abdullah, RT 03.", f"Saya {M}, RT/RW {M}."),
    ("Saya Ibu Hj. Nur Hakim.", f"Saya Ibu Hj. {M}."),
    ("SAYA BUDI SANTOSO", f"SAYA {M}"),
    ("Saya Budi Santoso NIK 3671011201800001", f"Saya {M} NIK {M}"),
    ("Saya Eko. Mohon dicek.", f"Saya {M}. Mohon dicek."),
]


@pytest.mark.parametrize(("text", "expected"), CUE_CASES)
def test_names_after_a_cue_are_masked_and_the_cue_stays(text, expected):
    assert mask_text(text) == expected


SURVIVORS = [
    "saya melihat lampu mati di Jl. Merdeka dekat tiang no 12",
    "Pak RT, Bu RT, Pak RW, Pak Lurah, Bapak Walikota dan Ibu Camat sudah diberi tahu.",
    "Mohon Pak Kepala Dinas, Bu Ketua RT dan Pak Polisi menindak, Pak Satpam juga.",
    "Kelurahan Cikokol, Kecamatan Karawaci, depan Puskesmas Cibodas, Jl. Mas Mansyur, Ibu Kota.",
    "Rumah saya di Jl. Merdeka, Kel. Cikokol.",
    "Saya Mohon bantuan, Saya Warga Kelurahan Sukasari. Pak, tolong. Bapak/Ibu petugas.",
    "Pak Haji belum datang, jalan masih banjir.",
    "KTP-el saya belum jadi setelah dua minggu.",
]


@pytest.mark.parametrize("text", SURVIVORS)
def test_roles_streets_and_places_survive(text):
    assert mask_text(text) == text


def _demo_places():
    return [f"{street} No. 12, {kel}" for street in demo_text.STREETS for kel in ("Cikokol", "Sukasari")]


def test_demo_complaints_keep_everything_but_the_house_number():
    templates = [t for group in demo_text.TEMPLATES.values() for t in group] + list(demo_text.GENERIC_TEMPLATE)
    for template in templates:
        for place in _demo_places():
            text = template.format(place=place)
            expected = text.replace("No. 12", f"No. {MASK}")
            assert mask_text(text) == expected
            assert mask_complaint_text(text, None) == expected


def _survivors(masked: str, name: str) -> list[str]:
    return [word for word in name.split()
            if len(word) >= 3 and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", masked, re.IGNORECASE)]


def test_every_demo_name_in_every_personal_suffix_is_masked_by_cue_alone():
    base = "Sampah menumpuk di Jl. Merdeka depan Pasar Lama, Cikokol."
    for first, last in itertools.product(demo_text.FIRST_NAMES, demo_text.LAST_NAMES):
        name = f"{first} {last}"
        for suffix in demo_text.PERSONAL_SUFFIXES:
            text = base + suffix.format(phone="081234567890", name=name, nik="3671011201800001",
                                        email=f"{first.lower()}.{last.lower()}7@example.com")
            masked = mask_text(text)
            assert masked.startswith(base), masked
            assert not _survivors(masked, name), masked
            for secret in ("081234567890", "3671011201800001", "@example.com"):
                assert secret not in masked
            assert mask_complaint_text(text, name) == masked  # the known name changes nothing here
            assert mask_text(masked) == masked


def test_known_names_are_masked_case_insensitively_as_whole_words():
    text = "Laporan dari BUDI  santoso; budi santosos bukan dia. Kata pak budi, Santoso tidak ada."
    assert mask_text(text, ["Budi Santoso"]) == (f"Laporan dari {M}; budi santosos bukan dia. "
                                                 f"Kata pak {M}, Santoso tidak ada.")
    assert mask_complaint_text("tolong bu siti rahayu", "Siti Rahayu") == f"tolong bu {M}"
    assert mask_complaint_text("dicek oleh siti", " Siti ") == f"dicek oleh {M}"
    assert mask_text("Jalan rusak", ["", "  ", None, "-"]) == "Jalan rusak"
    assert mask_complaint_text(None, "Budi") == ""


def test_a_known_name_made_of_street_words_does_not_erase_streets():
    text = "Jalan Raya Serpong berlubang, kata Pak Jalan Raya."
    assert mask_complaint_text(text, "Jalan Raya") == f"Jalan Raya Serpong berlubang, kata Pak {M}."


def test_raw_records_mask_names_by_cue_and_by_their_own_name_fields():
    raw = json.dumps({"first_name": "Budi", "description": "budi bilang: Saya Agus Hidayat, Pak RT tahu",
                      "notes": ["a.n. Siti Rahayu"]})
    assert json.loads(mask_record(raw)) == {"first_name": M, "description": f"{M} bilang: Saya {M}, Pak RT tahu",
                                            "notes": [f"a.n. {M}"]}
    assert mask_record("WA 081234567890 a.n. Dewi Lestari") == f"WA {M} a.n. {M}"


def test_text_without_personal_data_is_unchanged():
    text = "Lampu lalu lintas di simpang Jl. Sudirman mati sejak 14.30, mohon petugas Dishub. Tiang no 12 miring."
    assert mask_text(text) == text
    assert mask_text(text, ["Budi Santoso"]) == text


def test_masking_is_idempotent():
    texts = [t for t, _ in CUE_CASES] + SURVIVORS + [
        "Pak A B C D E F datang", "Saya disamarkan", "tolong Bapak Budi Pak Agus", "Ibu Siti-Aisyah Ma'ruf",
    ]
    for text in texts:
        for known in ((), ("Budi Santoso",), ("Disamarkan",), ("Jalan Raya",)):
            once = mask_text(text, known)
            assert mask_text(once, known) == once


def test_a_sentence_ending_in_a_street_word_does_not_hide_the_next_cue():
    text = "Air meluap ke jalan. Nama pelapor Lestari Hidayat, NIK 3671011201800001."
    assert mask_text(text) == f"Air meluap ke jalan. Nama pelapor {MASK}, NIK {MASK}."
    assert mask_text("Lampu di Jalan Mas Mansyur mati") == "Lampu di Jalan Mas Mansyur mati"


def test_rejected_records_are_masked_in_the_query_layer_reason_included(tmp_path, query_context):
    from datetime import datetime, timezone

    from data_sources.migrate import upgrade
    from data_sources.queries import sources
    from tests.helpers import execute

    url = f"sqlite:///{tmp_path / 'rejected.db'}"
    upgrade(url)
    execute(url, "INSERT INTO sources (city_code, key, name, kind, freshness_budget_seconds, enabled) "
                 "VALUES ('36.71', 'app', 'App', 'open311', 300, 1)")
    raw = '{"service_request_id": "A-1", "first_name": "Siti", "phone": "0812-3456-7890", "description": "hubungi Siti"}'
    execute(url, "INSERT INTO rejected_records (source_id, external_id, raw, reason, created_at) VALUES "
                 "(1, 'A-1', :raw, :reason, :at)", raw=raw,
            reason="phone: '0812-3456-7890' of Siti is not a number", at=datetime(2026, 11, 23, tzinfo=timezone.utc))
    server = query_context(url)
    with server.app_context():
        row = sources.rejected_records("36.71").iloc[0]
    for secret in ("0812-3456-7890", "Siti"):
        assert secret not in row["raw"] and secret not in row["reason"]
    assert MASK in row["reason"] and "is not a number" in row["reason"]


# Realistic complaint texts with personal data written the ways people write it: each secret
# must go, what says where the problem is (the street, the kelurahan, the landmark) must stay.
REALISTIC = [
    ("Lampu PJU mati, hubungi saya di 0812-3456-7890.", ["0812-3456-7890"], ["Lampu PJU mati"]),
    ("Mohon ditindak, WA +62 812 3456 7890 (Budi).", ["+62 812 3456 7890", "812 3456"], ["Mohon ditindak"]),
    ("Kontak: 6281234567890", ["6281234567890"], ["Kontak:"]),
    ("Telp kantor (021) 5578 1234 ext 12", ["5578 1234", "(021)"], ["Telp kantor"]),
    ("telepon rumah 021-5578-1234", ["021-5578-1234"], ["telepon rumah"]),
    ("hp 0812.3456.7890 atau 0857 1122 3344", ["0812.3456.7890", "0857 1122 3344"], []),
    ("nomor saya +62-821-1111-2222", ["+62-821-1111-2222", "821-1111"], []),
    ("(+62) 813 9876 5432 bisa ditelepon", ["813 9876 5432"], ["bisa ditelepon"]),
    ("NIK 3671011201800001", ["3671011201800001"], ["NIK"]),
    ("No KTP 3671 0112 0180 0001", ["3671 0112 0180 0001", "0180"], []),
    ("KK: 3671.0112.0180.0002", ["3671.0112.0180.0002"], ["KK:"]),
    ("email saya budi.santoso@gmail.com terima kasih", ["budi.santoso@gmail.com"], ["terima kasih"]),
    ("Kirim ke siti_r+lapor@yahoo.co.id", ["siti_r+lapor@yahoo.co.id"], ["Kirim ke"]),
    ("Nama saya Budi Santoso, warga Cikokol.", ["Budi Santoso"], ["warga Cikokol"]),
    ("Saya Dewi Lestari mohon bantuan", ["Dewi Lestari"], ["mohon bantuan"]),
    ("Pelapor: Hendra Siregar", ["Hendra Siregar"], ["Pelapor:"]),
    ("a.n. Rina Wijaya", ["Rina Wijaya"], []),
    ("Rumah Ibu Wulan Sari kebanjiran", ["Wulan Sari"], ["kebanjiran"]),
    ("Jl. Merdeka No. 12 RT 03/RW 05, Kel. Sukasari", ["No. 12", "RT 03", "RW 05"], ["Jl. Merdeka", "Kel. Sukasari"]),
    ("Jalan Daan Mogot Nomor 45A, Kelurahan Batuceper", ["45A"], ["Jalan Daan Mogot", "Kelurahan Batuceper"]),
    ("Gg. Masjid No.7 RT.003 RW.005 Kec. Cipondoh", ["No.7", "RT.003", "RW.005"], ["Gg. Masjid", "Kec. Cipondoh"]),
    ("Gang Damai no 3, rt 2 rw 4", ["no 3", "rt 2", "rw 4"], ["Gang Damai"]),
    ("Perum Griya Asri Blok C2 No. 5, Karawaci", ["Blok C2", "No. 5"], ["Perum Griya Asri", "Karawaci"]),
    ("Perumahan Banjar Wijaya blok F-12 no 8", ["F-12", "no 8"], ["Perumahan Banjar Wijaya"]),
    ("Komplek Pemda Kav. 7 RT 01", ["Kav. 7", "RT 01"], ["Komplek Pemda"]),
    ("alamat: Jl. Imam Bonjol No. 101/3 RT 004 RW 002", ["101/3", "RT 004", "RW 002"], ["Jl. Imam Bonjol"]),
    ("Saya Agus Hidayat, Jl. Teuku Umar No 9, 0813-1111-2222, agus@mail.com",
     ["Agus Hidayat", "No 9", "0813-1111-2222", "agus@mail.com"], ["Jl. Teuku Umar"]),
    ("Bapak Teguh Gunawan (NIK 3671011201800003) tinggal di RT 05", ["Teguh Gunawan", "3671011201800003", "RT 05"],
     ["tinggal di"]),
    ("My name is John Doe, phone +62 811 222 3333", ["John Doe", "811 222 3333"], ["phone"]),
    ("Hubungi Pak Dedi 0812 3456 7890 di rumah nomer 8a", ["Dedi", "0812 3456 7890", "8a"], ["di rumah nomer"]),
    ("lampu mati sejak jam 18.30 di Jl. Sudirman dekat tiang no 15", [], ["jam 18.30", "tiang no 15", "Jl. Sudirman"]),
    ("banjir 50 cm, 3 rumah terendam, Rp 150.000 kerugian", [], ["50 cm", "3 rumah", "Rp 150.000"]),
]


@pytest.mark.parametrize(("text", "secrets", "kept"), REALISTIC)
def test_personal_data_as_people_write_it_is_masked_and_the_place_stays(text, secrets, kept):
    masked = mask_text(text)
    for secret in secrets:
        assert secret not in masked, (secret, masked)
    for part in kept:
        assert part in masked, (part, masked)
    assert mask_text(masked) == masked


def test_there_are_at_least_thirty_realistic_texts_covering_every_form():
    joined = " ".join(text for text, _, _ in REALISTIC)
    assert len(REALISTIC) >= 30
    for form in ("0812-", "+62 8", "62812", "(021)", "021-", "NIK", "KK", "@", "Nama saya", "Pelapor", "a.n.",
                 "Jl.", "Jalan", "RT", "RW", "Kel.", "Gg.", "Gang", "Blok", "Perum", "No."):
        assert form in joined, form
