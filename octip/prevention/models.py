"""Prevention and education: courses (versioned), learners and their progress, verifiable
certificates, outreach, public awareness pages and the practices library.

A learner is *not* a staff account: ``Learner`` lives here, signs in through its own door
(``octip.prevention.learners``) and never becomes ``request.user``, so no staff page, staff API or
case row can ever be reached with a learner's session.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.core import crypto
from octip.core.fields import EncryptedChar


def email_index(email: str, key_id: str | None = None) -> str:
    """The blind index of a learner's email under one blind-index key version (default the current)."""
    return crypto.blind_index(email.strip().lower(), "prevention.learner.email", key_id=key_id)


def email_indexes(email: str) -> list[str]:
    """The email's blind index under every configured key version, the current first: what a lookup
    looks under while ``manage.py rotate_blind_index_key`` re-indexes the rows of older versions."""
    return [email_index(email, key_id) for key_id in crypto.index_key_ids()]


# --- Courses ------------------------------------------------------------------------------------

class Course(models.Model):
    """A course as the office knows it; its content lives in versions."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    @property
    def published(self) -> CourseVersion | None:
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()

    @property
    def latest(self) -> CourseVersion | None:
        return self.versions.order_by("-number").first()


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class CourseVersion(models.Model):
    """One version of a course. Only a draft is edited; a learner keeps the version they started."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    language = models.CharField(_("language"), max_length=10, default="en")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey("partners.User", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    practices = models.ManyToManyField("Practice", blank=True, related_name="course_versions",
                                       verbose_name=_("further reading in the practices library"))

    class Meta:
        ordering = ["course", "-number"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="prevention_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class Module(models.Model):
    version = models.ForeignKey(CourseVersion, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    """Rich text, stored already sanitized (``octip.prevention.sanitize``)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Quiz(models.Model):
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="quiz")
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=3)

    def __str__(self) -> str:
        return f"Quiz: {self.lesson.title}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One answer")
    MULTIPLE = "multiple", _("Several answers")


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("answer"), max_length=300)
    correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


# --- Learners and progress ----------------------------------------------------------------------

class Learner(models.Model):
    """Someone taking courses: a self-registered member of the public, or partner staff (``staff_user``).

    A learner's only capability is to learn (``LEARNER_CAPABILITIES``); they hold no role of
    ``core/roles.py``. The email is encrypted and found through its blind index.
    """

    LEARNER_CAPABILITIES = frozenset({"learner"})

    email = EncryptedChar(_("email"), max_length=254)
    email_index = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(_("name to print on certificates"), max_length=120)
    password = models.CharField(max_length=200, blank=True)  # empty for partner staff (they sign in as staff)
    staff_user = models.OneToOneField("partners.User", null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="learner_profile")
    organization_type = models.CharField(_("kind of organization"), max_length=40, blank=True)
    region = models.ForeignKey("partners.Region", null=True, blank=True, on_delete=models.PROTECT,
                               verbose_name=_("region"))
    is_active = models.BooleanField(default=True)
    session_generation = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    #: The blind-index key version ``email_index`` was made under (``manage.py rotate_blind_index_key``
    #: re-indexes the rows of older versions, and resumes from this column).
    index_key_id = models.CharField(max_length=32, default=crypto.FIRST_INDEX_KEY_ID, db_index=True, editable=False)

    def __str__(self) -> str:
        return self.display_name

    def refresh_indexes(self) -> None:
        """Recompute the email's blind index under the current key version (call before save). A staff
        learner's index is of ``staff:<user id>``, not of the email (the staff account signs in as staff)."""
        self.email_index = email_index(f"staff:{self.staff_user_id}" if self.staff_user_id else self.email)
        self.index_key_id = crypto.key_ring().blind_index_id

    INDEXED_FIELDS = ["email_index", "index_key_id"]

    @property
    def is_staff_learner(self) -> bool:
        return self.staff_user_id is not None


class CompletionState(models.TextChoices):
    """As Moodle records completion (COMPLETION_INCOMPLETE, _COMPLETE, _COMPLETE_PASS, _COMPLETE_FAIL)."""

    INCOMPLETE = "incomplete", _("Not complete")
    COMPLETE = "complete", _("Complete")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class Enrolment(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="enrolments")
    version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT, related_name="enrolments")
    state = models.CharField(max_length=12, choices=CompletionState.choices, default=CompletionState.INCOMPLETE)
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [models.UniqueConstraint(fields=["learner", "version"], name="prevention_enrolment_unique")]

    def __str__(self) -> str:
        return f"{self.learner} in {self.version}"


class ActivityCompletion(models.Model):
    """One activity's completion: a lesson (complete once read) or its quiz (passed or failed)."""

    class Activity(models.TextChoices):
        LESSON = "lesson", _("Lesson")
        QUIZ = "quiz", _("Quiz")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="activities")
    activity = models.CharField(max_length=10, choices=Activity.choices)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=12, choices=CompletionState.choices, default=CompletionState.INCOMPLETE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "activity", "lesson"],
                                               name="prevention_activity_unique")]

    def __str__(self) -> str:
        return f"{self.activity} {self.lesson_id}: {self.state}"


