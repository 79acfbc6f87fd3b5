"""Keyset ("seek") pagination for every long list, and counts that stop at a cap.

A page is asked by a *cursor*, never by a page number or an offset: an ``OFFSET 20000`` makes the
database read and throw away 20,000 rows, a cursor makes it start where the last page ended (``WHERE
(opened_at, id) < (…, …)``, an index range). The cursor is opaque to the reader and tamper-evident: it
is signed with ``django.core.signing`` (the site's secret key) and carries the ordering it was made
for, the last (or first) row's ordering values and primary key, and the direction. A cursor that was
altered, forged, made for another list or in an older format raises ``BadCursor``: the faces answer
400 (a form error on a page) and nothing is read.

A cursor says where a page starts, not what may be seen: the queryset given to ``page`` is already
scoped (``visible_to``), so a cursor copied from someone else shows the copier only their own rows.

``capped_count`` counts up to a cap with a ``LIMIT`` subquery ("1,000+ cases") instead of a
``COUNT(*)`` of every matching row.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import BooleanField, Expression, F, Model, Q, QuerySet, Value
from django.utils.translation import gettext_lazy

T = TypeVar("T", bound=Model)

#: Bumped when the payload changes: a cursor of another version is refused, not misread.
VERSION = 1
#: The page sizes the API lists accept (``limit``), and their default.
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
#: Where counts stop on list pages (``capped_count``).
COUNT_CAP = 1000


class BadCursor(ValueError):
    """A cursor that was altered, forged, made for another list, or is not a cursor at all."""


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """One page of rows, and the cursors of the pages beside it (None when there is none)."""

    rows: list[T]
    next_cursor: str | None
    prev_cursor: str | None
    #: Whether rows follow this page (in the order of the list).
    has_more: bool
    #: Whether this page was asked by a cursor (it is not the first page).
    after_cursor: bool = False
    ordering: tuple[str, ...] = field(default=())


def _encode(value: Any) -> list[Any]:
    # JSON carries no dates or UUIDs: each value travels with its type, so that it compares right.
    if isinstance(value, datetime.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, datetime.date):
        return ["d", value.isoformat()]
    if isinstance(value, uuid.UUID):
        return ["u", str(value)]
    if isinstance(value, bool) or value is None:
        raise TypeError("keyset ordering values must not be booleans or empty")
    if isinstance(value, int | str):
        return ["v", value]
    raise TypeError(f"keyset ordering value of type {type(value).__name__}")


def _decode(item: Any) -> Any:
    if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
        raise BadCursor("malformed cursor value")
    kind, raw = item
    try:
        if kind == "dt":
            return datetime.datetime.fromisoformat(raw)
        if kind == "d":
            return datetime.date.fromisoformat(raw)
        if kind == "u":
            return uuid.UUID(raw)
    except (TypeError, ValueError) as bad:
        raise BadCursor("malformed cursor value") from bad
    if kind == "v" and isinstance(raw, int | str) and not isinstance(raw, bool):
        return raw
    raise BadCursor("malformed cursor value")


def _salt(name: str) -> str:
    return f"octip.keyset.{name}"


def make_cursor(name: str, ordering: Sequence[str], row: Model, direction: str) -> str:
    """A signed cursor pointing just past ``row`` (``direction`` "n") or just before it ("p")."""
    values = [_encode(_value(row, f)) for f in ordering]
    payload = {"v": VERSION, "o": list(ordering), "k": values, "d": direction}
    return signing.dumps(payload, salt=_salt(name), compress=True)


def read_cursor(name: str, ordering: Sequence[str], cursor: str) -> tuple[list[Any], str]:
    """The ordering values and direction a cursor carries; ``BadCursor`` if it is not one of ours for
    this list and ordering."""
    if not isinstance(cursor, str) or not cursor or len(cursor) > 2000:
        raise BadCursor("not a cursor")
    try:
        payload = signing.loads(cursor, salt=_salt(name))
    except (signing.BadSignature, ValueError, UnicodeError) as bad:
        raise BadCursor("cursor signature does not match") from bad
    if (not isinstance(payload, dict) or payload.get("v") != VERSION or payload.get("o") != list(ordering)
            or payload.get("d") not in ("n", "p") or not isinstance(payload.get("k"), list)
            or len(payload["k"]) != len(ordering)):
        raise BadCursor("cursor made for another list or version")
    return [_decode(item) for item in payload["k"]], payload["d"]


def _name(spec: str) -> str:
    return spec.lstrip("-")


def _value(row: Model, spec: str) -> Any:
    return getattr(row, _name(spec))


def _reverse(spec: str) -> str:
    return spec[1:] if spec.startswith("-") else f"-{spec}"


class RowAfter(Expression):
    """``(a, b, c) < (x, y, z)`` (``>`` when ascending): rows strictly after a row in an ordering whose
    columns all go one way. The database reads it as one range of an index in that order, where the
    equivalent OR of column comparisons bounds only the first column: a deep page of a million cases
    walked half of them (1 s) to start, an export of 18,000 rows walked again for each batch."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, columns: Sequence[Any], values: Sequence[Any], *, descending: bool) -> None:
        super().__init__()
        self.columns, self.values, self.descending = list(columns), list(values), descending

    def get_source_expressions(self) -> list[Any]:
        return [*self.columns, *self.values]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        n = len(self.columns)
        self.columns, self.values = list(exprs[:n]), list(exprs[n:])

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        left: list[str] = []
        right: list[str] = []
        params: list[Any] = []
        for side, exprs in ((left, self.columns), (right, self.values)):
            for expr in exprs:
                sql, expr_params = compiler.compile(expr)
                side.append(sql)
                params.extend(expr_params)
        return f"(({', '.join(left)}) {'<' if self.descending else '>'} ({', '.join(right)}))", tuple(params)


