"""Two editors at once, on PostgreSQL, each in a real thread with its own database connection: exactly
one wins, the other gets a 409 or a clear refusal, and nothing ends in a state no single order of the
two could give (a referral both accepted and cut off, a budget spent twice)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from octip.cases.models import CaseAccessGrant, Need, Note
from octip.consent.policy import DisclosureRefused
from octip.consent.services import withdraw_consent
from octip.core.versioning import StaleVersion
from octip.referrals.models import Referral
from octip.referrals.services import InvalidTransition, change_referral_status, send_referral

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL"),
]

REFUSALS = (StaleVersion, ValidationError, InvalidTransition, DisclosureRefused)


def race(*calls: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run ``calls`` at the same instant, one thread (one connection) each; ("ok", result) or
    ("refused", exception) per call, in order. Anything else than a refusal fails the test."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[str, Any]] = [("unset", None)] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[i] = ("ok", call())
        except REFUSALS as refused:
            outcomes[i] = ("refused", refused)
        except BaseException as failed:  # noqa: BLE001 - reported to the test below
            outcomes[i] = ("error", failed)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    errors = [o for o in outcomes if o[0] in ("error", "unset")]
    assert not errors, errors
    return outcomes


def one_wins(outcomes: list[tuple[str, Any]]) -> tuple[Any, Exception]:
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    won = next(value for kind, value in outcomes if kind == "ok")
    lost = next(value for kind, value in outcomes if kind == "refused")
    assert str(lost).strip(), "a refusal says why"
    return won, lost


def test_two_editors_of_a_case_one_gets_409(case, caseworker, client_for):
    from django.test import Client

    version = case.version
    first, second = client_for(caseworker), client_for(caseworker)
    assert isinstance(first, Client)

    def edit(client: Client, danger: bool) -> int:
        return client.patch(f"/api/v1/cases/{case.pk}", {"version": version, "immediate_danger": danger,
                                                           "needs_interpreter": not danger},
                            content_type="application/json").status_code

    outcomes = race(lambda: edit(first, True), lambda: edit(second, False))
    statuses = sorted(value for _, value in outcomes)
    assert statuses == [200, 409], statuses
    case.refresh_from_db()
    assert case.version == version + 1


def test_two_editors_of_a_needs_assessment(case, caseworker, make_user, owner_team):
    from octip.cases.services import save_need

    other = make_user("caseworker", organization=case.owner_organization, teams=[owner_team])

    def save(actor: Any, status: str, version: int | None) -> Need:
        return save_need(actor=actor, case=case, domain="shelter", priority="high", status=status,
                         notes=f"by {actor.pk}", expected_version=version)

    # Both see no assessment yet and create one: one is refused, not overwritten.
    won, _lost = one_wins(race(lambda: save(caseworker, "identified", None), lambda: save(other, "in_progress", None)))
    assert Need.objects.filter(case=case, domain="shelter").count() == 1
    # Both edit the same version of it: one 409-like StaleVersion.
    version = Need.objects.get(case=case, domain="shelter").version
    won, lost = one_wins(race(lambda: save(caseworker, "met", version), lambda: save(other, "in_progress", version)))
    assert isinstance(lost, StaleVersion)
    stored = Need.objects.get(case=case, domain="shelter")
    assert stored.version == version + 1 and stored.status == won.status


def test_two_notes_at_once_are_both_kept(case, caseworker, make_user, owner_team):
    """Notes are append-only (no one edits a note): two written at once are two notes, none lost."""
    from octip.cases.services import add_note

    other = make_user("caseworker", organization=case.owner_organization, teams=[owner_team])
    outcomes = race(lambda: add_note(actor=caseworker, case=case, body="Note A"),
                    lambda: add_note(actor=other, case=case, body="Note B"))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert sorted(n.body for n in Note.objects.filter(case=case)) == ["Note A", "Note B"]


def _referral(case, caseworker, partner_org, partner_worker):
    return send_referral(actor=caseworker, case=case, organization=partner_org, purpose="Shelter bed tonight",
                         urgency="urgent", sections=["summary", "needs"])


def test_a_referral_decision_has_one_winner(case, caseworker, partner_org, partner_worker, consent_to_partner):
    """Each pair of decisions at once (one database flush for the three: they are slow on PostgreSQL)."""
    actor_for = {"accept": partner_worker, "decline": partner_worker, "revoke": caseworker}
    reason = {"accept": "", "decline": "No bed tonight.", "revoke": "The person moved away."}
    for first, second in [("accept", "decline"), ("accept", "revoke"), ("decline", "revoke")]:
        referral = _referral(case, caseworker, partner_org, partner_worker)

        def act(action: str, referral: Referral = referral) -> Referral:
            row = Referral.objects.get(pk=referral.pk)
            return change_referral_status(actor=actor_for[action], referral=row, action=action,
                                          reason=reason[action])

        outcomes = race(lambda first=first: act(first), lambda second=second: act(second))
        stored = Referral.objects.get(pk=referral.pk)
        if [kind for kind, _ in outcomes] == ["ok", "ok"]:
            # Only one order allows both: the receiver accepted, then the sender revoked the accepted referral.
            assert (first, second) == ("accept", "revoke") and stored.status == "revoked", outcomes
        else:
            won, _lost = one_wins(outcomes)
            assert stored.status == won.status
        assert stored.status in {"accepted", "declined", "revoked"}
        grants = CaseAccessGrant.objects.active().filter(source="referral", source_id=str(referral.pk))
        assert grants.exists() == (stored.status == "accepted")
        Referral.objects.filter(pk=referral.pk).update(status="revoked")  # the next pair sends a new one


def test_two_withdrawals_of_one_consent(case, caseworker, make_user, owner_team, consent_to_partner):
    from octip.consent.models import Consent

    other = make_user("caseworker", organization=case.owner_organization, teams=[owner_team])

    def withdraw(actor: Any) -> Consent:
        return withdraw_consent(actor=actor, consent=Consent.objects.get(pk=consent_to_partner.pk),
                                reason="The person asked.")

    won, lost = one_wins(race(lambda: withdraw(caseworker), lambda: withdraw(other)))
    assert "already withdrawn" in str(lost)
    assert Consent.objects.get(pk=consent_to_partner.pk).withdrawn_by_id == won.withdrawn_by_id


@pytest.mark.parametrize("rounds", [3])
def test_an_accept_racing_a_consent_withdrawal_never_keeps_access(case, caseworker, partner_org, partner_worker,
                                                                  consent_to_partner, rounds):
    """The receiver accepts while the person withdraws the consent the referral rests on. Whatever
    the order, the referral does not end accepted with its access standing on a withdrawn consent."""
    from octip.consent.models import Consent
    from tests.factories.consent import make_consent

    for _ in range(rounds):
        consent = make_consent(case=case, obtained_by=caseworker, organization=partner_org,
                               sections=["summary", "needs"])
        Consent.objects.filter(pk=consent_to_partner.pk).update(withdrawn_at=consent.given_at)
        referral = _referral(case, caseworker, partner_org, partner_worker)
        assert referral.disclosure.consent_id == consent.pk

        def accept() -> Referral:
            return change_referral_status(actor=partner_worker, referral=Referral.objects.get(pk=referral.pk),
                                          action="accept")

        def withdraw() -> Consent:
            return withdraw_consent(actor=caseworker, consent=Consent.objects.get(pk=consent.pk),
                                    reason="The person asked.")

        outcomes = race(accept, withdraw)
        assert outcomes[1][0] == "ok"  # a withdrawal is never refused
        stored = Referral.objects.get(pk=referral.pk)
        active = CaseAccessGrant.objects.active().filter(source="referral", source_id=str(referral.pk))
        assert not active.exists(), (stored.status, outcomes)
        if stored.status == "accepted":
            assert stored.access_ended_at is not None and stored.access_end_cause == "consent_withdrawn"
        else:
            assert outcomes[0][0] == "refused" and stored.status == "sent"
        Referral.objects.filter(pk=referral.pk).update(status="revoked")


def test_two_releases_race_for_the_last_epsilon(make_user, tmp_path, settings):
    """Two releases each fit the year's budget alone, not both: exactly one is made."""
    from octip.stats.models import BudgetSpend
    from octip.stats.services import create_release, remaining_budget
    from tests.stats.conftest import YEAR

    settings.OCTIP_STATS_MIN_K = 2
    analyst = make_user("analyst")
    left = remaining_budget(YEAR)
    asked = left * 0.6

    def release(name: str) -> Any:
        return create_release(actor=analyst, kind="aggregate", period=YEAR, epsilon=asked, out=tmp_path / name)

    _won, lost = one_wins(race(lambda: release("a"), lambda: release("b")))
    assert "Over budget" in str(lost)
    spent = sum(s.epsilon for s in BudgetSpend.objects.filter(year=YEAR))
    assert abs(spent - asked) < 1e-9


