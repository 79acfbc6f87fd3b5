"""The timeline contract: one writer (``cases.timeline.record``), kinds from ``Kind``, parameters
stored and words rendered in the reader's language, and a reader's filter that is data on the entry
(``concerns``, ``restricted``) — one query, no consent or referral tables, no English text."""

from __future__ import annotations

import ast
import datetime
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from octip.cases import selectors, services, timeline
from octip.cases.models import TimelineEntry
from octip.cases.sections import ALL_SECTIONS
from octip.core.models import AuditEvent
from tests.cases.conftest import open_case, person_data
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

OCTIP = Path(__file__).resolve().parents[2] / "octip"
MIGRATION = "octip.cases.migrations.0003_timeline_entries_to_params"


def texts(case, language: str) -> list[str]:
    with translation.override(language):
        return [entry.text() for entry in case.timeline.all()]


# --- Words in the reader's language -------------------------------------------------------------

def test_a_french_reader_reads_in_french_what_an_english_writer_wrote(world):
    with translation.override("en"):
        services.change_stage(actor=world.caseworker_a, case=world.case_a, to_stage="assessment",
                              expected_version=world.case_a.version)
    assert "Changement d'étape : Accueil → Évaluation." in texts(world.case_a, "fr")
    assert "Stage changed from Intake to Assessment." in texts(world.case_a, "en")


def test_an_english_reader_reads_in_english_what_a_french_writer_wrote(world):
    from octip.consent.services import record_consent

    with translation.override("fr"):
        record_consent(actor=world.caseworker_a, case=world.case_a, scope="share_with_organization",
                       language="French", organization=world.org_b, purpose="p", sections=["summary", "needs"])
    english = f"Consent given: Share with an organization — {world.org_b.name} (Needs assessment, Summary)"
    assert english in texts(world.case_a, "en")
    french = f"Consentement donné : Communiquer à un organisme — {world.org_b.name} (Évaluation des besoins, Résumé)"
    assert french in texts(world.case_a, "fr")
    stored = world.case_a.timeline.get(kind="consent_given")
    assert "Consentement" not in stored.summary  # nothing is stored in the writer's language
    assert stored.params["scope"] == ["consent_scope", "share_with_organization"]


def test_every_kind_has_words_and_every_one_is_translated_to_french():
    assert set(timeline.MESSAGES) == set(timeline.Kind)
    msgids = {m for message in timeline.MESSAGES.values()
              for m in (message.values() if isinstance(message, dict) else [message])}
    with translation.override("fr"):
        untranslated = [m for m in msgids if translation.gettext(m) == m]
    assert not untranslated


def test_the_secure_exports_timeline_section_is_in_the_readers_language(world):
    from octip.referrals.secure_exports import section_content

    services.change_stage(actor=world.caseworker_a, case=world.case_a, to_stage="assessment",
                          expected_version=world.case_a.version)
    with translation.override("fr"):
        events = [row["summary"] for row in section_content(world.case_a, ["timeline"])["timeline"]]
    assert "Changement d'étape : Accueil → Évaluation." in events


# --- The only writer ------------------------------------------------------------------------------

def test_a_kind_not_in_kind_is_refused_and_nothing_is_written(world):
    before = (world.case_a.timeline.count(), AuditEvent.objects.count())
    with pytest.raises(ValueError, match="not a timeline kind"):
        timeline.record(actor=world.caseworker_a, case=world.case_a, kind="case.teleported")
    with pytest.raises(ValueError, match="not a timeline kind"):
        timeline.happened(actor=world.caseworker_a, case=world.case_a, kind="referral.lost")
    assert (world.case_a.timeline.count(), AuditEvent.objects.count()) == before


def test_parameters_must_fit_the_words_and_be_plain(world):
    with pytest.raises(ValueError, match="do not fit"):
        timeline.record(actor=world.caseworker_a, case=world.case_a, kind=timeline.Kind.STAGE_CHANGED)
    with pytest.raises(ValueError, match="do not fit"):
        timeline.record(actor=world.caseworker_a, case=world.case_a, kind=timeline.Kind.NOTE_ADDED)  # no variant
    with pytest.raises(TypeError, match="plain value"):
        timeline.record(actor=world.caseworker_a, case=world.case_a, kind=timeline.Kind.TRANSFER_SENT,
                        params={"org": world.org_b})
    with pytest.raises(ValueError, match="unknown label kind"):
        timeline.record(actor=world.caseworker_a, case=world.case_a, kind=timeline.Kind.CASE_OPENED,
                        params={"track": ("trak", "adult")})


