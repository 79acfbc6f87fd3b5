"""The bulk demo (``seed_demo --scale N``): counts and proportions, values that decrypt and are found
by the blind indexes, resuming after a stop, referrals never to a police service, consents that the
disclosure gate accepts, and a bad --scale refused before anything is written."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from octip.cases import bulk_demo, demo, selectors
from octip.cases import models as m
from octip.consent.models import Consent, ConsentScope, Disclosure
from octip.consent.policy import may_disclose
from octip.partners import demo as partners_demo
from octip.partners.models import Organization, OrganizationType
from octip.referrals import demo as referrals_demo  # noqa: F401  (registers the referrals step, as seed_demo does)
from octip.referrals.models import Referral, ReferralStatus

N = 200


@pytest.fixture
def partners(db):
    partners_demo.seed(scale=None, stdout=io.StringIO())


@pytest.fixture
def seeded(partners, monkeypatch):
    monkeypatch.setattr(bulk_demo, "BATCH", 50)
    out = io.StringIO()
    demo.seed(scale=N, stdout=out)
    return out.getvalue()


def test_counts_and_proportions(seeded):
    cases = m.Case.objects.all()
    assert cases.count() == N == m.Person.objects.count()
    assert len(set(cases.values_list("number", flat=True))) == N
    per_case = lambda model: model.objects.count() / N  # noqa: E731
    assert 3 <= per_case(m.Note) <= 6
    open_cases = cases.exclude(stage="closed").count()
    assert 1.5 <= m.Task.objects.count() / open_cases <= 2.5
    assert m.Task.objects.filter(done_at__isnull=True, due__lt=timezone.localdate()).exists()
    assert 0.05 <= m.Note.objects.filter(sensitivity="restricted").count() / m.Note.objects.count() <= 0.3
    # Every person gave the consent to receive services; some share with a partner, some agreed to police.
    scopes = Counter(Consent.objects.values_list("scope", flat=True))
    assert scopes[ConsentScope.SERVICES] == N
    assert 0.3 <= scopes[ConsentScope.SHARE_WITH_ORGANIZATION] / N <= 0.7
    assert 0 < scopes[ConsentScope.POLICE_CONTACT] < N * 0.3
    assert Consent.objects.filter(withdrawn_at__isnull=False).exists()
    assert Consent.objects.filter(expires_at__lt=timezone.now()).exists()
    referred = Referral.objects.values("case").distinct().count()
    assert 0.1 <= referred / N <= 0.45
    assert Referral.objects.count() == referred == Disclosure.objects.count()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED} <= statuses
    # Goals and plan actions only for cases that reached planning.
    assert not m.Goal.objects.filter(case__stage__in=["intake", "assessment"]).exists()
    assert m.PlanAction.objects.exists()
    youth = cases.filter(track="youth").exclude(stage="intake")
    assert youth.exists() and not youth.filter(duty_reports__isnull=True).exists()
    # The timeline tells what the services would have told.
    kinds = Counter(m.TimelineEntry.objects.values_list("kind", flat=True))
    assert kinds["case.opened"] == N
    assert kinds["case.note_added"] == m.Note.objects.count()
    assert kinds["case.task_added"] == m.Task.objects.count()
    assert kinds["consent_given"] == Consent.objects.count()
    assert kinds["consent_withdrawn"] == Consent.objects.filter(withdrawn_at__isnull=False).count()
    assert kinds["referral.sent"] == kinds["disclosure"] == Referral.objects.count()
    assert kinds["referral.accepted"] == Referral.objects.filter(status__in=["accepted", "completed"]).count()
    assert "Cases: 200 new synthetic cases" in seeded and "referrals" in seeded


def test_encrypted_fields_decrypt_and_the_blind_indexes_find_a_seeded_person(seeded):
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_name, phone FROM cases_person")
        raw = cursor.fetchall()
        cursor.execute("SELECT body FROM cases_note")
        bodies = [row[0] for row in cursor.fetchall()]
    assert all(name.startswith("enc1:") for name, _phone in raw)
    assert all(body.startswith("enc1:") for body in bodies)
    notes = set(m.Note.objects.values_list("body", flat=True))
    assert notes <= set(bulk_demo.NOTE_TEXTS)
    person = [p for p in m.Person.objects.filter(cases__owner_worker__isnull=False).order_by("pk")
              if p.phone and p.date_of_birth][7]
    assert " " in person.legal_name and person.legal_name.split()[0] in bulk_demo.make_pools().first_names
    case = person.cases.get()
    actor = case.owner_worker

    def found(**filters):
        return [c.number for c in selectors.case_list(actor=actor, filters=selectors.CaseFilters(**filters))]

    assert case.number in found(q=person.legal_name.upper())
    assert case.number in found(date_of_birth=person.date_of_birth)
    assert case.number in found(phone=person.phone)


def test_a_stopped_run_resumes_to_exactly_n_with_nothing_twice(partners, monkeypatch):
    monkeypatch.setattr(bulk_demo, "BATCH", 40)
    first = io.StringIO()

    class Stop(Exception):
        pass

    def stop_after_second(index: int) -> None:
        if index == 1:
            raise Stop

    original = bulk_demo.seed_scale

    def interrupted(**kwargs):
        return original(**kwargs, on_batch=stop_after_second)

    monkeypatch.setattr(bulk_demo, "seed_scale", interrupted)
    with pytest.raises(Stop):
        demo.seed(scale=N, stdout=first)
    assert m.Case.objects.count() == 80  # two whole batches, nothing of the third
    counter = m.CaseNumberCounter.objects.get(year=timezone.localdate().year)
    assert counter.last == 80
    monkeypatch.setattr(bulk_demo, "seed_scale", original)
    again = io.StringIO()
    demo.seed(scale=N, stdout=again)
    assert "resuming, 120 to add" in again.getvalue()
    assert m.Case.objects.count() == N == m.Person.objects.count()
    numbers = list(m.Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == N
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, N + 1))
    assert m.TimelineEntry.objects.filter(kind="case.opened").count() == N
    assert Consent.objects.filter(scope="services").count() == N
    # Every case is whole: its person, its opening entry, its consent to services.
    assert not m.Case.objects.filter(timeline__isnull=True).exists()
    demo.seed(scale=N, stdout=again)
    assert m.Case.objects.count() == N  # a third run adds nothing


def test_the_same_batch_draws_the_same_cases(partners, monkeypatch):
    monkeypatch.setattr(bulk_demo, "BATCH", 30)

    class Undo(Exception):
        pass

    def draw() -> list[tuple]:
        try:
            with transaction.atomic():
                demo.seed(scale=30, stdout=io.StringIO())
                drawn = [(c.number, c.stage, c.track, c.owner_organization_id, c.person.legal_name,
                          c.notes.count(), c.consents.count())
                         for c in m.Case.objects.select_related("person").order_by("number")]
                raise Undo
        except Undo:
            return drawn

    first, second = draw(), draw()
    assert m.Case.objects.count() == 0
    assert len(first) == 30 and first == second
    assert len({row[4] for row in first}) > 20  # names vary within a batch


def test_no_referral_or_grant_ever_reaches_a_police_service(seeded):
    police = Organization.objects.filter(type=OrganizationType.LAW_ENFORCEMENT)
    assert police.exists()
    assert not Referral.objects.filter(to_organization__in=police).exists()
    assert not m.CaseAccessGrant.objects.filter(organization__in=police).exists()
    assert not Consent.objects.filter(scope=ConsentScope.SHARE_WITH_ORGANIZATION, organization__in=police).exists()


def test_a_seeded_referral_rests_on_a_consent_the_gate_accepts(seeded):
    referral = (Referral.objects.filter(status=ReferralStatus.ACCEPTED, case__owner_worker__isnull=False)
                .select_related("case", "to_organization", "disclosure__consent").order_by("sent_at").first())
    assert referral is not None
    case = referral.case
    decision = may_disclose(case, referral.to_organization, "Follow-up", referral.sections,
                            actor=case.owner_worker)
    assert decision.allowed, decision.reason
    assert decision.consent == referral.disclosure.consent
    # The receiver reads what was shared, now that it accepted.
    grant = m.CaseAccessGrant.objects.get(source="referral", source_id=str(referral.pk))
    assert grant.is_active and set(grant.sections) == set(referral.sections)
    # A withdrawn share consent is refused by the gate.
    withdrawn = Consent.objects.filter(scope=ConsentScope.SHARE_WITH_ORGANIZATION, withdrawn_at__isnull=False,
                                       case__owner_worker__isnull=False).select_related("case", "organization")
    refused = [c for c in withdrawn if not Consent.objects.filter(
        case=c.case, organization=c.organization, withdrawn_at__isnull=True).exists()]
    if refused:
        c = refused[0]
        decision = may_disclose(c.case, c.organization, "Follow-up", c.sections, actor=c.case.owner_worker)
        assert not decision.allowed and decision.code == "withdrawn"


@pytest.mark.parametrize("bad", ["-1", "abc", "1.5", str(bulk_demo.MAX_SCALE + 1)])
def test_a_bad_scale_is_refused_and_nothing_is_written(db, bad):
    before = (Organization.objects.count(), m.Case.objects.count())
    with pytest.raises((CommandError, SystemExit)):
        call_command("seed_demo", "--scale", bad, stdout=io.StringIO(), stderr=io.StringIO())
    assert (Organization.objects.count(), m.Case.objects.count()) == before == (0, 0)


@pytest.mark.parametrize("args", [(), ("--scale", "100")])
def test_seed_demo_refuses_to_run_in_production(db, settings, args):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert (Organization.objects.count(), m.Case.objects.count()) == (0, 0)


def test_check_scale_says_what_is_accepted():
    with pytest.raises(bulk_demo.ScaleError, match="whole number"):
        bulk_demo.check_scale("10")
    with pytest.raises(bulk_demo.ScaleError, match="at most"):
        bulk_demo.check_scale(bulk_demo.MAX_SCALE + 1)
    assert bulk_demo.check_scale(0) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel workers and COPY are the PostgreSQL path")
def test_parallel_workers_on_postgresql_write_exactly_n_whole_cases(monkeypatch):
    partners_demo.seed(scale=None, stdout=io.StringIO())
    monkeypatch.setattr(bulk_demo, "BATCH", 50)
    monkeypatch.setenv("OCTIP_SEED_WORKERS", "2")
    demo.seed(scale=N, stdout=io.StringIO())
    numbers = list(m.Case.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == N == m.Person.objects.count()
    counter = m.CaseNumberCounter.objects.get(year=timezone.localdate().year)
    assert counter.last >= max(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert Consent.objects.filter(scope="services").count() == N
    assert m.TimelineEntry.objects.filter(kind="case.opened").count() == N
    person = m.Person.objects.order_by("pk").first()
    assert person.legal_name and m.Person.objects.filter(name_index=person.name_index).exists()


def test_a_scaled_seed_adds_caseworkers_so_that_caseloads_stay_realistic(partners, monkeypatch):
    from octip.partners.models import User

    monkeypatch.setattr(demo, "CASES_PER_WORKER", 10)  # 200 cases: about 20 workers, in teams of 8
    monkeypatch.setattr(bulk_demo, "BATCH", 50)
    out = io.StringIO()
    demo.seed(scale=N, stdout=out)
    staff = User.objects.filter(email__endswith="@" + demo.STAFF_DOMAIN)
    assert staff.count() > 0 and "synthetic caseworkers" in out.getvalue()
    assert not any(user.has_usable_password() for user in staff)
    assert all(user.teams.filter(organization=user.organization).count() == 1 for user in staff)
    team_sizes = Counter(team_id for user in staff for team_id in user.teams.values_list("pk", flat=True))
    assert max(team_sizes.values()) <= demo.TEAM_SIZE
    caseloads = Counter(m.Case.objects.exclude(owner_worker=None).values_list("owner_worker_id", flat=True))
    holding = sum(caseloads.values())
    # Shared among every worker of the holding organizations: no one holds a large share of the cases.
    assert max(caseloads.values()) <= 4 * demo.CASES_PER_WORKER < holding // 4
    assert sum(1 for user in staff if user.pk in caseloads) >= staff.count() // 2

    # Idempotent: a second run, for the same target, adds nobody.
    before = staff.count()
    assert demo.scale_staff(target=N, weights=_weights()) == 0
    assert User.objects.filter(email__endswith="@" + demo.STAFF_DOMAIN).count() == before


def _weights() -> dict:
    return {o: w for o in Organization.objects.filter(name__in=demo.CASE_HOLDERS)
            for name, w in demo.CASE_HOLDERS.items() if o.name == name}
