"""Synthetic demo cases in bulk: ``seed_demo --scale N`` (benchmarks at up to a million cases).

Each batch of ``BATCH`` cases is written in one transaction: the persons (Faker names drawn from
pools made once, encrypted by their own fields, blind-indexed by ``Person.refresh_indexes``), the
cases (numbers from ``CaseNumberCounter``), needs, goals and plan actions, notes, tasks, the youth
rows, closure requests and the timeline entries the services would have written; then the steps
other apps registered (``register_batch_step``: consents and referrals come from
``octip.referrals.bulk_demo``, since ``cases`` imports neither ``consent`` nor ``referrals``).

Resumable: what is done is read from the database (the number of demo cases), and batch ``k`` draws
from its own ``random.Random`` seeded by its first case's position, so a run stopped at any moment
and started again with the same N ends with exactly N cases and no half-written one.

On PostgreSQL the rows go in by ``COPY`` (ids of integer keys drawn from their sequences first, so
the objects know their pks); elsewhere by ``bulk_create``. Every value goes through its field's
``get_db_prep_save``: ciphertext is made exactly as a save would make it. The proportions and their
reasons are in docs/demo-data.md. Only synthetic people, ever.
"""

from __future__ import annotations

import datetime
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from octip.core import audit

from . import models as m
from . import reference
from .search_index import index_persons
from .timeline import Kind, build

SEED = 20070401
#: Cases per transaction: big enough for COPY to pay, small enough that a stop loses little.
BATCH = 1000
#: Rows per INSERT statement where COPY is not used.
INSERT_BATCH = 500
#: The largest N accepted (a typo of a zero too many should not fill the disk).
MAX_SCALE = 5_000_000
#: Names drawn per pool (per locale): plenty of variety, made once (Faker is slow per call).
POOL = 1500

STAGE_WEIGHTS = {"intake": 3, "assessment": 3, "planning": 3, "services": 5, "closure_requested": 1, "closed": 3}
STAGE_ORDER = ["intake", "assessment", "planning", "services", "closure_requested", "closed"]
EXPLOITATION = [(["sexual"], 5), (["labour"], 4), (["sexual", "labour"], 2), (["other"], 1)]
GENDERS = [("woman", 14), ("man", 4), ("trans_woman", 1), ("non_binary", 1), ("unknown", 1)]
CITIZENSHIP = ["CA", "CA", "CA", "MX", "PH", "CN", "VN", "IN", "GT", "UA", "BR"]
LANGUAGES = [["en"], ["fr"], ["es"], ["tl", "en"], ["zh"], ["vi"], ["en"]]
PRONOUNS = ["", "she/her", "he/him", "they/them"]
INDIGENOUS = ["", "", "", "first_nations", "metis", "not_indigenous"]
OTHER_REGIONS = ["vancouver_coastal", "fraser", "interior", "northern", "vancouver_island"]
NOTE_TEXTS = ["Met at the drop-in; talked about safe housing options.", "Phoned to confirm the appointment.",
              "Accompanied to the clinic.", "Discussed the TRP application and what it involves.",
              "Interpreter present; went through the safety plan.", "Follow-up about income assistance.",
              "Checked in by text at the agreed safe time; all well.", "Went through the intake questions again.",
              "Talked about what the person wants from the legal clinic.", "Gave bus tickets and a phone card."]
TASK_TEXTS = ["Call back about housing", "Book an interpreter", "Accompany to legal clinic",
              "Check on CVAP application", "Follow up with shelter intake", "Review safety plan",
              "Book a medical appointment", "Ask about the work permit renewal"]
GOALS = [("Safe, stable housing", ["Apply to second-stage housing", "Visit the housing registry"]),
         ("Legal status", ["Book immigration lawyer", "Gather documents for the TRP"]),
         ("Health", ["Register with a family doctor", "Book a dental check-up"]),
         ("Income", ["Apply for income assistance", "Open a bank account"]),
         ("Safety", ["Change phone number", "Review the safety plan together"])]
CLOSURE_REASON = "Goals of the service plan met."


# --- What a batch is, and the steps other apps add --------------------------------------------

@dataclass
class CasePlan:
    """What was drawn for one case and is needed after it is saved (by later tables and steps)."""

    case: m.Case
    stage: str
    worker: Any
    team: Any
    opened: datetime.datetime


