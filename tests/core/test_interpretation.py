"""The one validation of interpretation (``core.interpretation.clean_interpretation``) and what it says
of a conflict: the rules every record with an interpreter (contact, consent, follow-up) follows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from octip.core.interpretation import (
    CONFLICT_ANSWERS,
    InterpreterKnows,
    audit_detail,
    clean_interpretation,
    interpreter_text,
    may_know,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _errors(values, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        clean_interpretation(values, **kwargs)
    return refused.value.message_dict


def test_with_an_interpreter_the_language_and_the_answer_are_required():
    errors = _errors({"interpreter_used": True})
    assert set(errors) == {"interpreter_language", "interpreter_knows"}
    assert "which language" in errors["interpreter_language"][0]
    assert "Not asked" in errors["interpreter_knows"][0]


def test_the_language_of_the_conversation_stands_in_for_an_empty_interpreter_language():
    cleaned = clean_interpretation({"interpreter_used": True, "interpreter_knows": "no"}, default_language=" Tagalog ")
    assert cleaned["interpreter_language"] == "Tagalog"


def test_without_an_interpreter_nothing_else_may_be_set():
    errors = _errors({"interpreter_used": False, "interpreter_agency": "Agency", "interpreter_id": "X1",
                      "interpreter_knows": "no"})
    assert set(errors) == {"interpreter_agency", "interpreter_id", "interpreter_knows"}
    assert "No interpreter was used" in errors["interpreter_id"][0]
    assert clean_interpretation({}) == {"interpreter_used": False, "interpreter_language": "",
                                        "interpreter_agency": "", "interpreter_id": "", "interpreter_knows": ""}


def test_an_unknown_answer_and_overlong_values_are_refused():
    errors = _errors({"interpreter_used": True, "interpreter_language": "x" * 61, "interpreter_knows": "maybe",
                      "interpreter_id": "9" * 101})
    assert set(errors) == {"interpreter_language", "interpreter_knows", "interpreter_id"}


def test_values_are_stripped():
    cleaned = clean_interpretation({"interpreter_used": "on", "interpreter_language": " Punjabi ",
                                    "interpreter_agency": " Co-op ", "interpreter_id": " A-7 ",
                                    "interpreter_knows": "not_asked"})
    assert cleaned == {"interpreter_used": True, "interpreter_language": "Punjabi", "interpreter_agency": "Co-op",
                       "interpreter_id": "A-7", "interpreter_knows": "not_asked"}


@pytest.mark.parametrize("answer", InterpreterKnows.values)
def test_every_answer_but_no_and_not_asked_is_a_conflict(answer):
    values = {"interpreter_used": True, "interpreter_knows": answer}
    assert may_know(values) == (answer not in ("no", "not_asked"))
    assert (answer in CONFLICT_ANSWERS) == may_know(values)
    assert not may_know({"interpreter_used": False, "interpreter_knows": answer})


def test_the_audit_detail_never_carries_the_id_or_free_text():
    detail = audit_detail({"interpreter_used": True, "interpreter_language": "Tagalog",
                           "interpreter_agency": "AGENCYMARK", "interpreter_id": "IDMARK-1",
                           "interpreter_knows": "knows_person"})
    assert detail == {"interpreter_used": True, "interpreter_knows": "knows_person", "interpreter_id_given": True}


def test_the_printout_line_warns_of_a_conflict():
    line = interpreter_text({"interpreter_used": True, "interpreter_language": "Tagalog",
                             "interpreter_knows": "knows_both"})
    assert line.startswith("Tagalog · Knows both") and "Arrange another interpreter" in line
    assert interpreter_text({"interpreter_used": False}) == "—"
