"""Demo directory: about 80 synthetic B.C. services across every need and health region, plus
province-wide ones; confidential shelters are ``partners``-only. Idempotent: ids are derived from
names, records are created only when missing (a steward's later edit is kept). Every name,
address and number is invented; phone numbers use the 555-01xx range reserved for fiction."""

from __future__ import annotations

import random
import uuid

from django.db import transaction
from faker import Faker

from octip.partners.models import Organization as PartnerOrganization
from octip.partners.models import Region

from . import hsds
from . import models as m

ORDER = 20
NAMESPACE = uuid.UUID("d3f1c2a4-6b7e-4c11-9a8d-0e5f4b3a2c10")
NEEDS_TAXONOMY = "OCTIP service needs"

#: code, name, description, parent code
NEEDS = [
    ("shelter", "Shelter and safe housing", "Emergency, transition and second-stage housing.", None),
    ("emergency_shelter", "Emergency shelter", "Same-day safe place to stay.", "shelter"),
    ("transition_housing", "Transition and second-stage housing", "Housing for months, with support.", "shelter"),
    ("legal", "Legal help", "Advice and representation: criminal, family, employment, civil.", None),
    ("immigration", "Immigration advice", "Status, temporary resident permits, work permits.", None),
    ("health", "Health care", "Medical, sexual and reproductive, dental and addiction care.", None),
    ("counselling", "Counselling", "Trauma-informed counselling and peer support.", None),
    ("interpretation", "Interpretation", "Spoken and sign language interpretation.", None),
    ("income", "Income support", "Benefits, emergency funds and help finding work.", None),
    ("indigenous", "Indigenous-led supports", "Services by and for First Nations, Métis and Inuit people.", None),
    ("youth", "Youth services", "Services for children and young people up to 24.", None),
]

#: region code → (cities, area code, postal prefix, languages besides English and French)
REGIONS = {
    "vancouver_coastal": (["Vancouver", "North Vancouver", "Richmond"], "604", "V6A", ["zh", "tl", "ko"]),
    "fraser": (["Surrey", "Abbotsford", "Burnaby"], "604", "V3T", ["pa", "hi", "vi"]),
    "interior": (["Kelowna", "Kamloops", "Penticton"], "250", "V1Y", ["es", "pa"]),
    "northern": (["Prince George", "Terrace", "Fort St. John"], "250", "V2L", ["cr"]),
    "vancouver_island": (["Victoria", "Nanaimo", "Courtenay"], "250", "V8W", ["es", "zh"]),
}
LANGUAGE_NAMES = {"en": "English", "fr": "French", "zh": "Chinese (Mandarin, Cantonese)", "tl": "Tagalog",
                  "ko": "Korean", "pa": "Punjabi", "hi": "Hindi", "vi": "Vietnamese", "es": "Spanish",
                  "cr": "Cree", "ar": "Arabic", "uk": "Ukrainian", "fa": "Persian (Farsi)", "asl": "ASL"}

WEEKDAYS = ("MO,TU,WE,TH,FR", "09:00", "17:00", "Weekdays")
ALWAYS = ("", "00:00", "00:00", "Open 24 hours, every day")
EVENINGS = ("MO,TU,WE,TH,FR,SA", "15:00", "21:00", "Afternoons and evenings, Monday to Saturday")