@dataclass
class Batch:
    """One transaction's worth of new cases, as the registered steps see it."""

    index: int
    rng: random.Random
    plans: list[CasePlan]
    creator: Any
    now: datetime.datetime
    today: datetime.date
    #: Rows written, by table label (``cases.note``...), for the summary and the benchmark.
    counts: Counter[str] = field(default_factory=Counter)
    #: Timeline entries to write at the end of the batch (a step adds its own here).
    timeline: list[m.TimelineEntry] = field(default_factory=list)
    #: What a step reads once per run and keeps across its batches (the same dict every batch).
    shared: dict[str, Any] = field(default_factory=dict)

    def entry(self, *, actor: Any, case: m.Case, kind: Kind, params: dict | None = None, concerns: Any = None,
              restricted: bool = False, detail: dict | None = None, at: datetime.datetime) -> None:
        """Add a timeline entry as ``timeline.record`` would write it (checked by ``timeline.build``)."""
        self.timeline.append(_entry(actor=actor, case=case, kind=kind, params=params, concerns=concerns,
                                    restricted=restricted, detail=detail, at=at))


BatchStep = Callable[[Batch], None]
_STEPS: list[BatchStep] = []


def register_batch_step(step: BatchStep) -> None:
    """Run ``step`` in every batch, after the case rows are in and before its timeline is written
    (``referrals`` adds consents and referrals so). Registering the same step twice is harmless."""
    if step not in _STEPS:
        _STEPS.append(step)


_SUMMARIES: dict[tuple, str] = {}


def _entry(*, actor: Any, case: m.Case, kind: Kind, params: dict | None, concerns: Any, restricted: bool,
           detail: dict | None, at: datetime.datetime) -> m.TimelineEntry:
    # ``build`` renders the English summary under a translation override: slow at millions of rows.
    # The first entry of each (kind, parameters) goes through it (so each is checked); the rest reuse
    # its summary and stored parameters.
    key = (kind, repr(sorted((params or {}).items())))
    made = _SUMMARIES.get(key)
    if made is None:
        first = build(actor=actor, case=case, kind=kind, params=params, concerns=concerns, restricted=restricted,
                      detail=detail, at=at)
        if len(_SUMMARIES) < 5000:  # a kind with a date in its parameters would grow it without end
            _SUMMARIES[key] = first.summary
            _PARAMS[key] = first.params
        return first
    return make(m.TimelineEntry, case=case, kind=kind.value, params=_PARAMS[key], summary=made,
                detail=dict(detail or {}), concerns=concerns, restricted=restricted, created_at=at,
                actor=actor if getattr(actor, "pk", None) else None)


_PARAMS: dict[tuple, Any] = {}


# --- Making and writing rows -------------------------------------------------------------------

