"""Demo quality review: the demo coordinator (the line's lead) draws a sample of the office line's
closed contacts, reviews one contact of the first demo operator and shares it; a second review stays
a draft. Through the services, so validation, encryption and audit are the real ones. Synthetic text
only; idempotent (a line that has a sample already gets nothing more)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from octip.notifications.services import without_email
from octip.partners.models import Organization, User

from . import services
from .models import ReviewSample
from .rubric import NOT_APPLICABLE, rubric

#: The seed of the demo's draw: the same demo data draws the same contacts.
DEMO_SEED = 17


def seed(*, office: Organization, lead: User) -> str:
    if ReviewSample.objects.filter(organization=office).exists():
        return "quality review: demo data already present"
    today = timezone.localdate()
    try:
        with without_email():
            sample = services.draw_review_sample(actor=lead, period_start=today - datetime.timedelta(days=30),
                                                 period_end=today, size_per_operator=2, seed=DEMO_SEED)
    except ValidationError:
        return "quality review: no closed contacts to sample"
    reviews = list(sample.reviews.select_related("operator").order_by("operator__email", "contact_id"))
    scores = {c.code: (NOT_APPLICABLE if c.not_applicable and c.code == "duty_to_report" else 2)
              for c in rubric().criteria}
    scores["indicators_explored"] = 1
    shared = 0
    with without_email():
        for index, review in enumerate(reviews[:2]):
            services.save_review(
                actor=lead, review=review, expected_version=review.version, scores=scores,
                feedback="Synthetic feedback: a warm greeting and a clear safety check. Next time, ask a little "
                         "more about who holds the worker's documents, without leading.",
                reviewer_note="Synthetic note: bring up in the next team debrief.")
            if index == 0:
                services.share_review(actor=lead, review=review, expected_version=review.version)
                shared += 1
    return f"quality review: 1 sample of {len(reviews)} contacts, {shared} review shared"
