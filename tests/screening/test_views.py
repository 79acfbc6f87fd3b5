"""The guided screening, the result page and framework publishing, as a screener or coordinator would use them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from octip.core.models import AuditEvent
from octip.screening import services
from octip.screening.models import Framework, Screening

from .conftest import make_case

pytestmark = pytest.mark.django_db


def _carry(response):
    """The hidden state and the current section's field names of a section page."""
    context = response.context
    data = {"framework": context["framework"].slug, "version": context["framework"].version,
            "age_group": context["age_group"], "step": context["step"]}
    if context["case"]:
        data["case"] = str(context["case"].pk)
    data.update(dict(context["carried"]))
    return data, list(context["form"].fields)


def _complete(client, start, answer_for):
    """Go through every section; ``answer_for(field_name)`` gives yes / no / unknown."""
    response = client.post(reverse("screening:start"), start)
    assert response.status_code == 200, response.content
    for _ in range(20):
        data, fields = _carry(response)
        for name in fields:
            data[name] = answer_for(name) if name.startswith("a-") else ""
        data["action"] = "finish" if response.context["is_last"] else "next"
        response = client.post(reverse("screening:flow"), data)
        if response.status_code == 302:
            return response
        assert response.status_code == 200, response.content
    raise AssertionError("the flow never finished")


CHILD_YES = {"a-act-recruited_or_moved", "a-exploitative_conditions-excessive_working_hours",
             "a-exploitative_conditions-hazardous_work"}


def test_screener_completes_an_anonymous_child_screening_and_reads_the_result(client_for, screener, frameworks):
    client = client_for(screener)
    assert client.get(reverse("screening:start")).status_code == 200
    response = _complete(client, {"age_group": "under_18", "exploitation": "labour", "tool": "ilo"},
                         lambda name: "yes" if name in CHILD_YES else "unknown")
    screening = Screening.objects.get()
    assert screening.framework.slug == "ilo-child-labour" and screening.case is None
    assert screening.conclusion == "indicated"
    page = client.get(response["Location"]).content.decode()
    assert "decision aid" in page and "never labelled" in page
    assert "Provisional" in page
    assert "1-888-712-7974" in page  # the 24/7 line, from site/lines
    assert "1-800-663-9122" in page and "Duty to report" in page
    assert "Excessive working days or hours" in page


def test_adult_result_has_no_duty_to_report_reminder(client_for, screener, frameworks):
    client = client_for(screener)
    response = _complete(client, {"age_group": "adult_19_plus", "exploitation": "sexual", "tool": "ilo"},
                         lambda name: "no")
    page = client.get(response["Location"]).content.decode()
    assert Screening.objects.get().framework.slug == "ilo-adult-sexual"
    assert "Duty to report" not in page
    assert "not indicated" in page


def test_eighteen_year_old_uses_adult_list_but_gets_the_bc_duty_to_report_reminder(client_for, screener,
                                                                                    frameworks):
    client = client_for(screener)
    response = _complete(client, {"age_group": "age_18", "exploitation": "labour", "tool": "ilo"},
                         lambda name: "unknown")
    assert Screening.objects.get().framework.slug == "ilo-adult-labour"
    assert "1-800-663-9122" in client.get(response["Location"]).content.decode()


def test_answers_and_notes_survive_going_back_a_section(client_for, screener, frameworks):
    client = client_for(screener)
    response = client.post(reverse("screening:start"), {"age_group": "adult_19_plus", "tool": "palermo"})
    data, fields = _carry(response)
    data.update({"a-act-recruitment": "yes", "n-act": "Met at the bus depot", "action": "next"})
    response = client.post(reverse("screening:flow"), data)
    assert response.context["step"] == 1
    data, fields = _carry(response)
    data["action"] = "back"
    response = client.post(reverse("screening:flow"), data)
    assert response.context["step"] == 0
    assert response.context["form"].initial["a-act-recruitment"] == "yes"
    assert response.context["form"].initial["n-act"] == "Met at the bus depot"


def test_invalid_answer_is_shown_and_nothing_is_saved(client_for, screener, frameworks):
    client = client_for(screener)
    response = client.post(reverse("screening:start"), {"age_group": "adult_19_plus", "tool": "palermo"})
    data, fields = _carry(response)
    data.update({"a-act-recruitment": "maybe", "action": "finish"})
    response = client.post(reverse("screening:flow"), data)
    assert response.status_code == 400
    assert not Screening.objects.exists()