class _Maker:
    """Builds unsaved instances of one model without ``Model.__init__`` (which costs more than the
    rest of a row at a million cases): defaults once per model (callable ones per instance), then the
    values given. A related object given by name sets its ``_id`` and is cached as ``__init__`` does."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.static: dict[str, Any] = {}
        self.dynamic: list[tuple[str, Any]] = []
        self.related: dict[str, str] = {}
        for f in model._meta.concrete_fields:
            if f.has_default() and callable(f.default):
                self.dynamic.append((f.attname, f))
            else:
                self.static[f.attname] = f.get_default()
            if f.is_relation:
                self.related[f.name] = f.attname

    def __call__(self, **values: Any) -> Any:
        obj = self.model.__new__(self.model)
        state = ModelState()
        obj._state = state
        fields = obj.__dict__
        fields.update(self.static)
        for attname, f in self.dynamic:
            if attname not in values:
                fields[attname] = f.get_default()
        for name, value in values.items():
            attname = self.related.get(name)
            if attname is None:
                fields[name] = value
            else:
                fields[attname] = None if value is None else value.pk
                state.fields_cache[name] = value
        return obj


_MAKERS: dict[type[models.Model], _Maker] = {}


def make(model: type[models.Model], **values: Any) -> Any:
    """An unsaved ``model`` instance with ``values`` (field names, related objects by name), as
    ``model(**values)`` makes it but faster; for ``insert``."""
    maker = _MAKERS.get(model)
    if maker is None:
        maker = _MAKERS[model] = _Maker(model)
    return maker(**values)


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Write ``objs`` (unsaved instances of ``model``) in bulk and give them their pks: ``COPY`` on
    PostgreSQL, ``bulk_create`` elsewhere. Values go through each field's ``get_db_prep_save``
    (encrypted fields encrypt there) after its ``pre_save`` (``auto_now_add``), as a save does."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(list(objs), batch_size=INSERT_BATCH)
        return
    opts = model._meta
    quote = connection.ops.quote_name
    pk = opts.pk
    assert pk is not None
    concrete = list(opts.concrete_fields)
    preps = [_preparer(f, connection) for f in concrete]
    with connection.cursor() as cursor:
        if isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [opts.db_table, pk.column, len(objs)])
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = value
        columns = ", ".join(quote(f.column) for f in concrete)
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                values = obj.__dict__
                copy.write_row([prep(obj) if late else prep(values[attname]) for attname, late, prep in preps])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _preparer(f: Any, connection: Any) -> tuple[str, bool, Callable[[Any], Any]]:
    """How ``COPY`` gets a field's value: ``(attname, needs pre_save, prepare)``. ``get_db_prep_save``
    itself for encrypted fields (it encrypts) and anything unusual; JSON as its text (PostgreSQL parses
    it); plain values as they are (psycopg dumps them). Picked once per table, not per value."""
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return f.attname, True, lambda obj: f.get_db_prep_save(f.pre_save(obj, True), connection)
    if getattr(f, "encrypted", False):
        return f.attname, False, lambda value: f.get_db_prep_save(value, connection)
    if isinstance(f, models.JSONField):
        return f.attname, False, lambda value: None if value is None else json.dumps(value, cls=f.encoder)
    if isinstance(f, models.CharField | models.TextField):
        # A TextChoices member goes in as its value, never as anything psycopg might make of an enum.
        return f.attname, False, _text
    if isinstance(f, models.BooleanField | models.IntegerField | models.DateTimeField | models.DateField
                  | models.UUIDField | models.ForeignKey):
        return f.attname, False, _same
    return f.attname, False, lambda value: f.get_db_prep_save(value, connection)


def _same(value: Any) -> Any:
    return value


def _text(value: Any) -> Any:
    return value if value is None or type(value) is str else str(value)


# --- Pools of synthetic values (made once) ------------------------------------------------------

@dataclass(frozen=True)
class Pools:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]


def make_pools(size: int = POOL) -> Pools:
    """Synthetic names and street addresses, from Faker (en_CA and fr_CA) under a fixed seed."""
    from faker import Faker

    first, last, streets = [], [], []
    for index, locale in enumerate(["en_CA", "fr_CA"]):
        faker = Faker(locale)
        faker.seed_instance(SEED + index)
        first += [faker.first_name() for _ in range(size)]
        last += [faker.last_name() for _ in range(size)]
        streets += [faker.street_address() for _ in range(size // 2)]
    return Pools(tuple(first), tuple(last), tuple(streets))


# --- The run ------------------------------------------------------------------------------------

@dataclass
class Summary:
    created: int
    total: int
    seconds: float
    counts: Counter[str]

    def line(self) -> str:
        c = self.counts
        return (f"Cases: {self.created} new synthetic cases ({self.total} in all) in {self.seconds:.0f} s: "
                f"{c['cases.person']} persons, {c['cases.note']} notes, {c['cases.task']} tasks, "
                f"{c['consent.consent']} consents, {c['referrals.referral']} referrals, "
                f"{sum(c.values())} rows.")


class ScaleError(ValueError):
    """A ``--scale`` that cannot be seeded; nothing was written."""


def check_scale(scale: Any) -> int:
    """``scale`` as a number of cases, or ScaleError saying what is accepted."""
    if isinstance(scale, bool) or not isinstance(scale, int):
        raise ScaleError(f"--scale must be a whole number of cases, not {scale!r}.")
    if scale < 0:
        raise ScaleError("--scale must be 0 or more.")
    if scale > MAX_SCALE:
        raise ScaleError(f"--scale must be at most {MAX_SCALE:,} cases.")
    return scale


@dataclass
class World:
    """The demo organizations, teams, staff and regions cases are drawn among (read once)."""

    weights: dict[Any, int]
    teams: dict[int, list]
    workers: dict[int, list]
    #: Each worker's first team in their organization (or None).
    worker_team: dict[int, Any]
    regions: dict[str, Any]
    creator: Any


def seed_scale(*, target: int, stdout: Any, world: World, demo_cases: Callable[[], models.QuerySet],
               on_batch: Callable[[int], None] | None = None, batch_size: int | None = None) -> Summary | None:
    """Top the demo cases up to ``target`` in batches of ``batch_size``, each in its own transaction,
    with a progress bar and a summary line. ``on_batch(k)`` is called after batch ``k`` is committed.
    Returns None when there was nothing to do."""
    target = check_scale(target)
    batch_size = batch_size or BATCH
    existing = demo_cases().count()
    missing = max(target - existing, 0)
    if missing == 0:
        stdout.write(f"Cases: {existing} demo cases already there; nothing to add.")
        return None
    if existing:
        stdout.write(f"Cases: {existing} demo cases there; resuming, {missing} to add.")
    pools = make_pools()
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    made = 0
    sizes = [min(batch_size, missing - done) for done in range(0, missing, batch_size)]
    workers = _workers(len(sizes)) if on_batch is None else 1
    with _Progress(missing, stdout) as progress:
        if workers == 1:
            shared: dict[str, Any] = {}
            for size in sizes:
                first = existing + made
                with transaction.atomic():
                    _relaxed_commit()
                    batch = _batch(first, size, index=first // batch_size, pools=pools, world=world, shared=shared)
                    audit.record(None, "demo.cases_seeded", None,
                                 detail={"created": size, "total": first + size, "batch": batch.index})
                counts.update(batch.counts)
                made += size
                progress.advance(made, sum(counts.values()))
                if on_batch is not None:
                    on_batch(batch.index)
        else:
            for size, batch_counts in _in_parallel(workers, sizes, pools=pools, world=world):
                counts.update(batch_counts)
                made += size
                progress.advance(made, sum(counts.values()))
    summary = Summary(made, existing + made, time.perf_counter() - started, counts)
    stdout.write(summary.line())
    return summary


#: From how many batches a run on PostgreSQL uses worker processes by default.
PARALLEL_FROM_BATCHES = 20


def _workers(batches: int) -> int:
    """Processes that write batches at once: ``OCTIP_SEED_WORKERS`` if given; else 2 on PostgreSQL for a
    run of ``PARALLEL_FROM_BATCHES`` batches or more (one builds rows while the database takes another's),
    and 1 otherwise. Always 1 on SQLite (one writer at a time) and inside a transaction. A small run
    gains nothing from forking, and a fork from a threaded process (a test's live server) can hang."""
    import os

    connection = connections[router.db_for_write(m.Case)]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside the caller's transaction (a test) the workers could not see its rows: one writer.
        return 1
    if "OCTIP_SEED_WORKERS" in os.environ:
        return max(1, int(os.environ["OCTIP_SEED_WORKERS"]))
    return 2 if batches >= PARALLEL_FROM_BATCHES else 1


#: What a worker process inherits from the parent at the fork (pools, world): never pickled.
_INHERITED: dict[str, Any] = {}


def _in_parallel(workers: int, sizes: list[int], *, pools: Pools, world: World) -> Iterable[tuple[int, Counter]]:
    """Run the batches in ``workers`` forked processes, yielding (cases, row counts) as each commits.

    Each batch first takes its case numbers from ``CaseNumberCounter`` in a short transaction of its
    own (so that the batches do not wait for each other's commit), then writes everything in one
    transaction. Exactly ``sum(sizes)`` cases are written: the parent hands out the batches. A stopped
    batch leaves a gap in the case numbers, never a case. Stop a run with Ctrl-C or ``kill`` (SIGTERM):
    the parent ends its workers, whose open batches roll back."""
    import multiprocessing
    import signal
    import sys

    _INHERITED.update(pools=pools, world=world, shared={})
    connections.close_all()  # each worker opens its own connection after the fork
    previous = signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap_unordered(_worker_batch, sizes)
    finally:
        signal.signal(signal.SIGTERM, previous)
        _INHERITED.clear()


def _worker_batch(size: int) -> tuple[int, Counter]:
    """One batch in a worker process (see ``_in_parallel``)."""
    today = timezone.localdate()
    with transaction.atomic():
        first_number = m.CaseNumberCounter.claim(today.year, size)
    with transaction.atomic():
        _relaxed_commit()
        batch = _batch(first_number, size, index=first_number // size, pools=_INHERITED["pools"],
                       world=_INHERITED["world"], shared=_INHERITED["shared"], first_number=first_number)
        audit.record(None, "demo.cases_seeded", None,
                     detail={"created": size, "first_number": first_number, "workers": "parallel"})
    return size, batch.counts


def _relaxed_commit() -> None:
    """On PostgreSQL, a batch's commit does not wait for its WAL flush: a crash can lose only the last
    batches whole (never part of one), and the run resumes from what the database holds."""
    connection = connections[router.db_for_write(m.Case)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


class _Progress:
    """A rich bar (cases, rows/s, ETA) on a terminal; a plain line every 5% (1%) elsewhere (a log file)."""

    def __init__(self, total: int, stdout: Any) -> None:
        import sys

        self.total, self.stdout, self.started = total, stdout, time.perf_counter()
        self.bar: Any = None
        self.next_line = 0.0
        out = getattr(stdout, "_out", stdout)
        self.live = total > BATCH and getattr(out, "isatty", lambda: False)() and out is sys.stdout

    def __enter__(self) -> _Progress:
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("Synthetic cases"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), transient=True)
            self.task = self.bar.add_task("cases", total=self.total, rate="")
            self.bar.start()
        return self

    def advance(self, done: int, rows: int) -> None:
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        rate = f"{done / elapsed:,.0f} cases/s, {rows / elapsed:,.0f} rows/s"
        if self.bar is not None:
            self.bar.update(self.task, completed=done, rate=rate)
        elif self.total > BATCH and (done / self.total >= self.next_line or done == self.total):
            eta = (self.total - done) / (done / elapsed)
            self.stdout.write(f"Cases: {done}/{self.total} ({done / self.total:.0%}), {rate}, "
                              f"ETA {eta / 60:.1f} min")
            # Every 5%, or every 1% of a long run (a line a minute or so in its log).
            self.next_line = done / self.total + (0.01 if self.total >= 100_000 else 0.05)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def weighted(rng: random.Random, items: Iterable[tuple[Any, int]]) -> Any:
    """One of ``items`` (value, weight) drawn by weight."""
    items = list(items)
    return rng.choices([i for i, _w in items], weights=[w for _i, w in items], k=1)[0]


def _batch(first: int, size: int, *, index: int, pools: Pools, world: World, shared: dict[str, Any],
           first_number: int | None = None) -> Batch:
    """Write ``size`` cases, the ``first``-th demo case onwards, and everything that goes with them.
    The case numbers are taken from the counter here, in the batch's transaction, unless the caller
    took them already (``first_number``: parallel workers; the draw is then seeded by the number)."""
    rng = random.Random(f"{SEED}:{first}" if first_number is None else f"{SEED}:n{first_number}")
    today = timezone.localdate()
    now = timezone.now()
    batch = Batch(index=index, rng=rng, plans=[], creator=world.creator, now=now, today=today,
                  shared=shared)
    if first_number is None:
        first_number = m.CaseNumberCounter.claim(today.year, size)
    settings_codes = [t.code for t in reference.polaris_settings()]
    control_codes = [t.code for t in reference.means_of_control()]
    domains = [t.code for t in reference.needs_domains()]
    from .demo import LABOUR_SETTINGS, SEXUAL_SETTINGS

    persons, cases = [], []
    organizations = list(world.weights.items())
    for i in range(size):
        youth = rng.random() < 0.2
        age = rng.randint(13, 18) if youth else rng.randint(19, 58)
        opened_days_ago = rng.randint(1, 700)
        first_contact = today - datetime.timedelta(days=opened_days_ago + rng.randint(0, 20))
        born = first_contact - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        known_dob = rng.random() < 0.8
        given, family = rng.choice(pools.first_names), rng.choice(pools.last_names)
        person = make(m.Person,
            legal_name=f"{given} {family}", preferred_name=given if rng.random() < 0.5 else "",
            aliases=[rng.choice(pools.first_names)] if rng.random() < 0.2 else [],
            date_of_birth=born if known_dob else None, estimated_age=None if known_dob else age,
            phone=f"604-555-{rng.randint(100, 199):04d}" if rng.random() < 0.7 else "",
            email=f"{given.lower()}.{family.lower()}@example.invalid".replace(" ", "") if rng.random() < 0.3 else "",
            address=rng.choice(pools.streets) if rng.random() < 0.4 else "",
            gender=weighted(rng, GENDERS), citizenship=[rng.choice(CITIZENSHIP)], languages=rng.choice(LANGUAGES),
            interpreter_needed=rng.random() < 0.3, pronouns=rng.choice(PRONOUNS),
            indigenous_identity=rng.choice(INDIGENOUS))
        person.refresh_indexes()
        persons.append(person)
        organization = weighted(rng, organizations)
        org_workers = world.workers.get(organization.pk, [])
        worker = rng.choice(org_workers) if org_workers else None
        team = (world.worker_team.get(worker.pk) if worker else None) or \
            (world.teams.get(organization.pk) or [None])[0]
        stage = weighted(rng, STAGE_WEIGHTS.items())
        exploitation = weighted(rng, EXPLOITATION)
        pool = SEXUAL_SETTINGS if exploitation == ["sexual"] else LABOUR_SETTINGS if exploitation == ["labour"] \
            else settings_codes
        region = organization.region if organization.region.code not in ("province_wide", "national") else \
            world.regions[rng.choice(OTHER_REGIONS)]
        opened = now - datetime.timedelta(days=opened_days_ago)
        case = make(m.Case,
            number=f"BC-{today.year}-{first_number + i:06d}", track="youth" if youth else "adult", stage=stage,
            owner_organization=organization, owner_team=team, owner_worker=worker, exploitation_types=exploitation,
            setting=rng.choice(pool), means_of_control=rng.sample(control_codes, k=rng.randint(1, 4)),
            referral_source=rng.choice(list(m.ReferralSource.values)), region=region,
            first_contact_date=first_contact, immediate_danger=rng.random() < 0.08,
            needs_interpreter=person.interpreter_needed, created_by=world.creator, opened_at=opened,
            closed_at=opened + datetime.timedelta(days=rng.randint(30, 300)) if stage == "closed" else None)
        cases.append(case)
        batch.plans.append(CasePlan(case, stage, worker, team, opened))
    insert(m.Person, persons)
    after_persons_inserted(persons)
    for person, case in zip(persons, cases, strict=True):
        case.person = person
    insert(m.Case, cases)
    batch.counts.update({"cases.person": len(persons), "cases.case": len(cases)})
    _case_rows(batch, domains)
    for step in _STEPS:
        step(batch)
    insert(m.TimelineEntry, batch.timeline)
    batch.counts["cases.timelineentry"] += len(batch.timeline)
    return batch


def after_persons_inserted(persons: Sequence[m.Person]) -> None:
    """The batch's persons now have their pks (the cases are not written yet): COPY and bulk_create
    skip ``Person.save``, so their search tokens are written here, in the batch's transaction."""
    index_persons(persons)


def _case_rows(batch: Batch, domains: list[str]) -> None:
    """Needs, plan, notes, tasks, youth rows and closure requests of the batch, with their timeline."""
    rng, now, today, creator = batch.rng, batch.now, batch.today, batch.creator
    needs, goals, actions, tasks, notes, youth_rows, reports, closures = [], [], [], [], [], [], [], []
    for plan in batch.plans:
        case, stage, worker, team, opened = plan.case, plan.stage, plan.worker, plan.team, plan.opened
        reached = STAGE_ORDER.index(stage)
        batch.entry(actor=creator, case=case, kind=Kind.CASE_OPENED, params={"track": ("track", case.track)},
                    at=opened)
        for step in range(1, min(reached, 4) + 1):
            before, after = STAGE_ORDER[step - 1], STAGE_ORDER[step]
            batch.entry(actor=worker, case=case, kind=Kind.STAGE_CHANGED,
                        params={"from": ("stage", before), "to": ("stage", after)},
                        detail={"from": before, "to": after}, at=opened + datetime.timedelta(days=7 * step))
        if case.track == "youth":
            youth_rows.append(make(m.YouthProfile,
                case=case, separation=rng.choice(list(m.Separation.values)),
                migrant_services_involved=rng.random() < 0.3, consent_given_by=rng.choice(list(m.ConsentGiver.values)),
                guardian_relationship=rng.choice(["", "aunt", "mother", "foster parent"])))
            if reached >= 1 or rng.random() < 0.5:
                reports.append(make(m.DutyToReport,
                    case=case, reported_by_name=worker.full_name if worker else "Demo worker",
                    reported_at=opened + datetime.timedelta(hours=rng.randint(1, 20)), office="mcfd_line",
                    reference=f"DEMO-{rng.randint(10000, 99999)}", recorded_by=worker or creator))
        if reached >= 1:
            for domain in rng.sample(domains, k=rng.randint(2, 6)):
                needs.append(make(m.Need, case=case, domain=domain, priority=rng.choice(list(m.Priority.values)),
                                    status=rng.choice(list(m.NeedStatus.values)), updated_by=worker))
        if reached >= 2:
            for goal_text, goal_actions in rng.sample(GOALS, k=rng.randint(1, 2)):
                at = opened + datetime.timedelta(days=rng.randint(14, 40))
                goal = make(m.Goal, case=case, description=goal_text, created_by=worker, created_at=at,
                              status="achieved" if stage == "closed" else "open")
                goals.append((goal, plan, at))
                for action in goal_actions[:rng.randint(1, 2)]:
                    actions.append(make(m.PlanAction, goal=goal, description=action, owner=worker,
                                                due=at.date() + datetime.timedelta(days=rng.randint(14, 90)),
                                                done_at=at + datetime.timedelta(days=10) if rng.random() < 0.4
                                                else None))
        for _n in range(rng.randint(3, 6)):
            notes.append((make(m.Note, case=case, body=rng.choice(NOTE_TEXTS), author=worker, team=team,
                                 sensitivity="restricted" if rng.random() < 0.15 else "normal",
                                 created_at=min(opened + datetime.timedelta(days=rng.randint(0, 90)), now)), plan))
        if stage != "closed":
            for _t in range(rng.randint(1, 3)):
                due = today + datetime.timedelta(days=rng.randint(-20, 30))
                done = rng.random() < 0.2
                tasks.append((make(m.Task, case=case, title=rng.choice(TASK_TEXTS), due=due, assignee=worker, team=team,
                                     created_by=worker, created_at=min(opened + datetime.timedelta(days=1), now),
                                     done_at=now if done else None, done_by=worker if done else None), plan))
        if stage in ("closure_requested", "closed"):
            closures.append(make(m.ClosureRequest,
                case=case, reason=CLOSURE_REASON, outcome="goals_met", requested_by=worker or creator,
                previous_stage="services", decision="approved" if stage == "closed" else "pending",
                decided_by=creator if stage == "closed" else None, decided_at=case.closed_at,
                comment="Approved." if stage == "closed" else ""))
    insert(m.Need, needs)
    insert(m.Goal, [g for g, _p, _at in goals])
    for action in actions:
        action.goal = action.goal  # the goal has its pk now: this sets goal_id (COPY reads the column)
    insert(m.PlanAction, actions)
    insert(m.Task, [t for t, _p in tasks])
    insert(m.Note, [n for n, _p in notes])
    insert(m.YouthProfile, youth_rows)
    insert(m.DutyToReport, reports)
    insert(m.ClosureRequest, closures)
    for _goal, plan, at in goals:
        batch.entry(actor=plan.worker, case=plan.case, kind=Kind.GOAL_ADDED, at=at)
    for task, plan in tasks:
        batch.entry(actor=plan.worker, case=plan.case, kind=Kind.TASK_ADDED, detail={"task_id": task.pk},
                    at=task.created_at)
    for note, plan in notes:
        restricted = note.sensitivity == "restricted"
        batch.entry(actor=plan.worker, case=plan.case, kind=Kind.NOTE_ADDED,
                    params={"variant": "restricted" if restricted else "normal"}, restricted=restricted,
                    at=note.created_at)
    batch.counts.update({"cases.need": len(needs), "cases.goal": len(goals), "cases.planaction": len(actions),
                         "cases.task": len(tasks), "cases.note": len(notes), "cases.youthprofile": len(youth_rows),
                         "cases.dutytoreport": len(reports), "cases.closurerequest": len(closures)})
