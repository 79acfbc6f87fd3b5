"""The names a person is found by move from two space-separated columns (``other_names_index``,
``name_phonetic``, matched with ``LIKE '%…%'``) to rows of ``PersonSearchToken`` (one btree lookup).

The rows are made from the stored blind indexes, nothing is decrypted: kind "name" is the legal
name's ``name_index`` and every index of ``other_names_index``; kind "phonetic" every index of
``name_phonetic``; all under the person's ``index_key_id``. Persons are walked by primary key in
batches (a million persons is a few minutes), with progress on stdout. The unique index is made after
the rows are in (faster than keeping it up row by row).
"""

import sys

import django.db.models.deletion
from django.db import migrations, models

BATCH = 10_000
INSERT_BATCH = 5_000


def _progress(done, total):
    sys.stdout.write(f"\n  search tokens: {done}/{total}")
    sys.stdout.flush()


def tokens_from_columns(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    Token = apps.get_model("cases", "PersonSearchToken")
    db = schema_editor.connection.alias
    persons = Person._base_manager.using(db)
    total = persons.count()
    done = last_pk = 0
    while True:
        batch = list(persons.filter(pk__gt=last_pk).order_by("pk").values_list(
            "pk", "index_key_id", "name_index", "other_names_index", "name_phonetic")[:BATCH])
        if not batch:
            break
        rows = []
        for pk, key_id, legal, others, phonetic in batch:
            for token in sorted({legal, *others.split()} - {""}):
                rows.append(Token(person_id=pk, kind="name", key_id=key_id, token=token))
            for token in sorted(set(phonetic.split())):
                rows.append(Token(person_id=pk, kind="phonetic", key_id=key_id, token=token))
        Token.objects.using(db).bulk_create(rows, batch_size=INSERT_BATCH)
        done += len(batch)
        last_pk = batch[-1][0]
        _progress(done, total)


def analyze(apps, schema_editor):
    # Fresh statistics for the planner: the table went from empty to millions of rows in one go.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE cases_personsearchtoken")


def columns_from_tokens(apps, schema_editor):
    """Back to the two columns. The legal name's own index is not repeated among the other names (a
    preferred name equal to the legal name was, before): a search finds the same persons either way."""
    Person = apps.get_model("cases", "Person")
    Token = apps.get_model("cases", "PersonSearchToken")
    db = schema_editor.connection.alias
    persons = Person._base_manager.using(db)
    total = persons.count()
    done = last_pk = 0
    while True:
        batch = list(persons.filter(pk__gt=last_pk).order_by("pk").only("pk", "name_index")[:BATCH])
        if not batch:
            break
        found: dict[int, dict[str, set[str]]] = {p.pk: {"name": set(), "phonetic": set()} for p in batch}
        for person_id, kind, token in Token.objects.using(db).filter(
                person_id__in=list(found)).values_list("person_id", "kind", "token"):
            found[person_id][kind].add(token)
        for person in batch:
            person.other_names_index = " ".join(sorted(found[person.pk]["name"] - {person.name_index}))
            person.name_phonetic = " ".join(sorted(found[person.pk]["phonetic"]))
        Person._base_manager.using(db).bulk_update(batch, ["other_names_index", "name_phonetic"],
                                                   batch_size=INSERT_BATCH)
        done += len(batch)
        last_pk = batch[-1].pk
        _progress(done, total)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_task_section"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonSearchToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("name", "name"), ("phonetic", "sounds like")], max_length=10)),
                ("key_id", models.CharField(max_length=32)),
                ("token", models.CharField(max_length=64)),
                ("person", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             related_name="search_tokens", to="cases.person")),
            ],
        ),
        migrations.RunPython(tokens_from_columns, columns_from_tokens, elidable=False),
        migrations.AddConstraint(
            model_name="personsearchtoken",
            constraint=models.UniqueConstraint(fields=("kind", "key_id", "token", "person"),
                                               name="person_search_token_unique"),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="person", name="other_names_index"),
        migrations.RemoveField(model_name="person", name="name_phonetic"),
    ]