def test_one_code_sent_twice_at_once_signs_in_once(make_user, settings):
    """The same authenticator code, or the same recovery code, in two requests at the same moment."""
    from octip.partners.models import SealedTOTPDevice
    from octip.partners.services import regenerate_recovery_codes, verify_second_factor
    from tests.factories import confirmed_totp, totp_code

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    user = make_user("caseworker")
    device = confirmed_totp(user)
    code = totp_code(device)
    outcomes = race(lambda: verify_second_factor(actor=user, code=code),
                    lambda: verify_second_factor(actor=user, code=code))
    assert sorted(value is None for _, value in outcomes) == [False, True], outcomes
    assert SealedTOTPDevice.objects.get(pk=device.pk).last_t >= 0

    [recovery, *_rest] = regenerate_recovery_codes(actor=user)
    outcomes = race(lambda: verify_second_factor(actor=user, code=recovery),
                    lambda: verify_second_factor(actor=user, code=recovery))
    assert sorted(value is None for _, value in outcomes) == [False, True], outcomes


@pytest.mark.parametrize("rounds", [3])
def test_a_police_contact_racing_the_withdrawal_of_its_consent_never_keeps_access(case, caseworker, police_org,
                                                                                  rounds):
    """A caseworker records a contact with a police service while the person withdraws their consent to
    contact with police. Whatever the order, no police access stands on a withdrawn consent
    (``may_disclose`` locks the consents it rests on)."""
    import datetime

    from octip.consent.models import Consent
    from octip.justice.models import PoliceContact
    from octip.justice.services import record_police_contact
    from tests.factories.consent import make_consent

    make_consent(case=case, obtained_by=caseworker, organization=police_org, sections=["summary"])
    for _ in range(rounds):
        police = make_consent(case=case, obtained_by=caseworker, scope="police_contact")

        def contact() -> PoliceContact:
            return record_police_contact(actor=caseworker, case=case, organization=police_org, purpose="report",
                                         sections=["summary"], contacted_on=datetime.date.today())

        def withdraw() -> Consent:
            return withdraw_consent(actor=caseworker, consent=Consent.objects.get(pk=police.pk),
                                    reason="The person asked.")

        outcomes = race(contact, withdraw)
        assert outcomes[1][0] == "ok"
        open_grants = CaseAccessGrant.objects.active().filter(case=case, source="police_contact")
        assert not open_grants.exists(), outcomes


