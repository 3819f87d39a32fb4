"""Import: preview, all-or-nothing commit, idempotent re-import, audit; editing with locking."""

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from phocap.register.editing import update_person
from phocap.register.importing import ImportRefused, commit, preview
from phocap.register.locking import StaleEdit
from phocap.register.models import AuditEntry, Person, PersonYear
from phocap.survey.validate import validate

pytestmark = pytest.mark.usefixtures("file_villages")  # the files' household 0001: the tree's

FIXTURE = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"


@pytest.fixture
def commune_file() -> pl.DataFrame:
    """The seven people of commune 03319 in the format fixture."""
    result = validate(FIXTURE, keep_records=True)
    assert result.records is not None
    return result.records.filter(pl.col("commune_code") == "03319")


def registered() -> int:
    return Person.objects.filter(household__commune__code="03319").count()


def test_preview_then_commit_then_nothing_changes_on_reimport(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    # The register already holds household 0001, person 1 ("Người 03319", no 2021
    # record): the file's first person has that key, so it is the same person.
    assert registered() == 1
    first = preview(commune_file)
    assert (len(first.new), len(first.changed), first.unchanged) == (7, 0, 0)
    assert first.missing == []
    commit(commune_file, staff)
    assert registered() == 7
    assert Person.objects.get(household__commune__code="03319", household__household_no="0001",
                              person_no=1).full_name == (
        "Lò Văn Hòa"
    )
    assert PersonYear.objects.filter(survey_year=2021).count() == 7
    entries = AuditEntry.objects.count()
    # household 0002 created; 6 people created and 1 renamed; 7 person-years created;
    # household 0001 gets the head the file names ("Chủ hộ")
    assert entries == 1 + 6 + 1 + 7 + 1

    again = preview(commune_file)
    assert (len(again.new), len(again.changed), again.unchanged) == (0, 0, 7)
    commit(commune_file, staff)
    assert AuditEntry.objects.count() == entries  # idempotent: nothing written


def test_a_changed_cell_is_previewed_field_by_field_and_audited(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    commit(commune_file, staff)
    edited = commune_file.with_columns(
        pl.when(pl.col("full_name") == "Lò Văn An").then(pl.lit("5")).otherwise(
            pl.col("current_class")).alias("current_class"),
        pl.when(pl.col("full_name") == "Lò Văn An").then(pl.lit(5, pl.Int8)).otherwise(
            pl.col("class_grade")).alias("class_grade"),
    )
    plan = preview(edited)
    key = ("03319", "Bản Pồn", "0001", 3)
    assert plan.changed[key]["current_class"] == ("3*!", "5")
    assert plan.changed[key]["class_grade"] == (3, 5)
    commit(edited, staff)
    entry = AuditEntry.objects.filter(model="personyear", action="update").get()
    assert (entry.before["current_class"], entry.after["current_class"]) == ("3*!", "5")
    assert entry.user == staff


def test_people_missing_from_the_file_are_reported_not_deleted(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    commit(commune_file, staff)
    shorter = commune_file.filter(pl.col("full_name") != "Giàng A Dình")
    assert preview(shorter).missing == [("03319", "Bản Pá Ngam", "0002", 3)]
    commit(shorter, staff)
    assert PersonYear.objects.filter(person__full_name="Giàng A Dình").exists()


def test_only_the_communes_own_staff_may_import(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame
) -> None:
    for user in (make_user("commune_staff", tree["communes"]["03322"]),
                 make_user("district_reviewer", tree["districts"][0])):
        with pytest.raises(PermissionDenied):
            commit(commune_file, user)
    assert not PersonYear.objects.exists()


def test_an_import_that_fails_halfway_leaves_nothing(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame, monkeypatch: Any
) -> None:
    from phocap.register import uniqueness

    staff = make_user("commune_staff", tree["communes"]["03319"])
    # The file's last person carries a national ID that already belongs to someone
    # in another commune (unique in the register). With the check before writing
    # out of the way (as when another writer takes the ID in between), the database
    # refuses that last insert after six people were written, and everything rolls back.
    monkeypatch.setattr(uniqueness, "import_clashes", lambda *args: [])
    Person.objects.filter(pk=tree["people"]["03322"].pk).update(national_id="011010009999")
    last = commune_file.with_columns(
        pl.when(pl.col("full_name") == "Giàng A Dình").then(pl.lit("011010009999"))
        .otherwise(pl.col("national_id")).alias("national_id")
    )
    with pytest.raises(ImportRefused, match="Sổ từ chối ghi"):
        commit(last, staff)
    assert not PersonYear.objects.exists() and not AuditEntry.objects.exists()
    assert registered() == 1


def test_commune_codes_unknown_to_the_register_are_refused(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame
) -> None:
    with pytest.raises(ImportRefused, match="99999"):
        preview(commune_file.with_columns(pl.lit("99999").alias("commune_code")))


def test_a_stale_edit_is_refused_and_nothing_is_lost(tree: dict[str, Any],
                                                     make_user: Any) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    person = tree["people"]["03319"]
    update_person(staff, person.pk, 1, {"full_name": "Người đã sửa"})
    with pytest.raises(StaleEdit, match="vừa được người khác sửa"):
        update_person(staff, person.pk, 1, {"full_name": "Sửa đè"})
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Người đã sửa", 2)
    entry = AuditEntry.objects.get(model="person", action="update")
    assert entry.before["full_name"] == "Người 03319" and entry.after["full_name"] == "Người đã sửa"


def test_editing_outside_scope_finds_nobody(tree: dict[str, Any], make_user: Any) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    with pytest.raises(Person.DoesNotExist):
        update_person(staff, tree["people"]["03322"].pk, 1, {"full_name": "x"})
    reviewer = make_user("district_reviewer", tree["districts"][0])
    with pytest.raises(PermissionDenied):
        update_person(reviewer, tree["people"]["03319"].pk, 1, {"full_name": "x"})


def test_a_commit_refuses_when_the_register_changed_since_the_preview(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    confirmed = preview(commune_file)
    person = tree["people"]["03319"]
    update_person(staff, person.pk, 1, {"full_name": "Sửa sau khi xem trước"})
    with pytest.raises(ImportRefused, match="hãy xem trước lại"):
        commit(commune_file, staff, expected=confirmed.fingerprint)
    person.refresh_from_db()
    assert person.full_name == "Sửa sau khi xem trước"
    assert not PersonYear.objects.exists()
    # Previewed again, the same file goes in (and overwrites the edit knowingly:
    # the new preview showed that change).
    again = preview(commune_file)
    assert again.fingerprint != confirmed.fingerprint
    assert commit(commune_file, staff, expected=again.fingerprint).new == again.new
    assert PersonYear.objects.count() == 7


def test_progress_is_reported_per_batch_and_touched_people_get_a_new_version(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from phocap.register import importing

    monkeypatch.setattr(importing, "BATCH_ROWS", 3)
    staff = make_user("commune_staff", tree["communes"]["03319"])
    calls: list[tuple[int, int]] = []
    commit(commune_file, staff, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(3, 7), (6, 7), (7, 7)]
    existing = tree["people"]["03319"]
    existing.refresh_from_db()
    assert existing.version == 2  # renamed and surveyed by the import
    newcomer = Person.objects.get(household__household_no="0002", person_no=1)
    assert newcomer.version == 1
    # An edit on a form opened before the import is stale.
    with pytest.raises(StaleEdit):
        update_person(staff, existing.pk, 1, {"full_name": "Sửa trên biểu mẫu cũ"})


def test_bulk_audit_entries_look_like_single_ones(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame
) -> None:
    from phocap.register.audit import snapshot

    staff = make_user("commune_staff", tree["communes"]["03319"])
    commit(commune_file, staff)
    for model, kind in (("person", Person), ("personyear", PersonYear)):
        entry = AuditEntry.objects.filter(model=model, action="create").order_by("id").first()
        assert entry is not None and entry.user == staff
        assert entry.commune == tree["communes"]["03319"]
        assert entry.after == snapshot(kind.objects.get(pk=entry.object_id))
    renamed = AuditEntry.objects.get(model="person", action="update")
    assert (renamed.before["full_name"], renamed.after["full_name"]) == ("Người 03319",
                                                                         "Lò Văn Hòa")
    assert (renamed.before["version"], renamed.after["version"]) == (1, 2)


def test_bulk_rows_keep_tabs_backslashes_line_ends_and_json_intact(tree: dict[str, Any]) -> None:
    # COPY's text format gives these characters a meaning of their own (bulk.py escapes them).
    from phocap.register import bulk
    from phocap.register.models import Village

    commune = tree["communes"]["03319"]
    name = "Bản\tPồn\\Mới\nmột\r"
    village_id = bulk.allocate_ids(Village, 1)[0]
    bulk.insert_rows(Village, ("id", "commune_id", "name"), [(village_id, commune.pk, name)])
    assert Village.objects.get(pk=village_id).name == name
    after = {"full_name": "Lò \\ \"Văn\"\tHòa", "warnings": ["a\nb"], "none": None}
    from phocap.register.audit import Entry, record_many

    record_many(None, [Entry("update", "person", 1, commune.pk, None, after)])
    assert AuditEntry.objects.get(object_id=1).after == after


def test_register_rows_read_in_bulk_equal_the_orms(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame
) -> None:
    # On PostgreSQL the import reads the register through COPY and Polars; the
    # values must be exactly the ORM's (dates, booleans, JSON, NULL vs blank text).
    from phocap.register import bulk

    commit(commune_file, make_user("commune_staff", tree["communes"]["03319"]))
    PersonYear.objects.filter(person__full_name="Lò Văn An").update(warnings=["cảnh báo, \"x\""])
    for model in (Person, PersonYear):
        columns = [f.attname for f in model._meta.concrete_fields]
        rows = model.objects.order_by("pk")
        assert bulk.read_values(rows, columns) == list(rows.values(*columns))
    empty = Person.objects.filter(pk=-1)
    assert bulk.read_values(empty, ["id", "full_name"]) == []
