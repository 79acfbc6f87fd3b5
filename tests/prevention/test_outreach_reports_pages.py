"""Outreach uploads are size-limited and type-checked; trainer reports export safely to CSV and XLSX;
public pages carry the right lang and dir and name each language in itself; the translation status page
shows what is missing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from octip.prevention import services
from octip.prevention.models import AwarenessPage, MaterialFile

pytestmark = pytest.mark.django_db


@pytest.fixture
def material(trainer):
    return services.add_material(actor=trainer, title="Poster")


def test_oversize_and_mistyped_uploads_are_refused_with_a_clear_error(trainer, material, client_for, settings):
    client = client_for(trainer)
    big = SimpleUploadedFile("poster.pdf", b"%PDF-" + b"0" * (services.MATERIAL_MAX_BYTES + 1), "application/pdf")
    response = client.post("/app/prevention/outreach/materials/", {"action": "file", "material": material.pk,
                                                                  "language": "en", "file": big})
    assert response.status_code == 400 and "too large" in response.content.decode()
    fake = SimpleUploadedFile("poster.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post("/app/prevention/outreach/materials/", {"action": "file", "material": material.pk,
                                                                  "language": "fr", "file": fake})
    assert response.status_code == 400 and "does not match" in response.content.decode()
    script = SimpleUploadedFile("poster.html", b"<script>", "text/html")
    response = client.post("/app/prevention/outreach/materials/", {"action": "file", "material": material.pk,
                                                                  "language": "fr", "file": script})
    assert response.status_code == 400 and "not accepted" in response.content.decode()
    assert not MaterialFile.objects.exists()


def test_a_material_gets_versions_per_language(trainer, material):
    for _ in range(2):
        services.upload_material_file(actor=trainer, material=material, language="pa",
                                      upload=SimpleUploadedFile("poster.pdf", b"%PDF-1.4 x", "application/pdf"))
    assert list(material.files.values_list("language", "version")) == [("pa", 2), ("pa", 1)]


def test_an_event_with_bad_values_is_refused_and_reach_goes_to_stats_as_a_table(trainer):
    from django.core.exceptions import ValidationError

    from octip.partners.models import Region
    from octip.prevention.selectors import outreach_reach

    region = Region.objects.first()
    with pytest.raises(ValidationError):
        services.record_event(actor=trainer, held_on=datetime.date.today(), region_id=region.pk, setting="moon",
                              audience="x", reached=-1)
    services.record_event(actor=trainer, held_on=datetime.date.today(), region_id=region.pk, setting="school",
                          audience="Grade 9", reached=30)
    reach = outreach_reach(year=datetime.date.today().year)
    assert reach["reached"][reach["row_codes"].index(region.code)][reach["col_codes"].index("school")] == 30


def test_reports_export_to_csv_and_xlsx_without_formulas(passed, trainer, client_for, learner):
    learner.display_name = "=HYPERLINK(1)"
    learner.save()
    client = client_for(trainer)
    page = client.get("/app/prevention/reports/?by=organization_type")
    assert page.status_code == 200 and "Member of the public" in page.content.decode()
    csv_text = b"".join(client.get("/app/prevention/reports/training.csv?table=items").streaming_content).decode()
    assert "Is consent a defence?" in csv_text
    from openpyxl import load_workbook

    response = client.get("/app/prevention/reports/training.xlsx?by=month")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Completion", "Item difficulty"]
    rows = list(workbook["Completion"].iter_rows(values_only=True))
    assert rows[1][1:4] == (1, 1, 1)


def test_public_pages_have_lang_dir_and_each_language_named_in_itself(client, db):
    AwarenessPage.objects.create(key="what-is-trafficking", language="ar", title="ما هو الاتجار بالبشر",
                                 body="<p>نص</p>", review_by=datetime.date.today())
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    html = client.get("/about/what-is-trafficking/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "ما هو الاتجار بالبشر" in html
    for name in ("English", "Français", "ਪੰਜਾਬੀ", "简体中文", "繁體中文", "Tagalog", "Español", "한국어", "Tiếng Việt",
                 "فارسی"):
        assert name in html
    staff_page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en" dir="ltr">' in staff_page and "ਪੰਜਾਬੀ" not in staff_page


def test_interface_strings_of_the_public_site_are_translated(client, db):
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert "Salida rápida" in client.get("/").content.decode()


def test_the_translation_status_page_shows_missing_and_overdue(trainer, client_for):
    AwarenessPage.objects.create(key="get-help", language="en", title="Get help", body="<p>x</p>",
                                 review_by=datetime.date.today() - datetime.timedelta(days=1))
    page = client_for(trainer).get("/app/prevention/pages/")
    text = page.content.decode()
    assert page.status_code == 200 and "Missing" in text and "Review" in text


def test_an_awareness_page_with_unsafe_html_is_refused(trainer, client_for):
    response = client_for(trainer).post("/app/prevention/pages/get-help/fa/", {
        "title": "کمک", "body": "<p>x</p><script>x</script>", "review_by": "2030-01-01"})
    assert response.status_code == 400 and not AwarenessPage.objects.exists()


def test_the_practices_library_is_searchable_and_filterable(trainer, client):
    services.save_practice(actor=trainer, values={
        "title": "Modern Slavery Act 2015", "kind": "law", "source": "UK Parliament", "jurisdiction": "United Kingdom",
        "year": 2015, "evidence_level": "binding", "topics": "supply chains", "summary": "Statements.",
        "link": "https://www.legislation.gov.uk/ukpga/2015/30/contents", "reviewed_by": "Team"})
    services.save_practice(actor=trainer, values={
        "title": "TVPA", "kind": "law", "source": "US Congress", "jurisdiction": "United States", "year": 2000,
        "evidence_level": "binding", "topics": "T visa", "summary": "Law.", "link": "https://www.congress.gov/",
        "reviewed_by": "Team"})
    assert client.get("/practices/?q=slavery").context["practices"].count() == 1
    assert client.get("/practices/?jurisdiction=United+States").context["practices"].get().title == "TVPA"


def test_every_staff_page_of_prevention_answers_a_trainer_and_refuses_a_caseworker(passed, trainer, material,
                                                                                   client_for, make_user):
    from octip.partners.models import Region

    _enrolment, credential = passed
    services.record_event(actor=trainer, held_on=datetime.date.today(), region_id=Region.objects.first().pk,
                          setting="online", audience="Webinar", reached=12)
    row = services.upload_material_file(actor=trainer, material=material, language="en",
                                        upload=SimpleUploadedFile("a.txt", b"hello", "text/plain"))
    version = credential.enrolment.version
    pages = ["/app/prevention/courses/", f"/app/prevention/courses/versions/{version.pk}/",
             "/app/prevention/certificates/", "/app/prevention/reports/", "/app/prevention/outreach/",
             "/app/prevention/outreach/materials/", f"/app/prevention/outreach/materials/files/{row.pk}/",
             "/app/prevention/pages/", "/app/prevention/pages/get-help/fa/", "/app/prevention/practices/"]
    client = client_for(trainer)
    for path in pages:
        assert client.get(path).status_code == 200, path
    caseworker = client_for(make_user(role="caseworker"))
    for path in pages:
        assert caseworker.get(path).status_code in {403, 404}, path


def test_the_public_pages_answer_in_every_language(passed, client):
    from django.conf import settings

    _enrolment, credential = passed
    AwarenessPage.objects.create(key="what-is-trafficking", language="en", title="What", body="<p>x</p>",
                                 review_by=datetime.date.today())
    for code, _name in settings.LANGUAGES:
        client.post("/i18n/setlang/", {"language": code, "next": "/"})
        for path in ["/", "/get-help/", "/about/", "/about/what-is-trafficking/", "/learn/", "/learn/courses/basics/",
                     "/practices/", "/verify/", f"/verify/{credential.pk}/", "/learn/register/", "/learn/sign-in/"]:
            response = client.get(path)
            assert response.status_code == 200, (code, path)
            assert f'lang="{code}"' in response.content.decode()[:200], (code, path)
            assert 'id="quick-exit"' in response.content.decode(), (code, path)


def test_outreach_reach_reaches_stats_only_through_disclosure_control(trainer, make_user, client_for):
    from octip.partners.models import Region

    region = Region.objects.first()
    services.record_event(actor=trainer, held_on=datetime.date.today(), region_id=region.pk, setting="school",
                          audience="Grade 9", reached=3)  # under k: must not show
    from octip.stats.outreach import outreach_tables

    analyst = make_user(role="analyst")
    reached, events = outreach_tables(actor=analyst, year=datetime.date.today().year, k=11)
    row = [r.code for r in Region.objects.order_by("position", "name")].index(region.code)
    assert reached.entries[row][0] == "x" and events.entries[row][0] == "x"
    assert client_for(analyst).get("/app/stats/outreach/").status_code == 200
    assert client_for(trainer).get("/app/stats/outreach/").status_code == 403


def test_a_trainer_starts_a_new_page_from_the_translation_status(trainer, client_for):
    client = client_for(trainer)
    response = client.get("/app/prevention/pages/new/?key=Myths and facts&language=fr")
    assert response.status_code == 302 and response["Location"] == "/app/prevention/pages/myths-and-facts/fr/"
    assert client.get("/app/prevention/pages/new/?key=x&language=xx")["Location"] == "/app/prevention/pages/"