# (name pattern, needs, visibility, hours, extra fields, provider key). {city} / {region} are filled in.
REGIONAL = [
    ("{city} Emergency Shelter for Women", ["emergency_shelter"], "partners", ALWAYS,
     {"gender_eligibility": "women", "minimum_age": 19,
      "application_process": "Partners only: call the intake line; the shelter confirms a bed and gives the "
                             "address by phone. Never write the address on papers the person carries."},
     "shelter"),
    ("{city} Safe House for Men and Gender-diverse People", ["emergency_shelter"], "partners", ALWAYS,
     {"minimum_age": 19, "application_process": "Partners only: phone referral from a caseworker."}, "shelter"),
    ("{region} Transition Housing Program", ["transition_housing"], "partners", WEEKDAYS,
     {"application_process": "Referral by a caseworker with the person's consent; interview within a week.",
      "wait_time": "One to four weeks"}, "shelter"),
    ("{region} Legal Advocacy Clinic", ["legal"], "public", WEEKDAYS,
     {"application_process": "Caseworkers refer through the platform; people may also call to book.",
      "fees_description": "Free"}, "legal"),
    ("{city} Newcomer Immigration Advice", ["immigration"], "public", WEEKDAYS,
     {"application_process": "Drop in or book by phone. Bring any documents you have; none are required.",
      "fees_description": "Free"}, "migrant"),
    ("{city} Migrant Worker Rights Outreach", ["legal", "immigration"], "public", EVENINGS,
     {"application_process": "Outreach workers meet people where they work or live; call or text.",
      "interpretation_services": "Interpreters on request."}, "migrant"),
    ("{city} Trauma-informed Health Clinic", ["health"], "public", WEEKDAYS,
     {"application_process": "Walk in, or a caseworker books an appointment. No health card needed.",
      "eligibility_description": "Anyone, with or without provincial health coverage."}, "health"),
    ("{region} Survivor Counselling Program", ["counselling"], "public", WEEKDAYS,
     {"application_process": "Self-referral or referral by a caseworker.", "wait_time": "About two weeks"},
     "community"),
    ("{city} Community Interpretation Desk", ["interpretation"], "public", WEEKDAYS,
     {"application_process": "Book 48 hours ahead; urgent requests by phone.",
      "interpretation_services": "Spoken languages and ASL."}, "community"),
    ("{region} Income and Benefits Navigation", ["income"], "public", WEEKDAYS,
     {"application_process": "Call to book; a navigator helps with forms for income and disability "
                             "assistance and emergency funds."}, "community"),
    ("{city} Indigenous Wellness Circle", ["indigenous", "counselling"], "public", WEEKDAYS,
     {"application_process": "Call or drop in. Elders and cultural supports available.",
      "eligibility_description": "First Nations, Métis and Inuit people and their families."}, "indigenous"),
    ("{city} Youth Outreach and Drop-in", ["youth", "counselling"], "public", EVENINGS,
     {"minimum_age": 12, "maximum_age": 24,
      "application_process": "Drop in; no referral needed. Youth workers can meet off-site."}, "youth"),
    ("{region} Youth Safe Housing", ["youth", "emergency_shelter"], "partners", ALWAYS,
     {"minimum_age": 16, "maximum_age": 24,
      "application_process": "Partners only: referral by a youth worker or caseworker by phone."}, "youth"),
]

PROVINCIAL = [
    ("Provincial Trafficking Help Line", ["counselling", "interpretation"], "public", ALWAYS,
     {"application_process": "Call any time, toll-free. Interpreters in over 200 languages."}),
    ("Province-wide Telephone Interpretation Service", ["interpretation"], "public", ALWAYS,
     {"application_process": "Partner staff call the access number with their organization code."}),
    ("Legal Aid Immigration Line", ["legal", "immigration"], "public", WEEKDAYS,
     {"application_process": "Call to check eligibility for legal aid in immigration matters."}),
    ("Temporary Resident Permit Advice Clinic", ["immigration"], "public", WEEKDAYS,
     {"application_process": "Caseworkers refer; advice on the TRP for victims of trafficking."}),
    ("Crime Victim Assistance Program", ["income", "counselling"], "public", WEEKDAYS,
     {"application_process": "Apply online or by phone; a victim service worker can help."}),
    ("Indigenous Survivors' Support Line", ["indigenous", "counselling"], "public", ALWAYS,
     {"application_process": "Call any time; Indigenous counsellors answer."}),
    ("Youth Against Exploitation Helpline", ["youth", "counselling"], "public", ALWAYS,
     {"minimum_age": 12, "maximum_age": 24, "application_process": "Call or text any time."}),
    ("Virtual Counselling for Survivors", ["counselling"], "public", EVENINGS,
     {"application_process": "Book online; sessions by video or phone."}),
    ("Work Permit Assistance for Survivors", ["immigration", "income"], "public", WEEKDAYS,
     {"application_process": "Referral by a caseworker; help with open work permit applications."}),
    ("Survivor Employment Readiness Program", ["income"], "public", WEEKDAYS,
     {"application_process": "Referral by a caseworker; twelve-week paid program."}),
    ("Mobile Health Outreach Van", ["health"], "public", EVENINGS,
     {"application_process": "Find the van by calling the outreach line; no ID needed."}),
    ("Second-stage Housing Network", ["transition_housing"], "partners", WEEKDAYS,
     {"application_process": "Partners only: coordinator-to-coordinator referral."}),
    ("Safe Relocation Program", ["shelter"], "partners", WEEKDAYS,
     {"application_process": "Partners only: relocation between regions when a person is at risk."}),
    ("Emergency Travel and Repatriation Support", ["income", "immigration"], "public", WEEKDAYS,
     {"application_process": "Referral by a caseworker; safe voluntary return when the person asks for it."}),
    ("Sexual Assault Nurse Examiner Network", ["health"], "public", ALWAYS,
     {"application_process": "Go to any hospital emergency department and ask for a SANE nurse."}),
]

