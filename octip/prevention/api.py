"""The prevention API: certificate verification (public, no sign-in), the course catalogue (public),
a member of staff's own enrolments, and the training report (``prevention.manage``).

Learners have no API: a learner session is not a staff session, so every staff route answers 401.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import Router, Status

from . import selectors, services
from .schemas import CourseOut, EnrolmentOut, ReportRowOut, VerifyIn, VerifyOut
from .views_public import STATUS_WORDS

router = Router(tags=["prevention"])


@router.post("/credentials/verify", response=VerifyOut, auth=None)
def verify_credential(request, body: VerifyIn):
    """Verify an Open Badges 3.0 credential (a VC-JWT): valid, revoked, tampered or unknown."""
    if len(body.credential) > 20000:
        raise ValidationError({"credential": ["A credential is at most 20,000 characters."]})
    return {"status": STATUS_WORDS[selectors.verify_token(body.credential).status]}


@router.get("/courses", response=list[CourseOut], auth=None)
def courses(request):
    return [{"slug": v.course.slug, "title": v.title, "summary": v.summary, "version": v.number,
             "language": v.language, "url": reverse("learn:course", args=[v.course.slug])}
            for v in selectors.published_courses()]


def _enrolment_out(request, enrolment) -> dict:
    credential = getattr(enrolment, "credential", None) if hasattr(enrolment, "credential") else None
    return {"course": enrolment.version.course.slug, "version": enrolment.version.number, "state": enrolment.state,
            "progress": selectors.progress(enrolment=enrolment).percent,
            "credential_id": str(credential.pk) if credential else None,
            "verify_url": request.build_absolute_uri(reverse("verify:credential", args=[credential.pk]))
            if credential else None}


@router.get("/prevention/enrolments", response=list[EnrolmentOut])
def my_enrolments(request):
    """The signed-in member of staff's own enrolments."""
    learner = services.staff_learner(actor=request.auth)
    return [_enrolment_out(request, e) for e in selectors.enrolments_of(learner=learner)]


@router.post("/courses/{slug}/enrolments", response={201: EnrolmentOut})
def enrol(request, slug: str):
    """Enrol the signed-in member of staff in the course's published version."""
    course = selectors.course_or_404(slug=slug)
    enrolment = services.enrol(learner=services.staff_learner(actor=request.auth), course=course)
    return Status(201, _enrolment_out(request, enrolment))


@router.get("/prevention/reports/training", response=list[ReportRowOut])
def training_report(request, by: str = "organization_type"):
    if by not in {"organization_type", "region", "month"}:
        raise ValidationError({"by": ["Group by organization_type, region or month."]})
    return [{"group": r.group, "enrolled": r.enrolled, "completed": r.completed, "passed": r.passed}
            for r in selectors.training_report(actor=request.auth, by=by)]