@pytest.mark.parametrize("rounds", [3])
def test_saying_no_to_police_racing_a_police_contact_never_deadlocks_nor_keeps_access(case, caseworker, police_org,
                                                                                     rounds):
    """The person says no to police while a caseworker records a contact with a police service: both
    lock the consents to police before the audit log, so one waits for the other (never a deadlock),
    and no police access stands afterwards."""
    import datetime

    from octip.justice.models import PoliceContact, PolicePreference
    from octip.justice.services import record_police_choice, record_police_contact
    from tests.factories.consent import make_consent

    make_consent(case=case, obtained_by=caseworker, organization=police_org, sections=["summary"])
    for _ in range(rounds):
        PolicePreference.objects.create(case=case, choice="agrees", recorded_by=caseworker)
        make_consent(case=case, obtained_by=caseworker, scope="police_contact")

        def contact() -> PoliceContact:
            return record_police_contact(actor=caseworker, case=case, organization=police_org, purpose="report",
                                         sections=["summary"], contacted_on=datetime.date.today())

        def declines() -> PolicePreference:
            return record_police_choice(actor=caseworker, case=case, choice="declines")

        outcomes = race(contact, declines)
        assert outcomes[1][0] == "ok", outcomes
        assert not CaseAccessGrant.objects.active().filter(case=case, source="police_contact").exists(), outcomes