#: provider key → (directory organization name pattern, platform partner organization or None)
PROVIDERS = {
    "shelter": ("{region} Women's Safe Housing Society (demo)", "Safe Harbour Women's Shelter Society (demo)"),
    "legal": ("{region} Community Legal Services (demo)", "Newcomers Legal Clinic (demo)"),
    "migrant": ("{region} Migrant Workers' Centre (demo)", "Harbour Light Migrant Workers' Centre (demo)"),
    "health": ("{region} Health Authority Outreach (demo)", None),
    "community": ("{region} Family and Community Services (demo)", None),
    "indigenous": ("{region} Indigenous Friendship Centre (demo)", None),
    "youth": ("{region} Youth Outreach Society (demo)", "Okanagan Youth Outreach (demo)"),
}
INDIGENOUS_PARTNERS = {"vancouver_coastal": "Salal Indigenous Women's Centre (demo)",
                       "northern": "Northern Nations Family Services (demo)",
                       "vancouver_island": "Island Friendship Centre (demo)"}
HEALTH_PARTNERS = {"vancouver_coastal": "Coastal Health Authority (demo)",
                   "northern": "Northern Health Authority (demo)",
                   "interior": "Interior Health Authority (demo)"}
OFFICE = "BC Office to Combat Trafficking in Persons (demo)"


def _id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def _rotate(items: list, by: int) -> list:
    if not items:
        return []
    by %= len(items)
    return items[by:] + items[:by]


