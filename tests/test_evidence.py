"""The evidence store: links (http/https only), files recognised by their content (a real PDF,
PNG and JPEG made here; a text file renamed .pdf, an oversized file and a path-traversal name),
what each kind adds, deletion with its file, the audit log; the file route per role; the page's
save and delete callbacks as the browser calls them."""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from data_sources import evidence
from data_sources.db import make_engine
from data_sources.evidence import Evidence, EvidenceError
from tests.helpers import FIXED_NOW, sign_in, test_settings
from tests.sql import rows, scalar

CITY = "36.71"


def make_pdf(text_line: str = "Peraturan Wali Kota tentang Kota Cerdas") -> bytes:
    """A real one-page PDF (fpdf2)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(text=text_line)
    return bytes(pdf.output())


def make_image(kind: str = "PNG", size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (0, 114, 178)).save(out, format=kind)
    return out.getvalue()


def link_item(**changes) -> Evidence:
    values = dict(city_code=CITY, section="policy", kind="regulation", title_id="Perwal Kota Cerdas",
                  title_en="Smart-city regulation", year=2019, url="https://jdih.example.go.id/perwal-31-2019",
                  details={"number": "Perwal No. 31 Tahun 2019"})
    return Evidence(**(values | changes))


@pytest.fixture
def store(writable_city_any, tmp_path):
    """A connection factory on a private copy of the test city (SQLite, then PostgreSQL) and a
    directory for the files."""
    engine = make_engine(writable_city_any)
    directory = tmp_path / "evidence"
    yield engine, directory, writable_city_any
    engine.dispose()


def _add_file(engine, directory, name, content, *, max_bytes=5 * 2**20, **changes):
    with engine.begin() as conn:
        return evidence.add_file(conn, link_item(url=None, **changes), name, content, directory=directory,
                                 max_bytes=max_bytes, actor="test-admin", now=FIXED_NOW, role="admin")


# --- links and kinds ------------------------------------------------------------------------------------


def test_a_link_is_stored_with_its_details_and_audited(store):
    engine, _directory, url = store
    with engine.begin() as conn:
        item_id = evidence.add_link(conn, link_item(indicator_code="gov_regulasi_smart"), actor="test-admin",
                                    now=FIXED_NOW, role="admin", address="127.0.0.1",
                                    indicator_codes={"gov_regulasi_smart"})
    row = rows(url, "SELECT section, indicator_code, kind, url, details, stored_name, added_by, demo "
                    "FROM evidence_items WHERE id = :i", i=item_id)[0]
    assert row[:4] == ("policy", "gov_regulasi_smart", "regulation", "https://jdih.example.go.id/perwal-31-2019")
    assert json.loads(row[4]) == {"number": "Perwal No. 31 Tahun 2019"}
    assert row[5] is None and row[6] == "test-admin" and not row[7]
    entry = rows(url, "SELECT actor, role, action, detail, address FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert entry[:3] == ("test-admin", "admin", "admin_change") and f"evidence {item_id} added" in entry[3]
    assert entry[4] == "127.0.0.1"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://files.example.go.id/a.pdf", "http://", "jdih.go.id/x",
                                 "https://exa mple.go.id/", "data:text/html,hi", "https://ok.example/\x00", "", None])
def test_only_full_http_links_are_taken(bad):
    with pytest.raises(EvidenceError) as caught:
        evidence.check_url(bad)
    assert caught.value.key in ("evidence.error.url", "evidence.error.url_missing")


@pytest.mark.parametrize("changes, key", [
    (dict(section="marketing"), "evidence.error.section"),
    (dict(kind="photo"), "evidence.error.kind"),
    (dict(title_id="ab"), "evidence.error.title"),
    (dict(year=1800), "evidence.error.year"),
    (dict(indicator_code="no_such_indicator"), "evidence.error.indicator"),
    (dict(kind="budget", details={}), "evidence.error.amount"),
    (dict(kind="budget", details={"amount": -5}), "evidence.error.amount"),
    (dict(kind="budget", year=None, details={"amount": 5}), "evidence.error.year_needed"),
    (dict(kind="award", details={"giver": "  "}), "evidence.error.giver"),
    (dict(kind="assessment", details={"scores": {}, "maturity": "II", "assessed_on": "2025-09-11"}),
     "evidence.error.scores"),
    (dict(kind="assessment", details={"scores": {"governance": 80, "luck": 3}, "maturity": "II",
                                      "assessed_on": "2025-09-11"}), "evidence.error.scores"),
    (dict(kind="assessment", details={"scores": {"governance": 80}, "maturity": "VI", "assessed_on": "2025-09-11"}),
     "evidence.error.maturity"),
    (dict(kind="assessment", details={"scores": {"governance": 80}, "maturity": "II", "assessed_on": "kemarin"}),
     "evidence.error.assessed_on"),
])
def test_what_a_kind_needs_is_checked(changes, key):
    with pytest.raises(EvidenceError) as caught:
        evidence.check_item(link_item(**changes), {"gov_regulasi_smart"})
    assert caught.value.key == key


def test_an_assessment_keeps_its_scores_maturity_and_date():
    checked = evidence.check_item(link_item(section="security", kind="assessment", year=2025, details={
        "scores": {"governance": "101", "risk": 53, "data_protection": 42.5, "technology": ""},
        "maturity": "III", "assessed_on": "2025-09-11"}))
    assert checked.details == {"scores": {"governance": 101.0, "risk": 53.0, "data_protection": 42.5},
                               "maturity": "III", "assessed_on": "2025-09-11", "assessor": "BSSN", "total": 196.5}


# --- files ------------------------------------------------------------------------------------------------


def test_a_pdf_png_and_jpeg_are_stored_under_random_names(store):
    engine, directory, url = store
    pdf, png, jpeg = make_pdf(), make_image("PNG"), make_image("JPEG")
    ids = [_add_file(engine, directory, "Perwal 31-2019.pdf", pdf),
           _add_file(engine, directory, "piagam.PNG", png, kind="award", details={"giver": "Kementerian PANRB"}),
           _add_file(engine, directory, "foto.jpeg", jpeg, kind="report")]
    stored = rows(url, "SELECT id, file_name, stored_name, mime_type, size_bytes FROM evidence_items WHERE id IN "
                       f"({', '.join(map(str, ids))}) ORDER BY id")
    assert [(r[1], r[3], r[4]) for r in stored] == [("Perwal 31-2019.pdf", "application/pdf", len(pdf)),
                                                   ("piagam.PNG", "image/png", len(png)),
                                                   ("foto.jpeg", "image/jpeg", len(jpeg))]
    for r, content in zip(stored, (pdf, png, jpeg)):
        assert r[2] not in (r[1], None) and r[1] not in r[2]  # never the uploaded name on disk
        assert (directory / r[2]).read_bytes() == content
    assert sorted(p.name for p in directory.iterdir()) == sorted(r[2] for r in stored)  # no temporary files left


@pytest.mark.parametrize("name, content, key", [
    ("perwal.pdf", b"Ini hanya teks biasa, bukan PDF.\n" * 20, "evidence.error.content"),  # a text file renamed .pdf
    ("perwal.pdf", b"%PDF-1.7\n" + b"0" * 500, "evidence.error.content"),  # a PDF cut off (no %%EOF)
    ("gambar.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "evidence.error.content"),  # a PNG header and nothing else
    ("piagam.png", None, "evidence.error.content"),  # a real PDF named .png
    ("laporan.docx", None, "evidence.error.type"),
    ("laporan", None, "evidence.error.type"),
    ("kosong.pdf", b"", "evidence.error.empty"),
])
def test_a_file_is_judged_by_its_content_not_its_name(store, name, content, key):
    engine, directory, url = store
    before = scalar(url, "SELECT count(*) FROM evidence_items")
    with pytest.raises(EvidenceError) as caught:
        _add_file(engine, directory, name, make_pdf() if content is None else content)
    assert caught.value.key == key and caught.value.values.get("name") == name
    assert scalar(url, "SELECT count(*) FROM evidence_items") == before
    assert not directory.exists() or list(directory.iterdir()) == []


def test_an_oversized_file_is_refused(store):
    engine, directory, _url = store
    big = make_image("PNG", (600, 600))  # about 2 KB of PNG ...
    with pytest.raises(EvidenceError) as caught:
        _add_file(engine, directory, "besar.png", big, max_bytes=len(big) - 1)  # ... one byte over the limit
    assert caught.value.key == "evidence.error.too_big"
    assert caught.value.values == {"name": "besar.png", "size": len(big), "limit": len(big) - 1}
    assert _add_file(engine, directory, "besar.png", big, max_bytes=len(big)) > 0  # at the limit it is taken


@pytest.mark.parametrize("name, shown", [
    ("../../../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
    ("/tmp/../../evil.pdf", "evil.pdf"),
    ("laporan\x00.exe.pdf", "laporan.exe.pdf"),
    ("  ....pdf", "pdf"),  # nothing but dots and an extension: no extension left, refused below
])
def test_a_path_in_the_name_never_reaches_the_disk(store, tmp_path, name, shown):
    engine, directory, url = store
    outside = sorted(p.name for p in tmp_path.parent.iterdir())
    assert evidence.safe_name(name) == shown
    if not shown.endswith(".pdf"):
        with pytest.raises(EvidenceError):
            _add_file(engine, directory, name, make_pdf())
        return
    item_id = _add_file(engine, directory, name, make_pdf())
    file_name, stored = rows(url, "SELECT file_name, stored_name FROM evidence_items WHERE id = :i", i=item_id)[0]
    assert file_name == shown
    assert [p.name for p in directory.iterdir()] == [stored]  # only the random name, in the directory
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == outside
    with pytest.raises(EvidenceError):
        evidence.stored_path(directory, "../" + stored)  # a name from elsewhere is refused


def test_deleting_an_item_removes_its_file_and_is_audited(store):
    engine, directory, url = store
    item_id = _add_file(engine, directory, "masterplan.pdf", make_pdf(), kind="plan")
    stored = scalar(url, "SELECT stored_name FROM evidence_items WHERE id = :i", i=item_id)
    assert (directory / stored).is_file()
    with engine.begin() as conn:
        assert evidence.delete_item(conn, CITY, item_id, directory=directory, actor="test-operator", now=FIXED_NOW,
                                    role="operator")
    assert scalar(url, "SELECT count(*) FROM evidence_items WHERE id = :i", i=item_id) == 0
    assert not (directory / stored).exists()
    entry = rows(url, "SELECT actor, action, detail FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert entry[:2] == ("test-operator", "admin_change") and "deleted" in entry[2] and "file" in entry[2]
    with engine.begin() as conn:  # again, or another city's item: nothing to delete
        assert not evidence.delete_item(conn, CITY, item_id, directory=directory, actor="x", now=FIXED_NOW)
        assert not evidence.delete_item(conn, "36.74", 1, directory=directory, actor="x", now=FIXED_NOW)


def test_a_file_whose_row_fails_is_removed_again(store, monkeypatch):
    engine, directory, _url = store

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database refused the row")

    monkeypatch.setattr(evidence, "_record", broken)
    with pytest.raises(RuntimeError):
        _add_file(engine, directory, "perwal.pdf", make_pdf())
    assert list(directory.iterdir()) == []


# --- the file route, per role -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory, city_db):
    """The app on a copy of the test city with a PDF and a PNG stored, and a client per role."""
    import shutil

    from app import create_app
    from data_sources.users import create_screen

    folder = tmp_path_factory.mktemp("served")
    path = folder / "city.db"
    shutil.copy(city_db.removeprefix("sqlite:///"), path)
    url, directory = f"sqlite:///{path}", folder / "evidence"
    engine = make_engine(url)
    pdf, png = make_pdf(), make_image("PNG")
    ids = {"pdf": _add_file(engine, directory, "Perwal Kota Cerdas (final).pdf", pdf),
           "png": _add_file(engine, directory, "piagam penghargaan.png", png, kind="award",
                            details={"giver": "Kementerian PANRB"})}
    with engine.begin() as conn:
        ids["link"] = evidence.add_link(conn, link_item(), actor="t", now=FIXED_NOW)
        token = create_screen(conn, "test-wall-evidence", ("overview",), FIXED_NOW)
    engine.dispose()
    app = create_app(test_settings(url, frozen_now=FIXED_NOW, evidence_dir=directory))
    clients = {"anonymous": app.server.test_client()}
    for role in ("admin", "operator", "leadership", "evaluator"):
        clients[role] = sign_in(app.server.test_client(), url, role)
    clients["wall"] = app.server.test_client()
    assert clients["wall"].get(f"/login/wall?token={token}").status_code == 302
    return {"app": app, "url": url, "directory": directory, "ids": ids, "clients": clients, "pdf": pdf, "png": png}


@pytest.mark.parametrize("role", ["admin", "operator", "leadership", "evaluator"])
def test_people_open_a_stored_file_inline_under_its_name(served, role):
    answer = served["clients"][role].get(f"/evidence/file/{served['ids']['pdf']}")
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf" and answer.data == served["pdf"]
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("inline") and "Perwal Kota Cerdas (final).pdf" in disposition
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    image = served["clients"][role].get(f"/evidence/file/{served['ids']['png']}")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == served["png"]


def test_anonymous_is_sent_to_sign_in_and_a_wall_is_refused(served):
    item = served["ids"]["pdf"]
    answer = served["clients"]["anonymous"].get(f"/evidence/file/{item}")
    assert answer.status_code == 302 and answer.headers["Location"].startswith(f"/login?next=/evidence/file/{item}")
    assert served["clients"]["wall"].get(f"/evidence/file/{item}").status_code == 403


@pytest.mark.parametrize("path", ["/evidence/file/999999", "/evidence/file/{link}", "/evidence/file/0",
                                  "/evidence/file/99999999999999", "/evidence/file/-1", "/evidence/file/..%2Fcity.db",
                                  "/evidence/file/../city.db", "/evidence/file/abc"])
def test_unknown_items_links_and_paths_are_not_found(served, path):
    answer = served["clients"]["evaluator"].get(path.format(link=served["ids"]["link"]))
    assert answer.status_code == 404, (path, answer.status_code)


def test_a_file_missing_on_disk_is_not_found(served, tmp_path):
    directory = served["directory"]
    stored = scalar(served["url"], "SELECT stored_name FROM evidence_items WHERE id = :i", i=served["ids"]["png"])
    moved = tmp_path / stored
    (directory / stored).rename(moved)
    try:
        assert served["clients"]["admin"].get(f"/evidence/file/{served['ids']['png']}").status_code == 404
    finally:
        moved.rename(directory / stored)


# --- the page's callbacks, as the browser calls them ---------------------------------------------------------


def _callback(client, output_start: str, values: dict) -> dict:
    """Post the callback whose outputs start with ``output_start``, with ``values`` (id.property -> value)
    for its inputs and state (ALL patterns: a list of {"id", "value"})."""
    dependency = next(d for d in client.get("/_dash-dependencies").get_json() if d["output"].startswith(output_start))

    def spec(item):
        key = f"{item['id']}.{item['property']}"
        if item["id"].startswith("{"):
            return [{"id": json.loads(item["id"]) | {"index": i}, "property": item["property"],
                     "value": (json.loads(item["id"]) | {"index": i} if item["property"] == "id" else v)}
                    for i, v in values.get(key, [])]
        return {"id": item["id"], "property": item["property"], "value": values.get(key)}

    out = dependency["output"]
    outputs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in out.strip(".").split("...")]
    body = {"output": out, "outputs": outputs if out.startswith("..") else outputs[0],
            "inputs": [spec(i) for i in dependency["inputs"]], "state": [spec(s) for s in dependency.get("state", [])],
            "changedPropIds": [f"{dependency['inputs'][0]['id']}.{dependency['inputs'][0]['property']}"]}
    answer = client.post("/_dash-update-component", json=body)
    raw = answer.get_data(as_text=True)
    try:  # the answer's text as written (Dash escapes "/" and non-ASCII in its JSON)
        readable = json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        readable = raw
    return {"status": answer.status_code, "text": readable}


def _form(**changes) -> dict:
    values = {"evidence-save.n_clicks": 1, "evidence-section.value": "budget", "evidence-kind.value": "budget",
              "evidence-title-id.value": "Anggaran kota cerdas 2026", "evidence-title-en.value": None,
              "evidence-year.value": 2026, "evidence-url.value": None, "evidence-amount.value": 25_500_000_000,
              "evidence-changed.data": 0}
    return values | changes


def _upload(name: str, content: bytes, mime: str = "application/pdf") -> dict:
    return {"evidence-file-store.data": {"name": name,
                                         "contents": f"data:{mime};base64,{base64.b64encode(content).decode()}"}}


def test_the_page_saves_a_file_and_says_why_it_refuses_one(served):
    admin, url = served["clients"]["admin"], served["url"]
    before = scalar(url, "SELECT count(*) FROM evidence_items")
    saved = _callback(admin, "..evidence-result.children...evidence-changed", _form(**_upload("APBD 2026.pdf",
                                                                                             make_pdf("APBD"))))
    assert saved["status"] == 200 and "Bukti tersimpan" in saved["text"]
    row = rows(url, "SELECT kind, year, details, file_name, mime_type, added_by FROM evidence_items ORDER BY id DESC "
                    "LIMIT 1")[0]
    assert (row[0], row[1], json.loads(row[2]), row[3], row[4], row[5]) == (
        "budget", 2026, {"amount": 25_500_000_000.0}, "APBD 2026.pdf", "application/pdf", "test-admin")
    renamed = _callback(admin, "..evidence-result.children...evidence-changed",
                        _form(**_upload("catatan.pdf", b"hanya teks\n" * 10, "text/plain")))
    assert renamed["status"] == 200 and "bukan PDF, PNG atau JPEG yang utuh" in renamed["text"]
    nothing = _callback(admin, "..evidence-result.children...evidence-changed", _form(**{"evidence-amount.value": None}))
    assert nothing["status"] == 200 and "jumlah harus angka" in nothing["text"]
    assert scalar(url, "SELECT count(*) FROM evidence_items") == before + 1
    link = _callback(admin, "..evidence-result.children...evidence-changed",
                     _form(**{"evidence-kind.value": "assessment", "evidence-section.value": "security",
                              "evidence-url.value": "https://bssn.example.go.id/kami-2026",
                              "evidence-maturity.value": "III+", "evidence-assessed-on.value": "2026-10-02",
                              '{"index":["ALL"],"type":"evidence-score"}.value': [("governance", 110), ("risk", 60)],
                              '{"index":["ALL"],"type":"evidence-score"}.id': [("governance", 110), ("risk", 60)]}))
    assert link["status"] == 200 and "Bukti tersimpan" in link["text"]
    details = json.loads(scalar(url, "SELECT details FROM evidence_items ORDER BY id DESC LIMIT 1"))
    assert details["scores"] == {"governance": 110.0, "risk": 60.0} and details["maturity"] == "III+"


def test_the_page_deletes_after_confirmation_and_only_for_its_roles(served):
    url, directory = served["url"], served["directory"]
    engine = make_engine(url)
    item_id = _add_file(engine, directory, "hapus saya.pdf", make_pdf())
    engine.dispose()
    stored = scalar(url, "SELECT stored_name FROM evidence_items WHERE id = :i", i=item_id)
    values = {"evidence-confirm.submit_n_clicks": 1, "evidence-pending.data": {"id": item_id},
              "evidence-changed.data": 3}
    refused = _callback(served["clients"]["evaluator"], "..evidence-result.children@", values)
    assert refused["status"] == 403 and (directory / stored).exists()
    done = _callback(served["clients"]["operator"], "..evidence-result.children@", values)
    assert done["status"] == 200 and "Bukti dihapus" in done["text"]
    assert not (directory / stored).exists()
    assert scalar(url, "SELECT count(*) FROM evidence_items WHERE id = :i", i=item_id) == 0
    again = _callback(served["clients"]["operator"], "..evidence-result.children@", values)
    assert again["status"] == 200 and "tidak ditemukan" in again["text"]


def test_the_page_lists_items_by_section_with_their_links(served):
    answer = _callback(served["clients"]["admin"], "evidence-items.children",
                       {"evidence-changed.data": 0, "evidence-refresh.n_intervals": None})
    assert answer["status"] == 200
    assert f'"/evidence/file/{served["ids"]["pdf"]}"' in answer["text"]
    assert f'"/evidence/file/{served["ids"]["link"]}"' not in answer["text"]  # a link opens its address
    assert '"https://jdih.example.go.id/perwal-31-2019"' in answer["text"]
    for section in ("policy", "technology", "governance", "services", "budget", "awards", "security"):
        assert f"evidence-section-{section}" in answer["text"]


def test_text_is_never_a_path(tmp_path):
    with pytest.raises(EvidenceError):
        evidence.stored_path(tmp_path, "../../etc/passwd")
    assert evidence.stored_path(tmp_path, "0" * 32 + ".pdf") == Path(tmp_path) / ("0" * 32 + ".pdf")


def test_files_without_an_item_are_found_and_removed(store):
    engine, directory, _url = store
    kept = _add_file(engine, directory, "tetap.pdf", make_pdf())
    orphan = directory / ("f" * 32 + ".pdf")
    orphan.write_bytes(make_pdf())
    other = directory / "catatan.txt"  # not a name the store makes: left alone
    other.write_text("x")
    with engine.connect() as conn:
        assert evidence.remove_orphans(conn, directory) == 1
        assert evidence.file_of(conn, CITY, kept) is not None
    assert not orphan.exists() and other.exists()


def test_the_query_gives_none_for_what_an_item_lacks(store, query_context):
    from data_sources.queries import evidence as queries

    engine, directory, url = store
    file_id = _add_file(engine, directory, "perwal.pdf", make_pdf())
    with engine.begin() as conn:
        link_id = evidence.add_link(conn, link_item(), actor="t", now=FIXED_NOW)
    query_context(url)
    frame = queries.items(CITY, "policy").set_index("id")
    assert frame.loc[link_id, "stored_name"] is None and frame.loc[link_id, "indicator_code"] is None
    assert isinstance(frame.loc[file_id, "stored_name"], str) and frame.loc[file_id, "url"] is None
    assert frame.loc[link_id, "details"] == {"number": "Perwal No. 31 Tahun 2019"}
