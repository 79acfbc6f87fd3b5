"""Demo data: synthetic cases across organizations, idempotent, and a database dump shows none of
the seeded names."""

from __future__ import annotations

import io

from django.db import connection

from octip.cases import demo
from octip.cases import models as m
from octip.partners import demo as partners_demo


def _dump() -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            chunks.append(repr(cursor.fetchall()))
    return "\n".join(chunks)


def test_seed_is_idempotent_and_dump_holds_no_names(db):
    out = io.StringIO()
    partners_demo.seed(scale=None, stdout=out)
    demo.seed(scale=60, stdout=out)
    assert m.Case.objects.count() == 60
    assert {c.track for c in m.Case.objects.all()} == {"adult", "youth"}
    assert m.Case.objects.values("owner_organization").distinct().count() >= 4
    assert m.Task.objects.filter(done_at__isnull=True, due__lt=m.timezone.localdate()).exists()
    assert m.Note.objects.filter(sensitivity="restricted").exists()
    demo.seed(scale=60, stdout=out)
    assert m.Case.objects.count() == 60  # nothing new the second time
    names = [p.legal_name for p in m.Person.objects.all()]
    dump = _dump()
    assert "enc1:" in dump
    leaked = [n for n in names if n in dump or n.split()[-1] in dump.split("'")]
    assert not leaked, leaked[:5]


def test_youth_demo_cases_past_intake_have_their_report(db):
    out = io.StringIO()
    partners_demo.seed(scale=None, stdout=out)
    demo.seed(scale=80, stdout=out)
    youth = m.Case.objects.filter(track="youth").exclude(stage="intake")
    assert youth.exists()
    assert not youth.filter(duty_reports__isnull=True).exists()
