"""Demo screenings: a few anonymous screenings by the demo screener and caseworker. Idempotent:
each account gets only the screenings it does not have yet. Synthetic answers only, no people."""

from __future__ import annotations

from octip.partners.demo import demo_email
from octip.partners.models import User

from .loader import load_frameworks
from .models import Framework, Screening
from .services import framework_for, save_screening

ORDER = 50

# (account, framework, age group, answers, notes). Notes are written as a screener would: no names.
DEMO_SCREENINGS = [
    ("screener", "ilo-adult-labour", "adult_19_plus", {
        "deceptive_recruitment.deceived_nature_of_job": "yes", "deceptive_recruitment.deceived_wages": "yes",
        "exploitative_conditions.excessive_working_hours": "yes", "exploitative_conditions.low_or_no_salary": "yes",
        "coercion_at_destination.confiscation_of_documents": "yes", "coercion_at_destination.debt_bondage": "yes",
    }, {"coercion_at_destination": "Says the employer keeps the passports \"for safekeeping\"."}),
    ("screener", "ilo-adult-labour", "adult_19_plus", {
        "deceptive_recruitment.deceived_wages": "yes", "exploitative_conditions.excessive_working_hours": "yes",
        "exploitative_conditions.bad_living_conditions": "yes", "coercion_at_destination.withholding_of_wages": "yes",
    }, {}),
    ("screener", "ilo-child-sexual", "under_18", {
        "act.recruited_or_moved": "yes", "exploitative_conditions.excessive_working_hours": "yes",
        "exploitative_conditions.hazardous_work": "yes", "coercion_at_destination.under_strong_influence": "yes",
    }, {"act": "Moved between cities by an older \"boyfriend\"."}),
    ("screener", "palermo", "adult_19_plus", {
        "act.recruitment": "yes", "means.fraud_or_deception": "no", "purpose.forced_labour_or_services": "unknown",
    }, {}),
    ("caseworker", "ilo-adult-sexual", "unknown", {
        "coercive_recruitment.violence_on_victim": "yes",
        "coercive_recruitment.isolation_confinement_surveillance": "yes",
        "exploitative_conditions.excessive_working_hours": "yes", "exploitative_conditions.low_or_no_salary": "yes",
        "exploitative_conditions.bad_living_conditions": "yes",
        "coercion_at_destination.forced_tasks_or_clients": "yes", "coercion_at_destination.violence_on_victim": "yes",
    }, {}),
]


def seed(*, scale, stdout) -> None:
    if not Framework.objects.exists():
        load_frameworks(Framework)
    created = 0
    for account in sorted({entry[0] for entry in DEMO_SCREENINGS}):
        user = User.objects.filter(email=demo_email(account)).first()
        if user is None:
            continue
        wanted = [entry for entry in DEMO_SCREENINGS if entry[0] == account]
        have = Screening.objects.filter(screened_by=user).count()
        for _account, slug, age_group, answers, notes in wanted[have:]:
            save_screening(actor=user, framework=framework_for(slug), answers=answers, notes=notes,
                           age_group=age_group)
            created += 1
    stdout.write(f"Screening: {created} demo screenings created.")
