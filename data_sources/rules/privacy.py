"""Masking of personal data in free text and raw records shown to people who may not see it.

Pattern data is masked anywhere in a text: Indonesian mobile and landline numbers in the ways
people write them, e-mail addresses, 16-digit NIK and KK numbers (also in groups of four), and
the parts of a home address that find a house: the house number, RT/RW, the block and the lot
("Jl. Merdeka No. 12 RT 03/RW 05" becomes "Jl. Merdeka No. [disamarkan] RT/RW [disamarkan]":
the street stays, because it says where the problem is). Names have no pattern of their own, so they are found in two ways:

* known names: the complaint's own ``reporter_name`` (or the name fields of a raw record) is
  masked wherever it occurs as whole words, case-insensitively. A known name made only of
  street, place or role words (a reporter called "Jalan Raya") is not masked globally, so
  street names survive; it is still masked right after a cue.
* cues: citizens introduce themselves with a small set of phrases, and the one to four
  capitalised words after the cue are the name: "nama saya X", "Saya X", "a.n. X", "an. X",
  "a/n X", "atas nama X", "nama pelapor X", "nama: X", "nama lengkap: X", "pelapor: X",
  "Bapak/Bpk./Pak/Ibu/Bu/Sdr./Sdri./Saudara/Saudari/Mas/Mbak X", "my name is X", "I am X",
  "I'm X", "Mr./Mrs./Ms. X". The cue stays visible, only the name becomes ``MASK``. Titles
  between cue and name stay too ("Ibu Hj. [disamarkan]"). After a cue, a lowercase word is
  part of the name only if it is a word of a known name ("pak budi" for reporter Budi Santoso).

Why cues rather than a name dictionary: Indonesian names are open-ended and many are also
ordinary words (Indah, Ayu, Teguh, Lestari), while streets and places are usually named after
people (Jl. Imam Bonjol, Jl. Teuku Umar). A cue says "a person's name follows" with little
ambiguity, and a stop list keeps roles ("Pak RT", "Bu Lurah", "Ibu Camat", "Bapak Walikota"),
place words ("Jl.", "Kelurahan", "Puskesmas", "RT") and common words ("Saya Mohon ...") out of
the name. A cue directly after a street prefix ("Jl. Mas Mansyur") is ignored.

Limits, deliberately accepted:
* a bare name with no cue that is not among the known names ("tadi Budi Santoso datang")
  cannot be detected and is shown as written; "nama Budi" without a colon is not a cue;
* a capitalised non-name right after a cue is masked ("saya Cikokol" loses "Cikokol"), which
  errs on the side of privacy;
* a name after a role word ("Pak RT Budi") is not masked, because place names follow roles
  too ("Ibu Camat Karawaci");
* at most four name words are masked per cue; lowercase names are masked only if known.

Masking is idempotent: ``mask_text(mask_text(t)) == mask_text(t)``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache

PERSONAL_KEYS = {"name", "nama", "first_name", "last_name", "phone", "telepon", "hp", "email", "e_mail", "nik",
                 "reporter_name", "reporter_phone", "reporter_email", "reporter_nik", "address_string"}
# keys of a raw record whose values are names to look for in the record's free text
_NAME_KEYS = {"name", "nama", "first_name", "last_name", "reporter_name"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# NIK and KK: 16 digits, also written in groups of four ("3671 0123 4567 0001", "3671.0123.4567.0001")
_NIK = re.compile(r"(?<![\d.])\d{4}([\s.-]?)\d{4}\1\d{4}\1\d{4}(?![\d])")
# Indonesian phone numbers: mobile (0812-…, +62 812…, 62812…, (+62) 812…) and landline with an area
# code (021-5578-1234, (021) 5578 1234, +62 21 5578 1234), with dashes, dots or spaces
_PHONE = re.compile(
    r"(?<![\w+])(?:\(\+?62\)|\+62|62|\(0\d{2,3}\)|0)[\s.-]?(?:\(0?\d{2,3}\)[\s.-]?)?\d{1,4}"
    r"(?:[\s.-]?\d{2,4}){1,4}(?![\d])")
# Home addresses: the street stays (it says where the problem is); what finds a house goes:
# the house number ("No. 12", "Nomor 12A", "No.12/3"), RT/RW ("RT 03/RW 05", "RT.003 RW.005", "RT 3"),
# a housing block ("Blok C2", "Blok F-12"), a lot ("Kav. 7"). The words themselves stay.
_HOUSE = re.compile(
    r"(?<!\w)(?P<cue>No\.?|Nomor|Nomer|Kav\.?|Kavling|Blok)[ \t]*(?::[ \t]*)?"
    r"(?P<value>(?:[A-Z]{1,2}[ \t]?-?[ \t]?)?\d+[A-Za-z]?(?:[ \t]?[/.-][ \t]?\d+[A-Za-z]?)?|[A-Z]{1,2}\d*(?![a-z]))",
    re.IGNORECASE)
_RT_RW = re.compile(r"(?<!\w)(?:RT|RW)\.?[ \t]*0*\d{1,3}(?:[ \t]*[/,]?[ \t]*(?:RT|RW)?\.?[ \t]*0*\d{1,3})?(?!\d)",
                    re.IGNORECASE)
_HOME_BEFORE = re.compile(r"(?<!\w)(?:jl|jln|jalan|gg|gang|perum|perumahan|komplek|kompleks|cluster|blok|rumah|"
                          r"alamat|tinggal|kav|kavling|ruko|apartemen)\b", re.IGNORECASE)
# numbered public things: "tiang no 12" locates a pole, not a home
_PUBLIC_THINGS = frozenset("""tiang lampu pju pohon halte gardu trafo bus angkot kios lapak los pos gerbang pintu
    jembatan saluran got gorong lantai menara tower loket jalur peron gate kamar ruang lapak""".split())
MASK = "[disamarkan]"

# Phrases that introduce a person's name. Case-insensitive; the name itself must be capitalised.
_CUE = re.compile(
    r"(?<!\w)(?:"
    r"nama(?:[ \t]+lengkap)?[ \t]+(?:saya|pelapor)"
    r"|nama(?:[ \t]+lengkap)?(?=[ \t]*:)"
    r"|pelapor"
    r"|atas[ \t]+nama"
    r"|a[./]n\b\.?|an\."
    r"|my[ \t]+name[ \t]+is|i[ \t]+am|i['’]m"
    r"|saya"
    r"|bapak|bpk\.?|pak|ibu|bu|sdri?\.?|saudara|saudari|mas|mbak|mrs?\.?|ms\.?"
    r")(?:(?<=\.)|(?!\w))[ \t]*(?::[ \t]*)?",
    re.IGNORECASE,
)
# abbreviations may carry their dot; a full word followed by a dot ends a sentence ("ke jalan. Nama ...")
_STREET_BEFORE = re.compile(r"(?<!\w)(?:(?:jl|jln|gg)\.?|jalan|gang)[ \t]*\Z", re.IGNORECASE)
# a word: letters with inner apostrophes or hyphens (Ma'ruf, Siti-Aisyah)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’`-](?=[^\W\d_]))*")
# between name words: blanks, or the dot of an initial ("M. Hakim", "M.Hakim")
_GAP = re.compile(r"\.?[ \t]+|\.(?=[^\W\d_])")
_MAX_NAME_WORDS = 4

# Words that end a name (or show there is none): roles, place and address words, document
# words and common words that may be capitalised after "Saya".
_ROLES = """rt rw lurah camat walikota wali wakil kota bupati gubernur presiden menteri kepala kades ketua
    sekretaris sekda bendahara dinas kadis kabid kasi kasie polisi satpam security petugas pejabat direktur
    manajer manager kapolsek kapolres danramil babinsa komandan guru dokter bidan perawat ustadz ustad ustaz
    kyai kiai pendeta pastor staf staff admin operator anggota dewan dprd pengurus pemilik penjaga tukang
    sopir supir ojek driver"""
_PLACES = """jl jln jalan gg gang raya kel kelurahan kec kecamatan kab kabupaten desa dusun kampung kp perumahan
    perum komplek kompleks cluster blok no nomor puskesmas pustu posyandu pasar taman masjid musholla mushola
    musala gereja pura vihara sekolah sd sdn smp smpn sma sman smk smkn kantor halte stasiun terminal simpang
    rumah rs rsud klinik bank toko warung apartemen tower sungai kali bandara pintu tol kawasan ruang lapangan
    alun jembatan pertigaan perempatan bundaran mall plaza gedung pos polsek polres koramil kodim pemkot
    pemda dishub dinkes damkar bpbd pln pdam"""
_DOCUMENTS = "nik ktp kk wa hp telp tel telepon email e-mail surel alamat"
_COMMON = """di ke dari yang dan atau ini itu adalah juga sangat sebagai selaku mohon ingin mau sudah telah
    sedang akan tinggal warga penduduk melapor melaporkan lapor minta meminta tidak tak belum bisa dapat hanya
    mengadu mengeluh kecewa sekeluarga bersama sendiri pelapor terima tolong saya kami senin selasa rabu kamis
    jumat sabtu minggu the a an from in at of on not here very sorry living writing resident"""
_STOP = frozenset(f"{_ROLES} {_PLACES} {_DOCUMENTS} {_COMMON}".split())
# Honorifics and titles between a cue and the name; they stay visible ("Ibu Hj. [disamarkan]").
_TITLES = frozenset({"bapak", "bpk", "pak", "ibu", "bu", "sdr", "sdri", "saudara", "saudari", "mas", "mbak", "mr",
                     "mrs", "ms", "haji", "hj", "h", "dr", "drs", "dra", "ir", "prof", "kh", "ust"})
# Lowercase links inside a name ("Ahmad bin Abdullah"); part of the name only if a name word follows.
_PARTICLES = frozenset({"bin", "binti", "van", "der", "de"})


@lru_cache(maxsize=4096)
def _known_name(name: str) -> tuple[re.Pattern, bool, frozenset[str]] | None:
    """(whole-name pattern, mask it everywhere?, its words casefolded) for a known name, or None."""
    parts = name.split()
    words = _WORD.findall(name)
    if not parts or sum(len(w) for w in words) < 3:
        return None
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, parts)) + r"(?!\w)", re.IGNORECASE)
    if pattern.search(MASK):
        return None
    folded = frozenset(w.casefold() for w in words if len(w) >= 2)
    everywhere = not all(w in _STOP or w in _TITLES for w in folded)
    return pattern, everywhere, folded - _STOP - _TITLES


def _name_after(text: str, pos: int, patterns: list[re.Pattern], known_words: frozenset[str]) -> tuple | None:
    """Span of the name that starts at ``pos`` (right after a cue), or None."""
    for pattern in patterns:
        found = pattern.match(text, pos)
        if found:
            return found.span()
    start = end = None
    words = 0
    while words < _MAX_NAME_WORDS:
        found = _WORD.match(text, pos)
        if not found:
            break
        word = found.group()
        key = word.casefold()
        if start is None and key in _TITLES:
            pass  # "Ibu Hj. Siti": the title stays, the name follows
        elif start is not None and key in _PARTICLES:
            pass  # "Ahmad bin Abdullah": kept in the span only if a name word follows
        elif key in _STOP or key in _TITLES or not (word[0].isupper() or key in known_words):
            break
        else:
            start = found.start() if start is None else start
            end = found.end()
            words += 1
        gap = _GAP.match(text, found.end())
        if not gap or (gap.group().startswith(".") and len(word) > 3):  # a full stop, not an initial
            break
        pos = gap.end()
    return (start, end) if start is not None else None


def _mask_names(text: str, known_names: Iterable[str]) -> str:
    known = [k for k in (_known_name(n.strip()) for n in known_names if isinstance(n, str)) if k]
    for pattern, everywhere, _ in known:
        if everywhere:
            text = pattern.sub(MASK, text)
    patterns = [pattern for pattern, _, _ in known]
    known_words = frozenset().union(*(words for _, _, words in known))
    spans = []
    for cue in _CUE.finditer(text):
        if _STREET_BEFORE.search(text, max(0, cue.start() - 12), cue.start()):
            continue  # "Jl. Mas Mansyur" is a street
        span = _name_after(text, cue.end(), patterns, known_words)
        if span:
            spans.append(span)
    if not spans:
        return text
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, last = [], 0
    for start, end in merged:
        pieces += [text[last:start], MASK]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def mask_text(text: str, known_names: Iterable[str] = ()) -> str:
    """Replace e-mail addresses, NIK, phone numbers, the ``known_names`` (whole words, any case)
    and names introduced by a cue ("Saya X", "a.n. X", "Pak X", ...) in ``text`` with ``MASK``."""
    text = _EMAIL.sub(MASK, text)
    text = _NIK.sub(MASK, text)
    text = _PHONE.sub(_phone, text)
    text = _RT_RW.sub(f"RT/RW {MASK}", text)
    text = _HOUSE.sub(_house, text)
    return _mask_names(text, known_names or ())


def _phone(found: re.Match) -> str:
    """A phone number has 9 to 15 digits; shorter runs are times, amounts and counts ("jam 08.30")."""
    digits = sum(c.isdigit() for c in found.group())
    return MASK if 9 <= digits <= 15 else found.group()


def _house(found: re.Match) -> str:
    """A number after "No."/"Blok"/"Kav." finds a house when an address word comes shortly before it
    (a street, a gang, a housing estate, a house); "tiang no 15" (a pole) is left alone."""
    before = found.string[max(0, found.start() - 60):found.start()]
    if found.group("cue").lower().startswith("no"):
        last_word = _WORD.findall(before)[-1:]
        if not _HOME_BEFORE.search(before) or (last_word and last_word[0].casefold() in _PUBLIC_THINGS):
            return found.group()
    return f"{found.group('cue')} {MASK}"


def mask_complaint_text(description: str | None, reporter_name: str | None = None) -> str:
    """A complaint's description as it may be shown: personal patterns, the reporter's own name
    and cue-introduced names masked. A missing description (None, NaN) gives ""."""
    if not isinstance(description, str):
        return ""
    return mask_text(description, (reporter_name,) if isinstance(reporter_name, str) else ())


def _names_in(value) -> list[str]:
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            if isinstance(item, str) and str(key).lower() in _NAME_KEYS:
                found.append(item)
            else:
                found += _names_in(item)
        return found
    if isinstance(value, list):
        return [name for item in value for name in _names_in(item)]
    return []


def mask_record(raw: str) -> str:
    """A raw record (JSON or text) with personal keys' values, personal patterns and names
    (by cue, and the record's own name fields wherever they recur) masked."""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return mask_text(str(raw))
    names = tuple(_names_in(data))

    def walk(value, key=None):
        if key is not None and key.lower() in PERSONAL_KEYS and value not in (None, ""):
            return MASK
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return mask_text(value, names) if isinstance(value, str) else value

    return json.dumps(walk(data), ensure_ascii=False)


def mask_rejected(raw: str, reason: str | None) -> tuple[str, str]:
    """A refused record and the reason it was refused, both masked: a reason may quote a value
    of the record, so the record's own names are masked in it too."""
    try:
        names = tuple(_names_in(json.loads(raw)))
    except (TypeError, ValueError):
        names = ()
    return mask_record(raw), mask_text(reason or "", names)
