"""Demo data of interpretation (``core.interpretation``): 24/7 line contacts, a consent and follow-ups
with an interpreter, one of each whose interpreter knows the person, to show the warning. Through the
services (validation, audit, timeline are the real ones). Idempotent: a second run adds nothing (the
demo agency's name marks what it made). Called from ``hotline.demo.seed``; runs after the cases and
consent demos (the order of ``INSTALLED_APPS``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from octip.core.interpretation import InterpreterKnows

#: Marks the demo's records (a synthetic agency).
AGENCY = "Synthetic Interpreting Co-op (demo)"


def seed(*, office: Any, operator: Any, stdout: Any) -> None:
    from octip.cases.models import FollowUp, FollowUpMode, FollowUpWith, Stage
    from octip.cases.services import record_follow_up
    from octip.cases.sharing import is_own_case
    from octip.consent.demo import demo_cases
    from octip.consent.models import Consent, ConsentScope
    from octip.consent.services import record_consent

    from . import services
    from .models import CallerType, Channel, Contact, Urgency

    made: list[str] = []
    if not Contact.objects.filter(organization=office, interpreter_agency=AGENCY).exists():
        now = timezone.now()
        for minutes, language, knows, summary in (
                (240, "Tagalog", InterpreterKnows.NO, "Synthetic: a caregiver asks, through an interpreter, whether "
                                                      "she may change employers."),
                (75, "Punjabi", InterpreterKnows.KNOWS_PERSON, "Synthetic: a farm worker calls; the interpreter "
                                                              "says they know his family.")):
            services.log_contact(
                actor=operator, channel=Channel.PHONE, caller_type=CallerType.PERSON, urgency=Urgency.URGENT,
                received_at=now - datetime.timedelta(minutes=minutes), language=language, summary=summary,
                categories=["labour_trafficking"], interpreter_used=True, interpreter_language=language,
                interpreter_agency=AGENCY, interpreter_id=f"SIC-{minutes:04d}", interpreter_knows=knows)
        made.append("2 contacts")
    if not (Consent.objects.filter(interpreter_agency=AGENCY).exists()
            or FollowUp.objects.filter(interpreter_agency=AGENCY).exists()):
        case = next((c for c in demo_cases().exclude(stage=Stage.CLOSED).select_related("owner_worker")[:50]
                     if c.owner_worker is not None and is_own_case(c.owner_worker, c)), None)
        if case is not None:
            worker = case.owner_worker
            record_consent(actor=worker, case=case, scope=ConsentScope.SERVICES, language="Mandarin",
                           interpreter_used=True, interpreter_agency=AGENCY, interpreter_id="SIC-0310",
                           interpreter_knows=InterpreterKnows.NO)
            today = timezone.localdate()
            for days, knows in ((9, InterpreterKnows.NO), (2, InterpreterKnows.KNOWS_PERSON)):
                record_follow_up(actor=worker, case=case, contacted_on=today - datetime.timedelta(days=days),
                                 mode=FollowUpMode.IN_PERSON, with_whom=[FollowUpWith.PERSON, FollowUpWith.INTERPRETER],
                                 note="Synthetic: met with an interpreter.", interpreter_used=True,
                                 interpreter_language="Mandarin", interpreter_agency=AGENCY,
                                 interpreter_id=f"SIC-03{days:02d}", interpreter_knows=knows)
            made.append(f"a consent and 2 follow-ups on case {case.number}")
    stdout.write("Interpretation: " + (", ".join(made) if made else "demo data already present") + ".")