def test_happened_writes_the_audit_event_and_the_entry_together(world):
    entry = timeline.happened(actor=world.caseworker_a, case=world.case_a, kind=timeline.Kind.TASK_DONE,
                              detail={"task_id": 7})
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.target_id, event.detail) == ("case.task_done", str(world.case_a.pk), {"task_id": 7})
    assert (entry.kind, entry.detail, entry.params) == ("case.task_done", {"task_id": 7}, {})


def test_record_is_the_only_writer_of_timeline_rows():
    writes = re.compile(r"TimelineEntry\(|TimelineEntry\.objects\.(create|bulk_create|get_or_create|update_or_create)"
                        r"|\.timeline\.(create|bulk_create|get_or_create|update_or_create)\(")
    found = [f"{path.relative_to(OCTIP)}:{number}"
             for path in OCTIP.rglob("*.py") if "migrations" not in path.parts and path.name != "timeline.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if writes.search(line) and not line.lstrip().startswith("class ")]
    assert not found, f"timeline rows written outside cases.timeline: {found}"


# --- Who reads what -------------------------------------------------------------------------------

@pytest.fixture
def shared(world):
    """Case A shared with organization B (a referral) and C (a consent), a restricted note, and an
    export off the platform."""
    from octip.consent.services import record_consent
    from octip.referrals.secure_exports import create_secure_export
    from octip.referrals.services import send_referral, without_email

    org_c = OrganizationFactory(name="Third Partner Synthetic")
    owner, case = world.caseworker_a, world.case_a
    services.add_note(actor=owner, case=case, body="Restricted synthetic", sensitivity="restricted")
    services.add_note(actor=owner, case=case, body="Normal synthetic")
    for org in (world.org_b, org_c):
        record_consent(actor=owner, case=case, scope="share_with_organization", language="English",
                       organization=org, purpose="p", sections=["summary", "timeline"])
    record_consent(actor=owner, case=case, scope="share_with_organization", language="English",
                   external_recipient="Dr. Jane Q (family doctor)", purpose="p", sections=["summary"])
    create_secure_export(actor=owner, case=case, recipient="Dr. Jane Q (family doctor)", purpose="p",
                         sections=["summary"])
    with without_email():
        send_referral(actor=owner, case=case, organization=world.org_b, purpose="p", urgency="urgent",
                      sections=["summary", "timeline"])
    return org_c


def test_a_receiver_reads_only_what_concerns_nobody_or_itself(world, shared):
    owner_kinds = [e.kind for e in _timeline(world.caseworker_a, world.case_a)]
    assert owner_kinds.count("case.note_added") == 2 and "export.secure" in owner_kinds
    seen = list(_timeline(world.caseworker_b, world.case_a))
    assert all(not e.restricted and e.concerns_id in (None, world.org_b.pk) for e in seen)
    kinds = [e.kind for e in seen]
    assert kinds.count("case.note_added") == 1  # the normal note; not that a restricted note exists
    assert kinds.count("consent_given") == 1 and kinds.count("disclosure") == 1 and "referral.sent" in kinds
    assert "export.secure" not in kinds
    assert not any(shared.name in e.text() for e in seen)


def test_a_receivers_timeline_is_one_query_that_reads_no_consent_or_referral_table(world, shared):
    sections = selectors.sections_visible_to(world.caseworker_b, world.case_a)
    with CaptureQueriesContext(connection) as queries:
        entries = list(selectors.timeline(actor=world.caseworker_b, case=world.case_a, sections=sections))
        [entry.text() for entry in entries]
        [entry.actor for entry in entries]
    assert entries and len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"].lower()
    assert "consent_" not in sql and "referrals_" not in sql


def test_the_timeline_reader_imports_no_consent_or_referrals_code():
    source = inspect.getsource(selectors)
    imported = [node.module if isinstance(node, ast.ImportFrom) else alias.name
                for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in node.names]
    assert not [name for name in imported if name and name.startswith(("octip.consent", "octip.referrals"))]
    assert "import" not in inspect.getsource(selectors.timeline)


# --- The migration of the first release's rows ----------------------------------------------------

SHARING = ("referral.", "transfer.", "disclosure", "consent_", "export.")


def _seen(entry: TimelineEntry) -> tuple:
    return (entry.kind, texts_of(entry, "en"), texts_of(entry, "fr"), entry.concerns_id, entry.restricted)


def texts_of(entry: TimelineEntry, language: str) -> str:
    with translation.override(language):
        return entry.text()


def _as_the_first_release_stored_it(entry: TimelineEntry, *, summary_language: str = "en") -> None:
    """Cases' own kinds stored a message in ``detail["_i18n"]``; consent and referrals stored their
    words in the writer's language; nobody stored ``params``, ``concerns`` or ``restricted``."""
    detail = dict(entry.detail)
    if not entry.kind.startswith(SHARING):
        detail["_i18n"] = {"msgid": timeline.message_of(entry.kind, entry.params),
                           "params": {k: v for k, v in entry.params.items() if k != "variant"}}
    TimelineEntry.objects.filter(pk=entry.pk).update(params=None, concerns=None, restricted=False, detail=detail,
                                                     summary=texts_of(entry, summary_language))


def test_the_migration_gives_the_first_releases_rows_the_shape_record_writes(world, shared):
    from octip.consent.models import Consent
    from octip.consent.services import record_consent, withdraw_consent
    from octip.referrals.services import send_transfer, without_email

    owner, case = world.caseworker_a, world.case_a
    services.change_stage(actor=owner, case=case, to_stage="assessment", expected_version=case.version)
    org_d = OrganizationFactory(name="Fourth Partner Synthetic")
    UserFactory(role="caseworker", organization=org_d)
    everything = record_consent(actor=owner, case=case, scope="share_with_organization", language="English",
                                organization=org_d, purpose="p", sections=sorted(ALL_SECTIONS))
    with without_email():
        send_transfer(actor=owner, case=case, organization=org_d, reason="moving")
        withdraw_consent(actor=owner, consent=Consent.objects.get(case=case, organization=world.org_b),
                         reason="the person asked")  # the referral to B loses its access
        withdraw_consent(actor=owner, consent=everything, reason="the person asked")  # the transfer falls
    moved = open_case(owner, person_data(date_of_birth=None))  # an adult, until a date of birth says otherwise
    services.update_person(actor=owner, case=moved, expected_version=moved.person.version,
                           changes={"date_of_birth": datetime.date.today() - datetime.timedelta(days=365 * 12)})
    youth = open_case(owner, person_data(date_of_birth=datetime.date.today() - datetime.timedelta(days=365 * 12)))
    entries = list(TimelineEntry.objects.filter(case__in=[case, moved, youth]))
    kinds = {e.kind for e in entries}
    assert {"referral.access_ended", "transfer.revoked", "consent_withdrawn", "youth.duty_to_report_required",
            "export.secure", "disclosure", "case.note_added"} <= kinds
    expected = {e.pk: _seen(e) for e in entries}
    for entry in entries:  # sharing rows written by a French-speaking worker convert too
        _as_the_first_release_stored_it(entry, summary_language="fr" if entry.kind == "consent_given" else "en")
    assert not TimelineEntry.objects.filter(pk__in=expected, params__isnull=False).exists()

    importlib.import_module(MIGRATION).convert(apps, None)

    converted = {e.pk: _seen(e) for e in TimelineEntry.objects.filter(pk__in=expected)}
    assert converted == expected
    assert not TimelineEntry.objects.filter(detail__has_key="_i18n").exists()


def test_a_first_release_row_that_cannot_be_rebuilt_keeps_its_words_and_stays_in_the_owning_circle(world):
    orphan = timeline.record(actor=world.caseworker_a, case=world.case_a, kind=timeline.Kind.REFERRAL_ACCEPTED,
                             concerns=world.org_b, params={"org": world.org_b.name,
                                                           "status": ("referral_status", "accepted")},
                             detail={"referral_id": "00000000-0000-0000-0000-000000000000"})
    TimelineEntry.objects.filter(pk=orphan.pk).update(params=None, concerns=None, summary="Orientation acceptée.")
    old_note = timeline.record(actor=world.caseworker_a, case=world.case_a, kind=timeline.Kind.NOTE_ADDED,
                               params={"variant": "restricted"}, restricted=True)
    TimelineEntry.objects.filter(pk=old_note.pk).update(params=None, restricted=False)  # from before _i18n

    importlib.import_module(MIGRATION).convert(apps, None)

    orphan.refresh_from_db()
    old_note.refresh_from_db()
    assert (orphan.params, orphan.concerns_id, orphan.restricted) == (None, None, True)
    assert TimelineEntry.objects.filter(pk=orphan.pk, params__isnull=True).exists()  # SQL NULL, not JSON null
    assert texts_of(orphan, "en") == "Orientation acceptée."  # shown as it was stored
    assert old_note.restricted and texts_of(old_note, "en") == "Restricted note added."
    assert orphan not in _timeline(world.caseworker_b, world.case_a)
    assert old_note not in _timeline(world.caseworker_b, world.case_a)


def _timeline(reader, case):
    return selectors.timeline(actor=reader, case=case, sections=selectors.sections_visible_to(reader, case))
