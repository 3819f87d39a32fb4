"""The monitoring person moves from the commune to its schools (schools migration 0007, D12).

A commune with an officer in 2021 (two schools, one without facts that year), a
commune whose 2021 entry says nobody is appointed, and a year without an entry:
each school with facts of the year gets the commune's person of that year, the rest
stay not entered.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("schools", "0006_qualified_teachers")]
AFTER = [("schools", "0007_monitoring_person_per_school")]


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    """A migration executor; the database is migrated to the latest state again afterwards,
    whatever the test did, so that the tests after it find every column."""
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_communes_officer_is_carried_to_its_schools_of_the_year(
        executor: MigrationExecutor) -> None:
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    unit = old.get_model("register", "AdministrativeUnit")
    school = old.get_model("schools", "School")
    facts = old.get_model("schools", "SchoolYearFacts")
    officer = old.get_model("schools", "MonitoringOfficer")
    one, two = (unit.objects.create(vintage="2008", code=code, name=code, type="commune",
                                    kind="Xã") for code in ("90001", "90002"))
    a, _, c = (school.objects.create(code=code, name=code, level="primary", commune=commune)
               for code, commune in (("A", one), ("B", one), ("C", two)))
    for where, year in ((a, 2021), (a, 2022), (c, 2021)):
        facts.objects.create(school=where, school_year=year, classrooms=2)
    officer.objects.create(commune=one, school_year=2021, full_name=" Lò Văn Theo ",
                           decision="12/QĐ-UBND")
    officer.objects.create(commune=two, school_year=2021, full_name="", decision="")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("schools", "SchoolYearFacts")
    found = {(row.school.code, row.school_year): (row.monitoring_person, row.monitoring_decision)
             for row in new.objects.select_related("school")}
    assert found == {
        ("A", 2021): ("Lò Văn Theo", "12/QĐ-UBND"),  # the commune's person of 2021
        ("A", 2022): (None, ""),                      # no entry in 2022: not entered
        ("C", 2021): ("", ""),                        # nobody appointed stays a failure
    }  # B had no facts in 2021: nothing to carry, as it was not assessed
