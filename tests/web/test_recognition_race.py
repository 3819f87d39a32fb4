"""A submission racing an edit, on separate connections, in both orders (register/freezing.py).

Each side runs on a thread of its own (its own connection) and pauses at the
worst moment: the edit just after it passed the freeze check, the submission
just before it reads the engine's result. Whichever starts first, the stored
snapshot must be exactly the data that stay frozen.

The person of commune 03319 (``surveyed``) is 11 in 2021 and in grade 5, so
moving them away empties the primary cohort of age 11: the "completed primary"
criterion's denominator goes from 1 to 0.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from phocap.recognition import workflow
from phocap.recognition.models import Dossier
from phocap.register import editing, freezing
from phocap.register.models import PersonYear
from tests.web.threads import started

pytestmark = pytest.mark.django_db(transaction=True)
DAY = dt.date(2021, 3, 1)  # the move's date, inside survey year 2021
YEAR = 2021


def age_11_denominators(snapshot: dict[str, Any]) -> set[int]:
    return {c["denominator"] for c in snapshot["result"]["criteria"] if c["ages"] == [11, 11]}


def test_an_edit_in_flight_lands_before_the_submission_reads_the_result(
        surveyed: dict[str, Any], make_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    commune, person = surveyed["communes"]["03319"], surveyed["people"]["03319"]
    staff = make_user("commune_staff", commune)
    checked, go = threading.Event(), threading.Event()
    original = freezing.refuse_if_frozen

    def pausing(unit: Any, year: int) -> None:
        original(unit, year)
        checked.set()
        go.wait(20)

    monkeypatch.setattr(freezing, "refuse_if_frozen", pausing)
    edited: dict[str, Any] = {}
    edit = started(lambda: editing.move(staff, person.pk, person.version, YEAR, "moved_out",
                                        day=DAY, place="xã Mường Phăng"),
                   edited)
    assert checked.wait(20)
    submitted: dict[str, Any] = {}
    submission = started(lambda: workflow.submit(staff, commune, "primary", YEAR, 1,
                                                 "Hồ sơ điều kiện đã đủ."), submitted)
    submission.join(1.5)
    assert submission.is_alive(), "the submission did not wait for the edit in flight"
    go.set()
    edit.join(30)
    submission.join(30)
    assert "error" not in edited and "error" not in submitted, (edited, submitted)
    assert PersonYear.objects.get(person=person, survey_year=YEAR).status == "chuyển đi"
    dossier = Dossier.objects.get(unit=commune, standard="primary", survey_year=YEAR)
    assert age_11_denominators(dossier.snapshot) == {0}


def test_an_edit_arriving_during_the_submission_waits_and_is_refused(
        surveyed: dict[str, Any], make_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    commune, person = surveyed["communes"]["03319"], surveyed["people"]["03319"]
    staff = make_user("commune_staff", commune)
    reading, go = threading.Event(), threading.Event()
    original = workflow.snapshot_of

    def pausing(unit: Any, standard: str, year: int) -> dict[str, Any]:
        reading.set()
        go.wait(20)
        return original(unit, standard, year)

    monkeypatch.setattr(workflow, "snapshot_of", pausing)
    submitted: dict[str, Any] = {}
    submission = started(lambda: workflow.submit(staff, commune, "primary", YEAR, 1,
                                                 "Hồ sơ điều kiện đã đủ."), submitted)
    assert reading.wait(20)
    edited: dict[str, Any] = {}
    edit = started(lambda: editing.move(staff, person.pk, person.version, YEAR, "moved_out",
                                        day=DAY, place="xã Mường Phăng"),
                   edited)
    edit.join(1.5)
    assert edit.is_alive(), "the edit did not wait for the submission"
    go.set()
    submission.join(30)
    edit.join(30)
    assert "error" not in submitted, submitted
    assert isinstance(edited.get("error"), freezing.Frozen), edited
    assert PersonYear.objects.get(person=person, survey_year=YEAR).status == ""
    dossier = Dossier.objects.get(unit=commune, standard="primary", survey_year=YEAR)
    assert age_11_denominators(dossier.snapshot) == {1}
