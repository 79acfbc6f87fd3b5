"""Writes of the stats app: a release, and the privacy-budget spends it makes.

``create_release`` checks everything first — permission, parameters, the output folder, the
budget — and refuses with a ``ValidationError`` (or ``AccessDenied``) before anything is written.
Then it computes from one extract, writes every file into a fresh folder beside the target, and
moves that folder into place only once the release row, the ledger and the audit event are written
in the same transaction. A failure on the way removes the folder: a refused or failed release
leaves nothing behind.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import importlib.metadata
import json
import math
import platform
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from octip.core import audit
from octip.core.access import Actor, require
from octip.core.csv_safety import neutralise
from octip.core.private_files import PRIVATE_FILE, file_sha256

from . import ctdc, disclosure, dp, htcds
from .extract import Extract
from .models import BudgetSpend, Release, ReleaseKind
from .tables import SPECS, Figures, Filters, Spec, compute, left_out_count

DATASET = "cases"
MANIFEST = "manifest.json"
SOFTWARE = ["Django", "duckdb", "numpy", "opendp", "openpyxl", "matplotlib", "reportlab"]
FIRST_YEAR = 2000


@dataclass(frozen=True)
class ReleaseRequest:
    kind: str
    period: int
    k: int
    epsilon: float | None
    delta: float | None
    out: Path | None


def remaining_budget(year: int, dataset: str = DATASET) -> float:
    spent = BudgetSpend.objects.filter(dataset=dataset, year=year).aggregate(total=Sum("epsilon"))["total"] or 0.0
    return max(float(settings.OCTIP_STATS_EPSILON_BUDGET) - float(spent), 0.0)


def validate_request(*, kind: Any, period: Any, k: Any = None, epsilon: Any = None, delta: Any = None,
                     out: Any = None) -> ReleaseRequest:
    """Parameters into values, or a ``ValidationError`` naming each bad one."""
    errors: dict[str, str] = {}
    if kind not in ReleaseKind.values:
        errors["kind"] = _("Unknown kind of release %(kind)s: choose ctdc, htcds, aggregate or annual.") % {
            "kind": kind}
    this_year = timezone.localdate().year
    try:
        year = int(period)
        if isinstance(period, bool) or str(period).strip() != str(year):
            raise ValueError
    except (TypeError, ValueError):
        errors["period"] = _("The period is a year, such as %(year)s.") % {"year": this_year - 1}
        year = 0
    else:
        if year > this_year:
            errors["period"] = _("The period %(year)s is in the future.") % {"year": year}
        elif year < FIRST_YEAR:
            errors["period"] = _("The period must be %(first)s or later.") % {"first": FIRST_YEAR}
    if k is None:
        k = settings.OCTIP_STATS_K
    try:
        k = disclosure.validate_k(int(k) if not isinstance(k, bool) and str(k).lstrip("-").isdigit() else k)
    except disclosure.DisclosureError:
        errors["k"] = _("k must be a whole number of at least 2.")
    else:
        # The office sets the floor (OCTIP_STATS_MIN_K), not the caller: a release may be stricter, never looser.
        if k < settings.OCTIP_STATS_MIN_K:
            errors["k"] = _("k must be at least %(floor)s, the office's threshold.") % {
                "floor": settings.OCTIP_STATS_MIN_K}
    eps: float | None = None
    if epsilon is not None and epsilon != "":
        try:
            eps = float(epsilon)
        except (TypeError, ValueError):
            eps = None
            errors["epsilon"] = _("ε must be a number greater than 0.")
        else:
            if not (eps > 0 and math.isfinite(eps)):
                errors["epsilon"] = _("ε must be a number greater than 0.")
            elif kind == ReleaseKind.CTDC:
                errors["epsilon"] = _("The ctdc release is k-anonymized; ε applies to aggregate and annual releases.")
            elif kind == ReleaseKind.HTCDS:
                errors["epsilon"] = _("The htcds release is k-anonymized; ε applies to aggregate and annual "
                                      "releases.")
    dlt: float | None = None
    if delta is not None and delta != "":
        try:
            dlt = float(delta)
            if not (0 <= dlt < 1):
                raise ValueError
        except (TypeError, ValueError):
            errors["delta"] = _("δ must be a number from 0 up to 1.")
    target: Path | None = None
    if out is not None and str(out) != "":
        target = Path(out)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            errors["out"] = _("The output folder %(out)s already holds files: choose a new or empty folder.") % {
                "out": target}
        elif not target.exists() and not target.parent.is_dir():
            errors["out"] = _("The folder %(parent)s does not exist.") % {"parent": target.parent}
    if errors:
        raise ValidationError(errors)
    return ReleaseRequest(kind=str(kind), period=year, k=int(k), epsilon=eps, delta=dlt, out=target)


def _software() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in SOFTWARE:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        versions["octip"] = importlib.metadata.version("octip")
    except importlib.metadata.PackageNotFoundError:
        versions["octip"] = "unknown"
    return versions



def dp_specs() -> list[Spec]:
    """The tables a differentially private release holds: those whose per-person contribution is
    bounded in the extract (cases and needs). Contacts and referrals are left out of it."""
    return [spec for spec in SPECS if spec.sensitivity is not None]


def figures_for_release(extract: Extract, req: ReleaseRequest, rng: np.random.Generator) -> tuple[Figures, dict]:
    """The controlled figures of an aggregate or annual release, with DP when ε is asked."""
    filters = Filters(year=req.period, region="", consented_only=True)
    dp_detail: dict[str, Any] = {}
    if req.epsilon is None:
        figures = compute(extract, filters, k=req.k, rng=rng, controlled=True)
    else:
        specs = dp_specs()
        share = req.epsilon / len(specs)
        spends: dict[str, float] = {}
        scales: dict[str, float] = {}

        def noisy(spec: Spec, counts: np.ndarray) -> np.ndarray:
            assert spec.sensitivity is not None
            result = dp.noisy_counts(counts, sensitivity=spec.sensitivity(), epsilon=share)
            spends[spec.key] = result.epsilon
            scales[spec.key] = result.scale
            return result.counts

        figures = compute(extract, filters, k=req.k, rng=rng, controlled=True, specs=specs, noisy=noisy)
        for table in figures.tables:
            half = dp.half_width_95(scales[table.key])
            for row in table.entries:
                for j, value in enumerate(row):
                    if isinstance(value, int) and value > 0 and 2 * half > value:
                        row[j] = disclosure.UNRELIABLE
        # The medians are not differentially private: a DP release leaves them out.
        figures.medians = dict.fromkeys(figures.medians, disclosure.NOT_AVAILABLE)
        dp_detail = {"mechanism": "OpenDP make_laplace (discrete Laplace) over each table's counts, L1 distance",
                     "epsilon_per_table": spends, "noise_scale_per_table": scales}
    figures.dp = dp_detail
    exact_left_out = left_out_count(extract, filters)
    figures.left_out = disclosure.control_counts([exact_left_out], labels=["left out"], k=req.k,
                                                 rng=rng).entries[0][0]
    return figures, dp_detail


def _write_table_csv(table: disclosure.ControlledTable, path: Path, reference: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(v) for v in [f"{table.title} (release {reference})"]])
        for row in table.rows():
            writer.writerow([neutralise(v) for v in row])


def _write_aggregate(figures: Figures, folder: Path, reference: str) -> int:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    first = workbook.active
    if first is not None:
        workbook.remove(first)
    rows = 0
    for table in figures.tables:
        _write_table_csv(table, folder / f"{table.key}.csv", reference)
        sheet = workbook.create_sheet(table.key[:31])
        sheet.append([f"{table.title} (release {reference})"])
        for row in table.rows():
            sheet.append([v if not v.isdigit() else int(v) for v in row])
            rows += 1
    medians = workbook.create_sheet("medians")
    medians.append([f"Medians (release {reference})"])
    with (folder / "medians.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["figure", "median"])
        for key, value in figures.medians.items():
            writer.writerow([key, value])
            medians.append([key, value])
    workbook.save(folder / "tables.xlsx")
    return rows


def _write_ctdc(extract: Extract, req: ReleaseRequest, folder: Path) -> tuple[int, dict]:
    counts = ctdc.build(extract, k=req.k)
    ctdc.write_csv(extract, folder / "ctdc.csv")
    return counts["rows_out"], counts


def _write_htcds(extract: Extract, req: ReleaseRequest, folder: Path) -> tuple[int, dict]:
    counts = htcds.build(extract, k=req.k)
    htcds.write_csv(extract, folder)
    return counts["persons"]["rows_out"], counts


def produce(extract: Extract, req: ReleaseRequest, rng: np.random.Generator, folder: Path,
            reference: str) -> tuple[int, dict[str, Any], dict[str, Any], int]:
    """Compute a release from ``extract`` and write its files (all but the manifest) into ``folder``:
    (row count, suppression counts, DP details, cases left out). The benchmark times this."""
    with translation.override("en"):
        suppression: dict[str, Any] = {}
        dp_detail: dict[str, Any] = {}
        if req.kind == ReleaseKind.CTDC:
            row_count, suppression = _write_ctdc(extract, req, folder)
            left_out = left_out_count(extract, Filters(year=req.period))
        elif req.kind == ReleaseKind.HTCDS:
            row_count, suppression = _write_htcds(extract, req, folder)
            left_out = left_out_count(extract, Filters(year=req.period))
        else:
            figures, dp_detail = figures_for_release(extract, req, rng)
            left_out = left_out_count(extract, Filters(year=req.period))
            suppression = {"cells_suppressed": figures.suppressed,
                           "primary": sum(t.primary for t in figures.tables),
                           "complementary": sum(t.complementary for t in figures.tables),
                           "per_table": {t.key: t.suppressed for t in figures.tables}}
            row_count = _write_aggregate(figures, folder, reference)
            if req.kind == ReleaseKind.ANNUAL:
                from .annual import write_pdf

                write_pdf(figures, folder / "annual_report.pdf", reference=reference)
    return row_count, suppression, dp_detail, left_out


def files_of(folder: Path) -> list[dict[str, Any]]:
    return [{"name": p.name, "sha256": file_sha256(p), "size": p.stat().st_size}
            for p in sorted(folder.iterdir()) if p.is_file()]


def _lock_budget(dataset: str, year: int) -> None:
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"octip.stats.budget|{dataset}|{year}".encode()).digest()[:8], "big",
                             signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    list(BudgetSpend.objects.select_for_update().filter(dataset=dataset, year=year))


def create_release(*, actor: Actor, kind: Any, period: Any, k: Any = None, epsilon: Any = None,
                   delta: Any = None, out: Any = None, at: datetime.datetime | None = None) -> Release:
    """Make one release. Refusals (``AccessDenied``, ``ValidationError``) write nothing."""
    require(actor, "stats.release")
    req = validate_request(kind=kind, period=period, k=k, epsilon=epsilon, delta=delta, out=out)
    release_id = uuid.uuid4()
    reference = f"OCTIP-{req.period}-{req.kind.upper()}-{release_id.hex[:8].upper()}"
    target = req.out or Path(settings.OCTIP_STATS_RELEASE_DIR) / str(release_id)
    from .selectors import build_extract

    with transaction.atomic():
        if req.epsilon is not None:
            # One lock per dataset-year, held to the end of the transaction, so two releases cannot both
            # fit — even the first of a year, when there is no ledger row yet to lock. (SQLite lets one
            # writer at a time: the second release's write fails on its stale snapshot.)
            _lock_budget(DATASET, req.period)
            left = remaining_budget(req.period)
            if req.epsilon > left + 1e-12:
                raise ValidationError({"epsilon": _(
                    "Over budget: ε %(asked)s asked, but only ε %(left)s of %(total)s remains for %(dataset)s "
                    "in %(year)s. Nothing was released.") % {
                    "asked": f"{req.epsilon:g}", "left": f"{left:g}",
                    "total": f"{settings.OCTIP_STATS_EPSILON_BUDGET:g}", "dataset": DATASET, "year": req.period}})
        seed = disclosure.new_seed()
        rng = np.random.default_rng(seed)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".release-", dir=target.parent))
        try:
            with build_extract(actor=actor, year=req.period, at=at) as extract:
                row_count, suppression, dp_detail, left_out = produce(extract, req, rng, staging, reference)
            # How many cases were left out is itself a count: it leaves controlled like any other.
            shown_left_out = disclosure.control_counts([left_out], labels=["left out"], k=req.k, rng=rng).entries[0][0]
            suppression = {**suppression, "left_out_shown": shown_left_out}
            files = files_of(staging)
            software = _software()
            parameters = {"kind": req.kind, "period": req.period, "k": req.k, "epsilon": req.epsilon,
                          "delta": req.delta, "rounding_base": disclosure.ROUNDING_BASE,
                          "consent": "deidentified_statistics active at release time"}
            manifest = {
                "release_id": str(release_id), "reference": reference, "kind": req.kind, "period": req.period,
                "created_at": timezone.now().isoformat(), "parameters": parameters, "k": req.k,
                # The seed stays on the Release row: published, it would let a reader retrace the random
                # rounding and narrow the true counts. The manifest commits to it by its hash.
                "rounding_seed_sha256": hashlib.sha256(str(seed).encode()).hexdigest(),
                "epsilon": req.epsilon, "delta": req.delta,
                "differential_privacy": dp_detail, "suppression": suppression, "row_count": row_count,
                "cases_left_out_without_consent": shown_left_out, "software": software, "files": files,
                "symbols": {"x": "suppressed", "F": "too unreliable to be published", "..": "not available"},
            }
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
            for path in staging.iterdir():
                path.chmod(PRIVATE_FILE)  # readable by the platform's own user only (the folder is 0700)
            release = Release(
                id=release_id, reference=reference, kind=req.kind, period=req.period, parameters=parameters, k=req.k,
                seed=str(seed), epsilon=req.epsilon, delta=req.delta, suppression=suppression, software=software,
                row_count=row_count, left_out=left_out,
                files=[*files, {"name": MANIFEST, "sha256": file_sha256(staging / MANIFEST),
                                "size": (staging / MANIFEST).stat().st_size}],
                directory=str(target.resolve()), created_by=actor)  # type: ignore[misc]
            release.save()
            if req.epsilon is not None:
                for key, spent in dp_detail["epsilon_per_table"].items():
                    BudgetSpend.objects.create(dataset=DATASET, year=req.period, epsilon=spent, delta=req.delta or 0.0,
                                               query=f"{req.kind}:{key}", release=release,
                                               spent_by=actor)  # type: ignore[misc]
            audit.record(actor, "stats.released", release, detail={
                "kind": req.kind, "period": req.period, "k": req.k, "epsilon": req.epsilon, "rows": row_count,
                "files": [f["name"] for f in release.files]})
            if target.exists():
                target.rmdir()  # validated empty above
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return release
