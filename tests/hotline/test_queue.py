"""The queue: most urgent first, then longest waiting; overdue items are flagged in words."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from octip.hotline.models import ResponseTarget
from octip.hotline.selectors import queue
from octip.hotline.targets import add_business_days, response_targets


def test_queue_orders_by_urgency_then_age(operator, org, make_contact):
    routine_old = make_contact(org, urgency="routine", minutes_ago=600)
    urgent_new = make_contact(org, urgency="urgent", minutes_ago=1)
    emergency = make_contact(org, urgency="emergency", minutes_ago=2)
    urgent_old = make_contact(org, urgency="urgent", minutes_ago=30)
    make_contact(org, urgency="emergency", minutes_ago=3, outcome="information_given")  # closed: not queued
    assert [e.contact for e in queue(actor=operator)] == [emergency, urgent_old, urgent_new, routine_old]


def test_unanswered_contact_past_its_target_is_overdue(operator, org, make_contact):
    late = make_contact(org, urgency="emergency", minutes_ago=6)
    in_time = make_contact(org, urgency="emergency", minutes_ago=2)
    answered = make_contact(org, urgency="emergency", minutes_ago=30, first_response_at=timezone.now())
    overdue = {e.contact: e.response_overdue for e in queue(actor=operator)}
    assert overdue == {late: True, in_time: False, answered: False}


def test_follow_up_past_due_is_overdue(operator, org, make_contact):
    make_contact(org, first_response_at=timezone.now(),
                 follow_up_due=timezone.localdate() - datetime.timedelta(days=1))
    [entry] = queue(actor=operator)
    assert entry.follow_up_overdue and entry.overdue


def test_targets_are_data_a_row_overrides_the_file(operator, org, make_contact):
    assert response_targets()["urgent"].amount == 60
    contact = make_contact(org, urgency="urgent", minutes_ago=20)
    assert not queue(actor=operator)[0].response_overdue
    ResponseTarget.objects.create(urgency="urgent", amount=15, unit="minutes")
    [entry] = queue(actor=operator)
    assert entry.contact == contact and entry.response_overdue


def test_routine_target_counts_business_days():
    friday_evening = datetime.datetime(2026, 11, 27, 18, 0, tzinfo=datetime.UTC).astimezone(
        datetime.timezone(datetime.timedelta(hours=-8)))
    due = add_business_days(friday_evening, 1)
    assert due.astimezone(friday_evening.tzinfo).weekday() == 0  # Monday
    assert due - friday_evening == datetime.timedelta(days=3)


def test_queue_page_marks_overdue_in_words(client_for, operator, org, make_contact):
    make_contact(org, urgency="emergency", minutes_ago=10)
    make_contact(org, urgency="routine", minutes_ago=1)
    page = client_for(operator).get(reverse("hotline:queue")).content.decode()
    assert page.count("Overdue: no first response") == 1
    assert 'class="overdue"' in page
    assert "Synthetic summary" not in page  # the queue shows no protected text
    assert "Routine: 1 business day<" in page and "Emergency: 5 minutes" in page


def test_queue_shows_only_my_organizations_contacts(client_for, operator, org, other_org, make_contact):
    mine = make_contact(org)
    theirs = make_contact(other_org)
    page = client_for(operator).get(reverse("hotline:queue")).content.decode()
    assert mine.reference in page and theirs.reference not in page


def test_coordinator_sees_every_organizations_contacts(make_user, org, other_org, make_contact):
    coordinator = make_user("coordinator")
    contacts = {make_contact(org), make_contact(other_org), make_contact(None)}
    assert {e.contact for e in queue(actor=coordinator)} == contacts


def test_caseworker_cannot_open_the_queue(client_for, make_user, org):
    assert client_for(make_user("caseworker", organization=org)).get(reverse("hotline:queue")).status_code == 403


def test_queue_query_count_does_not_grow_with_contacts(operator, org, make_contact, django_assert_max_num_queries):
    for minutes in range(12):
        make_contact(org, minutes_ago=minutes, handled_by=operator)
    with django_assert_max_num_queries(4):
        entries = queue(actor=operator)
        [str(e.contact.handled_by) + str(e.contact.region) for e in entries]
