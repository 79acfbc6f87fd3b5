"""The situations demo: two synthetic situations over demo cases with persons of interest, a demo 24/7
contact that alerts the owners of the matching cases only, and a second run that adds nothing."""

from __future__ import annotations

import io

import pytest

from octip.cases import demo as cases_demo
from octip.consent import demo as consent_demo
from octip.notifications.models import Notification
from octip.partners import demo as partners_demo
from octip.situations import demo, services
from octip.situations.models import PersonOfInterest, Situation, SituationCase

pytestmark = pytest.mark.django_db


def test_the_demo_links_cases_and_alerts_only_their_owners(django_capture_on_commit_callbacks):
    out = io.StringIO()
    partners_demo.seed(scale=None, stdout=out)
    cases_demo.seed(scale=10, stdout=out)
    consent_demo.seed(scale=10, stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(scale=10, stdout=out)
    assert Situation.objects.count() == 2 and PersonOfInterest.objects.count() == 3
    assert SituationCase.objects.count() >= 4
    alerts = Notification.objects.filter(kind=services.ALERT_KIND)
    assert alerts.exists()
    orchard = SituationCase.objects.filter(situation__kind="employer").select_related("case")
    owners = {link.case.owner_worker_id for link in orchard}
    assert {n.recipient_id for n in alerts} <= owners
    counts = (Situation.objects.count(), PersonOfInterest.objects.count(), alerts.count())
    demo.seed(scale=10, stdout=out)
    assert (Situation.objects.count(), PersonOfInterest.objects.count(), alerts.count()) == counts
