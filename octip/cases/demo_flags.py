"""Demo flags and risk assessments on the demo cases (synthetic reasons and rationales only).

Called at the end of ``cases.demo.seed`` (not at ``--scale``). Written through the services, so each
flag has its review task and each change its audit event and timeline entry, as in real use; a few
review dates are then moved into the past so that "review due" and overdue review tasks show.
Idempotent: nothing is added when a demo case already has a flag or an assessment.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from octip.partners.demo import DEMO_DOMAIN

from . import reference
from .models import Case, CaseFlag, RiskAssessment, Stage, Task
from .services.flags import ASSESSED_LEVELS, assess_risk, raise_flag

REASONS = {
    "trafficker_contact": "The former employer has called the person's cousin asking where she lives.",
    "safety_concern": "Threats were made at the last job site; meet only at the office.",
    "no_home_contact": "Shares housing with people linked to the recruiter.",
    "no_voicemail": "The phone is shared; a message could be heard by the wrong person.",
    "interpreter_not_community": "The community is small and the recruiter is well known in it.",
    "child_in_household": "A young child lives with the person; plan visits around school hours.",
    "female_worker_only": "The person asked to meet a female worker only.",
    "health_condition": "Needs a seat near the door and short meetings.",
}
RATIONALES = {
    "low": "No contact from the recruiter in months; stable housing.",
    "medium": "Occasional contact attempts by the recruiter; still in shared housing.",
    "high": "Recent threats reported; the person moved twice this month.",
    "critical": "Recruiter knows the current address; immediate safety planning under way.",
}


def seed_flags_and_risk(*, demo_cases: Any, stdout: Any) -> None:
    """Risk assessments (some with history) and flags on about a third of the open demo cases."""
    cases = list(demo_cases.exclude(stage=Stage.CLOSED).filter(owner_worker__isnull=False)
                 .select_related("owner_worker", "owner_team").order_by("number"))
    if not cases or CaseFlag.objects.filter(case__in=demo_cases).exists() \
            or RiskAssessment.objects.filter(case__in=demo_cases).exists():
        return
    rng = random.Random(20261201)
    kinds = [kind.code for kind in reference.flag_kinds()]
    today = timezone.localdate()
    flags = assessments = 0
    with transaction.atomic():
        for case in cases:
            if rng.random() > 0.4:
                continue
            worker = case.owner_worker
            if worker is None or not worker.email.endswith("@" + DEMO_DOMAIN):
                continue
            for level in rng.sample(ASSESSED_LEVELS, k=rng.choice([1, 1, 2])):
                case.refresh_from_db(fields=["version", "risk_level"])
                assess_risk(actor=worker, case=case, level=level, rationale=RATIONALES[level])
                assessments += 1
            for kind in rng.sample(kinds, k=rng.choice([0, 1, 1, 2])):
                flag = raise_flag(actor=worker, case=case, kind=kind, reason=REASONS.get(kind, "Synthetic reason."),
                                  review_date=today + datetime.timedelta(days=rng.randint(7, 90)))
                flags += 1
                if rng.random() < 0.3:  # a review that has come: the flag shows "review due", its task is overdue
                    past = today - datetime.timedelta(days=rng.randint(1, 20))
                    CaseFlag.objects.filter(pk=flag.pk).update(review_date=past)
                    Task.objects.filter(pk=flag.review_task_id).update(due=past)
    stdout.write(f"Cases: {flags} flags and {assessments} risk assessments on "
                 f"{Case.objects.filter(pk__in=[c.pk for c in cases], risk_level__gt=0).count()} demo cases.")
