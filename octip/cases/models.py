"""Persons and their cases: the heart of the platform.

Identifying fields live only on ``Person`` (and in free-text fields of case records) and are
encrypted at rest; exact-match search goes through blind indexes beside them. Every read of a case
starts from ``Case.objects.visible_to(user)``: role scope plus active access grants.
"""

from __future__ import annotations

import datetime
import functools
import operator
import uuid
from collections.abc import Iterable
from typing import Any, Self

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.core import crypto
from octip.core.access import ScopedQuerySet, role_of
from octip.core.blind_index import BlindIndexToken
from octip.core.fields import EncryptedChar, EncryptedDate, EncryptedJSON, EncryptedText
from octip.core.interpretation import Interpretation
from octip.core.models import VersionedModel
from octip.core.roles import Scope

from . import reference

#: B.C. counts a person under 19 as a child (Child, Family and Community Service Act).
YOUTH_AGE_LIMIT = 19


# --- Blind indexes ----------------------------------------------------------------------------

def normalize_phone(value: str | None) -> str:
    """Digits only, without the North American country code, so "+1 (604) 555-0101" and
    "604.555.0101" meet."""
    digits = "".join(c for c in (value or "") if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


# ``key_id`` picks a blind-index key version (a search during a rotation looks under each one,
# ``crypto.index_key_ids()``); the default is the current version, the one new rows are indexed under.

def name_index(name: str | None, key_id: str | None = None) -> str:
    return crypto.blind_index(name, "person.name", key_id=key_id)


def dob_index(day: datetime.date | None, key_id: str | None = None) -> str:
    return crypto.blind_index(day.isoformat(), "person.dob", key_id=key_id) if day else ""


def phone_index(phone: str | None, key_id: str | None = None) -> str:
    normalized = normalize_phone(phone)
    return crypto.blind_index(normalized, "person.phone", key_id=key_id) if normalized else ""


def phonetic_name_index(name: str | None, key_id: str | None = None) -> str:
    return crypto.phonetic_index(name, "person.name", key_id=key_id)


# --- Person -----------------------------------------------------------------------------------

class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    TRANS_WOMAN = "trans_woman", _("Transgender woman")
    TRANS_MAN = "trans_man", _("Transgender man")
    NON_BINARY = "non_binary", _("Non-binary")
    TWO_SPIRIT = "two_spirit", _("Two-Spirit")
    UNKNOWN = "unknown", _("Not specified or unknown")


class IndigenousIdentity(models.TextChoices):
    FIRST_NATIONS = "first_nations", _("First Nations")
    METIS = "metis", _("Métis")
    INUIT = "inuit", _("Inuit")
    INDIGENOUS_OTHER = "indigenous_other", _("Indigenous (another identity)")
    NOT_INDIGENOUS = "not_indigenous", _("Not Indigenous")
    PREFER_NOT = "prefer_not", _("Prefers not to say")


#: The CTDC ``ageBroad`` bands, so that statistics need no recoding.
AGE_BANDS: list[tuple[int, int | None, str]] = [
    (0, 8, "0-8"), (9, 17, "9-17"), (18, 20, "18-20"), (21, 23, "21-23"), (24, 26, "24-26"),
    (27, 29, "27-29"), (30, 38, "30-38"), (39, 47, "39-47"), (48, None, "48+"),
]


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band_for(age: int | None) -> str:
    if age is None:
        return ""
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return ""


class PersonQuerySet(ScopedQuerySet):
    """Persons are reachable only through a visible case, and only with ``case.view_identifying``."""

    view_permission = "case.view_identifying"

    def scope_filter(self, user, scope: Scope) -> Q:
        return Q(pk__in=Case.objects.visible_to(user).values("person_id"))


class Person(VersionedModel):
    """The trafficked person a case is about. Identifying fields are encrypted; the clear fields
    are the ones de-identified statistics use."""

    legal_name = EncryptedChar(_("legal name"), max_length=200)
    preferred_name = EncryptedChar(_("preferred name"), max_length=200, blank=True)
    aliases = EncryptedJSON(_("aliases"), default=list, blank=True)
    date_of_birth = EncryptedDate(_("date of birth"), null=True, blank=True)
    phone = EncryptedChar(_("phone"), max_length=40, blank=True)
    email = EncryptedChar(_("email"), max_length=254, blank=True)
    address = EncryptedText(_("address"), blank=True)
    #: A list of {"type", "number", "country", "held_by_person"}.
    identity_documents = EncryptedJSON(_("identity documents"), default=list, blank=True)

    # Blind indexes (HMAC of the normalized value): exact match without decrypting. The names (legal,
    # preferred, aliases) and their metaphone codes are many per person: they are rows of
    # ``PersonSearchToken`` (``search_index``), so that a name search is one index lookup.
    name_index = models.CharField(max_length=64, blank=True, db_index=True)
    dob_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    #: The blind-index key version the indexes above were made under (``manage.py
    #: rotate_blind_index_key`` re-indexes the rows of older versions, and resumes from this column).
    index_key_id = models.CharField(max_length=32, default=crypto.FIRST_INDEX_KEY_ID, db_index=True, editable=False)

    # Clear, non-identifying fields.
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, default=Gender.UNKNOWN)
    estimated_age = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    age_band = models.CharField(_("age band"), max_length=8, blank=True, editable=False)
    citizenship = models.JSONField(_("citizenship"), default=list, blank=True,
                                   help_text=_("ISO 3166 country codes"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    pronouns = EncryptedChar(_("pronouns"), max_length=40, blank=True)
    indigenous_identity = models.CharField(_("Indigenous identity (self-identified, optional)"), max_length=20,
                                           choices=IndigenousIdentity.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")

    def __str__(self) -> str:
        # Never the name: a Person's str() can end up in logs and error pages.
        return f"Person {self.pk}"

    def age(self, on: datetime.date | None = None) -> int | None:
        on = on or timezone.localdate()
        if self.date_of_birth:
            return age_on(self.date_of_birth, on)
        return self.estimated_age

    #: The fields the search tokens are made of: a save writing any of them rewrites the tokens.
    SEARCH_TOKEN_FIELDS = frozenset({"legal_name", "preferred_name", "aliases", "name_index", "index_key_id"})

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, and keep the search tokens in step with the names (in the same transaction). Writes
        that bypass ``save`` (``bulk_create``, ``update``) call ``search_index.index_persons`` themselves."""
        from .search_index import index_persons

        update_fields = kwargs.get("update_fields")
        with transaction.atomic():
            super().save(*args, **kwargs)
            if update_fields is None or self.SEARCH_TOKEN_FIELDS & set(update_fields):
                index_persons([self])

    def refresh_indexes(self) -> None:
        """Recompute blind indexes and the age band from the decrypted fields (call before save; after
        it, ``search_index.index_persons([person])`` rewrites the person's name tokens)."""
        self.name_index = name_index(self.legal_name)
        self.dob_index = dob_index(self.date_of_birth)
        self.phone_index = phone_index(self.phone)
        self.index_key_id = crypto.key_ring().blind_index_id
        self.age_band = age_band_for(self.age())

    INDEXED_FIELDS = ["name_index", "dob_index", "phone_index", "index_key_id", "age_band"]

    @classmethod
    def reindexed(cls, rows: list[Person]) -> None:
        """The rows' columns were just re-indexed (``rotate_blind_index_key``, in its transaction): their
        search tokens follow, under the same key version."""
        from .search_index import index_persons

        index_persons(rows)


class SearchTokenKind(models.TextChoices):
    NAME = "name", _("name")
    PHONETIC = "phonetic", _("sounds like")


class PersonSearchToken(BlindIndexToken):
    """One blind index a person is found by: each of their names (legal, preferred, every alias) and
    each metaphone code of them, under the key version ``key_id`` (the person's ``index_key_id``).
    Written by ``search_index`` only; read by the selectors' identity search and duplicate check."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_tokens")
    kind = models.CharField(max_length=10, choices=SearchTokenKind.choices)

    owner_field = "person"

    class Meta:
        constraints = [
            # Also the search index: kind, key version and token lead, and the person id in it
            # answers "which persons" from the index alone.
            models.UniqueConstraint(fields=["kind", "key_id", "token", "person"], name="person_search_token_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} token of person {self.person_id}"

    @classmethod
    def tokens_of(cls, owner: Person) -> list[PersonSearchToken]:
        from .search_index import tokens_for

        return tokens_for(owner)


# --- Case -------------------------------------------------------------------------------------

class Track(models.TextChoices):
    ADULT = "adult", _("Adult")
    YOUTH = "youth", _("Youth (under 19)")


class Stage(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    PLANNING = "planning", _("Planning")
    SERVICES = "services", _("Services")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED = "closed", _("Closed")


#: Stage changes a caseworker may make directly. Closure goes through request and approval.
STAGE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.INTAKE: (Stage.ASSESSMENT,),
    Stage.ASSESSMENT: (Stage.PLANNING, Stage.INTAKE),
    Stage.PLANNING: (Stage.SERVICES, Stage.ASSESSMENT),
    Stage.SERVICES: (Stage.PLANNING,),
    Stage.CLOSURE_REQUESTED: (),
    Stage.CLOSED: (),
}


class ExploitationType(models.TextChoices):
    SEXUAL = "sexual", _("Sexual exploitation")
    LABOUR = "labour", _("Labour exploitation")
    OTHER = "other", _("Other exploitation")


class ReferralSource(models.TextChoices):
    SELF = "self", _("Self-referral")
    HOTLINE = "hotline", _("24/7 line")
    POLICE = "police", _("Police")
    COMMUNITY = "community_organization", _("Community organization")
    INDIGENOUS = "indigenous_organization", _("Indigenous organization")
    HEALTH = "health", _("Health care")
    GOVERNMENT = "government", _("Government agency")
    BORDER = "border", _("Border or immigration officials")
    FAMILY_FRIEND = "family_friend", _("Family or friend")
    OTHER = "other", _("Other")


class RiskLevel(models.IntegerChoices):
    """The assessed risk to the person, highest last: a number so that lists order by it (highest
    first). The API and exports give its code (``RISK_CODES``)."""

    NOT_ASSESSED = 0, _("Not assessed")
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


#: Level → the code the API, the exports and the timeline use; and back.
RISK_CODES: dict[int, str] = {0: "not_assessed", 1: "low", 2: "medium", 3: "high", 4: "critical"}
RISK_LEVEL_OF: dict[str, int] = {code: level for level, code in RISK_CODES.items()}


def risk_label(code: str) -> str:
    """The label of a risk code in the active language (the code itself when unknown)."""
    level = RISK_LEVEL_OF.get(code)
    return str(RiskLevel(level).label) if level is not None else code


#: The record scopes whose condition is a UNION of index lookups (``CaseQuerySet.scope_ids``).
UNION_SCOPES: frozenset[Scope] = frozenset({Scope.OWN})
#: The record scopes whose own cases are a caseload (a few hundred, whatever the size of the database):
#: where every match is read (a count), their set, grants and all, is one array of ids built once.
CASELOAD_SCOPES: frozenset[Scope] = frozenset({Scope.OWN, Scope.TEAM})


def reach_through(condition: Q, through: str) -> Q:
    """A condition on case rows (``Q(owner_team__in=…)``) rewritten for rows that reach their case by the
    relation ``through`` (``Q(case__owner_team__in=…)``); unchanged for ``through=""``."""
    if not through:
        return condition
    if not _lookups_only(condition):
        # An expression (the array of an own scope's ids) names its columns itself: ask for the cases.
        return Q(**{f"{through}__in": Case.objects.filter(condition).values("pk")})
    moved = Q()
    moved.connector, moved.negated = condition.connector, condition.negated
    moved.children = [reach_through(child, through) if isinstance(child, Q) else (f"{through}__{child[0]}", child[1])
                      for child in condition.children]
    return moved


def _lookups_only(condition: Q) -> bool:
    return all(_lookups_only(child) if isinstance(child, Q) else isinstance(child, tuple)
               for child in condition.children)


class IdInArray(models.Func):
    """``column = ANY(ARRAY(subquery))`` on PostgreSQL: the subquery runs once, before the rest (an
    InitPlan), and its ids are then an index condition on the primary key. As "column IN (subquery)"
    the planner may instead run the subquery again for every candidate row (a nested-loop semi-join
    it estimates cheap): 2.5 s for a filtered list at 100,000 cases, against 50 ms. Elsewhere (SQLite)
    "column IN (subquery)"."""

    output_field = models.BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        (column, column_params), (ids, ids_params) = (compiler.compile(e) for e in self.get_source_expressions())
        if connection.vendor == "postgresql":
            return f"{column} = ANY(ARRAY{ids})", (*column_params, *ids_params)
        return f"{column} IN {ids}", (*column_params, *ids_params)


class CaseQuerySet(ScopedQuerySet):
    """The only door to case rows: role scope for holders of ``case.view``, plus active grants
    (referral, transfer, emergency access) to the user or the user's organization."""

    view_permission = "case.view"

    def scope_reaches(self, user, scope: Scope, *, grants: bool = True) -> list[Q | models.QuerySet]:
        """The one rule of what a record scope reaches, branch by branch: the cases the user owns, those
        they are assigned to, their teams' (scope "team") or their organization's (scope
        "organization"), and with ``grants`` the cases of the active grants reaching them. A branch is
        a condition on the case's own columns (a ``Q``) or a subquery of case ids. Empty for the scope
        "all" (every case: no condition at all). ``scope_ids`` turns them into the one condition."""
        if scope == Scope.ALL:
            return []
        branches: list[Q | models.QuerySet] = [
            Q(owner_worker_id=user.pk),
            Case.assigned_workers.through.objects.filter(user_id=user.pk).order_by().values("case_id"),
        ]
        if scope == Scope.TEAM:
            branches.append(Q(owner_team__in=user.teams.all()))
        elif scope != Scope.OWN:
            branches.append(Q(owner_organization_id=user.organization_id))
        if grants:
            branches += [way.order_by().values("case_id")
                         for way in CaseAccessGrant.objects.active().reaching_ways(user, scope)]
        return branches

    def scope_ids(self, user, scope: Scope, *, grants: bool = True, counting: bool = False) -> Q:
        """``scope_reaches`` as one condition (``Q()`` for "all"), in the SQL shape PostgreSQL plans best
        for the scope (measured at 100,000 cases, docs/scale.md "What still grows with N"):

        - scope "own" (``UNION_SCOPES``): "id = ANY(ARRAY(a UNION ALL of the branches))", each branch one
          index lookup, run once. The set is the reader's own work (what they own, are assigned, are
          granted by name or by role), built whole: small for the readers of that scope, and a list of
          someone who sees nothing no longer walks the order index through every case (160 ms → 0.2 ms).
        - scopes "team" and "organization": an OR of the column conditions and of "id in (…)" (hashed
          once). Their set grows with the cases: building it whole (15,000 cases at 100,000) costs
          20–140 times the OR, which walks the list's order index and stops when the page is full.

        ``counting``: for a query that reads every match (a count, even a capped one), where no order
        stops the OR early: it is then tested on every case of the table. A team's set (``CASELOAD_SCOPES``:
        its caseload, and its organization's grants) is then the array too, 2–4 times cheaper for a
        capped count at a million cases (docs/scale.md, "Counts read a team's set whole"); an
        organization's stays the OR, its own cases being a large share of the table."""
        union = counting and scope in CASELOAD_SCOPES
        return self._scope_condition(self.scope_reaches(user, scope, grants=grants), scope, through="", union=union)

    def visible_to(self, user, *, counting: bool = False) -> Self:
        """``ScopedQuerySet.visible_to``; ``counting``: in the shape for reading every match
        (``scope_ids``), for a count rather than a page in order."""
        role = self.viewing_role(user)
        if role is None:
            return self.none()
        return self.filter(self.scope_ids(user, role.scope, counting=counting))

    def reach_q(self, user, *, through: str = "", grants: bool = True) -> Q:
        """``visible_to(user)`` (without ``grants``: ``in_own_scope(user)``) as a condition on the rows of
        another model that point to a case by the relation ``through`` ("case" from a task or a referral,
        "goal__case" from a plan action; "" on the case's own rows). Each branch of ``scope_reaches`` is
        tested on the joined case row, where "case_id IN (every visible case)" builds that set whole: for
        a reader of a team or an organization a scan of every case, for every request (a referral inbox
        took 30 s at a million cases), while the joined row is one primary-key lookup per row read. No
        row without ``case.view``; every row for the scope "all", as a condition that stays true when
        combined with others (``Q()`` would vanish from an OR: "mine or sent to us" would become "sent to
        us")."""
        role = self.viewing_role(user)
        if role is None:
            return Q(pk__in=[])
        if role.scope == Scope.ALL:
            return Q(pk__isnull=False)
        # A team's own cases (no grants) are a caseload: built whole, their ids drive the other table's
        # index on its case (the caseworker's consents expiring soon: 4 s -> 2 ms at a million cases).
        # With grants they reach what the organization was sent (30,000 cases there), so they stay an OR.
        union = through != "" and not grants and role.scope in CASELOAD_SCOPES
        return self._scope_condition(self.scope_reaches(user, role.scope, grants=grants), role.scope, through,
                                     union=union)

    @staticmethod
    def _scope_condition(branches: list[Q | models.QuerySet], scope: Scope, through: str, *,
                         union: bool = False) -> Q:
        if not branches:
            return Q()
        column = f"{through}_id" if through else "pk"
        if union or scope in UNION_SCOPES:
            ids = [b if isinstance(b, models.QuerySet) else Case.objects.order_by().filter(b).values("pk")
                   for b in branches]
            return Q(IdInArray(models.F(column), models.Subquery(ids[0].union(*ids[1:], all=True))))
        condition = Q()
        for b in branches:
            if not isinstance(b, models.QuerySet):
                condition |= reach_through(b, through)
            elif through:
                # On another table's rows, a subquery branch (assigned, granted) is an array built once
                # (an InitPlan). As "IN (subquery)" PostgreSQL charges building its hash again on each
                # probe of the joined case (30,000 grants: a cost of 9,900 a row), so it seq-scans a
                # million cases to join the 138 tasks of a worker (450 ms) rather than probe each.
                condition |= Q(IdInArray(models.F(column), models.Subquery(b)))
            else:
                condition |= Q(**{f"{column}__in": b})
        return condition

    def scope_filter(self, user, scope: Scope) -> Q:
        return self.scope_ids(user, scope)

    def own_scope_is_all(self, user) -> bool:
        """True when ``in_own_scope(user)`` is every case: a role of scope "all" holding ``case.view``."""
        role = self.viewing_role(user)
        return role is not None and role.scope == Scope.ALL

    def in_own_scope(self, user) -> CaseQuerySet:
        """Cases in the user's role scope, without grants (grants show only their sections)."""
        return self.filter(self.own_scope_q(user))

    def own_scope_q(self, user, *, counting: bool = False) -> Q:
        """``in_own_scope(user)`` as a condition; ``counting``: in the shape for reading every match
        (``scope_ids``): a team's caseload, a few hundred cases, as one array of ids built once. Nothing
        for a reader without ``case.view``."""
        role = self.viewing_role(user)
        if role is None:
            return Q(pk__in=[])
        return self.scope_ids(user, role.scope, grants=False, counting=counting)

    def viewer_ids(self, users: Iterable[Any]) -> set[int]:
        """Ids of those ``users`` to whom ``visible_to`` shows one of these cases, asked in one query:
        each user's role check and scope filter, as ``visible_to`` applies them, side by side."""
        checks = {}
        for user in users:
            role = self.viewing_role(user)
            if role is not None:
                checks[f"u{user.pk}"] = models.Count("pk", filter=self.scope_filter(user, role.scope))
        names = list(checks)
        viewers: set[int] = set()
        for start in range(0, len(names), 100):  # a bounded statement, whatever the size of the staff
            counts = self.aggregate(**{name: checks[name] for name in names[start:start + 100]})
            viewers.update(int(name[1:]) for name, count in counts.items() if count)
        return viewers

    def open(self) -> CaseQuerySet:
        return self.exclude(stage=Stage.CLOSED)

    def workload_of(self, user) -> CaseQuerySet:
        """For counting only, never to show a case: the cases a holder of ``case.count_workload`` may
        count (an organization administrator balancing the work: their organization's own cases)."""
        role = role_of(user)
        if role is None or "case.count_workload" not in role.permissions:
            return self.none()
        return self.filter(owner_organization_id=user.organization_id)


class Case(VersionedModel):
    """One case per trafficked person, owned by one organization and shared on need-to-know."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("case number"), max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    track = models.CharField(_("track"), max_length=10, choices=Track.choices, default=Track.ADULT)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.INTAKE,
                             db_index=True)
    owner_organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT,
                                           related_name="cases", verbose_name=_("owner organization"))
    owner_team = models.ForeignKey("partners.Team", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="cases", verbose_name=_("owner team"))
    owner_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="owned_cases", verbose_name=_("caseworker"))
    assigned_workers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_cases",
                                              verbose_name=_("other assigned workers"))
    exploitation_types = models.JSONField(_("exploitation types"), default=list, blank=True)
    setting = models.CharField(_("setting (Polaris typology)"), max_length=40, blank=True)
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    referral_source = models.CharField(_("referral source"), max_length=30, choices=ReferralSource.choices,
                                       default=ReferralSource.OTHER)
    region = models.ForeignKey("partners.Region", on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("region"))
    first_contact_date = models.DateField(_("first contact date"))
    immediate_danger = models.BooleanField(_("immediate danger"), default=False)
    needs_interpreter = models.BooleanField(_("needs interpreter"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    #: The current risk level, the latest ``RiskAssessment`` (denormalised so lists order by it).
    risk_level = models.PositiveSmallIntegerField(_("risk level"), choices=RiskLevel.choices,
                                                  default=RiskLevel.NOT_ASSESSED)

    objects = CaseQuerySet.as_manager()

    # Set by ``selectors.case_rows`` on each row it lists (what the reader sees of it), for the list's
    # templates and API; not fields, and no other Case carries them.
    sections: frozenset[str]
    shows_summary: bool
    shown_person: Person | None
    #: Set by ``selectors.attach_open_flags`` (lists); ``open_flag_list`` reads them otherwise.
    open_flags: list[CaseFlag]

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        indexes = [models.Index(fields=["owner_organization", "stage"]),
                   # The case list's order (``selectors.CASE_ORDERING``): risk, then newest first.
                   models.Index(fields=["-risk_level", "-opened_at", "-id"], name="case_risk_opened"),
                   # The same order within one team's or one worker's cases (the filters "my team's",
                   # "mine", a team or a worker from the home page): read in order, where the order
                   # index alone walks every case of the database past those of others.
                   models.Index(fields=["owner_team", "-risk_level", "-opened_at", "-id"], name="case_team_order"),
                   models.Index(fields=["owner_worker", "-risk_level", "-opened_at", "-id"],
                                name="case_worker_order")]

    def __str__(self) -> str:
        return self.number

    def risk_code(self) -> str:
        return RISK_CODES.get(self.risk_level, "not_assessed")

    def open_flag_list(self) -> list[CaseFlag]:
        """The open flags, in the order of the flag-kind list. A list page sets ``open_flags`` on its
        rows in one query (``selectors.attach_open_flags``); otherwise they are read here."""
        found = getattr(self, "open_flags", None)
        if found is None:
            found = list(CaseFlag.objects.filter(case=self, resolved_at__isnull=True)
                         .defer("reason", "resolution_note"))
            self.open_flags = found
        order = {kind.code: n for n, kind in enumerate(reference.flag_kinds())}
        return sorted(found, key=lambda flag: (order.get(flag.kind, len(order)), flag.pk))

    def flag_codes(self) -> list[str]:
        """The kinds of the open flags (each once): the summary section's ``flags``."""
        codes: list[str] = []
        for flag in self.open_flag_list():
            if flag.kind not in codes:
                codes.append(flag.kind)
        return codes

    @property
    def is_youth(self) -> bool:
        return self.track == Track.YOUTH

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED

    def exploitation_label(self) -> str:
        types = set(self.exploitation_types or [])
        if {"sexual", "labour"} <= types:
            return str(_("Sexual and labour exploitation"))
        return ", ".join(str(ExploitationType(t).label) for t in self.exploitation_types
                         if t in ExploitationType.values)

    def setting_label(self) -> str:
        return reference.label_of(reference.polaris_settings(), self.setting) if self.setting else ""


class CaseNumberCounter(models.Model):
    """The last case number given in a year (``BC-2026-000123``); rows are locked while in use."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"

    @classmethod
    def claim(cls, year: int, count: int = 1) -> int:
        """Take the next ``count`` case numbers of ``year``; returns the first. Call inside a transaction:
        the year's row stays locked until it ends, so no two callers get the same numbers."""
        counter, _created = cls.objects.select_for_update().get_or_create(year=year)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
        return first


# --- Access grants ----------------------------------------------------------------------------

class GrantSource(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    TRANSFER = "transfer", _("Transfer")
    BREAK_GLASS = "break_glass", _("Emergency access")
    POLICE_CONTACT = "police_contact", _("Contact with police")


class CaseAccessGrantQuerySet(models.QuerySet):
    def active(self, at: datetime.datetime | None = None) -> CaseAccessGrantQuerySet:
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))

    def reaching(self, user, scope: Scope | None = None) -> CaseAccessGrantQuerySet:
        """The grants that reach ``user``: those given to them by name, and those given to their
        organization when their role's scope reaches the organization's shared work. A grant is
        intersected with the role's scope (issue 9 #4): an own-scope role (a screener, a police
        liaison) works only on what is theirs by name, so a grant to the whole organization does not
        reach it. ``scope`` is the user's role scope (read from the role when not given). One OR of
        ``reaching_ways``: for the grants of one case or a page of cases."""
        return functools.reduce(operator.or_, self.reaching_ways(user, scope))

    def reaching_ways(self, user, scope: Scope | None = None) -> list[CaseAccessGrantQuerySet]:
        """``reaching`` as one queryset per way a grant reaches ``user``: by name; to the holders of their
        role in their organization (a disclosure to a police service reaches its police liaisons,
        own-scope as they are, and no other role); to the organization's shared work, for a role whose
        scope reaches it. Read as a union of these (``union_all``), each way is one index-only scan of
        a live-grant index on PostgreSQL; as one OR the planner combines the lookups in a bitmap and
        reads every grant's row from the table (30,000 for a shelter at a million cases)."""
        if scope is None:
            role = role_of(user)
            scope = role.scope if role is not None else Scope.OWN
        ways = [self.filter(user_id=user.pk)]
        if role_name := getattr(user, "role", "") or "":
            ways.append(self.filter(organization_id=user.organization_id, role=role_name))
        if scope != Scope.OWN:
            ways.append(self.filter(organization_id=user.organization_id, role=""))
        return ways


def union_all(querysets: list[models.QuerySet]) -> models.QuerySet:
    """``UNION ALL`` of ``querysets`` (the same columns each; duplicates kept): for ``IN`` and ``exists``.
    Their orderings are dropped: a part of a compound statement takes none."""
    first, *rest = [queryset.order_by() for queryset in querysets]
    return first.union(*rest, all=True) if rest else first


class CaseAccessGrant(models.Model):
    """Access to some sections of a case for an organization or a user outside the case's scope.
    Written only through ``services.grant_case_access`` / ``revoke_case_access``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    organization = models.ForeignKey("partners.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="case_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="case_grants")
    sections = models.JSONField(default=list)
    #: With ``organization``: the grant reaches only the holders of this role there ("" for any role
    #: whose scope reaches the organization's shared work).
    role = models.CharField(max_length=40, blank=True, default="")
    source = models.CharField(max_length=20, choices=GrantSource.choices)
    source_id = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CaseAccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["source", "source_id"]),
                   # The grants reaching a reader (``active().reaching``) by name, or through their
                   # organization for all of them or for their role: one index lookup each, not every grant
                   # to the organization. What ``active``, ``_shares`` and the case-id subqueries read is
                   # carried in the index (PostgreSQL's INCLUDE; SQLite builds the index without it), so a
                   # shelter that sent 30,000 referrals is not read row by row from the table for each
                   # page. Revoked grants, kept for the record, stay out of it.
                   models.Index(fields=["organization", "role"], include=["case", "expires_at", "sections"],
                                condition=Q(revoked_at__isnull=True), name="case_grant_live_org_role"),
                   models.Index(fields=["user"], include=["case", "expires_at", "sections"],
                                condition=Q(revoked_at__isnull=True), name="case_grant_live_user")]
        constraints = [models.CheckConstraint(
            condition=Q(organization__isnull=False) | Q(user__isnull=False), name="grant_has_recipient")]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id} → case {self.case_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class EmergencyAccessQuerySet(ScopedQuerySet):
    """Emergency accesses are the auditors' to review: every one for a holder of
    ``audit.review_emergency_access`` with the ``all`` scope, none otherwise (no narrower scope is
    declared, so none is guessed)."""

    view_permission = "audit.review_emergency_access"

    def scope_filter(self, user, scope: Scope) -> Q:
        return Q() if scope == Scope.ALL else Q(pk__in=[])


class EmergencyAccess(models.Model):
    """A coordinator's "break the glass" access to a case outside their scope: a stated reason,
    time-limited, audited, and reviewed afterwards by an auditor."""

    class Review(models.TextChoices):
        JUSTIFIED = "justified", _("Justified")
        NOT_JUSTIFIED = "not_justified", _("Not justified")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emergency_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses")
    reason = EncryptedText(_("reason"))
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    grant = models.OneToOneField(CaseAccessGrant, on_delete=models.PROTECT, related_name="emergency_access")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review = models.CharField(max_length=20, choices=Review.choices, blank=True)
    review_note = EncryptedText(_("review note"), blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"emergency access {self.pk}"


# --- Timeline ---------------------------------------------------------------------------------

class TimelineEntry(models.Model):
    """One event in the life of a case, written only by ``cases.timeline.record``.

    An entry stores its ``kind`` and plain ``params``; its words are rendered when read, in the
    reader's language (``text()``). ``concerns`` and ``restricted`` decide who outside the owning
    circle may read it (``cases.selectors.timeline``). Nothing here holds identifying data.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=40)
    #: The parameters of the kind's message (plain values, or ``[label kind, code]`` pairs). None
    #: only on a row written before parameters were stored, which shows its ``summary`` as it is.
    params = models.JSONField(null=True, blank=True, default=None)
    #: The entry's words in English (the messages' own language, whatever the writer's), for someone
    #: reading the table itself; shown to users only on a row without ``params``.
    summary = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    #: The organization the entry tells of: the receiver of a referral or transfer, the organization
    #: of a disclosure or consent. Someone outside the owning circle reads an entry only when it
    #: concerns nobody or their own organization. PROTECT, not SET_NULL: a deleted organization must
    #: not turn an entry about it into one that every receiver reads.
    concerns = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    #: Only the owning circle reads the entry: a restricted note, sharing with someone off the platform.
    restricted = models.BooleanField(default=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"

    def text(self) -> str:
        """The entry's words in the active language."""
        from .timeline import text_of  # the timeline module builds on these models

        return text_of(self)


# --- Closure ----------------------------------------------------------------------------------

class ClosureOutcome(models.TextChoices):
    GOALS_MET = "goals_met", _("Service plan goals met")
    PERSON_DECLINED = "person_declined", _("Person declined further services")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    MOVED_AWAY = "moved_away", _("Person moved out of the region")
    TRANSFERRED = "transferred", _("Transferred to another organization")
    NOT_TRAFFICKING = "not_trafficking", _("Not a trafficking situation")
    OTHER = "other", _("Other")


class ClosureRequest(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    reason = EncryptedText(_("reason"))
    outcome = models.CharField(_("outcome"), max_length=30, choices=ClosureOutcome.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    previous_stage = models.CharField(max_length=20, choices=Stage.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = EncryptedText(_("comment"), blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"closure request {self.pk} ({self.decision})"


# --- Youth track ------------------------------------------------------------------------------

class Separation(models.TextChoices):
    WITH_FAMILY = "with_family", _("With parent or guardian")
    SEPARATED = "separated", _("Separated (from parents, with another adult)")
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied")
    UNKNOWN = "unknown", _("Unknown")


class ConsentGiver(models.TextChoices):
    YOUTH = "youth", _("The youth")
    GUARDIAN = "guardian", _("A guardian")
    BOTH = "both", _("Both the youth and a guardian")


class YouthProfile(VersionedModel):
    """What the youth track adds to a case (B.C.: under 19)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="youth")
    guardian_name = EncryptedChar(_("guardian or caregiver"), max_length=200, blank=True)
    guardian_relationship = EncryptedChar(_("relationship to the youth"), max_length=80, blank=True)
    guardian_contact = EncryptedChar(_("guardian contact"), max_length=200, blank=True)
    separation = models.CharField(_("separated or unaccompanied"), max_length=20, choices=Separation.choices,
                                  default=Separation.UNKNOWN)
    migrant_services_involved = models.BooleanField(_("MCFD migrant services involved"), default=False)
    consent_given_by = models.CharField(_("whose consent was obtained"), max_length=10,
                                        choices=ConsentGiver.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class ReportOffice(models.TextChoices):
    MCFD_LINE = "mcfd_line", _("MCFD child protection line (1-800-663-9122)")
    MCFD_OFFICE = "mcfd_office", _("MCFD local office")
    INDIGENOUS_AGENCY = "indigenous_agency", _("Indigenous Child and Family Services Agency")
    OTHER = "other", _("Other director's office")


class DutyToReport(models.Model):
    """The report a youth case needs under the Child, Family and Community Service Act s. 14.

    The duty overrides confidentiality: nothing about consent can remove it. Reports are
    append-only — a correction is a further report.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duty_reports")
    reported_by_name = EncryptedChar(_("who reported"), max_length=200)
    reported_at = models.DateTimeField(_("when"))
    office = models.CharField(_("to which office or line"), max_length=30, choices=ReportOffice.choices)
    office_detail = EncryptedChar(_("office details"), max_length=200, blank=True)
    reference = EncryptedChar(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"duty-to-report {self.pk}"


# --- Needs, plan, tasks, notes, safety plan, documents -----------------------------------------

class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class NeedStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    DECLINED = "declined", _("Declined by the person")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Need(VersionedModel):
    """One domain of the needs assessment (domains are data: ``data/needs_domains.yaml``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(max_length=40)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.IDENTIFIED)
    notes = EncryptedText(_("notes"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "domain"], name="need_unique_domain")]

    def domain_label(self) -> str:
        return reference.label_of(reference.needs_domains(), self.domain)


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("No longer pursued")


class Goal(VersionedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    description = EncryptedText(_("goal"))
    status = models.CharField(_("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class PlanAction(VersionedModel):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedText(_("action"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="plan_actions", verbose_name=_("owner"))
    due = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]


class Task(VersionedModel):
    """A follow-up with a due date; "My work" lists mine, my team's and the overdue."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedChar(_("task"), max_length=300)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="case_tasks", verbose_name=_("assigned to"))
    team = models.ForeignKey("partners.Team", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="case_tasks", verbose_name=_("team"))
    due = models.DateField(_("due date"), db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    #: A further section a reader needs open to see this task ("" for none): a justice deadline's task
    #: tells of a permit or a court date, so it is the justice section's as well as the tasks'.
    section = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["due", "id"]
        indexes = [
            # "Has this case an overdue task?" (``selectors.overdue_q``, on every listed case): one probe
            # here. Without it PostgreSQL intersects the case's tasks with every task due before today.
            models.Index(fields=["case", "due"], condition=models.Q(done_at__isnull=True), name="task_open_due"),
        ]

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due < timezone.localdate()


class Sensitivity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    RESTRICTED = "restricted", _("Restricted (owning team only)")


class Note(models.Model):
    """A case note. Restricted notes are readable only by members of the team that owned the case
    when the note was written — never by grant holders, never by other scopes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedText(_("note"))
    sensitivity = models.CharField(_("sensitivity"), max_length=12, choices=Sensitivity.choices,
                                   default=Sensitivity.NORMAL)
    team = models.ForeignKey("partners.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class SafetyPlan(VersionedModel):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="safety_plan")
    risks = EncryptedText(_("risks"), blank=True)
    trusted_contacts = EncryptedText(_("trusted contacts"), blank=True)
    code_words = EncryptedText(_("code words"), blank=True)
    emergency_steps = EncryptedText(_("emergency steps"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Identity document")
    MEDICAL = "medical", _("Medical")
    LEGAL = "legal", _("Legal")
    IMMIGRATION = "immigration", _("Immigration")
    CONSENT_FORM = "consent_form", _("Signed consent form")
    CORRESPONDENCE = "correspondence", _("Correspondence")
    OTHER = "other", _("Other")


class Document(models.Model):
    """An uploaded file. The content is encrypted (``core.crypto``) before it reaches storage; the
    file name is an encrypted field. Downloads go through short-lived signed links."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("type"), max_length=20, choices=DocumentKind.choices)
    filename = EncryptedChar(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"document {self.pk}"


class CaseFlag(VersionedModel):
    """Something a worker must know before contacting or meeting the person ("do not contact at home").

    The kind (``reference.flag_kinds``) belongs to the summary section: a receiver of the summary sees
    it. The reason and the resolution note are free text that can name someone: encrypted, and read
    only by the case's own circle. A flag is reviewed by its ``review_date`` (its ``review_task`` is on
    "My work"); resolving it ends it, and closes the task."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=40)
    reason = EncryptedText(_("reason"))
    review_date = models.DateField(_("review date"))
    review_task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = EncryptedText(_("resolution note"), blank=True)

    # Set by ``selectors.case_flags`` on each row a receiver reads (whether its reason is shown).
    reason_shown: bool

    class Meta:
        ordering = ["raised_at", "id"]
        indexes = [
            # "Which cases have an open flag of this kind?" (the case list's filter) and a case's open flags.
            models.Index(fields=["kind", "case"], condition=models.Q(resolved_at__isnull=True),
                         name="caseflag_open_kind"),
            models.Index(fields=["case"], condition=models.Q(resolved_at__isnull=True), name="caseflag_open_case"),
        ]

    def __str__(self) -> str:
        return f"flag {self.pk} ({self.kind})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def review_due(self) -> bool:
        """Open, and its review date has come."""
        return self.resolved_at is None and self.review_date <= timezone.localdate()

    def kind_label(self) -> str:
        return reference.label_of(reference.flag_kinds(), self.kind)

    def severity(self) -> str:
        kind = reference.flag_kind(self.kind)
        return kind.severity if kind is not None else "warning"


class RiskAssessment(models.Model):
    """One assessment of the risk to the person: the history of ``Case.risk_level`` (append-only).
    The rationale is free text that can name someone: encrypted, read only by the own circle."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    level = models.PositiveSmallIntegerField(_("risk level"), choices=RiskLevel.choices)
    rationale = EncryptedText(_("rationale"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["case", "-assessed_at"], name="risk_case_assessed")]

    def __str__(self) -> str:
        return f"risk {self.pk} ({self.level})"

    def level_code(self) -> str:
        return RISK_CODES.get(self.level, "not_assessed")
# --- Services delivered, follow-ups and the tasks they generate (issue 16) ----------------------

class DeliveryStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    ENDED_EARLY = "ended_early", _("Ended early")
    DECLINED = "declined", _("Declined by the person")
    NOT_PROVIDED = "not_provided", _("Not provided")


#: The statuses a delivery has ended in (an end date goes with them).
DELIVERY_ENDED: frozenset[str] = frozenset({DeliveryStatus.DELIVERED, DeliveryStatus.ENDED_EARLY,
                                            DeliveryStatus.DECLINED, DeliveryStatus.NOT_PROVIDED})


class ServiceDelivery(VersionedModel):
    """A service the person receives: its need domain, its HSDS taxonomy term, who provides it (a
    partner organization or a directory service, exactly one), its dates and status. Recorded by the
    owning circle, or by the referral engine when a referral is accepted (``source_referral``: one
    delivery per referral). ``notes`` is free text that may name someone: encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="service_deliveries")
    domain = models.CharField(_("need domain"), max_length=40, blank=True)
    taxonomy_term = models.ForeignKey("directory.TaxonomyTerm", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("service type (HSDS taxonomy term)"))
    provider_organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+",
                                              verbose_name=_("provider (partner organization)"))
    provider_service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("provider (directory service)"))
    started_on = models.DateField(_("start date"), null=True, blank=True)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PLANNED)
    notes = EncryptedText(_("notes"), blank=True)
    #: The referral this delivery came from (``referrals`` is above ``cases``: a string reference).
    source_referral = models.OneToOneField("referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="service_delivery")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            # Exactly one provider: an organization on the platform or a service of the directory.
            models.CheckConstraint(
                condition=(Q(provider_organization__isnull=False, provider_service__isnull=True)
                           | Q(provider_organization__isnull=True, provider_service__isnull=False)),
                name="service_delivery_one_provider"),
        ]

    def __str__(self) -> str:
        return f"service delivery {self.pk}"

    def domain_label(self) -> str:
        return reference.label_of(reference.needs_domains(), self.domain) if self.domain else ""

    def provider_name(self) -> str:
        provider = self.provider_organization or self.provider_service
        return provider.name if provider is not None else ""

    def term_name(self) -> str:
        return self.taxonomy_term.name if self.taxonomy_term is not None else ""


class FollowUpMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other")


class FollowUpWith(models.TextChoices):
    PERSON = "person", _("The person")
    PROVIDER = "provider", _("A service provider")
    FAMILY = "family", _("Family")
    GUARDIAN = "guardian", _("A guardian or caregiver")
    SUPPORT_PERSON = "support_person", _("A support person")
    INTERPRETER = "interpreter", _("An interpreter")
    OTHER = "other", _("Someone else")


class FollowUp(Interpretation, VersionedModel):
    """A contact with or about the person: when, how, with whom (codes; any name only in the encrypted
    ``with_whom_detail``), and an encrypted note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    contacted_on = models.DateField(_("date"))
    mode = models.CharField(_("how"), max_length=20, choices=FollowUpMode.choices)
    with_whom = models.JSONField(_("with whom"), default=list, blank=True)
    with_whom_detail = EncryptedChar(_("with whom (details)"), max_length=200, blank=True)
    note = EncryptedText(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-contacted_on", "-id"]

    def __str__(self) -> str:
        return f"follow-up {self.pk}"


class FollowUpSchedule(models.Model):
    """A case's follow-up cadence: a follow-up every ``every_days`` days. ``next_task`` is the task of
    the next follow-up (one at a time), made after each recorded follow-up and by the daily job."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="follow_up_schedule")
    every_days = models.PositiveSmallIntegerField(_("follow up every (days)"))
    next_task = models.OneToOneField(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"follow-up cadence of case {self.case_id}"


class PlanActionTask(models.Model):
    """The task a plan action's due date generates: one per action (the one-to-one keeps it so),
    kept in step with the due date and done with the action."""

    action = models.OneToOneField(PlanAction, on_delete=models.CASCADE, related_name="generated_task")
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="plan_action_link")

    def __str__(self) -> str:
        return f"task {self.task_id} of plan action {self.action_id}"
# --- Approvals ----------------------------------------------------------------------------------

class ApprovalSubject(models.TextChoices):
    """What an organization may require a coordinator's approval of (``partners.Organization``)."""

    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
    SERVICE_PLAN = "service_plan", _("Service plan")
    CLOSURE = "closure", _("Closure")


class ApprovalDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    #: The assessment or plan was changed after it was submitted or approved: it needs approval again.
    SUPERSEDED = "superseded", _("Changed since; needs approval again")


class ApprovalRequestQuerySet(models.QuerySet):
    def pending(self) -> ApprovalRequestQuerySet:
        return self.filter(decision=ApprovalDecision.PENDING)


class ApprovalRequest(models.Model):
    """One request for a coordinator's approval of a case's needs assessment, service plan or closure
    (``services.approvals``). A closure's own facts (reason, outcome, the stage to return to) stay on
    its ``ClosureRequest``, the closure detail of this request; the decision is taken here, and the
    engine copies it onto the closure detail in the same transaction for the readers of closures."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approval_requests")
    subject = models.CharField(_("subject"), max_length=20, choices=ApprovalSubject.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(_("decision"), max_length=12, choices=ApprovalDecision.choices,
                                default=ApprovalDecision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    #: The approver's comment: free text that may name someone.
    comment = EncryptedText(_("comment"), blank=True)
    closure = models.OneToOneField(ClosureRequest, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="approval")

    objects = ApprovalRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One request waits at a time for each subject of a case: a second "submit" is refused.
            models.UniqueConstraint(fields=["case", "subject"], condition=Q(decision="pending"),
                                    name="approval_one_pending_per_subject"),
        ]
        indexes = [models.Index(fields=["decision", "requested_at"], name="approval_decision_requested")]

    def __str__(self) -> str:
        return f"approval request {self.pk} ({self.subject}, {self.decision})"


# --- The HTCDS trafficking profile (IOM HTCDS 2.0 vic_ and hte_ fields) ---------------------------

class TraffickingProfile(VersionedModel):
    """What the IOM Human Trafficking Case Data Standard records of the person's trafficking that the
    case lacks elsewhere (``vic_`` fields). Every value is an HTCDS code kept as the standard spells it
    (lists in ``data/htcds_profile.yaml``), so the HTCDS and CTDC exports map one to one. Coded values
    are not identifying and stay clear; the case's own exploitation types, setting and means of control
    are not repeated here (the exports map them: ``docs/casework-htcds.md``)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="trafficking_profile")
    #: vic_TraffickingStatus and vic_TraffickingStatusDecisionMakingOrg.
    trafficking_status = models.CharField(_("trafficking status"), max_length=40, blank=True)
    status_decided_by = models.CharField(_("who decided the status"), max_length=40, blank=True)
    #: vic_MethodOfRecruitment, vic_RecruitmentWebsitesAndApps, vic_ExploitationWebsitesAndApps (codes).
    recruitment_methods = models.JSONField(_("method of recruitment"), default=list, blank=True)
    recruitment_platforms = models.JSONField(_("recruitment websites and apps"), default=list, blank=True)
    exploitation_platforms = models.JSONField(_("exploitation websites and apps"), default=list, blank=True)
    #: vic_ForcedLabourIndustry (an ISIC rev. 4 section) and vic_TypeOfSexExploitation.
    labour_industry = models.CharField(_("forced labour industry"), max_length=60, blank=True)
    sex_exploitation_types = models.JSONField(_("type of sexual exploitation"), default=list, blank=True)
    #: vic_Vulnerabilities, vic_RelationshipToTrafficker, vic_AgeWhenTrafficked.
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    trafficker_relationship = models.CharField(_("relationship to the trafficker"), max_length=20, blank=True)
    age_when_trafficked = models.PositiveSmallIntegerField(_("age when first trafficked"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"trafficking profile {self.pk}"

    @property
    def events(self) -> Any:
        """The case's trafficking events (the profile section lists them with the profile)."""
        return self.case.trafficking_events


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class TraffickingEvent(VersionedModel):
    """A past trafficking event of the person (HTCDS ``hte_``): recruitment, transit or exploitation,
    when (to the day, month or year) and where. The city, the state or province and the description
    are free text that can point at the person: encrypted. The country is an ISO 3166 alpha-2 code."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="trafficking_events")
    type = models.CharField(_("type"), max_length=20)
    #: For a month or a year, the first day of it.
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(_("date precision"), max_length=5, choices=DatePrecision.choices,
                                      default=DatePrecision.DAY)
    city = EncryptedChar(_("city"), max_length=200, blank=True)
    state = EncryptedChar(_("state or province"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    description = EncryptedText(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"trafficking event {self.pk}"

    def date_text(self) -> str:
        """The date as precisely as it is known: 2024-03-15, 2024-03 or 2024."""
        if self.date is None:
            return ""
        if self.date_precision == DatePrecision.YEAR:
            return f"{self.date.year:04d}"
        if self.date_precision == DatePrecision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()
