"""Word lists for the demo city: people, streets and complaint texts. All invented."""
from __future__ import annotations

FIRST_NAMES = (
    "Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Sri", "Joko", "Ayu", "Rizky", "Putri", "Hendra",
    "Nur", "Fajar", "Wulan", "Dedi", "Yuni", "Eko", "Indah", "Bayu", "Lestari", "Ahmad", "Fitri", "Teguh",
)
LAST_NAMES = (
    "Santoso", "Rahayu", "Wijaya", "Hidayat", "Saputra", "Kurniawan", "Lestari", "Pratama", "Setiawan",
    "Nugroho", "Susanti", "Hakim", "Permana", "Siregar", "Gunawan", "Maulana", "Anggraini", "Ramadhan",
)
STREETS = (
    "Jl. Merdeka", "Jl. Sudirman", "Jl. MH Thamrin", "Jl. Daan Mogot", "Jl. Perintis Kemerdekaan",
    "Jl. Gatot Subroto", "Jl. KH Hasyim Ashari", "Jl. Imam Bonjol", "Jl. Raden Saleh", "Jl. Teuku Umar",
    "Jl. Veteran", "Jl. Pahlawan", "Jl. Kisamaun", "Jl. Ki Hajar Dewantara", "Jl. Cendana", "Jl. Melati",
    "Jl. Kenanga", "Jl. Mawar", "Jl. Beringin", "Jl. Flamboyan", "Jl. Raya Serpong", "Jl. Pajajaran",
)
CHANNELS = ("web", "aplikasi", "whatsapp", "call_center", "media_sosial")
CHANNEL_WEIGHTS = (0.22, 0.34, 0.26, 0.10, 0.08)

# {place} is the street and kelurahan; one of several phrasings per category
TEMPLATES = {
    "pju": ("Lampu PJU di {place} mati sejak beberapa malam, jalan gelap dan rawan.",
            "Tiang lampu jalan di {place} padam, mohon segera diperbaiki."),
    "macet": ("Macet parah di {place}, kendaraan tidak bergerak.",
              "Antrean kendaraan panjang di {place}, mohon petugas Dishub."),
    "lalin": ("Lampu lalu lintas di simpang {place} mati/berkedip terus.",),
    "sampah": ("Sampah menumpuk di {place} sudah tiga hari belum diangkut.",
               "Tumpukan sampah liar di {place}, bau dan mengganggu warga."),
    "banjir": ("Genangan air setinggi lutut di {place} setelah hujan deras.",
               "Banjir di {place}, air masuk ke rumah warga."),
    "jalan": ("Jalan berlubang di {place}, membahayakan pengendara motor.",
              "Aspal rusak dan retak di {place}."),
    "drainase": ("Saluran air di {place} tersumbat sampah, air meluap ke jalan.",),
    "pohon": ("Pohon tumbang menutup jalan di {place}.", "Dahan besar hampir patah di {place}."),
    "kebakaran": ("Ada asap dan api di {place}, mohon bantuan damkar.",),
    "ketertiban": ("PKL berjualan di trotoar {place}, pejalan kaki terganggu.", "Parkir liar di {place}."),
    "adminduk": ("KTP-el saya belum jadi setelah dua minggu, domisili {place}.",
                 "Pengurusan KK di kelurahan lambat, alamat {place}."),
    "kesehatan": ("Antrean puskesmas dekat {place} sangat lama.",),
    "air": ("Air bersih tidak mengalir sejak pagi di {place}.",),
    "sosial": ("Warga lansia di {place} belum menerima bantuan sosial.",),
}
GENERIC_TEMPLATE = ("Mohon ditindaklanjuti: masalah di {place}.",)

# Personal data that citizens type into the text itself; later layers must mask it.
PERSONAL_SUFFIXES = (
    " Hubungi saya di {phone}.",
    " Saya {name}, bisa dihubungi lewat {email}.",
    " Nama pelapor {name}, NIK {nik}.",
    " WA {phone} a.n. {name}.",
)

CAMERA_PREFIXES = ("CCTV Simpang", "CCTV Jalan", "CCTV Taman", "CCTV Pasar", "CCTV Halte")
SITE_NAMES = {
    "park": "Taman {kelurahan}",
    "puskesmas": "Puskesmas {kelurahan}",
    "school": "SDN {kelurahan} {n}",
    "office": "Kantor Kelurahan {kelurahan}",
    "public_space": "Ruang Publik {kelurahan}",
}
SITE_WEIGHTS = {"park": 0.2, "puskesmas": 0.15, "school": 0.35, "office": 0.2, "public_space": 0.1}