def test_start_form_needs_the_kind_of_exploitation_for_ilo(client_for, screener, frameworks):
    response = client_for(screener).post(reverse("screening:start"), {"age_group": "under_18", "tool": "ilo"})
    assert response.status_code == 400
    assert "Choose the kind of exploitation" in response.content.decode()


def test_screening_linked_to_a_visible_case(client_for, make_user, org, frameworks):
    worker = make_user("caseworker", organization=org)
    case = make_case(org, "BC-2026-000201", owner_worker=worker)
    client = client_for(worker)
    response = _complete(client, {"age_group": "adult_19_plus", "tool": "ca-criminal-code", "case": str(case.pk)},
                         lambda name: "unknown")
    assert Screening.objects.get().case == case
    assert "BC-2026-000201" in client.get(response["Location"]).content.decode()


def test_result_page_of_someone_elses_screening_is_a_404(client_for, screener, make_user, frameworks):
    screening = services.save_screening(actor=screener, framework=frameworks["palermo"], answers={})
    assert client_for(screener).get(reverse("screening:detail", args=[screening.pk])).status_code == 200
    other = make_user("screener")
    assert client_for(other).get(reverse("screening:detail", args=[screening.pk])).status_code == 404
    assert client_for(make_user("analyst")).get(reverse("screening:index")).status_code == 403


