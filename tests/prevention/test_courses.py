"""Courses: completion as Moodle records it, versions a learner keeps, bad quiz submissions refused
with a clear error and nothing recorded, and lesson HTML that is sanitized or refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from octip.prevention import services
from octip.prevention.models import ActivityCompletion, Attempt, CompletionState, Lesson

from .conftest import quiz_lesson, right_answers

pytestmark = pytest.mark.django_db


def test_progress_is_saved_and_completion_follows_moodles_states(course, learner, learner_client):
    response = learner_client.post(f"/learn/courses/{course.slug}/enrol/")
    assert response.status_code == 302
    enrolment = learner.enrolments.get()
    assert enrolment.state == CompletionState.INCOMPLETE
    reading = Lesson.objects.get(module__version=enrolment.version, quiz__isnull=True)
    learner_client.post(f"/learn/courses/{course.slug}/lessons/{reading.pk}/", {"action": "complete"})
    assert ActivityCompletion.objects.get(enrolment=enrolment, lesson=reading).state == CompletionState.COMPLETE
    lesson = quiz_lesson(course)
    wrong = {f"q{k}": v for k, v in right_answers(lesson, wrong=True).items()}
    page = learner_client.post(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/", wrong)
    assert page.status_code == 200 and "Consent is no defence." in page.content.decode()  # feedback shown
    enrolment.refresh_from_db()
    assert enrolment.state == CompletionState.INCOMPLETE  # one attempt left
    assert ActivityCompletion.objects.get(enrolment=enrolment, activity="quiz").state == CompletionState.FAILED
    right = {f"q{k}": v for k, v in right_answers(lesson).items()}
    learner_client.post(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/", right)
    enrolment.refresh_from_db()
    assert enrolment.state == CompletionState.PASSED and enrolment.credential
    pdf = learner_client.get(f"/learn/certificates/{enrolment.credential.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_failing_the_last_attempt_fails_the_course(course, learner):
    enrolment = services.enrol(learner=learner, course=course)
    lesson = quiz_lesson(course)
    for _ in range(2):
        services.submit_quiz(learner=learner, enrolment=enrolment, lesson_id=lesson.pk,
                             answers=right_answers(lesson, wrong=True))
    enrolment.refresh_from_db()
    assert enrolment.state == CompletionState.FAILED
    with pytest.raises(ValidationError, match="No attempt is left"):
        services.submit_quiz(learner=learner, enrolment=enrolment, lesson_id=lesson.pk, answers=right_answers(lesson))


@pytest.mark.parametrize("mangle, message", [
    (lambda a, q: dict(list(a.items())[1:]), "Answer question 1"),
    (lambda a, q: {**a, str(q[0].pk): ["999999"]}, "choose among its answers"),
    (lambda a, q: {**a, str(q[0].pk): [str(c.pk) for c in q[0].choices.all()]}, "one answer only"),
    (lambda a, q: {**a, "424242": ["1"]}, "not in this quiz"),
    (lambda a, q: {**a, str(q[0].pk): ["1; DROP TABLE"]}, "choose among its answers"),
])
def test_bad_quiz_submissions_are_refused_with_a_clear_error_and_nothing_recorded(course, learner, learner_client,
                                                                                  mangle, message):
    learner_client.post(f"/learn/courses/{course.slug}/enrol/")
    lesson = quiz_lesson(course)
    questions = list(lesson.quiz.questions.all())
    answers = mangle(right_answers(lesson), questions)
    response = learner_client.post(f"/learn/courses/{course.slug}/lessons/{lesson.pk}/",
                                   {f"q{k}": v for k, v in answers.items()})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attempt.objects.exists()


def test_a_learner_keeps_the_version_they_started(course, learner, trainer):
    first = services.enrol(learner=learner, course=course)
    draft = services.new_version(actor=trainer, course=course)
    services.update_version(actor=trainer, version=draft, title="Basics, revised", summary="")
    services.publish_version(actor=trainer, version=draft)
    course.refresh_from_db()
    assert course.published == draft
    assert services.enrol(learner=learner, course=course).version_id == first.version_id
    newcomer = services.register_learner(email="new@example.org", password="another-long-passphrase",
                                         display_name="New")
    assert services.enrol(learner=newcomer, course=course).version == draft
    with pytest.raises(ValidationError, match="Only a draft"):
        services.add_module(actor=trainer, version=first.version, title="Sneaky")


@pytest.mark.parametrize("body", [
    "<p>Hello</p><script>alert(1)</script>",
    '<iframe src="https://www.youtube.com/embed/x"></iframe>',
    '<p><img src="https://tracker.example/p.gif"></p>',
    '<p><a href="javascript:alert(1)">x</a></p>',
    '<p onclick="steal()">x</p>',
    '<p style="background:url(https://x.example)">x</p>',
])
def test_unsafe_lesson_html_is_refused_with_a_clear_error(course, trainer, client_for, body):
    draft = services.new_version(actor=trainer, course=course)
    module = draft.modules.first()
    with pytest.raises(ValidationError, match="not allowed"):
        services.save_lesson(actor=trainer, module=module, title="Unsafe", body=body)
    response = client_for(trainer).post(f"/app/prevention/courses/versions/{draft.pk}/",
                                        {"action": "lesson", "module": module.pk, "title": "Unsafe", "body": body})
    assert response.status_code == 400 and "not allowed" in response.content.decode()
    assert not Lesson.objects.filter(title="Unsafe").exists()


def test_safe_rich_text_is_kept(course, trainer):
    draft = services.new_version(actor=trainer, course=course)
    body = '<h2>Signs</h2><ul><li><strong>Debt</strong></li></ul><p><a href="https://www.canada.ca/">Canada</a></p>'
    lesson = services.save_lesson(actor=trainer, module=draft.modules.first(), title="Safe", body=body)
    assert "<strong>Debt</strong>" in lesson.body and 'rel="noopener noreferrer"' in lesson.body


def test_only_trainers_author_courses(make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_course(actor=make_user(role="caseworker"), slug="x", title="X")


def test_partner_staff_enrol_through_the_api_under_their_own_learner_profile(course, make_user, client_for):
    staff = make_user(role="caseworker")
    client = client_for(staff)
    response = client.post(f"/api/v1/courses/{course.slug}/enrolments")
    assert response.status_code == 201 and response.json()["state"] == "incomplete"
    assert client.get("/api/v1/prevention/enrolments").json()[0]["course"] == course.slug
    assert staff.learner_profile.organization_type == staff.organization.type


def test_the_course_catalogue_api_is_public_and_the_report_api_needs_the_trainer(course, passed, trainer, client_for,
                                                                                 client):
    assert [c["slug"] for c in client.get("/api/v1/courses").json()] == [course.slug]
    assert client.get("/api/v1/prevention/reports/training").status_code == 401
    rows = client_for(trainer).get("/api/v1/prevention/reports/training?by=organization_type").json()
    assert rows == [{"group": "Member of the public", "enrolled": 1, "completed": 1, "passed": 1}]
    assert client_for(trainer).get("/api/v1/prevention/reports/training?by=shoe").status_code == 400


def test_learning_is_audited_without_personal_data(passed, learner):
    from octip.core.models import AuditEvent

    actions = set(AuditEvent.objects.filter(action__startswith="prevention.").values_list("action", flat=True))
    assert {"prevention.learner_registered", "prevention.enrolled", "prevention.quiz_attempted",
            "prevention.credential_issued"} <= actions
    for event in AuditEvent.objects.filter(action__startswith="prevention."):
        assert "example.org" not in str(event.detail).lower() and "Pat" not in str(event.detail)