class Attempt(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField()  # percent
    passed = models.BooleanField()
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "quiz", "number"],
                                               name="prevention_attempt_unique")]

    def __str__(self) -> str:
        return f"Attempt {self.number}: {self.score} %"


class AttemptAnswer(models.Model):
    """What was answered to one question (for feedback and the item-difficulty report)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.ManyToManyField(Choice, related_name="+")
    correct = models.BooleanField()

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


# --- Verifiable certificates --------------------------------------------------------------------

class SigningKey(models.Model):
    """A record of each key of the signing ring: when it was first seen and when it was retired.
    Nothing is trusted from it: the JWKS and the verifier read the ring (``credentials.jwks``). The
    private keys never enter the database."""

    kid = models.CharField(max_length=64, unique=True)
    public_jwk = models.JSONField()
    added_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at"]

    def __str__(self) -> str:
        return self.kid


class Credential(models.Model):
    """An Open Badges 3.0 credential issued on passing a course, as the signed JWT that was handed out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="credential")
    token = models.TextField()
    kid = models.CharField(max_length=64)
    status_list = models.PositiveIntegerField(default=1)
    status_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey("partners.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revocation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["status_list", "status_index"], name="prevention_status_unique")]

    def __str__(self) -> str:
        return str(self.id)


# --- Outreach -----------------------------------------------------------------------------------

class Setting(models.TextChoices):
    SCHOOL = "school", _("School")
    WORKSITE = "worksite", _("Worksite")
    COMMUNITY = "community", _("Community")
    INDIGENOUS_COMMUNITY = "indigenous_community", _("Indigenous community")
    ONLINE = "online", _("Online")


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    created_by = models.ForeignKey("partners.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    """An outreach material (a poster, a handout); its files are versions, each in one language."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


def _material_path(instance: MaterialFile, filename: str) -> str:
    return f"prevention/materials/{uuid.uuid4().hex}"


class MaterialFile(models.Model):
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="files")
    language = models.CharField(_("language"), max_length=10)
    version = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to=_material_path)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("partners.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["material", "language", "-version"]
        constraints = [models.UniqueConstraint(fields=["material", "language", "version"],
                                               name="prevention_material_version_unique")]

    def __str__(self) -> str:
        return f"{self.filename} [{self.language}] v{self.version}"


class OutreachEvent(models.Model):
    held_on = models.DateField(_("date"))
    region = models.ForeignKey("partners.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    setting = models.CharField(_("setting"), max_length=30, choices=Setting.choices)
    audience = models.CharField(_("audience"), max_length=200)
    reached = models.PositiveIntegerField(_("number of people reached"))
    partners = models.ManyToManyField("partners.Organization", blank=True, verbose_name=_("partner organizations"))
    materials = models.ManyToManyField(Material, blank=True, verbose_name=_("materials"))
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="events", verbose_name=_("campaign"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey("partners.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.setting} ({self.reached})"


# --- Public awareness pages ---------------------------------------------------------------------

class AwarenessPage(models.Model):
    """Public content a trainer manages: one row per page (``key``) and language."""

    key = models.SlugField(_("page"), max_length=60)
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    review_by = models.DateField(_("review by"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey("partners.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["key", "language"]
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="prevention_page_language_unique")]

    def __str__(self) -> str:
        return f"{self.key} [{self.language}]"


# --- Practices library --------------------------------------------------------------------------

class PracticeKind(models.TextChoices):
    LAW = "law", _("Law")
    PROGRAM = "program", _("Program")
    EVALUATION = "evaluation", _("Evaluation")
    STUDY = "study", _("Study")
    STRATEGY = "strategy", _("Strategy or plan")
    TOOL = "tool", _("Tool or indicators")


class EvidenceLevel(models.TextChoices):
    """How strongly the entry is supported (a plain scale, not a clinical grading)."""

    BINDING = "binding", _("Binding law or treaty")
    EVALUATED = "evaluated", _("Independently evaluated")
    CONSENSUS = "consensus", _("Expert consensus")
    DESCRIPTIVE = "descriptive", _("Descriptive or promising")


class Practice(models.Model):
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=PracticeKind.choices)
    source = models.CharField(_("source"), max_length=300)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    evidence_level = models.CharField(_("evidence level"), max_length=20, choices=EvidenceLevel.choices)
    topics = models.CharField(_("topics"), max_length=300, help_text=_("Separated by commas."))
    summary = models.TextField(_("summary"))
    link = models.URLField(_("link"), max_length=500)
    reviewed_by = models.CharField(_("reviewed by"), max_length=200)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.split(",") if t.strip()]
