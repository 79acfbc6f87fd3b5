"""Demo prevention and education: the four-module course (published), synthetic learners (some passed,
holding signed certificates; one revoked), the practices library, the awareness pages in every public
language, outreach events and a campaign. Only synthetic people; idempotent."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from octip.partners.demo import DEMO_PASSWORD, demo_email
from octip.partners.models import Organization, OrganizationType, Region, User

from . import demo_course, demo_pages, demo_practices, services
from .models import (
    AwarenessPage,
    Choice,
    Course,
    CourseVersion,
    Enrolment,
    Learner,
    Lesson,
    Module,
    OutreachEvent,
    Practice,
    Question,
    Quiz,
    Setting,
    VersionStatus,
    email_index,
)

ORDER = 90

#: Synthetic learners: (local part of the email, printed name, kind of organization, outcome).
LEARNERS = [
    ("learner", "Alex Demo", "community_organization", "passed"),
    ("learner2", "Sam Rivera", "health_authority", "passed"),
    ("learner3", "Jordan Lee", "public", "passed"),
    ("learner4", "Priya Singh", "law_enforcement", "in_progress"),
    ("learner5", "Minh Tran", "indigenous_organization", "failed"),
    ("learner6", "Chris Ng", "public", "enrolled"),
]


def learner_email(local: str) -> str:
    return f"{local}@learners.octip.invalid"


def _course(trainer: User) -> CourseVersion:
    existing = Course.objects.filter(slug=demo_course.SLUG).first()
    if existing is not None and existing.published is not None:
        return existing.published
    course = Course.objects.create(slug=demo_course.SLUG)
    version = CourseVersion.objects.create(course=course, number=1, title=demo_course.TITLE,
                                           summary=demo_course.SUMMARY, language="en")
    for m_index, (module_title, lesson_title, body, (pass_mark, attempts), questions) in enumerate(
            demo_course.MODULES, start=1):
        module = Module.objects.create(version=version, title=module_title, position=m_index)
        lesson = Lesson.objects.create(module=module, title=lesson_title, body=body.strip(), position=1)
        quiz = Quiz.objects.create(lesson=lesson, pass_mark=pass_mark, max_attempts=attempts)
        for q_index, (text, kind, answers, feedback) in enumerate(questions, start=1):
            question = Question.objects.create(quiz=quiz, text=text, kind=kind, feedback=feedback, position=q_index)
            Choice.objects.bulk_create([Choice(question=question, text=t, correct=c, position=i)
                                        for i, (t, c) in enumerate(answers, start=1)])
    further = [demo_practices.PRACTICES[i]["title"] for i in (0, 1, 3)]
    version.practices.set(Practice.objects.filter(title__in=further))
    version.status, version.published_at, version.published_by = VersionStatus.PUBLISHED, timezone.now(), trainer
    version.save()
    return version


def _answers(enrolment: Enrolment, lesson: Lesson, *, right: bool) -> dict[str, list[str]]:
    out = {}
    for question in lesson.quiz.questions.all():
        choices = list(question.choices.all())
        wanted = [c for c in choices if c.correct == right] or choices[:1]
        if question.kind == "single":
            wanted = wanted[:1]
        out[str(question.pk)] = [str(c.pk) for c in wanted]
    return out


def _take(learner: Learner, version: CourseVersion, outcome: str, site: str) -> None:
    enrolment = services.enrol(learner=learner, course=version.course)
    if outcome == "enrolled":
        return
    lessons = list(Lesson.objects.filter(module__version=version).order_by("module__position", "position"))
    for index, lesson in enumerate(lessons):
        if outcome == "in_progress" and index >= 2:
            break
        services.complete_lesson(learner=learner, enrolment=enrolment, lesson_id=lesson.pk)
        if outcome == "failed" and index == 1:
            for _ in range(lesson.quiz.max_attempts):
                services.submit_quiz(learner=learner, enrolment=enrolment, lesson_id=lesson.pk,
                                     answers=_answers(enrolment, lesson, right=False), site=site)
            break
        if index == 0 and outcome == "passed" and learner.pk % 2:
            # One failed attempt first: the item-difficulty report has something to show.
            services.submit_quiz(learner=learner, enrolment=enrolment, lesson_id=lesson.pk,
                                 answers=_answers(enrolment, lesson, right=False), site=site)
        services.submit_quiz(learner=learner, enrolment=enrolment, lesson_id=lesson.pk,
                             answers=_answers(enrolment, lesson, right=True), site=site)


def _say_how_learners_sign_in(stdout) -> None:
    stdout.write(f"Learners sign in at /learn/sign-in/ (not the staff sign-in) with the demo password: "
                 f"{learner_email(LEARNERS[0][0])} has passed and holds a certificate.")


def seed(*, scale: int | None, stdout) -> None:
    trainer = User.objects.filter(email=demo_email("trainer")).first()
    if trainer is None:
        stdout.write("Prevention: partners demo data missing; nothing created.")
        return
    if Course.objects.filter(slug=demo_course.SLUG).exists():
        stdout.write("Prevention: demo data already present.")
        _say_how_learners_sign_in(stdout)
        return
    site = "http://127.0.0.1:8000"
    today = timezone.localdate()
    for entry in demo_practices.PRACTICES:
        Practice.objects.create(**entry, reviewed_by=demo_practices.REVIEWER, reviewed_on=today)
    for key, languages in demo_pages.PAGES.items():
        for language, (title, body) in languages.items():
            # One page in Korean is due for review, so the translation status shows what that looks like.
            review_by = today - datetime.timedelta(days=3) if (key, language) == ("get-help", "ko") \
                else today + datetime.timedelta(days=365)
            AwarenessPage.objects.create(key=key, language=language, title=title, body=body.strip(),
                                         review_by=review_by, updated_by=trainer)
    version = _course(trainer)
    regions = list(Region.objects.all())
    for local, name, org_type, outcome in LEARNERS:
        email = learner_email(local)
        learner = Learner(email=email, display_name=name, password=make_password(DEMO_PASSWORD),
                          organization_type=org_type, region=random.choice(regions) if regions else None)
        learner.refresh_indexes()
        learner.save(force_insert=True)
        _take(learner, version, outcome, site)
    # Partner staff learn too: the demo caseworker passed.
    caseworker = User.objects.filter(email=demo_email("caseworker")).first()
    if caseworker is not None:
        _take(services.staff_learner(actor=caseworker), version, "passed", site)
    revoked = Enrolment.objects.filter(learner__email_index=email_index(learner_email("learner3"))).first()
    if revoked is not None and hasattr(revoked, "credential"):
        services.revoke_credential(actor=trainer, credential=revoked.credential,
                                   reason="Issued in error during a demonstration.")
    # Outreach: a campaign and a year of events across regions and settings.
    campaign = services.save_campaign(actor=trainer, name="Know the signs — farm and hospitality workers",
                                      starts_on=today.replace(month=1, day=1),
                                      description="Posters and talks for seasonal workers and their employers.")
    material = services.add_material(actor=trainer, title="Know the signs (poster)",
                                     description="Indicators and the 24/7 line, in several languages.")
    partners = list(Organization.objects.exclude(type=OrganizationType.COORDINATING_OFFICE)[:4])
    settings_ = list(Setting)
    for index in range(24):
        event = OutreachEvent.objects.create(
            held_on=today - datetime.timedelta(days=7 * index + 3), region=regions[index % len(regions)],
            setting=settings_[index % len(settings_)].value,
            audience=["Grade 10 students", "Farm workers", "Community members", "Nation members and staff",
                      "Webinar for service providers"][index % 5],
            reached=random.choice([8, 15, 25, 40, 60, 120]), campaign=campaign if index % 3 == 0 else None,
            recorded_by=trainer)
        event.partners.set(partners[index % max(len(partners), 1):][:2])
        event.materials.set([material])
    stdout.write(f"Prevention: 1 course, {len(LEARNERS)} learners, {len(demo_practices.PRACTICES)} practices, "
                 f"{AwarenessPage.objects.count()} public pages, 24 outreach events.")
    _say_how_learners_sign_in(stdout)
