"""Demo approvals: the demo organizations' choices of what needs a coordinator's approval, and a few
needs assessments and service plans submitted, some waiting and some decided. Synthetic only.

Called at the end of ``cases.demo.seed`` (skipped at ``--scale``). Idempotent: once a demo case has
an approval request other than a closure's, it adds nothing.
"""

from __future__ import annotations

from django.db import transaction

from octip.partners.models import Organization, User

from . import models as m

#: Which steps each demo organization requires (the others keep the defaults: closure only).
REQUIREMENTS = {
    "Safe Harbour Women's Shelter Society (demo)": {"requires_needs_approval": True, "requires_plan_approval": True},
    "Harbour Light Migrant Workers' Centre (demo)": {"requires_plan_approval": True},
    "Newcomers Legal Clinic (demo)": {"requires_closure_approval": False},
}
#: (subject, decision, comment) of the requests made, in order, on cases of the organizations above.
REQUESTS = [
    ("needs_assessment", "pending", ""),
    ("service_plan", "pending", ""),
    ("needs_assessment", "approved", ""),
    ("service_plan", "rejected", "Add a goal about income before this plan is approved."),
    ("service_plan", "approved", ""),
]


def seed_approvals(*, scale: int | None, stdout, demo_domain: str) -> None:
    """``demo_domain``: the demo accounts' e-mail domain (``partners.demo``, which only demo modules import)."""
    if scale is not None:
        return
    with transaction.atomic():
        _seed(stdout, demo_domain)


def _seed(stdout, demo_domain: str) -> None:
    from .services import decide_approval, request_approval

    for name, settings in REQUIREMENTS.items():
        Organization.objects.filter(name=name).update(**settings)
    linked = _link_closure_requests()
    demo_cases = m.Case.objects.filter(created_by__email__endswith="@" + demo_domain)
    if m.ApprovalRequest.objects.filter(case__in=demo_cases).exclude(subject="closure").exists():
        return
    deciders = list(User.objects.filter(email__in=[f"coordinator@{demo_domain}", f"coordinator2@{demo_domain}"],
                                        is_active=True).order_by("email"))
    candidates = list(demo_cases.filter(
        owner_organization__name__in=[n for n, s in REQUIREMENTS.items() if s.get("requires_plan_approval")],
        stage__in=["planning", "services"], owner_worker__isnull=False, goals__isnull=False, needs__isnull=False)
        .select_related("owner_organization", "owner_worker").distinct().order_by("number")[:len(REQUESTS)])
    made = 0
    for case, (subject, decision, comment) in zip(candidates, REQUESTS, strict=False):
        if not getattr(case.owner_organization, "requires_needs_approval" if subject == "needs_assessment"
                       else "requires_plan_approval"):
            subject = "service_plan"
        approval = request_approval(actor=case.owner_worker, case=case, subject=subject)
        made += 1
        decider = next((u for u in deciders if u.pk != case.owner_worker_id), None)
        if decision != "pending" and decider is not None:
            decide_approval(actor=decider, approval=approval, action="approve" if decision == "approved" else "reject",
                            comment=comment)
    stdout.write(f"Cases: {made} needs assessments and service plans submitted for approval "
                 f"({linked} closure requests linked to their approval).")


def _link_closure_requests() -> int:
    """Closure requests seeded in bulk get the approval request they are decided through."""
    rows = [m.ApprovalRequest(case_id=c.case_id, subject="closure", requested_by_id=c.requested_by_id,
                              requested_at=c.requested_at, decision=c.decision, decided_by_id=c.decided_by_id,
                              decided_at=c.decided_at, comment=c.comment, closure=c)
            for c in m.ClosureRequest.objects.filter(approval__isnull=True)]
    m.ApprovalRequest.objects.bulk_create(rows, batch_size=500)
    return len(rows)
