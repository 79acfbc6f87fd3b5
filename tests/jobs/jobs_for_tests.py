"""Jobs that exist only for the tests of the queue (a job's path must be importable by the worker)."""

from __future__ import annotations

from django_tasks import task


class SyntheticFault(Exception):
    pass


@task()
def always_fails(number: str) -> None:
    raise SyntheticFault(f"synthetic fault for {number}")