def _output_field(queryset: QuerySet[Any], name: str) -> Any:
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    return queryset.model._meta.pk if name == "pk" else queryset.model._meta.get_field(name)


def _beyond(queryset: QuerySet[Any], ordering: Sequence[str], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in ``ordering``: (a, b) after (x, y) ⇔ a ≷ x, or a = x and b ≷ y.

    When every column goes the same way (and none of the values is NULL), as one row comparison
    (``RowAfter``): an index range. Otherwise (or for a column of a related model) as the OR, whose first
    column also gets a plain ``≤``/``≥`` bound, so that the database can walk its index on that column."""
    names = [_name(spec) for spec in ordering]
    if (len({spec.startswith("-") for spec in ordering}) == 1 and all(v is not None for v in values)
            and not any("__" in n for n in names)):
        typed = [Value(v, output_field=_output_field(queryset, n)) for n, v in zip(names, values, strict=True)]
        return Q(RowAfter([F(n) for n in names], typed, descending=ordering[0].startswith("-")))
    out = Q(pk__in=[])
    equal = Q()
    for spec, value in zip(ordering, values, strict=True):
        lookup = "lt" if spec.startswith("-") else "gt"
        out |= equal & Q(**{f"{_name(spec)}__{lookup}": value})
        equal &= Q(**{_name(spec): value})
    first = ordering[0]
    bound = Q(**{f"{_name(first)}__{'lte' if first.startswith('-') else 'gte'}": values[0]})
    return bound & out


def page(queryset: QuerySet[T], *, name: str, ordering: Sequence[str] = ("-opened_at", "-pk"),
         cursor: str | None = None, size: int = 25) -> KeysetPage[T]:
    """One page of ``queryset`` in ``ordering`` (its last item must be unique: ``pk``), starting at
    ``cursor`` (None: the first page). ``size + 1`` rows are fetched to know whether more follow.
    ``name`` names the list: a cursor of one list is refused by another. Raises ``BadCursor``."""
    ordering = tuple(ordering)
    if not ordering or _name(ordering[-1]) not in ("pk", "id"):
        raise ValueError("a keyset ordering must end with the primary key")
    size = max(1, size)
    direction = "n"
    rows_qs = queryset
    if cursor:
        values, direction = read_cursor(name, ordering, cursor)
        if direction == "n":
            rows_qs = rows_qs.filter(_beyond(queryset, ordering, values))
        else:
            rows_qs = rows_qs.filter(_beyond(queryset, tuple(_reverse(s) for s in ordering), values))
    walk = ordering if direction == "n" else tuple(_reverse(s) for s in ordering)
    fetched = list(rows_qs.order_by(*walk)[:size + 1])
    more_that_way = len(fetched) > size
    rows = fetched[:size]
    if direction == "p":
        rows.reverse()
        has_more = True  # the page we came back from follows
        has_before = more_that_way
    else:
        has_more = more_that_way
        has_before = bool(cursor)
    next_cursor = make_cursor(name, ordering, rows[-1], "n") if rows and has_more else None
    prev_cursor = make_cursor(name, ordering, rows[0], "p") if rows and has_before else None
    return KeysetPage(rows=rows, next_cursor=next_cursor, prev_cursor=prev_cursor, has_more=has_more,
                      after_cursor=bool(cursor), ordering=ordering)


def iterate(queryset: QuerySet[T], *, ordering: Sequence[str] = ("-opened_at", "-pk"),
            batch: int = 500) -> Any:
    """Every row of ``queryset`` in ``ordering``, fetched ``batch`` rows at a time by keyset (an export:
    memory stays flat, no offsets). Yields lists of rows (one batch each)."""
    ordering = tuple(ordering)
    last: list[Any] | None = None
    while True:
        qs = queryset if last is None else queryset.filter(_beyond(queryset, ordering, last))
        rows = list(qs.order_by(*ordering)[:batch])
        if not rows:
            return
        yield rows
        if len(rows) < batch:
            return
        last = [_value(rows[-1], s) for s in ordering]


@dataclass(frozen=True)
class CappedCount:
    """How many rows, counted up to ``cap``: ``more`` when there are more than ``cap``."""

    count: int
    cap: int

    @property
    def more(self) -> bool:
        return self.count > self.cap

    @property
    def shown(self) -> int:
        return min(self.count, self.cap)

    def as_detail(self) -> dict[str, Any]:
        """For an audit record: the count, and whether it stopped at the cap."""
        return {"count": self.shown, "count_capped": self.more}


def capped_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> CappedCount:
    """``SELECT COUNT(*) FROM (… LIMIT cap + 1)``: the count up to ``cap`` without reading every row."""
    return CappedCount(count=queryset.order_by().values("pk")[:cap + 1].count(), cap=cap)


def clamp_limit(limit: int | None) -> int:
    """An API ``limit`` within 1..``MAX_LIMIT`` (``DEFAULT_LIMIT`` when not given)."""
    if limit is None:
        return DEFAULT_LIMIT
    return max(1, min(int(limit), MAX_LIMIT))


# --- The API's convention ---------------------------------------------------------------------

#: The headers an API list answers with; the body stays a plain list, as before cursors.
NEXT_HEADER = "X-Next-Cursor"
PREV_HEADER = "X-Prev-Cursor"


#: What a page of the app says to a page link (``?cursor=``) that is not valid.
BAD_CURSOR = gettext_lazy("This page link is not valid (it was changed, or is from an older version): "
                          "start again from the first page.")


def bad_cursor_error() -> Any:
    """The 400 an API answers to a bad cursor (a ``ValidationError`` naming ``cursor``)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    return ValidationError({"cursor": [_("This cursor is not valid for this list: start again from the first page.")]})


def set_headers(request: Any, response: Any, result: KeysetPage[Any]) -> None:
    """``X-Next-Cursor`` / ``X-Prev-Cursor`` on ``response``, and for a GET an RFC 8288 ``Link`` header
    (``rel="next"``, ``rel="prev"``) to the same address with the cursor in place."""
    links = []
    for header, rel, value in ((NEXT_HEADER, "next", result.next_cursor), (PREV_HEADER, "prev", result.prev_cursor)):
        if value:
            response[header] = value
            if request.method == "GET":
                query = request.GET.copy()
                query["cursor"] = value
                query.pop("offset", None)
                links.append(f'<{request.path}?{query.urlencode()}>; rel="{rel}"')
    if links:
        response["Link"] = ", ".join(links)


def api_page(queryset: QuerySet[T], *, request: Any, response: Any, name: str, cursor: str = "",
             limit: int | None = None, ordering: Sequence[str] = ("-opened_at", "-pk")) -> list[T]:
    """The rows of one page of an API list: ``limit`` rows (1..``MAX_LIMIT``) from ``cursor``, the
    cursors in the headers (``set_headers``); the body stays a plain list. A bad cursor is a 400 naming
    ``cursor``, and nothing is read."""
    try:
        result = page(queryset, name=name, ordering=ordering, cursor=cursor or None, size=clamp_limit(limit))
    except BadCursor as bad:
        raise bad_cursor_error() from bad
    set_headers(request, response, result)
    return result.rows