def test_result_page_in_french(client_for, screener, frameworks):
    screening = services.save_screening(actor=screener, framework=frameworks["ilo-child-sexual"], answers={},
                                        age_group="under_18")
    client = client_for(screener)
    page = client.get(reverse("screening:detail", args=[screening.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "aide à la décision" in page
    assert "Obligation de signaler" in page


# --- Publishing a corrected framework -----------------------------------------------------------

def test_coordinator_publishes_a_corrected_threshold_and_old_screenings_keep_their_version(
        client_for, make_user, screener, frameworks):
    old = services.save_screening(actor=screener, framework=frameworks["ilo-adult-labour"], answers={})
    coordinator = make_user("coordinator")
    client = client_for(coordinator)
    form = client.get(reverse("screening:framework_publish", args=["ilo-adult-labour"]))
    text = form.context["form"].initial["definition"]
    assert "at_least: 3" in text
    response = client.post(reverse("screening:framework_publish", args=["ilo-adult-labour"]),
                           {"definition": text.replace("at_least: 3", "at_least: 4", 1),
                            "change_note": "Three medium indicators were too few.", "based_on": 1})
    assert response.status_code == 302
    new = Framework.objects.get(slug="ilo-adult-labour", version=2)
    assert new.published_by == coordinator and new.source == "app"
    assert new.definition["rule"]["dimension_positive"]["any_of"][2][0]["at_least"] == 4
    old.refresh_from_db()
    assert old.framework.version == 1
    assert services.framework_for("ilo-adult-labour").version == 2
    assert AuditEvent.objects.filter(action="screening.framework_published").exists()


def test_publishing_a_file_upload(client_for, make_user, frameworks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(make_user("coordinator"))
    text = services.definition_text(frameworks["palermo"]).replace("status: provisional", "status: verified", 1)
    response = client.post(reverse("screening:framework_publish", args=["palermo"]),
                           {"upload": SimpleUploadedFile("palermo.yaml", text.encode()), "change_note": "Reviewed.",
                            "based_on": 1})
    assert response.status_code == 302
    assert Framework.objects.get(slug="palermo", version=2).status == "verified"


@pytest.mark.parametrize(("text", "message"), [
    ("id: [unclosed", "not valid YAML"),
    ("{}", "id:"),
])
def test_bad_framework_text_is_a_clear_error_and_changes_nothing(client_for, make_user, frameworks, text, message):
    client = client_for(make_user("coordinator"))
    count = Framework.objects.count()
    response = client.post(reverse("screening:framework_publish", args=["palermo"]),
                           {"definition": text, "change_note": "x", "based_on": 1})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Framework.objects.count() == count


def test_wrong_id_or_unchanged_text_is_refused(client_for, make_user, frameworks):
    client = client_for(make_user("coordinator"))
    text = services.definition_text(frameworks["palermo"])
    same = client.post(reverse("screening:framework_publish", args=["palermo"]), {"definition": text,
                                                                                  "change_note": "x", "based_on": 1})
    assert same.status_code == 400 and "nothing to publish" in same.content.decode()
    other = client.post(reverse("screening:framework_publish", args=["ilo-adult-labour"]),
                        {"definition": text, "change_note": "x", "based_on": 1})
    assert other.status_code == 400
    assert Framework.objects.filter(version__gt=1).count() == 0


def test_only_coordinators_may_publish(client_for, screener, frameworks):
    client = client_for(screener)
    assert client.get(reverse("screening:framework_publish", args=["palermo"])).status_code == 403
    text = services.definition_text(frameworks["palermo"]).replace("status: provisional", "status: verified", 1)
    assert client.post(reverse("screening:framework_publish", args=["palermo"]),
                       {"definition": text, "change_note": "x", "based_on": 1}).status_code == 403
    assert Framework.objects.filter(slug="palermo").count() == 1


def test_publishing_from_a_stale_version_is_refused(client_for, make_user, frameworks):
    client = client_for(make_user("coordinator"))
    text = services.definition_text(frameworks["palermo"])
    first = text.replace("status: provisional", "status: verified", 1)
    assert client.post(reverse("screening:framework_publish", args=["palermo"]),
                       {"definition": first, "change_note": "a", "based_on": 1}).status_code == 302
    # A second coordinator, who opened version 1 before that, must not silently overwrite it.
    late = client.post(reverse("screening:framework_publish", args=["palermo"]),
                       {"definition": text.replace("at_least: 1", "at_least: 2", 1), "change_note": "b",
                        "based_on": 1})
    assert late.status_code == 400 and "was published after you opened version 1" in late.content.decode()
    assert Framework.objects.filter(slug="palermo").count() == 2


def _threshold_post(form, **changes):
    data = {name: field.initial for name, field in form.fields.items()}
    data.update(form.initial)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_coordinator_changes_a_threshold_without_yaml(client_for, make_user, screener, frameworks):
    old = services.save_screening(actor=screener, framework=frameworks["ilo-adult-labour"],
                                  answers={f"deceptive_recruitment.{i}": "yes" for i in
                                           ("deceived_conditions_of_work", "deceived_contract", "deceived_wages")})
    assert old.conclusion == "possible"
    client = client_for(make_user("coordinator"))
    page = client.get(reverse("screening:framework_thresholds", args=["ilo-adult-labour"]))
    form = page.context["form"]
    assert form.fields["t-default-2-0"].initial == 3  # "3 medium"
    response = client.post(reverse("screening:framework_thresholds", args=["ilo-adult-labour"]), _threshold_post(
        form, **{"t-default-2-0": 4, "d-default-en": "Now four medium indicators.",
                 "d-default-fr": "Désormais quatre indicateurs moyens.", "change_note": "Stricter."}))
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Framework.objects.get(slug="ilo-adult-labour", version=2)
    assert new.definition["rule"]["dimension_positive"]["any_of"][2] == [{"strengths": ["medium"], "at_least": 4}]
    assert new.definition["rule"]["dimension_positive"]["description"]["en"] == "Now four medium indicators."
    # The old screening is still scored with version 1, where three medium indicators were enough.
    old.refresh_from_db()
    assert old.framework.version == 1
    page = client.get(reverse("screening:framework_detail", args=["ilo-adult-labour"])).content.decode()
    assert "Now four medium indicators." in page


def test_a_threshold_of_zero_is_refused_and_nothing_changes(client_for, make_user, frameworks):
    client = client_for(make_user("coordinator"))
    form = client.get(reverse("screening:framework_thresholds", args=["ca-criminal-code"])).context["form"]
    assert "t-exploitation-1-0" in form.fields  # a dimension's own rule is editable too
    response = client.post(reverse("screening:framework_thresholds", args=["ca-criminal-code"]),
                           _threshold_post(form, **{"t-default-0-0": 0, "change_note": "x"}))
    assert response.status_code == 400
    assert Framework.objects.filter(slug="ca-criminal-code").count() == 1


def test_framework_pages_show_status_questions_and_versions(client_for, screener, frameworks):
    client = client_for(screener)
    listing = client.get(reverse("screening:frameworks")).content.decode()
    assert "ilo-child-sexual" in listing and "Provisional" in listing
    detail = client.get(reverse("screening:framework_detail", args=["ilo-child-labour"])).content.decode()
    assert "act.recruited_or_moved" in detail
    assert "Publish a corrected version" not in detail
