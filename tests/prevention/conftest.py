"""Fixtures of prevention: a small published course (two lessons, one quiz of two questions), a
self-registered learner and their signed-in client, a trainer, and a signing key ring of the test's own."""

from __future__ import annotations

import pytest
from django.test import Client

from octip.prevention import credentials, learners, services
from octip.prevention.models import Course, Lesson
from tests.factories import OrganizationFactory

LEARNER_PASSWORD = "a-long-learner-passphrase"


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    # Argon2 costs about 0.3 s a hash; these tests sign in often and test nothing about hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _signing_keys_of_the_test(settings, tmp_path):
    settings.OCTIP_CREDENTIAL_SIGNING_KEYS = ""
    settings.OCTIP_CREDENTIAL_SIGNING_KEY_FILE = tmp_path / "credential_signing_keys.json"
    settings.OCTIP_SITE_URL = ""
    credentials.reset_ring()
    yield
    credentials.reset_ring()


@pytest.fixture
def trainer(make_user):
    """A trainer of the coordinating office (the office issues the certificates and revokes them)."""
    return make_user(role="trainer", organization=OrganizationFactory(type="coordinating_office"))


@pytest.fixture
def course(trainer) -> Course:
    version = services.create_course(actor=trainer, slug="basics", title="Basics", summary="What to know.")
    module = services.add_module(actor=trainer, version=version, title="Module one")
    services.save_lesson(actor=trainer, module=module, title="Reading", body="<p>Read me.</p>")
    quiz_lesson = services.save_lesson(actor=trainer, module=module, title="Check", body="<p>Now answer.</p>")
    quiz = services.set_quiz(actor=trainer, lesson=quiz_lesson, pass_mark=100, max_attempts=2)
    services.add_question(actor=trainer, quiz=quiz, text="Is consent a defence?", kind="single",
                          choices=[("No", True), ("Yes", False)], feedback="Consent is no defence.")
    services.add_question(actor=trainer, quiz=quiz, text="Which are means?", kind="multiple",
                          choices=[("Deception", True), ("Force", True), ("A border", False)])
    services.publish_version(actor=trainer, version=version)
    return version.course


@pytest.fixture
def learner(db):
    return services.register_learner(email="Learner@Example.org", password=LEARNER_PASSWORD,
                                     display_name="Pat Example", organization_type="public")


@pytest.fixture
def learner_client(learner) -> Client:
    client = Client()
    response = client.post("/learn/sign-in/", {"email": "learner@example.org", "password": LEARNER_PASSWORD})
    assert response.status_code == 302
    return client


def quiz_lesson(course: Course) -> Lesson:
    return Lesson.objects.get(module__version=course.published, quiz__isnull=False)


def right_answers(lesson: Lesson, *, wrong: bool = False) -> dict[str, list[str]]:
    out = {}
    for question in lesson.quiz.questions.all():
        picked = [c for c in question.choices.all() if c.correct != wrong]
        out[str(question.pk)] = [str(c.pk) for c in picked[: 1 if question.kind == "single" else None]]
    return out


@pytest.fixture
def passed(course, learner):
    """The learner enrolled, read everything and passed: (enrolment, credential)."""
    enrolment = services.enrol(learner=learner, course=course)
    for lesson in Lesson.objects.filter(module__version=enrolment.version):
        services.complete_lesson(learner=learner, enrolment=enrolment, lesson_id=lesson.pk)
    result = services.submit_quiz(learner=learner, enrolment=enrolment, lesson_id=quiz_lesson(course).pk,
                                  answers=right_answers(quiz_lesson(course)), site="http://testserver")
    assert result.credential is not None
    return enrolment, result.credential


__all__ = ["learners"]