class Seeder:
    def __init__(self, stdout) -> None:
        self.stdout = stdout
        self.created = 0
        self.fake = Faker("en_CA")
        self.partners = {p.name: p for p in PartnerOrganization.objects.all()}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.phone_counter = 0

    def get_or_create(self, model, key: uuid.UUID, **values):
        obj, created = model.objects.get_or_create(pk=key, defaults=values)
        self.created += created
        return obj

    def needs(self) -> dict[str, m.TaxonomyTerm]:
        taxonomy = self.get_or_create(m.Taxonomy, _id("taxonomy", NEEDS_TAXONOMY), name=NEEDS_TAXONOMY,
                                      description="The needs caseworkers search the directory by.", version="1")
        terms = {}
        for code, name, description, parent in NEEDS:
            terms[code] = self.get_or_create(
                m.TaxonomyTerm, _id("term", code), code=code, name=name, description=description,
                taxonomy_id=taxonomy.pk, taxonomy=NEEDS_TAXONOMY, language="en",
                parent_id=_id("term", parent) if parent else None)
        return terms

    def phone(self, area: str) -> str:
        self.phone_counter += 1
        return f"+1 {area} 555 01{self.phone_counter % 100:02d}"

    def organization(self, name: str) -> m.Organization:
        return self.get_or_create(m.Organization, _id("org", name), name=name,
                                  description=f"{name.removesuffix(' (demo)')} is a synthetic demonstration "
                                              f"organization.",
                                  email=f"info@{_id('org', name).hex[:8]}.demo.octip.invalid")

    def service(self, *, name: str, organization: m.Organization, needs: list[m.TaxonomyTerm], visibility: str,
                hours: tuple, extra: dict, region_code: str, city: str, area: str, postal: str,
                languages: list[str], partner: PartnerOrganization | None) -> None:
        key = _id("service", name)
        service = self.get_or_create(
            m.Service, key, name=name, organization=organization, visibility=visibility, status="active",
            description=extra.pop("description", f"{name}: {', '.join(t.name.lower() for t in needs)} for people "
                                                 f"affected by human trafficking and exploitation."),
            partner_organization=partner, email=f"intake@{key.hex[:8]}.demo.octip.invalid", **extra)
        for term in needs:
            self.get_or_create(m.Attribute, _id("attribute", name, term.code), link_id=service.pk,
                               link_entity="service", link_type="need", taxonomy_term=term)
        region = self.regions.get(region_code)
        self.get_or_create(m.ServiceArea, _id("area", name), service=service, region=region,
                           name=region.name if region else region_code, description="Area served")
        for code in ["en", *languages]:
            self.get_or_create(m.Language, _id("language", name, code), service=service, code=code,
                               name=LANGUAGE_NAMES.get(code, code))
        days, opens, closes, description = hours
        self.get_or_create(m.Schedule, _id("schedule", name), service=service, freq="WEEKLY", byday=days,
                           opens_at=opens, closes_at=closes, description=description, wkst="MO")
        self.get_or_create(m.Phone, _id("phone", name), service=service, number=self.phone(area), type="voice",
                           description="Intake")
        if city:
            location = self.get_or_create(m.Location, _id("location", name), location_type="physical",
                                          name=f"{name} — {city}", organization_id=organization.pk)
            self.get_or_create(m.ServiceAtLocation, _id("sal", name), service=service, location=location)
            self.get_or_create(
                m.Address, _id("address", name), location=location,
                address_1=self.fake.street_address(), city=city, state_province="BC", country="CA",
                postal_code=f"{postal} {random.randint(1, 9)}{random.choice('ABCEGHJKLMNPRSTVWXYZ')}"
                            f"{random.randint(1, 9)}",
                address_type="physical")

    def run(self) -> None:
        hsds.ensure_extension_taxonomy()
        terms = self.needs()
        for region_code, (cities, area, postal, languages) in REGIONS.items():
            region_name = self.regions[region_code].name if region_code in self.regions else region_code
            for index, (pattern, need_codes, visibility, hours, extra, provider) in enumerate(REGIONAL):
                city = cities[index % len(cities)]
                name = pattern.format(city=city, region=region_name)
                org_pattern, partner_name = PROVIDERS[provider]
                if provider == "indigenous":
                    partner_name = INDIGENOUS_PARTNERS.get(region_code)
                if provider == "health":
                    partner_name = HEALTH_PARTNERS.get(region_code)
                organization = self.organization(partner_name or org_pattern.format(region=region_name))
                self.service(name=name, organization=organization, needs=[terms[c] for c in need_codes],
                             visibility=visibility, hours=hours, extra=dict(extra), region_code=region_code,
                             city=city, area=area, postal=postal,
                             languages=_rotate(languages, index)[:2] + ["fr"][:index % 2],
                             partner=self.partners.get(partner_name or ""))
        office = self.organization(OFFICE)
        for name, need_codes, visibility, hours, extra in PROVINCIAL:
            self.service(name=name, organization=office, needs=[terms[c] for c in need_codes], visibility=visibility,
                         hours=hours, extra=dict(extra), region_code="province_wide", city="", area="800",
                         postal="", languages=["fr", "zh", "pa", "es"], partner=self.partners.get(OFFICE))


@transaction.atomic
def seed(*, scale: int = 1, stdout=None) -> None:
    seeder = Seeder(stdout)
    seeder.run()
    if stdout is not None:
        stdout.write(f"directory: {m.Service.objects.count()} services ({seeder.created} records created)")
