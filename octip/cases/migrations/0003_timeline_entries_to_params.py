"""Timeline rows of the first release, in the shape ``cases.timeline`` writes.

- A row written by ``cases`` as a message (``detail["_i18n"]``) gets its parameters (and, for a note or
  the youth track, the variant of its words); the ``_i18n`` key leaves ``detail``.
- A restricted-note row (matched, this once, by its English words) becomes ``restricted``.
- A row about sharing (referral, transfer, disclosure, consent, export) gets ``concerns`` from the
  referral, transfer, disclosure or consent its ``detail`` names, and its parameters from that row, so
  a row written in French converts too. A row whose words cannot be rebuilt keeps ``params`` empty
  and shows its stored summary as it is. A sharing row that concerns no partner (an export, anything
  off the platform, a row whose referral is gone) becomes ``restricted``: as before, only the owning
  circle reads it.

The rules are frozen here (not imported from ``cases.timeline``) so that this step stays what it was.
"""

from django.db import migrations

RESTRICTED_NOTE = "Restricted note added."
MOVED_TO_YOUTH_TRACK = ("Moved to the youth track: a report to a child welfare director is required "
                        "(CFCSA s. 14).")
#: The kinds (by prefix) that told of the case's sharing, hidden from other organizations.
SHARING = ("referral.", "transfer.", "disclosure", "consent_", "export.")
REFERRAL_STATUSES = {"accepted", "declined", "completed", "closed_without_service", "revoked"}
TRANSFER_STATUSES = {"accepted", "declined", "revoked"}
SHARE_WITH_ORGANIZATION = "share_with_organization"
BATCH = 500


def _rows(model, ids, *fields):
    """``{str(pk): row values}`` of ``model`` for ``ids``."""
    ids = {str(i) for i in ids if i not in (None, "")}
    if not ids:
        return {}
    return {str(row["pk"]): row for row in model.objects.filter(pk__in=list(ids)).values("pk", *fields)}


class _Sharing:
    """The rows that sharing entries name, fetched once."""

    def __init__(self, apps, entries):
        details = [e.detail or {} for e in entries]
        ids = lambda key: [d.get(key) for d in details]  # noqa: E731
        self.referrals = _rows(apps.get_model("referrals", "Referral"), ids("referral_id"),
                               "to_organization_id", "to_organization__name", "urgency", "respond_by")
        self.transfers = _rows(apps.get_model("referrals", "Transfer"), ids("transfer_id"),
                               "to_organization_id", "to_organization__name", "responded_by_id")
        self.disclosures = _rows(apps.get_model("consent", "Disclosure"), ids("disclosure_id"),
                                 "organization_id", "organization__name", "sections", "basis")
        self.consents = _rows(apps.get_model("consent", "Consent"), ids("consent_id"),
                              "organization_id", "organization__name", "scope", "sections")
        self.exports = _rows(apps.get_model("referrals", "SecureExport"), ids("export_id"), "sections")


def _consent_params(row):
    params = {"variant": "other", "scope": ["consent_scope", row["scope"]]}
    if row["scope"] == SHARE_WITH_ORGANIZATION:
        params.update(variant="partner" if row["organization_id"] else "off_platform",
                      sections=["sections", sorted(row["sections"] or [])])
        if row["organization_id"]:
            params["org"] = row["organization__name"]
    return params


def convert_sharing(entry, detail, rows):
    """Set ``concerns``, ``restricted`` and (where they can be rebuilt) ``params`` of a sharing row."""
    kind, status = entry.kind, entry.kind.partition(".")[2]
    organization_id, params = None, None
    referral = rows.referrals.get(str(detail.get("referral_id")))
    transfer = rows.transfers.get(str(detail.get("transfer_id")))
    disclosure = rows.disclosures.get(str(detail.get("disclosure_id")))
    consent = rows.consents.get(str(detail.get("consent_id")))
    export = rows.exports.get(str(detail.get("export_id")))
    if referral:
        organization_id, org = referral["to_organization_id"], referral["to_organization__name"]
        if kind == "referral.sent":
            params = {"org": org, "urgency": ["urgency", referral["urgency"]],
                      "date": ["datetime", referral["respond_by"].isoformat()]}
        elif kind == "referral.access_ended":
            params = {"org": org}
        elif kind.startswith("referral.") and status in REFERRAL_STATUSES:
            params = {"org": org, "status": ["referral_status", status]}
    elif transfer:
        organization_id, org = transfer["to_organization_id"], transfer["to_organization__name"]
        if kind == "transfer.sent":
            params = {"org": org}
        elif kind == "transfer.revoked" and transfer["responded_by_id"] is None:
            # A withdrawn consent revokes a transfer with nobody answering it; a sender revokes it by hand.
            params = {"variant": "consent_withdrawn", "org": org}
        elif kind.startswith("transfer.") and status in TRANSFER_STATUSES:
            params = {"variant": "status", "org": org, "status": ["transfer_status", status]}
    elif disclosure:
        organization_id = disclosure["organization_id"]
        if kind == "disclosure":
            params = {"variant": "partner" if organization_id else "off_platform",
                      "sections": ["sections", sorted(disclosure["sections"] or [])],
                      "basis": ["disclosure_basis", disclosure["basis"]]}
            if organization_id:
                params["recipient"] = disclosure["organization__name"]
    elif consent:
        organization_id = consent["organization_id"]
        if kind in ("consent_given", "consent_withdrawn"):
            params = _consent_params(consent)
    elif export and kind == "export.secure":
        params = {"sections": ["sections", sorted(export["sections"] or [])]}
    if kind.startswith("export."):
        organization_id = None  # an export goes off the platform: never "about" a partner
    entry.concerns_id = organization_id
    entry.restricted = organization_id is None
    if params is not None:
        entry.params = params


def convert_entry(entry, rows):
    detail = dict(entry.detail or {})
    spoken = detail.pop("_i18n", None)
    if spoken:
        params = dict(spoken.get("params") or {})
        if entry.kind == "case.note_added":
            params["variant"] = "restricted" if spoken.get("msgid") == RESTRICTED_NOTE else "normal"
        elif entry.kind == "youth.duty_to_report_required":
            params["variant"] = "moved" if spoken.get("msgid") == MOVED_TO_YOUTH_TRACK else "intake"
        entry.params = params
    if entry.kind == "case.note_added" and RESTRICTED_NOTE in (entry.summary, (spoken or {}).get("msgid")):
        entry.restricted = True
    if entry.kind.startswith(SHARING):
        convert_sharing(entry, detail, rows)
    entry.detail = detail


def convert(apps, schema_editor):
    """Convert every row not yet in the new shape (``params`` empty)."""
    TimelineEntry = apps.get_model("cases", "TimelineEntry")
    pending = TimelineEntry.objects.filter(params__isnull=True).order_by("pk")
    last = 0
    while True:
        batch = list(pending.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        rows = _Sharing(apps, [e for e in batch if e.kind.startswith(SHARING)])
        for entry in batch:
            convert_entry(entry, rows)
        TimelineEntry.objects.bulk_update(batch, ["params", "detail", "concerns", "restricted"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_timeline_params_concerns_restricted"),
        ("consent", "0003_encrypt_external_recipients"),
        ("referrals", "0002_encrypt_export_recipient"),
    ]

    operations = [
        # Backwards, the columns go (0002) and every row shows its stored English summary.
        migrations.RunPython(convert, migrations.RunPython.noop),
    ]
